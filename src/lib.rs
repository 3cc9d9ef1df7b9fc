//! openclaw-doctor: finds an OpenClaw config, checks the gateway settings that break
//! sub-agents behind reverse proxies, and repairs them with format-preserving patches.
//!
//! Data flow: discover the config → load it (with includes) → gather facts → run pure checks
//! → plan patches → render one `Report` as text or JSON → redact secrets → print.

mod all;
pub mod checks;
pub mod cli;
pub mod config;
pub mod error;
pub mod fix;
pub mod gather;
pub mod host;
pub mod input;
pub mod net;
pub mod openclaw;
pub mod pipeline;
pub mod probe;
pub mod process;
pub mod proxy;
pub mod redact;
pub mod repair;
pub mod report;
pub mod schema;

use checks::Severity;
use cli::{Cli, Command, FailOn, OutputFormat};
use config::{ConfigSet, Env};
use error::{Error, Result};
use pipeline::Pipeline;
use redact::Redactor;
use report::Report;
use report::style::{Style, color_enabled, unicode_enabled};
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
        Command::Completions { .. } | Command::Explain { .. } => {}
    }
    let mut output = cli.global.output.clone();
    // A job-wide OPENCLAW_DOCTOR_OUTPUT (a textfile for Prometheus) is for reports: `explain`
    // and `completions` print to stdout unless --output is given.
    if matches!(
        cli.command,
        Command::Explain { .. } | Command::Completions { .. }
    ) && env
        .get("OPENCLAW_DOCTOR_OUTPUT")
        .map(std::path::PathBuf::from)
        == output
    {
        output = None;
    }
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
    let no_config = match &cli.command {
        Command::Completions { shell } => return Ok(completions(*shell)),
        Command::Explain { id } => return explain(id.as_deref(), g, env),
        Command::Check(_) => no_config(&cli),
        Command::Fix(_) => false,
    };
    let all = matches!(&cli.command, Command::Check(a) if a.all);
    // The host is read while the arguments and the config are.
    let mut job = host_scan(g, env, no_config, all);
    let selector = judge_arguments(&cli.command)?;
    if all {
        let scan = job.wait();
        if !scan.gateways.is_empty() {
            let sections = all::check_all(&cli, env, &selector, &scan, redactor, fail_on)?;
            let stdout = all::render(&sections, g);
            let exit_code = all::exit_code(&sections);
            std::mem::forget(sections);
            return Ok(Outcome { stdout, exit_code });
        }
        job = host::gateways::ScanJob::Done(scan);
    }
    let mut report = run_one(&cli, env, selector, redactor, job, None, fail_on)?;
    if all {
        report
            .notes
            .push(match g.no_host {
                true => "--all with --no-host: the host was not read; checked the config OpenClaw would load".into(),
                false => "--all: no gateway process, service unit or profile was found on this host; checked the config OpenClaw would load".into(),
            });
    }
    let stdout = render(&report, g);
    let exit_code = report.exit_code();
    // The process ends next: freeing a 10,000-line config's trees would cost more than
    // judging them (nothing in them has a destructor with an effect).
    std::mem::forget(report);
    Ok(Outcome { stdout, exit_code })
}

/// The gateways of this host, read on a thread while the config is (`--no-host` and
/// `--no-config` scan nothing).
fn host_scan(
    g: &cli::GlobalArgs,
    env: &Env,
    no_config: bool,
    all: bool,
) -> host::gateways::ScanJob {
    if no_config {
        host::gateways::ScanJob::skipped("--no-config")
    } else if g.no_host {
        host::gateways::ScanJob::skipped("--no-host")
    } else {
        host::gateways::ScanJob::start(host::HostRoot::from_env(env), env, all)
    }
}

/// One gateway's run: the pipeline from discovery to the report (and `fix`'s steps).
pub(crate) fn run_one(
    cli: &Cli,
    env: &Env,
    selector: checks::select::Selector,
    redactor: &mut Redactor,
    scan: host::gateways::ScanJob,
    pick: Option<usize>,
    fail_on: Severity,
) -> Result<Report> {
    let g = &cli.global;
    let (command, no_config) = match &cli.command {
        Command::Check(_) => ("check", no_config(cli)),
        _ => ("fix", false),
    };
    let mut pipeline = Pipeline::start(g, env, selector, no_config, redactor, scan, pick)?;
    let mut gathered = match &cli.command {
        Command::Check(args) => pipeline.gather_for_check(args, redactor)?,
        _ => gather::Gathered::for_fix(),
    };
    let (checks, findings) = pipeline.check(pipeline.cfg.as_ref(), &gathered);
    nothing_checked(&checks)?;
    let version_note = pipeline.version_note(&gathered);

    let mut report = Report {
        command,
        config: pipeline.cfg.as_ref().map(|c| pipeline.config_info(c)),
        discovered: pipeline.discovered.clone(),
        gateway: pipeline.gateway().map(report::GatewayInfo::of),
        checks,
        findings,
        fix: None,
        fail_on,
        next_step: None,
        probes: gathered.probes.take(),
        devices: gathered.devices.take(),
        logs: gathered.logs.take(),
        notes: std::mem::take(&mut pipeline.notes),
        repair: None,
        rerun: rerun_args(cli),
    };
    report.notes.append(&mut gathered.notes);
    report.notes.extend(version_note);
    if let (Command::Fix(args), Some(cfg)) = (&cli.command, &pipeline.cfg) {
        run_fix(args, cfg, &pipeline, &mut report, redactor)?;
    }
    std::mem::forget(pipeline);
    Ok(report)
}

/// `fix` after the first check: patch and write, then (with `--restart` /
/// `--approve-repairs`) the repair loop, then the pipeline's checks again as verification.
fn run_fix(
    args: &cli::FixArgs,
    cfg: &ConfigSet,
    pipeline: &Pipeline,
    report: &mut Report,
    redactor: &mut Redactor,
) -> Result<()> {
    fix::run::validate(args)?;
    let proxy = pipeline.proxy_for_fix(args, cfg)?;
    let fixed = fix::run::plan_and_write(args, cfg, &report.findings, proxy)?;
    report.notes.extend(fixed.notes);
    let mut outcome = fixed.outcome;
    let repairing = args.restart || args.approve_repairs;
    if !outcome.applied && !repairing {
        report.fix = Some(outcome);
        return Ok(());
    }
    let reloaded = pipeline.reload(redactor)?;
    let repair = if repairing {
        Some(repair::run(
            args,
            &reloaded,
            &pipeline.repair_context(),
            redactor,
        )?)
    } else {
        None
    };
    let after = pipeline.check_again(reloaded, repairing.then_some(&args.probe), redactor)?;
    outcome.resolved = outcome
        .before
        .iter()
        .filter(|b| {
            !after
                .findings
                .iter()
                .any(|a| a.id == b.id && a.path == b.path)
        })
        .cloned()
        .collect();
    report.checks = after.checks;
    report.findings = after.findings;
    report.probes = after.probes;
    report.config = Some(pipeline.config_info(&after.cfg));
    // A client's config (`mode: "remote"` to another host) has no gateway here to restart.
    let client_of = checks::remote_client_of(&after.cfg.merged(&pipeline.env).value).flatten();
    if fixed.config_written > 0 && !args.restart {
        report.next_step = Some(match client_of {
            Some(host) => format!(
                "nothing to restart here: this config is a client of the gateway on {host}, and OpenClaw's CLI and agents read gateway.remote.url when they next connect"
            ),
            None => restart_hint(report),
        });
    }
    if let Some(repair) = repair {
        let verdict =
            repair::verdict::verdict(repair, &outcome.resolved, &report.findings, report.fail_on);
        report.repair = Some(verdict);
    }
    report.fix = Some(outcome);
    Ok(())
}

/// The next step after config files were written without --restart.
fn restart_hint(report: &Report) -> String {
    let profile = report
        .discovered
        .profile
        .as_ref()
        .map(|p| format!("--profile {p} "))
        .unwrap_or_default();
    let how = match report
        .gateway
        .as_ref()
        .and_then(|g| Some((g.unit.as_deref()?, g.unit_scope?)))
    {
        Some((unit, "system")) => format!("systemctl restart {unit} (its system unit)"),
        Some((unit, _)) => format!("systemctl --user restart {unit} (its user unit)"),
        None => format!(
            "openclaw {profile}gateway restart (a system unit such as YunoHost's: systemctl restart <unit>)"
        ),
    };
    format!("restart the gateway so it reads the new config: {how}, or run fix --apply --restart")
}

/// The flags a suggested next command repeats so it judges what this run judged.
fn rerun_args(cli: &Cli) -> Vec<String> {
    let (only, skip, probe) = match &cli.command {
        Command::Check(a) => (&a.only, &a.skip, &a.probe),
        Command::Fix(a) => (&a.only, &a.skip, &a.probe),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut flag = |name: &str, value: String| {
        out.push(name.to_string());
        out.push(value);
    };
    only.iter().for_each(|v| flag("--only", v.clone()));
    skip.iter().for_each(|v| flag("--skip", v.clone()));
    let path = |p: &std::path::PathBuf| p.to_string_lossy().into_owned();
    probe
        .proxy_config
        .iter()
        .for_each(|p| flag("--proxy-config", path(p)));
    if let Some(schema) = &cli.global.schema {
        flag("--schema", path(schema));
    }
    if cli.global.no_host {
        out.push("--no-host".into());
    }
    out
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
        Command::Completions { .. } | Command::Explain { .. } => {
            return Ok(checks::select::Selector::default());
        }
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
    // A named log is something to check without a config or the network.
    let reads_a_log = !a.log.is_empty();
    if a.no_config && a.offline && !reads_a_log {
        return Err(Error::Usage(
            "--no-config with --offline checks nothing (no config, no probes): drop one of them, or name a log with --log"
                .into(),
        ));
    }
    if a.no_config && probe_args.urls.is_empty() && !reads_a_log {
        return Err(Error::Usage(
            "--no-config probes only the URLs you give and none was given: pass --url wss://HOST (or set OPENCLAW_DOCTOR_URL), name a log with --log, or drop --no-config to check this host's config".into(),
        ));
    }
    Ok(selector)
}

/// The report in the format asked for; text is made safe for a terminal.
pub(crate) fn render(report: &Report, g: &cli::GlobalArgs) -> String {
    match g.format {
        OutputFormat::Json => report::json::render(report),
        OutputFormat::Junit => report::junit::render(report),
        OutputFormat::Prometheus => {
            report::prometheus::render(report, gather::now_ms() as f64 / 1000.0)
        }
        OutputFormat::Text => {
            let opts = text_options(g);
            report::style::terminal_safe(&report::text::render(report, &opts), opts.style.color)
        }
    }
}

/// How text is written on this terminal.
pub(crate) fn text_options(g: &cli::GlobalArgs) -> report::text::TextOptions {
    let style = Style {
        color: color_enabled(g.color, std::io::stdout().is_terminal(), |n| {
            std::env::var(n).ok()
        }),
        unicode: unicode_enabled(|n| std::env::var(n).ok()),
    };
    report::text::TextOptions {
        style,
        quiet: g.quiet,
        verbose: g.verbose,
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

/// `explain [ID]`: text or JSON (the other formats are for reports; a job-wide
/// OPENCLAW_DOCTOR_FORMAT of junit or prometheus gives text).
fn explain(id: Option<&str>, g: &cli::GlobalArgs, env: &Env) -> Result<Outcome> {
    let from_env = env.get("OPENCLAW_DOCTOR_FORMAT").is_some_and(|f| {
        <OutputFormat as clap::ValueEnum>::from_str(f, true).is_ok_and(|f| f == g.format)
    });
    let json = match g.format {
        OutputFormat::Text => false,
        OutputFormat::Json => true,
        OutputFormat::Junit | OutputFormat::Prometheus if from_env => false,
        OutputFormat::Junit | OutputFormat::Prometheus => {
            return Err(Error::Usage(
                "explain: --format text or json (junit and prometheus are for check and fix)"
                    .into(),
            ));
        }
    };
    let style = text_options(g).style;
    let text = report::explain::render(id, json, &style)?;
    Ok(Outcome {
        stdout: report::style::terminal_safe(&text, style.color),
        exit_code: 0,
    })
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
