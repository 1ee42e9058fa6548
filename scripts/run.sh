#!/usr/bin/env bash
# The main job (README): build; load the bundled catalogue into the data directory when it is new;
# print the data-quality report and the summary per theme, status and start year; then serve the
# website until stopped (Ctrl-C).
#
#   scripts/run.sh [--data-dir DIR] [--addr HOST:PORT]
#
# The address (default 127.0.0.1:8080, or $WATWERKT_ADDR) is checked before the build, so a busy
# port is reported at once rather than after it.
set -euo pipefail
cd "$(dirname "$0")/.."

addr="${WATWERKT_ADDR:-127.0.0.1:8080}"
global=()
while [ $# -gt 0 ]; do
  case "$1" in
    --addr) [ $# -ge 2 ] || { echo "run.sh: --addr needs HOST:PORT, e.g. --addr 127.0.0.1:8093" >&2; exit 2; }
            addr="$2"; shift 2 ;;
    --addr=*) addr="${1#--addr=}"; shift ;;
    --data-dir) [ $# -ge 2 ] || { echo "run.sh: --data-dir needs a directory" >&2; exit 2; }
                global+=(--data-dir "$2"); shift 2 ;;
    --data-dir=*) global+=("$1"); shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1; expected --data-dir DIR or --addr HOST:PORT" >&2; exit 2 ;;
  esac
done

host="${addr%:*}"
port="${addr##*:}"
case "$port" in
  ''|*[!0-9]*) echo "run.sh: --addr $addr: expected HOST:PORT, e.g. 127.0.0.1:8093" >&2; exit 2 ;;
esac
# bash's /dev/tcp connects when something listens: then the port is taken.
if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  echo "run.sh: $addr is already in use (another watwerkt, or another program)." >&2
  echo "  Stop it, or pick another port: scripts/run.sh --addr $host:$((port + 1))" >&2
  exit 1
fi

cargo build --release --locked -p watwerkt-cli
target/release/watwerkt "${global[@]}" check
echo
target/release/watwerkt "${global[@]}" stats
echo
echo "Back office: http://$addr/beheer — make an account first, e.g."
echo "  echo 'a long password' | target/release/watwerkt ${global[*]} user add you@example.org --role editor --password-stdin"
echo
exec target/release/watwerkt "${global[@]}" serve --addr "$addr"
