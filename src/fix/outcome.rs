//! What `fix` did: the patches, their diffs, what was written and what is still pending.

use super::Patch;
pub use super::apply::Written;
use crate::checks::Finding;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct FileDiff {
    pub path: PathBuf,
    pub old: String,
    pub new: String,
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
