//! Facts about this host that decide whether the gateway starts (OpenClaw 2026.9.6): whether
//! it runs in a container (the default bind is then `auto`, i.e. 0.0.0.0), which addresses can
//! be bound, whether a `tailscale` binary exists, and the files the config names (TLS
//! certificates, agent workspaces). Gathered once per run; the checks only read them.

//!
//! The running host itself (issue #13) is read by the submodules: processes and their sockets
//! (`procfs`, `sockets`, `users`), systemd units (`unit_syntax`, `units`), and the gateways
//! found by joining them (`gateways`). Every read goes through a `HostRoot` (`root`), so tests
//! can lay out a host tree.

pub mod gateway_config;
pub mod gateways;
pub mod lock;
pub mod procfs;
pub mod root;
pub mod select;
pub mod sockets;
pub mod trust;
pub mod unit_syntax;
pub mod units;
pub mod users;

pub use root::HostRoot;

/// `openclaw gateway run`'s options that take a value (2026.9.6, `gateway-run-argv.mjs`).
pub(crate) const GATEWAY_RUN_VALUE_FLAGS: [&str; 10] = [
    "--port",
    "--bind",
    "--token",
    "--token-file",
    "--auth",
    "--password",
    "--password-file",
    "--tailscale",
    "--ws-log",
    "--raw-stream-path",
];

/// OpenClaw's entry scripts (`gateway-process-argv`, `ENTRY_CANDIDATES`): an argv naming one
/// of them runs OpenClaw, whatever runtime runs it.
pub(crate) const OPENCLAW_ENTRIES: [&str; 6] = [
    "dist/index.js",
    "dist/entry.js",
    "openclaw.mjs",
    "scripts/run-node.mjs",
    "src/entry.ts",
    "src/index.ts",
];

use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};

/// What a path named by the config is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    Missing,
    Directory,
    /// A regular file, and whether it holds what its key needs (a PEM certificate or key).
    File {
        usable: bool,
    },
    Other,
}

#[derive(Debug, Clone, Default)]
pub struct HostFacts {
    /// OpenClaw's `isContainerEnvironment`: `/.dockerenv`, `/run/.containerenv`,
    /// `/var/run/.containerenv`, a container cgroup of pid 1, or Fly.io's variables.
    pub container: bool,
    pub loopback_bindable: bool,
    /// A Tailscale (100.64.0.0/10) address of this host that can be bound.
    pub tailnet: Option<Ipv4Addr>,
    /// For `gateway.customBindHost` when it is an IPv4 address: whether it can be bound.
    pub custom_host_bindable: Option<bool>,
    /// A `tailscale` executable on PATH (or in /usr/bin, /usr/sbin, /usr/local/bin).
    pub tailscale_binary: bool,
    /// With `gateway.tls.enabled`: the certificate, key and CA files OpenClaw would load.
    pub tls: Option<TlsFiles>,
    /// The agent workspaces the config names (as written) and what is there.
    pub workspaces: Vec<(String, PathKind)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathKind,
    pub key: PathKind,
    /// `None` without `caPath`.
    pub ca: Option<PathKind>,
}

/// The facts the merged config `cfg` asks about; `home` expands `~`, `state_dir` holds the
/// default TLS files.
pub fn gather(
    cfg: &Value,
    home: Option<&Path>,
    state_dir: &Path,
    path_var: Option<&str>,
    gateway: Option<&gateways::FoundGateway>,
) -> HostFacts {
    // The files a found gateway names are in its filesystem (a container's, through
    // /proc/PID/root); the state dir is already a path readable from here.
    let prefix = gateway.and_then(|g| g.prefix.clone());
    let seen = |p: PathBuf| match &prefix {
        Some(pre) if !p.starts_with(state_dir) && !p.starts_with(pre) => {
            gateways::through(Some(pre), &p)
        }
        _ => p,
    };
    let custom = cfg
        .pointer("/gateway/customBindHost")
        .and_then(Value::as_str)
        .and_then(|h| h.trim().parse::<Ipv4Addr>().ok());
    // Only what this config's bind needs (a socket or an interface list costs a syscall).
    let bind = cfg
        .pointer("/gateway/bind")
        .and_then(Value::as_str)
        .map(str::trim);
    let needs_loopback = matches!(bind, None | Some("auto" | "tailnet"));
    let mut facts = HostFacts {
        // A found gateway's own namespace decides, not the doctor's.
        container: match gateway.and_then(|g| g.process.as_ref()) {
            Some(p) => p.container,
            None => is_container(),
        },
        loopback_bindable: needs_loopback && can_bind(Ipv4Addr::LOCALHOST.into()),
        tailnet: (bind == Some("tailnet"))
            .then(crate::probe::targets::tailnet_address)
            .flatten()
            .filter(|ip| can_bind((*ip).into())),
        custom_host_bindable: custom.map(|ip| can_bind(ip.into())),
        tailscale_binary: has_binary("tailscale", path_var),
        tls: None,
        workspaces: Vec::new(),
    };
    if let Some(tls) = cfg
        .pointer("/gateway/tls")
        .filter(|t| t.get("enabled") == Some(&Value::Bool(true)))
    {
        let (cert, key) = tls_files(tls, home, state_dir);
        let (cert, key) = (seen(cert), seen(key));
        facts.tls = Some(TlsFiles {
            cert: kind_of(&cert, Pem::Certificate),
            key: kind_of(&key, Pem::Key),
            ca: tls
                .get("caPath")
                .and_then(Value::as_str)
                .map(|ca| kind_of(&seen(expand(ca, home)), Pem::Any)),
        });
    }
    for w in workspaces(cfg) {
        facts
            .workspaces
            .push((w.to_string(), kind_of(&seen(expand(w, home)), Pem::No)));
    }
    facts
}

fn is_container() -> bool {
    // To judge a config for another host (a container image built here), or reproducibly in tests.
    match std::env::var("OPENCLAW_DOCTOR_CONTAINER")
        .as_deref()
        .map(str::trim)
    {
        Ok("1" | "yes" | "true") => return true,
        Ok("0" | "no" | "false") => return false,
        _ => {}
    }
    let fly = |n: &str| std::env::var(n).is_ok_and(|v| !v.trim().is_empty());
    if fly("FLY_MACHINE_ID") && fly("FLY_APP_NAME") {
        return true;
    }
    if [
        "/.dockerenv",
        "/run/.containerenv",
        "/var/run/.containerenv",
    ]
    .iter()
    .any(|p| std::fs::symlink_metadata(p).is_ok())
    {
        return true;
    }
    let cgroup = std::fs::read_to_string("/proc/1/cgroup").unwrap_or_default();
    container_cgroup(&cgroup)
}

/// OpenClaw's `/\/docker\/|cri-containerd-[0-9a-f]|containerd\/[0-9a-f]{64}|\/kubepods[/.]|\blxc\b/`.
pub fn container_cgroup(cgroup: &str) -> bool {
    let hex = |s: &str, n: usize| s.len() >= n && s[..n].bytes().all(|b| b.is_ascii_hexdigit());
    cgroup.contains("/docker/")
        || cgroup
            .match_indices("cri-containerd-")
            .any(|(i, m)| hex(&cgroup[i + m.len()..], 1))
        || cgroup
            .match_indices("containerd/")
            .any(|(i, m)| hex(&cgroup[i + m.len()..], 64))
        || cgroup.contains("/kubepods/")
        || cgroup.contains("/kubepods.")
        || cgroup
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|w| w == "lxc")
}

/// Whether a listening socket can be opened on `ip` (any free port), as OpenClaw's
/// `canBindToHost` tries.
pub fn can_bind(ip: IpAddr) -> bool {
    TcpListener::bind((ip, 0)).is_ok()
}

fn has_binary(name: &str, path_var: Option<&str>) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let dirs = path_var
        .unwrap_or_default()
        .split(':')
        .filter(|d| d.starts_with('/'))
        .map(PathBuf::from)
        .chain(["/usr/bin", "/usr/sbin", "/usr/local/bin"].map(PathBuf::from));
    dirs.map(|d| d.join(name)).any(|p| {
        std::fs::metadata(&p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// `~` and `~/x` from OpenClaw's home.
pub fn expand(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix('~'), home) {
        (Some(""), Some(h)) => h.to_path_buf(),
        (Some(rest), Some(h)) if rest.starts_with('/') => h.join(&rest[1..]),
        _ => PathBuf::from(path),
    }
}

/// The certificate and key OpenClaw loads: the configured paths, else
/// `$STATE_DIR/gateway/tls/gateway-{cert,key}.pem`.
pub fn tls_files(tls: &Value, home: Option<&Path>, state_dir: &Path) -> (PathBuf, PathBuf) {
    let base = state_dir.join("gateway").join("tls");
    let pick = |key: &str, default: &str| match tls.get(key).and_then(Value::as_str) {
        Some(p) if !p.trim().is_empty() => expand(p, home),
        _ => base.join(default),
    };
    (
        pick("certPath", "gateway-cert.pem"),
        pick("keyPath", "gateway-key.pem"),
    )
}

/// `agents.defaults.workspace` and every `agents.entries.*.workspace`.
pub fn workspaces(cfg: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = cfg
        .pointer("/agents/defaults/workspace")
        .and_then(Value::as_str)
        .into_iter()
        .collect();
    if let Some(entries) = cfg.pointer("/agents/entries").and_then(Value::as_object) {
        out.extend(
            entries
                .values()
                .filter_map(|e| e.get("workspace")?.as_str()),
        );
    }
    out
}

/// What a named file must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pem {
    Certificate,
    Key,
    /// Any readable file (a CA bundle).
    Any,
    /// Not a file OpenClaw reads (a workspace directory).
    No,
}

fn kind_of(path: &Path, pem: Pem) -> PathKind {
    use rustls_pki_types::pem::PemObject;
    let Ok(meta) = std::fs::metadata(path) else {
        return PathKind::Missing;
    };
    if meta.is_dir() {
        return PathKind::Directory;
    }
    if !meta.is_file() {
        return PathKind::Other;
    }
    let usable = match pem {
        Pem::Certificate => rustls_pki_types::CertificateDer::pem_file_iter(path)
            .is_ok_and(|mut i| i.next().is_some_and(|c| c.is_ok())),
        Pem::Key => rustls_pki_types::PrivateKeyDer::from_pem_file(path).is_ok(),
        Pem::Any => std::fs::File::open(path).is_ok(),
        Pem::No => true,
    };
    PathKind::File { usable }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_cgroups_as_openclaw_reads_them() {
        assert!(container_cgroup("0::/docker/abc\n"));
        assert!(container_cgroup("1:name=systemd:/kubepods.slice/x\n"));
        assert!(container_cgroup("0::/system.slice/cri-containerd-0f.scope"));
        assert!(container_cgroup("0::/lxc/u1"));
        assert!(!container_cgroup("0::/init.scope\n"));
        assert!(!container_cgroup("0::/user.slice/flxcd"));
    }

    #[test]
    fn paths_expand_from_openclaws_home() {
        let home = Path::new("/home/u");
        assert_eq!(
            expand("~/tls/c.pem", Some(home)),
            Path::new("/home/u/tls/c.pem")
        );
        assert_eq!(expand("~", Some(home)), home);
        assert_eq!(expand("/abs", Some(home)), Path::new("/abs"));
        assert_eq!(expand("~x", Some(home)), Path::new("~x"));
    }
}
