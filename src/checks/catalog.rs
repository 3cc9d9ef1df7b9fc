//! Every check: its stable id, area and usual severity. Report order is this order. What a
//! check means is written once, in `docs/checks/<area>.md` (see `explain.rs`).

use super::Severity;

/// A check in report order.
#[derive(Clone, Copy)]
pub struct CheckDef {
    pub id: &'static str,
    pub area: &'static str,
    /// The severity its findings usually have (a stable label for metrics).
    pub severity: Severity,
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
    },
    CheckDef {
        id: "config.legacy_location",
        area: "config",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "config.legacy_env",
        area: "config",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "config.toml_not_loaded",
        area: "config",
        severity: Severity::Info,
    },
    CheckDef {
        id: "config.duplicate_key",
        area: "config",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "config.type_error",
        area: "config",
        severity: Severity::Error,
    },
    CheckDef {
        id: "config.legacy_key",
        area: "config",
        severity: Severity::Error,
    },
    CheckDef {
        id: "schema.unknown_key",
        area: "schema",
        severity: Severity::Error,
    },
    CheckDef {
        id: "schema.type",
        area: "schema",
        severity: Severity::Error,
    },
    CheckDef {
        id: "schema.value",
        area: "schema",
        severity: Severity::Error,
    },
    CheckDef {
        id: "schema.range",
        area: "schema",
        severity: Severity::Error,
    },
    CheckDef {
        id: "schema.missing",
        area: "schema",
        severity: Severity::Error,
    },
    CheckDef {
        id: "schema.invalid",
        area: "schema",
        severity: Severity::Error,
    },
    CheckDef {
        id: "schema.rule",
        area: "schema",
        severity: Severity::Error,
    },
    CheckDef {
        id: "gateway.mode.invalid",
        area: "gateway",
        severity: Severity::Error,
    },
    CheckDef {
        id: "gateway.bind.invalid",
        area: "gateway",
        severity: Severity::Error,
    },
    CheckDef {
        id: "gateway.bind.custom_host",
        area: "gateway",
        severity: Severity::Error,
    },
    CheckDef {
        id: "gateway.bind.exposed",
        area: "gateway",
        severity: Severity::Info,
    },
    CheckDef {
        id: "gateway.auth.missing",
        area: "gateway",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.future_version",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.mode_missing",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.mode_not_local",
        area: "startup",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "startup.password_missing",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.auth_ambiguous",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.secrets_unavailable",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.secret_sentinel",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.secret_weak",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.bind_unavailable",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.trusted_proxy",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.tailscale",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.hooks",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.workspace",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "startup.tls",
        area: "startup",
        severity: Severity::Error,
    },
    CheckDef {
        id: "gateway.remote_url.missing",
        area: "remote_url",
        severity: Severity::Error,
    },
    CheckDef {
        id: "gateway.remote_url.scheme",
        area: "remote_url",
        severity: Severity::Error,
    },
    CheckDef {
        id: "gateway.remote_url.via_proxy",
        area: "remote_url",
        severity: Severity::Error,
    },
    CheckDef {
        id: "gateway.remote_url.port",
        area: "remote_url",
        severity: Severity::Error,
    },
    CheckDef {
        id: "gateway.remote_url.plaintext",
        area: "remote_url",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "probe.local",
        area: "probes",
        severity: Severity::Error,
    },
    CheckDef {
        id: "probe.external",
        area: "probes",
        severity: Severity::Error,
    },
    CheckDef {
        id: "probe.proxy_upgrade",
        area: "probes",
        severity: Severity::Error,
    },
    CheckDef {
        id: "probe.proxy_attribution",
        area: "probes",
        severity: Severity::Error,
    },
    CheckDef {
        id: "probe.proxy_upstream",
        area: "probes",
        severity: Severity::Error,
    },
    CheckDef {
        id: "probe.proxy_redirect",
        area: "probes",
        severity: Severity::Error,
    },
    CheckDef {
        id: "probe.tls",
        area: "probes",
        severity: Severity::Error,
    },
    CheckDef {
        id: "probe.pairing_required",
        area: "probes",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "probe.insecure",
        area: "probes",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "devices.pending_repair",
        area: "devices",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "devices.pending_new",
        area: "devices",
        severity: Severity::Info,
    },
    CheckDef {
        id: "devices.unavailable",
        area: "devices",
        severity: Severity::Info,
    },
];

const PROXY: &[CheckDef] = &[
    CheckDef {
        id: "proxy.upstream",
        area: "proxy",
        severity: Severity::Error,
    },
    CheckDef {
        id: "proxy.http_version",
        area: "proxy",
        severity: Severity::Error,
    },
    CheckDef {
        id: "proxy.upgrade_headers",
        area: "proxy",
        severity: Severity::Error,
    },
    CheckDef {
        id: "proxy.forwarded_for",
        area: "proxy",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "proxy.read_timeout",
        area: "proxy",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "proxy.sso",
        area: "proxy",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "proxy.trusted_all",
        area: "proxy",
        severity: Severity::Error,
    },
    CheckDef {
        id: "proxy.trusted_ipv6_loopback",
        area: "proxy",
        severity: Severity::Error,
    },
    CheckDef {
        id: "proxy.real_ip_only",
        area: "proxy",
        severity: Severity::Error,
    },
];
