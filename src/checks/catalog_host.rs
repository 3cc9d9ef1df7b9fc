//! The host checks (#13): the gateway this host really runs against its config.

use super::Severity;
use super::catalog::CheckDef;

pub const HOST: &[CheckDef] = &[
    CheckDef {
        id: "host.port_override",
        area: "host",
        severity: Severity::Warning,
        explain: "the gateway listens on another port than its config's clients dial (--port in the unit, OPENCLAW_GATEWAY_PORT in its environment)",
    },
    CheckDef {
        id: "host.bind_mismatch",
        area: "host",
        severity: Severity::Warning,
        explain: "the gateway listens on other addresses than its config's gateway.bind says (--bind, or a config changed since it started)",
    },
    CheckDef {
        id: "host.container_loopback",
        area: "host",
        severity: Severity::Error,
        explain: "a gateway in a container listens only on its own loopback while docker-proxy publishes its port: nothing answers there",
    },
    CheckDef {
        id: "host.env_ignored",
        area: "host",
        severity: Severity::Warning,
        explain: "a variable set for the gateway that OpenClaw does not read (OPENCLAW_GATEWAY_BIND, OPENCLAW_GATEWAY_TRUSTED_PROXIES…)",
    },
    CheckDef {
        id: "host.token_env",
        area: "host",
        severity: Severity::Warning,
        explain: "OPENCLAW_GATEWAY_TOKEN/PASSWORD (unit, process or your environment) differs from the config's: the gateway uses the config's, clients may send the variable",
    },
    CheckDef {
        id: "host.env_file_missing",
        area: "host",
        severity: Severity::Error,
        explain: "an EnvironmentFile= of the gateway's unit is missing (systemd refuses to start it; info when optional)",
    },
    CheckDef {
        id: "host.port_conflict",
        area: "host",
        severity: Severity::Error,
        explain: "another gateway on this host uses the same port: only one of them can listen",
    },
    CheckDef {
        id: "host.other_gateways",
        area: "host",
        severity: Severity::Info,
        explain: "more gateways run on this host (check them all with check --all)",
    },
    CheckDef {
        id: "host.restart_pending",
        area: "host",
        severity: Severity::Info,
        explain: "the config changed after the running gateway started: gateway.* changes need a restart",
    },
];
