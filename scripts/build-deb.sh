#!/usr/bin/env bash
# Builds the Debian package target/debian/openclaw-doctor_<version>-1_<arch>.deb and prints
# its path on the last line (README "Install"). Needs Rust (cargo) and dpkg; the host that
# installs the .deb needs neither Rust nor this checkout.
#   1. installs the pinned cargo-deb (skipped when that version is already installed),
#   2. builds the release binary,
#   3. generates the man pages and the bash, zsh and fish completions from the clap
#      definitions (examples/gen-assets.rs) into target/deb-assets/,
#   4. packs them with `cargo deb --no-build` ([package.metadata.deb] in Cargo.toml).
# Safe to run again: each step is cargo's own incremental build, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DEB_VERSION=3.8.0
assets=target/deb-assets

if ! cargo install --list | grep -qx "cargo-deb v$CARGO_DEB_VERSION:"; then
    echo "== cargo install cargo-deb $CARGO_DEB_VERSION" >&2
    cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked >&2
fi

echo "== cargo build --release" >&2
cargo build --release --locked >&2

echo "== man pages and completions from the clap definitions → $assets/" >&2
rm -rf "$assets"
# --release: shares the release build's compiled dependencies.
cargo run --release --locked --quiet --example gen-assets -- "$assets" >&2
# -n: no name or time stamp in the gzip header, so the same page gives the same bytes.
gzip -9nf "$assets"/man/*.1

# contrib/systemd's timer and service, shipped disabled, for the packaged binary's path.
mkdir -p "$assets/systemd"
for unit in openclaw-doctor.service openclaw-doctor.timer; do
    sed -e 's#/usr/local/bin/openclaw-doctor#/usr/bin/openclaw-doctor#' \
        -e 's#^\# Install: copy both files to /etc/systemd/system/, then#\# Shipped by the Debian package, disabled: enable it with#' \
        "contrib/systemd/$unit" >"$assets/systemd/$unit"
done

# The Debian changelog that Debian requires: one entry for this version, dated by the last
# commit (the same bytes on every build of a commit); the upstream changes are changelog.gz.
version=$(grep -m1 '^version' Cargo.toml | cut -d'"' -f2)
maintainer=$(sed -n 's/^maintainer = "\(.*\)"$/\1/p' Cargo.toml)
date=$(git log -1 --format=%cD 2>/dev/null || date -R)
cat >"$assets/changelog.Debian" <<END
openclaw-doctor ($version-1) unstable; urgency=medium

  * Built from openclaw-doctor $version; the upstream changes are in
    /usr/share/doc/openclaw-doctor/changelog.gz.

 -- $maintainer  $date
END

echo "== cargo deb --no-build" >&2
deb=$(cargo deb --no-build --locked)
echo "$deb"
