//! The environment the gateway runs with, as far as the config decides it: the process's own,
//! then OpenClaw's global dotenv files (`$STATE_DIR/.env`; for the default state dir also
//! `~/.config/openclaw/gateway.env`), then the config's `env.vars` and string `env.*` entries.
//! Earlier sources win: a dotenv file or the config never overrides a variable that is set
//! (OpenClaw 2026.9.6, `dotenv-global`, `applyConfigEnvVars`).

use super::{ConfigSet, Env};
use serde_json::Value;
use std::path::Path;

/// `env` with what the gateway would add from its state dir and its config.
pub fn effective(env: &Env, cfg: &ConfigSet, state_dir: &Path, home: Option<&Path>) -> Env {
    let mut out = env.with_defaults(dotenv(&state_dir.join(".env")));
    let default_state = home.is_some_and(|h| same_dir(&h.join(".openclaw"), state_dir));
    if let (true, Some(home)) = (default_state, home) {
        out = out.with_defaults(dotenv(&home.join(".config/openclaw/gateway.env")));
    }
    let raw = cfg.merged_raw();
    out.with_defaults(config_vars(&raw.value))
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b
        || (a
            .canonicalize()
            .ok()
            .is_some_and(|a| b.canonicalize().ok() == Some(a)))
}

/// A dotenv file's variables; nothing when it is missing or unreadable (OpenClaw ignores it).
fn dotenv(path: &Path) -> Vec<(String, String)> {
    // Only a regular file: a FIFO or device where a .env belongs must not block the doctor.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= 1024 * 1024) {
        return Vec::new();
    }
    match dotenvy::from_path_iter(path) {
        Ok(iter) => iter.filter_map(Result::ok).collect(),
        Err(_) => Vec::new(),
    }
}

/// `env.vars.*` and string `env.*` entries (not `shellEnv`), non-blank, valid names.
fn config_vars(root: &Value) -> Vec<(String, String)> {
    let Some(env) = root.get("env").and_then(Value::as_object) else {
        return Vec::new();
    };
    let vars = env
        .get("vars")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter());
    let direct = env.iter().filter(|(k, _)| *k != "vars" && *k != "shellEnv");
    vars.chain(direct)
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .filter(|(k, v)| !v.trim().is_empty() && is_name(k))
        .collect()
}

fn is_name(k: &str) -> bool {
    let mut c = k.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}
