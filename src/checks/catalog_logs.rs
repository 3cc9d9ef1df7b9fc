//! The gateway log's checks (`log_rules.rs`, `logs.rs`), in report order.

use super::Severity;
use super::catalog::CheckDef;

pub const LOGS: &[CheckDef] = &[
    CheckDef {
        id: "log.pairing_required",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.scope_upgrade",
        area: "logs",
        severity: Severity::Info,
    },
    CheckDef {
        id: "log.proxy_attribution",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.token_mismatch",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.startup_refused",
        area: "logs",
        severity: Severity::Error,
    },
    CheckDef {
        id: "log.config_invalid",
        area: "logs",
        severity: Severity::Info,
    },
    CheckDef {
        id: "log.restart_loop",
        area: "logs",
        severity: Severity::Error,
    },
    CheckDef {
        id: "log.metadata_upgrade",
        area: "logs",
        severity: Severity::Info,
    },
    CheckDef {
        id: "log.proxy_headers_untrusted",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.host_header_not_local",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.device_token_mismatch",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.auth_refused",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.rate_limited",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.origin_not_allowed",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.control_ui_insecure",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.device_identity_required",
        area: "logs",
        severity: Severity::Info,
    },
    CheckDef {
        id: "log.device_auth_invalid",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.protocol_mismatch",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.handshake_timeout",
        area: "logs",
        severity: Severity::Info,
    },
    CheckDef {
        id: "log.invalid_handshake",
        area: "logs",
        severity: Severity::Info,
    },
    CheckDef {
        id: "log.auth_token_generated",
        area: "logs",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "log.throttled",
        area: "logs",
        severity: Severity::Info,
    },
];
