#!/usr/bin/env bash
# The main job (README): build; load the bundled catalogue into the data directory when it is new;
# print the data-quality report and the summary per theme, status and start year; then serve the
# website on http://127.0.0.1:8080 until stopped (Ctrl-C).
# Arguments go to every `watwerkt` call (e.g. --data-dir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p watwerkt-cli
target/release/watwerkt "$@" check
echo
target/release/watwerkt "$@" stats
echo
exec target/release/watwerkt "$@" serve
