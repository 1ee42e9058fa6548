# serve-fresh.sh: sourced by scripts/e2e.sh and scripts/api-contract.sh. `serve_fresh NAME` starts
# the `target/debug/watwerkt` the tests built on a free loopback port with a fresh data directory
# (the bundled catalogue loads itself), waits until it listens, and sets `work` (scratch directory,
# removed on exit), `log` (the server's output) and `url`; the server is stopped on exit.

serve_fresh() {
  local name=$1
  work=$(mktemp -d)
  log="$work/serve.log"
  server=
  trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT INT TERM

  step "watwerkt serve"
  target/debug/watwerkt --data-dir "$work/data" serve --addr 127.0.0.1:0 >"$log" 2>&1 &
  server=$!
  url=
  # The first start loads the bundled catalogue and builds the index: allow it a minute.
  for _ in $(seq 1 600); do
    url=$(sed -n 's/^watwerkt: serving on \(http:[^ ]*\)$/\1/p' "$log")
    [ -n "$url" ] && break
    if ! kill -0 "$server" 2>/dev/null; then
      cat "$log" >&2
      echo "$name: watwerkt serve exited before listening" >&2
      exit 1
    fi
    sleep 0.1
  done
  if [ -z "$url" ]; then
    cat "$log" >&2
    echo "$name: watwerkt serve did not listen within 60 s" >&2
    exit 1
  fi
  echo "serving on $url"
}
