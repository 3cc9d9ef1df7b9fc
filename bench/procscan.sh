#!/usr/bin/env bash
# The process scan of `check` (issue #13). Target: ≤ 2 ms on a host with ≥ 500 processes.
# Starts EXTRA (default 500) idle `sleep` processes and, with GATEWAY=1, a real OpenClaw
# 2026.9.6 gateway (scripts/install-e2e.sh), times the scan with examples/host_scan (median of
# RUNS, default 500, next to the kernel's floor: open+read+close of every /proc/N/comm),
# counts the scan's own instructions with callgrind when valgrind is installed, and stops what
# it started.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=${EXTRA:-500}
runs=${RUNS:-500}
cargo build --release --locked -q --example host_scan
bin=target/release/examples/host_scan
work=$(mktemp -d)
pids=()
gateway=
cleanup() {
  if ((${#pids[@]})); then kill "${pids[@]}" 2>/dev/null || true; fi
  if [ -n "$gateway" ]; then kill -s TERM -- "-$gateway" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ "${GATEWAY:-0}" = 1 ]; then
  source scripts/install-e2e.sh >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$work/state"
  echo "{ gateway: { mode: 'local', port: $port, bind: 'loopback', auth: { mode: 'token', token: 'procscan-bench-token-1234' } } }" >"$work/openclaw.json"
  HOME=$work OPENCLAW_STATE_DIR=$work/state OPENCLAW_CONFIG_PATH=$work/openclaw.json \
    setsid "$OPENCLAW_E2E_BIN" gateway run >"$work/gateway.log" 2>&1 &
  gateway=$!
  echo "waiting for the gateway on $port…"
  for _ in $(seq 180); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break
    sleep 1
  done
  # Let its start-up work (plugins, model catalog) finish: it shares the CPUs with the scan.
  sleep "${SETTLE:-20}"
fi
for _ in $(seq "$extra"); do
  sleep 3600 &
  pids+=("$!")
done
echo "processes on this host now: $(find /proc -maxdepth 1 -name '[0-9]*' | wc -l) (${extra} sleeps started)"
"$bin" "$runs"
if command -v valgrind >/dev/null; then
  # Instructions of one scan (user space only: the kernel's work on the proc files is not
  # counted), from entering `scan` to its return.
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
    --toggle-collect='openclaw_doctor::host::procfs::scan' "$bin" 1 >/dev/null 2>"$work/cg.err" || {
    cat "$work/cg.err"
    exit 1
  }
  echo "instructions of one scan (callgrind): $(grep -m1 '^summary:' "$work/cg.out" | awk '{print $2}')"
else
  echo "valgrind not installed: no instruction count"
fi
# The whole `check` with the host read (a thread beside the config's work) and without it.
if command -v hyperfine >/dev/null; then
  cargo build --release --locked -q
  doc=target/release/openclaw-doctor
  seed=fixtures/seed-check/in/openclaw.json
  hyperfine -N -i --warmup 5 --runs "${CHECK_RUNS:-60}" \
    "$doc check --offline --config $seed" \
    "$doc check --offline --no-host --config $seed"
else
  echo "hyperfine not installed: no check timing"
fi
