//! One `Report` value per run, rendered last as text or JSON.

pub mod json;
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
    pub applied: bool,
    pub written: Vec<Written>,
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
        match &self.fix {
            Some(fix) if !fix.applied => {
                if fix.diffs.is_empty() {
                    EXIT_OK
                } else {
                    EXIT_FINDINGS
                }
            }
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
