#!/usr/bin/env bash
# The API's contract test: schemathesis (from PyPI, pinned, in a venv under target/) generates
# requests from /api/v1/openapi.json, valid and invalid, and checks every answer against the
# document (status codes, content types, schemas) and that no input is a server error. Starts the
# real `watwerkt serve` on a free port with a fresh data directory, as scripts/e2e.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
venv=target/schemathesis-venv

step() { printf '\n== %s\n' "$*"; }

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qx "schemathesis, version $SCHEMATHESIS_VERSION"; then
  step "pip install schemathesis==$SCHEMATHESIS_VERSION (into $venv)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# A no-op after scripts/test.sh, which runs the same command (see scripts/e2e.sh for why not
# `cargo build -p watwerkt-cli`).
step "cargo test --workspace --no-run (builds target/debug/watwerkt)"
cargo test --workspace --locked --no-run

# shellcheck source=scripts/serve-fresh.sh
source scripts/serve-fresh.sh
serve_fresh api-contract

# The one exception to "valid by the schema is accepted": `cursor` is opaque and issued by the
# server, so a string the schema allows is still one this server never issued, rightly refused
# with 400. Nothing else is relaxed.
#
# The editing endpoints run with an editor's bearer token (made here, in the server's data
# directory, as a user would), so their accepting side is exercised too. A patch the schema allows
# can still be refused for its meaning: an unknown project (404), a stale If-Match (409), or a value
# the domain refuses (422, e.g. a status other than Lopend/Afgerond).
cat >"$work/schemathesis.toml" <<'EOF'
[[operations]]
include-path = "/api/v1/projects"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400"]

[[operations]]
include-path-regex = "^/api/v1/projects/[^/]+(/revisions)?$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "404", "409", "422"]
EOF
step "an editor's API token"
echo "contract test password" | target/debug/watwerkt --data-dir "$work/data" \
  user add editor@example.org --role editor --password-stdin >/dev/null
token=$(target/debug/watwerkt --data-dir "$work/data" token create editor@example.org)

step "schemathesis run --checks all"
status=0
schemathesis="$PWD/$venv/bin/schemathesis"
# `--rate-limit` keeps the run at the server's steady rate (600 a minute), so no answer is a 429.
# Run in the scratch directory: schemathesis leaves its cache (.schemathesis/) where it runs.
(cd "$work" && "$schemathesis" --config-file schemathesis.toml --no-color \
  run "$url/api/v1/openapi.json" --header "Authorization: Bearer $token" --checks all --max-examples 25 --seed 17 --workers 2 \
  --rate-limit 600/m --request-timeout 10) || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"
