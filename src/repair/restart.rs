//! `fix --restart`: restart the gateway through whatever runs it (`systemctl restart` for a
//! system unit, `systemctl --user` for a user unit, `openclaw gateway restart` otherwise;
//! `--restart-cmd` wins), then wait until a *new* gateway answers hello-ok within `--timeout`:
//! another process, or (an in-process restart) another boot id. The gateway that answered
//! before is never taken for the restarted one.

use super::{Incarnation, RepairContext, RestartOutcome};
use crate::cli::FixArgs;
use crate::config::ConfigSet;
use crate::error::{Error, Result};
use crate::gather;
use crate::host::units::Scope;
use crate::openclaw::cli::OpenclawCli;
use crate::probe::{Outcome, ProbeResult, Side};
use crate::redact::Redactor;
use std::io::Write;
use std::time::{Duration, Instant};

/// How long `--restart` waits for the gateway when `--timeout` is not given.
pub const DEFAULT_RESTART_WAIT: Duration = Duration::from_secs(90);
/// How long the restart command itself may run (in its own process group).
const RESTART_COMMAND_LIMIT: Duration = Duration::from_secs(120);

/// The program, its arguments, how the command is shown and what it restarts through.
struct RestartCommand {
    program: String,
    argv: Vec<String>,
    shown: String,
    manager: String,
}

fn restart_command(args: &FixArgs, ctx: &RepairContext) -> Result<RestartCommand> {
    if let Some(cmd) = &args.restart_cmd {
        return Ok(if args.restart_shell {
            RestartCommand {
                program: "sh".into(),
                argv: vec!["-c".into(), cmd.clone()],
                shown: format!("sh -c {cmd:?}"),
                manager: "--restart-cmd".into(),
            }
        } else {
            let words = crate::process::split_command(cmd).ok_or_else(|| {
                Error::Usage(format!("--restart-cmd {cmd:?}: unbalanced quotes or empty"))
            })?;
            RestartCommand {
                program: words[0].clone(),
                argv: words[1..].to_vec(),
                shown: cmd.clone(),
                manager: "--restart-cmd".into(),
            }
        });
    }
    if let Some(unit) = ctx.gateway.and_then(|g| g.unit.as_ref()) {
        // A unit read under OPENCLAW_DOCTOR_HOST_ROOT is not this host's: never restart it.
        if !ctx.root.is_real() {
            return Err(Error::Usage(format!(
                "the gateway's unit {} was read under OPENCLAW_DOCTOR_HOST_ROOT, not from this host: not restarting it; pass --restart-cmd",
                unit.name
            )));
        }
        let (argv, manager) = match &unit.scope {
            Scope::System => (
                vec!["restart".to_string(), unit.name.clone()],
                format!("systemd system unit {}", unit.name),
            ),
            Scope::User { user, uid } => {
                // As that user's own manager: directly when it is us, else through
                // `--machine USER@` (systemd 248+).
                let mut argv = vec!["--user".to_string()];
                if *uid != current_uid() {
                    argv.push(format!("--machine={user}@"));
                }
                argv.extend(["restart".to_string(), unit.name.clone()]);
                (argv, format!("systemd user unit {} of {user}", unit.name))
            }
        };
        return Ok(RestartCommand {
            shown: format!("systemctl {}", argv.join(" ")),
            program: "systemctl".into(),
            argv,
            manager,
        });
    }
    let mut argv = Vec::new();
    if let Some(p) = &ctx.discovered.profile {
        argv.extend(["--profile".to_string(), p.clone()]);
    }
    argv.extend(["gateway".to_string(), "restart".to_string()]);
    let program = ctx.openclaw.program.display().to_string();
    Ok(RestartCommand {
        shown: format!("{program} {}", argv.join(" ")),
        program,
        argv,
        manager: "openclaw gateway restart".into(),
    })
}

fn current_uid() -> u32 {
    // SAFETY: getuid(2) cannot fail and touches no memory.
    unsafe { libc::getuid() }
}

pub fn restart(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &RepairContext,
    redactor: &mut Redactor,
) -> Result<RestartOutcome> {
    let command = restart_command(args, ctx)?;
    let before = current(args, cfg, ctx, redactor, Duration::from_secs(2))?;
    // Show the command before running it.
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        redactor.redact(&format!(
            "openclaw-doctor: restarting the gateway ({}): {}",
            command.manager, command.shown
        ))
    );
    let start = Instant::now();
    // The openclaw CLI runs as the gateway's user; systemctl and --restart-cmd as we are.
    let as_cli = command.manager == "openclaw gateway restart";
    let runner = OpenclawCli {
        program: command.program.into(),
        env: ctx.openclaw.env.clone(),
        timeout: RESTART_COMMAND_LIMIT,
        run_as: ctx.openclaw.run_as.filter(|_| as_cli),
        cwd: ctx.openclaw.cwd.clone().filter(|_| as_cli),
    };
    let argv: Vec<&str> = command.argv.iter().map(String::as_str).collect();
    let mut outcome = RestartOutcome {
        command: command.shown,
        manager: command.manager,
        before: before.0.clone(),
        ..Default::default()
    };
    if let Err(e) = runner.run_detached(&argv) {
        outcome.elapsed_ms = start.elapsed().as_millis() as u64;
        outcome.detail = e.to_string();
        return Ok(outcome);
    }
    outcome.ok = true;
    let wait = args.probe.timeout.unwrap_or(DEFAULT_RESTART_WAIT);
    match wait_for_new(args, cfg, ctx, redactor, wait, &before.0)? {
        Ok((detail, after)) => {
            outcome.came_back = true;
            outcome.detail = detail;
            outcome.after = after;
        }
        Err((last, after)) => {
            outcome.detail = if last.starts_with("the gateway that answers") {
                format!("after {} s, {last}", wait.as_secs())
            } else {
                format!("no hello-ok within {} s (last: {last})", wait.as_secs())
            };
            outcome.after = after.unwrap_or_default();
        }
    }
    outcome.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(outcome)
}

/// The gateway answering now: the local probe once (`timeout`), and the process that listens
/// on its port.
fn current(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &RepairContext,
    redactor: &mut Redactor,
    timeout: Duration,
) -> Result<(Incarnation, Option<ProbeResult>)> {
    let mut probe_args = args.probe.clone();
    probe_args.urls.clear();
    probe_args.timeout = Some(timeout);
    let results = gather::probes(
        &probe_args,
        false,
        Some(cfg),
        ctx.discovered,
        ctx.env,
        redactor,
        true,
        None,
    )?;
    let local = results.into_iter().find(|p| p.target == Side::Local);
    let mut now = Incarnation {
        answered: local
            .as_ref()
            .is_some_and(|p| p.outcome == Outcome::HelloOk),
        boot_id: local
            .as_ref()
            .filter(|p| p.outcome == Outcome::HelloOk)
            .and_then(|p| p.boot_id.clone()),
        ..Incarnation::default()
    };
    if let Some(port) = local.as_ref().and_then(|p| port_of(&p.url)) {
        let procs =
            crate::host::procfs::scan(&ctx.root, &crate::host::users::Users::read(&ctx.root));
        if let Some(p) = procs.gateways.iter().find(|p| {
            p.listening
                .ok()
                .is_some_and(|l| l.iter().any(|a| a.port() == port))
        }) {
            now.pid = Some(p.pid);
            now.start_ticks = Some(p.start_ticks);
        }
    }
    Ok((now, local))
}

fn port_of(url: &str) -> Option<u16> {
    crate::net::split_url(url)?.port?.parse().ok()
}

/// Probes until a gateway that is not `before` answers hello-ok (`Ok`), or `wait` runs out
/// (`Err(what was last seen)`).
#[allow(clippy::type_complexity)]
fn wait_for_new(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &RepairContext,
    redactor: &mut Redactor,
    wait: Duration,
    before: &Incarnation,
) -> Result<std::result::Result<(String, Incarnation), (String, Option<Incarnation>)>> {
    let deadline = Instant::now() + wait;
    let spinner = gather::spinner(
        "waiting for a new gateway to answer hello-ok".into(),
        ctx.quiet_progress,
    );
    let mut last: String;
    let mut seen: Option<Incarnation>;
    // Without a boot id or a readable process, only seeing it down and then up proves a restart.
    let mut down_seen = false;
    let answer = loop {
        let timeout = deadline
            .saturating_duration_since(Instant::now())
            .min(Duration::from_secs(3))
            .max(Duration::from_millis(200));
        let (now, local) = current(args, cfg, ctx, redactor, timeout)?;
        match local {
            None => break Err(("no local gateway to probe (mode remote)".to_string(), None)),
            Some(p) if p.outcome == Outcome::HelloOk => match before.replaced_by(&now) {
                Some(true) => {
                    let how = format!("a new gateway answers: {}", describe_change(before, &now));
                    break Ok((format!("{how}; {}", p.detail), now));
                }
                None if down_seen => {
                    let how = "the gateway went down and a gateway answers again (no boot id, its process not readable: whether it is another could not be told otherwise)";
                    break Ok((format!("{how}; {}", p.detail), now));
                }
                Some(false) => {
                    last = format!(
                        "the gateway that answers is still the one from before the restart ({}): the restart did not replace it",
                        describe(&now)
                    );
                }
                None => {
                    last = "the gateway that answers could not be told from the one before the restart (no boot id, its process not readable: run as root or as the gateway's user)".into();
                }
            },
            Some(p) => {
                down_seen = true;
                last = format!("{}: {}", p.outcome.name(), p.detail);
            }
        }
        seen = Some(now);
        if Instant::now() >= deadline {
            break Err((last, seen));
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    Ok(answer)
}

fn describe(i: &Incarnation) -> String {
    match (i.pid, &i.boot_id) {
        (Some(pid), Some(boot)) => format!("pid {pid}, boot {boot}"),
        (Some(pid), None) => format!("pid {pid}"),
        (None, Some(boot)) => format!("boot {boot}"),
        (None, None) => "unknown".into(),
    }
}

fn describe_change(before: &Incarnation, now: &Incarnation) -> String {
    if before.pid.is_none() && before.boot_id.is_none() {
        return format!("{} (none answered before)", describe(now));
    }
    let pid = match (before.pid, now.pid) {
        (Some(a), Some(b)) if a != b => Some(format!("pid {a} → {b}")),
        (Some(a), Some(_)) => Some(format!("pid {a} (restarted in place)")),
        _ => None,
    };
    let boot = match (&before.boot_id, &now.boot_id) {
        (Some(a), Some(b)) if a != b => Some("a new boot id".to_string()),
        _ => None,
    };
    [pid, boot]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inc(pid: Option<u32>, start: Option<u64>, boot: Option<&str>) -> Incarnation {
        Incarnation {
            answered: true,
            pid,
            start_ticks: start,
            boot_id: boot.map(str::to_string),
        }
    }

    #[test]
    fn a_new_gateway_is_another_boot_or_another_process() {
        let old = inc(Some(10), Some(100), Some("a"));
        // In-process restart (2026.9): same pid, new boot id.
        assert_eq!(
            old.replaced_by(&inc(Some(10), Some(100), Some("b"))),
            Some(true)
        );
        // The same boot answering: not restarted, whatever the process looks like.
        assert_eq!(
            old.replaced_by(&inc(Some(11), Some(5), Some("a"))),
            Some(false)
        );
        // 2026.2 (no boot id): by process, a reused pid told by its start time.
        let old = inc(Some(10), Some(100), None);
        assert_eq!(
            old.replaced_by(&inc(Some(10), Some(100), None)),
            Some(false)
        );
        assert_eq!(old.replaced_by(&inc(Some(10), Some(900), None)), Some(true));
        assert_eq!(old.replaced_by(&inc(Some(12), Some(100), None)), Some(true));
        // Nothing answered before: whatever answers is new.
        assert_eq!(
            Incarnation::default().replaced_by(&inc(None, None, None)),
            Some(true)
        );
        // A boot id before, neither now: cannot tell.
        assert_eq!(
            inc(None, None, Some("a")).replaced_by(&inc(None, None, None)),
            None
        );
    }
}
