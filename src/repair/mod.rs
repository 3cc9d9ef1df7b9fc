//! The repair loop that `fix --restart` / `--approve-repairs` runs after the patches: restart
//! the gateway and wait for it to answer, approve repair requests by exact id (watching for new
//! ones), and judge the verification that follows.

pub mod approve;
pub mod restart;
pub mod verdict;

use crate::cli::FixArgs;
use crate::config::{ConfigSet, Discovered, Env};
use crate::error::Result;
use crate::openclaw::cli::OpenclawCli;
use crate::redact::Redactor;

/// What the repair loop needs besides its flags.
pub struct RepairContext<'a> {
    pub env: &'a Env,
    pub openclaw: &'a OpenclawCli,
    pub discovered: &'a Discovered,
    pub quiet_progress: bool,
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

/// Restarts (with `--restart`), then approves (with `--approve-repairs`, once the gateway is
/// back). `cfg` is the config as written now, after the patches.
pub fn run(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &RepairContext,
    redactor: &mut Redactor,
) -> Result<RepairOutcome> {
    let mut repair = RepairOutcome::default();
    if args.restart {
        repair.restart = Some(restart::restart(args, cfg, ctx, redactor)?);
    }
    if args.approve_repairs && repair.restart.as_ref().is_none_or(|r| r.came_back) {
        approve::approve_repairs(args, ctx, &mut repair);
    }
    Ok(repair)
}
