#!/usr/bin/env bash
# The Debian package end to end (README "Install"): builds it with scripts/build-deb.sh, checks
# its contents, installs it with dpkg -i, runs the INSTALLED /usr/bin/openclaw-doctor on
# bundled fixtures, reads its man page and bash completion, and removes it again.
# OPENCLAW_DOCTOR_DEB=path/to.deb tests that package instead of building one.
# Needs root (dpkg -i). Refuses to run when a package openclaw-doctor is already installed:
# it would replace and then remove someone's install.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
fail() {
    echo "test-deb: FAIL: $*" >&2
    exit 1
}
# contains NAME TEXT NEEDLE...: every NEEDLE is a line fragment of TEXT.
contains() {
    local name=$1 text=$2
    shift 2
    for needle in "$@"; do
        grep -qF -- "$needle" <<<"$text" || fail "$name lacks '$needle'"
    done
}

pkg=openclaw-doctor
bin=/usr/bin/openclaw-doctor

if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
    fail "a package $pkg is already installed ($(dpkg-query -W -f='${Version}' "$pkg")): this test would replace and remove it; remove it first (dpkg -r $pkg) or run the test elsewhere"
fi
if [ -e "$bin" ]; then
    fail "$bin exists but belongs to no package $pkg: this test would overwrite it"
fi

if [ -n "${OPENCLAW_DOCTOR_DEB:-}" ]; then
    deb=$OPENCLAW_DOCTOR_DEB
    echo "== testing the given .deb $deb (OPENCLAW_DOCTOR_DEB), not building one"
    [ -f "$deb" ] || fail "OPENCLAW_DOCTOR_DEB=$deb is not a file"
else
    echo "== build the .deb"
    start=$(date +%s)
    deb=$(bash scripts/build-deb.sh | tail -n 1)
    [ -f "$deb" ] || fail "build-deb.sh printed '$deb', which is not a file"
    echo "built $deb in $(($(date +%s) - start)) s ($(du -k "$deb" | cut -f1) KiB)"
fi

echo "== contents (dpkg-deb -c)"
contents=$(dpkg-deb -c "$deb")
contains "the .deb" "$contents" \
    ./usr/bin/openclaw-doctor \
    ./usr/share/man/man1/openclaw-doctor.1.gz \
    ./usr/share/man/man1/openclaw-doctor-check.1.gz \
    ./usr/share/man/man1/openclaw-doctor-fix.1.gz \
    ./usr/share/bash-completion/completions/openclaw-doctor \
    ./usr/share/zsh/vendor-completions/_openclaw-doctor \
    ./usr/share/fish/vendor_completions.d/openclaw-doctor.fish \
    ./usr/share/doc/openclaw-doctor/README.md \
    ./usr/share/doc/openclaw-doctor/changelog.gz \
    ./usr/share/doc/openclaw-doctor/changelog.Debian.gz \
    ./usr/share/doc/openclaw-doctor/copyright \
    ./usr/lib/systemd/system/openclaw-doctor.service \
    ./usr/lib/systemd/system/openclaw-doctor.timer
grep -E '^-rwxr-xr-x .* \./usr/bin/openclaw-doctor$' <<<"$contents" >/dev/null ||
    fail "/usr/bin/openclaw-doctor is not mode 755 in the .deb"
fields=$(dpkg-deb -f "$deb" Package Section Priority Depends)
contains "the control file" "$fields" "Package: $pkg" "Section: utils" "Priority: optional" "Depends: libc6"

echo "== dpkg -i"
removed=
pages=
cleanup() {
    if [ -z "$removed" ]; then
        removed=1
        as_root dpkg -r "$pkg" >/dev/null || true
    fi
    [ -z "$pages" ] || rm -rf "$pages"
}
trap cleanup EXIT
as_root dpkg -i "$deb"
[ -x "$bin" ] || fail "$bin is not installed"
[ "$(dpkg-query -S "$bin" 2>/dev/null | cut -d: -f1)" = "$pkg" ] || fail "$bin does not belong to $pkg"

echo "== the installed binary on bundled fixtures"
set +e
out=$("$bin" check --offline --no-host --color never --config fixtures/seed-check/in/openclaw.json 2>&1)
code=$?
set -e
echo "$out" | tail -n 3
[ "$code" = 1 ] || fail "check on fixtures/seed-check exited $code, not 1: $out"
contains "check on fixtures/seed-check" "$out" \
    gateway.bind.invalid gateway.remote_url.scheme gateway.remote_url.via_proxy
set +e
out=$("$bin" check --offline --no-host --color never --config fixtures/healthy/in/openclaw.json 2>&1)
code=$?
set -e
echo "$out" | tail -n 1
[ "$code" = 0 ] || fail "check on fixtures/healthy exited $code, not 0: $out"
contains "the installed --version" "$("$bin" --version)" "openclaw-doctor $(grep -m1 '^version' Cargo.toml | cut -d'"' -f2)"

echo "== man page"
if ! command -v man >/dev/null; then
    echo "man is missing: apt-get install man-db"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends man-db >/dev/null
fi
page=/usr/share/man/man1/openclaw-doctor.1.gz
check_page=/usr/share/man/man1/openclaw-doctor-check.1.gz
if [ -f "$page" ]; then
    render() { MANPAGER=cat MANWIDTH=400 man "$1" | tr -s " "; }
    echo "man $pkg: the installed page $page"
else
    # Debian's container images drop man pages at install time (path-exclude in
    # /etc/dpkg/dpkg.cfg.d/): read the page from the .deb instead, with man -l.
    grep -rs 'path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/ >&2 ||
        fail "$page is in the .deb but was not installed, and no dpkg path-exclude says why"
    pages=$(mktemp -d)
    dpkg-deb -x "$deb" "$pages"
    render() { MANPAGER=cat MANWIDTH=400 man -l "$pages/usr/share/man/man1/$1.1.gz" | tr -s " "; }
    echo "dpkg excludes /usr/share/man on this host: reading the page from the .deb with man -l"
fi
text=$(render openclaw-doctor) || fail "man openclaw-doctor failed"
contains "man openclaw-doctor" "$text" \
    "openclaw-doctor - Diagnoses and repairs OpenClaw gateway configurations" \
    "SUBCOMMANDS" "openclaw-doctor-check(1)" "openclaw-doctor-fix(1)" "openclaw-doctor-completions(1)" \
    "EXIT STATUS" "findings at or above --fail-on" "could not run" \
    "ENVIRONMENT" "OPENCLAW_CONFIG_PATH" "--fail-on"
# Every subcommand is listed (whatever src/cli defines), with its own page in the package.
subs=$("$bin" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && /^  [a-z]/ && $1 != "help" {print $1}')
# The subcommands README names must be among them (an empty parse would check nothing).
for want in check fix explain completions; do
    grep -qx "$want" <<<"$subs" || fail "--help's Commands lack '$want' (parsed: $(echo $subs))"
done
for sub in $subs; do
    contains "man openclaw-doctor" "$text" "$sub"
    contains "the .deb" "$contents" "./usr/share/man/man1/openclaw-doctor-$sub.1.gz"
done
text=$(render openclaw-doctor-explain) || fail "man openclaw-doctor-explain failed"
contains "man openclaw-doctor-explain" "$text" "did-you-mean"
text=$(render openclaw-doctor-check) || fail "man openclaw-doctor-check failed"
contains "man openclaw-doctor-check" "$text" \
    "--offline" "CHECKS" "gateway.bind.invalid" "gateway.remote_url.via_proxy" "Exit codes: 0"

echo "== the systemd timer and service (shipped disabled)"
unit=/usr/lib/systemd/system/openclaw-doctor.service
contains "$unit" "$(cat "$unit")" \
    "ExecStart=/usr/bin/openclaw-doctor check --all --devices --format prometheus --output" \
    "Shipped by the Debian package, disabled"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify "$unit" /usr/lib/systemd/system/openclaw-doctor.timer ||
        fail "systemd-analyze verify rejects the packaged units"
else
    echo "systemd-analyze is missing: the units' syntax is not verified"
fi

echo "== bash completion"
# complete -p prints the registered completion, and fails when none is.
completion=$(bash -c "source /usr/share/bash-completion/completions/$pkg && complete -p $pkg") ||
    fail "the bash completion does not load or registers nothing for $pkg"
contains "bash completion" "$completion" "complete" "$pkg"

echo "== lintian (report only)"
if command -v lintian >/dev/null; then
    lintian --tag-display-limit 0 "$deb" || true
else
    echo "lintian not installed: skipped (apt-get install lintian)"
fi

echo "== dpkg -r"
removed=1
as_root dpkg -r "$pkg"
[ ! -e "$bin" ] || fail "$bin is still there after dpkg -r"
[ ! -e "$page" ] || fail "$page is still there after dpkg -r"
! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || fail "$pkg still installed"
echo "test-deb: 1 passed, 0 failed"
