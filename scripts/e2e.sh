#!/usr/bin/env bash
# Browser tests (e2e/): starts the real `watwerkt serve` on a free port with a fresh data directory
# (the bundled catalogue loads itself) and drives Debian's chromium against it; axe-core checks
# every page type. Installs what is missing on a fresh Debian machine: chromium, node, e2e/'s
# packages. Playwright's own browser download is never used.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "npm ci (e2e/)"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)

# The very command of scripts/test.sh, which also builds target/debug/watwerkt for the CLI's tests:
# after it this is a no-op. `cargo build -p watwerkt-cli` would not be: without the workspace's
# dev-dependencies it unifies other features (tempfile, getrandom) and recompiles tantivy upwards.
step "cargo test --workspace --no-run (builds target/debug/watwerkt)"
cargo test --workspace --locked --no-run

# shellcheck source=scripts/serve-fresh.sh
source scripts/serve-fresh.sh
serve_fresh e2e

# An editor for the back-office test, made as a user would (the server reads accounts per request).
editor_email=redacteur@example.org
editor_password="e2e wachtwoord $RANDOM$RANDOM"
echo "$editor_password" | target/debug/watwerkt --data-dir "$work/data" \
  user add "$editor_email" --role editor --password-stdin >/dev/null

step "browser tests"
status=0
(cd e2e && WATWERKT_URL="$url" WATWERKT_EDITOR_EMAIL="$editor_email" \
  WATWERKT_EDITOR_PASSWORD="$editor_password" node --test --test-concurrency=1 --test-reporter=spec tests/*.test.mjs) || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"
