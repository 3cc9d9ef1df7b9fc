#!/usr/bin/env bash
# Benchmark of `check` against the real OpenClaw 2026.9.6 gateway, direct and through the real
# nginx, next to `openclaw gateway probe --json` on the same setup; then the time bound when
# every probe fails at once (two silent servers, --timeout 1s). Targets (issue #3): median
# under 25 ms wall and 20 MiB peak memory; unreachable targets end within --timeout + 100 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-e2e.sh
command -v hyperfine >/dev/null || { as_root apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release --locked -q
bin=$root/target/release/openclaw-doctor
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -s TERM -- "-$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

gw_port=$(free_port); ng_port=$(free_port)
mkdir -p "$work/state"
cat > "$work/openclaw.json" <<JSON
{ gateway: { mode: "local", port: $gw_port, bind: "loopback", trustedProxies: ["127.0.0.1"],
  auth: { mode: "token", token: "bench-token-7d1e2f3a4b5c6d7e" } },
  logging: { file: "$work/gateway.jsonl" } }
JSON
export HOME=$work OPENCLAW_STATE_DIR=$work/state OPENCLAW_CONFIG_PATH=$work/openclaw.json
setsid "$OPENCLAW_E2E_BIN" gateway run >"$work/gateway.log" 2>&1 &
pids+=($!)
cat > "$work/nginx.conf" <<NGINX
worker_processes 1; pid $work/nginx.pid; error_log $work/nginx-error.log;
events { worker_connections 64; }
http { access_log off;
  client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;
  server { listen 127.0.0.1:$ng_port;
    location / { proxy_pass http://127.0.0.1:$gw_port; proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection "upgrade";
      proxy_set_header X-Forwarded-For 198.51.100.7; } } }
NGINX
setsid nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
echo "waiting for the gateway (port $gw_port) and nginx (port $ng_port)…"
for _ in $(seq 1 120); do
  if "$bin" check -q --timeout 2s --url "ws://127.0.0.1:$ng_port" >/dev/null 2>&1; then break; fi
  sleep 1
done
"$bin" check --url "ws://127.0.0.1:$ng_port" | sed -n '1,6p'

echo; echo "== check: local (direct) + external (through nginx), vs openclaw gateway probe --json"
# The gateway writes its own log (logging.file), which the doctor reads (--log): the figure
# does not depend on how much other gateways wrote to /tmp/openclaw today. The second command
# reads the default log directory as it is, for comparison.
hyperfine -N --warmup 5 --runs "${RUNS:-40}" --export-json "$work/doctor.json" \
  "$bin check --url ws://127.0.0.1:$ng_port --log $work/gateway.jsonl" \
  "$bin check --url ws://127.0.0.1:$ng_port"
du -b "$work/gateway.jsonl" /tmp/openclaw/openclaw-*.log 2>/dev/null || true
hyperfine -N --warmup 1 --runs "${SLOW_RUNS:-5}" -i --export-json "$work/openclaw.json.bench" \
  "$OPENCLAW_E2E_BIN gateway probe --json"
python3 - "$work/doctor.json" "$work/openclaw.json.bench" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["results"][0]["median"]
o = json.load(open(sys.argv[2]))["results"][0]["median"]
print(f"median: openclaw-doctor check {d*1000:.1f} ms, openclaw gateway probe --json {o*1000:.0f} ms, ratio {o/d:.0f}x")
PY
/usr/bin/time -f "peak memory of check (both probes): %M KiB" "$bin" check --url "ws://127.0.0.1:$ng_port" >/dev/null
/usr/bin/time -o "$work/time.txt" -f "peak memory of openclaw gateway probe --json: %M KiB" "$OPENCLAW_E2E_BIN" gateway probe --json >/dev/null 2>&1 || true
tail -1 "$work/time.txt"

echo; echo "== every probe fails at once: two silent servers, --timeout 1s"
silent1=$(free_port); silent2=$(free_port)
python3 - "$silent1" "$silent2" <<'PY' &
import socket, sys, time
socks = []
for p in sys.argv[1:]:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(p))); s.listen(64); socks.append(s)
time.sleep(600)
PY
pids+=($!)
sleep 0.5
cat > "$work/silent.json" <<JSON
{ gateway: { mode: "local", port: $silent1, auth: { token: "bench-token-7d1e2f3a4b5c6d7e" } } }
JSON
hyperfine -N -i --runs 5 "$bin check --timeout 1s --config $work/silent.json --url ws://127.0.0.1:$silent2"
