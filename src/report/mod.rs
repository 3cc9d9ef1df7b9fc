//! One `Report` value per run, rendered last as text or JSON.

pub mod diff;
pub mod explain;
pub mod json;
pub mod junit;
pub mod next;
pub mod prometheus;
pub mod style;
pub mod text;
pub mod text_compact;
pub mod text_fix;

use crate::checks::{CheckResult, Finding, Severity};
use crate::config::{Discovered, Format};
pub use crate::fix::{FileDiff, FixOutcome, Patch, Written};
pub use crate::repair::{Approval, RepairOutcome, RestartOutcome};
use serde::Serialize;
use std::path::PathBuf;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone)]
pub struct ConfigInfo {
    pub path: PathBuf,
    pub format: Format,
    pub source: &'static str,
    pub reason: String,
    pub legacy: Option<String>,
    /// Included files, in load order.
    pub includes: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }
}

/// The gateway of this host that reads the checked config (#13).
#[derive(Debug, Clone, Serialize)]
pub struct GatewayInfo {
    /// A short name: the unit, else `pid N`, else the profile.
    pub name: String,
    /// For people: "pid 812 (user openclaw, unit openclaw.service)".
    pub label: String,
    pub running: bool,
    pub pid: Option<u32>,
    pub user: Option<String>,
    pub unit: Option<String>,
    /// `system` or `user`.
    pub unit_scope: Option<&'static str>,
    pub unit_file: Option<PathBuf>,
    /// Where it listens (all its TCP sockets).
    pub listening: Vec<String>,
    /// Its WebSocket port, as found (lock file, socket) or set (`--port` in its unit).
    pub port: Option<u16>,
    /// Where its environment was read: `process`, `unit`, `this user`, `unknown`.
    pub environment: &'static str,
    /// The lock file it holds, which recorded its config.
    pub lock_file: Option<PathBuf>,
}

impl GatewayInfo {
    pub fn of(g: &crate::host::gateways::FoundGateway) -> GatewayInfo {
        use crate::host::gateways::EnvSource;
        use crate::host::units::Scope;
        GatewayInfo {
            name: g.name(),
            label: g.label(),
            running: g.running(),
            pid: g.pid(),
            user: g.user.clone(),
            unit: g.unit.as_ref().map(|u| u.name.clone()),
            unit_scope: g.unit.as_ref().map(|u| match u.scope {
                Scope::System => "system",
                Scope::User { .. } => "user",
            }),
            unit_file: g.unit.as_ref().map(|u| u.path.clone()),
            listening: g.listening().iter().map(|a| a.to_string()).collect(),
            port: g.listen_port().or_else(|| g.port_arg().map(|(p, _)| p)),
            environment: match g.env_source {
                EnvSource::Process => "process",
                EnvSource::Unit => "unit",
                EnvSource::Doctor => "this user",
                EnvSource::Unknown(_) => "unknown",
            },
            lock_file: g.lock.as_ref().map(|l| l.file.clone()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub command: &'static str,
    pub discovered: Discovered,
    pub config: Option<ConfigInfo>,
    /// The gateway of this host that reads the config, when one was found.
    pub gateway: Option<GatewayInfo>,
    pub checks: Vec<CheckResult>,
    pub findings: Vec<Finding>,
    pub fix: Option<FixOutcome>,
    pub fail_on: Severity,
    pub next_step: Option<String>,
    /// `None` when no probe ran (`--offline`, `fix`).
    pub probes: Option<Vec<crate::probe::ProbeResult>>,
    /// Things done on the side (e.g. pairing requests rejected after `--deep`).
    pub notes: Vec<String>,
    /// Pending pairing requests, when listed (`Err`: why they could not be).
    pub devices: Option<std::result::Result<crate::openclaw::devices::DeviceState, String>>,
    /// What the gateway log showed (`None` when it was not read).
    pub logs: Option<crate::openclaw::log::LogEvidence>,
    /// `fix --restart` / `--approve-repairs`: what was done and the verification.
    pub repair: Option<RepairOutcome>,
    /// Flags a suggested next command repeats (`--only`, `--skip`, `--proxy-config`, …).
    pub rerun: Vec<String>,
}

impl Report {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings)
    }

    /// True when no finding is at or above `--fail-on`.
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(|f| f.severity >= self.fail_on)
    }

    /// Exit code: 0 ok, 1 findings at/above `--fail-on` (or, for `fix` without `--apply`,
    /// patches pending).
    pub fn exit_code(&self) -> u8 {
        use crate::error::{EXIT_FINDINGS, EXIT_OK};
        if let Some(repair) = &self.repair {
            let failed_approval = repair.approved.iter().any(|a| !a.ok);
            return if repair.gateway_down || failed_approval || !self.ok() {
                EXIT_FINDINGS
            } else {
                EXIT_OK
            };
        }
        match &self.fix {
            Some(fix) if !fix.applied => {
                if fix.diffs.is_empty() {
                    EXIT_OK
                } else {
                    EXIT_FINDINGS
                }
            }
            Some(fix) if !fix.pending.is_empty() => EXIT_FINDINGS,
            _ => {
                if self.ok() {
                    EXIT_OK
                } else {
                    EXIT_FINDINGS
                }
            }
        }
    }
}
