#!/usr/bin/env bash
# Test-only: one "host" of the fleet test (scripts/test-fleet.sh) as namespaces of this machine.
#
#   hostns.sh start DIR     a pid + mount + network namespace held by a `sleep` that is its
#                           pid 1; writes DIR/ns.pid (that pid, as seen from here)
#   hostns.sh run DIR CMD…  runs CMD inside, as the host's root: HOME=DIR/home, PATH from
#                           DIR/path (the host's login environment)
#   hostns.sh stop DIR      SIGKILLs the namespace's pid 1: the kernel then kills every
#                           process of the namespace (its gateway included)
#
# With HOSTNS_LEASE=FIFO, pid 1 is `cat FIFO` instead of `sleep`: it ends (and the kernel ends
# the namespace) as soon as nobody holds the FIFO open for writing, i.e. when the test that
# holds it dies, even by SIGKILL, when no EXIT trap runs.
#
# Why namespaces: with ansible_connection=local every host is this one machine, and
# `check --all` reads every gateway process in /proc, every unit and the user's profiles. Each
# host's commands therefore run in a pid namespace of their own (its own /proc: only its own
# gateway), a network namespace of their own (its own loopback: every host's gateway can
# listen on the default port 18789, and a host without a gateway really gets "connection
# refused"), a mount namespace with its own /tmp/openclaw (the gateway's log directory) and a
# HOME of its own (the user's ~/.openclaw and profiles). Nothing is faked: the doctor reads the
# real /proc of the namespace and probes real sockets. OPENCLAW_DOCTOR_HOST_ROOT was not used:
# it swaps the files read, not the processes and sockets probed, so a "host" could still reach
# another host's gateway on 127.0.0.1.
set -euo pipefail
cmd=${1:?start|run|stop}; dir=$(realpath -m "${2:?DIR}"); shift 2

case "$cmd" in
  start)
    mkdir -p "$dir/home" "$dir/tmp-openclaw"
    mkdir -p /tmp/openclaw # the mount point (every gateway of this machine logs there)
    rm -f "$dir/ns.pid" "$dir/ns.ready"
    # The holder: pid 1 of the new pid namespace; lo up, /tmp/openclaw private, then sleep.
    setsid unshare --pid --fork --mount-proc --net --propagation private -- \
      bash -c 'ip link set lo up && mount --bind "$1/tmp-openclaw" /tmp/openclaw &&
               touch "$1/ns.ready" &&
               if [ -n "$2" ]; then exec cat "$2" >/dev/null; else exec sleep infinity; fi' \
      _ "$dir" "${HOSTNS_LEASE:-}" \
      </dev/null >"$dir/ns.log" 2>&1 &
    outer=$!
    for _ in $(seq 100); do
      [ -e "$dir/ns.ready" ] && break
      sleep 0.05
    done
    [ -e "$dir/ns.ready" ] || { echo "hostns: $dir did not start: $(cat "$dir/ns.log")" >&2; exit 1; }
    inner=$(cat "/proc/$outer/task/$outer/children")
    echo "${inner// /}" >"$dir/ns.pid"
    ;;
  run)
    pid=$(cat "$dir/ns.pid")
    path=$(cat "$dir/path" 2>/dev/null || echo /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
    exec nsenter -t "$pid" -p -m -n -- env HOME="$dir/home" PATH="$path" "$@"
    ;;
  stop)
    [ -e "$dir/ns.pid" ] || exit 0
    pid=$(cat "$dir/ns.pid")
    # Only that pid, and only while it still is our sleep or cat (pids are reused).
    comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
    if { [ "$comm" = sleep ] || [ "$comm" = cat ]; } &&
       [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]; then
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 100); do [ -e "/proc/$pid" ] || break; sleep 0.05; done
    fi
    rm -f "$dir/ns.pid"
    ;;
  *) echo "usage: hostns.sh start|run|stop DIR [CMD…]" >&2; exit 2 ;;
esac
