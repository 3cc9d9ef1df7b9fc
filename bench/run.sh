#!/usr/bin/env bash
# Benchmarks (not timed tests): `check` and `fix` on a 10,000-line JSON5 config, and
# `--version`. Targets: check and fix under 20 ms, --version under 5 ms (issue #2).
# Needs hyperfine (Debian package `hyperfine`). Prints hyperfine's table and a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)"; exit 2; }
cargo build --release --locked -q
bin=target/release/openclaw-doctor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_config.py 10000 > "$work/openclaw.json"
echo "config: $(wc -l < "$work/openclaw.json") lines, $(wc -c < "$work/openclaw.json") bytes"
# Exit codes 1 are expected (the config is broken on purpose): -i ignores them.
hyperfine -N -i --warmup 5 --runs "${RUNS:-50}" --export-markdown "$work/bench.md" \
  "$bin --version" \
  "$bin check --offline --config $work/openclaw.json" \
  "$bin fix --config $work/openclaw.json" \
  "$bin check --offline --format json --config $work/openclaw.json"
cat "$work/bench.md"
/usr/bin/time -f "peak memory of check on 10,000 lines: %M KiB" "$bin" check --offline --config "$work/openclaw.json" >/dev/null || true
