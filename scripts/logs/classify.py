#!/usr/bin/env python3
"""Label every line of the recorded gateway logs with the cause it names (docs/openclaw/log-templates.md).

Needs: Python 3.9+ only. Reads fixtures/logs/openclaw-<version>-causes.log for each version given,
writes fixtures/logs/causes.json:

  {"templates": "docs/openclaw/log-templates.md",
   "lines": [{"file": "openclaw-2026.9.6-causes.log", "line": 12, "version": "2026.9.6",
              "kind": "token_mismatch", "template": "ws_unauthorized", "primary": true,
              "level": "WARN", "subsystem": "gateway/ws", "conn": "…", "fields": {"remote": …}}, …],
   "counts": {"2026.9.6": {"token_mismatch": 3, …}, …}}

Every line of each file has an entry; `kind` is null for lines that name no cause (start-up
chatter, shutdown, triage output). `primary` is true for the one line per event a doctor should
count (an attempt refused for a wrong token writes an `unauthorized …` line AND a `closed before
connect …` line for the same conn: only the first is primary). `counts` totals primary lines.

Usage: scripts/logs/classify.py [--dir fixtures/logs] [--check]
  --check: exit 1 when a WARN/ERROR line has no template (a new message to look at).
"""
import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

VERSIONS = ("2026.9.6", "2026.2.26")

# (kind, template id, regex on the message text). First match wins; order matters.
# Variable parts are named groups; the same names as in the templates document.
T = [
    # ---- start-up refusals -------------------------------------------------------------
    ("config_missing", "start_missing_config",
     r"^Missing config\. Run `openclaw setup` or set gateway\.mode=local \(or pass --allow-unconfigured\)\.$"),
    ("gateway_mode_unset", "start_blocked_mode_missing",
     r"^Gateway start blocked: existing config is missing gateway\.mode\."),
    ("gateway_mode_unset", "start_blocked_mode",
     r"^Gateway start blocked: set gateway\.mode=local \(current: unset\)"),
    ("gateway_mode_not_local", "start_blocked_mode",
     r"^Gateway start blocked: set gateway\.mode=local \(current: (?P<mode>[^)]+)\)"),
    ("config_audit_hint", "start_config_audit", r"^Config write audit: (?P<where>.+)$"),
    ("bind_invalid", "start_invalid_bind_option",
     r"^Invalid --bind\. Use \"loopback\", \"lan\", \"tailnet\", \"auto\", or \"custom\"\.$"),
    ("bind_without_auth", "start_refuse_bind_without_auth",
     r"^Refusing to bind gateway to (?P<bind>\S+) without auth\."),
    ("bind_without_auth", "runtime_refuse_bind_without_auth",
     r"refusing to bind gateway to (?P<host>[^\s:]+):(?P<port>\d+) without auth"),
    ("password_not_configured", "start_password_missing",
     r"^Gateway auth is set to password, but no password is configured\."),
    ("port_in_use", "start_failed_lock",
     r"^Gateway failed to start: another gateway instance is already listening on (?P<url>\S+)"),
    ("port_in_use", "start_port_busy", r"^Port (?P<port>\d+) is already in use\.$"),
    ("port_in_use", "start_port_busy_owner", r"^- pid (?P<pid>\d+) (?P<user>\S+): (?P<cmd>.*)$"),
    ("port_in_use", "start_port_busy_owner", r"^- Gateway already running locally\."),
    ("control_ui_origins_required", "start_failed_guard",
     r"^Gateway failed to start: (?:Error: )?non-loopback Control UI requires gateway\.controlUi\.allowedOrigins"),
    ("tailscale_requires_loopback", "start_failed_guard",
     r"^Gateway failed to start: (?:Error: )?tailscale serve/funnel requires gateway bind=loopback"),
    ("tailscale_requires_loopback", "start_failed_invalid_config",
     r"^Gateway failed to start: Invalid config at (?P<path>[^\n]+?):\ngateway\.bind: gateway\.bind must resolve to loopback when gateway\.tailscale\.mode=(?P<tsmode>\w+)"),
    ("trusted_proxy_auth_without_proxies", "start_failed_guard",
     r"^Gateway failed to start: (?:Error: )?gateway auth mode=trusted-proxy requires gateway\.trustedProxies"),
    ("custom_bind_host_missing", "start_failed_guard",
     r"^Gateway failed to start: (?:Error: )?gateway\.bind=custom requires gateway\.customBindHost"),
    ("custom_bind_host_invalid", "start_failed_guard",
     r"^Gateway failed to start: (?:Error: )?gateway\.bind=custom requires a valid IPv4 customBindHost \(got (?P<host>[^)]*)\)"),
    ("config_invalid", "start_failed_invalid_config",
     r"^Gateway failed to start: Invalid config at (?P<path>[^\n:]+(?::[^\n:]+)*?):\n"),
    ("gateway_start_failed", "start_failed", r"^Gateway failed to start: (?P<error>.+)"),
    ("config_invalid", "config_guard_heading", r"^Config invalid$"),
    ("config_invalid", "config_guard_heading", r"^OpenClaw config is invalid: (?P<path>.+)$"),
    ("config_invalid", "config_guard_file", r"^File: (?P<path>.+)$"),
    ("config_invalid", "config_guard_problem", r"^(?:Problem:|Legacy config keys detected:)$"),
    ("config_invalid_issue", "config_guard_issue",
     r"^  - (?P<key>[^:\s]+): (?P<problem>.+)$"),
    ("config_invalid_issue", "config_guard_issue",
     r"^  × (?P<file>[^:]+):(?P<line>\d+) — (?P<key>[^:\s]+): (?P<problem>.+)$"),
    ("config_invalid", "config_guard_run_doctor",
     r"^(?:Run: openclaw doctor --fix|Run `openclaw doctor --fix` to repair, or fix the keys above manually\.|Inspect with openclaw config validate\.|Run \"openclaw doctor --fix\" to repair the config, then retry\.)$"),
    ("config_overwritten", "config_overwrite",
     r"^Config overwrite: (?P<path>\S+) \(sha256 (?P<from>\w+) -> (?P<to>\w+), backup=(?P<backup>[^)]+)\)"),
    ("config_overwritten", "config_write_anomaly", r"^Config write anomaly: (?P<path>\S+) \((?P<anomaly>[^)]+)\)$"),
    # ---- start-up warnings that name a risk or a changed config ---------------------------
    ("auth_token_generated", "auth_token_generated_saved",
     r"^Gateway auth token was missing\. Generated a new token and saved it to config \(gateway\.auth\.token\)\.$"),
    ("auth_token_generated", "auth_token_generated_runtime",
     r"^Gateway auth token was missing\. Generated a runtime token for this startup without changing config"),
    ("auth_mode_none", "auth_mode_none",
     r"^Gateway auth mode=none explicitly configured; all gateway connections are unauthenticated\.$"),
    ("non_loopback_bind", "non_loopback_bind",
     r"^⚠️  Gateway is binding to a non-loopback address\."),
    ("control_ui_origins_seeded", "control_ui_origins_seeded",
     r"^gateway: seeded gateway\.controlUi\.allowedOrigins (?P<origins>\[[^\]]*\]) for bind=(?P<bind>\S+) "),
    ("startup_failed_bundle", "stability_bundle", r"^wrote stability bundle: (?P<path>\S+)$"),
    ("restart_loop", "restart_loop_breaker", r"^gateway restart-loop breaker tripped: "),
    # ---- context: the gateway's own life (INFO) --------------------------------------------
    ("gateway_listening", "listening_on", r"^listening on (?P<urls>ws[^ ]+(?:, ws[^ ]+)*) \(PID (?P<pid>\d+)\)$"),
    ("gateway_listening", "http_server_listening", r"^http server listening \((?P<plugins>\d+) plugins: .*; (?P<secs>[\d.]+)s\)$"),
    ("gateway_ready", "gateway_ready", r"^gateway ready$"),
    ("gateway_log_file", "log_file", r"^log file: (?P<path>\S+)$"),
    ("gateway_stopping", "received_signal", r"^received (?P<signal>SIG[A-Z0-9]+); shutting down$"),
    # ---- the WebSocket handshake -------------------------------------------------------
    ("proxy_unattributable", "proxy_unattributable",
     r"^gateway: observed unattributable proxy-shaped traffic from (?P<remote>[^;\s]+); "),
    ("proxy_headers_untrusted", "proxy_headers_untrusted",
     r"^Proxy headers detected from untrusted address\. Connection will not be treated as local\. Configure gateway\.trustedProxies"),
    ("host_header_not_local", "host_header_not_local",
     r"^Loopback connection with non-local Host header\. Treating it as remote\."),
    ("origin_host_fallback", "origin_host_fallback",
     r"^security warning: websocket origin accepted via Host-header fallback "),
    ("scope_upgrade", "device_access_upgrade",
     r"^security audit: device access upgrade requested reason=scope-upgrade device=(?P<device>\S+) ip=(?P<ip>\S+) "),
    ("role_upgrade", "device_access_upgrade",
     r"^security audit: device access upgrade requested reason=role-upgrade device=(?P<device>\S+) ip=(?P<ip>\S+) "),
    ("metadata_upgrade", "device_metadata_upgrade",
     r"^security audit: device metadata upgrade requested reason=metadata-upgrade device=(?P<device>\S+) ip=(?P<ip>\S+) "),
    ("device_auto_approved", "device_pairing_auto_approved",
     r"^device pairing auto-approved device=(?P<device>\S+) role=(?P<role>\S+)$"),
    ("protocol_mismatch", "ws_protocol_mismatch", r"^protocol mismatch conn=(?P<conn>\S+) "),
    ("handshake_timeout", "ws_handshake_timeout", r"^handshake timeout conn=(?P<conn>\S+) "),
    ("invalid_handshake", "ws_invalid_handshake", r"^invalid handshake conn=(?P<conn>\S+) "),
    ("invalid_frame", "ws_parse_error", r"^parse/handle error: (?P<error>.+)$"),
    ("invalid_frame", "ws_parse_error_frame", r"^✗ parse-error error=(?P<error>.+) conn=(?P<conn>\S+)$"),
    # unauthorized conn=… reason=<authReason>: one kind per reason.
    ("@auth", "ws_unauthorized", r"^unauthorized conn=(?P<conn>\S+) .*?reason=(?P<reason>[a-z_]+)(?: guidance=|$| suppressed=)"),
    # closed before connect: the kind comes from the close reason.
    ("@close", "ws_closed_before_connect",
     r"^closed before connect conn=(?P<conn>\S+) (?:peer=(?P<peer>\S+) )?remote=(?P<remote>\S+) fwd=(?P<fwd>\S+) origin=(?P<origin>\S+) host=(?P<host>\S+) ua=(?P<ua>.*?) code=(?P<code>\S+) reason=(?P<reason>.*?)(?: phase=(?P<phase>\S+))?(?: suppressed=\d+)?$"),
    ("control_plane_rate_limited", "control_plane_rate_limited", r"^control-plane write rate-limited method="),
    ("browser_relay_needs_token", "extension_relay_requires_token",
     r"^Chrome extension relay init failed for profile \"(?P<profile>[^\"]+)\": Error: extension relay requires gateway auth token \(set gateway\.auth\.token or OPENCLAW_GATEWAY_TOKEN\)$"),
    ("terminal_upload_lock_busy", "terminal_upload_staging_busy",
     r"^recovery failed; retrying: Error: terminal upload staging is busy; .*?locate (?P<lock>\S+) under the system temporary directory"),
    # ---- known lines that name no cause of their own (kind null, template set) ----------
    (None, "blank", r"^$"),
    (None, "startup_triage", r"^(?:Automatic triage |Original failure retained|Debugging prompt: |Sanitized diagnostics: |No configured embedded agent|No supported coding-agent CLI|If already installed, add its executable|You can also open the saved debugging prompt|Next step:$|  env OPENCLAW_STATE_DIR=|automatic triage cancelled)"),
    (None, "shutdown_noise", r"(?:GatewayDrainingError: gateway is draining|^subagent run sweep skipped: gateway is draining|^slow SQLite transaction hold$|^update run reconciliation deferred: )"),
    (None, "service_stop_hint", r"^(?:Gateway service status unknown; if supervised, stop it first\.|Tip: openclaw gateway stop|Or: systemctl --user stop |If the gateway is supervised, stop it with: )"),
    ("hook_auth_throttled", "hook_auth_throttled", r"^hook auth throttled for "),
]
T = [(k, t, re.compile(r, re.S)) for k, t, r in T]

AUTH_REASONS = {
    "token_mismatch": "token_mismatch",
    "token_missing": "token_missing",
    "token_missing_config": "token_not_configured",
    "password_mismatch": "password_mismatch",
    "password_missing": "password_missing",
    "password_missing_config": "password_not_configured",
    "device_token_mismatch": "device_token_mismatch",
    "rate_limited": "rate_limited",
}

# Close reasons (after "reason=") and the cause they name; prefix match, lower case.
CLOSE_REASONS = [
    ("pairing required", "pairing_required"),
    ("unauthorized: gateway token mismatch", "token_mismatch"),
    ("unauthorized: gateway token missing", "token_missing"),
    ("unauthorized: gateway password mismatch", "password_mismatch"),
    ("unauthorized: gateway password missing", "password_missing"),
    ("unauthorized: device token mismatch", "device_token_mismatch"),
    ("unauthorized: too many failed authentication attempts", "rate_limited"),
    ("unauthorized", "unauthorized_other"),
    ("device identity required", "device_identity_required"),
    ("control ui requires device identity", "control_ui_insecure_context"),
    ("gateway ingress attribution required", "proxy_unattributable"),
    ("device signature", "device_auth_invalid"),
    ("device nonce", "device_auth_invalid"),
    ("device public key", "device_auth_invalid"),
    ("device identity mismatch", "device_auth_invalid"),
    ("origin not allowed", "origin_not_allowed"),
    ("protocol mismatch", "protocol_mismatch"),
    ("invalid connect params", "invalid_handshake"),
    ("invalid handshake", "invalid_handshake"),
    ("invalid request frame", "invalid_handshake"),
    ("gateway starting", "gateway_starting"),
    ("service restart", "gateway_restarting"),
]

# Lines that follow a cause line of the same conn and repeat it (not counted twice).
SECONDARY_AFTER = {"ws_closed_before_connect"}
CONN = re.compile(r"\bconn=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")


def subsystem_of(rec):
    name = rec.get("_meta", {}).get("name")
    if isinstance(name, str) and name.startswith("{"):
        try:
            return json.loads(name).get("subsystem") or json.loads(name).get("module") or name
        except ValueError:
            return name
    return name


def text_of(rec):
    """The message text: `message` (2026.3+ writes it), else the positional string fields
    without the subsystem binding (2026.2.x writes "0": '{"subsystem":…}', "1": [meta], "2": text)."""
    if isinstance(rec.get("message"), str):
        return rec["message"]
    name = rec.get("_meta", {}).get("name")
    parts = []
    for k in sorted((k for k in rec if k.isdigit()), key=int):
        v = rec[k]
        if isinstance(v, str) and not (k == "0" and v == name and v.startswith("{")):
            parts.append(v)
    return " ".join(parts)


def classify_text(text):
    for kind, tid, rx in T:
        m = rx.search(text)
        if not m:
            continue
        fields = {k: v for k, v in m.groupdict().items() if v is not None}
        if kind == "@auth":
            kind = AUTH_REASONS.get(fields.get("reason", ""), "unauthorized_other")
        elif kind == "@close":
            reason = fields.get("reason", "").lower()
            kind = next((c for p, c in CLOSE_REASONS if reason.startswith(p)), None)
        return kind, tid, fields
    return None, None, {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=str(Path(__file__).resolve().parents[2] / "fixtures" / "logs"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    d = Path(args.dir)
    lines, counts, unknown = [], defaultdict(Counter), []
    for version in VERSIONS:
        path = d / f"openclaw-{version}-causes.log"
        if not path.exists():
            continue
        seen_conn = set()  # (conn, kind) already counted
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            rec = json.loads(raw)
            meta = rec.get("_meta", {})
            level = meta.get("logLevelName") or rec.get("level", "").upper() or None
            text = text_of(rec)
            kind, tid, fields = classify_text(text)
            conn = fields.pop("conn", None)
            if conn is None:
                m = CONN.search(text)
                conn = m.group(1) if m else None
            primary = kind is not None
            if kind and conn:
                # The same refusal written twice for one connection counts once.
                if tid in SECONDARY_AFTER and (conn, kind) in seen_conn:
                    primary = False
                seen_conn.add((conn, kind))
            if tid in ("start_port_busy", "start_port_busy_owner", "start_config_audit",
                       "config_guard_file", "config_guard_problem", "config_guard_run_doctor",
                       "stability_bundle", "config_write_anomaly", "ws_parse_error_frame"):
                primary = False
            if kind == "config_invalid_issue":
                primary = False  # the heading line before it is the event; the issue names the key
            entry = {"file": path.name, "line": n, "version": version, "kind": kind,
                     "template": tid, "primary": primary, "level": level,
                     "subsystem": subsystem_of(rec), "time": rec.get("time")}
            if conn:
                entry["conn"] = conn
            if fields:
                entry["fields"] = fields
            lines.append(entry)
            if primary:
                counts[version][kind] += 1
            if kind is None and tid is None and level in ("WARN", "ERROR", "FATAL"):
                unknown.append(f"{path.name}:{n}: {level} {text[:160]!r}")
    out = {"templates": "docs/openclaw/log-templates.md",
           "note": "kind null = the line names no cause; primary = count this line once per event",
           "counts": {v: dict(sorted(c.items())) for v, c in counts.items()},
           "lines": lines}
    (d / "causes.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    for u in unknown:
        print("unclassified", u, file=sys.stderr)
    print(json.dumps(out["counts"], indent=1))
    if args.check and unknown:
        sys.exit(1)


if __name__ == "__main__":
    main()
