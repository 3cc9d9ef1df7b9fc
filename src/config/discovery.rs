//! Finds the config file exactly as OpenClaw resolves it (facts §2): `--config` /
//! `OPENCLAW_CONFIG_PATH`, then the state dir (`--state-dir` / `OPENCLAW_STATE_DIR`), then the
//! profile's state dir (`~/.openclaw-NAME`), then `~/.openclaw` and the legacy directories.
//! Pure over its inputs (flags and a snapshot of the environment) so it is unit-testable.

use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File names OpenClaw looks for in a state dir, newest first. `openclaw.toml` is the doctor's
/// own addition (OpenClaw itself loads only JSON5).
pub const CONFIG_FILE_NAMES: &[&str] = &[
    "openclaw.json",
    "openclaw.toml",
    "clawdbot.json",
    "moltbot.json",
    "moldbot.json",
];
/// State dirs of the project's former names.
pub const LEGACY_DIRS: &[&str] = &[".clawdbot", ".moltbot", ".moldbot"];
/// Environment variables of former names, ignored since 2026.3.22.
pub const LEGACY_ENV: &[&str] = &[
    "CLAWDBOT_CONFIG_PATH",
    "CLAWDBOT_STATE_DIR",
    "CLAWDBOT_PROFILE",
    "CLAWDBOT_GATEWAY_TOKEN",
    "CLAWDBOT_GATEWAY_PORT",
];

/// A snapshot of the environment variables the doctor reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    pub const NAMES: &[&str] = &[
        "HOME",
        "OPENCLAW_HOME",
        "OPENCLAW_CONFIG_PATH",
        "OPENCLAW_STATE_DIR",
        "OPENCLAW_PROFILE",
        "OPENCLAW_GATEWAY_URL",
        "OPENCLAW_GATEWAY_PORT",
        "OPENCLAW_GATEWAY_TOKEN",
        "OPENCLAW_GATEWAY_PASSWORD",
    ];

    /// Every variable of this process (a `${VAR}` in the config may name any of them).
    pub fn from_process() -> Env {
        let vars = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        Env { vars }
    }

    /// This environment with `extra` added where a variable is unset or empty (OpenClaw's
    /// dotenv files and config `env` entries never override the process environment).
    pub fn with_defaults(&self, extra: impl IntoIterator<Item = (String, String)>) -> Env {
        let mut vars = self.vars.clone();
        for (k, v) in extra {
            let unset = vars.get(&k).is_none_or(|cur| cur.trim().is_empty());
            if unset {
                vars.insert(k, v);
            }
        }
        Env { vars }
    }

    /// Every variable, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Forgets a variable.
    pub fn remove(&mut self, name: &str) {
        self.vars.remove(name);
    }

    /// A variable as set, empty or not.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// A variable that is set and not empty (OpenClaw treats empty as unset).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

/// The flags that steer discovery (already separated from clap's types).
#[derive(Debug, Clone, Default)]
pub struct DiscoveryFlags {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub state_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Discovered {
    /// The config file, or `None` when no candidate exists.
    pub path: Option<PathBuf>,
    /// Why this file: `--config`, `OPENCLAW_CONFIG_PATH`, `--state-dir`, `OPENCLAW_STATE_DIR`,
    /// `profile`, `default`, `legacy`.
    pub source: &'static str,
    /// A sentence for people: "default location ~/.openclaw/openclaw.json".
    pub reason: String,
    /// Set when the file was found under a former project name.
    pub legacy: Option<String>,
    /// Whether the user named the file outright (a missing explicit file is a usage error).
    pub explicit: bool,
    pub profile: Option<String>,
    pub state_dir: PathBuf,
    /// Every path looked at, in order (for `config.not_found`).
    pub searched: Vec<PathBuf>,
    /// The port the running gateway of this config really listens on, when one was found
    /// on this host (#13): it beats what the config and environment say.
    pub listen_port: Option<u16>,
}

pub fn home_dir(env: &Env) -> Result<PathBuf> {
    let home = env.get("HOME").map(PathBuf::from);
    if let Some(dir) = env.get("OPENCLAW_HOME") {
        return Ok(expand_tilde(dir, home.as_deref()));
    }
    home.ok_or_else(|| {
        Error::Usage("cannot find the home directory: neither OPENCLAW_HOME nor HOME is set".into())
    })
}

/// `~` and `~/x` against `home` (OpenClaw expands both in paths from the environment).
pub fn expand_tilde(path: &str, home: Option<&Path>) -> PathBuf {
    match (path, home) {
        ("~", Some(home)) => home.to_path_buf(),
        (p, Some(home)) if p.starts_with("~/") => home.join(&p[2..]),
        (p, _) => PathBuf::from(p),
    }
}

pub fn validate_profile(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "invalid profile name {name:?}: use letters, digits, '_' and '-' only"
        )))
    }
}

pub fn discover(flags: &DiscoveryFlags, env: &Env) -> Result<Discovered> {
    // `~` in paths from the environment is OpenClaw's home: OPENCLAW_HOME, else HOME.
    let home = home_dir(env).ok();
    let profile = match &flags.profile {
        Some(p) => Some(p.clone()),
        None => env.get("OPENCLAW_PROFILE").map(str::to_string),
    };
    if let Some(p) = &profile {
        validate_profile(p)?;
    }
    let profile = profile.filter(|p| p != "default");

    // The state dir is needed even when the config is named outright (devices, logs).
    let explicit_state = flags
        .state_dir
        .clone()
        .map(|d| (d, "--state-dir"))
        .or_else(|| {
            env.get("OPENCLAW_STATE_DIR")
                .map(|d| (expand_tilde(d, home.as_deref()), "OPENCLAW_STATE_DIR"))
        });

    let named = flags.config.clone().map(|p| (p, "--config")).or_else(|| {
        env.get("OPENCLAW_CONFIG_PATH")
            .map(|p| (expand_tilde(p, home.as_deref()), "OPENCLAW_CONFIG_PATH"))
    });

    let state_dir = match (&explicit_state, &profile) {
        (Some((dir, _)), _) => dir.clone(),
        (None, Some(name)) => home_dir(env)?.join(format!(".openclaw-{name}")),
        (None, None) => match &named {
            // With an explicit file and no HOME, the state dir is simply unknown.
            Some(_) => home_dir(env)
                .map(|h| h.join(".openclaw"))
                .unwrap_or_default(),
            None => home_dir(env)?.join(".openclaw"),
        },
    };

    if let Some((path, source)) = named {
        return Ok(Discovered {
            reason: format!("named by {source}"),
            path: Some(path.clone()),
            source,
            legacy: None,
            explicit: true,
            profile,
            state_dir,
            searched: vec![path],
            listen_port: None,
        });
    }

    let (dirs, source, why) = match (&explicit_state, &profile) {
        (Some((dir, source)), _) => (
            vec![dir.clone()],
            *source,
            format!("in the state dir named by {source}"),
        ),
        (None, Some(name)) => (
            vec![state_dir.clone()],
            "profile",
            format!("in the state dir of profile {name:?}"),
        ),
        (None, None) => {
            let home = home_dir(env)?;
            let mut dirs = vec![home.join(".openclaw")];
            dirs.extend(LEGACY_DIRS.iter().map(|d| home.join(d)));
            (dirs, "default", "default location".to_string())
        }
    };
    Ok(search(&dirs, source, why, profile, state_dir))
}

/// The first config file in `dirs` (in order, each with every file name OpenClaw reads).
fn search(
    dirs: &[PathBuf],
    source: &'static str,
    why: String,
    profile: Option<String>,
    state_dir: PathBuf,
) -> Discovered {
    let mut searched = Vec::new();
    for dir in dirs {
        for name in CONFIG_FILE_NAMES {
            let path = dir.join(name);
            searched.push(path.clone());
            // Anything there is the config as far as OpenClaw goes (it would try to read it):
            // a FIFO or a directory is refused when loading, not passed over as "not found".
            if !path.exists() {
                continue;
            }
            let legacy = legacy_of(dir, name);
            let (source, reason) = match &legacy {
                Some(what) if source == "default" => ("legacy", format!("found in a {what}")),
                _ => (source, why.clone()),
            };
            return Discovered {
                path: Some(path),
                source,
                reason,
                legacy,
                explicit: false,
                profile,
                state_dir: dir.clone(),
                searched,
                listen_port: None,
            };
        }
    }
    Discovered {
        path: None,
        source,
        reason: why,
        legacy: None,
        explicit: false,
        profile,
        state_dir,
        searched,
        listen_port: None,
    }
}

/// Why a config found at `dir/file_name` is a legacy one, if it is.
fn legacy_of(dir: &Path, file_name: &str) -> Option<String> {
    let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if LEGACY_DIRS.contains(&dir_name) {
        Some(format!("legacy directory ~/{dir_name}"))
    } else if file_name != "openclaw.json" && file_name != "openclaw.toml" {
        Some(format!("legacy file name {file_name}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    #[test]
    fn default_location_under_home() {
        let home = tmp();
        std::fs::create_dir(home.path().join(".openclaw")).unwrap();
        std::fs::write(home.path().join(".openclaw/openclaw.json"), "{}").unwrap();
        let h = home.path().to_str().unwrap();
        let d = discover(&DiscoveryFlags::default(), &Env::from_pairs([("HOME", h)])).unwrap();
        assert_eq!(d.path.unwrap(), home.path().join(".openclaw/openclaw.json"));
        assert_eq!(d.source, "default");
        assert!(d.legacy.is_none());
    }

    #[test]
    fn openclaw_home_beats_home() {
        let home = tmp();
        let other = tmp();
        std::fs::create_dir(other.path().join(".openclaw")).unwrap();
        std::fs::write(other.path().join(".openclaw/openclaw.json"), "{}").unwrap();
        let env = Env::from_pairs([
            ("HOME", home.path().to_str().unwrap()),
            ("OPENCLAW_HOME", other.path().to_str().unwrap()),
        ]);
        let d = discover(&DiscoveryFlags::default(), &env).unwrap();
        assert_eq!(
            d.path.unwrap(),
            other.path().join(".openclaw/openclaw.json")
        );
    }

    #[test]
    fn legacy_directory_is_flagged() {
        let home = tmp();
        std::fs::create_dir(home.path().join(".clawdbot")).unwrap();
        std::fs::write(home.path().join(".clawdbot/clawdbot.json"), "{}").unwrap();
        let env = Env::from_pairs([("HOME", home.path().to_str().unwrap())]);
        let d = discover(&DiscoveryFlags::default(), &env).unwrap();
        assert_eq!(d.path.unwrap(), home.path().join(".clawdbot/clawdbot.json"));
        assert_eq!(d.source, "legacy");
        assert_eq!(d.legacy.as_deref(), Some("legacy directory ~/.clawdbot"));
    }

    #[test]
    fn profile_state_dir_and_env_precedence() {
        let home = tmp();
        std::fs::create_dir(home.path().join(".openclaw-dev")).unwrap();
        std::fs::write(home.path().join(".openclaw-dev/openclaw.json"), "{}").unwrap();
        let h = home.path().to_str().unwrap();
        let env = Env::from_pairs([("HOME", h), ("OPENCLAW_PROFILE", "dev")]);
        let d = discover(&DiscoveryFlags::default(), &env).unwrap();
        assert_eq!(
            d.path.unwrap(),
            home.path().join(".openclaw-dev/openclaw.json")
        );
        assert_eq!(d.source, "profile");
        assert_eq!(d.profile.as_deref(), Some("dev"));

        // An explicit state dir beats the profile.
        let state = tmp();
        std::fs::write(state.path().join("openclaw.json"), "{}").unwrap();
        let s = state.path().to_str().unwrap();
        let env = Env::from_pairs([
            ("HOME", h),
            ("OPENCLAW_PROFILE", "dev"),
            ("OPENCLAW_STATE_DIR", s),
        ]);
        let d = discover(&DiscoveryFlags::default(), &env).unwrap();
        assert_eq!(d.path.unwrap(), state.path().join("openclaw.json"));
        assert_eq!(d.source, "OPENCLAW_STATE_DIR");

        // And the explicit config path beats everything, `~` expanded.
        let env = Env::from_pairs([
            ("HOME", h),
            ("OPENCLAW_STATE_DIR", s),
            ("OPENCLAW_CONFIG_PATH", "~/x.json"),
        ]);
        let d = discover(&DiscoveryFlags::default(), &env).unwrap();
        assert_eq!(d.path.unwrap(), home.path().join("x.json"));
        assert!(d.explicit);
    }

    #[test]
    fn default_profile_is_plain_state_dir_and_bad_names_are_refused() {
        let home = tmp();
        let h = home.path().to_str().unwrap();
        let env = Env::from_pairs([("HOME", h), ("OPENCLAW_PROFILE", "default")]);
        let d = discover(&DiscoveryFlags::default(), &env).unwrap();
        assert_eq!(d.state_dir, home.path().join(".openclaw"));
        assert!(d.path.is_none());
        let flags = DiscoveryFlags {
            profile: Some("../etc".into()),
            ..Default::default()
        };
        assert!(matches!(discover(&flags, &env), Err(Error::Usage(_))));
    }
}
