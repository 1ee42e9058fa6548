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

step "cargo test"
cargo test --workspace --locked

step "browser tests (scripts/e2e.sh)"
scripts/e2e.sh

step "API contract test (scripts/api-contract.sh)"
scripts/api-contract.sh
