#!/usr/bin/env bash
# The fleet test (#15), called at the end of scripts/test.sh and runnable alone:
#
#   bash scripts/test-fleet.sh
#
# contrib/ansible's playbook, with the pinned ansible-core (tests/fleet/requirements.txt, a venv
# under the cache dir), against hosts of this machine (ansible_connection=local), each in its
# own pid + mount + network namespace with its own HOME (tests/fleet/hostns.sh says why):
#   healthy  a real OpenClaw 2026.9.6 gateway, a clean config
#   broken   the blog post's config (bind "local", remote.url https://…) written while its
#            gateway ran; later "rebooted": the gateway then refuses that config
#   nogw     no gateway and no config
#   offline  an SSH host nobody answers for (a closed port on loopback): unreachable
# then a --check run that must change no file, promtool check metrics on every textfile the
# doctor wrote, promtool test rules for contrib/prometheus (built from those textfiles, and
# run once more against each alert's expression broken: every case must be able to fail),
# systemd-analyze verify for contrib/systemd. Every gateway started here lives in a namespace
# that is killed on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
t0=$SECONDS
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
step() { echo "== fleet: $*"; }
fail() { echo "FAIL (fleet): $*" >&2; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "  ok: $*"; }

[ -n "${OPENCLAW_E2E_BIN:-}" ] || source scripts/install-e2e.sh
command -v unshare >/dev/null && command -v nsenter >/dev/null || fail "unshare/nsenter (util-linux) missing"
command -v ssh >/dev/null 2>&1 || {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends openssh-client >/dev/null
}

# --- pinned tools, cached ------------------------------------------------------------------
cache=${OPENCLAW_DOCTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openclaw-doctor}
mkdir -p "$cache"
py=/usr/bin/python3; [ -x "$py" ] || py=$(command -v python3)
venv="$cache/ansible-venv"
if ! cmp -s tests/fleet/requirements.txt "$venv/.requirements.txt" 2>/dev/null; then
  step "ansible-core into $venv (PyPI, tests/fleet/requirements.txt)"
  "$py" -c 'import ensurepip' 2>/dev/null || {
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  }
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r tests/fleet/requirements.txt
  cp tests/fleet/requirements.txt "$venv/.requirements.txt"
fi
# promtool from Debian's prometheus package, unpacked, not installed: installing it would
# start a Prometheus server, and this test needs only promtool.
prometheus_deb=2.42.0+ds-5+deb12u1
promroot="$cache/prometheus-$prometheus_deb"
if [ ! -x "$promroot/usr/bin/promtool" ]; then
  step "promtool from Debian's prometheus $prometheus_deb (unpacked into $promroot)"
  debs=$(mktemp -d)
  download() { (cd "$debs" && apt-get download -qq "prometheus=$prometheus_deb" >/dev/null 2>&1); }
  download || { as_root apt-get update -qq && download; } || fail "apt-get download prometheus=$prometheus_deb"
  rm -rf "$promroot.tmp" && dpkg -x "$debs"/prometheus_*.deb "$promroot.tmp" && mv "$promroot.tmp" "$promroot"
  rm -rf "$debs"
fi
promtool="$promroot/usr/bin/promtool"
first_line() { local out; out=$("$@" 2>&1); echo "${out%%$'\n'*}"; } # no `| head`: SIGPIPE
ansible_version=$(first_line "$venv/bin/ansible-playbook" --version)
openclaw_version=$(first_line "$OPENCLAW_E2E_BIN" --version)
echo "== fleet: $ansible_version; $(first_line "$promtool" --version); $openclaw_version"

# The debug build by default: scripts/test.sh has just built it for `cargo test` (a release
# build here would cost minutes more on a 2-core machine); FLEET_PROFILE=release for that one.
profile=${FLEET_PROFILE:-debug}
step "cargo build ($profile)"
if [ "$profile" = release ]; then cargo build --release --locked -q; else cargo build --locked -q; fi
bin="$root/target/$profile/openclaw-doctor"

# The .deb route, on the healthy host: the package scripts/test-deb.sh built (FLEET_DEB names
# another), installed by the role with apt. It installs into this machine's /usr/bin (the hosts
# share one file system), so only when no openclaw-doctor package is installed here, and it is
# removed at the end.
deb=${FLEET_DEB:-$(ls -t target/debian/openclaw-doctor_*.deb 2>/dev/null | head -n1 || true)}
if [ -n "$deb" ] && dpkg -s openclaw-doctor >/dev/null 2>&1; then
  echo "fleet: an openclaw-doctor package is installed here: the .deb route is not tested" >&2
  deb=""
fi
if [ -n "$deb" ]; then
  deb=$(realpath "$deb")
  # Ansible's apt module needs python3-apt in the interpreter it runs modules with.
  /usr/bin/python3 -c 'import apt' 2>/dev/null || {
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends python3-apt >/dev/null
  }
fi

# --- the hosts -----------------------------------------------------------------------------
work=$(mktemp -d /tmp/openclaw-fleet.XXXXXX)
hosts=(healthy broken nogw)
cleanup() {
  if [ -n "$deb" ] && dpkg -s openclaw-doctor >/dev/null 2>&1; then as_root dpkg -r openclaw-doctor >/dev/null || true; fi
  for h in "${hosts[@]}"; do "$root/tests/fleet/hostns.sh" stop "$work/hosts/$h" || true; done
  if [ "${FLEET_KEEP:-0}" = 1 ]; then echo "fleet: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The lease (tests/fleet/hostns.sh): while this script lives it holds the FIFO open; if it dies
# without its EXIT trap, every host's pid 1 sees end-of-file and the kernel ends its namespace.
# Processes that outlive a step (the gateways, the namespaces) are started without fd 9.
mkfifo "$work/lease"
exec 9<>"$work/lease"
export HOSTNS_LEASE="$work/lease"
hostpath="$(dirname "$OPENCLAW_E2E_BIN"):$(dirname "$(command -v node)"):/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
start_host() {
  local d="$work/hosts/$1"
  mkdir -p "$d/home"
  echo "$hostpath" >"$d/path"
  "$root/tests/fleet/hostns.sh" start "$d" 9>&-
  # What Ansible runs its modules with on this host: its namespaces, its HOME.
  printf '#!/bin/sh\nexec %q run %q /usr/bin/python3 "$@"\n' "$root/tests/fleet/hostns.sh" "$d" >"$d/python3"
  chmod +x "$d/python3"
}
in_host() { local h=$1; shift; "$root/tests/fleet/hostns.sh" run "$work/hosts/$h" "$@"; }
start_gateway() { # host: `openclaw gateway run` inside the host, in the background
  in_host "$1" setsid openclaw gateway run </dev/null >>"$work/hosts/$1/gateway.log" 2>&1 9>&- &
}
wait_hello() { # host: until the doctor gets hello-ok on the local probe
  local h=$1 t=$SECONDS
  until in_host "$h" "$bin" check --format json --timeout 3s --only probe.local 2>/dev/null |
    "$py" -c 'import json,sys; sys.exit(0 if any(p["outcome"]=="hello_ok" for p in json.load(sys.stdin)["probes"]) else 1)'; do
    [ $((SECONDS - t)) -lt 240 ] || { tail -20 "$work/hosts/$h/gateway.log"; fail "$h: no hello-ok within 240 s"; }
    sleep 1
  done
  echo "  $h: gateway answers hello-ok after $((SECONDS - t)) s"
}
token() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

step "hosts in namespaces under $work/hosts"
for h in "${hosts[@]}"; do start_host "$h"; done
mkdir -p "$work/hosts/healthy/home/.openclaw" "$work/hosts/broken/home/.openclaw"
cat >"$work/hosts/healthy/home/.openclaw/openclaw.json" <<EOF
// fleet test: the healthy host
{
  gateway: {
    mode: "local",
    port: 18789,
    bind: "loopback",
    auth: { mode: "token", token: "$(token)" },
  },
}
EOF
# The broken host's gateway starts on the config as it was before the blog's agent "fixed"
# it (bind "loopback"); then the seed's config is written, as the agent did.
seed=fixtures/seed-check/in/openclaw.json
sed 's/bind: "local",/bind: "loopback",/' "$seed" >"$work/hosts/broken/home/.openclaw/openclaw.json"
grep -q 'bind: "loopback"' "$work/hosts/broken/home/.openclaw/openclaw.json" || fail "seed config changed shape"
start_gateway healthy
start_gateway broken
wait_hello healthy
wait_hello broken
sleep 1.1 # the edit comes strictly after the gateway's boot (host.restart_pending)
cp "$seed" "$work/hosts/broken/home/.openclaw/openclaw.json"

# --- the inventory: everything test-specific is here ----------------------------------------
offline_port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
inv="$work/inventory.yml"
{
  echo "all:"
  echo "  vars:"
  echo "    openclaw_doctor_fetch_dir: $work/reports"
  echo "  children:"
  echo "    openclaw:"
  echo "      hosts:"
  for h in "${hosts[@]}"; do
    d="$work/hosts/$h"
    echo "        $h:"
    echo "          ansible_connection: local"
    echo "          ansible_python_interpreter: $d/python3"
    # The hosts share one file system: each gets its own copy of the paths the role writes.
    echo "          openclaw_doctor_bin_path: $d/usr/local/bin/openclaw-doctor"
    echo "          openclaw_doctor_textfile_dir: $d/var/lib/prometheus/node-exporter"
    echo "          openclaw_doctor_report_path: $d/var/lib/openclaw-doctor/report.json"
    if [ "$h" = healthy ] && [ -n "$deb" ]; then echo "          openclaw_doctor_deb: $deb"; fi
    # An external path that works on healthy (its own loopback, as a proxy would dial it): the
    # "external path broken" alert then has a series to stay silent on.
    if [ "$h" = healthy ]; then echo '          openclaw_doctor_check_args: ["--devices", "--url", "ws://127.0.0.1:18789"]'; fi
  done
  echo "        offline:"
  echo "          ansible_connection: ssh"
  echo "          ansible_host: 127.0.0.1"
  echo "          ansible_port: $offline_port"
  echo "          ansible_ssh_common_args: -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
} >"$inv"
# ansible-core wants a UTF-8 locale; CI may have none set.
export LC_ALL=C.UTF-8 ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_RETRY_FILES_ENABLED=False
export ANSIBLE_LOCAL_TEMP="$work/ansible/local" ANSIBLE_REMOTE_TMP="$work/ansible/remote"
export ANSIBLE_HOME="$work/ansible/home" ANSIBLE_PYTHON_INTERPRETER=auto_silent
playbook() { # log, args…: the playbook; its exit code is in $rc
  local log=$1; shift
  set +e
  "$venv/bin/ansible-playbook" -i "$inv" contrib/ansible/openclaw-doctor.yml \
    -e "openclaw_doctor_binary=$bin" "$@" >"$log" 2>&1
  rc=$?
  set -e
}
summary_line() { grep -E "^$1: " "$work/reports/summary.txt" || true; }
expect_line() { # host, extended regex the whole summary line must match
  local line; line=$(summary_line "$1")
  [[ "$line" =~ ^$2$ ]] || fail "summary of $1: got '$line', want /$2/"
  ok "summary: $line"
}
report() { # host, python expression over the fetched report `d` that must be true
  "$py" - "$work/reports/$1.json" "$2" <<'PY' || fail "report of $1: $2"
import json, sys
d = json.load(open(sys.argv[1]))
g = d.get("gateways") or [d]
ids = {f["id"] for r in g for f in r.get("findings", [])}
bad = {f["id"] for r in g for f in r.get("findings", []) if f["severity"] in ("error", "warning")}
outcome = {p["target"]: p["outcome"] for r in g for p in (r.get("probes") or []) if not p.get("deep")}
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
  ok "report $1: $2"
}
snapshot() { mkdir -p "$work/snap"; cp "$work/hosts/$1/var/lib/prometheus/node-exporter/openclaw_doctor.prom" "$work/snap/$2.prom"; }
fingerprint() { # every file the playbook could write, with its hash
  (cd "$work" && find hosts/*/home/.openclaw -maxdepth 1 -name 'openclaw.json*' -type f -print0;
   find hosts/*/usr hosts/*/var reports -type f -print0 2>/dev/null) | sort -z |
    (cd "$work" && xargs -0 sha256sum)
}

# --- 1. the playbook against the four hosts ------------------------------------------------
step "ansible-playbook against healthy, broken, nogw, offline"
t=$SECONDS
playbook "$work/run1.log"
echo "  took $((SECONDS - t)) s, exit $rc"
[ "$rc" = 4 ] || { cat "$work/run1.log"; fail "ansible-playbook exited $rc, want 4 (one host unreachable)"; }
cat "$work/reports/summary.txt"
[ "$(wc -l <"$work/reports/summary.txt")" = 4 ] || fail "summary.txt: want 4 lines"
expect_line healthy 'healthy: OK exit=0 gateways=1 errors=0 warnings=0 failing=-'
expect_line broken 'broken: FINDINGS exit=1 gateways=1 errors=[1-9][0-9]* warnings=[0-9]+ failing=(.*,)?gateway\.bind\.invalid,(.*,)?gateway\.remote_url\.scheme,(.*,)?gateway\.remote_url\.via_proxy(,.*)?'
expect_line nogw 'nogw: NO-GATEWAY exit=1 gateways=0 errors=1 warnings=0 failing=config\.not_found'
expect_line offline 'offline: UNREACHABLE .*'
grep -Eq '^offline +: .*unreachable=1' "$work/run1.log" || { cat "$work/run1.log"; fail "ansible's recap does not say offline is unreachable"; }
ok "ansible's recap says offline is unreachable"
report healthy 'd["all"] and d["exit_code"] == 0 and len(d["gateways"]) == 1 and outcome == {"local": "hello_ok", "external": "hello_ok"} and not ids'
if [ -n "$deb" ]; then
  # healthy was checked by the packaged binary: the package is installed, the binary route
  # was not taken, and yet its report is there.
  dpkg -s openclaw-doctor 2>/dev/null | grep -qx 'Status: install ok installed' || fail ".deb route: openclaw-doctor is not installed"
  [ -x /usr/bin/openclaw-doctor ] || fail ".deb route: no /usr/bin/openclaw-doctor"
  [ ! -e "$work/hosts/healthy/usr/local/bin/openclaw-doctor" ] || fail ".deb route: healthy got the binary instead"
  ok ".deb route: healthy was checked by the installed package ($(basename "$deb"))"
fi
report broken 'd["all"] and d["exit_code"] == 1 and outcome["local"] == "hello_ok" and outcome["external"] in ("dns_error", "unreachable", "timeout") and {"gateway.bind.invalid", "gateway.remote_url.scheme", "host.restart_pending"} <= ids'
report nogw 'not d.get("all") and d["exit_code"] == 1 and bad == {"config.not_found"} and any("no gateway process" in n for n in d["notes"])'
[ ! -e "$work/reports/offline.json" ] || fail "a report for the unreachable host"
ok "no report fetched for the unreachable host"
cmp -s "$seed" "$work/hosts/broken/home/.openclaw/openclaw.json" || fail "the broken host's config changed without openclaw_doctor_fix_apply"
ok "broken's config untouched (fix not applied without openclaw_doctor_fix_apply)"
for h in "${hosts[@]}"; do
  f="$work/hosts/$h/var/lib/prometheus/node-exporter/openclaw_doctor.prom"
  "$promtool" check metrics <"$f" || fail "promtool check metrics $f"
  ok "promtool check metrics: $h's textfile ($(grep -vc '^#' "$f") samples)"
done
grep -q '^openclaw_doctor_probe_up{target="local",url="ws://127.0.0.1:18789",gateway="[^"]*"} 1$' \
  "$work/hosts/healthy/var/lib/prometheus/node-exporter/openclaw_doctor.prom" || fail "healthy: local probe_up 1 missing"
ok "healthy textfile: probe_up local 1"
snapshot healthy healthy
snapshot broken broken

# --- 2. --check: shows the fix as a diff, changes no file ------------------------------------
step "ansible-playbook --check --diff -e openclaw_doctor_fix_apply=true"
before=$(fingerprint)
playbook "$work/check.log" --check --diff -e openclaw_doctor_fix_apply=true
[ "$rc" = 4 ] || { cat "$work/check.log"; fail "--check exited $rc"; }
after=$(fingerprint)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); fail "--check changed files"; }
ok "--check: $(echo "$before" | wc -l) files hashed, none changed, none added"
# The diff, as the debug task prints it (a JSON list of lines): the doctor's seed fix.
for line in '"-    bind: \"local\",' '"+    bind: \"lan\",' '"+      url: \"ws://127.0.0.1:18789\", // sub-agents connect back here"'; do
  grep -qF -- "$line" "$work/check.log" || { cat "$work/check.log"; fail "--check did not show $line"; }
done
ok "--check shows the fix as a diff (bind \"local\" -> \"lan\", remote.url -> ws://127.0.0.1:18789)"
for want in "healthy: OK" "broken: FINDINGS" "nogw: NO-GATEWAY" "offline: UNREACHABLE"; do
  grep -Fq "\"$want " "$work/check.log" || { cat "$work/check.log"; fail "--check: no summary '$want …'"; }
done
ok "--check prints a summary line for each of the 4 hosts"

# --- 3. the broken host reboots: its gateway refuses the config -----------------------------
step "broken host rebooted: the gateway refuses the blog's config"
"$root/tests/fleet/hostns.sh" stop "$work/hosts/broken"
"$root/tests/fleet/hostns.sh" start "$work/hosts/broken" 9>&-
set +e
timeout 120 "$root/tests/fleet/hostns.sh" run "$work/hosts/broken" openclaw gateway run </dev/null >"$work/hosts/broken/gateway-refused.log" 2>&1
refused=$?
set -e
[ "$refused" != 0 ] && [ "$refused" != 124 ] || { tail "$work/hosts/broken/gateway-refused.log"; fail "openclaw gateway run on the blog's config: exit $refused, want a refusal"; }
ok "openclaw gateway run refused the config (exit $refused)"
playbook "$work/run2.log" --limit broken,localhost
[ "$rc" = 0 ] || { cat "$work/run2.log"; fail "run 2 exited $rc"; }
expect_line broken 'broken: FINDINGS exit=1 gateways=1 errors=[1-9][0-9]* warnings=[0-9]+ failing=(.*,)?probe\.local(,.*)?'
report broken 'outcome["local"] == "unreachable" and "probe.local" in ids'
"$promtool" check metrics <"$work/hosts/broken/var/lib/prometheus/node-exporter/openclaw_doctor.prom" || fail "promtool check metrics (broken, down)"
ok "promtool check metrics: broken's textfile, gateway down"
snapshot broken broken-down

# A repair request: producing a real one needs a paired device behind a proxy
# (tests/e2e_repair.rs does); here the broken host's doctor reads a device list from the
# recorded-CLI stand-in (fixtures/fake-openclaw), and writes its textfile as always.
fake="$work/fake-openclaw"; mkdir -p "$fake"
now_ms=$(($(date +%s) * 1000))
cat >"$fake/list.json" <<EOF
{"pending": [{"requestId": "rep-fleet", "deviceId": "$(printf 'a%.0s' $(seq 64))", "clientId": "gateway-client", "clientMode": "backend", "role": "operator", "scopes": ["operator.admin"], "remoteIp": "198.51.100.7", "isRepair": true, "ts": $((now_ms - 60000))}], "paired": []}
EOF
set +e
in_host broken env FAKE_OPENCLAW_DIR="$fake" "$bin" check --all --devices --openclaw "$root/fixtures/fake-openclaw/openclaw" \
  --format prometheus --output "$work/snap/broken-repair.prom"
code=$?
set -e
[ "$code" = 1 ] || fail "check with a pending repair: exit $code"
"$promtool" check metrics <"$work/snap/broken-repair.prom" || fail "promtool check metrics (repair)"
ok "promtool check metrics: broken's textfile with a pending repair"

# --- 4. the alert rules --------------------------------------------------------------------
step "promtool check rules, promtool test rules (from the textfiles above)"
rules=contrib/prometheus/openclaw-doctor.rules.yml
"$promtool" check rules "$rules" >/dev/null || fail "promtool check rules"
ok "promtool check rules: $rules"
"$py" tests/fleet/rule_tests.py "$work/snap" "$root/$rules" "$work/rules-test.yml"
"$promtool" test rules "$work/rules-test.yml" || fail "promtool test rules"
cases=$(grep -c '^  - name: ' "$work/rules-test.yml")
ok "promtool test rules: $cases cases pass"
# Each alert's cases must be able to fail: with its expression replaced by one that never
# fires, promtool must report that alert's firing case as failed.
# Each alert's cases can fail: its expression made never true fails its firing case, made
# always true (every comparison `>= 0`) fails its silent case on the healthy host.
mutant() { # alert, never|always: the rules with that alert's expression mutated
  "$py" - "$rules" "$1" "$2" "$work/rules-broken.yml" <<'PY'
import re, sys
text, name, how, out = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], sys.argv[4]
block = re.search(r'(- alert: %s\n(?:.*\n)*?\s+expr:) (\|\n(?:\s{10}.*\n)+|.*\n)' % name, text)
expr = 'vector(1) == 2\n' if how == 'never' else re.sub(r'(==|>|<) *[0-9]+', '>= 0', block.group(2))
assert expr != block.group(2), name
open(out, 'w').write(text[:block.start(2)] + expr + text[block.end(2):])
PY
  sed "s|$root/$rules|$work/rules-broken.yml|" "$work/rules-test.yml" >"$work/rules-test-broken.yml"
  if "$promtool" test rules "$work/rules-test-broken.yml" >"$work/mutant.log" 2>&1; then
    fail "promtool test rules still passes with $1's expression made $2 true"
  fi
}
for alert in $(grep -oP '^\s+- alert: \K\w+' "$rules"); do
  mutant "$alert" never
  grep -q "alertname: $alert" "$work/mutant.log" || { cat "$work/mutant.log"; fail "$alert: another case failed"; }
  ok "$alert: its firing case fails when its expression is broken"
  mutant "$alert" always
  grep -q "name: $alert stays silent on the healthy host," "$work/mutant.log" || { cat "$work/mutant.log"; fail "$alert: its silent case did not fail"; }
  ok "$alert: its silent case fails when its expression always fires"
done

# --- 5. the systemd timer --------------------------------------------------------------------
step "systemd-analyze verify contrib/systemd"
units="$work/units"; mkdir -p "$units"
for u in contrib/systemd/openclaw-doctor.service contrib/systemd/openclaw-doctor.timer; do
  sed "s|/usr/local/bin/openclaw-doctor|$bin|" "$u" >"$units/$(basename "$u")"
done
out=$(systemd-analyze verify "$units/openclaw-doctor.service" "$units/openclaw-doctor.timer" 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify complains: $out"
ok "systemd-analyze verify: service and timer"
# The service's command line, run on the healthy host, writes a textfile promtool accepts.
cmdline=$(sed -n 's/^ExecStart=//p' contrib/systemd/openclaw-doctor.service |
  sed "s|/usr/local/bin/openclaw-doctor|$bin|; s|\${OPENCLAW_DOCTOR_TEXTFILE}|$work/timer.prom|")
# shellcheck disable=SC2086
in_host healthy $cmdline || fail "the service's ExecStart on the healthy host: exit $?"
"$promtool" check metrics <"$work/timer.prom" || fail "promtool check metrics (timer)"
ok "the timer's command writes a valid textfile on the healthy host"

# --- 6. fix --apply, behind its variable -----------------------------------------------------
step "ansible-playbook -e openclaw_doctor_fix_apply=true (broken host)"
playbook "$work/apply.log" --limit broken,localhost -e openclaw_doctor_fix_apply=true
[ "$rc" = 0 ] || { cat "$work/apply.log"; fail "apply run exited $rc"; }
grep -q 'bind: "lan"' "$work/hosts/broken/home/.openclaw/openclaw.json" || fail "fix --apply did not fix bind"
grep -q 'url: "ws://127.0.0.1:18789"' "$work/hosts/broken/home/.openclaw/openclaw.json" || fail "fix --apply did not fix remote.url"
grep -q 'sub-agents connect back here' "$work/hosts/broken/home/.openclaw/openclaw.json" || fail "fix --apply lost a comment"
ok "openclaw_doctor_fix_apply=true: bind fixed, comments kept"

echo "fleet: $ansible_version, promtool 2.42.0 (Debian $prometheus_deb), $openclaw_version; $((SECONDS - t0)) s"
echo "fleet: $passed passed, 0 failed"
