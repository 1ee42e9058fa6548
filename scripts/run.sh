#!/usr/bin/env bash
# The main job (README): build, load the bundled catalogue into the data directory when it is new,
# and print the data-quality report and a summary per theme, status and start year.
# Arguments go to every `watwerkt` call (e.g. --data-dir DIR, --json).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p watwerkt-cli
target/release/watwerkt "$@" check
echo
target/release/watwerkt "$@" stats
