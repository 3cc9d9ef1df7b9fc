//! What a process is, from the text of its `/proc` files: OpenClaw's gateway title and argv
//! rules, docker-proxy's arguments, the systemd unit of a cgroup. Pure functions of bytes.

use super::{CgroupUnit, DockerProxy};
use std::net::{IpAddr, SocketAddr};

/// `openclaw-gateway` cut to the kernel's 15-character `comm`.
const TITLE_COMM: &[u8] = b"openclaw-gatewa";
const TITLE: &str = "openclaw-gateway";

/// Which processes are worth more than their `comm`: a gateway title, docker-proxy, or a
/// runtime that may run OpenClaw's entry script (`node /x/openclaw.mjs gateway`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    Titled,
    Runtime,
    DockerProxy,
}

/// From `comm` (without its newline). Everything else is skipped after one read.
pub fn candidate(comm: &[u8]) -> Option<Candidate> {
    match comm {
        TITLE_COMM | b"openclaw-gateway" => Some(Candidate::Titled),
        b"docker-proxy" => Some(Candidate::DockerProxy),
        // Node 24 names its main thread, hence the process, `MainThread`.
        b"MainThread" | b"bun" | b"deno" | b"tsx" => Some(Candidate::Runtime),
        // node, nodejs, node22…; and an `openclaw` binary or title (2026.2.x's parent).
        c if c.starts_with(b"node") || c.starts_with(b"openclaw") => Some(Candidate::Runtime),
        _ => None,
    }
}

/// `cmdline` split at NULs, each argument trimmed, empty ones dropped (a title is padded with
/// NULs or spaces over the old argument area), as OpenClaw's `parseProcCmdline` does.
pub fn split_cmdline(raw: &[u8]) -> Vec<String> {
    raw.split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).trim().to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

/// argv[0] names the title (`exec -a openclaw-gateway`, or a title that kept a path).
pub fn titled_argv(argv: &[String]) -> bool {
    argv.first().is_some_and(|a| {
        let a = a.strip_suffix(".exe").unwrap_or(a);
        a == TITLE || a.ends_with("/openclaw-gateway")
    })
}

/// OpenClaw's `normalizeProcArg`: lower case, `\` → `/`.
fn norm(arg: &str) -> String {
    arg.replace('\\', "/").to_lowercase()
}

/// Root options of `openclaw` that take a value, beside `gateway run`'s own.
const ROOT_VALUE_FLAGS: [&str; 3] = ["--profile", "--container", "--log-level"];

/// An argv running the gateway itself: OpenClaw's `isOpenClawArgv` (an entry script among
/// the arguments, or argv[0] `openclaw`), then the command `gateway` alone, `gateway run`, or
/// `gateway` followed only by options. `gateway status|restart|install|…` are CLI commands.
pub fn gateway_argv(argv: &[String]) -> bool {
    let args: Vec<String> = argv.iter().map(|a| norm(a)).collect();
    let exe = args.first().map_or("", |a| {
        [".bat", ".cmd", ".exe"]
            .iter()
            .find_map(|x| a.strip_suffix(x))
            .unwrap_or(a)
    });
    let entry = args
        .iter()
        .position(|a| crate::host::OPENCLAW_ENTRIES.iter().any(|e| a.ends_with(e)))
        .or_else(|| (exe == "openclaw" || exe.ends_with("/openclaw")).then_some(0));
    let Some(entry) = entry else {
        return false;
    };
    let mut words = positionals(&args[entry + 1..]);
    words.next() == Some("gateway") && matches!(words.next(), None | Some("run"))
}

/// The arguments that are not options or option values.
fn positionals(args: &[String]) -> impl Iterator<Item = &str> {
    let mut skip = false;
    args.iter().filter_map(move |a| {
        if std::mem::take(&mut skip) {
            return None;
        }
        if a.starts_with('-') {
            let flag = a.as_str();
            skip = !a.contains('=')
                && (crate::host::GATEWAY_RUN_VALUE_FLAGS.contains(&flag)
                    || ROOT_VALUE_FLAGS.contains(&flag));
            return None;
        }
        Some(a.as_str())
    })
}

/// `docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 18789 -container-ip 172.17.0.2
/// -container-port 18789 [-use-listen-fd]` (Go flags: `-x v`, `-x=v`, `--x v`). UDP proxies
/// and incomplete argv give `None`.
pub fn docker_proxy(pid: u32, argv: &[String]) -> Option<DockerProxy> {
    let flag = |name: &str| -> Option<&str> {
        let mut it = argv.iter().skip(1);
        while let Some(a) = it.next() {
            let Some(bare) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')) else {
                continue;
            };
            match bare.split_once('=') {
                Some((k, v)) if k == name => return Some(v),
                None if bare == name => return it.next().map(String::as_str),
                _ => {}
            }
        }
        None
    };
    if flag("proto").is_some_and(|p| p != "tcp") {
        return None;
    }
    let addr = |ip: &str, port: &str| -> Option<SocketAddr> {
        let ip: IpAddr = flag(ip)?.trim_matches(['[', ']']).parse().ok()?;
        Some(SocketAddr::new(ip, flag(port)?.parse().ok()?))
    };
    Some(DockerProxy {
        pid,
        host: addr("host-ip", "host-port")?,
        container: addr("container-ip", "container-port")?,
    })
}

/// The cgroup path systemd placed the process in: the `name=systemd` line of cgroup v1, else
/// the unified `0::` line.
fn systemd_path(cgroup: &str) -> Option<&str> {
    let mut unified = None;
    for line in cgroup.lines() {
        let mut f = line.splitn(3, ':');
        let (Some(_id), Some(ctrl), Some(path)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        match ctrl {
            "name=systemd" => return Some(path),
            "" => unified = Some(path),
            _ => {}
        }
    }
    unified
}

/// The service a process runs in: the last `*.service` of its cgroup path, and the uid of the
/// user manager (`user@UID.service`) above it for a user unit. A process in a scope (a login
/// session, `docker-….scope`) or in the user manager itself has none.
pub fn cgroup_unit(cgroup: &str) -> Option<CgroupUnit> {
    let path = systemd_path(cgroup)?;
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let at = parts.iter().rposition(|p| p.ends_with(".service"))?;
    // Scopes and slices under the service (systemd's delegation) still belong to it, but a
    // scope *beside* services (a session) does not: only a trailing part after the service
    // that is not itself a unit keeps it.
    let tail_ok = parts[at + 1..]
        .iter()
        .all(|p| !p.ends_with(".scope") && !p.ends_with(".slice"));
    let name = parts[at];
    let manager = |p: &&str| -> Option<u32> {
        p.strip_prefix("user@")?
            .strip_suffix(".service")?
            .parse()
            .ok()
    };
    if !tail_ok || manager(&name).is_some() {
        return None;
    }
    Some(CgroupUnit {
        name: name.to_string(),
        user_manager: parts[..at].iter().rev().find_map(manager),
    })
}

/// Container cgroups beyond OpenClaw's own test (`super::super::container_cgroup`): the
/// systemd cgroup driver's `docker-<64 hex>.scope`, podman's `libpod-<hex>.scope`.
pub fn container_scope(cgroup: &str) -> bool {
    cgroup
        .split(['/', '\n'])
        .filter_map(|p| p.strip_suffix(".scope"))
        .any(|p| {
            let hex = |s: &str| s.len() >= 12 && s.bytes().all(|b| b.is_ascii_hexdigit());
            p.strip_prefix("docker-").is_some_and(hex) || p.strip_prefix("libpod-").is_some_and(hex)
        })
}

/// The environment block: `K=V` entries split at NULs, in order; entries without `=` dropped.
pub fn split_environ(raw: &[u8]) -> Vec<(String, String)> {
    raw.split(|&b| b == 0)
        .filter_map(|e| {
            let at = e.iter().position(|&b| b == b'=')?;
            (at > 0).then(|| {
                (
                    String::from_utf8_lossy(&e[..at]).into_owned(),
                    String::from_utf8_lossy(&e[at + 1..]).into_owned(),
                )
            })
        })
        .collect()
}

/// `stat`: (ppid, start time in clock ticks), fields 4 and 22, counted after the `)` that
/// closes `comm` (which may itself hold `)` and spaces).
pub fn parse_stat(raw: &[u8]) -> Option<(u32, u64)> {
    let close = raw.iter().rposition(|&b| b == b')')?;
    let rest = std::str::from_utf8(&raw[close + 1..]).ok()?;
    let mut f = rest.split_ascii_whitespace();
    let ppid = f.nth(1)?.parse().ok()?;
    let start = f.nth(17)?.parse().ok()?;
    Some((ppid, start))
}

/// `status`: the real uid (first number of `Uid:`).
pub fn parse_status_uid(raw: &[u8]) -> Option<u32> {
    let text = String::from_utf8_lossy(raw);
    let line = text.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    line.split_ascii_whitespace().next()?.parse().ok()
}
