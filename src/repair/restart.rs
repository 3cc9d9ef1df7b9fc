//! `fix --restart`: run the restart command (the openclaw CLI's `gateway restart`, or
//! `--restart-cmd`), then wait for the local probe's hello-ok within `--timeout`.

use super::{RepairContext, RestartOutcome};
use crate::cli::FixArgs;
use crate::config::ConfigSet;
use crate::error::{Error, Result};
use crate::gather;
use crate::openclaw::cli::OpenclawCli;
use crate::probe::{Outcome, Side};
use crate::redact::Redactor;
use std::io::Write;
use std::time::{Duration, Instant};

/// How long `--restart` waits for the gateway when `--timeout` is not given.
pub const DEFAULT_RESTART_WAIT: Duration = Duration::from_secs(90);
/// How long the restart command itself may run (in its own process group).
const RESTART_COMMAND_LIMIT: Duration = Duration::from_secs(120);

/// The program, its arguments and how the command is shown.
struct RestartCommand {
    program: String,
    argv: Vec<String>,
    shown: String,
}

fn restart_command(args: &FixArgs, ctx: &RepairContext) -> Result<RestartCommand> {
    Ok(match &args.restart_cmd {
        Some(cmd) if args.restart_shell => RestartCommand {
            program: "sh".into(),
            argv: vec!["-c".into(), cmd.clone()],
            shown: format!("sh -c {cmd:?}"),
        },
        Some(cmd) => {
            let words = crate::process::split_command(cmd).ok_or_else(|| {
                Error::Usage(format!("--restart-cmd {cmd:?}: unbalanced quotes or empty"))
            })?;
            RestartCommand {
                program: words[0].clone(),
                argv: words[1..].to_vec(),
                shown: cmd.clone(),
            }
        }
        None => {
            let mut argv = Vec::new();
            if let Some(p) = &ctx.discovered.profile {
                argv.extend(["--profile".to_string(), p.clone()]);
            }
            argv.extend(["gateway".to_string(), "restart".to_string()]);
            let program = ctx.openclaw.program.display().to_string();
            let shown = format!("{program} {}", argv.join(" "));
            RestartCommand {
                program,
                argv,
                shown,
            }
        }
    })
}

pub fn restart(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &RepairContext,
    redactor: &mut Redactor,
) -> Result<RestartOutcome> {
    let command = restart_command(args, ctx)?;
    // Show the command before running it.
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        redactor.redact(&format!(
            "openclaw-doctor: restarting the gateway: {}",
            command.shown
        ))
    );
    let start = Instant::now();
    let runner = OpenclawCli {
        program: command.program.into(),
        env: ctx.openclaw.env.clone(),
        timeout: RESTART_COMMAND_LIMIT,
    };
    let argv: Vec<&str> = command.argv.iter().map(String::as_str).collect();
    let mut outcome = RestartOutcome {
        command: command.shown,
        ..Default::default()
    };
    if let Err(e) = runner.run_detached(&argv) {
        outcome.elapsed_ms = start.elapsed().as_millis() as u64;
        outcome.detail = e.to_string();
        return Ok(outcome);
    }
    outcome.ok = true;
    let wait = args.probe.timeout.unwrap_or(DEFAULT_RESTART_WAIT);
    match wait_for_hello(args, cfg, ctx, redactor, wait)? {
        Ok(detail) => {
            outcome.came_back = true;
            outcome.detail = detail;
        }
        Err(last) => {
            outcome.detail = format!("no hello-ok within {} s (last: {last})", wait.as_secs())
        }
    }
    outcome.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(outcome)
}

/// Probes the local gateway until it answers hello-ok (`Ok(detail)`) or `wait` runs out
/// (`Err(the last outcome)`).
fn wait_for_hello(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &RepairContext,
    redactor: &mut Redactor,
    wait: Duration,
) -> Result<std::result::Result<String, String>> {
    let deadline = Instant::now() + wait;
    let spinner = gather::spinner(
        "waiting for the gateway to answer hello-ok".into(),
        ctx.quiet_progress,
    );
    let mut probe_args = args.probe.clone();
    probe_args.urls.clear();
    let mut last: String;
    let answer = loop {
        probe_args.timeout = Some(
            deadline
                .saturating_duration_since(Instant::now())
                .min(Duration::from_secs(3))
                .max(Duration::from_millis(200)),
        );
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
        match results.iter().find(|p| p.target == Side::Local) {
            Some(p) if p.outcome == Outcome::HelloOk => break Ok(p.detail.clone()),
            Some(p) => last = format!("{}: {}", p.outcome.name(), p.detail),
            None => break Err("no local gateway to probe (mode remote)".to_string()),
        }
        if Instant::now() >= deadline {
            break Err(last);
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    Ok(answer)
}
