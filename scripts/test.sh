#!/usr/bin/env bash
# The test command (README): formatting, lints, unit and integration tests, real-browser tests.
# Installs what it needs (Debian's chromium, the e2e npm packages) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "browser tests (e2e/run.sh)"
cargo build --locked -p watwerkt-cli
e2e/run.sh target/debug/watwerkt
