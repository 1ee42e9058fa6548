#!/usr/bin/env bash
# bench-web.sh: search-page latency (curl, 200 requests) and throughput (wrk, 10 s) on loopback.
# Usage: scripts/bench-web.sh [DATA_DIR]  (default: a fresh temp dir with the bundled catalogue)
# Uses the example server until `watwerkt serve` exists in the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-$(mktemp -d)}"
PORT="${PORT:-18080}"
URL="http://127.0.0.1:$PORT/zoeken?q=schulden+jongeren&f=status%3AAfgerond"
command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
cargo build --release -p watwerkt-web --example serve
target/release/examples/serve "$DIR" "127.0.0.1:$PORT" &
PID=$!
trap 'kill $PID' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
for _ in $(seq 1 200); do curl -s -o /dev/null -w "%{time_total}\n" "$URL"; done | sort -n |
  awk '{a[NR]=$1} END {printf "curl search page: p50 %.2f ms, p99 %.2f ms\n", a[int(NR*0.5)]*1000, a[int(NR*0.99)]*1000}'
wrk -t2 -c32 -d10s --latency "$URL" | grep -E "Requests/sec|50%|99%|Non-2xx"
