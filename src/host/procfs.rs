//! The running gateways of this host, from `/proc`: one small read of `comm` per process, and
//! the rest (argv, environment, cwd, cgroup, sockets) only for the few that look like a
//! gateway or a docker-proxy. Nothing read here can make the scan panic; a process may vanish
//! or be another user's at any step, and that is reported per field (`Access`).

mod classify;
pub(in crate::host) mod dir;

pub use classify::{cgroup_unit, gateway_argv, split_cmdline};

use super::HostRoot;
use super::sockets;
use super::users::Users;
use classify::Candidate;
use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Bounds of what is read per file: `cmdline` and `environ` can be large (ARG_MAX), a title
/// or a `stat` line is short. Past a bound the rest is ignored.
const MAX_CMDLINE: u64 = 256 << 10;
const MAX_ENVIRON: u64 = 2 << 20;
const MAX_SMALL: u64 = 64 << 10;

/// A field of another process: read, not ours to read (EACCES/EPERM: another user's process,
/// or a non-dumpable one), or gone (the process exited; any other read error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access<T> {
    Read(T),
    Denied,
    Gone,
}

impl<T> Access<T> {
    pub fn from_error(e: &std::io::Error) -> Access<T> {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            Access::Denied
        } else {
            Access::Gone
        }
    }

    pub fn from_result(r: std::io::Result<T>) -> Access<T> {
        match r {
            Ok(v) => Access::Read(v),
            Err(e) => Access::from_error(&e),
        }
    }

    pub fn ok(&self) -> Option<&T> {
        match self {
            Access::Read(v) => Some(v),
            _ => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Access<U> {
        match self {
            Access::Read(v) => Access::Read(f(v)),
            Access::Denied => Access::Denied,
            Access::Gone => Access::Gone,
        }
    }

    pub fn is_denied(&self) -> bool {
        matches!(self, Access::Denied)
    }
}

#[derive(Debug, Clone)]
pub struct Process {
    pub pid: u32,
    pub ppid: u32,
    /// Real uid, from `status` (readable for every process).
    pub uid: u32,
    /// The passwd name of `uid`.
    pub user: Option<String>,
    pub comm: String,
    /// `cmdline` split at NULs, trimmed, empty arguments dropped.
    pub argv: Vec<String>,
    /// `stat` field 22: tells a new process from a reused pid.
    pub start_ticks: u64,
    pub cwd: Access<PathBuf>,
    /// The whole initial environment, in order.
    pub env: Access<Vec<(String, String)>>,
    /// TCP LISTEN sockets this process holds.
    pub listening: Access<Vec<SocketAddr>>,
    pub unit: Option<CgroupUnit>,
    /// A container cgroup (OpenClaw's test, docker/podman scopes) or another net namespace.
    pub container: bool,
    /// Whether its network namespace differs from ours (`None`: unreadable).
    pub other_netns: Option<bool>,
    /// `Some(<proc>/<pid>/root)` when its root directory is not ours (a container, a chroot):
    /// the paths it names resolve under it.
    pub root_dir: Option<PathBuf>,
    pub kind: GatewayKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GatewayKind {
    /// Titled `openclaw-gateway` (comm `openclaw-gatewa`, or argv[0]) and holding a listening
    /// socket; or an OpenClaw argv running `gateway` / `gateway run` (2026.2.x and older, no
    /// title) that listens.
    Gateway,
    /// Gateway-looking, but its sockets are not ours to read (another user's process and we
    /// are not root): whether it listens is unknown.
    Unverified,
    /// Titled like a gateway but listening on nothing (yet): a gateway starting, or a short
    /// `openclaw gateway status|restart|probe` CLI command (they get the same title).
    NotListening,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupUnit {
    /// `openclaw.service`
    pub name: String,
    /// `Some(uid)` under `user@UID.service`: a user unit.
    pub user_manager: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerProxy {
    pub pid: u32,
    /// `-host-ip`, `-host-port`
    pub host: SocketAddr,
    /// `-container-ip`, `-container-port`
    pub container: SocketAddr,
}

/// A gateway-looking process some of whose details could not be read, and which ones: the
/// report says "run as root or as <user>".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub pid: u32,
    pub uid: u32,
    pub user: Option<String>,
    /// Among `cwd`, `environ`, `sockets`.
    pub what: Vec<&'static str>,
}

impl Unreadable {
    /// `environ, sockets: permission denied`
    pub fn reason(&self) -> String {
        format!("{}: permission denied", self.what.join(", "))
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProcScan {
    /// Gateway, then Unverified, then NotListening; each by start time.
    pub gateways: Vec<Process>,
    pub docker_proxies: Vec<DockerProxy>,
    /// How many `/proc` entries were looked at.
    pub processes: usize,
    pub unreadable: Vec<Unreadable>,
}

/// What every gateway candidate shares: our own namespace and root, the socket tables
/// already read (by namespace), the passwd names.
struct Context<'a> {
    proc: PathBuf,
    /// The real host: our own namespace's table comes from sock_diag.
    real: bool,
    users: &'a Users,
    our_netns: Option<PathBuf>,
    our_root: Option<(u64, u64)>,
    tables: HashMap<PathBuf, HashMap<u64, SocketAddr>>,
}

/// Every gateway process and docker-proxy of the host under `root`.
pub fn scan(root: &HostRoot, users: &Users) -> ProcScan {
    let proc = root.proc();
    let mut out = ProcScan::default();
    let mut candidates: Vec<(u32, Candidate, String)> = Vec::new();
    out.processes = dir::each_comm(&proc, |pid, comm| {
        if let Some(c) = classify::candidate(comm) {
            candidates.push((pid, c, String::from_utf8_lossy(comm).into_owned()));
        }
    });
    if candidates.is_empty() {
        return out;
    }
    let mut cx = Context {
        our_netns: std::fs::read_link(proc.join("self/ns/net")).ok(),
        our_root: dev_ino(&root.path(Path::new("/"))),
        real: root.is_real(),
        proc,
        users,
        tables: HashMap::new(),
    };
    for (pid, candidate, comm) in candidates {
        let dir = cx.proc.join(pid.to_string());
        let Ok(raw) = read_bounded(&dir.join("cmdline"), MAX_CMDLINE) else {
            continue;
        };
        let argv = split_cmdline(&raw);
        if candidate == Candidate::DockerProxy {
            out.docker_proxies
                .extend(classify::docker_proxy(pid, &argv));
            continue;
        }
        let titled = candidate == Candidate::Titled || classify::titled_argv(&argv);
        if !titled && !gateway_argv(&argv) {
            continue;
        }
        if let Some(p) = inspect(&mut cx, pid, &dir, comm, argv, titled) {
            let what: Vec<&'static str> = [
                ("cwd", p.cwd.is_denied()),
                ("environ", p.env.is_denied()),
                ("sockets", p.listening.is_denied()),
            ]
            .into_iter()
            .filter_map(|(w, denied)| denied.then_some(w))
            .collect();
            if !what.is_empty() {
                out.unreadable.push(Unreadable {
                    pid,
                    uid: p.uid,
                    user: p.user.clone(),
                    what,
                });
            }
            out.gateways.push(p);
        }
    }
    out.gateways.sort_by_key(|p| (p.kind, p.start_ticks, p.pid));
    out
}

/// The details of a gateway candidate; `None` when it vanished, or when an untitled argv
/// match turns out to listen on nothing (a 2026.2.x parent whose child is the gateway).
fn inspect(
    cx: &mut Context,
    pid: u32,
    dir: &Path,
    comm: String,
    argv: Vec<String>,
    titled: bool,
) -> Option<Process> {
    let (ppid, start_ticks) =
        classify::parse_stat(&read_bounded(&dir.join("stat"), MAX_SMALL).ok()?)?;
    let uid = classify::parse_status_uid(&read_bounded(&dir.join("status"), MAX_SMALL).ok()?)?;
    let netns = std::fs::read_link(dir.join("ns/net")).ok();
    let listening = listening_of(cx, dir, netns.as_deref());
    let kind = match &listening {
        Access::Read(l) if !l.is_empty() => GatewayKind::Gateway,
        Access::Read(_) if titled => GatewayKind::NotListening,
        Access::Denied => GatewayKind::Unverified,
        Access::Read(_) | Access::Gone => return None,
    };
    let other_netns = match (&netns, &cx.our_netns) {
        (Some(theirs), Some(ours)) => Some(theirs != ours),
        _ => None,
    };
    let cgroup = read_bounded(&dir.join("cgroup"), MAX_SMALL).unwrap_or_default();
    let cgroup = String::from_utf8_lossy(&cgroup);
    let root_dir = dir.join("root");
    let other_root = matches!((dev_ino(&root_dir), cx.our_root), (Some(a), Some(b)) if a != b);
    Some(Process {
        pid,
        ppid,
        uid,
        user: cx.users.by_uid(uid).map(|u| u.name.clone()),
        comm,
        argv,
        start_ticks,
        cwd: Access::from_result(std::fs::read_link(dir.join("cwd"))),
        env: Access::from_result(read_bounded(&dir.join("environ"), MAX_ENVIRON))
            .map(|raw| classify::split_environ(&raw)),
        listening,
        unit: cgroup_unit(&cgroup),
        container: super::container_cgroup(&cgroup)
            || classify::container_scope(&cgroup)
            || other_netns == Some(true),
        other_netns,
        root_dir: other_root.then_some(root_dir),
        kind,
    })
}

/// The listening addresses among the sockets `dir` holds, from the table of its namespace
/// `netns` (read once per namespace; per process when the namespace is unknown).
fn listening_of(cx: &mut Context, dir: &Path, netns: Option<&Path>) -> Access<Vec<SocketAddr>> {
    let inodes = match sockets::socket_inodes(dir) {
        Access::Read(i) => i,
        Access::Denied => return Access::Denied,
        Access::Gone => return Access::Gone,
    };
    if inodes.is_empty() {
        return Access::Read(Vec::new());
    }
    let ours = cx.real && netns.is_some() && netns == cx.our_netns.as_deref();
    let key = netns.unwrap_or(dir).to_path_buf();
    let table = cx.tables.entry(key).or_insert_with(|| {
        ours.then(sockets::listening_here)
            .flatten()
            .unwrap_or_else(|| sockets::listening(&dir.join("net")))
    });
    let mut addrs: Vec<SocketAddr> = inodes
        .iter()
        .filter_map(|i| table.get(i).copied())
        .collect();
    addrs.sort_unstable();
    addrs.dedup();
    Access::Read(addrs)
}

/// Who holds a listening socket on `port` (any address) in our network namespace: (pid,
/// comm, uid) of each, and whether some of those sockets stayed unattributed because some
/// processes' fds were not ours to read. Reads every process's fds: only on demand.
pub fn listeners_on(root: &HostRoot, port: u16) -> (Vec<(u32, String, u32)>, bool) {
    let proc = root.proc();
    let here = root.is_real().then(sockets::listening_here).flatten();
    let mut wanted = match here {
        Some(table) => table
            .into_iter()
            .filter_map(|(inode, addr)| (addr.port() == port).then_some(inode))
            .collect(),
        None => sockets::listening_on(&proc.join("self/net"), port),
    };
    if wanted.is_empty() {
        return (Vec::new(), false);
    }
    wanted.sort_unstable();
    let mut found = vec![false; wanted.len()];
    let mut pids = Vec::new();
    dir::each_comm(&proc, |pid, _| pids.push(pid));
    let (mut out, mut denied) = (Vec::new(), false);
    for pid in pids {
        let dir = proc.join(pid.to_string());
        let inodes = match sockets::socket_inodes(&dir) {
            Access::Read(i) => i,
            Access::Denied => {
                denied = true;
                continue;
            }
            Access::Gone => continue,
        };
        let mut holds = false;
        for inode in inodes {
            if let Ok(i) = wanted.binary_search(&inode) {
                found[i] = true;
                holds = true;
            }
        }
        if !holds {
            continue;
        }
        let comm = read_bounded(&dir.join("comm"), MAX_SMALL).unwrap_or_default();
        let status = read_bounded(&dir.join("status"), MAX_SMALL).unwrap_or_default();
        if let Some(uid) = classify::parse_status_uid(&status) {
            let comm = String::from_utf8_lossy(&comm).trim_end().to_string();
            out.push((pid, comm, uid));
        }
    }
    (out, denied && found.contains(&false))
}

/// A whole file, at most `max` bytes of it.
fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::fs::File::open(path)?.take(max).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The device and inode a path resolves to (a process's `root` link: which root it sees).
fn dev_ino(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some((m.dev(), m.ino()))
}

#[cfg(test)]
pub(crate) mod fake;
#[cfg(test)]
mod scan_tests;
