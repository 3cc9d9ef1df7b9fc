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
    /// The gateway of this host that reads the config, when one was found: restarted through
    /// whatever runs it.
    pub gateway: Option<&'a crate::host::gateways::FoundGateway>,
    /// Where the host is read (to find the process that answers after the restart).
    pub root: crate::host::HostRoot,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RestartOutcome {
    pub command: String,
    /// What runs the gateway, so what restarted it: `systemd system unit X`, `systemd user
    /// unit X of U`, `openclaw gateway restart`, `--restart-cmd`.
    pub manager: String,
    pub ok: bool,
    pub elapsed_ms: u64,
    /// A new gateway process (or boot) answered hello-ok within --timeout.
    pub came_back: bool,
    /// The gateway before and after: pid and hello-ok's boot id (2026.9+) where known.
    pub before: Incarnation,
    pub after: Incarnation,
    pub detail: String,
}

/// One run of a gateway: its process and its boot (an in-process restart keeps the pid and
/// changes the boot id).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Incarnation {
    /// A gateway answered hello-ok.
    #[serde(skip)]
    pub answered: bool,
    pub pid: Option<u32>,
    #[serde(skip)]
    pub start_ticks: Option<u64>,
    pub boot_id: Option<String>,
}

impl Incarnation {
    /// Whether `now` is another run than `self`: by boot id when both have one, else by
    /// process (pid and start time); `None` when nothing tells. When nothing answered before
    /// (the gateway was down), whatever answers now is new.
    pub fn replaced_by(&self, now: &Incarnation) -> Option<bool> {
        if !self.answered {
            return Some(true);
        }
        if let (Some(a), Some(b)) = (&self.boot_id, &now.boot_id) {
            return Some(a != b);
        }
        if let (Some(a), Some(b)) = (self.pid, now.pid) {
            return Some(a != b || self.start_ticks != now.start_ticks);
        }
        None
    }
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
