//! Command-line definitions only (clap derive). `lib.rs` turns them into a run: discovery, gathering, checks, report.

use crate::report::style::ColorChoice;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod help;
use help::{AFTER_HELP, check_help};

#[derive(Debug, Parser)]
#[command(
    name = "openclaw-doctor",
    version,
    about = "Diagnoses and repairs OpenClaw gateway configurations",
    long_about = "Diagnoses and repairs OpenClaw gateway configurations: finds the config as \
OpenClaw does, checks gateway.bind, gateway.remote.url and friends, and proposes \
format-preserving patches (comments, quotes and layout kept).",
    after_long_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Config file to use [env: OPENCLAW_CONFIG_PATH]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// OpenClaw profile: state dir ~/.openclaw-NAME [env: OPENCLAW_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// OpenClaw state dir holding openclaw.json [env: OPENCLAW_STATE_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// Output format: text for people, json, junit (CI test reports), prometheus (the
    /// node_exporter textfile collector) [env: OPENCLAW_DOCTOR_FORMAT]
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text, env = "OPENCLAW_DOCTOR_FORMAT", hide_env = true)]
    pub format: OutputFormat,

    /// Write the report to FILE (atomically: temporary file and rename) instead of stdout
    /// [env: OPENCLAW_DOCTOR_OUTPUT]
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "OPENCLAW_DOCTOR_OUTPUT",
        hide_env = true
    )]
    pub output: Option<PathBuf>,

    /// Colour: auto honours NO_COLOR and CLICOLOR_FORCE and is off when not a terminal
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print only findings and the summary
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print every check's explanation, where the config was looked for, and why each fix
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// The openclaw CLI to run for devices, approvals and restarts [default: openclaw on PATH]
    #[arg(long, global = true, value_name = "PATH")]
    pub openclaw: Option<PathBuf>,

    /// Time limit of each openclaw CLI call (devices list, approve, reject, restart)
    #[arg(long, global = true, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub openclaw_timeout: std::time::Duration,

    /// Judge the config by this JSON schema (another version's `openclaw config schema`)
    /// instead of the bundled OpenClaw 2026.9.6 one
    #[arg(long, global = true, value_name = "FILE")]
    pub schema: Option<PathBuf>,

    /// Do not look at this host's gateway processes and service units: judge the config
    /// alone, probes on its own port (as for a config meant for another machine)
    #[arg(long, global = true)]
    pub no_host: bool,

    /// Lowest severity that makes the exit code 1 [env: OPENCLAW_DOCTOR_FAIL_ON]
    #[arg(long, global = true, value_enum, default_value_t = FailOn::Error, env = "OPENCLAW_DOCTOR_FAIL_ON", hide_env = true)]
    pub fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Junit,
    Prometheus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BindMode {
    Loopback,
    Lan,
    Tailnet,
    Auto,
    Custom,
}

impl BindMode {
    pub fn as_str(self) -> &'static str {
        match self {
            BindMode::Loopback => "loopback",
            BindMode::Lan => "lan",
            BindMode::Tailnet => "tailnet",
            BindMode::Auto => "auto",
            BindMode::Custom => "custom",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the config and explain what is broken, why, and the exact fix
    #[command(after_long_help = check_help())]
    Check(CheckArgs),
    /// Show the patches that fix the findings as diffs; --apply writes them
    Fix(FixArgs),
    /// Explain a check: what it looks at, why, OpenClaw's behaviour, how to fix it
    #[command(
        after_long_help = "`explain` alone lists every check by area; `explain AREA` \
(gateway, probes, logs…) lists one area. An unknown id is exit 2, with a did-you-mean."
    )]
    Explain {
        /// A check id (gateway.bind.invalid) or an area (gateway); none: list every check
        #[arg(value_name = "ID")]
        id: Option<String>,
    },
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// No network: no probes and no device list. The config is checked, and the files named
    /// with --log and --proxy-config are still read
    #[arg(long)]
    pub offline: bool,

    /// Also list pending device pairing requests with the openclaw CLI (automatic with
    /// --deep or when a probe meets "pairing required")
    #[arg(long)]
    pub devices: bool,

    /// Probe only: read no config (for pipelines outside the host); config checks are
    /// reported as skipped. Needs --url; add --token-file or --token-env
    #[arg(
        long,
        env = "OPENCLAW_DOCTOR_NO_CONFIG",
        hide_env = true,
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub no_config: bool,

    /// Read the gateway token from FILE (first line) [env: OPENCLAW_DOCTOR_TOKEN_FILE]
    #[arg(
        long,
        value_name = "FILE",
        env = "OPENCLAW_DOCTOR_TOKEN_FILE",
        hide_env = true
    )]
    pub token_file: Option<PathBuf>,

    /// Read the gateway token from the environment variable NAME [env: OPENCLAW_DOCTOR_TOKEN_ENV]
    #[arg(
        long,
        value_name = "NAME",
        env = "OPENCLAW_DOCTOR_TOKEN_ENV",
        hide_env = true,
        conflicts_with = "token_file"
    )]
    pub token_env: Option<String>,

    /// Run only these checks: ids or areas (`probe.*`, `devices`), repeatable or comma-separated
    /// [env: OPENCLAW_DOCTOR_ONLY]
    #[arg(
        long,
        value_name = "ID",
        value_delimiter = ',',
        env = "OPENCLAW_DOCTOR_ONLY",
        hide_env = true
    )]
    pub only: Vec<String>,

    /// Skip these checks: ids or areas (`--skip devices.*`); reported as skipped
    /// [env: OPENCLAW_DOCTOR_SKIP]
    #[arg(
        long,
        value_name = "ID",
        value_delimiter = ',',
        env = "OPENCLAW_DOCTOR_SKIP",
        hide_env = true
    )]
    pub skip: Vec<String>,

    /// Also reproduce a sub-agent's connection (device identity, operator.admin) on every
    /// path; creates a short-lived pending pairing request, rejected afterwards when the
    /// openclaw CLI is available
    #[arg(long)]
    pub deep: bool,

    /// The gateway log to read: a file or a directory of openclaw-YYYY-MM-DD.log (repeatable);
    /// a named log that is missing or not a regular file stops the run [default: the checked
    /// gateway's own log (logging.file, else /tmp/openclaw or $TMPDIR/openclaw-<uid>); not read
    /// with --offline or --no-config]
    #[arg(long, value_name = "PATH")]
    pub log: Vec<PathBuf>,

    /// Check every gateway of this host (running processes, service units, profiles
    /// ~/.openclaw-*) in one run: a section each in text, gateways[] in JSON, a gateway label
    /// in Prometheus and JUnit
    // Whatever names one gateway's config, token or log would be applied to every gateway.
    #[arg(long, conflicts_with_all = ["no_config", "token_file", "token_env", "log", "config", "state_dir", "profile"])]
    pub all: bool,

    /// How far back to read the log: 30m, 24h, 7d is 168h
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = parse_duration)]
    pub since: std::time::Duration,

    #[command(flatten)]
    pub probe: ProbeArgs,
}

/// How probes reach the gateway (shared by `check` and `fix`'s verification).
#[derive(Debug, Args, Clone)]
pub struct ProbeArgs {
    /// Time limit of each probe, which run concurrently [default: 5s]; for `fix --restart`
    /// also the time the gateway has to come back [default: 90s]: 500ms, 5s, 2m
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, env = "OPENCLAW_DOCTOR_TIMEOUT", hide_env = true)]
    pub timeout: Option<std::time::Duration>,

    /// External URL to probe (repeatable); default: a non-loopback gateway.remote.url, else
    /// the https:// origins of gateway.controlUi.allowedOrigins
    #[arg(
        long = "url",
        value_name = "URL",
        value_delimiter = ',',
        env = "OPENCLAW_DOCTOR_URL",
        hide_env = true
    )]
    pub urls: Vec<String>,

    /// Extra CA certificates (PEM) for wss:// probes (repeatable)
    #[arg(long, value_name = "PEM")]
    pub cacert: Vec<PathBuf>,

    /// Do not verify TLS certificates (said loudly in the report)
    #[arg(long)]
    pub insecure: bool,

    /// Send HOST:PORT to ADDR instead of DNS, as curl does (repeatable): HOST:PORT:ADDR
    #[arg(long, value_name = "HOST:PORT:ADDR", value_parser = parse_resolve)]
    pub resolve: Vec<(String, u16, std::net::SocketAddr)>,

    /// The reverse proxy's nginx configuration or Caddyfile: a file or a directory
    /// (repeatable); one that is missing or that nginx would reject stops the run. Default:
    /// `nginx -T` or /etc/nginx/nginx.conf, read when an external probe fails at the proxy
    #[arg(long, value_name = "PATH")]
    pub proxy_config: Vec<PathBuf>,
}

/// `500ms`, `5s`, `2m`, `1h` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: use 500ms, 5s or 2m"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        "d" => value * 86_400.0,
        _ => return Err(format!("invalid duration unit in {s:?}: use ms, s, m or h")),
    };
    // Up to about 100 years: enough for --since, and far from Duration's overflow.
    if !(seconds > 0.0 && seconds <= 3.2e9) {
        return Err(format!(
            "duration {s:?} out of range (more than 0, at most 100 years)"
        ));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// `claw.example.org:443:127.0.0.1` (IPv6: `host:443:[::1]`).
pub fn parse_resolve(s: &str) -> Result<(String, u16, std::net::SocketAddr), String> {
    let mut parts = s.splitn(3, ':');
    let (Some(host), Some(port), Some(addr)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("--resolve {s:?}: use HOST:PORT:ADDR"));
    };
    let port: u16 = port
        .parse()
        .map_err(|_| format!("--resolve {s:?}: invalid port"))?;
    let ip: std::net::IpAddr = addr
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| format!("--resolve {s:?}: ADDR must be an IP address"))?;
    Ok((host.to_string(), port, std::net::SocketAddr::new(ip, port)))
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Write the patches (atomically, with a backup), then re-check
    #[arg(long)]
    pub apply: bool,

    /// Do not keep a timestamped backup of each changed file
    #[arg(long, requires = "apply")]
    pub no_backup: bool,

    /// Only patches for these checks: ids or areas (`remote_url.*`, `gateway`), repeatable or
    /// comma-separated, as for check [env: OPENCLAW_DOCTOR_ONLY]
    #[arg(
        long,
        value_name = "ID",
        value_delimiter = ',',
        env = "OPENCLAW_DOCTOR_ONLY",
        hide_env = true
    )]
    pub only: Vec<String>,

    /// No patches for these checks: ids or areas, as for check [env: OPENCLAW_DOCTOR_SKIP]
    #[arg(
        long,
        value_name = "ID",
        value_delimiter = ',',
        env = "OPENCLAW_DOCTOR_SKIP",
        hide_env = true
    )]
    pub skip: Vec<String>,

    /// Set gateway.bind to this mode instead of the proposed one
    #[arg(long, value_enum, value_name = "MODE")]
    pub bind: Option<BindMode>,

    /// Set gateway.remote.url to this ws:// or wss:// URL instead of the proposed one
    #[arg(long, value_name = "URL")]
    pub remote_url: Option<String>,

    /// After writing, restart the gateway (`openclaw gateway restart`, or --restart-cmd),
    /// wait until it answers hello-ok (within --timeout), then re-run every check and probe
    #[arg(long, requires = "apply")]
    pub restart: bool,

    /// The restart command for a system unit, e.g. 'systemctl restart openclaw' (run without
    /// a shell unless --restart-shell)
    #[arg(long, value_name = "CMD", requires = "restart")]
    pub restart_cmd: Option<String>,

    /// Run --restart-cmd through `sh -c`
    #[arg(long, requires = "restart_cmd")]
    pub restart_shell: bool,

    /// Apply the proposed nginx patches (atomic write, backup), check them with `nginx -t`
    /// and restore the backup when it fails
    #[arg(long)]
    pub apply_proxy: bool,

    /// After --apply-proxy, reload nginx (`nginx -s reload`)
    #[arg(long, requires = "apply_proxy")]
    pub reload_proxy: bool,

    /// Approve pending repair requests (already-paired devices asking for more) by exact
    /// requestId; new devices are listed, never approved
    #[arg(long)]
    pub approve_repairs: bool,

    /// With --approve-repairs: keep polling once a second for this long (e.g. 5m), approving
    /// each new repair request; Ctrl-C stops
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "approve_repairs")]
    pub watch: Option<std::time::Duration>,

    /// Approve without asking (required without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    #[command(flatten)]
    pub probe: ProbeArgs,
}

impl ProbeArgs {
    pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

    pub fn probe_timeout(&self) -> std::time::Duration {
        self.timeout.unwrap_or(Self::DEFAULT_TIMEOUT)
    }
}
