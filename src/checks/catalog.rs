//! Every check: its stable id, area, usual severity and the one-line explanation that
//! `--help`, README and `-v` show. Report order is this order.

use super::Severity;

/// The checks in report order, with the text `--help` and README show.
#[derive(Clone, Copy)]
pub struct CheckDef {
    pub id: &'static str,
    pub area: &'static str,
    /// The severity its findings usually have (a stable label for metrics).
    pub severity: Severity,
    pub explain: &'static str,
}

/// Every check in report order: the config and probe families, the host's
/// (`catalog_host.rs`), the log's (`catalog_logs.rs`), then the proxy's.
pub const CHECKS: &[CheckDef] =
    &join::<{ CORE.len() + HOST.len() + LOGS.len() + PROXY.len() }>([CORE, HOST, LOGS, PROXY]);

/// The parts end to end, at compile time (a slice of parts cannot be concatenated in a const).
const fn join<const N: usize>(parts: [&[CheckDef]; 4]) -> [CheckDef; N] {
    let mut out = [parts[0][0]; N];
    let (mut k, mut i) = (0, 0);
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[k] = parts[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

use super::catalog_host::HOST;
use super::catalog_logs::LOGS;

const CORE: &[CheckDef] = &[
    CheckDef {
        id: "config.not_found",
        area: "config",
        severity: Severity::Error,
        explain: "no config file where OpenClaw looks for one",
    },
    CheckDef {
        id: "config.legacy_location",
        area: "config",
        severity: Severity::Warning,
        explain: "config found under a former project name (~/.clawdbot, moltbot.json…)",
    },
    CheckDef {
        id: "config.legacy_env",
        area: "config",
        severity: Severity::Warning,
        explain: "CLAWDBOT_* variables are set; OpenClaw ignores them since 2026.3.22",
    },
    CheckDef {
        id: "config.toml_not_loaded",
        area: "config",
        severity: Severity::Info,
        explain: "a TOML config: OpenClaw itself loads only JSON5",
    },
    CheckDef {
        id: "config.duplicate_key",
        area: "config",
        severity: Severity::Warning,
        explain: "a key defined twice; the last one wins, as in OpenClaw",
    },
    CheckDef {
        id: "config.type_error",
        area: "config",
        severity: Severity::Error,
        explain: "a checked key has the wrong type (bind: 123, gateway: \"x\")",
    },
    CheckDef {
        id: "config.legacy_key",
        area: "config",
        severity: Severity::Error,
        explain: "gateway.token: rejected by OpenClaw 2026.9 (ignored before); the key is gateway.auth.token",
    },
    CheckDef {
        id: "schema.unknown_key",
        area: "schema",
        severity: Severity::Error,
        explain: "a key OpenClaw's schema does not allow there (typo, old version); fix renames a clear typo",
    },
    CheckDef {
        id: "schema.type",
        area: "schema",
        severity: Severity::Error,
        explain: "a value of the wrong type anywhere in the config (schema)",
    },
    CheckDef {
        id: "schema.value",
        area: "schema",
        severity: Severity::Error,
        explain: "a value outside the allowed ones (schema enum or const)",
    },
    CheckDef {
        id: "schema.range",
        area: "schema",
        severity: Severity::Error,
        explain: "a number, string or list outside its minimum or maximum (schema)",
    },
    CheckDef {
        id: "schema.missing",
        area: "schema",
        severity: Severity::Error,
        explain: "a key the schema requires is absent",
    },
    CheckDef {
        id: "schema.invalid",
        area: "schema",
        severity: Severity::Error,
        explain: "any other schema violation (a union no branch matches, a pattern, a format)",
    },
    CheckDef {
        id: "schema.rule",
        area: "schema",
        severity: Severity::Error,
        explain: "a rule of OpenClaw's validator beyond its schema (tailscale bind, origins…)",
    },
    CheckDef {
        id: "gateway.mode.invalid",
        area: "gateway",
        severity: Severity::Error,
        explain: "gateway.mode is not local or remote",
    },
    CheckDef {
        id: "gateway.bind.invalid",
        area: "gateway",
        severity: Severity::Error,
        explain: "gateway.bind is not loopback, lan, tailnet, auto or custom (e.g. \"local\")",
    },
    CheckDef {
        id: "gateway.bind.custom_host",
        area: "gateway",
        severity: Severity::Error,
        explain: "bind: custom without a valid IPv4 customBindHost",
    },
    CheckDef {
        id: "gateway.bind.exposed",
        area: "gateway",
        severity: Severity::Info,
        explain: "bind: lan listens on every interface, public ones included",
    },
    CheckDef {
        id: "gateway.auth.missing",
        area: "gateway",
        severity: Severity::Error,
        explain: "a non-loopback bind without token or password: the gateway refuses to start",
    },
    CheckDef {
        id: "startup.future_version",
        area: "startup",
        severity: Severity::Error,
        explain: "the config was written by a newer OpenClaw than the one judged: it refuses to start",
    },
    CheckDef {
        id: "startup.mode_missing",
        area: "startup",
        severity: Severity::Error,
        explain: "gateway.mode unset: the gateway refuses to start (missing gateway.mode)",
    },
    CheckDef {
        id: "startup.mode_not_local",
        area: "startup",
        severity: Severity::Warning,
        explain: "gateway.mode remote: no gateway starts here (info for a client of another host)",
    },
    CheckDef {
        id: "startup.password_missing",
        area: "startup",
        severity: Severity::Error,
        explain: "auth mode password without a password: the gateway refuses to start",
    },
    CheckDef {
        id: "startup.auth_ambiguous",
        area: "startup",
        severity: Severity::Error,
        explain: "token and password both set, auth.mode unset: the gateway refuses to start",
    },
    CheckDef {
        id: "startup.secrets_unavailable",
        area: "startup",
        severity: Severity::Error,
        explain: "an env SecretRef or ${VAR} password whose variable is unset: no start",
    },
    CheckDef {
        id: "startup.secret_sentinel",
        area: "startup",
        severity: Severity::Error,
        explain: "the token or password is a redaction marker (***, REDACTED...): no start",
    },
    CheckDef {
        id: "startup.secret_weak",
        area: "startup",
        severity: Severity::Error,
        explain: "the token or password is blank, undefined/null or a placeholder: no start",
    },
    CheckDef {
        id: "startup.bind_unavailable",
        area: "startup",
        severity: Severity::Error,
        explain: "customBindHost is not an address of this host: no start",
    },
    CheckDef {
        id: "startup.trusted_proxy",
        area: "startup",
        severity: Severity::Error,
        explain: "trusted-proxy auth incomplete (trustedProxy, trustedProxies, a token too)",
    },
    CheckDef {
        id: "startup.tailscale",
        area: "startup",
        severity: Severity::Error,
        explain: "Tailscale serve/funnel: no tailscale binary, or funnel without password",
    },
    CheckDef {
        id: "startup.hooks",
        area: "startup",
        severity: Severity::Error,
        explain: "hooks enabled without hooks.token, or inconsistent session-key settings",
    },
    CheckDef {
        id: "startup.workspace",
        area: "startup",
        severity: Severity::Error,
        explain: "an agent workspace that is a file, not a directory: migration refused",
    },
    CheckDef {
        id: "startup.tls",
        area: "startup",
        severity: Severity::Error,
        explain: "tls.enabled with a cert/key that is missing or does not load: no start",
    },
    CheckDef {
        id: "gateway.remote_url.missing",
        area: "remote_url",
        severity: Severity::Error,
        explain: "mode: remote without gateway.remote.url",
    },
    CheckDef {
        id: "gateway.remote_url.scheme",
        area: "remote_url",
        severity: Severity::Error,
        explain: "remote URL is http(s):// or not ws(s)://; OpenClaw clients refuse it",
    },
    CheckDef {
        id: "gateway.remote_url.via_proxy",
        area: "remote_url",
        severity: Severity::Error,
        explain: "the gateway runs here but clients are sent through the reverse proxy (pairing required)",
    },
    CheckDef {
        id: "gateway.remote_url.port",
        area: "remote_url",
        severity: Severity::Error,
        explain: "a loopback remote URL on another port than the gateway's",
    },
    CheckDef {
        id: "gateway.remote_url.plaintext",
        area: "remote_url",
        severity: Severity::Warning,
        explain: "ws:// (no TLS) to a public host: the token travels in clear text",
    },
    CheckDef {
        id: "probe.local",
        area: "probes",
        severity: Severity::Error,
        explain: "the gateway does not answer hello-ok on the address its bind makes it listen on",
    },
    CheckDef {
        id: "probe.external",
        area: "probes",
        severity: Severity::Error,
        explain: "the external URL does not reach the gateway (no more specific diagnosis)",
    },
    CheckDef {
        id: "probe.proxy_upgrade",
        area: "probes",
        severity: Severity::Error,
        explain: "the proxy answers the upgrade without switching: Upgrade/Connection headers not passed",
    },
    CheckDef {
        id: "probe.proxy_attribution",
        area: "probes",
        severity: Severity::Error,
        explain: "403 proxy_attribution_required: gateway.trustedProxies does not trust the proxy",
    },
    CheckDef {
        id: "probe.proxy_upstream",
        area: "probes",
        severity: Severity::Error,
        explain: "the proxy answers 502/504 while the gateway is fine: wrong upstream address or port",
    },
    CheckDef {
        id: "probe.proxy_redirect",
        area: "probes",
        severity: Severity::Error,
        explain: "the proxy redirects the WebSocket (an SSO portal in front of the gateway)",
    },
    CheckDef {
        id: "probe.tls",
        area: "probes",
        severity: Severity::Error,
        explain: "TLS to the external URL fails (unknown issuer, expired, name mismatch…)",
    },
    CheckDef {
        id: "probe.pairing_required",
        area: "probes",
        severity: Severity::Warning,
        explain: "a connection through the proxy (or a sub-agent's, --deep) needs pairing",
    },
    CheckDef {
        id: "probe.insecure",
        area: "probes",
        severity: Severity::Warning,
        explain: "--insecure: certificates were not verified",
    },
    CheckDef {
        id: "devices.pending_repair",
        area: "devices",
        severity: Severity::Warning,
        explain: "a paired device's repair request waits for approval (sub-agents fail until then)",
    },
    CheckDef {
        id: "devices.pending_new",
        area: "devices",
        severity: Severity::Info,
        explain: "new devices wait for pairing; never approved automatically",
    },
    CheckDef {
        id: "devices.unavailable",
        area: "devices",
        severity: Severity::Info,
        explain: "the device list could not be read (openclaw CLI missing or failing)",
    },
];

const PROXY: &[CheckDef] = &[
    CheckDef {
        id: "proxy.upstream",
        area: "proxy",
        severity: Severity::Error,
        explain: "nginx proxy_pass points where the gateway does not listen",
    },
    CheckDef {
        id: "proxy.http_version",
        area: "proxy",
        severity: Severity::Error,
        explain: "the gateway's location lacks proxy_http_version 1.1",
    },
    CheckDef {
        id: "proxy.upgrade_headers",
        area: "proxy",
        severity: Severity::Error,
        explain: "the gateway's location does not pass Upgrade / Connection",
    },
    CheckDef {
        id: "proxy.forwarded_for",
        area: "proxy",
        severity: Severity::Warning,
        explain: "X-Forwarded-For appended ($proxy_add_x_forwarded_for), or no gateway.trustedProxies",
    },
    CheckDef {
        id: "proxy.read_timeout",
        area: "proxy",
        severity: Severity::Warning,
        explain: "proxy_read_timeout below 60 s",
    },
    CheckDef {
        id: "proxy.sso",
        area: "proxy",
        severity: Severity::Warning,
        explain: "an SSO / auth layer (auth_request, SSOwat) in front of the WebSocket",
    },
    CheckDef {
        id: "proxy.trusted_all",
        area: "proxy",
        severity: Severity::Error,
        explain: "trustedProxies trusts every address (0.0.0.0/0, ::/0) or a wide part: no client hop left (403)",
    },
    CheckDef {
        id: "proxy.trusted_ipv6_loopback",
        area: "proxy",
        severity: Severity::Error,
        explain: "the proxy dials [::1] or localhost and trustedProxies lacks ::1: its requests get 403",
    },
    CheckDef {
        id: "proxy.real_ip_only",
        area: "proxy",
        severity: Severity::Error,
        explain: "no X-Forwarded-For: X-Real-IP alone needs allowRealIpFallback: true, else 403",
    },
];
