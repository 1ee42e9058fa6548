#!/usr/bin/env bash
# The main job (README): build, load the bundled catalogue into an empty data directory, serve the
# website. Extra arguments go to `watwerkt serve` (e.g. --addr 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p watwerkt-cli
exec target/release/watwerkt serve "$@"
