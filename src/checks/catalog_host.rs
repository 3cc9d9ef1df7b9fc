//! The host checks (#13): the gateway this host really runs against its config.

use super::Severity;
use super::catalog::CheckDef;

pub const HOST: &[CheckDef] = &[
    CheckDef {
        id: "host.port_override",
        area: "host",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "host.bind_mismatch",
        area: "host",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "host.container_loopback",
        area: "host",
        severity: Severity::Error,
    },
    CheckDef {
        id: "host.env_ignored",
        area: "host",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "host.token_env",
        area: "host",
        severity: Severity::Warning,
    },
    CheckDef {
        id: "host.env_file_missing",
        area: "host",
        severity: Severity::Error,
    },
    CheckDef {
        id: "host.port_conflict",
        area: "host",
        severity: Severity::Error,
    },
    CheckDef {
        id: "host.other_gateways",
        area: "host",
        severity: Severity::Info,
    },
    CheckDef {
        id: "host.restart_pending",
        area: "host",
        severity: Severity::Info,
    },
];
