#!/usr/bin/env bash
# The whole test suite, as README says: installs what the tests need (nginx from Debian,
# Node 24 and OpenClaw from npm, pinned by the lock files under e2e/), then runs every test,
# the end-to-end ones against the real OpenClaw included. Safe to run again: installs are
# skipped when already there, npm and cargo downloads are cached in ~/.npm and ~/.cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

source scripts/install-e2e.sh

# --- Rust ------------------------------------------------------------------------------
echo "== cargo fmt --check, clippy"
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
echo "== cargo test (unit, fixtures, CLI, bad input)"
cargo test --locked --all-targets
echo "== cargo test -- --ignored (end-to-end: real OpenClaw CLI, real gateways behind real nginx)"
cargo test --locked --test e2e_openclaw -- --ignored
cargo test --locked --test e2e_gateway -- --ignored --test-threads 2
cargo test --locked --test e2e_repair -- --ignored --test-threads 2
cargo test --locked --test e2e_oracle -- --ignored
cargo test --locked --test e2e_attribution -- --ignored
echo "== cargo test -- --ignored (the host: gateways as other users, --port, two at once, restarts through the CLI and systemctl)"
cargo test --locked --test e2e_host -- --ignored --test-threads 1
cargo test --locked --test host_procfs -- --ignored --test-threads 1
echo "== the Debian package: build, dpkg -i, run the installed binary, man page, completion, dpkg -r"
bash scripts/test-deb.sh
echo "== cargo test -- --ignored (network namespace: the token never leaves in clear text)"
cargo test --locked --test netns_plaintext -- --ignored
echo "== the fleet (#15): contrib/ansible against hosts in namespaces, promtool on the textfiles and the alert rules"
bash scripts/test-fleet.sh
