#!/usr/bin/env bash
# The PostgreSQL server the store tests use: when WATWERKT_TEST_DATABASE_URL is unset and nothing
# listens on 127.0.0.1:5432, starts Debian's cluster (installing the postgresql package first if
# it is missing, and then letting the postgres role in from loopback without a password, as the
# tests expect). Exports nothing; the tests create and drop their own databases.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
listening() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

if [ -n "${WATWERKT_TEST_DATABASE_URL:-}" ]; then
  echo "PostgreSQL: the tests use WATWERKT_TEST_DATABASE_URL"
  exit 0
fi
if listening; then
  echo "PostgreSQL: listening on 127.0.0.1:5432"
  exit 0
fi

if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "PostgreSQL: installing Debian's postgresql"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  # A new test server: the postgres role may connect from loopback only, without a password.
  hba=/etc/postgresql/$version/main/pg_hba.conf
  as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
echo "PostgreSQL: starting cluster $version/main"
as_root pg_ctlcluster "$version" main start || as_root service postgresql start
for _ in $(seq 1 30); do
  if listening; then exit 0; fi
  sleep 1
done
echo "PostgreSQL: nothing listens on 127.0.0.1:5432 after 30 s" >&2
exit 1
