#!/usr/bin/env bash
# The test command (README): formatting, lints, unit and integration tests, then the browser tests
# against the binary those tests built (one build profile throughout).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

# The OAI-PMH tests validate responses with xmllint (they fail without it when CI is set).
if ! command -v xmllint >/dev/null; then
  step "apt-get install libxml2-utils"
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils >/dev/null
fi

# The PostgreSQL store's tests (and the binary's) need a server; in CI they fail without one.
step "PostgreSQL (scripts/postgres.sh)"
scripts/postgres.sh

step "cargo test"
cargo test --workspace --locked

step "browser tests (scripts/e2e.sh)"
scripts/e2e.sh

step "API contract test (scripts/api-contract.sh)"
scripts/api-contract.sh
