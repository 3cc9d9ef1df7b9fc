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
pub mod gather;
pub mod input;
pub mod net;
pub mod openclaw;
pub mod probe;
pub mod proxy;
pub mod redact;
pub mod report;

use checks::{Facts, Finding, Severity};
use cli::{Cli, Command, FailOn, OutputFormat};
use config::document::MAX_CONFIG_BYTES;
use config::{ConfigSet, Discovered, DiscoveryFlags, Env};
use error::{Error, Result};
use redact::Redactor;
use report::style::{Style, color_enabled, unicode_enabled};
use report::{ConfigInfo, Report};
use std::io::IsTerminal;

/// What a run prints and its exit code. Output is already redacted.
pub struct Outcome {
    pub stdout: String,
    pub exit_code: u8,
}

/// Writes a report file atomically (temporary file in the same directory, fsync, rename) with
/// mode 0644 so a collector running as another user can read it.
fn write_output(path: &std::path::Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let fail = |e: std::io::Error| Error::write(path, e.to_string());
    let mut tmp = tempfile::Builder::new()
        .prefix(".openclaw-doctor.")
        .tempfile_in(&dir)
        .map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))
        .map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// A run that could not complete: its one error line (redacted, terminal-safe) and exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub exit_code: u8,
}

impl Failure {
    fn new(err: Error, redactor: &Redactor) -> Failure {
        let line = redactor.redact(&format!("openclaw-doctor: error: {err}"));
        Failure {
            message: report::style::terminal_safe(&line, false),
            exit_code: err.exit_code(),
        }
    }
}

/// Runs a parsed command line against a snapshot of the environment.
pub fn run(cli: Cli, env: &Env) -> std::result::Result<Outcome, Failure> {
    let mut redactor = Redactor::new();
    redactor.add_env(env);
    // URLs given on the command line or in the environment may carry credentials too.
    if let Some(u) = env.get("OPENCLAW_GATEWAY_URL") {
        redactor.add_url_secrets(u);
    }
    match &cli.command {
        Command::Check(a) => a
            .probe
            .urls
            .iter()
            .for_each(|u| redactor.add_url_secrets(u)),
        Command::Fix(a) => {
            a.probe
                .urls
                .iter()
                .for_each(|u| redactor.add_url_secrets(u));
            if let Some(u) = &a.remote_url {
                redactor.add_url_secrets(u);
            }
        }
        Command::Completions { .. } => {}
    }
    let output = cli.global.output.clone();
    match run_inner(cli, env, &mut redactor) {
        Ok(outcome) => {
            let text = redactor.redact(&outcome.stdout);
            match output {
                Some(path) => match write_output(&path, &text) {
                    Ok(()) => Ok(Outcome {
                        stdout: String::new(),
                        exit_code: outcome.exit_code,
                    }),
                    Err(e) => Err(Failure::new(e, &redactor)),
                },
                None => Ok(Outcome {
                    stdout: text,
                    exit_code: outcome.exit_code,
                }),
            }
        }
        Err(e) => Err(Failure::new(e, &redactor)),
    }
}

fn run_inner(cli: Cli, env: &Env, redactor: &mut Redactor) -> Result<Outcome> {
    let g = &cli.global;
    let fail_on = match g.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    let flags = DiscoveryFlags {
        config: g.config.clone(),
        profile: g.profile.clone(),
        state_dir: g.state_dir.clone(),
    };
    let (command, selector, no_config) = match &cli.command {
        Command::Completions { shell } => return Ok(completions(*shell)),
        Command::Check(_) => ("check", judge_arguments(&cli.command)?, no_config(&cli)),
        Command::Fix(_) => ("fix", judge_arguments(&cli.command)?, false),
    };
    let discovered = if no_config {
        config::Discovered {
            path: None,
            source: "--no-config",
            reason: "--no-config: probes only".into(),
            legacy: None,
            explicit: false,
            profile: None,
            state_dir: std::path::PathBuf::new(),
            searched: vec![],
        }
    } else {
        config::discovery::discover(&flags, env)?
    };
    let cfg = if no_config { None } else { load(&discovered)? };
    if let Some(cfg) = &cfg {
        redactor.add_config(cfg);
    }
    let openclaw = openclaw::cli::OpenclawCli::new(
        g.openclaw.clone(),
        &discovered.state_dir,
        discovered.path.as_deref(),
        discovered.profile.as_deref(),
        g.openclaw_timeout,
    );
    let quiet_progress = g.quiet || g.format == OutputFormat::Json;
    let mut gathered = match &cli.command {
        Command::Check(args) => gather::for_check(
            args,
            &gather::Context {
                cfg: cfg.as_ref(),
                discovered: &discovered,
                env,
                openclaw: &openclaw,
                quiet_progress,
            },
            redactor,
        )?,
        _ => gather::Gathered::for_fix(),
    };
    let (mut checks, mut findings) = run_checks(&discovered, cfg.as_ref(), env, &gathered);
    selector.apply(&mut checks, &mut findings, no_config);
    nothing_checked(&checks)?;

    let mut report = Report {
        command,
        config: cfg.as_ref().map(|c| config_info(&discovered, c)),
        discovered: discovered.clone(),
        checks,
        findings,
        fix: None,
        fail_on,
        next_step: None,
        probes: gathered.probes.take(),
        devices: gathered.devices.take(),
        logs: gathered.logs.take(),
        notes: std::mem::take(&mut gathered.notes),
        repair: None,
    };
    if let (Command::Fix(args), Some(cfg)) = (&cli.command, &cfg) {
        let ctx = fix::run::FixContext {
            env,
            openclaw: &openclaw,
            quiet_progress,
            selector: &selector,
        };
        fix::run::fix(args, cfg, &ctx, &mut report, redactor)?;
    }

    let stdout = render(&report, g);
    Ok(Outcome {
        stdout,
        exit_code: report.exit_code(),
    })
}

fn no_config(cli: &Cli) -> bool {
    matches!(&cli.command, Command::Check(a) if a.no_config)
}

/// Arguments are judged before anything is read or probed: selectors, URLs, the files named
/// on the command line (read or refused whatever else the run does), `--no-config`'s needs.
fn judge_arguments(command: &Command) -> Result<checks::select::Selector> {
    let (only, skip, probe_args) = match command {
        Command::Check(a) => (&a.only, &a.skip, &a.probe),
        Command::Fix(a) => (&a.only, &a.skip, &a.probe),
        Command::Completions { .. } => return Ok(checks::select::Selector::default()),
    };
    let selector = checks::select::Selector::new(only, skip)?;
    net::validate_urls(&probe_args.urls)?;
    for pem in &probe_args.cacert {
        input::open_regular(pem, input::Kind("a PEM file"))?;
    }
    let Command::Check(a) = command else {
        return Ok(selector);
    };
    if let Some(path) = &a.token_file {
        input::open_regular(path, input::Kind("a token file"))?;
    }
    if a.no_config && a.offline {
        return Err(Error::Usage(
            "--no-config with --offline checks nothing (no config, no probes): drop one of them"
                .into(),
        ));
    }
    if a.no_config && probe_args.urls.is_empty() {
        return Err(Error::Usage(
            "--no-config probes only the URLs you give and none was given: pass --url wss://HOST (or set OPENCLAW_DOCTOR_URL), or drop --no-config to check this host's config".into(),
        ));
    }
    Ok(selector)
}

/// The report in the format asked for; text is made safe for a terminal.
fn render(report: &Report, g: &cli::GlobalArgs) -> String {
    match g.format {
        OutputFormat::Json => report::json::render(report),
        OutputFormat::Junit => report::junit::render(report),
        OutputFormat::Prometheus => {
            report::prometheus::render(report, gather::now_ms() as f64 / 1000.0)
        }
        OutputFormat::Text => {
            let style = Style {
                color: color_enabled(g.color, std::io::stdout().is_terminal(), |n| {
                    std::env::var(n).ok()
                }),
                unicode: unicode_enabled(|n| std::env::var(n).ok()),
            };
            let opts = report::text::TextOptions {
                style,
                quiet: g.quiet,
                verbose: g.verbose,
            };
            report::style::terminal_safe(&report::text::render(report, &opts), style.color)
        }
    }
}

/// A run in which every check was skipped checked nothing: an error, never a pass.
fn nothing_checked(checks: &[checks::CheckResult]) -> Result<()> {
    if checks.iter().any(|c| c.status != checks::Status::Skipped) {
        return Ok(());
    }
    let mut reasons: Vec<&str> = Vec::new();
    for r in checks.iter().filter_map(|c| c.reason.as_deref()) {
        if !reasons.contains(&r) {
            reasons.push(r);
        }
    }
    Err(Error::Usage(format!(
        "nothing was checked: every check was skipped ({})",
        reasons.join("; ")
    )))
}

fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut out = Vec::new();
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "openclaw-doctor", &mut out);
    Outcome {
        stdout: String::from_utf8_lossy(&out).into_owned(),
        exit_code: 0,
    }
}

/// Loads the discovered config; `None` when discovery found none (a finding, not an error).
pub(crate) fn load(discovered: &Discovered) -> Result<Option<ConfigSet>> {
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

pub(crate) fn run_checks(
    discovered: &Discovered,
    cfg: Option<&ConfigSet>,
    env: &Env,
    gathered: &gather::Gathered,
) -> (Vec<checks::CheckResult>, Vec<Finding>) {
    checks::run(&Facts {
        discovered,
        config: cfg,
        env,
        probes: gathered.probes.as_deref(),
        insecure: gathered.insecure,
        devices: gathered.devices.as_ref(),
        proxy: gathered.proxy.as_ref(),
        logs: gathered
            .logs
            .as_ref()
            .map(|l| (l, gathered.log_window.as_str())),
        now_ms: gather::now_ms(),
        not_gathered: &gathered.not_gathered,
    })
}

pub(crate) fn config_info(discovered: &Discovered, cfg: &ConfigSet) -> ConfigInfo {
    ConfigInfo {
        path: cfg.main().path.clone(),
        format: cfg.main().format,
        source: discovered.source,
        reason: discovered.reason.clone(),
        legacy: discovered.legacy.clone(),
        includes: cfg.docs[1..].iter().map(|d| d.path.clone()).collect(),
    }
}
