#!/usr/bin/env bash
# bench-web.sh: search-page speed of `watwerkt serve` on loopback, release build.
#   - uncached: every query of ../shared/bench/queries.txt once, as a search page (each URL is
#     new to the server's page cache, so the engine runs): Server-Timing p50/p99
#   - one URL repeated (URL): Server-Timing and curl p50/p99 over 300 sequential requests, and
#     wrk (2 threads, 32 connections, 10 s) requests/s and latency; after its first request the
#     page comes from the page cache until the catalogue changes
#   - the same URL made new on every request (wrk, 8 connections, a counter in the query string):
#     throughput when the engine runs for every page
#   - the query set's searches in turn, each request a new URL (wrk, 8 connections): throughput
#     over many different searches
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
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p); if (i<1) i=1; printf "%.2f", a[i]}'; }
UNCACHED=$(mktemp)
grep -v '^#' ../shared/bench/queries.txt | cut -f1 | grep -v '^$' | while read -r q; do
  enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$q")
  curl -s -o /dev/null -D - "http://127.0.0.1:$PORT/zoeken?q=$enc&bench=$RANDOM$RANDOM" |
    awk 'tolower($1) == "server-timing:" { split($2, a, "dur="); print a[2] }'
done > "$UNCACHED"
echo "uncached search pages ($(wc -l < "$UNCACHED") queries, Server-Timing): p50 $(pct 0.5 < "$UNCACHED") ms, p99 $(pct 0.99 < "$UNCACHED") ms"
rm -f "$UNCACHED"
SAMPLES=$(mktemp)
for _ in $(seq 1 300); do
  curl -s -o /dev/null -D - -w "total %{time_total}\n" "$URL" |
    awk 'tolower($1) == "server-timing:" { split($2, a, "dur="); printf "%s ", a[2] } $1 == "total" { print $2 * 1000 }'
done > "$SAMPLES"
echo "server (Server-Timing): p50 $(cut -d' ' -f1 "$SAMPLES" | pct 0.5) ms, p99 $(cut -d' ' -f1 "$SAMPLES" | pct 0.99) ms"
echo "client (curl):          p50 $(cut -d' ' -f2 "$SAMPLES" | pct 0.5) ms, p99 $(cut -d' ' -f2 "$SAMPLES" | pct 0.99) ms"
rm -f "$SAMPLES"
echo "wrk, same URL (page cache):"
wrk -t2 -c32 -d10s --latency "$URL" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
# Every request a new URL (a counter in the query string), so the engine runs each time.
MISS=$(mktemp --suffix=.lua)
cat > "$MISS" <<LUA
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "${URL#http://127.0.0.1:$PORT}&bench=" .. counter)
end
LUA
echo "wrk, new URL every request (engine):"
wrk -t2 -c8 -d10s --latency -s "$MISS" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
# The query set in turn, each request a new URL: throughput over many different searches.
python3 - "$MISS" <<'PY'
import sys, urllib.parse
lines = open("../shared/bench/queries.txt", encoding="utf-8").read().splitlines()
paths = []
for line in lines:
    if not line.strip() or line.startswith("#"):
        continue
    q, *filters = line.split("\t")
    path = "/zoeken?q=" + urllib.parse.quote_plus(q)
    for f in filters:
        key, _, value = f.partition("=")
        path += "&f=" + urllib.parse.quote_plus(key + ":" + value)
    paths.append(path)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("paths = {" + ",".join('"%s"' % p for p in paths) + "}\n")
    out.write("counter = 0\nrequest = function()\n  counter = counter + 1\n")
    out.write('  return wrk.format("GET", paths[(counter % #paths) + 1] .. "&bench=" .. counter)\nend\n')
PY
echo "wrk, the query set in turn, new URL every request (engine):"
wrk -t2 -c8 -d10s --latency -s "$MISS" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
rm -f "$MISS"
