#!/usr/bin/env python3
"""Trips the start-up guards that depend on the host rather than on the config (stdlib only).

The corpus (record.py) runs each case alone on a free port, so it cannot show what happens when
the port is taken or when another gateway already owns the state directory. This script does,
with the same isolation as record.py (temporary HOME/state/config, its own process group):

  port-in-use      something already listens on 127.0.0.1:<port>; `gateway run --port <port>`
  state-dir-owned  a gateway is running; a second one on the same state dir, another port

    python3 scripts/oracle/host_guards.py [--openclaw BIN] [--json]

It prints each run's outcome, exit code and refusal lines (docs/openclaw/startup-guards.md quotes
them). It starts at most two gateways at a time.
"""

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import record  # noqa: E402

TOKEN = "oracle-test-token-0123456789abcdef"
CONFIG = '{\n  "gateway": {"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": "%s"}}\n}\n' % TOKEN


def prepare(tmp):
    root = Path(tmp)
    (root / "state").mkdir(exist_ok=True)
    (root / "openclaw.json").write_text(CONFIG)
    return root, record.run_env(root, {})


def port_in_use(bin_, timeout):
    with tempfile.TemporaryDirectory(prefix="oracle-host-") as tmp:
        root, env = prepare(tmp)
        port = record.free_port()
        blocker = socket.socket()
        blocker.bind(("127.0.0.1", port))
        blocker.listen(1)
        try:
            result, _ = record.start(bin_, root, env, port, False, timeout, baseline=record.listeners(port))
        finally:
            blocker.close()
        return {"guard": "port-in-use", "port_held_by": "a plain TCP listener on 127.0.0.1", **result}


def state_dir_owned(bin_, timeout):
    with tempfile.TemporaryDirectory(prefix="oracle-host-") as tmp:
        root, env = prepare(tmp)
        first_port = record.free_port()
        first = record.launch(bin_, root, env, first_port, output=subprocess.DEVNULL)
        try:
            t0 = time.time()
            while not record.listeners(first_port):
                if first.poll() is not None or time.time() - t0 > timeout:
                    return {"guard": "state-dir-owned", "outcome": "setup-failed", "note": "the first gateway did not start"}
                time.sleep(0.2)
            result, _ = record.start(bin_, root, env, record.free_port(), False, timeout)
        finally:
            record.kill_group(first, root)
        return {"guard": "state-dir-owned", "first_gateway_port": "[FIRST]", **result}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--openclaw")
    ap.add_argument("--timeout", type=float, default=90.0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    bin_ = record.openclaw_bin(a.openclaw)
    results = [port_in_use(bin_, a.timeout), state_dir_owned(bin_, a.timeout)]
    if a.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    for r in results:
        print(f"== {r['guard']}: {r.get('outcome')} exit={r.get('exit_code')} ({r.get('seconds')} s)")
        for line in r.get("messages", []):
            print(f"   {line}")


if __name__ == "__main__":
    main()
