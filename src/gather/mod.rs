//! Gathering facts before any check runs: probes (concurrently, one runtime), the device list
//! from the openclaw CLI, and cleaning up what `--deep` created.

use crate::cli::ProbeArgs;
use crate::config::view::GatewayView;
use crate::config::{ConfigSet, Discovered, Env};
use crate::error::{Error, Result};
use crate::openclaw::cli::OpenclawCli;
use crate::openclaw::devices::{self, DeviceState};
use crate::probe::{self, Outcome, ProbeResult};
use crate::redact::Redactor;
use std::io::IsTerminal;

mod logs;
use logs::refuse_utf16_log;
pub use logs::{LogTarget, log_target, logs, window_words};

/// The most external URLs one run probes (all of them concurrently).
pub const MAX_EXTERNAL_URLS: usize = 16;

/// Everything gathered besides the config.
#[derive(Debug, Default)]
pub struct Gathered {
    pub probes: Option<Vec<ProbeResult>>,
    pub insecure: bool,
    pub devices: Option<std::result::Result<DeviceState, String>>,
    pub logs: Option<crate::openclaw::log::LogEvidence>,
    pub proxy: Option<std::result::Result<crate::proxy::ProxyFacts, String>>,
    /// The log window, for sentences ("in the last 24 h").
    pub log_window: String,
    pub notes: Vec<String>,
    /// Areas whose facts were not gathered, and why (`("probes", "--offline")`).
    pub not_gathered: Vec<(&'static str, String)>,
}

/// What gathering for `check` needs besides its flags.
pub struct Context<'a> {
    pub cfg: Option<&'a ConfigSet>,
    pub discovered: &'a Discovered,
    pub env: &'a Env,
    pub openclaw: &'a OpenclawCli,
    pub quiet_progress: bool,
    /// The gateways of this host, and which one reads the config.
    pub scan: Option<&'a crate::host::gateways::HostScan>,
    pub checked: Option<usize>,
}

impl Gathered {
    /// `fix` patches from the config alone; it probes only to verify a repair.
    pub fn for_fix() -> Gathered {
        let why = "fix does not probe before patching (--restart and --approve-repairs verify with probes)";
        Gathered {
            not_gathered: vec![
                ("probes", why.into()),
                (
                    "devices",
                    "fix lists devices only with --approve-repairs".into(),
                ),
                ("logs", "fix does not read the log".into()),
                (
                    "proxy",
                    "fix reads the proxy configuration for its patches only".into(),
                ),
            ],
            ..Gathered::default()
        }
    }
}

/// Gathers the facts `check` looks at. Files named on the command line (`--log`,
/// `--proxy-config`) are read even with `--offline` (no network, not no files), and one that
/// is missing, unreadable, not a regular file or unparsable stops the run (exit 2).
pub fn for_check(
    args: &crate::cli::CheckArgs,
    ctx: &Context,
    redactor: &mut Redactor,
) -> Result<Gathered> {
    let mut g = Gathered::default();
    // Read (and refused when bad) even with --offline: it was named.
    let token = token_override(args)?;
    if let Some(t) = &token {
        redactor.add(t.secret());
    }
    for path in &args.log {
        crate::input::check_named(path, crate::input::Kind("a gateway log"))?;
        refuse_utf16_log(path)?;
    }
    let named_proxy = if args.probe.proxy_config.is_empty() {
        None
    } else {
        Some(crate::proxy::load_paths(&args.probe.proxy_config)?)
    };
    if args.offline {
        g.not_gathered.push(("probes", "--offline".into()));
        g.not_gathered.push((
            "devices",
            "--offline (the device list needs the gateway)".into(),
        ));
    } else {
        let results = probes(
            &args.probe,
            args.deep,
            ctx.cfg,
            ctx.discovered,
            ctx.env,
            redactor,
            ctx.quiet_progress,
            token,
        )?;
        g.notes.extend(reject_deep_requests(&results, ctx.openclaw));
        g.probes = Some(results);
        g.insecure = args.probe.insecure;
        if args.no_config {
            // No config, no state dir: the CLI would list some other gateway's devices.
            g.not_gathered.push((
                "devices",
                "--no-config (no state dir to list devices from)".into(),
            ));
        } else if args.devices || args.deep || g.any_pairing_required() {
            g.devices = Some(devices(ctx.openclaw, ctx.discovered));
        }
    }
    g.proxy = match named_proxy {
        Some(facts) => Some(Ok(facts)),
        None if args.no_config => {
            g.not_gathered.push(("proxy", "--no-config".into()));
            None
        }
        None if args.offline => {
            g.not_gathered
                .push(("proxy", "--offline (name it with --proxy-config)".into()));
            None
        }
        None => proxy(&[], g.proxy_suspect()),
    };
    if args.no_config && args.log.is_empty() {
        g.not_gathered
            .push(("logs", "--no-config (name a log with --log)".into()));
    } else if args.offline && args.log.is_empty() {
        g.not_gathered
            .push(("logs", "--offline (name a log with --log)".into()));
    } else {
        let target = log_target(ctx.cfg, ctx.discovered, ctx.env, ctx.scan, ctx.checked);
        g.logs = Some(logs(&args.log, &target, args.since));
        g.log_window = window_words(args.since);
    }
    Ok(g)
}

impl Gathered {
    pub fn any_pairing_required(&self) -> bool {
        self.probes
            .as_ref()
            .is_some_and(|ps| ps.iter().any(|p| p.outcome == Outcome::PairingRequired))
    }
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Runs the probes for this config and flags; `deep` adds a sub-agent's connection per path.
#[allow(clippy::too_many_arguments)]
pub fn probes(
    args: &ProbeArgs,
    deep: bool,
    cfg: Option<&ConfigSet>,
    discovered: &Discovered,
    env: &Env,
    redactor: &mut Redactor,
    quiet_progress: bool,
    token: Option<probe::targets::Auth>,
) -> Result<Vec<ProbeResult>> {
    let view = cfg.map(|c| GatewayView::of(c, env, discovered));
    let tailnet = view
        .as_ref()
        .filter(|v| {
            v.string("gateway.bind")
                .is_some_and(|(b, _)| b == "tailnet")
        })
        .and_then(|_| probe::targets::tailnet_address());
    let lookup = |name: &str| env.get(name).map(str::to_string);
    let targets = probe::targets::targets(
        view.as_ref(),
        &probe::targets::TargetOptions {
            urls: &args.urls,
            insecure: args.insecure,
            tailnet,
        },
        &lookup,
    );
    let mut targets = targets;
    let external = targets
        .iter()
        .filter(|t| t.side == probe::Side::External)
        .count();
    if external > MAX_EXTERNAL_URLS {
        return Err(Error::Usage(format!(
            "{external} external URLs to probe; at most {MAX_EXTERNAL_URLS} are probed per run"
        )));
    }
    if let Some(token) = token {
        for t in targets.iter_mut() {
            t.auth = Some(token.clone());
        }
    }
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
        timeout: args.probe_timeout(),
        tls: std::sync::Arc::new(tls),
        resolve: args.resolve.clone(),
        insecure: args.insecure,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    let progress = progress_bars(&targets, deep, quiet_progress);
    let results = runtime.block_on(probe::run_all(&targets, &settings, deep, |i, _| {
        if let Some(bar) = progress.get(i) {
            bar.finish_and_clear();
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
            bar.set_message(format!(
                "probing {} {}{what}",
                t.side.name(),
                crate::net::bare_url(&t.url)
            ));
            bar.enable_steady_tick(std::time::Duration::from_millis(80));
            bars.push(bar);
        }
    }
    bars
}

/// A spinner with a message on stderr (terminal only); `None` otherwise.
pub fn spinner(message: String, quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(80));
    Some(bar)
}

/// The pending pairing requests, as a fact (an error message when they cannot be listed).
pub fn devices(
    cli: &OpenclawCli,
    discovered: &Discovered,
) -> std::result::Result<DeviceState, String> {
    devices::list(cli, &discovered.state_dir).map_err(|e| e.to_string())
}

/// `--deep` leaves a pending pairing request where a path needed pairing: reject it with the
/// openclaw CLI, or say when it expires.
pub fn reject_deep_requests(results: &[ProbeResult], cli: &OpenclawCli) -> Vec<String> {
    let mut notes = Vec::new();
    for r in results.iter().filter(|r| r.deep) {
        let Some(id) = r
            .request_id
            .as_ref()
            .filter(|id| devices::is_safe_request_id(id))
        else {
            continue;
        };
        notes.push(match cli.run(&["devices", "reject", id]) {
            Ok(_) => format!("rejected pairing request {id} that --deep created on {}", r.url),
            Err(crate::openclaw::cli::CliError::NotFound(_)) => format!(
                "--deep created pairing request {id} on {}; the openclaw CLI is not available, so it stays pending until it expires (5 minutes)",
                r.url
            ),
            Err(e) => format!("{e}; pairing request {id} that --deep created expires in 5 minutes"),
        });
    }
    notes
}

/// `--token-file` / `--token-env`: the token for probe-only runs.
pub fn token_override(args: &crate::cli::CheckArgs) -> Result<Option<probe::targets::Auth>> {
    if let Some(path) = &args.token_file {
        let bytes = crate::input::read_bytes(path, 64 * 1024, crate::input::Kind("a token file"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::input(path, "the token file is not valid UTF-8"))?;
        let token = text.lines().next().unwrap_or("").trim().to_string();
        if token.is_empty() {
            return Err(Error::input(path, "the token file is empty"));
        }
        return Ok(Some(probe::targets::Auth::Token(token)));
    }
    if let Some(name) = &args.token_env {
        return match std::env::var(name) {
            Ok(v) if !v.trim().is_empty() => {
                Ok(Some(probe::targets::Auth::Token(v.trim().to_string())))
            }
            _ => Err(Error::Usage(format!(
                "--token-env {name}: that variable is not set"
            ))),
        };
    }
    Ok(None)
}

/// The proxy configuration: the `--proxy-config` paths (an error stops the run: the user
/// named them), else (only when `auto`) what nginx itself says (`nginx -T`) or
/// /etc/nginx/nginx.conf, where a failure is a fact for the report.
pub fn proxy(
    paths: &[std::path::PathBuf],
    auto: bool,
) -> Option<std::result::Result<crate::proxy::ProxyFacts, String>> {
    if !paths.is_empty() {
        return Some(crate::proxy::load_paths(paths).map_err(|e| e.to_string()));
    }
    if auto {
        return crate::proxy::discover().map(|r| r.map_err(|e| e.to_string()));
    }
    None
}

impl Gathered {
    /// An external probe failed in a way the proxy's configuration explains.
    pub fn proxy_suspect(&self) -> bool {
        self.probes.as_ref().is_some_and(|ps| {
            ps.iter()
                .any(|p| p.target == probe::Side::External && fails_at_proxy(p))
        })
    }
}

/// An outcome that the proxy's configuration can explain (only meaningful for an external
/// probe: a local 502 is whatever holds the gateway's port, not the proxy).
fn fails_at_proxy(p: &ProbeResult) -> bool {
    match p.outcome {
        Outcome::UpgradeNotPerformed | Outcome::ProxyAttributionRequired | Outcome::Redirected => {
            true
        }
        Outcome::HttpError => matches!(p.http_status, Some(502) | Some(504)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(side: probe::Side, outcome: Outcome, status: Option<u16>) -> ProbeResult {
        let target = probe::ProbeTarget {
            side,
            url: "ws://127.0.0.1:18789".into(),
            host: "127.0.0.1".into(),
            port: 18789,
            tls: false,
            verify_tls: false,
            auth: None,
            source: "test".into(),
            optional: false,
        };
        let mut r = ProbeResult::new(&target, false);
        r.outcome = outcome;
        r.http_status = status;
        r
    }

    fn suspect(probes: Vec<ProbeResult>) -> bool {
        Gathered {
            probes: Some(probes),
            ..Gathered::default()
        }
        .proxy_suspect()
    }

    #[test]
    fn only_an_external_failure_at_the_proxy_reads_the_proxy_configuration() {
        use probe::Side::{External, Local};
        // A local 502 is whatever holds the gateway's port, not the proxy.
        assert!(!suspect(vec![result(Local, Outcome::HttpError, Some(502))]));
        assert!(!suspect(vec![result(Local, Outcome::HttpError, Some(504))]));
        assert!(!suspect(vec![result(
            Local,
            Outcome::UpgradeNotPerformed,
            Some(200)
        )]));
        assert!(suspect(vec![result(
            External,
            Outcome::HttpError,
            Some(502)
        )]));
        assert!(suspect(vec![result(
            External,
            Outcome::HttpError,
            Some(504)
        )]));
        assert!(!suspect(vec![result(
            External,
            Outcome::HttpError,
            Some(500)
        )]));
        assert!(suspect(vec![result(
            External,
            Outcome::Redirected,
            Some(302)
        )]));
        assert!(!suspect(vec![result(External, Outcome::DnsError, None)]));
    }
}
