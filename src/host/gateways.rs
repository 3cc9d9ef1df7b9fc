//! The gateways this host runs, or would run: gateway processes joined with the service unit
//! that starts them (by the process's cgroup), units with no process, and (for `--all`) the
//! profiles of this user. For each: its user, its environment, its config and state dir as
//! OpenClaw resolves them from that environment (or as its lock file records them), its port.

pub use super::gateway_config::through;
use super::gateway_config::{add_profiles, discover};
use super::procfs::{Access, DockerProxy, GatewayKind, Process};
use super::trust::distrust;
pub use super::trust::file_id;
use super::units::{Scope, Unit};
use super::users::Users;
use super::{HostRoot, lock};
use crate::config::Env;
use crate::config::discovery::Discovered;
use std::path::{Path, PathBuf};

/// Where a gateway's environment came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvSource {
    /// `/proc/PID/environ` of the running gateway.
    Process,
    /// The unit's `Environment=` / `EnvironmentFile=` and `User=`'s home (not running, or its
    /// environ could not be read).
    Unit,
    /// This user's own (a profile of this user).
    Doctor,
    /// Not known: why.
    Unknown(String),
}

#[derive(Debug, Clone)]
pub struct FoundGateway {
    pub process: Option<Process>,
    pub unit: Option<Unit>,
    /// A profile state dir of this user (`--all`), when neither a process nor a unit names it.
    pub profile_dir: Option<PathBuf>,
    pub user: Option<String>,
    pub uid: Option<u32>,
    /// The gateway's environment (the process's, else the unit's), paths as the gateway sees
    /// them.
    pub env: Option<Env>,
    pub env_source: EnvSource,
    /// What the gateway's lock file records (a running gateway holds it open).
    pub lock: Option<lock::LockInfo>,
    /// Its config as OpenClaw finds it with that environment; paths readable from here.
    pub discovered: Option<Discovered>,
    /// Paths as the gateway sees them are read through this prefix (`/proc/PID/root` for a
    /// process in another mount namespace or root; the test root). `None`: as they are.
    pub prefix: Option<PathBuf>,
    /// When the process started (ms since the epoch).
    pub started_at_ms: Option<u64>,
    /// The port it uses or would use, and why that one (filled in when the other gateways of
    /// the host are compared).
    pub port: Option<(u16, String)>,
}

/// Everything found on the host.
#[derive(Debug, Clone, Default)]
pub struct HostScan {
    pub gateways: Vec<FoundGateway>,
    pub docker_proxies: Vec<DockerProxy>,
    /// How many processes were looked at.
    pub processes: usize,
    /// What could not be read, for people ("pid 812 (user app): its environment cannot be
    /// read; run as root or as app").
    pub notes: Vec<String>,
    /// Why nothing was scanned (`--no-host`, `--no-config`), when nothing was.
    pub skipped: Option<String>,
}

impl FoundGateway {
    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().map(|p| p.pid)
    }

    pub fn running(&self) -> bool {
        self.process.is_some()
    }

    /// "pid 1234 (user openclaw, unit openclaw.service)", "unit openclaw.service (system, not
    /// running)", "profile work (/root/.openclaw-work)".
    pub fn label(&self) -> String {
        let user = self.user.as_deref().map(|u| format!("user {u}"));
        let unit = self.unit.as_ref().map(|u| format!("unit {}", u.name));
        match (&self.process, &self.unit, &self.profile_dir) {
            (Some(p), _, _) => {
                let parts: Vec<String> = user.into_iter().chain(unit).collect();
                if parts.is_empty() {
                    format!("pid {}", p.pid)
                } else {
                    format!("pid {} ({})", p.pid, parts.join(", "))
                }
            }
            (None, Some(u), _) => {
                let scope = match &u.scope {
                    Scope::System => "system unit".to_string(),
                    Scope::User { user, .. } => format!("user unit of {user}"),
                };
                let mut parts = vec![scope];
                parts.extend(user);
                parts.push("not running".into());
                format!("unit {} ({})", u.name, parts.join(", "))
            }
            (None, None, Some(dir)) => match self.profile() {
                Some(p) => format!("profile {p} ({})", dir.display()),
                None => format!("default profile ({})", dir.display()),
            },
            (None, None, None) => "a gateway".into(),
        }
    }

    /// A short name for reports and metrics labels: the unit, else `pid N`, else the profile.
    pub fn name(&self) -> String {
        if let Some(u) = &self.unit {
            // `openclaw gateway install` names every user's unit alike.
            return match &u.scope {
                Scope::System => u.name.clone(),
                Scope::User { user, .. } => format!("{}@{user}", u.name),
            };
        }
        if let Some(p) = &self.process {
            return format!("pid {}", p.pid);
        }
        match self.profile() {
            Some(p) => format!("profile {p}"),
            None => "default".into(),
        }
    }

    pub fn profile(&self) -> Option<String> {
        self.discovered.as_ref().and_then(|d| d.profile.clone())
    }

    pub fn config_path(&self) -> Option<&Path> {
        self.discovered.as_ref().and_then(|d| d.path.as_deref())
    }

    /// The TCP addresses it listens on (empty when not running or not known).
    pub fn listening(&self) -> &[std::net::SocketAddr] {
        match self.process.as_ref().map(|p| &p.listening) {
            Some(Access::Read(l)) => l,
            _ => &[],
        }
    }

    /// The port its WebSocket listens on: the lock file's (2026.9), else the lowest port it
    /// listens on (2026.2 also listens on PORT+2 and PORT+3, on loopback only).
    pub fn listen_port(&self) -> Option<u16> {
        if let Some(port) = self.lock.as_ref().and_then(|l| l.port)
            && self.listening().iter().any(|a| a.port() == port)
        {
            return Some(port);
        }
        self.listening().iter().map(|a| a.port()).min()
    }

    /// `--port N` in the unit's `ExecStart`, with its `file:line`.
    pub fn port_arg(&self) -> Option<(u16, String)> {
        let args = self.unit.as_ref()?.gateway.as_ref()?;
        let port = args.port.as_ref()?;
        Some((port.value, format!("{}:{}", port.file.display(), port.line)))
    }

    /// A variable of the gateway's environment.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env.as_ref().and_then(|e| e.get(name))
    }
}

/// A host scan running beside the config's parsing (it costs a few milliseconds of system
/// calls on a busy host; the config's work is about as long).
pub enum ScanJob {
    Done(HostScan),
    Running(std::thread::JoinHandle<HostScan>),
}

impl ScanJob {
    /// Starts scanning `root` on a thread of its own.
    pub fn start(root: HostRoot, doctor_env: &Env, profiles: bool) -> ScanJob {
        let env = doctor_env.clone();
        let spawned = std::thread::Builder::new()
            .name("host-scan".into())
            .spawn(move || scan(&root, &env, profiles));
        match spawned {
            Ok(handle) => ScanJob::Running(handle),
            // No thread to be had: scan here and now.
            Err(_) => ScanJob::Done(scan(&HostRoot::from_env(doctor_env), doctor_env, profiles)),
        }
    }

    /// Nothing scanned, and why (`--no-host`, `--no-config`).
    pub fn skipped(why: &str) -> ScanJob {
        ScanJob::Done(HostScan {
            skipped: Some(why.into()),
            ..HostScan::default()
        })
    }

    pub fn wait(self) -> HostScan {
        match self {
            ScanJob::Done(s) => s,
            ScanJob::Running(h) => h.join().unwrap_or_else(|_| HostScan {
                skipped: Some("the host scan failed".into()),
                ..HostScan::default()
            }),
        }
    }
}

/// Scans this host: gateway processes, the units that run gateways, and with `profiles` the
/// profile state dirs of the user whose environment is `doctor_env`.
pub fn scan(root: &HostRoot, doctor_env: &Env, profiles: bool) -> HostScan {
    let users = Users::read(root);
    let procs = super::procfs::scan(root, &users);
    let cgroup_units: Vec<String> = procs
        .gateways
        .iter()
        .filter_map(|p| p.unit.as_ref().map(|u| u.name.clone()))
        .collect();
    let homes: Vec<(String, u32, PathBuf)> = users
        .all()
        .iter()
        .map(|u| (u.name.clone(), u.uid, u.home.clone()))
        .collect();
    let units = super::units::scan_with_path(
        root,
        &homes,
        &cgroup_units,
        doctor_env.get("SYSTEMD_UNIT_PATH"),
    );
    let mut out = HostScan {
        docker_proxies: procs.docker_proxies.clone(),
        processes: procs.processes,
        ..HostScan::default()
    };
    for u in &procs.unreadable {
        let who = u.user.clone().unwrap_or_else(|| format!("uid {}", u.uid));
        out.notes.push(format!(
            "gateway pid {} ({who}): {}; run as root or as {who} to read it",
            u.pid,
            u.reason()
        ));
    }
    let boot = boot_time_ms(root);
    let mut units: Vec<Option<Unit>> = units
        .into_iter()
        .filter(|u| u.gateway.is_some() && !u.masked)
        .map(Some)
        .collect();
    for process in procs.gateways {
        let unit = process.unit.as_ref().and_then(|cg| {
            units.iter_mut().find_map(|slot| {
                let matches = slot.as_ref().is_some_and(|u| {
                    u.name == cg.name
                        && match (&u.scope, cg.user_manager) {
                            (Scope::System, None) => true,
                            (Scope::User { uid, .. }, Some(m)) => *uid == m,
                            _ => false,
                        }
                });
                if matches { slot.take() } else { None }
            })
        });
        let mut g = from_process(root, &users, process, unit, &mut out.notes);
        // The lock file is written at every boot (an in-process restart keeps the process).
        g.started_at_ms = g.lock.as_ref().and_then(|l| l.created_at_ms).or_else(|| {
            g.process
                .as_ref()
                .and_then(|p| Some(boot? + p.start_ticks * 1000 / clock_ticks()))
        });
        out.gateways.push(g);
    }
    for unit in units.into_iter().flatten() {
        let mut g = from_unit(root, &users, unit);
        if let Some(why) = distrust(&g) {
            out.notes.push(why);
            g.discovered = None;
        }
        out.gateways.push(g);
    }
    if profiles {
        add_profiles(doctor_env, &mut out.gateways);
    }
    dedupe(&mut out.gateways);
    if out.gateways.len() > 1 {
        for g in &mut out.gateways {
            g.port = port_of(g);
        }
    }
    out
}

/// The port a gateway uses (listening) or would use (its unit's `--port`, else its config's
/// port as OpenClaw resolves it with the gateway's environment), and why: to compare gateways.
fn port_of(g: &FoundGateway) -> Option<(u16, String)> {
    if g.process
        .as_ref()
        .is_some_and(|p| p.kind == GatewayKind::NotListening)
    {
        return None;
    }
    if let Some(p) = g.listen_port() {
        return Some((p, "listening".into()));
    }
    if let Some((p, at)) = g.port_arg() {
        return Some((p, format!("--port in {at}")));
    }
    let path = g.config_path()?;
    let cfg =
        crate::config::ConfigSet::load(path, crate::config::document::MAX_CONFIG_BYTES).ok()?;
    let env = g.env.clone().unwrap_or_default();
    let profile = g.profile();
    let view = crate::config::view::GatewayView::new(&cfg, &env, profile.as_deref());
    if view.mode().as_deref() != Some("local") {
        return None;
    }
    let (port, source) = view.port();
    Some((port, format!("{source} in {}", path.display())))
}

fn from_process(
    root: &HostRoot,
    users: &Users,
    process: Process,
    unit: Option<Unit>,
    notes: &mut Vec<String>,
) -> FoundGateway {
    let user = process
        .user
        .clone()
        .or_else(|| users.by_uid(process.uid).map(|u| u.name.clone()));
    let prefix = process_prefix(root, &process);
    let lock = lock::read(root, process.pid);
    let (env, env_source) = match &process.env {
        Access::Read(vars) => (
            Some(Env::from_pairs(
                vars.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            )),
            EnvSource::Process,
        ),
        other => {
            let why = match other {
                Access::Denied => format!(
                    "the environment of pid {} cannot be read: run as root or as {}",
                    process.pid,
                    user.as_deref().unwrap_or("its user")
                ),
                _ => format!("pid {} ended while it was read", process.pid),
            };
            notes.push(why.clone());
            match unit.as_ref() {
                Some(u) => (Some(unit_env(u, users)), EnvSource::Unit),
                None => (None, EnvSource::Unknown(why)),
            }
        }
    };
    let mut g = FoundGateway {
        uid: Some(process.uid),
        user,
        process: Some(process),
        unit,
        profile_dir: None,
        env,
        env_source,
        lock,
        discovered: None,
        prefix,
        started_at_ms: None,
        port: None,
    };
    g.discovered = discover(root, &g);
    if let Some(why) = distrust(&g) {
        notes.push(why);
        g.discovered = None;
    }
    g
}

fn from_unit(root: &HostRoot, users: &Users, unit: Unit) -> FoundGateway {
    let user_name = match &unit.scope {
        Scope::User { user, .. } => Some(user.clone()),
        // A system unit without User= runs as root.
        Scope::System => Some(
            unit.user
                .as_ref()
                .map(|u| u.value.clone())
                .unwrap_or_else(|| "root".into()),
        ),
    };
    let uid = user_name
        .as_deref()
        .and_then(|n| users.by_name(n))
        .map(|u| u.uid);
    let env = unit_env(&unit, users);
    let mut g = FoundGateway {
        process: None,
        user: user_name,
        uid,
        env: Some(env),
        env_source: EnvSource::Unit,
        unit: Some(unit),
        profile_dir: None,
        lock: None,
        discovered: None,
        prefix: (!root.is_real()).then(|| root.root.clone()),
        started_at_ms: None,
        port: None,
    };
    g.discovered = discover(root, &g);
    g
}

/// The environment systemd gives the unit's service (with `HOME` from `User=`).
fn unit_env(unit: &Unit, users: &Users) -> Env {
    let vars = unit.service_env(|name| users.by_name(name).map(|u| u.home.clone()));
    Env::from_pairs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// Paths of a process in another mount namespace or root are read through `/proc/PID/root`
/// (a container, `PrivateTmp=`); under a test root, through the root.
fn process_prefix(root: &HostRoot, p: &Process) -> Option<PathBuf> {
    if !root.is_real() {
        return Some(root.root.clone());
    }
    let own = |what: &str| std::fs::read_link(format!("/proc/self/ns/{what}")).ok();
    let theirs = |what: &str| std::fs::read_link(format!("/proc/{}/ns/{what}", p.pid)).ok();
    let other_mnt = matches!((own("mnt"), theirs("mnt")), (Some(a), Some(b)) if a != b);
    (other_mnt || p.root_dir.is_some()).then(|| PathBuf::from(format!("/proc/{}/root", p.pid)))
}

/// One entry per config file: a unit or profile whose config a running gateway already reads
/// is that gateway.
fn dedupe(list: &mut Vec<FoundGateway>) {
    let mut seen: Vec<((u64, u64), bool)> = Vec::new();
    list.retain(|g| {
        let Some(k) = g.config_path().and_then(file_id) else {
            return true;
        };
        // Two gateways listening with one config are both kept (a finding); a titled process
        // that listens on nothing beside them is a CLI command or a start, not another one.
        let listening = g
            .process
            .as_ref()
            .is_some_and(|p| p.kind != GatewayKind::NotListening);
        if seen
            .iter()
            .any(|(s, both)| *s == k && !(*both && listening))
        {
            return false;
        }
        seen.push((k, listening));
        true
    });
    list.sort_by_key(|g| {
        let order = match (&g.process, &g.unit) {
            (Some(p), _) if p.kind == GatewayKind::Gateway => 0,
            (Some(_), _) => 1,
            (None, Some(u)) if u.scope == Scope::System => 2,
            (None, Some(_)) => 3,
            _ => 4,
        };
        let start = g.process.as_ref().map_or(u64::MAX, |p| p.start_ticks);
        (order, start)
    });
}

impl HostScan {
    /// The gateway reading `config` (same file), if one was found.
    pub fn reading(&self, config: &Path) -> Option<usize> {
        let want = file_id(config)?;
        self.gateways
            .iter()
            .position(|g| g.config_path().and_then(file_id) == Some(want))
    }

    /// The first gateway (running first) whose config was found and can be read: the one
    /// checked when nothing names a config.
    pub fn first_with_config(&self) -> Option<usize> {
        self.gateways.iter().position(|g| {
            g.profile_dir.is_none()
                && g.config_path()
                    .is_some_and(|p| std::fs::File::open(p).is_ok())
        })
    }
}

/// When the host booted (ms since the epoch): `btime` of `/proc/stat`.
fn boot_time_ms(root: &HostRoot) -> Option<u64> {
    let stat = std::fs::read_to_string(root.proc().join("stat")).ok()?;
    let line = stat.lines().find(|l| l.starts_with("btime "))?;
    line[6..].trim().parse::<u64>().ok().map(|s| s * 1000)
}

/// Clock ticks per second (`stat`'s start time unit).
fn clock_ticks() -> u64 {
    // SAFETY: sysconf(3) reads a constant of the system; no memory is involved.
    let n = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if n > 0 { n as u64 } else { 100 }
}

#[cfg(test)]
#[path = "gateways_tests.rs"]
mod tests;
