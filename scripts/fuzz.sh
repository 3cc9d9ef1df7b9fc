#!/usr/bin/env bash
# Fuzzes the document layer (fuzz/fuzz_targets/edit.rs) for a bounded time; not part of every
# CI run. Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP lets the stable
# toolchain build libFuzzer's instrumentation. Crashes land in fuzz/artifacts/edit/: copy them
# into fuzz/seeds/edit/ so tests/fuzz_regressions.rs keeps them as regression tests.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p corpus/edit
cp -n seeds/edit/* corpus/edit/ 2>/dev/null || true
RUSTC_BOOTSTRAP=1 cargo fuzz run edit corpus/edit -- -max_total_time="${SECONDS_TO_FUZZ:-60}" 2>&1 | tee /tmp/openclaw-doctor-fuzz.log | tail -3
grep -E "^Done [0-9]+ runs" /tmp/openclaw-doctor-fuzz.log
