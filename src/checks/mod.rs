//! Checks: pure functions from gathered facts to findings. Each check has a stable id (a
//! contract with CI users, listed in README and `--help`).

mod bind;
mod config;
mod devices;
mod logs;
mod probes;
pub mod proxy;
mod remote_url;
pub mod select;
mod skip;
pub mod values;

use crate::config::{ConfigSet, Discovered, DocId, EditValue, Env};
use crate::probe::ProbeResult;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Everything the checks look at, gathered before any check runs.
pub struct Facts<'a> {
    pub discovered: &'a Discovered,
    pub config: Option<&'a ConfigSet>,
    pub env: &'a Env,
    /// `None` when the probes did not run (`--offline`).
    pub probes: Option<&'a [ProbeResult]>,
    /// `--insecure` was given.
    pub insecure: bool,
    /// Pending pairing requests, when they were listed (`Err` says why they could not be).
    pub devices: Option<&'a Result<crate::openclaw::devices::DeviceState, String>>,
    /// What the gateway log showed, and the window read ("24 h").
    pub logs: Option<(&'a crate::openclaw::log::LogEvidence, &'a str)>,
    /// The reverse proxy's configuration, when read (`Err`: why it could not be).
    pub proxy: Option<&'a Result<crate::proxy::ProxyFacts, String>>,
    /// Now, in ms since the epoch (for request ages; a fact like any other).
    pub now_ms: u64,
    /// Why an area's facts were not gathered (area → reason), e.g. `("probes", "--offline")`.
    pub not_gathered: &'a [(&'static str, String)],
}

#[derive(Debug, Clone, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// A change a check proposes: set `path` in file `doc` to `to`.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    #[serde(skip)]
    pub doc: DocId,
    #[serde(skip)]
    pub keys: Vec<String>,
    pub file: PathBuf,
    pub path: String,
    /// The current value as written (`"local"`), for people.
    pub from: Option<String>,
    /// The current value as data, for `--format json`.
    pub from_value: Option<serde_json::Value>,
    pub to: EditValue,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The key path (`gateway.bind`), or `env:NAME` for an environment variable.
    pub path: Option<String>,
    #[serde(flatten)]
    pub location: Option<Location>,
    pub hint: Option<String>,
    pub fix: Option<Proposal>,
    /// What was observed that supports the finding (probe outcomes, log lines…).
    pub evidence: Vec<String>,
}

impl Finding {
    fn new(id: &'static str, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            id,
            severity,
            message: message.into(),
            path: None,
            location: None,
            hint: None,
            fix: None,
            evidence: Vec::new(),
        }
    }

    fn evidence(mut self, line: impl Into<String>) -> Self {
        self.evidence.push(line.into());
        self
    }

    fn path(mut self, path: &str) -> Self {
        self.path = Some(path.to_string());
        self
    }

    fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn fix(mut self, fix: Option<Proposal>) -> Self {
        self.fix = fix;
        self
    }
}

/// The checks in report order, with the text `--help` and README show.
pub struct CheckDef {
    pub id: &'static str,
    pub area: &'static str,
    /// The severity its findings usually have (a stable label for metrics).
    pub severity: Severity,
    pub explain: &'static str,
}

pub const CHECKS: &[CheckDef] = &[
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
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Info,
    Warning,
    Error,
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub status: Status,
    /// Why a check was skipped ("--offline", "no external URL to probe…"); `None` otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl CheckResult {
    pub fn status_name(&self) -> &'static str {
        match self.status {
            Status::Pass => "pass",
            Status::Info => "info",
            Status::Warning => "warning",
            Status::Error => "error",
            Status::Skipped => "skipped",
        }
    }
}

/// Runs every check; findings come back in the order of `CHECKS`.
pub fn run(facts: &Facts) -> (Vec<CheckResult>, Vec<Finding>) {
    let mut findings = Vec::new();
    config::check(facts, &mut findings);
    let ran_config_checks = facts.config.is_some();
    let view = facts.config.map(|cfg| {
        let mut view = crate::config::view::GatewayView::new(
            cfg,
            facts.env,
            facts.discovered.profile.as_deref(),
        );
        view.gateway_answers_locally = facts.probes.is_some_and(|probes| {
            probes.iter().any(|p| {
                p.target == crate::probe::Side::Local
                    && !p.deep
                    && p.outcome == crate::probe::Outcome::HelloOk
            })
        });
        view
    });
    if let Some(view) = &view {
        bind::check(view, &mut findings);
        remote_url::check(view, &mut findings);
    }
    if let Some(probes) = facts.probes {
        probes::check(view.as_ref(), probes, facts.insecure, &mut findings);
    }
    if let Some(devices) = facts.devices {
        devices::check(devices, facts.now_ms, &mut findings);
    }
    if let Some(proxy) = facts.proxy {
        let probed: Vec<String> = facts
            .probes
            .map(|ps| {
                ps.iter()
                    .filter(|p| p.target == crate::probe::Side::External)
                    .map(|p| p.url.clone())
                    .collect()
            })
            .unwrap_or_default();
        proxy::check(view.as_ref(), proxy, &probed, &mut findings);
    }
    if let Some((logs, window)) = facts.logs {
        logs::check(logs, window, &mut findings);
    }
    let order = |id: &str| CHECKS.iter().position(|c| c.id == id).unwrap_or(usize::MAX);
    findings.sort_by_key(|f| order(f.id));
    let results = CHECKS
        .iter()
        .map(|def| {
            let worst = findings
                .iter()
                .filter(|f| f.id == def.id)
                .map(|f| f.severity)
                .max();
            let (status, reason) = match worst {
                Some(Severity::Error) => (Status::Error, None),
                Some(Severity::Warning) => (Status::Warning, None),
                Some(Severity::Info) => (Status::Info, None),
                None => match skip::why_not_run(def, facts, ran_config_checks) {
                    Some(reason) => (Status::Skipped, Some(reason)),
                    None => (Status::Pass, None),
                },
            };
            CheckResult {
                id: def.id,
                status,
                reason,
            }
        })
        .collect();
    (results, findings)
}
