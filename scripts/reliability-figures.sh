#!/usr/bin/env bash
# The figures of docs/reliability.md: verify, backup, restore and a closed pipe on the bundled
# catalogue plus N synthetic projects (default 100,000), in a temporary directory.
# Usage: scripts/reliability-figures.sh [N] [path/to/watwerkt]
set -euo pipefail
n=${1:-100000}
bin=${2:-target/debug/watwerkt}
[ -x "$bin" ] || cargo build -p watwerkt-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$n" > "$work/big.jsonl" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print('{"project_number": "97%012d", "title": "Project %d over schulden en werk", '
          '"question": "Hoe helpen gemeenten mensen met schulden aan het werk? Vraag %d.", '
          '"method": "Interviews en een vragenlijst in %d gemeenten.", '
          '"outcome": "Een handreiking voor klantmanagers.", "products": ["Factsheet %d"], '
          '"municipalities": ["Zwolle", "Utrecht"], "organisations": ["Hogeschool Utrecht"], '
          '"theme": "Re-integratie", "status": "Lopend", "start": "2018-0%d", "duration_months": 24}'
          % (i, i, i, i, i, i % 9 + 1))
PY
w() { "$bin" --data-dir "$@"; }
# Runs a command, its output kept in $work/out; prints the seconds it took.
seconds() {
  local t0 t1
  t0=$(date +%s%N); "$@" > "$work/out" 2>&1 || true; t1=$(date +%s%N)
  printf '%d.%02d' $(((t1 - t0) / 1000000000)) $(((t1 - t0) / 10000000 % 100))
}
w "$work/data" stats > /dev/null 2>&1
echo "import of $n projects: $(seconds w "$work/data" import "$work/big.jsonl") s"
echo "verify: $(seconds w "$work/data" verify) s: $(tail -1 "$work/out")"
echo "backup: $(seconds w "$work/data" backup "$work/b.sqlite") s, $(stat -c %s "$work/b.sqlite") bytes"
echo "restore: $(seconds w "$work/restored" restore "$work/b.sqlite") s"
echo "verify of the restored: $(seconds w "$work/restored" verify) s: $(tail -1 "$work/out")"
if cmp -s <(w "$work/data" export) <(w "$work/restored" export); then
  echo "export of the restored: byte-identical ($(w "$work/data" export | wc -c) bytes)"
else
  echo "export of the restored: DIFFERS"; exit 1
fi
set +o pipefail
w "$work/data" export 2> "$work/err" | head -c 100 > /dev/null
status=${PIPESTATUS[0]}
echo "export | head -c 100: status $status, $(wc -c < "$work/err") bytes on standard error"
