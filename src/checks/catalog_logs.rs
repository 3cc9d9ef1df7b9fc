//! The gateway log's checks (`log_rules.rs`, `logs.rs`), in report order.

use super::Severity;
use super::catalog::CheckDef;

pub const LOGS: &[CheckDef] = &[
    CheckDef {
        id: "log.pairing_required",
        area: "logs",
        severity: Severity::Warning,
        explain: "the gateway log shows connections closed with 1008 pairing required",
    },
    CheckDef {
        id: "log.scope_upgrade",
        area: "logs",
        severity: Severity::Info,
        explain: "the gateway log shows devices asking for more scopes (repair requests)",
    },
    CheckDef {
        id: "log.proxy_attribution",
        area: "logs",
        severity: Severity::Warning,
        explain: "the gateway log shows proxy traffic it cannot attribute (trustedProxies)",
    },
    CheckDef {
        id: "log.token_mismatch",
        area: "logs",
        severity: Severity::Warning,
        explain: "the gateway log shows connections with a wrong token",
    },
    CheckDef {
        id: "log.startup_refused",
        area: "logs",
        severity: Severity::Error,
        explain: "the log shows a start-up refusal, quoted (info if restarted)",
    },
    CheckDef {
        id: "log.config_invalid",
        area: "logs",
        severity: Severity::Info,
        explain: "the log shows OpenClaw calling the config invalid",
    },
    CheckDef {
        id: "log.restart_loop",
        area: "logs",
        severity: Severity::Error,
        explain: "the log shows the restart-loop breaker tripped",
    },
    CheckDef {
        id: "log.metadata_upgrade",
        area: "logs",
        severity: Severity::Info,
        explain: "the log shows device metadata re-approval requests",
    },
    CheckDef {
        id: "log.proxy_headers_untrusted",
        area: "logs",
        severity: Severity::Warning,
        explain: "proxy headers from an untrusted address (before 2026.8)",
    },
    CheckDef {
        id: "log.host_header_not_local",
        area: "logs",
        severity: Severity::Warning,
        explain: "loopback connections with a non-local Host header",
    },
    CheckDef {
        id: "log.device_token_mismatch",
        area: "logs",
        severity: Severity::Warning,
        explain: "the log shows stale device tokens refused",
    },
    CheckDef {
        id: "log.auth_refused",
        area: "logs",
        severity: Severity::Warning,
        explain: "other refused credentials, by reason (token_missing…)",
    },
    CheckDef {
        id: "log.rate_limited",
        area: "logs",
        severity: Severity::Warning,
        explain: "clients locked out after failed logins",
    },
    CheckDef {
        id: "log.origin_not_allowed",
        area: "logs",
        severity: Severity::Warning,
        explain: "connections refused: origin not allowed (origins listed)",
    },
    CheckDef {
        id: "log.control_ui_insecure",
        area: "logs",
        severity: Severity::Warning,
        explain: "the Control UI refused outside HTTPS/localhost",
    },
    CheckDef {
        id: "log.device_identity_required",
        area: "logs",
        severity: Severity::Info,
        explain: "clients with neither device identity nor secret",
    },
    CheckDef {
        id: "log.device_auth_invalid",
        area: "logs",
        severity: Severity::Warning,
        explain: "invalid device signature, nonce or key",
    },
    CheckDef {
        id: "log.protocol_mismatch",
        area: "logs",
        severity: Severity::Warning,
        explain: "clients speaking another protocol version",
    },
    CheckDef {
        id: "log.handshake_timeout",
        area: "logs",
        severity: Severity::Info,
        explain: "WebSockets that never sent connect (as measured)",
    },
    CheckDef {
        id: "log.invalid_handshake",
        area: "logs",
        severity: Severity::Info,
        explain: "first frames that are not an OpenClaw connect",
    },
    CheckDef {
        id: "log.auth_token_generated",
        area: "logs",
        severity: Severity::Warning,
        explain: "started without a token: the gateway generated one",
    },
    CheckDef {
        id: "log.throttled",
        area: "logs",
        severity: Severity::Info,
        explain: "control-plane writes or hook auth throttled",
    },
];
