//! A found gateway's config and state dir, as OpenClaw resolves them from the gateway's own
//! environment (or as its lock file records them), read through the gateway's filesystem; and
//! this user's profiles for `--all`.

use super::HostRoot;
use super::gateways::{EnvSource, FoundGateway};
use super::procfs::{Access, Process};
use crate::config::Env;
use crate::config::discovery::{self, Discovered, DiscoveryFlags};
use std::path::{Path, PathBuf};

/// A path as the gateway sees it, readable from here.
pub fn through(prefix: Option<&Path>, path: &Path) -> PathBuf {
    match prefix {
        Some(pre) => pre.join(path.strip_prefix("/").unwrap_or(path)),
        None => path.to_path_buf(),
    }
}

/// The gateway's config and state dir: its lock file's `configPath` when it holds one, else
/// OpenClaw's discovery run on its environment (with `--profile`/`--dev` from its unit).
pub(super) fn discover(root: &HostRoot, g: &FoundGateway) -> Option<Discovered> {
    let env = g.env.as_ref()?;
    let prefix = g.prefix.as_deref();
    // Path variables point into the gateway's filesystem: read them through the prefix.
    let cwd = g
        .process
        .as_ref()
        .and_then(|p| match &p.cwd {
            Access::Read(c) => Some(c.clone()),
            _ => None,
        })
        .or_else(|| {
            let dir = g.unit.as_ref()?.working_dir.as_ref()?;
            Some(PathBuf::from(dir.value.trim_start_matches('-')))
        });
    let translate = |v: &str| -> String {
        let p = Path::new(v);
        let abs = if p.is_absolute() || v.starts_with('~') {
            p.to_path_buf()
        } else {
            match &cwd {
                Some(c) => c.join(p),
                None => p.to_path_buf(),
            }
        };
        if v.starts_with('~') {
            return v.to_string();
        }
        through(prefix, &abs).display().to_string()
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for name in [
        "HOME",
        "OPENCLAW_HOME",
        "OPENCLAW_STATE_DIR",
        "OPENCLAW_CONFIG_PATH",
        "OPENCLAW_PROFILE",
    ] {
        if let Some(v) = env.get(name) {
            let v = if name == "OPENCLAW_PROFILE" {
                v.to_string()
            } else {
                translate(v)
            };
            pairs.push((name.to_string(), v));
        }
    }
    let args = g.unit.as_ref().and_then(|u| u.gateway.as_ref());
    let mut flags = DiscoveryFlags {
        profile: args.and_then(|a| {
            a.profile
                .as_ref()
                .map(|p| p.value.clone())
                .or_else(|| a.dev.then(|| "dev".to_string()))
        }),
        ..DiscoveryFlags::default()
    };
    if let Some(path) = g.lock.as_ref().and_then(|l| l.config_path.as_ref()) {
        flags.config = Some(through(prefix, path));
        if let Some(state) = g.lock.as_ref().and_then(|l| l.state_dir.as_ref()) {
            flags.state_dir = Some(through(prefix, state));
        }
    }
    let view = Env::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let _ = root;
    let mut d = discovery::discover(&flags, &view).ok()?;
    let (source, reason) = match (&g.process, &g.unit) {
        (Some(p), _) => (
            "process",
            format!("config of the running gateway, {}", g.label_for(p)),
        ),
        (None, Some(u)) => ("unit", format!("config of the gateway of unit {}", u.name)),
        _ => return Some(d),
    };
    d.source = source;
    d.reason = reason;
    d.explicit = false;
    Some(d)
}

impl FoundGateway {
    fn label_for(&self, p: &Process) -> String {
        let mut parts = vec![format!("pid {}", p.pid)];
        parts.extend(self.user.as_ref().map(|u| format!("user {u}")));
        parts.extend(self.unit.as_ref().map(|u| format!("unit {}", u.name)));
        parts.join(", ")
    }
}

/// `~/.openclaw` and `~/.openclaw-<profile>` of this user that hold a config (for `--all`).
pub(super) fn add_profiles(doctor_env: &Env, out: &mut Vec<FoundGateway>) {
    let Ok(home) = discovery::home_dir(doctor_env) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(&home) else {
        return;
    };
    let mut dirs: Vec<(Option<String>, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let profile = if name == ".openclaw" {
                None
            } else {
                let p = name.strip_prefix(".openclaw-")?;
                discovery::validate_profile(p).ok()?;
                Some(p.to_string())
            };
            e.path().is_dir().then(|| (profile, e.path()))
        })
        .collect();
    dirs.sort();
    for (profile, dir) in dirs {
        let flags = DiscoveryFlags {
            profile: profile.clone().or_else(|| Some("default".into())),
            ..DiscoveryFlags::default()
        };
        let mut env = doctor_env.clone();
        env.remove("OPENCLAW_CONFIG_PATH");
        env.remove("OPENCLAW_STATE_DIR");
        let Ok(d) = discovery::discover(&flags, &env) else {
            continue;
        };
        if d.path.is_none() {
            continue;
        }
        out.push(FoundGateway {
            process: None,
            unit: None,
            profile_dir: Some(dir),
            user: None,
            uid: None,
            env: Some(env),
            env_source: EnvSource::Doctor,
            lock: None,
            discovered: Some(d),
            prefix: None,
            started_at_ms: None,
            port: None,
        });
    }
}
