//! One `Report` value per run, rendered last as text or JSON.

pub mod json;
pub mod junit;
pub mod prometheus;
pub mod style;
pub mod text;

use crate::checks::{CheckResult, Finding, Severity};
use crate::config::{Discovered, Format};
use crate::fix::Patch;
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

#[derive(Debug, Clone)]
pub struct FileDiff {
    pub path: PathBuf,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub backup: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct FixOutcome {
    pub patches: Vec<Patch>,
    pub diffs: Vec<FileDiff>,
    /// Something was written (`--apply`, or `--apply-proxy` with nginx changes).
    pub applied: bool,
    pub written: Vec<Written>,
    /// Files with changes shown but not written (e.g. the config's with `--apply-proxy` only).
    pub pending: Vec<PathBuf>,
    /// Findings present before the patches and gone after (only with `--apply`).
    pub resolved: Vec<Finding>,
    /// Findings before the patches (the report's `findings` are those after).
    pub before: Vec<Finding>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub command: &'static str,
    pub discovered: Discovered,
    pub config: Option<ConfigInfo>,
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
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RestartOutcome {
    pub command: String,
    pub ok: bool,
    pub elapsed_ms: u64,
    /// The local probe answered hello-ok again within --timeout.
    pub came_back: bool,
    pub detail: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Approval {
    pub request_id: String,
    pub device_id: String,
    pub remote_ip: Option<String>,
    pub scopes: Vec<String>,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct RepairOutcome {
    pub restart: Option<RestartOutcome>,
    pub approved: Vec<Approval>,
    /// New devices seen while approving (listed, never approved).
    pub left_alone: Vec<crate::openclaw::devices::PendingRequest>,
    /// "fixed", "still failing: …" or "gateway did not come back: …".
    pub verdict: Option<String>,
    pub fixed: Vec<String>,
    pub still_failing: Vec<String>,
    /// The gateway did not answer hello-ok after the restart.
    pub gateway_down: bool,
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
