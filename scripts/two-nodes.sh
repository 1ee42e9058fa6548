#!/usr/bin/env bash
# Two `watwerkt serve` nodes on the local PostgreSQL, each with its own data directory and search
# index, kept in step by the store's change log: node A on 127.0.0.1:8081, node B on :8082. Put
# any reverse proxy in front (an nginx example is printed); back-office sign-ins need sticky
# sessions, since accounts and sessions are still per data directory.
#
#   scripts/two-nodes.sh                 # database watwerkt_nodes, data in /tmp/watwerkt-nodes
#   DATABASE_URL=postgres://… DATA=/srv/watwerkt scripts/two-nodes.sh
#   WATWERKT_BIN=target/debug/watwerkt scripts/two-nodes.sh   # a binary already built
#
# Stop with Ctrl-C (both nodes stop). Start a third node the same way: same DATABASE_URL, its own
# --data-dir; it builds its index from the store and then follows.
set -euo pipefail
cd "$(dirname "$0")/.."

db=${DATABASE_NAME:-watwerkt_nodes}
url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$db}
data=${DATA:-/tmp/watwerkt-nodes}

scripts/postgres.sh
if [ -z "${DATABASE_URL:-}" ]; then
  # The database must exist; watwerkt creates its tables.
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres "$db"
fi
bin=${WATWERKT_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release -q -p watwerkt-cli
  bin=target/release/watwerkt
fi
mkdir -p "$data"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
# The first node loads the bundled catalogue into a new database before the second starts.
"$bin" --database-url "$url" --data-dir "$data/a" serve --addr 127.0.0.1:8081 &
pids+=($!)
until curl -fsS http://127.0.0.1:8081/healthz >/dev/null 2>&1; do sleep 0.2; done
"$bin" --database-url "$url" --data-dir "$data/b" serve --addr 127.0.0.1:8082 &
pids+=($!)
until curl -fsS http://127.0.0.1:8082/healthz >/dev/null 2>&1; do sleep 0.2; done

cat <<NGINX

Two nodes on $url (data in $data/a and $data/b). Node B's /healthz:
$(curl -fsS http://127.0.0.1:8082/healthz | sed 's/^/  /')

An nginx front (sticky by client address, for the back office's sessions):
  upstream watwerkt { ip_hash; server 127.0.0.1:8081; server 127.0.0.1:8082; }
  server { listen 8080; location / { proxy_pass http://watwerkt; proxy_set_header Host \$host; } }

Ctrl-C stops both nodes.
NGINX
wait
