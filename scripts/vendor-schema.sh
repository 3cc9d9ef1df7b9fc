#!/usr/bin/env bash
# Regenerates schemas/openclaw-<version>.schema.json.gz from the installed, pinned OpenClaw:
# exactly what `openclaw config schema` prints (JSON Schema draft-07, ~2.4 MB), gzipped
# (~160 KB in the repository). build.rs prepares and splits it at build time.
# Usage: bash scripts/vendor-schema.sh   (after scripts/install-e2e.sh has installed OpenClaw)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-e2e.sh >/dev/null
version=$("$OPENCLAW_E2E_BIN" --version | grep -oE '[0-9]{4}\.[0-9]+\.[0-9]+' | head -1)
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
out="schemas/openclaw-$version.schema.json.gz"
HOME="$home" OPENCLAW_STATE_DIR="$home/state" NO_COLOR=1 "$OPENCLAW_E2E_BIN" config schema </dev/null > "$home/schema.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d.get("$schema","").startswith("http://json-schema.org/draft-07"), d.get("$schema")' "$home/schema.json"
gzip -9 -n -c "$home/schema.json" > "$out"
echo "wrote $out ($(wc -c < "$out") bytes, from $(wc -c < "$home/schema.json") bytes of OpenClaw $version's schema)"
