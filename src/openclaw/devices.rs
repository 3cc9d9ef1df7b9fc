//! Pending pairing requests and paired devices (facts §7), from `openclaw devices list --json`;
//! `$STATE_DIR/devices/*.json`, read-only, only when there is no CLI to ask or it is older
//! than the 2026.7 device store (those files are then the store itself).

use super::cli::{CliError, OpenclawCli};
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

/// Pending requests expire after five minutes (OpenClaw's source; people report about one).
pub const PENDING_TTL_MS: u64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PendingRequest {
    pub request_id: String,
    pub device_id: String,
    pub client_id: Option<String>,
    pub client_mode: Option<String>,
    pub role: Option<String>,
    pub scopes: Vec<String>,
    pub remote_ip: Option<String>,
    /// The device is already paired and asks for more (a "repair" request).
    pub is_repair: bool,
    /// When the request was made (ms since the epoch).
    pub ts_ms: Option<u64>,
}

impl PendingRequest {
    pub fn age_ms(&self, now_ms: u64) -> Option<u64> {
        self.ts_ms.map(|ts| now_ms.saturating_sub(ts))
    }

    pub fn expires_in_ms(&self, now_ms: u64) -> Option<u64> {
        self.age_ms(now_ms)
            .map(|age| PENDING_TTL_MS.saturating_sub(age))
    }

    pub fn short_device(&self) -> String {
        self.device_id.chars().take(12).collect()
    }

    /// Whether the request came from this machine's loopback.
    pub fn is_loopback(&self) -> bool {
        self.remote_ip
            .as_deref()
            .is_some_and(crate::net::is_loopback_host)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceState {
    pub pending: Vec<PendingRequest>,
    pub paired_count: usize,
    /// `openclaw devices list --json`, or `state files (<why the CLI was not used>)`.
    pub source: String,
}

fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn entries(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Object(map)) => map.values().collect(),
        _ => Vec::new(),
    }
}

/// A request id safe to pass to the CLI: what OpenClaw issues (UUIDs), never an option.
pub fn is_safe_request_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Control characters from another program never reach the terminal.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

pub fn parse_request(v: &Value) -> Option<PendingRequest> {
    let request_id = string(v, "requestId").filter(|id| is_safe_request_id(id))?;
    let string = |v: &Value, key: &str| string(v, key).map(|s| clean(&s));
    Some(PendingRequest {
        request_id,
        device_id: string(v, "deviceId").unwrap_or_default(),
        client_id: string(v, "clientId").or_else(|| {
            v.pointer("/client/id")
                .and_then(Value::as_str)
                .map(str::to_string)
        }),
        client_mode: string(v, "clientMode").or_else(|| {
            v.pointer("/client/mode")
                .and_then(Value::as_str)
                .map(str::to_string)
        }),
        role: string(v, "role"),
        scopes: v
            .get("scopes")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        remote_ip: string(v, "remoteIp"),
        is_repair: v.get("isRepair").and_then(Value::as_bool).unwrap_or(false),
        ts_ms: v.get("ts").and_then(Value::as_u64),
    })
}

/// `{"pending":[…],"paired":[…]}` (arrays, or objects keyed by id as in the state files).
pub fn parse_list(v: &Value, source: &str) -> Option<DeviceState> {
    let obj = v.as_object()?;
    if !obj.contains_key("pending") && !obj.contains_key("paired") {
        return None;
    }
    Some(DeviceState {
        pending: entries(v.get("pending"))
            .into_iter()
            .filter_map(parse_request)
            .collect(),
        paired_count: entries(v.get("paired")).len(),
        source: source.to_string(),
    })
}

/// The first OpenClaw version that keeps devices in SQLite, not in `devices/*.json`.
const SQLITE_STORE: (u32, u32) = (2026, 7);

/// The device state from `openclaw devices list --json`. The pairing files are read instead
/// only when the CLI cannot list devices at all: it is not found, it does not know the
/// command, or it fails and is older than the SQLite store (the files are then its store).
/// Any other failure (a timeout, an error from a current CLI, garbage) is returned as the CLI
/// said it, so files left over from before an upgrade are never shown as the state.
pub fn list(cli: &OpenclawCli, state_dir: &Path) -> Result<DeviceState, CliError> {
    let command = "openclaw devices list --json";
    let err = match cli.run_json(&["devices", "list", "--json"]).and_then(|v| {
        parse_list(&v, command).ok_or_else(|| CliError::BadOutput {
            command: command.into(),
            message: "no pending/paired lists".into(),
        })
    }) {
        Ok(state) => return Ok(state),
        Err(err) => err,
    };
    let Some(why) = fallback_reason(cli, &err) else {
        return Err(cleaned(err));
    };
    match read_state_files(state_dir) {
        Some(mut state) => {
            state.source = format!("state files ({why})");
            Ok(state)
        }
        None => Err(cleaned(err)),
    }
}

/// The CLI's words without control characters (they reach the terminal in the report).
fn cleaned(err: CliError) -> CliError {
    match err {
        CliError::Failed {
            command,
            code,
            message,
        } => CliError::Failed {
            command,
            code,
            message: clean(&message),
        },
        CliError::BadOutput { command, message } => CliError::BadOutput {
            command,
            message: clean(&message),
        },
        other => other,
    }
}

/// Why the pairing files stand in for the CLI, or `None` when they must not.
fn fallback_reason(cli: &OpenclawCli, err: &CliError) -> Option<String> {
    let message = match err {
        CliError::NotFound(program) => {
            return Some(format!("the openclaw CLI ({program}) was not found"));
        }
        CliError::Failed {
            code: Some(_),
            message,
            ..
        } => clean(message),
        _ => return None,
    };
    if is_unknown_command(&message) {
        return Some(format!(
            "this openclaw CLI has no `devices list --json`: {message}"
        ));
    }
    let version = cli_version(cli)?;
    older_than(&version, SQLITE_STORE).then(|| {
        format!(
            "openclaw {version} keeps its devices in these files; `devices list --json` failed: {message}"
        )
    })
}

/// Commander's (2026.2) and OpenClaw's own (2026.9) words for a command or option it lacks.
fn is_unknown_command(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "unknown command",
        "unknown option",
        "does not know the command",
        "has no command",
        "does not recognize option",
    ]
    .iter()
    .any(|s| m.contains(s))
}

/// `openclaw --version` (`2026.2.26`, `OpenClaw 2026.9.6 (eb377ac)`): the version, asked once
/// per program and run (the repair loop lists devices every second).
fn cli_version(cli: &OpenclawCli) -> Option<String> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static ASKED: Mutex<Option<HashMap<std::path::PathBuf, Option<String>>>> = Mutex::new(None);
    let mut asked = ASKED.lock().unwrap_or_else(|e| e.into_inner());
    asked
        .get_or_insert_with(HashMap::new)
        .entry(cli.program.clone())
        .or_insert_with(|| {
            let out = cli.run(&["--version"]).ok()?;
            out.stdout
                .split_whitespace()
                .find(|w| version_parts(w).is_some())
                .map(str::to_string)
        })
        .clone()
}

/// `2026.7.3` → (2026, 7); anything else (`dev`, `v1`) is no version.
fn version_parts(word: &str) -> Option<(u32, u32)> {
    let mut parts = word.split('.');
    let year = parts.next()?.parse().ok().filter(|y| *y >= 2000)?;
    let minor = parts.next()?.parse().ok()?;
    Some((year, minor))
}

fn older_than(version: &str, bound: (u32, u32)) -> bool {
    version_parts(version).is_some_and(|v| v < bound)
}

/// `$STATE_DIR/devices/pending.json` and `paired.json` (OpenClaw up to ~2026.6), read-only.
pub fn read_state_files(state_dir: &Path) -> Option<DeviceState> {
    let dir = state_dir.join("devices");
    let read = |name: &str| -> Option<Value> {
        let path = dir.join(name);
        // Regular files within 16 MiB only: a FIFO here must not block the run.
        let bytes = crate::input::read_bytes(
            &path,
            16 * 1024 * 1024,
            crate::input::Kind("a device state file"),
        )
        .ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    let pending = read("pending.json");
    let paired = read("paired.json");
    if pending.is_none() && paired.is_none() {
        return None;
    }
    Some(DeviceState {
        pending: entries(pending.as_ref())
            .into_iter()
            .filter_map(parse_request)
            .collect(),
        paired_count: entries(paired.as_ref()).len(),
        source: "state files".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_real_cli_output() {
        // Recorded from openclaw 2026.9.6 `devices list --json`.
        let v: Value = serde_json::from_str(
            r#"{"pending":[{"requestId":"d1905eb5-12fc-4b0e-b5fd-2ca9edd2524d","deviceId":"15f3bae4ae5fb31eff4c77e001baa7b99bb61daa23aa2ed7bca4ddd3d8170c0d","publicKey":"Xj6","platform":"linux","clientId":"gateway-client","clientMode":"backend","role":"operator","roles":["operator"],"scopes":["operator.admin"],"remoteIp":"198.51.100.7","silent":false,"isRepair":false,"ts":1795520913083}],"paired":[]}"#,
        )
        .unwrap();
        let state = parse_list(&v, "cli").unwrap();
        let r = &state.pending[0];
        assert_eq!(r.request_id, "d1905eb5-12fc-4b0e-b5fd-2ca9edd2524d");
        assert_eq!(
            (r.client_id.as_deref(), r.client_mode.as_deref()),
            (Some("gateway-client"), Some("backend"))
        );
        assert_eq!(r.scopes, vec!["operator.admin"]);
        assert!(!r.is_repair && !r.is_loopback());
        assert_eq!(r.expires_in_ms(1795520913083 + 60_000), Some(240_000));
        assert_eq!(r.expires_in_ms(1795520913083 + 600_000), Some(0));
        assert_eq!(state.paired_count, 0);
        // An id that could act as a CLI option, or carries control characters, is refused.
        let hostile: Value = serde_json::from_str(r#"{"pending":[{"requestId":"--url=ws://203.0.113.9:1","isRepair":true},{"requestId":"ok-1","clientId":"a\u001b]0;x\u0007","isRepair":true}],"paired":[]}"#).unwrap();
        let state = parse_list(&hostile, "cli").unwrap();
        assert_eq!(state.pending.len(), 1);
        assert_eq!(state.pending[0].client_id.as_deref(), Some("a?]0;x?"));
    }

    #[test]
    fn old_clis_are_told_apart() {
        // `openclaw --version` of 2026.2.26 and of 2026.9.6, as printed.
        assert!(older_than("2026.2.26", SQLITE_STORE));
        assert!(!older_than("2026.7.0", SQLITE_STORE));
        assert!(!older_than("2026.10.1", SQLITE_STORE));
        assert_eq!(version_parts("2026.9.6"), Some((2026, 9)));
        assert!(version_parts("OpenClaw").is_none() && version_parts("(eb377ac)").is_none());
        assert!(!older_than("dev", SQLITE_STORE));
        // What 2026.2.26 (commander) and 2026.9.6 print for what they do not know.
        assert!(is_unknown_command("error: unknown option '--json'"));
        assert!(is_unknown_command("error: unknown command 'devices'"));
        assert!(is_unknown_command(
            "OpenClaw does not recognize option \"--jsonx\"."
        ));
        assert!(is_unknown_command(
            "OpenClaw devices has no command \"frob\"."
        ));
        assert!(!is_unknown_command(
            "gateway device.pair.list requires credentials before opening a websocket"
        ));
    }

    #[test]
    fn state_files_are_objects_keyed_by_id() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("devices")).unwrap();
        std::fs::write(
            dir.path().join("devices/pending.json"),
            r#"{"r1":{"requestId":"r1","deviceId":"abc","scopes":["operator.admin"],"remoteIp":"127.0.0.1","isRepair":true,"ts":1}}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("devices/paired.json"),
            r#"{"abc":{"deviceId":"abc"}}"#,
        )
        .unwrap();
        let state = read_state_files(dir.path()).unwrap();
        assert_eq!(state.pending.len(), 1);
        assert!(state.pending[0].is_repair && state.pending[0].is_loopback());
        assert_eq!(state.paired_count, 1);
    }
}
