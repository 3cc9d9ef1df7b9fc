//! `fix --approve-repairs [--watch]`: approve pending *repair* requests (already-paired
//! devices asking for more) by exact id, re-listing right before each approval; new devices
//! are listed, never approved.

use super::{Approval, RepairContext, RepairOutcome};
use crate::cli::FixArgs;
use crate::gather;
use crate::openclaw::devices::{self, PendingRequest};
use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by Ctrl-C while `--watch` runs.
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            rt.block_on(async {
                if tokio::signal::ctrl_c().await.is_ok() {
                    f.store(true, Ordering::SeqCst);
                }
            });
        }
    });
    flag
}

fn ask(question: &str) -> bool {
    let _ = write!(std::io::stderr(), "{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim(), "y" | "Y" | "yes" | "YES")
}

pub fn approve_repairs(args: &FixArgs, ctx: &RepairContext, repair: &mut RepairOutcome) {
    let state_dir = ctx.discovered.state_dir.clone();
    let until = Instant::now() + args.watch.unwrap_or(Duration::ZERO);
    let interrupted = if args.watch.is_some() {
        Some(interrupt_flag())
    } else {
        None
    };
    let mut handled: Vec<String> = Vec::new();
    let spinner = args.watch.and_then(|w| {
        gather::spinner(
            format!(
                "watching for repair requests for {} s (Ctrl-C stops)",
                w.as_secs()
            ),
            ctx.quiet_progress,
        )
    });
    loop {
        match devices::list(ctx.openclaw, &state_dir) {
            Ok(state) => {
                let fresh: Vec<&PendingRequest> = state
                    .pending
                    .iter()
                    .filter(|r| {
                        r.is_repair
                            && r.expires_in_ms(gather::now_ms())
                                .is_some_and(|left| left > 0)
                            && !handled.contains(&r.request_id)
                    })
                    .collect();
                for r in fresh {
                    handled.push(r.request_id.clone());
                    repair
                        .approved
                        .push(approve_one(r, args, ctx, &state_dir, spinner.as_ref()));
                }
                for r in state.pending.iter().filter(|r| !r.is_repair) {
                    if !repair
                        .left_alone
                        .iter()
                        .any(|l| l.request_id == r.request_id)
                    {
                        repair.left_alone.push(r.clone());
                    }
                }
            }
            Err(e) if args.watch.is_none() => {
                repair.approved.push(Approval {
                    request_id: "-".into(),
                    device_id: String::new(),
                    remote_ip: None,
                    scopes: vec![],
                    ok: false,
                    detail: format!("cannot list devices: {e}"),
                });
            }
            Err(_) => {}
        }
        let stop = interrupted
            .as_ref()
            .is_some_and(|f| f.load(Ordering::SeqCst));
        if args.watch.is_none() || stop || Instant::now() >= until {
            break;
        }
        std::thread::sleep(
            Duration::from_millis(1000).min(until.saturating_duration_since(Instant::now())),
        );
    }
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
}

/// Approves one repair request by exact id, re-listing right before (a retry by the same
/// device supersedes the id).
fn approve_one(
    r: &PendingRequest,
    args: &FixArgs,
    ctx: &RepairContext,
    state_dir: &std::path::Path,
    spinner: Option<&indicatif::ProgressBar>,
) -> Approval {
    let mut approval = Approval {
        request_id: r.request_id.clone(),
        device_id: r.device_id.clone(),
        remote_ip: r.remote_ip.clone(),
        scopes: r.scopes.clone(),
        ok: false,
        detail: String::new(),
    };
    if !args.yes {
        let question = format!(
            "approve repair request {} from device {}… ({}) for [{}] from {}?",
            r.request_id,
            r.short_device(),
            r.client_id.as_deref().unwrap_or("?"),
            r.scopes.join(", "),
            r.remote_ip.as_deref().unwrap_or("?")
        );
        let answer = match spinner {
            Some(s) => s.suspend(|| ask(&question)),
            None => ask(&question),
        };
        if !answer {
            approval.detail = "declined".into();
            return approval;
        }
    }
    // Right before approving: the same id must still be a live repair request (a retry by the
    // device supersedes it; an answer that took long may have let it expire).
    let now = gather::now_ms();
    match devices::list(ctx.openclaw, state_dir) {
        Ok(s) => {
            let live = s.pending.iter().any(|p| {
                p.request_id == r.request_id
                    && p.is_repair
                    && p.expires_in_ms(now).is_some_and(|left| left > 0)
            });
            if !live {
                approval.detail =
                    "superseded or expired before approval (a newer request replaces it)".into();
                return approval;
            }
        }
        Err(e) => {
            approval.detail =
                format!("not approved: cannot re-list devices right before approving: {e}");
            return approval;
        }
    }
    match ctx
        .openclaw
        .run(&["devices", "approve", &r.request_id, "--json"])
    {
        Ok(_) => {
            approval.ok = true;
            approval.detail = "approved".into();
        }
        Err(e) => approval.detail = e.to_string(),
    }
    approval
}
