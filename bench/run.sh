#!/usr/bin/env bash
# Benchmarks (not timed tests): `check --offline` on the seed config, `check` and `fix` on a
# 10,000-line JSON5 config, and `--version`. Targets (issue #12, with the schema and start-up
# checks): seed check ≤ 10 ms median, 10,000-line check and fix ≤ 25 ms; --version < 5 ms.
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
cp fixtures/seed-check/in/openclaw.json "$work/seed.json" 2>/dev/null \
  || find fixtures/seed-check/in -name openclaw.json -exec cp {} "$work/seed.json" \;
hyperfine -N -i --warmup 5 --runs "${RUNS:-50}" --export-markdown "$work/bench.md" \
  "$bin --version" \
  "$bin check --offline --config $work/seed.json" \
  "$bin check --offline --config $work/openclaw.json" \
  "$bin fix --config $work/openclaw.json" \
  "$bin check --offline --format json --config $work/openclaw.json"
cat "$work/bench.md"
/usr/bin/time -f "peak memory of check on 10,000 lines: %M KiB" "$bin" check --offline --config "$work/openclaw.json" >/dev/null || true

# The gateway log: `check` on a 100 MiB log of real lines (from fixtures/logs, re-timed to now),
# against a port where nothing listens so the probe costs nothing. Bounded memory expected.
python3 - "$work/big.log" <<'PY'
import datetime, json, sys
lines = [l for l in open("fixtures/logs/openclaw-2026-11-24.log") if l.startswith("{")]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
out = []
for l in lines:
    try:
        d = json.loads(l)
    except Exception:
        continue
    d["time"] = now
    out.append(json.dumps(d) + "\n")
blob = "".join(out)
with open(sys.argv[1], "w") as f:
    written = 0
    while written < 100 * 1024 * 1024:
        f.write(blob)
        written += len(blob)
PY
echo "{ gateway: { mode: 'local', port: 9 } }" > "$work/closed.json"
echo "log: $(wc -c < "$work/big.log") bytes, $(wc -l < "$work/big.log") lines"
hyperfine -N -i --warmup 1 --runs 5 "$bin check --timeout 1s --config $work/closed.json --log $work/big.log"
/usr/bin/time -f "peak memory of check reading the 100 MiB log: %M KiB" "$bin" check --timeout 1s --config "$work/closed.json" --log "$work/big.log" >/dev/null || true
