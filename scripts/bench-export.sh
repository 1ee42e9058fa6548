#!/usr/bin/env bash
# bench-export.sh: the downloads of `watwerkt serve` on loopback, release build: the whole
# catalogue as CSV and as JSON Lines over HTTP (time, bytes, rows/s) and the server's resident
# memory before and at its peak (VmRSS/VmHWM), then `watwerkt export --format csv` for comparison.
# Usage: scripts/bench-export.sh DIR        (a data directory, e.g. one bench-web.sh filled)
#        N=1000000 scripts/bench-export.sh DIR   (first run: generate and import N projects)
# PORT=… the port; BIN=… a watwerkt binary (default: builds target/release/watwerkt).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:?usage: scripts/bench-export.sh DATA_DIR}"
PORT="${PORT:-18081}"
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -p watwerkt-cli
  BIN=target/release/watwerkt
fi
if [ -n "${N:-}" ] && [ ! -e "$DIR/watwerkt.sqlite" ]; then
  mkdir -p "$DIR"
  python3 ../shared/bench/gencorpus.py --n "$N" --seed 1 > "$DIR/corpus.jsonl"
  "$BIN" --data-dir "$DIR" import "$DIR/corpus.jsonl" >/dev/null
fi
"$BIN" --data-dir "$DIR" serve --addr "127.0.0.1:$PORT" >/dev/null &
PID=$!
trap 'kill $PID' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
n=$(curl -s "http://127.0.0.1:$PORT/healthz" | awk 'NR==1 {print $2}')
echo "projects: $n"
mem() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2/1024}' "/proc/$PID/status"; echo; }
echo "server before: $(mem)"
for file in projecten.csv projecten-puntkomma.csv projecten.jsonl; do
  read -r code secs bytes < <(curl -s -o /dev/null -w "%{http_code} %{time_total} %{size_download}\n" \
    "http://127.0.0.1:$PORT/export/$file")
  awk -v f="$file" -v c="$code" -v s="$secs" -v b="$bytes" -v n="$n" \
    'BEGIN { printf "GET /export/%s: %s, %.1f s, %d MB, %d rows/s\n", f, c, s, b/1048576, n/s }'
  echo "server after: $(mem)"
done
start=$(date +%s.%N)
"$BIN" --data-dir "$DIR" export --format csv > /dev/null
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$n" 'BEGIN { printf "watwerkt export --format csv: %.1f s, %d rows/s\n", e-s, n/(e-s) }'
