#!/usr/bin/env python3
"""Writes the oracle corpus: fixtures/oracle/cases/<id>/ (stdlib only, deterministic).

Each case is a config variant (a healthy base plus one or two mutations) that
scripts/oracle/record.py runs through the real OpenClaw (`config validate --json` and
`gateway run`). This script writes openclaw.json, any included files, `env` and case.json; it
never writes or deletes verdict.json (record.py does), except that `--prune` removes whole
case folders that are no longer generated.

Ids are `<3-digit number>-<slug>`. Numbers are fixed per group (see GROUPS below) and assigned
in the order cases are listed inside a group: add new cases at the END of a group, so that
existing ids never move. Re-running this script rewrites identical files (a verdict stays
current as long as its case's files are byte-identical; record.py checks that with
case_sha256).

    python3 scripts/oracle/generate.py            # write/refresh every case
    python3 scripts/oracle/generate.py --prune    # also delete case folders not generated
    python3 scripts/oracle/generate.py --list     # print the ids, write nothing
"""

import argparse
import copy
import json
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "fixtures" / "oracle" / "cases"

# Obviously fake secrets.
T = "oracle-test-token-0123456789abcdef"
T2 = "oracle-test-token-fedcba9876543210"
P = "oracle-test-password-0123456789abcdef"
ORIGINS = ["https://claw.example.test"]

# Ports kept by the keep_port cases (each its own, except where OpenClaw falls back to its
# default 18789; record.py never runs two cases on one kept port at once).
DEFAULT_PORT = 18789


# --------------------------------------------------------------------------------------
# Rendering


IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def render_json(cfg):
    return json.dumps(cfg, indent=2, ensure_ascii=False) + "\n"


def render_json5(cfg, header=None, indent=0):
    """JSON5 with unquoted keys, single-quoted strings, trailing commas and comments."""
    pad = "  " * indent

    def scalar(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None:
            return "null"
        if isinstance(v, (int, float)):
            return json.dumps(v)
        if isinstance(v, Raw):
            return v.text
        s = str(v)
        if "'" in s:
            return json.dumps(s, ensure_ascii=False)
        return "'" + s.replace("\\", "\\\\") + "'"

    def key(k):
        return k if IDENT.match(k) else json.dumps(k)

    def value(v, level):
        inner = "  " * (level + 1)
        close = "  " * level
        if isinstance(v, dict):
            if not v:
                return "{}"
            lines = [f"{inner}{key(k)}: {value(x, level + 1)}," for k, x in v.items()]
            return "{\n" + "\n".join(lines) + f"\n{close}}}"
        if isinstance(v, list):
            if not v:
                return "[]"
            if all(not isinstance(x, (dict, list)) for x in v):
                return "[" + ", ".join(scalar(x) for x in v) + ",]"
            lines = [f"{inner}{value(x, level + 1)}," for x in v]
            return "[\n" + "\n".join(lines) + f"\n{close}]"
        return scalar(v)

    text = ""
    if header:
        text += "".join(f"{pad}// {line}\n" for line in header.splitlines())
    return text + pad + value(cfg, indent) + "\n"


class Raw:
    """A JSON5 value written as is (hex numbers, Infinity, ...)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def to_json_compatible(cfg):
    if isinstance(cfg, Raw):
        raise ValueError("Raw values need the json5 style")
    if isinstance(cfg, dict):
        return {k: to_json_compatible(v) for k, v in cfg.items()}
    if isinstance(cfg, list):
        return [to_json_compatible(v) for v in cfg]
    return cfg


# --------------------------------------------------------------------------------------
# Bases: configs that really start (each is also a case of its own in group 0).


def profile_port(name):
    """OpenClaw's default port for a named profile (paths.ts resolveGatewayPort: FNV-1a)."""
    h = 2166136261
    for b in name.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return 20000 + h % 40000


def gw(**kw):
    g = {"mode": "local"}
    g.update(kw)
    return g


BASES = {
    # Minimal: local, loopback, token.
    "loopback-token": {
        "config": {"gateway": gw(port=18789, bind="loopback", auth={"mode": "token", "token": T})},
        "style": "json",
    },
    # Every interface, token, explicit Control UI origins.
    "lan-token-origins": {
        "config": {
            "gateway": gw(
                port=18789,
                bind="lan",
                auth={"mode": "token", "token": T},
                controlUi={"allowedOrigins": ORIGINS},
            )
        },
        "style": "json",
    },
    # Behind a reverse proxy on the same host.
    "proxy-trusted": {
        "config": {
            "gateway": gw(
                port=18789,
                bind="loopback",
                auth={"mode": "token", "token": T},
                trustedProxies=["127.0.0.1", "::1"],
                allowRealIpFallback=True,
                remote={"url": "wss://claw.example.test", "token": T},
            )
        },
        "style": "json",
    },
    # Other sections next to the gateway.
    "sections": {
        "config": {
            "meta": {"lastTouchedVersion": "2026.9.6"},
            "agents": {"defaults": {"workspace": "~/oracle-workspace", "timeoutSeconds": 600, "maxConcurrent": 2}},
            "logging": {"level": "info", "consoleLevel": "warn", "consoleStyle": "pretty"},
            "tools": {"profile": "coding", "deny": ["browser"]},
            "gateway": gw(port=18789, bind="loopback", auth={"mode": "token", "token": T}),
        },
        "style": "json",
    },
    # JSON5 syntax: comments, unquoted keys, single quotes, trailing commas.
    "json5": {
        "config": {"gateway": gw(port=18789, bind="loopback", auth={"mode": "token", "token": T})},
        "style": "json5",
    },
    # The token only in the environment.
    "env-token": {
        "config": {"gateway": gw(port=18789, bind="loopback")},
        "style": "json",
        "env": {"OPENCLAW_GATEWAY_TOKEN": T},
    },
    # Password auth on every interface.
    "lan-password": {
        "config": {
            "gateway": gw(
                port=18789,
                bind="lan",
                auth={"mode": "password", "password": P},
                controlUi={"allowedOrigins": ORIGINS},
            )
        },
        "style": "json",
    },
    # Identity-aware proxy in front (trusted-proxy auth).
    "trusted-proxy": {
        "config": {
            "gateway": gw(
                port=18789,
                bind="loopback",
                auth={"mode": "trusted-proxy", "trustedProxy": {"userHeader": "x-forwarded-user"}},
                trustedProxies=["10.0.0.1"],
            )
        },
        "style": "json",
    },
    # A custom bind host (loopback address).
    "custom-loopback": {
        "config": {"gateway": gw(port=18789, bind="custom", customBindHost="127.0.0.1", auth={"mode": "token", "token": T})},
        "style": "json",
    },
}


# --------------------------------------------------------------------------------------
# Mutation helpers


MISSING = object()


def get(cfg, path):
    cur = cfg
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return MISSING
        cur = cur[part]
    return cur


def set_(cfg, path, value):
    parts = path.split(".")
    cur = cfg
    for part in parts[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            cur[part] = nxt
        cur = nxt
    cur[parts[-1]] = value


def del_(cfg, path):
    parts = path.split(".")
    cur = cfg
    for part in parts[:-1]:
        cur = cur.get(part)
        if not isinstance(cur, dict):
            return
    cur.pop(parts[-1], None)


def fmt(v):
    if isinstance(v, Raw):
        return v.text
    return json.dumps(v, ensure_ascii=False)


# --------------------------------------------------------------------------------------
# Case collection


class Corpus:
    def __init__(self):
        self.cases = []
        self.group_start = None
        self.next_num = None

    def group(self, start, name):
        if self.next_num is not None and start < self.next_num:
            raise SystemExit(f"group {name} starts at {start}, before the previous group's end {self.next_num}")
        self.group_start = start
        self.next_num = start
        self.group_name = name

    def add(
        self,
        slug,
        base,
        mutations,
        *,
        ops=(),
        config=None,
        text=None,
        env=None,
        files=None,
        keep_port=False,
        listen_port=None,
        why_keep_port=None,
        style=None,
        note=None,
    ):
        """ops: ("set", path, value) | ("del", path). Without ops/config/text, the base as is."""
        num = self.next_num
        self.next_num += 1
        b = BASES[base] if base in BASES else None
        if text is None:
            cfg = copy.deepcopy(config if config is not None else b["config"])
            for op in ops:
                if op[0] == "set":
                    set_(cfg, op[1], op[2])
                elif op[0] == "del":
                    del_(cfg, op[1])
                else:
                    raise ValueError(op)
            st = style or (b["style"] if b else "json")
            if st == "json5":
                text = render_json5(cfg, header="oracle case: " + "; ".join(mutations) if mutations else "oracle base")
            else:
                text = render_json(to_json_compatible(cfg))
        case_env = dict(b.get("env", {})) if b else {}
        case_env.update(env or {})
        case_env = {k: v for k, v in case_env.items() if v is not None}
        if keep_port and not why_keep_port:
            raise SystemExit(f"{slug}: keep_port needs why_keep_port")
        self.cases.append(
            {
                "id": f"{num:03d}-{slug}",
                "base": base,
                "mutations": list(mutations),
                "keep_port": keep_port,
                "listen_port": listen_port,
                "why_keep_port": why_keep_port,
                "note": note,
                "text": text,
                "env": case_env,
                "files": files or {},
                "group": self.group_name,
            }
        )


def build():
    c = Corpus()
    A = c.add

    # ---------------------------------------------------------------- 001: healthy bases
    c.group(1, "healthy")
    for name in BASES:
        A(f"base-{name}", name, [])
    A("minimal-no-port", "loopback-token", ["gateway.port removed (the --port flag supplies it)"], ops=[("del", "gateway.port")])
    A(
        "healthy-lan-token-no-origins",
        "lan-token-origins",
        ["gateway.controlUi removed (non-loopback without allowedOrigins)"],
        ops=[("del", "gateway.controlUi")],
    )
    A(
        "healthy-host-header-fallback",
        "lan-token-origins",
        ["controlUi.allowedOrigins replaced by dangerouslyAllowHostHeaderOriginFallback: true"],
        ops=[("set", "gateway.controlUi", {"dangerouslyAllowHostHeaderOriginFallback": True})],
    )
    A("healthy-auto-token", "loopback-token", ['bind: "auto"'], ops=[("set", "gateway.bind", "auto")])
    A("healthy-tailnet-token", "loopback-token", ['bind: "tailnet" (no Tailscale on the host)'], ops=[("set", "gateway.bind", "tailnet")])
    A("healthy-no-bind", "loopback-token", ["gateway.bind removed (default)"], ops=[("del", "gateway.bind")])
    A("healthy-auth-none-loopback", "loopback-token", ['auth: {mode: "none"} on loopback'], ops=[("set", "gateway.auth", {"mode": "none"})])
    A("healthy-no-auth-loopback", "loopback-token", ["gateway.auth removed on loopback"], ops=[("del", "gateway.auth")])
    A(
        "healthy-token-mode-no-token",
        "loopback-token",
        ['auth: {mode: "token"} without a token, loopback'],
        ops=[("set", "gateway.auth", {"mode": "token"})],
    )
    A(
        "healthy-password-loopback",
        "loopback-token",
        ['auth: {mode: "password", password}'],
        ops=[("set", "gateway.auth", {"mode": "password", "password": P})],
    )
    A(
        "healthy-password-no-mode",
        "lan-password",
        ["auth.mode removed (only a password is set)"],
        ops=[("del", "gateway.auth.mode")],
    )
    A("healthy-token-no-mode-lan", "lan-token-origins", ["auth.mode removed (only a token is set)"], ops=[("del", "gateway.auth.mode")])
    A(
        "healthy-custom-lan-address",
        "custom-loopback",
        ['customBindHost: "192.0.2.2" (an address of this host)'],
        ops=[("set", "gateway.customBindHost", "192.0.2.2")],
        note="192.0.2.2 is this machine's eth0 address",
    )
    A("healthy-tls-autogenerate", "loopback-token", ["tls: {enabled: true} (self-signed cert generated with openssl)"], ops=[("set", "gateway.tls", {"enabled": True})])
    A("healthy-tls-disabled", "loopback-token", ["tls: {enabled: false}"], ops=[("set", "gateway.tls", {"enabled": False})])
    A(
        "healthy-controlui-disabled-lan",
        "lan-token-origins",
        ["controlUi: {enabled: false}"],
        ops=[("set", "gateway.controlUi", {"enabled": False})],
    )
    A(
        "healthy-remote-section-local",
        "loopback-token",
        ['gateway.remote: {url: "ws://127.0.0.1:18789", token} while mode is local'],
        ops=[("set", "gateway.remote", {"url": "ws://127.0.0.1:18789", "token": T})],
    )
    A(
        "healthy-remote-url-not-validated",
        "loopback-token",
        ['gateway.remote.url: "not a url at all"'],
        ops=[("set", "gateway.remote", {"url": "not a url at all"})],
    )
    A("healthy-empty-trusted-proxies", "proxy-trusted", ["trustedProxies: []"], ops=[("set", "gateway.trustedProxies", [])])
    A(
        "healthy-trusted-proxy-cidr",
        "proxy-trusted",
        ['trustedProxies: ["10.0.0.0/8", "fd00::/8"]'],
        ops=[("set", "gateway.trustedProxies", ["10.0.0.0/8", "fd00::/8"])],
    )
    A(
        "healthy-trusted-proxies-not-ips",
        "proxy-trusted",
        ['trustedProxies: ["nginx", "localhost"] (names, not addresses)'],
        ops=[("set", "gateway.trustedProxies", ["nginx", "localhost"])],
    )
    A(
        "healthy-trusted-proxy-lan",
        "trusted-proxy",
        ['bind: "lan" with trusted-proxy auth, no allowedOrigins'],
        ops=[("set", "gateway.bind", "lan")],
    )
    A("healthy-hooks-token-reuse", "loopback-token", ["hooks: {enabled: true, token: <the gateway token>} (a warning only)"], ops=[("set", "hooks", {"enabled": True, "token": T})])
    A("healthy-empty-gateway-auth", "loopback-token", ["gateway.auth: {}"], ops=[("set", "gateway.auth", {})])
    A(
        "healthy-tls-unknown-key",
        "loopback-token",
        ['gateway.tls: {enabled: false, certFile: "x.pem"} (tls is the one open object)'],
        ops=[("set", "gateway.tls", {"enabled": False, "certFile": "x.pem"})],
    )
    A(
        "healthy-auth-rate-limit",
        "loopback-token",
        ["gateway.auth.rateLimit: {maxAttempts: 5}"],
        ops=[("set", "gateway.auth.rateLimit", {"maxAttempts": 5})],
    )

    # ---------------------------------------------------------------- 060: JSON5 syntax
    c.group(60, "syntax")
    js = BASES["json5"]["config"]
    A(
        "json5-block-comments",
        "json5",
        ["block comments and a comment inside the gateway object"],
        text="/* oracle: block comment */\n{\n  gateway: {\n    /* mode first */ mode: 'local',\n    port: 18789, // trailing line comment\n    bind: 'loopback',\n    auth: { mode: 'token', token: '%s' },\n  },\n}\n" % T,
    )
    A(
        "json5-double-and-single-quotes",
        "json5",
        ["quoted keys in both styles"],
        text="{\n  \"gateway\": {\n    'mode': \"local\",\n    \"bind\": 'loopback',\n    'auth': {\"mode\": 'token', 'token': \"%s\"},\n  },\n}\n" % T,
    )
    A("json5-hex-port", "json5", ["port: 0x4965 (hex 18789)"], ops=[("set", "gateway.port", Raw("0x4965"))])
    A("json5-plus-port", "json5", ["port: +18789"], ops=[("set", "gateway.port", Raw("+18789"))])
    A("json5-infinity-port", "json5", ["port: Infinity"], ops=[("set", "gateway.port", Raw("Infinity"))])
    A("json5-nan-port", "json5", ["port: NaN"], ops=[("set", "gateway.port", Raw("NaN"))])
    A(
        "json5-multiline-string",
        "json5",
        ["token written as a multi-line string (backslash-newline continuation)"],
        text="{\n  gateway: {\n    mode: 'local',\n    bind: 'loopback',\n    auth: { mode: 'token', token: 'oracle-test-token-\\\n0123456789abcdef' },\n  },\n}\n",
    )
    A("json5-trailing-commas-everywhere", "json5", ["trailing commas after every member and element"], text="{\n  gateway: {\n    mode: 'local',\n    bind: 'loopback',\n    trustedProxies: ['127.0.0.1',],\n    auth: { mode: 'token', token: '%s', },\n  },\n}\n" % T)
    A("json-plain-crlf", "loopback-token", ["CRLF line endings"], text=render_json(BASES["loopback-token"]["config"]).replace("\n", "\r\n"))
    A("json-utf8-bom", "loopback-token", ["a UTF-8 byte-order mark before the JSON"], text="\ufeff" + render_json(BASES["loopback-token"]["config"]))
    A(
        "json-duplicate-key-last-wins",
        "loopback-token",
        ['bind given twice: "lan" then "loopback"'],
        text='{\n  "gateway": {\n    "mode": "local",\n    "bind": "lan",\n    "bind": "loopback",\n    "auth": {"mode": "token", "token": "%s"}\n  }\n}\n' % T,
    )
    A(
        "json-duplicate-key-lan-last",
        "loopback-token",
        ['bind given twice: "loopback" then "lan" (no auth)'],
        text='{\n  "gateway": {\n    "mode": "local",\n    "bind": "loopback",\n    "bind": "lan"\n  }\n}\n',
    )
    A("syntax-empty-file", "loopback-token", ["empty file"], text="")
    A("syntax-empty-object", "loopback-token", ["{}"], text="{}\n")
    A("syntax-null", "loopback-token", ["null"], text="null\n")
    A("syntax-array-root", "loopback-token", ["[] at the root"], text="[]\n")
    A("syntax-missing-brace", "loopback-token", ["the closing brace is missing"], text=render_json(BASES["loopback-token"]["config"]).rstrip()[:-1])
    A("syntax-unclosed-comment", "json5", ["a /* comment that never ends"], text="{\n  gateway: { mode: 'local', bind: 'loopback' },\n  /* unclosed\n}\n")
    A("syntax-yaml", "loopback-token", ["YAML instead of JSON5"], text="gateway:\n  mode: local\n  bind: loopback\n  auth:\n    mode: token\n    token: %s\n" % T)
    A("syntax-toml", "loopback-token", ["TOML instead of JSON5"], text='[gateway]\nmode = "local"\nbind = "loopback"\n\n[gateway.auth]\nmode = "token"\ntoken = "%s"\n' % T)
    A("syntax-single-quote-unescaped", "json5", ["a single-quoted string containing an unescaped single quote"], text="{\n  gateway: { mode: 'local', bind: 'loop'back' },\n}\n")
    A("syntax-comment-only", "json5", ["only a comment"], text="// nothing here\n")
    A("syntax-two-objects", "loopback-token", ["two top-level objects"], text="{}\n{}\n")
    A("syntax-gateway-string", "loopback-token", ['gateway: "local" (a string, not an object)'], config={"gateway": "local"})
    A("syntax-gateway-array", "loopback-token", ["gateway: [] (a list)"], config={"gateway": []})
    A("syntax-gateway-null", "loopback-token", ["gateway: null"], config={"gateway": None})

    # ---------------------------------------------------------------- 100: unknown keys
    c.group(100, "unknown-keys")
    unknown_at = [
        ("root", "<root>", "oracleUnknown"),
        ("gateway", "gateway", "oracleUnknown"),
        ("gateway-auth", "gateway.auth", "oracleUnknown"),
        ("gateway-remote", "gateway.remote", "oracleUnknown"),
        ("gateway-controlui", "gateway.controlUi", "oracleUnknown"),
        ("gateway-tailscale", "gateway.tailscale", "oracleUnknown"),
        ("gateway-tls", "gateway.tls", "oracleUnknown"),
        ("gateway-reload", "gateway.reload", "oracleUnknown"),
        ("gateway-http", "gateway.http", "oracleUnknown"),
        ("gateway-auth-ratelimit", "gateway.auth.rateLimit", "oracleUnknown"),
        ("agents", "agents", "oracleUnknown"),
        ("agents-defaults", "agents.defaults", "oracleUnknown"),
        ("logging", "logging", "oracleUnknown"),
        ("tools", "tools", "oracleUnknown"),
        ("meta", "meta", "oracleUnknown"),
        ("env", "env", "oracleUnknown"),
        ("secrets", "secrets", "oracleUnknown"),
        ("hooks", "hooks", "oracleUnknown"),
        ("ui", "ui", "oracleUnknown"),
        ("update", "update", "oracleUnknown"),
        ("diagnostics", "diagnostics", "oracleUnknown"),
        ("session", "session", "oracleUnknown"),
        ("commands", "commands", "oracleUnknown"),
        ("browser", "browser", "oracleUnknown"),
    ]
    for slug, where, key in unknown_at:
        path = key if where == "<root>" else f"{where}.{key}"
        A(f"unknown-key-{slug}", "sections", [f"unknown key {path}: true"], ops=[("set", path, True)])
    A(
        "unknown-key-trusted-proxy-config",
        "trusted-proxy",
        ["unknown key gateway.auth.trustedProxy.oracleUnknown: true"],
        ops=[("set", "gateway.auth.trustedProxy.oracleUnknown", True)],
    )
    A("unknown-key-json5-gateway", "json5", ["unknown key gateway.oracleUnknown in a JSON5 file"], ops=[("set", "gateway.oracleUnknown", True)])
    A("unknown-keys-two-levels", "sections", ["unknown keys gateway.oracleA and gateway.auth.oracleB"], ops=[("set", "gateway.oracleA", 1), ("set", "gateway.auth.oracleB", 2)])
    A("unknown-keys-two-in-gateway", "loopback-token", ["unknown keys gateway.oracleA and gateway.oracleB"], ops=[("set", "gateway.oracleA", 1), ("set", "gateway.oracleB", 2)])

    # Near-typos of real keys.
    typos = [
        ("bnd", "gateway.bnd", "lan", "loopback-token", "gateway.bind"),
        ("bind-case", "gateway.Bind", "loopback", "loopback-token", "gateway.bind"),
        ("mdoe", "gateway.mdoe", "local", "loopback-token", "gateway.mode"),
        ("prot", "gateway.prot", 18789, "loopback-token", "gateway.port"),
        ("auht", "gateway.auht", {"mode": "token", "token": T}, "loopback-token", "gateway.auth"),
        ("tokn", "gateway.auth.tokn", T, "loopback-token", "gateway.auth.token"),
        ("passwd", "gateway.auth.passwd", P, "lan-password", "gateway.auth.password"),
        ("auth-type", "gateway.auth.type", "token", "loopback-token", "gateway.auth.mode"),
        ("auth-secret", "gateway.auth.secret", T, "loopback-token", "gateway.auth.token"),
        ("trusted-proxy", "gateway.trustedProxy", ["127.0.0.1"], "proxy-trusted", "gateway.trustedProxies"),
        ("trusted-proxies-snake", "gateway.trusted_proxies", ["127.0.0.1"], "proxy-trusted", "gateway.trustedProxies"),
        ("trustedproxies-lower", "gateway.trustedproxies", ["127.0.0.1"], "proxy-trusted", "gateway.trustedProxies"),
        ("allow-real-ip-fallback", "gateway.allowRealIPFallback", True, "proxy-trusted", "gateway.allowRealIpFallback"),
        ("allowed-origin", "gateway.controlUi.allowedOrigin", ORIGINS, "lan-token-origins", "gateway.controlUi.allowedOrigins"),
        ("allowed-origins-snake", "gateway.controlUi.allowed_origins", ORIGINS, "lan-token-origins", "gateway.controlUi.allowedOrigins"),
        ("control-ui-caps", "gateway.controlUI", {"allowedOrigins": ORIGINS}, "lan-token-origins", "gateway.controlUi"),
        ("control-ui-kebab", "gateway.control-ui", {"enabled": True}, "loopback-token", "gateway.controlUi"),
        ("custom-bindhost", "gateway.customBindhost", "127.0.0.1", "custom-loopback", "gateway.customBindHost"),
        ("custom-host", "gateway.customHost", "127.0.0.1", "custom-loopback", "gateway.customBindHost"),
        ("tail-scale", "gateway.tailScale", {"mode": "off"}, "loopback-token", "gateway.tailscale"),
        ("tailscale-enabled", "gateway.tailscale.enabled", False, "loopback-token", "gateway.tailscale.mode"),
        ("remote-uri", "gateway.remote.uri", "ws://127.0.0.1:18789", "loopback-token", "gateway.remote.url"),
        ("remote-url", "gateway.remoteUrl", "ws://127.0.0.1:18789", "loopback-token", "gateway.remote.url"),
        ("gateway-url", "gateway.url", "ws://127.0.0.1:18789", "loopback-token", "gateway.remote.url"),
        ("gateway-host", "gateway.host", "127.0.0.1", "loopback-token", "gateway.bind / customBindHost"),
        ("gateway-listen", "gateway.listen", "127.0.0.1:18789", "loopback-token", "gateway.bind + gateway.port"),
        ("gateway-address", "gateway.address", "0.0.0.0", "loopback-token", "gateway.bind"),
        ("tls-enable", "gateway.tls.enable", True, "loopback-token", "gateway.tls.enabled"),
        ("logging-lvl", "logging.lvl", "debug", "sections", "logging.level"),
        ("tools-alow", "tools.alow", ["exec"], "sections", "tools.allow"),
        ("agents-default-singular", "agents.default", {"timeoutSeconds": 60}, "sections", "agents.defaults"),
        ("agents-defaults-modle", "agents.defaults.modle", "anthropic/claude", "sections", "agents.defaults.model"),
        ("root-gateways", "gateways", {"mode": "local"}, "loopback-token", "gateway"),
    ]
    for slug, path, value, base, real in typos:
        A(f"typo-{slug}", base, [f"near-typo {path}: {fmt(value)} (the real key is {real})"], ops=[("set", path, value)])

    # Keys from older versions.
    legacy = [
        ("gateway-token", "gateway.token", T, "loopback-token", "pre-auth token key"),
        ("gateway-password", "gateway.password", P, "loopback-token", "pre-auth password key"),
        ("gateway-token-only", None, None, "loopback-token", "gateway.token instead of gateway.auth"),
        ("gateway-webchat", "gateway.webchat", {"enabled": True}, "loopback-token", "retired gateway.webchat"),
        ("gateway-handshake-timeout", "gateway.handshakeTimeoutMs", 10000, "loopback-token", "retired tuning key"),
        ("controlui-allow-insecure-auth", "gateway.controlUi.allowInsecureAuth", True, "loopback-token", "retired key"),
        ("controlui-disable-device-auth", "gateway.controlUi.dangerouslyDisableDeviceAuth", True, "loopback-token", "retired key (still in the schema)"),
        ("controlui-tool-titles", "gateway.controlUi.toolTitles", True, "loopback-token", "retired key"),
        ("tailscale-reset-on-exit", "gateway.tailscale.resetOnExit", True, "loopback-token", "retired key"),
        ("tailscale-service-name", "gateway.tailscale.serviceName", "openclaw", "loopback-token", "retired key"),
        ("logging-redact-sensitive", "logging.redactSensitive", "tools", "sections", "retired key"),
        ("gateway-channel-health", "gateway.channelHealthCheckMinutes", 5, "loopback-token", "retired tuning key"),
        ("gateway-bind-host-key", "gateway.bindHost", "127.0.0.1", "loopback-token", "old-style bind host key"),
        ("root-clawdbot", "clawdbot", {"gateway": {"mode": "local"}}, "loopback-token", "old product name as a section"),
    ]
    for slug, path, value, base, why in legacy:
        if slug == "gateway-token-only":
            A(
                f"legacy-{slug}",
                base,
                ["gateway.auth removed, gateway.token set instead (a key from old versions)"],
                ops=[("del", "gateway.auth"), ("set", "gateway.token", T)],
            )
            continue
        A(f"legacy-{slug}", base, [f"{path}: {fmt(value)} ({why})"], ops=[("set", path, value)])
    A(
        "legacy-gateway-token-lan",
        "lan-token-origins",
        ["gateway.auth removed, gateway.token set instead, bind lan"],
        ops=[("del", "gateway.auth"), ("set", "gateway.token", T)],
    )
    A(
        "legacy-remote-token-only-lan",
        "lan-token-origins",
        ["gateway.auth removed, only gateway.remote.token set, bind lan"],
        ops=[("del", "gateway.auth"), ("set", "gateway.remote", {"token": T})],
    )

    # ---------------------------------------------------------------- 200: wrong types
    c.group(200, "types")
    types = [
        ("port-string", "gateway.port", "18789", "loopback-token"),
        ("port-float", "gateway.port", 18789.5, "loopback-token"),
        ("port-bool", "gateway.port", True, "loopback-token"),
        ("port-list", "gateway.port", [18789], "loopback-token"),
        ("port-object", "gateway.port", {"value": 18789}, "loopback-token"),
        ("port-null", "gateway.port", None, "loopback-token"),
        ("bind-number", "gateway.bind", 0, "loopback-token"),
        ("bind-bool", "gateway.bind", True, "loopback-token"),
        ("bind-list", "gateway.bind", ["loopback"], "loopback-token"),
        ("bind-object", "gateway.bind", {"mode": "loopback"}, "loopback-token"),
        ("bind-null", "gateway.bind", None, "loopback-token"),
        ("mode-bool", "gateway.mode", True, "loopback-token"),
        ("mode-list", "gateway.mode", ["local"], "loopback-token"),
        ("mode-null", "gateway.mode", None, "loopback-token"),
        ("auth-string", "gateway.auth", "token", "loopback-token"),
        ("auth-list", "gateway.auth", [{"mode": "token", "token": T}], "loopback-token"),
        ("auth-mode-list", "gateway.auth.mode", ["token"], "loopback-token"),
        ("auth-token-number", "gateway.auth.token", 1234567890123456, "loopback-token"),
        ("auth-token-list", "gateway.auth.token", [T], "loopback-token"),
        ("auth-token-object", "gateway.auth.token", {"value": T}, "loopback-token"),
        ("auth-token-bool", "gateway.auth.token", True, "loopback-token"),
        ("auth-password-number", "gateway.auth.password", 12345678, "lan-password"),
        ("trusted-proxies-string", "gateway.trustedProxies", "127.0.0.1", "proxy-trusted"),
        ("trusted-proxies-numbers", "gateway.trustedProxies", [127001], "proxy-trusted"),
        ("trusted-proxies-object", "gateway.trustedProxies", {"nginx": "127.0.0.1"}, "proxy-trusted"),
        ("allow-real-ip-string", "gateway.allowRealIpFallback", "true", "proxy-trusted"),
        ("allow-real-ip-number", "gateway.allowRealIpFallback", 1, "proxy-trusted"),
        ("controlui-string", "gateway.controlUi", "on", "lan-token-origins"),
        ("controlui-enabled-string", "gateway.controlUi.enabled", "false", "lan-token-origins"),
        ("allowed-origins-string", "gateway.controlUi.allowedOrigins", "https://claw.example.test", "lan-token-origins"),
        ("allowed-origins-numbers", "gateway.controlUi.allowedOrigins", [443], "lan-token-origins"),
        ("tailscale-string", "gateway.tailscale", "off", "loopback-token"),
        ("tailscale-mode-bool", "gateway.tailscale.mode", False, "loopback-token"),
        ("remote-string", "gateway.remote", "ws://127.0.0.1:18789", "loopback-token"),
        ("remote-url-number", "gateway.remote.url", 18789, "loopback-token"),
        ("remote-url-list", "gateway.remote.url", ["ws://127.0.0.1:18789"], "loopback-token"),
        ("tls-bool", "gateway.tls", True, "loopback-token"),
        ("tls-enabled-string", "gateway.tls.enabled", "yes", "loopback-token"),
        ("custom-host-number", "gateway.customBindHost", 2130706433, "custom-loopback"),
        ("custom-host-list", "gateway.customBindHost", ["127.0.0.1"], "custom-loopback"),
        ("logging-string", "logging", "debug", "sections"),
        ("logging-level-number", "logging.level", 3, "sections"),
        ("tools-list", "tools", ["exec"], "sections"),
        ("tools-deny-string", "tools.deny", "browser", "sections"),
        ("agents-defaults-list", "agents.defaults", [], "sections"),
        ("agents-timeout-string", "agents.defaults.timeoutSeconds", "600", "sections"),
        ("meta-version-number", "meta.lastTouchedVersion", 2026.9, "sections"),
        ("hooks-enabled-string", "hooks.enabled", "true", "loopback-token"),
    ]
    for slug, path, value, base in types:
        A(f"type-{slug}", base, [f"{path}: {fmt(value)}"], ops=[("set", path, value)])
    A("type-two-wrong", "loopback-token", ['port: "18789" and bind: ["loopback"]'], ops=[("set", "gateway.port", "18789"), ("set", "gateway.bind", ["loopback"])])

    # ---------------------------------------------------------------- 260: enum values
    c.group(260, "enums")
    enums = [
        ("bind-local", "gateway.bind", "local", "loopback-token"),
        ("bind-all", "gateway.bind", "all", "loopback-token"),
        ("bind-public", "gateway.bind", "public", "loopback-token"),
        ("bind-uppercase-lan", "gateway.bind", "LAN", "lan-token-origins"),
        ("bind-capital-loopback", "gateway.bind", "Loopback", "loopback-token"),
        ("bind-spaces", "gateway.bind", " lan ", "lan-token-origins"),
        ("bind-empty", "gateway.bind", "", "loopback-token"),
        ("bind-hostname", "gateway.bind", "claw.example.test", "loopback-token"),
        ("bind-ip-private", "gateway.bind", "192.0.2.2", "loopback-token"),
        ("bind-with-port", "gateway.bind", "127.0.0.1:18789", "loopback-token"),
        ("mode-server", "gateway.mode", "server", "loopback-token"),
        ("mode-uppercase", "gateway.mode", "LOCAL", "loopback-token"),
        ("mode-empty", "gateway.mode", "", "loopback-token"),
        ("mode-loopback", "gateway.mode", "loopback", "loopback-token"),
        ("auth-mode-bearer", "gateway.auth.mode", "bearer", "loopback-token"),
        ("auth-mode-basic", "gateway.auth.mode", "basic", "lan-password"),
        ("auth-mode-capital", "gateway.auth.mode", "Token", "loopback-token"),
        ("auth-mode-off", "gateway.auth.mode", "off", "loopback-token"),
        ("auth-mode-trusted-proxy-underscore", "gateway.auth.mode", "trusted_proxy", "trusted-proxy"),
        ("tailscale-on", "gateway.tailscale.mode", "on", "loopback-token"),
        ("tailscale-enabled", "gateway.tailscale.mode", "enabled", "loopback-token"),
        ("tailscale-capital-serve", "gateway.tailscale.mode", "Serve", "loopback-token"),
        ("remote-transport-websocket", "gateway.remote.transport", "websocket", "loopback-token"),
        ("logging-level-verbose", "logging.level", "verbose", "sections"),
        ("logging-style-text", "logging.consoleStyle", "text", "sections"),
        ("tools-profile-unknown", "tools.profile", "everything", "sections"),
    ]
    for slug, path, value, base in enums:
        A(f"enum-{slug}", base, [f"{path}: {fmt(value)}"], ops=[("set", path, value)])
    # Host aliases that OpenClaw itself migrates (single file: repaired at start).
    aliases = [
        ("0-0-0-0", "0.0.0.0", "lan-token-origins"),
        ("0-0-0-0-no-origins", "0.0.0.0", "loopback-token"),
        ("0-0-0-0-no-auth", "0.0.0.0", None),
        ("double-colon", "::", "lan-token-origins"),
        ("bracket-double-colon", "[::]", "lan-token-origins"),
        ("star", "*", "lan-token-origins"),
        ("127-0-0-1", "127.0.0.1", "loopback-token"),
        ("localhost", "localhost", "loopback-token"),
        ("localhost-uppercase", "LOCALHOST", "loopback-token"),
        ("ipv6-loopback", "::1", "loopback-token"),
        ("bracket-ipv6-loopback", "[::1]", "loopback-token"),
    ]
    for slug, alias, base in aliases:
        if base is None:
            A(f"alias-{slug}", "loopback-token", [f"bind: {fmt(alias)}", "gateway.auth removed"], ops=[("set", "gateway.bind", alias), ("del", "gateway.auth")])
        else:
            A(f"alias-{slug}", base, [f"bind: {fmt(alias)} (host alias)"], ops=[("set", "gateway.bind", alias)])
    A("alias-localhost-json5", "json5", ['bind: "localhost" in a JSON5 file with comments (rewritten?)'], ops=[("set", "gateway.bind", "localhost")])
    A("alias-0000-and-unknown-key", "lan-token-origins", ['bind: "0.0.0.0"', "unknown key gateway.oracleUnknown"], ops=[("set", "gateway.bind", "0.0.0.0"), ("set", "gateway.oracleUnknown", True)])

    # ---------------------------------------------------------------- 310: port ranges
    c.group(310, "ports")
    A("port-zero", "loopback-token", ["port: 0"], ops=[("set", "gateway.port", 0)])
    A("port-65536", "loopback-token", ["port: 65536"], ops=[("set", "gateway.port", 65536)])
    A("port-negative", "loopback-token", ["port: -1"], ops=[("set", "gateway.port", -1)])
    A("port-one", "loopback-token", ["port: 1 (valid; --port overrides it)"], ops=[("set", "gateway.port", 1)])
    A("port-65535", "loopback-token", ["port: 65535 (valid; --port overrides it)"], ops=[("set", "gateway.port", 65535)])
    A("port-huge", "loopback-token", ["port: 1e12"], ops=[("set", "gateway.port", 1000000000000)])
    why = "the config's own port is what is under test; --port would override gateway.port"
    A("keep-port-valid", "loopback-token", ["port: 28711, no --port"], ops=[("set", "gateway.port", 28711)], keep_port=True, listen_port=28711, why_keep_port=why)
    A("keep-port-default", "loopback-token", ["gateway.port removed, no --port (default port)"], ops=[("del", "gateway.port")], keep_port=True, listen_port=DEFAULT_PORT, why_keep_port=why)
    A("keep-port-zero", "loopback-token", ["port: 0, no --port"], ops=[("set", "gateway.port", 0)], keep_port=True, listen_port=DEFAULT_PORT, why_keep_port=why + " (OpenClaw's own repair drops an out-of-range port, so watch its default)")
    A("keep-port-65536", "loopback-token", ["port: 65536, no --port"], ops=[("set", "gateway.port", 65536)], keep_port=True, listen_port=DEFAULT_PORT, why_keep_port=why + " (watch the default after repair)")
    A("keep-port-negative", "loopback-token", ["port: -5, no --port"], ops=[("set", "gateway.port", -5)], keep_port=True, listen_port=DEFAULT_PORT, why_keep_port=why + " (watch the default after repair)")
    A("keep-port-string", "loopback-token", ['port: "28712", no --port'], ops=[("set", "gateway.port", "28712")], keep_port=True, listen_port=28712, why_keep_port=why)
    A("keep-port-float", "loopback-token", ["port: 28713.5, no --port"], ops=[("set", "gateway.port", 28713.5)], keep_port=True, listen_port=28713, why_keep_port=why)
    A("keep-port-hex", "json5", ["port: 0x7011 (28689), no --port"], ops=[("set", "gateway.port", Raw("0x7011"))], keep_port=True, listen_port=28689, why_keep_port=why)
    A(
        "keep-port-env-beats-file",
        "loopback-token",
        ["port: 28714 in the file", "OPENCLAW_GATEWAY_PORT=28715 in the environment, no --port"],
        ops=[("set", "gateway.port", 28714)],
        env={"OPENCLAW_GATEWAY_PORT": "28715"},
        keep_port=True,
        listen_port=28715,
        why_keep_port="tests which of OPENCLAW_GATEWAY_PORT and gateway.port wins; --port would beat both",
    )
    A(
        "keep-port-env-invalid",
        "loopback-token",
        ["port: 28716 in the file", "OPENCLAW_GATEWAY_PORT=notaport, no --port"],
        ops=[("set", "gateway.port", 28716)],
        env={"OPENCLAW_GATEWAY_PORT": "notaport"},
        keep_port=True,
        listen_port=28716,
        why_keep_port="tests an invalid OPENCLAW_GATEWAY_PORT; --port would hide it",
    )
    A(
        "port-env-with-flag",
        "loopback-token",
        ["OPENCLAW_GATEWAY_PORT=28717 in the environment (and --port given)"],
        env={"OPENCLAW_GATEWAY_PORT": "28717"},
    )
    A("keep-port-infinity", "json5", ["port: Infinity, no --port"], ops=[("set", "gateway.port", Raw("Infinity"))], keep_port=True, listen_port=DEFAULT_PORT, why_keep_port=why)
    A("keep-port-env-var", "loopback-token", ['port: "${OC_ORACLE_PORT}" with OC_ORACLE_PORT=28718, no --port'], ops=[("set", "gateway.port", "${OC_ORACLE_PORT}")], env={"OC_ORACLE_PORT": "28718"}, keep_port=True, listen_port=28718, why_keep_port=why)

    A(
        "keep-port-profile-default",
        "loopback-token",
        ["gateway.port removed", "OPENCLAW_PROFILE=oracle, no --port (a named profile's default port)"],
        ops=[("del", "gateway.port")],
        env={"OPENCLAW_PROFILE": "oracle"},
        keep_port=True,
        listen_port=profile_port("oracle"),
        why_keep_port="tests the default port OpenClaw derives from a profile name; --port would override it",
    )

    # ---------------------------------------------------------------- 340: gateway.mode
    c.group(340, "mode")
    A("mode-missing", "loopback-token", ["gateway.mode removed"], ops=[("del", "gateway.mode")])
    A("mode-missing-sections", "sections", ["gateway.mode removed, other sections present"], ops=[("del", "gateway.mode")])
    A("mode-missing-no-gateway", "sections", ["the whole gateway section removed"], ops=[("del", "gateway")])
    A("mode-remote", "loopback-token", ['mode: "remote"'], ops=[("set", "gateway.mode", "remote")])
    A("mode-remote-with-url", "loopback-token", ['mode: "remote" with remote.url'], ops=[("set", "gateway.mode", "remote"), ("set", "gateway.remote", {"url": "wss://claw.example.test", "token": T})])
    A("mode-remote-lan-noauth", "loopback-token", ['mode: "remote"', 'bind: "lan" without auth'], ops=[("set", "gateway.mode", "remote"), ("set", "gateway.bind", "lan"), ("del", "gateway.auth")])
    A("mode-missing-lan-noauth", "loopback-token", ["gateway.mode removed", 'bind: "lan" without auth'], ops=[("del", "gateway.mode"), ("set", "gateway.bind", "lan"), ("del", "gateway.auth")])
    A("mode-missing-json5", "json5", ["gateway.mode removed (JSON5)"], ops=[("del", "gateway.mode")])
    A("mode-only", "loopback-token", ['only gateway: {mode: "local"}'], config={"gateway": {"mode": "local"}})

    A(
        "config-file-missing",
        "loopback-token",
        ["OPENCLAW_CONFIG_PATH names a file that does not exist"],
        env={"OPENCLAW_CONFIG_PATH": "[ROOT]/missing/openclaw.json"},
        note="the case's openclaw.json is not the file OpenClaw reads",
    )

    # ---------------------------------------------------------------- 360: bind/auth guards
    c.group(360, "bind-auth")
    for bind in ["lan", "auto", "custom-192", "tailnet", "no-bind"]:
        ops = []
        if bind == "custom-192":
            ops = [("set", "gateway.bind", "custom"), ("set", "gateway.customBindHost", "192.0.2.2")]
        elif bind == "no-bind":
            ops = [("del", "gateway.bind")]
        else:
            ops = [("set", "gateway.bind", bind)]
        label = {"custom-192": 'bind: "custom", customBindHost: "192.0.2.2"', "no-bind": "gateway.bind removed"}.get(bind, f'bind: "{bind}"')
        A(f"{bind}-no-auth", "loopback-token", [label, "gateway.auth removed"], ops=ops + [("del", "gateway.auth")])
        A(f"{bind}-auth-none", "loopback-token", [label, 'auth: {mode: "none"}'], ops=ops + [("set", "gateway.auth", {"mode": "none"})])
        A(f"{bind}-token-mode-no-token", "loopback-token", [label, 'auth: {mode: "token"} without a token'], ops=ops + [("set", "gateway.auth", {"mode": "token"})])
        A(f"{bind}-token", "loopback-token", [label, "token auth"], ops=ops)
    A("lan-password-mode-no-password", "lan-password", ["auth.password removed"], ops=[("del", "gateway.auth.password")])
    A("loopback-password-mode-no-password", "loopback-token", ['auth: {mode: "password"} without a password, loopback'], ops=[("set", "gateway.auth", {"mode": "password"})])
    A("lan-token-blank", "lan-token-origins", ['auth.token: ""'], ops=[("set", "gateway.auth.token", "")])
    A("loopback-token-blank", "loopback-token", ['auth.token: ""'], ops=[("set", "gateway.auth.token", "")])
    A("loopback-token-spaces", "loopback-token", ['auth.token: "   "'], ops=[("set", "gateway.auth.token", "   ")])
    A("loopback-token-undefined", "loopback-token", ['auth.token: "undefined"'], ops=[("set", "gateway.auth.token", "undefined")])
    A("loopback-token-null-string", "loopback-token", ['auth.token: "null"'], ops=[("set", "gateway.auth.token", "null")])
    A("loopback-token-json-null", "loopback-token", ["auth.token: null"], ops=[("set", "gateway.auth.token", None)])
    A("token-placeholder-change-me-now", "loopback-token", ['auth.token: "change-me-now" (a published placeholder)'], ops=[("set", "gateway.auth.token", "change-me-now")])
    A("token-placeholder-long", "loopback-token", ['auth.token: "change-me-to-a-long-random-token"'], ops=[("set", "gateway.auth.token", "change-me-to-a-long-random-token")])
    A("password-placeholder", "lan-password", ['auth.password: "change-me-to-a-strong-password"'], ops=[("set", "gateway.auth.password", "change-me-to-a-strong-password")])
    A("password-blank", "lan-password", ['auth.password: ""'], ops=[("set", "gateway.auth.password", "")])
    A("password-undefined", "lan-password", ['auth.password: "undefined"'], ops=[("set", "gateway.auth.password", "undefined")])
    A("token-redacted-sentinel", "loopback-token", ['auth.token: "__OPENCLAW_REDACTED__"'], ops=[("set", "gateway.auth.token", "__OPENCLAW_REDACTED__")])
    A("token-redacted-stars", "loopback-token", ['auth.token: "***"'], ops=[("set", "gateway.auth.token", "***")])
    A("password-redacted", "lan-password", ['auth.password: "[REDACTED]"'], ops=[("set", "gateway.auth.password", "[REDACTED]")])
    A("token-short", "loopback-token", ['auth.token: "x" (one character)'], ops=[("set", "gateway.auth.token", "x")])
    A("token-and-password-no-mode", "loopback-token", ["auth: {token, password} without mode"], ops=[("set", "gateway.auth", {"token": T, "password": P})])
    A("token-and-password-token-mode", "loopback-token", ['auth: {mode: "token", token, password}'], ops=[("set", "gateway.auth", {"mode": "token", "token": T, "password": P})])
    A("token-and-password-lan-no-mode", "lan-token-origins", ["auth: {token, password} without mode, lan"], ops=[("set", "gateway.auth", {"token": T, "password": P})])
    A("password-mode-with-token-only", "lan-token-origins", ['auth.mode: "password" but only a token'], ops=[("set", "gateway.auth.mode", "password")])
    A("token-mode-with-password-only-lan", "lan-password", ['auth.mode: "token" but only a password, lan'], ops=[("set", "gateway.auth.mode", "token")])
    A("allow-tailscale-token-mode-lan", "lan-token-origins", ['auth: {mode: "token", allowTailscale: true} without a token, lan'], ops=[("set", "gateway.auth", {"mode": "token", "allowTailscale": True})])
    A("custom-no-host", "custom-loopback", ["customBindHost removed"], ops=[("del", "gateway.customBindHost")])
    A("custom-blank-host", "custom-loopback", ['customBindHost: "  "'], ops=[("set", "gateway.customBindHost", "  ")])
    A("custom-invalid-ip", "custom-loopback", ['customBindHost: "999.1.1.1"'], ops=[("set", "gateway.customBindHost", "999.1.1.1")])
    A("custom-hostname", "custom-loopback", ['customBindHost: "localhost"'], ops=[("set", "gateway.customBindHost", "localhost")])
    A("custom-ipv6-loopback", "custom-loopback", ['customBindHost: "::1"'], ops=[("set", "gateway.customBindHost", "::1")])
    A("custom-foreign-ip", "custom-loopback", ['customBindHost: "203.0.113.5" (not an address of this host)'], ops=[("set", "gateway.customBindHost", "203.0.113.5")])
    A("custom-wildcard", "custom-loopback", ['customBindHost: "0.0.0.0"'], ops=[("set", "gateway.customBindHost", "0.0.0.0")])
    A("custom-127-0-0-2", "custom-loopback", ['customBindHost: "127.0.0.2"'], ops=[("set", "gateway.customBindHost", "127.0.0.2")])
    A("custom-with-port", "custom-loopback", ['customBindHost: "127.0.0.1:18789"'], ops=[("set", "gateway.customBindHost", "127.0.0.1:18789")])
    A("custom-host-without-custom-bind", "loopback-token", ['customBindHost: "192.0.2.2" with bind "loopback"'], ops=[("set", "gateway.customBindHost", "192.0.2.2")])
    A("custom-host-with-lan-bind", "lan-token-origins", ['customBindHost: "127.0.0.1" with bind "lan"'], ops=[("set", "gateway.customBindHost", "127.0.0.1")])
    A("custom-loopback-no-auth", "custom-loopback", ["gateway.auth removed (custom bind on 127.0.0.1)"], ops=[("del", "gateway.auth")])
    A("lan-controlui-blank-origins", "lan-token-origins", ['controlUi.allowedOrigins: ["  "]'], ops=[("set", "gateway.controlUi.allowedOrigins", ["  "])])
    A("lan-controlui-empty-origins", "lan-token-origins", ["controlUi.allowedOrigins: []"], ops=[("set", "gateway.controlUi.allowedOrigins", [])])
    A("lan-controlui-disabled-no-origins", "lan-token-origins", ["controlUi: {enabled: false} and no origins"], ops=[("set", "gateway.controlUi", {"enabled": False})])
    A("lan-controlui-wildcard-origin", "lan-token-origins", ['controlUi.allowedOrigins: ["*"]'], ops=[("set", "gateway.controlUi.allowedOrigins", ["*"])])

    # ---------------------------------------------------------------- 440: trusted-proxy auth
    c.group(440, "trusted-proxy")
    A("tp-no-trusted-proxy-config", "trusted-proxy", ["auth.trustedProxy removed"], ops=[("del", "gateway.auth.trustedProxy")])
    A("tp-empty-trusted-proxy-config", "trusted-proxy", ["auth.trustedProxy: {}"], ops=[("set", "gateway.auth.trustedProxy", {})])
    A("tp-blank-user-header", "trusted-proxy", ['auth.trustedProxy.userHeader: " "'], ops=[("set", "gateway.auth.trustedProxy.userHeader", " ")])
    A("tp-empty-user-header", "trusted-proxy", ['auth.trustedProxy.userHeader: ""'], ops=[("set", "gateway.auth.trustedProxy.userHeader", "")])
    A("tp-no-trusted-proxies", "trusted-proxy", ["gateway.trustedProxies removed"], ops=[("del", "gateway.trustedProxies")])
    A("tp-empty-trusted-proxies", "trusted-proxy", ["gateway.trustedProxies: []"], ops=[("set", "gateway.trustedProxies", [])])
    A("tp-with-token", "trusted-proxy", ["auth.token set as well"], ops=[("set", "gateway.auth.token", T)])
    A("tp-with-password", "trusted-proxy", ["auth.password set as well"], ops=[("set", "gateway.auth.password", P)])
    A("tp-with-env-token", "trusted-proxy", ["OPENCLAW_GATEWAY_TOKEN in the environment"], env={"OPENCLAW_GATEWAY_TOKEN": T})
    A("tp-loopback-proxy", "trusted-proxy", ['trustedProxies: ["127.0.0.1"]'], ops=[("set", "gateway.trustedProxies", ["127.0.0.1"])])
    A("tp-allow-loopback", "trusted-proxy", ['trustedProxies: ["127.0.0.1"], trustedProxy.allowLoopback: true'], ops=[("set", "gateway.trustedProxies", ["127.0.0.1"]), ("set", "gateway.auth.trustedProxy.allowLoopback", True)])
    A("tp-lan-no-proxies", "trusted-proxy", ['bind: "lan"', "gateway.trustedProxies removed"], ops=[("set", "gateway.bind", "lan"), ("del", "gateway.trustedProxies")])
    A("tp-required-headers", "trusted-proxy", ['trustedProxy.requiredHeaders: ["x-forwarded-proto"]'], ops=[("set", "gateway.auth.trustedProxy.requiredHeaders", ["x-forwarded-proto"])])
    A("tp-device-auto-approve-admin", "trusted-proxy", ['trustedProxy.deviceAutoApprove: {enabled: true, scopes: ["operator.admin"]}'], ops=[("set", "gateway.auth.trustedProxy.deviceAutoApprove", {"enabled": True, "scopes": ["operator.admin"]})])
    A("tp-no-mode-with-config", "trusted-proxy", ["auth.mode removed (only trustedProxy config)"], ops=[("del", "gateway.auth.mode")])
    A("tp-mode-with-proxies-invalid-ip", "trusted-proxy", ['trustedProxies: ["not-an-ip"]'], ops=[("set", "gateway.trustedProxies", ["not-an-ip"])])

    # ---------------------------------------------------------------- 470: tailscale
    c.group(470, "tailscale")
    for mode in ["serve", "funnel"]:
        A(f"ts-{mode}-loopback-token", "loopback-token", [f'tailscale.mode: "{mode}"'], ops=[("set", "gateway.tailscale", {"mode": mode})])
        A(f"ts-{mode}-lan-token", "lan-token-origins", [f'tailscale.mode: "{mode}"', 'bind: "lan"'], ops=[("set", "gateway.tailscale", {"mode": mode})])
        A(f"ts-{mode}-auth-none", "loopback-token", [f'tailscale.mode: "{mode}"', 'auth: {mode: "none"}'], ops=[("set", "gateway.tailscale", {"mode": mode}), ("set", "gateway.auth", {"mode": "none"})])
        A(f"ts-{mode}-password", "loopback-token", [f'tailscale.mode: "{mode}"', "password auth"], ops=[("set", "gateway.tailscale", {"mode": mode}), ("set", "gateway.auth", {"mode": "password", "password": P})])
        A(f"ts-{mode}-no-bind", "loopback-token", [f'tailscale.mode: "{mode}"', "gateway.bind removed"], ops=[("set", "gateway.tailscale", {"mode": mode}), ("del", "gateway.bind")])
        A(f"ts-{mode}-custom-loopback", "custom-loopback", [f'tailscale.mode: "{mode}"', 'bind: "custom" on 127.0.0.1'], ops=[("set", "gateway.tailscale", {"mode": mode})])
        A(f"ts-{mode}-tailnet", "loopback-token", [f'tailscale.mode: "{mode}"', 'bind: "tailnet"'], ops=[("set", "gateway.tailscale", {"mode": mode}), ("set", "gateway.bind", "tailnet")])
        A(f"ts-{mode}-no-auth", "loopback-token", [f'tailscale.mode: "{mode}"', "gateway.auth removed"], ops=[("set", "gateway.tailscale", {"mode": mode}), ("del", "gateway.auth")])
        A(f"ts-{mode}-trusted-proxy", "trusted-proxy", [f'tailscale.mode: "{mode}"', "trusted-proxy auth"], ops=[("set", "gateway.tailscale", {"mode": mode})])
    A("ts-off-lan", "lan-token-origins", ['tailscale.mode: "off"'], ops=[("set", "gateway.tailscale", {"mode": "off"})])
    A("ts-funnel-env-password", "loopback-token", ['tailscale.mode: "funnel"', 'auth: {mode: "password"}', "OPENCLAW_GATEWAY_PASSWORD in the environment"], ops=[("set", "gateway.tailscale", {"mode": "funnel"}), ("set", "gateway.auth", {"mode": "password"})], env={"OPENCLAW_GATEWAY_PASSWORD": P})
    A("ts-allow-tailscale-no-token", "loopback-token", ['tailscale.mode: "serve"', 'auth: {mode: "token", allowTailscale: true} without a token'], ops=[("set", "gateway.tailscale", {"mode": "serve"}), ("set", "gateway.auth", {"mode": "token", "allowTailscale": True})])
    A("ts-preserve-funnel-off", "loopback-token", ['tailscale: {mode: "off", preserveFunnel: true}'], ops=[("set", "gateway.tailscale", {"mode": "off", "preserveFunnel": True})])

    # ---------------------------------------------------------------- 500: TLS, portals, misc start guards
    c.group(500, "tls-misc")
    A("tls-no-autogenerate", "loopback-token", ["tls: {enabled: true, autoGenerate: false}, no cert files"], ops=[("set", "gateway.tls", {"enabled": True, "autoGenerate": False})])
    A("tls-missing-cert-paths", "loopback-token", ["tls with certPath/keyPath that do not exist, autoGenerate false"], ops=[("set", "gateway.tls", {"enabled": True, "autoGenerate": False, "certPath": "~/tls/missing-cert.pem", "keyPath": "~/tls/missing-key.pem"})])
    A(
        "tls-garbage-cert",
        "loopback-token",
        ["tls with certPath/keyPath that are not PEM"],
        ops=[("set", "gateway.tls", {"enabled": True, "certPath": "~/tls/cert.pem", "keyPath": "~/tls/key.pem"})],
        files={"tls/cert.pem": "not a certificate\n", "tls/key.pem": "not a key\n"},
    )
    A(
        "tls-cert-without-key",
        "loopback-token",
        ["tls certPath exists (garbage), keyPath missing, autoGenerate default"],
        ops=[("set", "gateway.tls", {"enabled": True, "certPath": "~/tls/cert.pem", "keyPath": "~/tls/key.pem"})],
        files={"tls/cert.pem": "not a certificate\n"},
    )
    A("tls-missing-ca", "loopback-token", ["tls autogenerate with a caPath that does not exist"], ops=[("set", "gateway.tls", {"enabled": True, "caPath": "~/tls/missing-ca.pem"})])
    A("tls-lan-token", "lan-token-origins", ["tls: {enabled: true} on lan"], ops=[("set", "gateway.tls", {"enabled": True})])
    A("future-version", "loopback-token", ['meta.lastTouchedVersion: "2099.1.1"'], ops=[("set", "meta", {"lastTouchedVersion": "2099.1.1"})])
    A("future-version-allowed", "loopback-token", ['meta.lastTouchedVersion: "2099.1.1"', "OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS=1"], ops=[("set", "meta", {"lastTouchedVersion": "2099.1.1"})], env={"OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS": "1"})
    A("future-version-next-patch", "loopback-token", ['meta.lastTouchedVersion: "2026.9.7"'], ops=[("set", "meta", {"lastTouchedVersion": "2026.9.7"})])
    A("past-version", "loopback-token", ['meta.lastTouchedVersion: "2026.2.26"'], ops=[("set", "meta", {"lastTouchedVersion": "2026.2.26"})])
    A("version-garbage", "loopback-token", ['meta.lastTouchedVersion: "banana"'], ops=[("set", "meta", {"lastTouchedVersion": "banana"})])
    A("portal-localhost", "loopback-token", ['portals.ingress: {domain: "localhost", port: 8443}'], ops=[("set", "gateway.portals", {"ingress": {"domain": "localhost", "port": 8443}})])
    A("portal-valid-domain", "loopback-token", ['portals.ingress: {domain: "portals.example.test", port: 8443}'], ops=[("set", "gateway.portals", {"ingress": {"domain": "portals.example.test", "port": 8443}})])
    A("portal-same-as-origin", "lan-token-origins", ['portals.ingress.domain "claw.example.test" (the Control UI origin)'], ops=[("set", "gateway.portals", {"ingress": {"domain": "claw.example.test", "port": 8443}})])
    A("public-origin-not-uri", "loopback-token", ['gateway.publicOrigin: "claw.example.test"'], ops=[("set", "gateway.publicOrigin", "claw.example.test")])
    A("public-origin-https", "loopback-token", ['gateway.publicOrigin: "https://claw.example.test"'], ops=[("set", "gateway.publicOrigin", "https://claw.example.test")])
    A("nix-mode-legacy-key", "loopback-token", ["gateway.webchat (retired)", "OPENCLAW_NIX_MODE=1"], ops=[("set", "gateway.webchat", {"enabled": True})], env={"OPENCLAW_NIX_MODE": "1"})
    A("config-readonly-legacy-key", "loopback-token", ["gateway.webchat (retired)", "OPENCLAW_CONFIG_READONLY=1"], ops=[("set", "gateway.webchat", {"enabled": True})], env={"OPENCLAW_CONFIG_READONLY": "1"})
    A("controlui-root-missing", "loopback-token", ['controlUi.root: "~/no-such-ui"'], ops=[("set", "gateway.controlUi", {"root": "~/no-such-ui"})])
    A("controlui-basepath", "loopback-token", ['controlUi.basePath: "/openclaw"'], ops=[("set", "gateway.controlUi", {"basePath": "/openclaw"})])
    A("agents-workspace-file", "sections", ["agents.defaults.workspace points at a regular file"], ops=[("set", "agents.defaults.workspace", "~/workspace-is-a-file")], files={"workspace-is-a-file": "not a directory\n"})

    # ---------------------------------------------------------------- 530: environment secrets
    c.group(530, "env-secrets")
    A("env-token-lan", "env-token", ['bind: "lan"', "token only in OPENCLAW_GATEWAY_TOKEN"], ops=[("set", "gateway.bind", "lan")])
    A("env-password-lan", "env-token", ['bind: "lan"', "password only in OPENCLAW_GATEWAY_PASSWORD"], ops=[("set", "gateway.bind", "lan")], env={"OPENCLAW_GATEWAY_TOKEN": None, "OPENCLAW_GATEWAY_PASSWORD": P})
    A("env-token-lan-token-mode", "env-token", ['bind: "lan"', 'auth: {mode: "token"}', "OPENCLAW_GATEWAY_TOKEN"], ops=[("set", "gateway.bind", "lan"), ("set", "gateway.auth", {"mode": "token"})])
    A("env-password-lan-password-mode", "env-token", ['bind: "lan"', 'auth: {mode: "password"}', "OPENCLAW_GATEWAY_PASSWORD"], ops=[("set", "gateway.bind", "lan"), ("set", "gateway.auth", {"mode": "password"})], env={"OPENCLAW_GATEWAY_TOKEN": None, "OPENCLAW_GATEWAY_PASSWORD": P})
    A("env-token-for-password-mode", "env-token", ['bind: "lan"', 'auth: {mode: "password"}', "only OPENCLAW_GATEWAY_TOKEN"], ops=[("set", "gateway.bind", "lan"), ("set", "gateway.auth", {"mode": "password"})])
    A("env-password-for-token-mode", "env-token", ['bind: "lan"', 'auth: {mode: "token"}', "only OPENCLAW_GATEWAY_PASSWORD"], ops=[("set", "gateway.bind", "lan"), ("set", "gateway.auth", {"mode": "token"})], env={"OPENCLAW_GATEWAY_TOKEN": None, "OPENCLAW_GATEWAY_PASSWORD": P})
    A("env-token-and-file-token", "lan-token-origins", ["OPENCLAW_GATEWAY_TOKEN differs from auth.token"], env={"OPENCLAW_GATEWAY_TOKEN": T2})
    A("env-token-and-env-password", "env-token", ['bind: "lan"', "both OPENCLAW_GATEWAY_TOKEN and OPENCLAW_GATEWAY_PASSWORD"], ops=[("set", "gateway.bind", "lan")], env={"OPENCLAW_GATEWAY_PASSWORD": P})
    A("env-token-blank-lan", "env-token", ['bind: "lan"', "OPENCLAW_GATEWAY_TOKEN is empty"], ops=[("set", "gateway.bind", "lan")], env={"OPENCLAW_GATEWAY_TOKEN": ""})
    A("env-token-spaces-lan", "env-token", ['bind: "lan"', 'OPENCLAW_GATEWAY_TOKEN="   "'], ops=[("set", "gateway.bind", "lan")], env={"OPENCLAW_GATEWAY_TOKEN": "   "})
    A("env-token-placeholder", "env-token", ["OPENCLAW_GATEWAY_TOKEN=change-me-now"], env={"OPENCLAW_GATEWAY_TOKEN": "change-me-now"})
    A("env-token-undefined", "env-token", ["OPENCLAW_GATEWAY_TOKEN=undefined"], env={"OPENCLAW_GATEWAY_TOKEN": "undefined"})
    A("env-legacy-clawdbot-token-lan", "env-token", ['bind: "lan"', "only CLAWDBOT_GATEWAY_TOKEN (legacy name)"], ops=[("set", "gateway.bind", "lan")], env={"OPENCLAW_GATEWAY_TOKEN": None, "CLAWDBOT_GATEWAY_TOKEN": T})
    A("env-legacy-moltbot-password-lan", "env-token", ['bind: "lan"', "only MOLTBOT_GATEWAY_PASSWORD (legacy name)"], ops=[("set", "gateway.bind", "lan")], env={"OPENCLAW_GATEWAY_TOKEN": None, "MOLTBOT_GATEWAY_PASSWORD": P})
    A("env-legacy-clawdbot-with-token", "loopback-token", ["CLAWDBOT_GATEWAY_TOKEN set next to a valid config"], env={"CLAWDBOT_GATEWAY_TOKEN": T})
    A("env-bind-variable-ignored", "env-token", ["OPENCLAW_GATEWAY_BIND=lan (not a variable OpenClaw reads)", "gateway.bind loopback"], env={"OPENCLAW_GATEWAY_BIND": "lan"})
    A("env-trusted-proxies-variable-ignored", "trusted-proxy", ["gateway.trustedProxies removed", "OPENCLAW_GATEWAY_TRUSTED_PROXIES=10.0.0.1 (not read)"], ops=[("del", "gateway.trustedProxies")], env={"OPENCLAW_GATEWAY_TRUSTED_PROXIES": "10.0.0.1"})
    A("env-password-auth-none", "loopback-token", ['auth: {mode: "none"}', 'bind: "lan"', "OPENCLAW_GATEWAY_PASSWORD set"], ops=[("set", "gateway.auth", {"mode": "none"}), ("set", "gateway.bind", "lan")], env={"OPENCLAW_GATEWAY_PASSWORD": P})
    A("env-token-no-mode-no-gateway-auth", "env-token", ["OPENCLAW_GATEWAY_TOKEN, gateway.bind removed (default)"], ops=[("del", "gateway.bind")])
    A(
        "dotenv-state-dir-token-lan",
        "env-token",
        ['bind: "lan"', "token in $OPENCLAW_STATE_DIR/.env only"],
        ops=[("set", "gateway.bind", "lan")],
        env={"OPENCLAW_GATEWAY_TOKEN": None},
        files={"state/.env": f"OPENCLAW_GATEWAY_TOKEN={T}\n"},
    )
    A(
        "dotenv-config-dir-token-lan",
        "env-token",
        ['bind: "lan"', "token in .env next to openclaw.json only"],
        ops=[("set", "gateway.bind", "lan")],
        env={"OPENCLAW_GATEWAY_TOKEN": None},
        files={".env": f"OPENCLAW_GATEWAY_TOKEN={T}\n"},
    )
    A("config-env-vars-token-lan", "env-token", ['bind: "lan"', "env.vars.OPENCLAW_GATEWAY_TOKEN in the config itself"], ops=[("set", "gateway.bind", "lan"), ("set", "env", {"vars": {"OPENCLAW_GATEWAY_TOKEN": T}})], env={"OPENCLAW_GATEWAY_TOKEN": None})
    A("env-token-tailscale-serve", "env-token", ['tailscale.mode: "serve"', "OPENCLAW_GATEWAY_TOKEN"], ops=[("set", "gateway.tailscale", {"mode": "serve"})])

    # ---------------------------------------------------------------- 560: ${VAR} substitution
    c.group(560, "env-vars")
    A("var-token-set", "loopback-token", ['auth.token: "${OC_ORACLE_TOKEN}" (set)'], ops=[("set", "gateway.auth.token", "${OC_ORACLE_TOKEN}")], env={"OC_ORACLE_TOKEN": T})
    A("var-token-unset", "loopback-token", ['auth.token: "${OC_ORACLE_TOKEN}" (unset)'], ops=[("set", "gateway.auth.token", "${OC_ORACLE_TOKEN}")])
    A("var-token-empty", "loopback-token", ['auth.token: "${OC_ORACLE_TOKEN}" (set to "")'], ops=[("set", "gateway.auth.token", "${OC_ORACLE_TOKEN}")], env={"OC_ORACLE_TOKEN": ""})
    A("var-token-unset-lan", "lan-token-origins", ['auth.token: "${OC_ORACLE_TOKEN}" (unset), bind lan'], ops=[("set", "gateway.auth.token", "${OC_ORACLE_TOKEN}")])
    A("var-password-set", "lan-password", ['auth.password: "${OC_ORACLE_PASSWORD}" (set)'], ops=[("set", "gateway.auth.password", "${OC_ORACLE_PASSWORD}")], env={"OC_ORACLE_PASSWORD": P})
    A("var-password-unset", "lan-password", ['auth.password: "${OC_ORACLE_PASSWORD}" (unset)'], ops=[("set", "gateway.auth.password", "${OC_ORACLE_PASSWORD}")])
    A("var-bind-lan", "lan-token-origins", ['bind: "${OC_ORACLE_BIND}" with OC_ORACLE_BIND=lan'], ops=[("set", "gateway.bind", "${OC_ORACLE_BIND}")], env={"OC_ORACLE_BIND": "lan"})
    A("var-bind-local", "loopback-token", ['bind: "${OC_ORACLE_BIND}" with OC_ORACLE_BIND=local'], ops=[("set", "gateway.bind", "${OC_ORACLE_BIND}")], env={"OC_ORACLE_BIND": "local"})
    A("var-bind-unset", "loopback-token", ['bind: "${OC_ORACLE_BIND}" (unset)'], ops=[("set", "gateway.bind", "${OC_ORACLE_BIND}")])
    A("var-bind-alias", "loopback-token", ['bind: "${OC_ORACLE_BIND}" with OC_ORACLE_BIND=0.0.0.0'], ops=[("set", "gateway.bind", "${OC_ORACLE_BIND}")], env={"OC_ORACLE_BIND": "0.0.0.0"})
    A("var-port-set", "loopback-token", ['port: "${OC_ORACLE_PORT}" (set, --port given)'], ops=[("set", "gateway.port", "${OC_ORACLE_PORT}")], env={"OC_ORACLE_PORT": "28719"})
    A("var-port-unset", "loopback-token", ['port: "${OC_ORACLE_PORT}" (unset)'], ops=[("set", "gateway.port", "${OC_ORACLE_PORT}")])
    A("var-bool-position", "proxy-trusted", ['allowRealIpFallback: "${OC_ORACLE_FLAG}" with OC_ORACLE_FLAG=true'], ops=[("set", "gateway.allowRealIpFallback", "${OC_ORACLE_FLAG}")], env={"OC_ORACLE_FLAG": "true"})
    A("var-trusted-proxy-item", "proxy-trusted", ['trustedProxies: ["${OC_ORACLE_PROXY}"] with OC_ORACLE_PROXY=127.0.0.1'], ops=[("set", "gateway.trustedProxies", ["${OC_ORACLE_PROXY}"])], env={"OC_ORACLE_PROXY": "127.0.0.1"})
    A("var-remote-url-unset", "loopback-token", ['remote.url: "${OC_ORACLE_URL}" (unset, mode local)'], ops=[("set", "gateway.remote", {"url": "${OC_ORACLE_URL}"})])
    A("var-escaped", "loopback-token", ['auth.token: "$${OC_ORACLE_TOKEN}" (escaped: the literal text)'], ops=[("set", "gateway.auth.token", "$${OC_ORACLE_TOKEN}")])
    A("var-partial", "loopback-token", ['auth.token: "oracle-${OC_ORACLE_SUFFIX}" (set)'], ops=[("set", "gateway.auth.token", "oracle-${OC_ORACLE_SUFFIX}")], env={"OC_ORACLE_SUFFIX": "test-token-0123456789abcdef"})
    A("var-lowercase-name", "loopback-token", ['auth.token: "${oc_oracle_token}" (lowercase name, set)'], ops=[("set", "gateway.auth.token", "${oc_oracle_token}")], env={"oc_oracle_token": T})
    A("var-mode", "loopback-token", ['mode: "${OC_ORACLE_MODE}" with OC_ORACLE_MODE=local'], ops=[("set", "gateway.mode", "${OC_ORACLE_MODE}")], env={"OC_ORACLE_MODE": "local"})
    A("var-mode-unset", "loopback-token", ['mode: "${OC_ORACLE_MODE}" (unset)'], ops=[("set", "gateway.mode", "${OC_ORACLE_MODE}")])
    A("var-custom-host", "custom-loopback", ['customBindHost: "${OC_ORACLE_HOST}" with OC_ORACLE_HOST=127.0.0.1'], ops=[("set", "gateway.customBindHost", "${OC_ORACLE_HOST}")], env={"OC_ORACLE_HOST": "127.0.0.1"})
    A("secretref-env-set", "loopback-token", ['auth.token: {source: "env", provider: "default", id: "OC_ORACLE_TOKEN"} (set)'], ops=[("set", "gateway.auth.token", {"source": "env", "provider": "default", "id": "OC_ORACLE_TOKEN"})], env={"OC_ORACLE_TOKEN": T})
    A("secretref-env-unset", "loopback-token", ["auth.token: env SecretRef OC_ORACLE_TOKEN (unset)"], ops=[("set", "gateway.auth.token", {"source": "env", "provider": "default", "id": "OC_ORACLE_TOKEN"})])
    A("secretref-env-unset-lan", "lan-token-origins", ["auth.token: env SecretRef OC_ORACLE_TOKEN (unset), bind lan"], ops=[("set", "gateway.auth.token", {"source": "env", "provider": "default", "id": "OC_ORACLE_TOKEN"})])
    A("secretref-password-object", "lan-password", ['auth.password: {source: "env", provider: "default", id: "OC_ORACLE_PASSWORD"} (set)'], ops=[("set", "gateway.auth.password", {"source": "env", "provider": "default", "id": "OC_ORACLE_PASSWORD"})], env={"OC_ORACLE_PASSWORD": P})
    A("secretref-bad-id", "loopback-token", ['auth.token: {source: "env", provider: "default", id: "lowercase"}'], ops=[("set", "gateway.auth.token", {"source": "env", "provider": "default", "id": "lowercase"})])
    A("secretref-file-missing", "loopback-token", ['auth.token: {source: "file", provider: "default", id: "~/missing-token"}'], ops=[("set", "gateway.auth.token", {"source": "file", "provider": "default", "id": "~/missing-token"})])
    A("var-two-in-one", "loopback-token", ['auth.token "${OC_A}${OC_B}" (both set)'], ops=[("set", "gateway.auth.token", "${OC_A}${OC_B}")], env={"OC_A": "oracle-test-token-", "OC_B": "0123456789abcdef"})
    A("var-unclosed", "loopback-token", ['auth.token: "${OC_ORACLE_TOKEN" (no closing brace)'], ops=[("set", "gateway.auth.token", "${OC_ORACLE_TOKEN")])

    # ---------------------------------------------------------------- 600: $include
    c.group(600, "include")
    gw_file = render_json5({"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": T}}, header="included gateway section")
    A("include-gateway-section", "json5", ['gateway: {$include: "gateway.json5"}'], config={"gateway": {"$include": "gateway.json5"}}, files={"gateway.json5": gw_file})
    A("include-root", "json5", ['$include: "base.json5" at the root'], config={"$include": "base.json5"}, files={"base.json5": render_json5(BASES["loopback-token"]["config"], header="included root")})
    A("include-missing-file", "json5", ['$include: "missing.json5" (no such file)'], config={"$include": "missing.json5", "gateway": {"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": T}}})
    A("include-unknown-key", "json5", ['$include of a file with gateway.oracleUnknown'], config={"$include": "extra.json5", "gateway": {"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": T}}}, files={"extra.json5": render_json5({"gateway": {"oracleUnknown": True}})})
    A("include-bind-alias", "json5", ['$include of a file with bind: "0.0.0.0" (no startup repair through includes?)'], config={"$include": "bind.json5", "gateway": {"mode": "local", "auth": {"mode": "token", "token": T}, "controlUi": {"allowedOrigins": ORIGINS}}}, files={"bind.json5": render_json5({"gateway": {"bind": "0.0.0.0"}})})
    A("include-retired-key", "json5", ["$include of a file with the retired gateway.webchat"], config={"$include": "legacy.json5", "gateway": {"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": T}}}, files={"legacy.json5": render_json5({"gateway": {"webchat": {"enabled": True}}})})
    A("include-array-later-wins", "json5", ['$include: ["a.json5", "b.json5"]: a says loopback, b says lan'], config={"$include": ["a.json5", "b.json5"]}, files={"a.json5": render_json5({"gateway": {"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": T}}}), "b.json5": render_json5({"gateway": {"bind": "lan", "controlUi": {"allowedOrigins": ORIGINS}}})})
    A("include-main-overrides", "json5", ['$include says bind lan without auth, the main file says bind loopback'], config={"$include": "inc.json5", "gateway": {"mode": "local", "bind": "loopback"}}, files={"inc.json5": render_json5({"gateway": {"bind": "lan"}})})
    A("include-nested", "json5", ["$include chain main -> conf.d/one.json5 -> two.json5"], config={"$include": "conf.d/one.json5"}, files={"conf.d/one.json5": render_json5({"$include": "two.json5", "gateway": {"mode": "local"}}), "conf.d/two.json5": render_json5({"gateway": {"bind": "loopback", "auth": {"mode": "token", "token": T}}})})
    A("include-cycle", "json5", ["$include cycle a.json5 <-> b.json5"], config={"$include": "a.json5"}, files={"a.json5": render_json5({"$include": "b.json5", "gateway": {"mode": "local"}}), "b.json5": render_json5({"$include": "a.json5"})})
    A("include-not-object", "json5", ["$include of a file holding a list"], config={"$include": "list.json5", "gateway": {"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": T}}}, files={"list.json5": "[1, 2, 3]\n"})
    A("include-syntax-error", "json5", ["$include of a file with a syntax error"], config={"$include": "broken.json5", "gateway": {"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": T}}}, files={"broken.json5": "{ gateway: { bind: \n"})
    A("include-missing-mode", "json5", ["gateway in an included file without mode"], config={"gateway": {"$include": "gateway.json5"}}, files={"gateway.json5": render_json5({"bind": "loopback", "auth": {"mode": "token", "token": T}})})
    A("include-secret-file", "json5", ['gateway.auth: {$include: "secrets/auth.json5"}'], config={"gateway": {"mode": "local", "bind": "lan", "controlUi": {"allowedOrigins": ORIGINS}, "auth": {"$include": "secrets/auth.json5"}}}, files={"secrets/auth.json5": render_json5({"mode": "token", "token": T})})
    A("include-number-path", "json5", ["$include: 42"], config={"$include": 42, "gateway": {"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": T}}})
    A("include-port-out-of-range", "json5", ["$include of a file with port: 0"], config={"$include": "port.json5", "gateway": {"mode": "local", "bind": "loopback", "auth": {"mode": "token", "token": T}}}, files={"port.json5": render_json5({"gateway": {"port": 0}})})

    # ---------------------------------------------------------------- 630: other sections
    c.group(630, "sections")
    A("sections-agents-model-unknown", "sections", ['agents.defaults.model: "nope/nothing"'], ops=[("set", "agents.defaults.model", "nope/nothing")])
    A("sections-agents-max-concurrent-zero", "sections", ["agents.defaults.maxConcurrent: 0"], ops=[("set", "agents.defaults.maxConcurrent", 0)])
    A("sections-agents-timeout-negative", "sections", ["agents.defaults.timeoutSeconds: -1"], ops=[("set", "agents.defaults.timeoutSeconds", -1)])
    A("sections-logging-file-dir", "sections", ['logging.file: "~/logs/openclaw.log" (directory does not exist)'], ops=[("set", "logging.file", "~/logs/openclaw.log")])
    A("sections-logging-silent", "sections", ['logging.level: "silent"'], ops=[("set", "logging.level", "silent")])
    A("sections-logging-json-style", "sections", ['logging.consoleStyle: "json"'], ops=[("set", "logging.consoleStyle", "json")])
    A("sections-tools-allow-unknown-tool", "sections", ['tools.allow: ["no-such-tool"]'], ops=[("set", "tools.allow", ["no-such-tool"])])
    A("sections-env-shell-env", "sections", ["env.shellEnv: {enabled: false}"], ops=[("set", "env", {"shellEnv": {"enabled": False}})])
    A("sections-env-vars-blocked-key", "sections", ["env.vars.OPENCLAW_CONFIG_READONLY=1 (a blocked key)"], ops=[("set", "env", {"vars": {"OPENCLAW_CONFIG_READONLY": "1"}})])
    A("sections-hooks-enabled-no-token", "loopback-token", ["hooks: {enabled: true} without a token"], ops=[("set", "hooks", {"enabled": True})])
    A("sections-update-channel", "sections", ['update: {channel: "nightly"}'], ops=[("set", "update", {"channel": "nightly"})])
    A("sections-schema-key", "sections", ['$schema: "https://openclaw.ai/config.schema.json"'], ops=[("set", "$schema", "https://openclaw.ai/config.schema.json")])
    A("sections-meta-unknown-migration", "sections", ['meta.migrations: {"oracle.unknown": true}'], ops=[("set", "meta.migrations", {"oracle.unknown": True})])
    A("sections-secrets-defaults", "sections", ['secrets.defaults: {env: "default"}'], ops=[("set", "secrets", {"defaults": {"env": "default"}})])
    A("sections-channels-empty", "sections", ["channels: {}"], ops=[("set", "channels", {})])
    A("sections-plugins-unknown-entry", "sections", ['plugins.entries: {"no-such-plugin": {enabled: true}}'], ops=[("set", "plugins", {"entries": {"no-such-plugin": {"enabled": True}}})])

    A("sections-hooks-path-root", "loopback-token", ['hooks: {enabled: true, token, path: "/"}'], ops=[("set", "hooks", {"enabled": True, "token": T2, "path": "/"})])
    A("sections-hooks-prefixes-without-hook", "loopback-token", ['hooks: {enabled: true, token, allowedSessionKeyPrefixes: ["agent:"]}'], ops=[("set", "hooks", {"enabled": True, "token": T2, "allowedSessionKeyPrefixes": ["agent:"]})])
    A("sections-hooks-default-key-mismatch", "loopback-token", ['hooks: {enabled: true, token, defaultSessionKey: "agent:x", allowedSessionKeyPrefixes: ["hook:"]}'], ops=[("set", "hooks", {"enabled": True, "token": T2, "defaultSessionKey": "agent:x", "allowedSessionKeyPrefixes": ["hook:"]})])
    A("sections-hooks-own-token", "loopback-token", ["hooks: {enabled: true, token: <its own token>}"], ops=[("set", "hooks", {"enabled": True, "token": T2})])

    # ---------------------------------------------------------------- 660: combinations (two mutations)
    c.group(660, "combos")
    A("combo-lan-noauth-unknown-key", "loopback-token", ['bind: "lan" without auth', "unknown key gateway.oracleUnknown"], ops=[("set", "gateway.bind", "lan"), ("del", "gateway.auth"), ("set", "gateway.oracleUnknown", True)])
    A("combo-mode-missing-bind-local", "loopback-token", ["gateway.mode removed", 'bind: "local"'], ops=[("del", "gateway.mode"), ("set", "gateway.bind", "local")])
    A("combo-mode-remote-bind-local", "loopback-token", ['mode: "remote"', 'bind: "local"'], ops=[("set", "gateway.mode", "remote"), ("set", "gateway.bind", "local")])
    A("combo-bind-local-unknown-key", "loopback-token", ['bind: "local"', "unknown key gateway.oracleUnknown"], ops=[("set", "gateway.bind", "local"), ("set", "gateway.oracleUnknown", True)])
    A("combo-auth-mode-bearer-lan", "lan-token-origins", ['auth.mode: "bearer"'], ops=[("set", "gateway.auth.mode", "bearer")])
    A("combo-serve-lan-noauth", "loopback-token", ['tailscale.mode: "serve"', 'bind: "lan" without auth'], ops=[("set", "gateway.tailscale", {"mode": "serve"}), ("set", "gateway.bind", "lan"), ("del", "gateway.auth")])
    A("combo-funnel-lan-password", "lan-password", ['tailscale.mode: "funnel"', 'bind: "lan"'], ops=[("set", "gateway.tailscale", {"mode": "funnel"})])
    A("combo-tp-lan-no-config", "trusted-proxy", ['bind: "lan"', "auth.trustedProxy removed"], ops=[("set", "gateway.bind", "lan"), ("del", "gateway.auth.trustedProxy")])
    A("combo-custom-foreign-noauth", "custom-loopback", ['customBindHost: "203.0.113.5"', "gateway.auth removed"], ops=[("set", "gateway.customBindHost", "203.0.113.5"), ("del", "gateway.auth")])
    A("combo-blank-token-lan-env-token", "lan-token-origins", ['auth.token: ""', "OPENCLAW_GATEWAY_TOKEN in the environment"], ops=[("set", "gateway.auth.token", "")], env={"OPENCLAW_GATEWAY_TOKEN": T})
    A("combo-weak-token-env-token", "loopback-token", ['auth.token: "change-me-now"', "OPENCLAW_GATEWAY_TOKEN in the environment"], ops=[("set", "gateway.auth.token", "change-me-now")], env={"OPENCLAW_GATEWAY_TOKEN": T})
    A("combo-alias-lan-noauth-env-token", "loopback-token", ['bind: "0.0.0.0"', "gateway.auth removed, OPENCLAW_GATEWAY_TOKEN set"], ops=[("set", "gateway.bind", "0.0.0.0"), ("del", "gateway.auth")], env={"OPENCLAW_GATEWAY_TOKEN": T})
    A("combo-port-string-bind-alias", "loopback-token", ['port: "18789"', 'bind: "localhost"'], ops=[("set", "gateway.port", "18789"), ("set", "gateway.bind", "localhost")])
    A("combo-retired-and-unknown", "loopback-token", ["gateway.webchat (retired)", "unknown key gateway.oracleUnknown"], ops=[("set", "gateway.webchat", {"enabled": True}), ("set", "gateway.oracleUnknown", True)])
    A("combo-future-version-bind-local", "loopback-token", ['meta.lastTouchedVersion: "2099.1.1"', 'bind: "local"'], ops=[("set", "meta", {"lastTouchedVersion": "2099.1.1"}), ("set", "gateway.bind", "local")])
    A("combo-future-version-mode-missing", "loopback-token", ['meta.lastTouchedVersion: "2099.1.1"', "gateway.mode removed"], ops=[("set", "meta", {"lastTouchedVersion": "2099.1.1"}), ("del", "gateway.mode")])
    A("combo-tls-lan-noauth", "loopback-token", ["tls: {enabled: true}", 'bind: "lan" without auth'], ops=[("set", "gateway.tls", {"enabled": True}), ("set", "gateway.bind", "lan"), ("del", "gateway.auth")])
    A("combo-password-mode-none-serve", "loopback-token", ['auth.mode: "password" without a password', 'tailscale.mode: "serve"'], ops=[("set", "gateway.auth", {"mode": "password"}), ("set", "gateway.tailscale", {"mode": "serve"})])
    A("combo-lan-token-mode-no-token-env-password", "loopback-token", ['bind: "lan", auth: {mode: "token"}', "OPENCLAW_GATEWAY_PASSWORD set"], ops=[("set", "gateway.bind", "lan"), ("set", "gateway.auth", {"mode": "token"})], env={"OPENCLAW_GATEWAY_PASSWORD": P})
    A("combo-json5-lan-noauth", "json5", ['bind: "lan" without auth (JSON5)'], ops=[("set", "gateway.bind", "lan"), ("del", "gateway.auth")])
    A("combo-sections-typo-and-lan", "sections", ["near-typo logging.lvl", 'bind: "lan"'], ops=[("set", "logging.lvl", "debug"), ("set", "gateway.bind", "lan")])
    A("combo-remote-url-http-mode-remote", "loopback-token", ['mode: "remote"', 'remote.url: "http://127.0.0.1:18789"'], ops=[("set", "gateway.mode", "remote"), ("set", "gateway.remote", {"url": "http://127.0.0.1:18789"})])
    A("combo-trusted-proxies-lan-token", "proxy-trusted", ['bind: "lan"', "no allowedOrigins"], ops=[("set", "gateway.bind", "lan")])
    A("combo-custom-192-noauth-env-password", "custom-loopback", ['customBindHost: "192.0.2.2"', "gateway.auth removed, OPENCLAW_GATEWAY_PASSWORD set"], ops=[("set", "gateway.customBindHost", "192.0.2.2"), ("del", "gateway.auth")], env={"OPENCLAW_GATEWAY_PASSWORD": P})

    return c.cases


# --------------------------------------------------------------------------------------


def write_case(case):
    d = OUT / case["id"]
    d.mkdir(parents=True, exist_ok=True)
    wanted = {"openclaw.json", "case.json", "verdict.json"}
    (d / "openclaw.json").write_text(case["text"], encoding="utf-8", newline="")
    for rel, content in case["files"].items():
        f = d / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(content, encoding="utf-8", newline="")
        wanted.add(rel)
    if case["env"]:
        (d / "env").write_text("".join(f"{k}={v}\n" for k, v in sorted(case["env"].items())))
        wanted.add("env")
    meta = {"id": case["id"], "base": case["base"], "mutations": case["mutations"], "keep_port": case["keep_port"]}
    if case["keep_port"]:
        meta["listen_port"] = case["listen_port"]
        meta["why_keep_port"] = case["why_keep_port"]
    if case["note"]:
        meta["note"] = case["note"]
    (d / "case.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    # Remove files this case no longer has (never verdict.json).
    for f in sorted(d.rglob("*"), reverse=True):
        rel = f.relative_to(d).as_posix()
        if f.is_file() and rel not in wanted:
            f.unlink()
        elif f.is_dir() and not any(f.iterdir()):
            f.rmdir()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prune", action="store_true", help="delete case folders that are not generated")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    cases = build()
    ids = [c["id"] for c in cases]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        sys.exit(f"duplicate ids: {dup}")
    bad = [i for i in ids if not re.fullmatch(r"\d{3}-[a-z0-9]+(-[a-z0-9]+)*", i)]
    if bad:
        sys.exit(f"ids must be <3 digits>-<kebab-case slug>: {bad}")
    slugs = [i.split("-", 1)[1] for i in ids]
    if len(set(slugs)) != len(slugs):
        dup = sorted({s for s in slugs if slugs.count(s) > 1})
        sys.exit(f"duplicate slugs: {dup}")
    if a.list:
        for c in cases:
            print(c["id"], "|", "; ".join(c["mutations"]) or "(base)")
        print(f"{len(cases)} cases", file=sys.stderr)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for c in cases:
        write_case(c)
    stale = sorted(p.name for p in OUT.iterdir() if p.is_dir() and p.name not in set(ids))
    for name in stale:
        if a.prune:
            shutil.rmtree(OUT / name)
            print(f"removed {name}")
        else:
            print(f"warning: {name} is not generated any more (use --prune to delete it)", file=sys.stderr)
    print(f"{len(cases)} cases in {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
