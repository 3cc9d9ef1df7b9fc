//! The `fix` command: patches (shown, or applied safely), then on request the repair loop —
//! restart the gateway and wait for it, approve repair requests (watching for new ones) — and
//! a verification that re-runs every check and probe.

use crate::cli::FixArgs;
use crate::config::document::MAX_CONFIG_BYTES;
use crate::config::{ConfigSet, Env};
use crate::error::{Error, Result};
use crate::gather::{self, Gathered};
use crate::openclaw::cli::OpenclawCli;
use crate::openclaw::devices::{self, PendingRequest};
use crate::probe::{Outcome, Side};
use crate::redact::Redactor;
use crate::report::{
    Approval, FileDiff, FixOutcome, RepairOutcome, Report, RestartOutcome, Written,
};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct FixContext<'a> {
    pub env: &'a Env,
    pub openclaw: &'a OpenclawCli,
    pub quiet_progress: bool,
}

/// How long `--restart` waits for the gateway when `--timeout` is not given.
pub const DEFAULT_RESTART_WAIT: Duration = Duration::from_secs(90);

pub fn fix(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &FixContext,
    report: &mut Report,
    redactor: &mut Redactor,
) -> Result<()> {
    if let Some(url) = &args.remote_url {
        let ok = crate::checks::values::split_url(url)
            .is_some_and(|p| matches!(p.scheme.to_ascii_lowercase().as_str(), "ws" | "wss"));
        if !ok {
            return Err(Error::Usage(format!(
                "--remote-url {url:?}: give a ws:// or wss:// URL (OpenClaw clients refuse anything else)"
            )));
        }
    }
    if args.approve_repairs && !args.yes && !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "--approve-repairs asks before each approval; without a terminal pass --yes".into(),
        ));
    }
    let opts = super::PlanOptions {
        only: args.only.clone(),
        skip: args.skip.clone(),
        bind: args.bind.map(|b| b.as_str().to_string()),
        remote_url: args.remote_url.clone(),
    };
    let patches = super::plan::plan(cfg, &report.findings, &opts);
    let changes = super::plan::file_changes(cfg, &patches)?;
    let diffs: Vec<FileDiff> = changes
        .iter()
        .map(|c| FileDiff {
            path: c.path.clone(),
            old: c.old.clone(),
            new: c.new.clone(),
        })
        .collect();
    let before = report.findings.clone();
    let mut outcome = FixOutcome {
        patches,
        diffs,
        applied: false,
        written: vec![],
        resolved: vec![],
        before: before.clone(),
    };
    // nginx patches: shown with the config's diffs, written only with --apply-proxy.
    let proxy_changes = proxy_changes(args, cfg, ctx, report)?;
    outcome.diffs.extend(proxy_changes.iter().map(|c| FileDiff {
        path: c.0.clone(),
        old: c.1.clone(),
        new: c.2.clone(),
    }));
    if args.apply_proxy {
        apply_proxy(args, &proxy_changes, report)?;
    }
    let repairing = args.restart || args.approve_repairs;
    if !args.apply && !repairing {
        report.fix = Some(outcome);
        return Ok(());
    }
    if args.apply {
        // Refuse before touching anything if any file changed since it was read.
        for change in &changes {
            let now = std::fs::read(&change.path)
                .map_err(|e| Error::write(&change.path, e.to_string()))?;
            if now != change.old.as_bytes() {
                return Err(Error::write(
                    &change.path,
                    "the file changed since the doctor read it; nothing was written (run the doctor again)",
                ));
            }
        }
        // All or nothing: a write that fails restores the files already written.
        for change in &changes {
            match super::apply::write_file(&change.path, &change.old, &change.new, !args.no_backup)
            {
                Ok(w) => outcome.written.push(Written {
                    path: w.path,
                    backup: w.backup,
                }),
                Err(e) => {
                    let mut restored = Vec::new();
                    for (done, w) in changes.iter().zip(&outcome.written) {
                        if super::apply::write_file(&done.path, &done.new, &done.old, false).is_ok()
                        {
                            restored.push(w.path.display().to_string());
                        }
                    }
                    let note = if restored.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " (already written and now restored: {})",
                            restored.join(", ")
                        )
                    };
                    return Err(Error::write(&change.path, format!("{e}{note}")));
                }
            }
        }
        outcome.applied = true;
    }

    let reloaded = ConfigSet::load(&cfg.main().path, MAX_CONFIG_BYTES)?;
    redactor.add_config(&reloaded);
    let mut repair = RepairOutcome::default();
    if args.restart {
        repair.restart = Some(restart(args, &reloaded, ctx, report, redactor)?);
    }
    if args.approve_repairs && repair.restart.as_ref().is_none_or(|r| r.came_back) {
        approve_repairs(args, ctx, report, &mut repair)?;
    }

    // Verification: every check again on what is on disk now; probes too when the gateway
    // was restarted or asked (a running gateway only reads gateway.* after a restart).
    let mut gathered = Gathered::default();
    if repairing {
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
    let (checks, after) =
        crate::run_checks(&report.discovered, Some(&reloaded), ctx.env, &gathered);
    outcome.resolved = before
        .iter()
        .filter(|b| !after.iter().any(|a| a.id == b.id && a.path == b.path))
        .cloned()
        .collect();
    report.checks = checks;
    report.findings = after;
    report.probes = gathered.probes.take();
    report.config = Some(crate::config_info(&report.discovered, &reloaded));
    if outcome.applied && !outcome.written.is_empty() && !args.restart {
        let profile = report
            .discovered
            .profile
            .as_ref()
            .map(|p| format!("--profile {p} "))
            .unwrap_or_default();
        report.next_step = Some(format!(
            "restart the gateway so it reads the new config: openclaw {profile}gateway restart (a system unit such as YunoHost's: systemctl restart <unit>), or run fix --apply --restart"
        ));
    }
    if repairing {
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
        report.repair = Some(repair);
    }
    report.fix = Some(outcome);
    Ok(())
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

fn approve_repairs(
    args: &FixArgs,
    ctx: &FixContext,
    report: &Report,
    repair: &mut RepairOutcome,
) -> Result<()> {
    let state_dir = report.discovered.state_dir.clone();
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
    Ok(())
}

/// Approves one repair request by exact id, re-listing right before (a retry by the same
/// device supersedes the id).
fn approve_one(
    r: &PendingRequest,
    args: &FixArgs,
    ctx: &FixContext,
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

/// (file, old text, new text) for each nginx file with proposed insertions.
fn proxy_changes(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &FixContext,
    report: &mut Report,
) -> Result<Vec<(std::path::PathBuf, String, String)>> {
    if !args.apply_proxy && args.probe.proxy_config.is_empty() {
        return Ok(Vec::new());
    }
    let facts = match gather::proxy(&args.probe.proxy_config, true) {
        Some(Ok(f)) => f,
        Some(Err(e)) => {
            return Err(Error::Usage(format!(
                "cannot read the proxy configuration: {e}"
            )));
        }
        None => {
            return Err(Error::Usage(
                "no nginx configuration found: pass --proxy-config PATH".into(),
            ));
        }
    };
    let view =
        crate::checks::values::GatewayView::new(cfg, ctx.env, report.discovered.profile.as_deref());
    let issues = crate::checks::proxy::issues(&view, &facts, &args.probe.urls);
    let mut out = Vec::new();
    for (i, file) in facts.tree.files.iter().enumerate() {
        let splices = crate::proxy::analyze::splices(&facts.tree, &issues, i);
        if splices.is_empty() {
            continue;
        }
        let new = crate::config::edit::apply_splices(&file.text, &splices);
        report.notes.push(format!(
            "nginx: {} gets {} for {}",
            file.path.display(),
            issues
                .iter()
                .filter(|x| x.file == i && x.insert_at.is_some())
                .flat_map(|x| x.insert.iter().map(|l| l.trim().to_string()))
                .collect::<Vec<_>>()
                .join(" "),
            issues
                .iter()
                .filter(|x| x.file == i)
                .map(|x| x.id)
                .collect::<Vec<_>>()
                .join(", ")
        ));
        out.push((file.path.clone(), file.text.clone(), new));
    }
    if let Some(main) = facts.main {
        report
            .notes
            .push(format!("nginx: main configuration {}", main.display()));
        PROXY_MAIN.with(|m| *m.borrow_mut() = Some(main));
    }
    Ok(out)
}

thread_local! {
    static PROXY_MAIN: std::cell::RefCell<Option<std::path::PathBuf>> = const { std::cell::RefCell::new(None) };
}

fn nginx(args: &[&str]) -> std::result::Result<(), String> {
    let main = PROXY_MAIN.with(|m| m.borrow().clone());
    let mut cmd = std::process::Command::new("nginx");
    if let Some(main) = &main {
        cmd.arg("-c").arg(main);
    }
    let out = cmd
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run nginx: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .find(|l| l.contains("emerg") || l.contains("error"))
            .unwrap_or(err.trim())
            .to_string())
    }
}

/// Writes the nginx patches like the OpenClaw config (atomic, backup, same owner and mode),
/// then `nginx -t`; restores every file when the test fails; reloads with --reload-proxy.
fn apply_proxy(
    args: &FixArgs,
    changes: &[(std::path::PathBuf, String, String)],
    report: &mut Report,
) -> Result<()> {
    if changes.is_empty() {
        report.notes.push("nginx: nothing to change".into());
        return Ok(());
    }
    let mut written = Vec::new();
    for (path, old, new) in changes {
        let w = super::apply::write_file_hidden_backup(path, old, new, !args.no_backup)?;
        report.notes.push(format!(
            "nginx: wrote {}{}",
            w.path.display(),
            w.backup
                .as_ref()
                .map(|b| format!(" (backup {})", b.display()))
                .unwrap_or_default()
        ));
        written.push((path.clone(), old.clone(), new.clone()));
    }
    match nginx(&["-t", "-q"]) {
        Ok(()) => report
            .notes
            .push("nginx: configuration test (nginx -t) passed".into()),
        Err(e) => {
            for (path, old, new) in &written {
                let _ = super::apply::write_file(path, new, old, false);
            }
            return Err(Error::write(
                &written[0].0,
                format!("nginx -t failed after the patch ({e}); the original files were restored"),
            ));
        }
    }
    if args.reload_proxy {
        match nginx(&["-s", "reload"]) {
            Ok(()) => report
                .notes
                .push("nginx: reloaded (nginx -s reload)".into()),
            Err(e) => report.notes.push(format!(
                "nginx: reload failed: {e}; reload it yourself (systemctl reload nginx)"
            )),
        }
    } else {
        report.notes.push(
            "nginx: reload it to use the change: systemctl reload nginx (or fix --reload-proxy)"
                .into(),
        );
    }
    Ok(())
}
