//! The `fix` command: patches (shown, or applied safely), then on request the repair loop —
//! restart the gateway and wait for it, approve repair requests (watching for new ones) — and
//! a verification that re-runs every check and probe.

use super::proxy_patch::ProxyPlan;
use super::transaction::Change;
use crate::cli::FixArgs;
use crate::config::document::MAX_CONFIG_BYTES;
use crate::config::{ConfigSet, Env};
use crate::error::{Error, Result};
use crate::gather::{self, Gathered};
use crate::openclaw::cli::OpenclawCli;
use crate::probe::{Outcome, Side};
use crate::redact::Redactor;
use crate::report::{FileDiff, FixOutcome, RepairOutcome, Report, RestartOutcome, Written};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct FixContext<'a> {
    pub env: &'a Env,
    pub openclaw: &'a OpenclawCli,
    pub quiet_progress: bool,
    /// `--only` / `--skip`, applied again to the verification's checks.
    pub selector: &'a crate::checks::select::Selector,
}

/// How long `--restart` waits for the gateway when `--timeout` is not given.
pub const DEFAULT_RESTART_WAIT: Duration = Duration::from_secs(90);

fn validate(args: &FixArgs) -> Result<()> {
    if let Some(url) = &args.remote_url {
        // OpenClaw clients refuse anything but ws:// and wss://.
        crate::net::validate_url("--remote-url", url, &["ws", "wss"])?;
    }
    if args.approve_repairs && !args.yes && !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "--approve-repairs asks before each approval; without a terminal pass --yes".into(),
        ));
    }
    Ok(())
}

/// Writes what `--apply` and `--apply-proxy` ask for, all or nothing: every guard and plan
/// step (files unchanged since read, an nginx to test with) before the first write; a failed
/// write or `nginx -t` restores every file written. Returns how many config files were
/// written (the gateway needs a restart only for those).
fn write_changes(
    args: &FixArgs,
    config: Vec<Change>,
    proxy: ProxyPlan,
    outcome: &mut FixOutcome,
    notes: &mut Vec<String>,
) -> Result<usize> {
    let mut tx = Vec::new();
    let config_count = if args.apply { config.len() } else { 0 };
    if args.apply {
        tx.extend(config);
    }
    let proxy_count = if args.apply_proxy {
        proxy.changes.len()
    } else {
        0
    };
    if args.apply_proxy {
        if proxy.changes.is_empty() {
            notes.push("nginx: nothing to change".into());
        } else {
            super::proxy_patch::require_nginx(&proxy)?;
            tx.extend(proxy.changes);
        }
    }
    if tx.is_empty() {
        outcome.applied = args.apply;
        return Ok(0);
    }
    let written = super::transaction::write_all(&tx, !args.no_backup)?;
    if proxy_count > 0 {
        let mut proxy_notes = Vec::new();
        match super::proxy_patch::test_and_reload(args, proxy.main.as_deref(), &mut proxy_notes) {
            Err(e) => {
                let undo = super::transaction::rollback(&tx, &written);
                let first_proxy = &tx[tx.len() - proxy_count].path;
                return Err(super::transaction::failed_after(
                    first_proxy,
                    format!("nginx -t failed after the patch: {e}"),
                    &undo,
                ));
            }
            Ok(Some(reload)) => return Err(super::proxy_patch::not_live(&reload, &written)),
            Ok(None) => {}
        }
        notes.extend(proxy_notes);
    }
    outcome.written = written
        .into_iter()
        .map(|w| Written {
            path: w.path,
            backup: w.backup,
        })
        .collect();
    outcome.applied = true;
    Ok(config_count)
}

pub fn fix(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &FixContext,
    report: &mut Report,
    redactor: &mut Redactor,
) -> Result<()> {
    validate(args)?;
    let opts = super::PlanOptions {
        bind: args.bind.map(|b| b.as_str().to_string()),
        remote_url: args.remote_url.clone(),
    };
    let patches = super::plan::plan(cfg, &report.findings, &opts);
    let changes: Vec<Change> = super::plan::file_changes(cfg, &patches)?
        .into_iter()
        .map(|c| Change {
            path: c.path,
            old: c.old.into_bytes(),
            new: c.new.into_bytes(),
            hidden_backup: false,
        })
        .collect();
    // Every plan step before the first write: the nginx patches are planned here too.
    let proxy = super::proxy_patch::plan(args, cfg, ctx, report)?;
    let diffs: Vec<FileDiff> = changes
        .iter()
        .chain(&proxy.changes)
        .map(|c| FileDiff {
            path: c.path.clone(),
            old: String::from_utf8_lossy(&c.old).into_owned(),
            new: String::from_utf8_lossy(&c.new).into_owned(),
        })
        .collect();
    let before = report.findings.clone();
    let mut outcome = FixOutcome {
        patches,
        diffs,
        applied: false,
        written: vec![],
        pending: vec![],
        resolved: vec![],
        before: before.clone(),
    };
    let config_written = write_changes(args, changes, proxy, &mut outcome, &mut report.notes)?;
    outcome.pending = outcome
        .diffs
        .iter()
        .filter(|d| !outcome.written.iter().any(|w| same_file(&w.path, &d.path)))
        .map(|d| d.path.clone())
        .collect();
    let repairing = args.restart || args.approve_repairs;
    if !outcome.applied && !repairing {
        report.fix = Some(outcome);
        return Ok(());
    }

    let reloaded = ConfigSet::load(&cfg.main().path, MAX_CONFIG_BYTES)?;
    redactor.add_config(&reloaded);
    let mut repair = RepairOutcome::default();
    if args.restart {
        repair.restart = Some(restart(args, &reloaded, ctx, report, redactor)?);
    }
    if args.approve_repairs && repair.restart.as_ref().is_none_or(|r| r.came_back) {
        super::approve::approve_repairs(args, ctx, report, &mut repair)?;
    }

    // Verification: every check again on what is on disk now; probes too when the gateway
    // was restarted or asked (a running gateway only reads gateway.* after a restart).
    let mut gathered = Gathered::for_fix();
    if repairing {
        gathered.not_gathered.retain(|(area, _)| *area != "probes");
        let probes = gather::probes(
            &args.probe,
            false,
            Some(&reloaded),
            &report.discovered,
            ctx.env,
            redactor,
            ctx.quiet_progress,
            None,
        )?;
        gathered.insecure = args.probe.insecure;
        gathered.probes = Some(probes);
    }
    let (mut checks, mut after) =
        crate::run_checks(&report.discovered, Some(&reloaded), ctx.env, &gathered);
    ctx.selector.apply(&mut checks, &mut after, false);
    outcome.resolved = before
        .iter()
        .filter(|b| !after.iter().any(|a| a.id == b.id && a.path == b.path))
        .cloned()
        .collect();
    report.checks = checks;
    report.findings = after;
    report.probes = gathered.probes.take();
    report.config = Some(crate::config_info(&report.discovered, &reloaded));
    if config_written > 0 && !args.restart {
        report.next_step = Some(restart_hint(report));
    }
    if repairing {
        report.repair = Some(verdict(repair, &outcome, report));
    }
    report.fix = Some(outcome);
    Ok(())
}

/// The repair loop's verdict from what was done and what the verification found.
fn verdict(mut repair: RepairOutcome, outcome: &FixOutcome, report: &Report) -> RepairOutcome {
    repair.fixed = outcome.resolved.iter().map(|f| f.id.to_string()).collect();
    repair.still_failing = report
        .findings
        .iter()
        .filter(|f| f.severity >= report.fail_on)
        .map(|f| f.id.to_string())
        .collect();
    repair.gateway_down = repair.restart.as_ref().is_some_and(|r| !r.came_back);
    repair.verdict = Some(
        if let Some(r) = repair.restart.as_ref().filter(|r| !r.came_back) {
            format!("gateway did not come back: {}", r.detail)
        } else if !repair.still_failing.is_empty() {
            format!("still failing: {}", repair.still_failing.join(", "))
        } else if let Some(a) = repair.approved.iter().find(|a| !a.ok) {
            format!(
                "still failing: approving {} failed: {}",
                a.request_id, a.detail
            )
        } else {
            "fixed".to_string()
        },
    );
    repair
}

/// The next step after config files were written without --restart.
fn restart_hint(report: &Report) -> String {
    let profile = report
        .discovered
        .profile
        .as_ref()
        .map(|p| format!("--profile {p} "))
        .unwrap_or_default();
    format!(
        "restart the gateway so it reads the new config: openclaw {profile}gateway restart (a system unit such as YunoHost's: systemctl restart <unit>), or run fix --apply --restart"
    )
}

/// Whether two paths name one file (a written path is canonical, a diff's as given).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b || std::fs::canonicalize(b).is_ok_and(|b| b == a)
}

/// Splits a command line on white space, honouring single and double quotes (no shell).
pub fn split_command(cmd: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = cmd.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => word.push(chars.next()?),
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                word.push(chars.next()?);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        words.push(word);
    }
    (!words.is_empty()).then_some(words)
}

fn restart(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &FixContext,
    report: &Report,
    redactor: &mut Redactor,
) -> Result<RestartOutcome> {
    let (program, argv, shown): (String, Vec<String>, String) = match &args.restart_cmd {
        Some(cmd) if args.restart_shell => (
            "sh".into(),
            vec!["-c".into(), cmd.clone()],
            format!("sh -c {cmd:?}"),
        ),
        Some(cmd) => {
            let words = split_command(cmd).ok_or_else(|| {
                Error::Usage(format!("--restart-cmd {cmd:?}: unbalanced quotes or empty"))
            })?;
            (words[0].clone(), words[1..].to_vec(), cmd.clone())
        }
        None => {
            let mut argv = Vec::new();
            if let Some(p) = &report.discovered.profile {
                argv.extend(["--profile".to_string(), p.clone()]);
            }
            argv.extend(["gateway".to_string(), "restart".to_string()]);
            let program = ctx.openclaw.program.display().to_string();
            let shown = format!("{program} {}", argv.join(" "));
            (program, argv, shown)
        }
    };
    // Show the command before running it.
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        redactor.redact(&format!("openclaw-doctor: restarting the gateway: {shown}"))
    );
    let start = Instant::now();
    let cli = OpenclawCli {
        program: program.into(),
        env: ctx.openclaw.env.clone(),
        timeout: Duration::from_secs(120),
    };
    let argv_ref: Vec<&str> = argv.iter().map(String::as_str).collect();
    let ran = cli.run_detached(&argv_ref);
    let mut outcome = RestartOutcome {
        command: shown,
        ..Default::default()
    };
    if let Err(e) = ran {
        outcome.elapsed_ms = start.elapsed().as_millis() as u64;
        outcome.detail = e.to_string();
        return Ok(outcome);
    }
    outcome.ok = true;
    // Wait for hello-ok from the local probe, within --timeout (default 90 s).
    let wait = args.probe.timeout.unwrap_or(DEFAULT_RESTART_WAIT);
    let deadline = Instant::now() + wait;
    let spinner = gather::spinner(
        "waiting for the gateway to answer hello-ok".into(),
        ctx.quiet_progress,
    );
    let mut probe_args = args.probe.clone();
    probe_args.urls.clear();
    let mut last = String::from("no answer");
    loop {
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
            &report.discovered,
            ctx.env,
            redactor,
            true,
            None,
        )?;
        match results.iter().find(|p| p.target == Side::Local) {
            Some(p) if p.outcome == Outcome::HelloOk => {
                outcome.came_back = true;
                outcome.detail = p.detail.clone();
                break;
            }
            Some(p) => last = format!("{}: {}", p.outcome.name(), p.detail),
            None => {
                last = "no local gateway to probe (mode remote)".into();
                break;
            }
        }
        if Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    outcome.elapsed_ms = start.elapsed().as_millis() as u64;
    if !outcome.came_back {
        outcome.detail = format!("no hello-ok within {} s (last: {last})", wait.as_secs());
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::split_command;

    #[test]
    fn command_splitting() {
        assert_eq!(
            split_command("systemctl restart openclaw").unwrap(),
            vec!["systemctl", "restart", "openclaw"]
        );
        assert_eq!(
            split_command("sh -c 'a b' \"c \\\" d\"").unwrap(),
            vec!["sh", "-c", "a b", "c \" d"]
        );
        assert!(split_command("'unbalanced").is_none());
        assert!(split_command("   ").is_none());
    }
}
