//! Checks: pure functions from gathered facts to findings. Each check has a stable id (a
//! contract with CI users, listed in README and `--help`).

mod attribution;
mod auth;
mod bind;
mod catalog;
mod catalog_host;
mod catalog_logs;
mod config;
mod devices;
pub mod explain;
mod host;
mod host_env;
mod host_skip;
mod log_rules;
mod logs;
mod probes;
pub mod proxy;
mod remote_url;
mod rules;
mod schema;
pub mod select;
mod skip;
mod startup;
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
    /// OpenClaw's schema to judge the whole config by.
    pub schema: Option<&'a crate::schema::Schema>,
    /// This host, as far as the gateway's start depends on it.
    pub host: Option<&'a crate::host::HostFacts>,
    /// The gateways found on this host (`None`: not scanned; `not_gathered` says why).
    pub scan: Option<&'a crate::host::gateways::HostScan>,
    /// The one of them this config belongs to.
    pub gateway: Option<&'a crate::host::gateways::FoundGateway>,
    /// This user's own environment: what the `openclaw` commands run from here send and dial.
    pub client_env: &'a Env,
    /// The newest modification of the config's files (ms since the epoch), and that file.
    pub config_changed: Option<(u64, PathBuf)>,
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

pub use catalog::{CHECKS, CheckDef};

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

/// The OpenClaw version the start-up guards judge against: the local gateway's own (hello-ok)
/// when it answered with one, else the schema's.
fn running_version(probes: Option<&[ProbeResult]>, schema: &crate::schema::Schema) -> String {
    probes
        .into_iter()
        .flatten()
        .filter(|p| p.target == crate::probe::Side::Local)
        .filter_map(|p| p.server_version.as_deref())
        .find(|v| startup::version(v).is_some())
        .map(str::to_string)
        .or_else(|| schema.version.clone())
        .unwrap_or_default()
}

/// The host checks, when the gateway of this config was found on this host.
fn host_checks(
    facts: &Facts,
    view: &crate::config::view::GatewayView,
    findings: &mut Vec<Finding>,
) {
    if let (Some(scan), Some(gateway)) = (facts.scan, facts.gateway) {
        host::check(
            &host::HostView {
                scan,
                gateway,
                view,
                client_env: facts.client_env,
                version: gateway_version(facts.probes, view),
                config_changed: facts.config_changed.clone(),
            },
            findings,
        );
    }
}

/// The version of the gateway itself: its hello-ok's (2026.2.x says "dev"), else the config's
/// `meta.lastTouchedVersion`; `None` when neither tells.
fn gateway_version(
    probes: Option<&[ProbeResult]>,
    view: &crate::config::view::GatewayView,
) -> Option<(u32, u32, u32)> {
    probes
        .into_iter()
        .flatten()
        .filter(|p| p.target == crate::probe::Side::Local && !p.deep)
        .find_map(|p| {
            p.server_version
                .as_deref()
                .and_then(crate::openclaw::version::parse)
        })
        .or_else(|| {
            view.string("meta.lastTouchedVersion")
                .and_then(|(v, _)| crate::openclaw::version::parse(&v))
        })
}

/// The start-up guards as findings: "the gateway will refuse to start", in OpenClaw's words.
fn startup_findings(
    cfg: &ConfigSet,
    merged: &crate::config::merged::Merged,
    env: &Env,
    host: &crate::host::HostFacts,
    running: &str,
    existing: &[Finding],
    out: &mut Vec<Finding>,
) {
    let raw = cfg.merged_raw();
    let auth = auth::Auth::resolve(&raw.value, &merged.value, env);
    let allow_older = env
        .get("OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS")
        .is_some();
    for t in startup::tripped(&merged.value, &auth, host, running, allow_older) {
        let explained = existing
            .iter()
            .any(|f| f.severity == Severity::Error && f.path.as_deref() == Some(t.path.as_str()));
        if explained {
            continue;
        }
        let remote_client = (t.id == "startup.mode_not_local")
            .then(|| remote_client_of(&merged.value))
            .flatten();
        let severity = match (t.id, &remote_client) {
            // A client of another host's gateway is what `mode: "remote"` is for.
            (_, Some(Some(_))) => Severity::Info,
            ("startup.mode_not_local", _) => Severity::Warning,
            _ => Severity::Error,
        };
        let problem = match remote_client {
            Some(Some(host)) => format!(
                "a client of the gateway on {host}: no gateway starts from this config; OpenClaw {running} says: \"{}\"",
                t.words
            ),
            _ => format!(
                "the gateway will refuse to start; OpenClaw {running} says: \"{}\"",
                t.words
            ),
        };
        let keys: Vec<String> = t.path.split('.').map(str::to_string).collect();
        out.push(
            Finding::new(t.id, severity, problem)
                .path(&t.path)
                .at(schema::locate(cfg, &keys))
                .hint(t.hint),
        );
    }
}

/// For `gateway.mode: "remote"`: `Some(Some(host))` when `gateway.remote.url` names another
/// host (a client's config), `Some(None)` when it is missing or loopback (clients are sent to
/// this host, where no gateway will start); `None` for any other mode.
pub fn remote_client_of(cfg: &serde_json::Value) -> Option<Option<String>> {
    if cfg.pointer("/gateway/mode").and_then(|m| m.as_str()) != Some("remote") {
        return None;
    }
    let url = cfg.pointer("/gateway/remote/url").and_then(|u| u.as_str());
    Some(
        url.and_then(|u| crate::net::split_url(u.trim()))
            .map(|p| p.host.to_string())
            .filter(|h| !crate::net::is_loopback_host(h)),
    )
}

/// Runs every check; findings come back in the order of `CHECKS`.
pub fn run(facts: &Facts) -> (Vec<CheckResult>, Vec<Finding>) {
    let mut findings = Vec::new();
    config::check(facts, &mut findings);
    let ran_config_checks = facts.config.is_some();
    let view = facts.config.map(|cfg| {
        let mut view = crate::config::view::GatewayView::of(cfg, facts.env, facts.discovered);
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
    if let (Some(cfg), Some(s)) = (facts.config, facts.schema) {
        let before = findings.clone();
        let merged = cfg.merged(facts.env);
        schema::check(cfg, &merged, s, &before, &mut findings);
        if let Some(host) = facts.host {
            let running = running_version(facts.probes, s);
            let before = findings.clone();
            startup_findings(
                cfg,
                &merged,
                facts.env,
                host,
                &running,
                &before,
                &mut findings,
            );
        }
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
    let running = facts.schema.map(|s| running_version(facts.probes, s));
    attribution::check(view.as_ref(), running.as_deref(), &mut findings);
    if let Some(view) = &view {
        host_checks(facts, view, &mut findings);
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
