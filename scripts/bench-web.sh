#!/usr/bin/env bash
# bench-web.sh: search-page speed of `watwerkt serve` on loopback, release build.
#   - server-side latency: p50/p99 of the Server-Timing header over 300 sequential requests
#   - client latency: curl time_total p50/p99 over the same requests
#   - throughput: wrk, 2 threads, 32 connections, 10 s, with its latency distribution
# Usage: scripts/bench-web.sh [DATA_DIR]     (default: a fresh temp dir with the bundled catalogue)
#        N=100000 scripts/bench-web.sh DIR   (first run: generate N synthetic projects with
#                                             ../shared/bench/gencorpus.py and import them into DIR)
# URL=… overrides the page measured; PORT=… the port.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-$(mktemp -d)}"
PORT="${PORT:-18080}"
URL="${URL:-http://127.0.0.1:$PORT/zoeken?q=schulden+jongeren&f=status%3AAfgerond}"
command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
cargo build --release -p watwerkt-cli
BIN=target/release/watwerkt
if [ -n "${N:-}" ] && [ ! -e "$DIR/watwerkt.sqlite" ]; then
  mkdir -p "$DIR"
  python3 ../shared/bench/gencorpus.py --n "$N" --seed 1 > "$DIR/corpus.jsonl"
  "$BIN" --data-dir "$DIR" import "$DIR/corpus.jsonl" >/dev/null
fi
"$BIN" --data-dir "$DIR" serve --addr "127.0.0.1:$PORT" >/dev/null &
PID=$!
trap 'kill $PID' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
echo "projects: $(curl -s "http://127.0.0.1:$PORT/healthz")"
echo "page: $URL"
curl -s -o /dev/null "$URL" # the first search builds the catalogue-wide directory
SAMPLES=$(mktemp)
for _ in $(seq 1 300); do
  curl -s -o /dev/null -D - -w "total %{time_total}\n" "$URL" |
    awk 'tolower($1) == "server-timing:" { split($2, a, "dur="); printf "%s ", a[2] } $1 == "total" { print $2 * 1000 }'
done > "$SAMPLES"
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p); if (i<1) i=1; printf "%.2f", a[i]}'; }
echo "server (Server-Timing): p50 $(cut -d' ' -f1 "$SAMPLES" | pct 0.5) ms, p99 $(cut -d' ' -f1 "$SAMPLES" | pct 0.99) ms"
echo "client (curl):          p50 $(cut -d' ' -f2 "$SAMPLES" | pct 0.5) ms, p99 $(cut -d' ' -f2 "$SAMPLES" | pct 0.99) ms"
rm -f "$SAMPLES"
wrk -t2 -c32 -d10s --latency "$URL" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
