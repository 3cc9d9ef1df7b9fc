//! openclaw-doctor: finds an OpenClaw config, checks the gateway settings that break
//! sub-agents behind reverse proxies, and repairs them with format-preserving patches.
//!
//! Data flow: discover the config → load it (with includes) → gather facts → run pure checks
//! → plan patches → render one `Report` as text or JSON → redact secrets → print.

pub mod checks;
pub mod cli;
pub mod config;
pub mod error;
pub mod fix;
pub mod openclaw;
pub mod probe;
pub mod redact;
pub mod report;

use checks::{Facts, Finding, Severity};
use cli::{Cli, Command, FailOn, FixArgs, OutputFormat};
use config::document::MAX_CONFIG_BYTES;
use config::{ConfigSet, Discovered, DiscoveryFlags, Env};
use error::{Error, Result};
use redact::Redactor;
use report::style::{Style, color_enabled, unicode_enabled};
use report::{ConfigInfo, FileDiff, FixOutcome, Report, Written};
use std::io::IsTerminal;

/// What a run prints and its exit code. Output is already redacted.
pub struct Outcome {
    pub stdout: String,
    pub exit_code: u8,
}

/// Runs a parsed command line against a snapshot of the environment.
pub fn run(cli: Cli, env: &Env) -> std::result::Result<Outcome, (Error, Redactor)> {
    let mut redactor = Redactor::new();
    redactor.add_env(env);
    match run_inner(cli, env, &mut redactor) {
        Ok(outcome) => Ok(Outcome {
            stdout: redactor.redact(&outcome.stdout),
            exit_code: outcome.exit_code,
        }),
        Err(e) => Err((e, redactor)),
    }
}

fn run_inner(cli: Cli, env: &Env, redactor: &mut Redactor) -> Result<Outcome> {
    let g = &cli.global;
    let style = Style {
        color: color_enabled(g.color, std::io::stdout().is_terminal(), |n| {
            std::env::var(n).ok()
        }),
        unicode: unicode_enabled(|n| std::env::var(n).ok()),
    };
    let fail_on = match g.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    let flags = DiscoveryFlags {
        config: g.config.clone(),
        profile: g.profile.clone(),
        state_dir: g.state_dir.clone(),
    };
    let command = match &cli.command {
        Command::Completions { shell } => {
            let mut out = Vec::new();
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "openclaw-doctor", &mut out);
            return Ok(Outcome {
                stdout: String::from_utf8_lossy(&out).into_owned(),
                exit_code: 0,
            });
        }
        Command::Check(_) => "check",
        Command::Fix(_) => "fix",
    };

    let discovered = config::discovery::discover(&flags, env)?;
    let cfg = load(&discovered)?;
    if let Some(cfg) = &cfg {
        redactor.add_config(cfg);
    }
    let mut notes = Vec::new();
    let (probes, insecure) = match &cli.command {
        Command::Check(args) if !args.offline => {
            let quiet_progress = g.quiet || g.format == OutputFormat::Json;
            let results = run_probes(
                args,
                cfg.as_ref(),
                &discovered,
                env,
                redactor,
                quiet_progress,
            )?;
            notes.extend(reject_deep_requests(&results, &discovered));
            (Some(results), args.insecure)
        }
        _ => (None, false),
    };
    let (checks, findings) =
        run_checks(&discovered, cfg.as_ref(), env, probes.as_deref(), insecure);

    let mut report = Report {
        command,
        config: cfg.as_ref().map(|c| config_info(&discovered, c)),
        discovered: discovered.clone(),
        checks,
        findings,
        fix: None,
        fail_on,
        next_step: None,
        probes,
        notes,
    };
    if let (Command::Fix(args), Some(cfg)) = (&cli.command, &cfg) {
        fix(args, cfg, env, &mut report, redactor)?;
    }

    let stdout = match g.format {
        OutputFormat::Json => report::json::render(&report),
        OutputFormat::Text => report::text::render(
            &report,
            &report::text::TextOptions {
                style,
                quiet: g.quiet,
                verbose: g.verbose,
            },
        ),
    };
    Ok(Outcome {
        stdout,
        exit_code: report.exit_code(),
    })
}

/// Loads the discovered config; `None` when discovery found none (a finding, not an error).
fn load(discovered: &Discovered) -> Result<Option<ConfigSet>> {
    let Some(path) = &discovered.path else {
        return Ok(None);
    };
    if discovered.explicit && !path.exists() && std::fs::symlink_metadata(path).is_err() {
        return Err(Error::Usage(format!(
            "{}: no such file (named by {})",
            path.display(),
            discovered.source
        )));
    }
    let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
    ConfigSet::load(&path, MAX_CONFIG_BYTES).map(Some)
}

fn run_checks(
    discovered: &Discovered,
    cfg: Option<&ConfigSet>,
    env: &Env,
    probes: Option<&[probe::ProbeResult]>,
    insecure: bool,
) -> (Vec<checks::CheckResult>, Vec<Finding>) {
    checks::run(&Facts {
        discovered,
        config: cfg,
        env,
        probes,
        insecure,
    })
}

/// Gathers the probe facts: targets from the config and flags, one shared TLS configuration,
/// all probes concurrently on a single-threaded runtime, a spinner per probe on a terminal.
fn run_probes(
    args: &cli::CheckArgs,
    cfg: Option<&ConfigSet>,
    discovered: &Discovered,
    env: &Env,
    redactor: &mut Redactor,
    quiet_progress: bool,
) -> Result<Vec<probe::ProbeResult>> {
    let view = cfg.map(|c| checks::values::GatewayView::new(c, env, discovered.profile.as_deref()));
    let tailnet = view
        .as_ref()
        .filter(|v| v.string("gateway.bind").map(|(b, _)| b) == Some("tailnet"))
        .and_then(|_| probe::targets::tailnet_address());
    let lookup = |name: &str| std::env::var(name).ok();
    let targets = probe::targets::targets(
        view.as_ref(),
        &probe::targets::TargetOptions {
            urls: &args.urls,
            insecure: args.insecure,
            tailnet,
        },
        &lookup,
    );
    for t in &targets {
        if let Some(auth) = &t.auth {
            redactor.add(auth.secret());
        }
    }
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let system_roots = targets.iter().any(|t| t.tls && t.verify_tls);
    let tls = probe::tls::client_config(&args.cacert, system_roots)?;
    let settings = probe::ProbeSettings {
        timeout: args.timeout,
        tls: std::sync::Arc::new(tls),
        resolve: args.resolve.clone(),
        insecure: args.insecure,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    let progress = progress_bars(&targets, args.deep, quiet_progress);
    let results = runtime.block_on(probe::run_all(&targets, &settings, args.deep, |i, r| {
        if let Some(bar) = progress.get(i) {
            bar.finish_and_clear();
            let _ = r;
        }
    }));
    Ok(results)
}

/// One spinner per probe on stderr, only on a terminal and never with JSON or `-q`.
fn progress_bars(
    targets: &[probe::ProbeTarget],
    deep: bool,
    quiet: bool,
) -> Vec<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return Vec::new();
    }
    let multi = indicatif::MultiProgress::with_draw_target(indicatif::ProgressDrawTarget::stderr());
    let style = indicatif::ProgressStyle::with_template("{spinner} {msg}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    let mut bars = Vec::new();
    for t in targets {
        for deep_probe in [false, true] {
            if deep_probe && !deep {
                continue;
            }
            let bar = multi.add(indicatif::ProgressBar::new_spinner().with_style(style.clone()));
            let what = if deep_probe { " (as a sub-agent)" } else { "" };
            bar.set_message(format!("probing {} {}{what}", t.side.name(), t.url));
            bar.enable_steady_tick(std::time::Duration::from_millis(80));
            bars.push(bar);
        }
    }
    bars
}

/// `--deep` leaves a pending pairing request where a path needed pairing: reject it with the
/// openclaw CLI when there is one, or say when it expires.
fn reject_deep_requests(results: &[probe::ProbeResult], discovered: &Discovered) -> Vec<String> {
    let mut notes = Vec::new();
    for r in results.iter().filter(|r| r.deep) {
        let Some(id) = &r.request_id else { continue };
        let mut cmd = std::process::Command::new("openclaw");
        cmd.args(["devices", "reject", id])
            .env("OPENCLAW_STATE_DIR", &discovered.state_dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        if let Some(path) = &discovered.path {
            cmd.env("OPENCLAW_CONFIG_PATH", path);
        }
        let outcome = match cmd.spawn() {
            Err(_) => format!(
                "--deep created pairing request {id} on {}; the openclaw CLI is not on PATH, so it stays pending until it expires (5 minutes)",
                r.url
            ),
            Ok(mut child) => {
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
                loop {
                    match child.try_wait() {
                        Ok(Some(status)) if status.success() => {
                            break format!(
                                "rejected pairing request {id} that --deep created on {}",
                                r.url
                            );
                        }
                        Ok(Some(status)) => {
                            let mut err = String::new();
                            if let Some(pipe) = child.stderr.take() {
                                let _ = std::io::Read::read_to_string(
                                    &mut std::io::Read::take(pipe, 4096),
                                    &mut err,
                                );
                            }
                            let first = err
                                .lines()
                                .map(str::trim)
                                .find(|l| !l.is_empty())
                                .unwrap_or("no message");
                            break format!(
                                "`openclaw devices reject {id}` failed ({status}: {first}); the request expires in 5 minutes"
                            );
                        }
                        Ok(None) if std::time::Instant::now() > deadline => {
                            let _ = child.kill();
                            break format!(
                                "`openclaw devices reject {id}` did not finish in 20 s; the request expires in 5 minutes"
                            );
                        }
                        Ok(None) => std::thread::sleep(std::time::Duration::from_millis(50)),
                        Err(e) => break format!("`openclaw devices reject {id}` failed: {e}"),
                    }
                }
            }
        };
        notes.push(outcome);
    }
    notes
}

fn config_info(discovered: &Discovered, cfg: &ConfigSet) -> ConfigInfo {
    ConfigInfo {
        path: cfg.main().path.clone(),
        format: cfg.main().format,
        source: discovered.source,
        reason: discovered.reason.clone(),
        legacy: discovered.legacy.clone(),
        includes: cfg.docs[1..].iter().map(|d| d.path.clone()).collect(),
    }
}

fn fix(
    args: &FixArgs,
    cfg: &ConfigSet,
    env: &Env,
    report: &mut Report,
    redactor: &mut Redactor,
) -> Result<()> {
    if let Some(url) = &args.remote_url {
        let ok = checks::values::split_url(url)
            .is_some_and(|p| matches!(p.scheme.to_ascii_lowercase().as_str(), "ws" | "wss"));
        if !ok {
            return Err(Error::Usage(format!(
                "--remote-url {url:?}: give a ws:// or wss:// URL (OpenClaw clients refuse anything else)"
            )));
        }
    }
    let opts = fix::PlanOptions {
        only: args.only.clone(),
        skip: args.skip.clone(),
        bind: args.bind.map(|b| b.as_str().to_string()),
        remote_url: args.remote_url.clone(),
    };
    let patches = fix::plan::plan(cfg, &report.findings, &opts);
    let changes = fix::plan::file_changes(cfg, &patches)?;
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
    if !args.apply {
        report.fix = Some(outcome);
        return Ok(());
    }
    // Refuse before touching anything if any file changed since it was read.
    for change in &changes {
        let now =
            std::fs::read(&change.path).map_err(|e| Error::write(&change.path, e.to_string()))?;
        if now != change.old.as_bytes() {
            return Err(Error::write(
                &change.path,
                "the file changed since the doctor read it; nothing was written (run the doctor again)",
            ));
        }
    }
    for change in &changes {
        let w = fix::apply::write_file(&change.path, &change.old, &change.new, !args.no_backup)?;
        outcome.written.push(Written {
            path: w.path,
            backup: w.backup,
        });
    }
    outcome.applied = true;

    // Re-read what is on disk now and run every check again.
    let reloaded = ConfigSet::load(&cfg.main().path, MAX_CONFIG_BYTES)?;
    redactor.add_config(&reloaded);
    let (checks, after) = run_checks(&report.discovered, Some(&reloaded), env, None, false);
    outcome.resolved = before
        .iter()
        .filter(|b| !after.iter().any(|a| a.id == b.id && a.path == b.path))
        .cloned()
        .collect();
    report.checks = checks;
    report.findings = after;
    if !outcome.written.is_empty() {
        let profile = report
            .discovered
            .profile
            .as_ref()
            .map(|p| format!("--profile {p} "))
            .unwrap_or_default();
        report.next_step = Some(format!(
            "restart the gateway so it reads the new config: openclaw {profile}gateway restart (a system unit such as YunoHost's: systemctl restart <unit>)"
        ));
    }
    report.fix = Some(outcome);
    Ok(())
}
