//! The one pipeline `check` and `fix` both run: discover the config → load it → gather facts
//! → run the pure checks (through `--only`/`--skip`). `fix` runs the same steps again after
//! writing (`check_again`), so the verification is the pipeline, not a copy of it.

use crate::checks::select::Selector;
use crate::checks::{CheckResult, Facts, Finding};
use crate::cli::{CheckArgs, FixArgs, GlobalArgs, ProbeArgs};
use crate::config::document::MAX_CONFIG_BYTES;
use crate::config::view::GatewayView;
use crate::config::{ConfigSet, Discovered, DiscoveryFlags, Env};
use crate::error::{Error, Result};
use crate::gather::{self, Gathered};
use crate::host::gateways::{EnvSource, FoundGateway, HostScan, ScanJob};
use crate::openclaw::cli::OpenclawCli;
use crate::probe::ProbeResult;
use crate::proxy::ProxyFacts;
use crate::proxy::analyze::ProxyIssue;
use crate::redact::Redactor;
use crate::report::ConfigInfo;

/// A run's inputs once discovered and loaded: everything later steps read.
pub struct Pipeline<'a> {
    /// The doctor's own environment (discovery reads it).
    pub process_env: &'a Env,
    /// The environment the gateway would have (the process's, its dotenv files, the config's
    /// `env` entries): what every later step reads.
    pub env: Env,
    pub discovered: Discovered,
    /// `None` when no config was found (a finding) or with `--no-config`.
    pub cfg: Option<ConfigSet>,
    pub openclaw: OpenclawCli,
    pub selector: Selector,
    pub no_config: bool,
    /// No spinners (JSON output, `-q`).
    pub quiet_progress: bool,
    /// OpenClaw's schema: the bundled one, or `--schema FILE`.
    pub schema: crate::schema::Schema,
    /// The gateways found on this host, and which one reads the checked config.
    pub scan: HostScan,
    pub checked: Option<usize>,
    /// What people should know about which config was chosen.
    pub notes: Vec<String>,
}

/// The checks run again on what is on disk after `fix` wrote.
pub struct Rechecked {
    pub cfg: ConfigSet,
    pub checks: Vec<CheckResult>,
    pub findings: Vec<Finding>,
    pub probes: Option<Vec<ProbeResult>>,
}

impl<'a> Pipeline<'a> {
    /// Discovers and loads the config (none with `--no-config`); its secrets join `redactor`.
    /// With `scan`, the gateway reading it is found (`pick` forces one, for `check --all`),
    /// and the gateway's own environment is the one the checks judge by.
    pub fn start(
        g: &GlobalArgs,
        env: &'a Env,
        selector: Selector,
        no_config: bool,
        redactor: &mut Redactor,
        job: ScanJob,
        pick: Option<usize>,
    ) -> Result<Pipeline<'a>> {
        let (discovered, checked, notes, cfg, scan) = if no_config {
            (no_config_discovered(), None, Vec::new(), None, job.wait())
        } else {
            let flags = DiscoveryFlags {
                config: g.config.clone(),
                profile: g.profile.clone(),
                state_dir: g.state_dir.clone(),
            };
            let own = crate::config::discovery::discover(&flags, env)?;
            // What OpenClaw's own order names is read while the host is scanned.
            let named = pick.is_none() && !matches!(own.source, "default" | "legacy");
            let early = named.then(|| (own.path.clone(), load(&own)));
            let scan = job.wait();
            redact_host(&scan, redactor);
            let s = crate::host::select::select(own, &scan, pick);
            let mut notes = scan.notes.clone();
            notes.extend(s.notes);
            let cfg = match early {
                Some((path, loaded)) if path == s.discovered.path => loaded?,
                _ => load(&s.discovered)?,
            };
            (s.discovered, s.checked, notes, cfg, scan)
        };
        let schema = match &g.schema {
            Some(path) => crate::schema::Schema::from_file(path)?,
            None => crate::schema::Schema::bundled(),
        };
        if let Some(cfg) = &cfg {
            redactor.add_config(cfg);
        }
        let gateway = checked.and_then(|i| scan.gateways.get(i));
        // The gateway's environment is what it runs with; this user's is what it would have
        // when started from this shell.
        let base = gateway_env(gateway).unwrap_or_else(|| env.clone());
        let effective = match &cfg {
            Some(cfg) => crate::config::effective_env::effective(
                &base,
                cfg,
                &discovered.state_dir,
                crate::config::discovery::home_dir(&base).ok().as_deref(),
            ),
            None => base,
        };
        redactor.add_env(&effective);
        let openclaw = OpenclawCli::new(
            g.openclaw.clone(),
            &discovered.state_dir,
            discovered.path.as_deref(),
            discovered.profile.as_deref(),
            g.openclaw_timeout,
        );
        let openclaw = match gateway.and_then(|gw| Some((gw.uid?, gw))) {
            Some((uid, gw)) => {
                let users = crate::host::users::Users::read(&crate::host::HostRoot::from_env(env));
                let gid = users.by_uid(uid).map(|u| u.gid).unwrap_or(uid);
                let home = gw
                    .var("HOME")
                    .map(std::path::PathBuf::from)
                    .or_else(|| users.by_uid(uid).map(|u| u.home.clone()));
                openclaw.as_user(uid, gid, home.as_deref())
            }
            None => openclaw,
        };
        Ok(Pipeline {
            process_env: env,
            env: effective,
            discovered,
            cfg,
            openclaw,
            selector,
            no_config,
            quiet_progress: g.quiet || g.format == crate::cli::OutputFormat::Json,
            schema,
            scan,
            checked,
            notes,
        })
    }

    /// The gateway of this host that reads the checked config.
    pub fn gateway(&self) -> Option<&FoundGateway> {
        self.checked.and_then(|i| self.scan.gateways.get(i))
    }

    /// The facts `check` looks at (probes, devices, logs, proxy files).
    pub fn gather_for_check(&self, args: &CheckArgs, redactor: &mut Redactor) -> Result<Gathered> {
        gather::for_check(
            args,
            &gather::Context {
                cfg: self.cfg.as_ref(),
                discovered: &self.discovered,
                env: &self.env,
                openclaw: &self.openclaw,
                quiet_progress: self.quiet_progress,
                scan: self.scan.skipped.is_none().then_some(&self.scan),
                checked: self.checked,
            },
            redactor,
        )
    }

    /// Every check on `cfg` and the gathered facts, then `--only`/`--skip`.
    pub fn check(
        &self,
        cfg: Option<&ConfigSet>,
        gathered: &Gathered,
    ) -> (Vec<CheckResult>, Vec<Finding>) {
        self.check_on(cfg, gathered, &self.scan, self.checked, &self.discovered)
    }

    /// `check`, on a host as scanned at some moment (after a restart, another one).
    fn check_on(
        &self,
        cfg: Option<&ConfigSet>,
        gathered: &Gathered,
        scan: &HostScan,
        checked: Option<usize>,
        discovered: &Discovered,
    ) -> (Vec<CheckResult>, Vec<Finding>) {
        let host = cfg.map(|c| {
            crate::host::gather(
                &c.merged(&self.env).value,
                crate::config::discovery::home_dir(&self.env)
                    .ok()
                    .as_deref(),
                &discovered.state_dir,
                self.env.raw("PATH"),
                checked.and_then(|i| scan.gateways.get(i)),
            )
        });
        let (mut checks, mut findings) = crate::checks::run(&Facts {
            discovered,
            config: cfg,
            env: &self.env,
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
            schema: Some(&self.schema),
            host: host.as_ref(),
            scan: scan.skipped.is_none().then_some(scan),
            gateway: checked.and_then(|i| scan.gateways.get(i)),
            client_env: self.process_env,
            config_changed: cfg.and_then(config_changed),
        });
        self.selector
            .apply(&mut checks, &mut findings, self.no_config);
        (checks, findings)
    }

    /// A note when the OpenClaw the host runs (the local gateway's hello-ok, else
    /// `meta.lastTouchedVersion`) is of another release line than the schema that judged.
    pub fn version_note(&self, gathered: &Gathered) -> Option<String> {
        let mut known: Vec<(&str, String)> = Vec::new();
        if let Some(v) = gathered
            .probes
            .iter()
            .flatten()
            .filter(|p| p.target == crate::probe::Side::Local)
            .find_map(|p| p.server_version.clone())
        {
            known.push(("the local gateway's hello-ok", v));
        }
        let touched = self.cfg.as_ref().and_then(|c| {
            match c.get(&["meta", "lastTouchedVersion"])?.node.value {
                crate::config::tree::NodeValue::String { ref value, .. } => Some(value.clone()),
                _ => None,
            }
        });
        if let Some(v) = touched {
            known.push(("meta.lastTouchedVersion", v));
        }
        let refs: Vec<(&str, &str)> = known.iter().map(|(s, v)| (*s, v.as_str())).collect();
        self.schema.version_note(&refs)
    }

    /// The config as it is on disk now (after `fix` wrote); its secrets join `redactor`.
    pub fn reload(&self, redactor: &mut Redactor) -> Result<ConfigSet> {
        let Some(cfg) = &self.cfg else {
            return Err(Error::Usage("no config to reload".into()));
        };
        let reloaded = ConfigSet::load(&cfg.main().path, MAX_CONFIG_BYTES)?;
        redactor.add_config(&reloaded);
        Ok(reloaded)
    }

    /// The verification after `fix`: every check again on `cfg`, with the probes of `probe`
    /// when given (a running gateway only reads `gateway.*` after a restart, so probes are
    /// asked for only after a restart or approvals).
    pub fn check_again(
        &self,
        cfg: ConfigSet,
        probe: Option<&ProbeArgs>,
        redactor: &mut Redactor,
    ) -> Result<Rechecked> {
        let mut gathered = Gathered::for_fix();
        // After a restart the gateway is another process (or boot): the host is read again.
        let (scan, checked, discovered) = match probe {
            Some(_) if self.scan.skipped.is_none() => {
                let fresh = crate::host::gateways::scan(
                    &crate::host::HostRoot::from_env(self.process_env),
                    self.process_env,
                    false,
                );
                let checked = fresh.reading(&cfg.main().path);
                let mut d = self.discovered.clone();
                d.listen_port = checked
                    .and_then(|i| fresh.gateways[i].listen_port())
                    .or(d.listen_port);
                (fresh, checked, d)
            }
            _ => (self.scan.clone(), self.checked, self.discovered.clone()),
        };
        if let Some(args) = probe {
            gathered.not_gathered.retain(|(area, _)| *area != "probes");
            let probes = gather::probes(
                args,
                false,
                Some(&cfg),
                &discovered,
                &self.env,
                redactor,
                self.quiet_progress,
                None,
            )?;
            gathered.insecure = args.insecure;
            gathered.probes = Some(probes);
        }
        let (checks, findings) = self.check_on(Some(&cfg), &gathered, &scan, checked, &discovered);
        Ok(Rechecked {
            cfg,
            checks,
            findings,
            probes: gathered.probes.take(),
        })
    }

    /// What `fix` patches in nginx: the proxy files (`--proxy-config`, else with
    /// `--apply-proxy` what nginx itself says) and the proxy checks' issues in them. `None`
    /// when neither flag asks for nginx.
    pub fn proxy_for_fix(
        &self,
        args: &FixArgs,
        cfg: &ConfigSet,
    ) -> Result<Option<(ProxyFacts, Vec<ProxyIssue>)>> {
        if !args.apply_proxy && args.probe.proxy_config.is_empty() {
            return Ok(None);
        }
        let facts = if args.probe.proxy_config.is_empty() {
            match gather::proxy(&[], true) {
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
            }
        } else {
            crate::proxy::load_paths(&args.probe.proxy_config)?
        };
        let view = GatewayView::of(cfg, &self.env, &self.discovered);
        let issues = crate::checks::proxy::issues(&view, &facts, &args.probe.urls);
        Ok(Some((facts, issues)))
    }

    pub fn repair_context(&self) -> crate::repair::RepairContext<'_> {
        crate::repair::RepairContext {
            env: &self.env,
            openclaw: &self.openclaw,
            discovered: &self.discovered,
            quiet_progress: self.quiet_progress,
            gateway: self.gateway(),
            root: crate::host::HostRoot::from_env(self.process_env),
        }
    }

    /// The report's `config` block for `cfg`.
    pub fn config_info(&self, cfg: &ConfigSet) -> ConfigInfo {
        ConfigInfo {
            path: cfg.main().path.clone(),
            format: cfg.main().format,
            source: self.discovered.source,
            reason: self.discovered.reason.clone(),
            legacy: self.discovered.legacy.clone(),
            includes: cfg.docs[1..].iter().map(|d| d.path.clone()).collect(),
        }
    }
}

/// Every found gateway's secrets (its environment, its unit's `--token`) are redacted, whatever
/// is checked.
fn redact_host(scan: &HostScan, redactor: &mut Redactor) {
    for gw in &scan.gateways {
        if let Some(e) = &gw.env {
            redactor.add_secret_env(e);
        }
        if let Some(u) = &gw.unit {
            u.secrets().iter().for_each(|s| redactor.add(s));
        }
    }
}

/// The environment of a gateway found running or in a unit (not a profile of this user's).
fn gateway_env(g: Option<&FoundGateway>) -> Option<Env> {
    let g = g?;
    match g.env_source {
        EnvSource::Process | EnvSource::Unit => g.env.clone(),
        _ => None,
    }
}

/// The newest modification time of the config's files, and that file.
fn config_changed(cfg: &ConfigSet) -> Option<(u64, std::path::PathBuf)> {
    cfg.docs
        .iter()
        .filter_map(|d| {
            let m = std::fs::metadata(&d.path).ok()?.modified().ok()?;
            let ms = m.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as u64;
            Some((ms, d.path.clone()))
        })
        .max_by_key(|(ms, _)| *ms)
}

fn no_config_discovered() -> Discovered {
    Discovered {
        path: None,
        source: "--no-config",
        reason: "--no-config: probes only".into(),
        legacy: None,
        explicit: false,
        profile: None,
        state_dir: std::path::PathBuf::new(),
        searched: vec![],
        listen_port: None,
    }
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
