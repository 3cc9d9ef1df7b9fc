//! Pending pairing requests and paired devices (facts §7), from `openclaw devices list --json`
//! or, for gateways older than 2026.7 without a working CLI, `$STATE_DIR/devices/*.json`
//! read-only.

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
        self.remote_ip.as_deref().is_some_and(|ip| {
            let ip = ip.trim_start_matches("::ffff:");
            ip.parse::<std::net::IpAddr>()
                .is_ok_and(|a| a.is_loopback())
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceState {
    pub pending: Vec<PendingRequest>,
    pub paired_count: usize,
    /// `openclaw devices list --json` or `state files`.
    pub source: &'static str,
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
pub fn parse_list(v: &Value, source: &'static str) -> Option<DeviceState> {
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
        source,
    })
}

/// The device state: the CLI first; its pairing files when the CLI is missing or fails.
pub fn list(cli: &OpenclawCli, state_dir: &Path) -> Result<DeviceState, CliError> {
    let from_cli = cli.run_json(&["devices", "list", "--json"]).and_then(|v| {
        parse_list(&v, "openclaw devices list --json").ok_or_else(|| CliError::BadOutput {
            command: "openclaw devices list --json".into(),
            message: "no pending/paired lists".into(),
        })
    });
    match from_cli {
        Ok(state) => Ok(state),
        Err(err) => read_state_files(state_dir).ok_or(err),
    }
}

/// `$STATE_DIR/devices/pending.json` and `paired.json` (OpenClaw up to ~2026.6), read-only.
pub fn read_state_files(state_dir: &Path) -> Option<DeviceState> {
    let dir = state_dir.join("devices");
    let read = |name: &str| -> Option<Value> {
        let path = dir.join(name);
        let meta = std::fs::metadata(&path).ok()?;
        if meta.len() > 16 * 1024 * 1024 {
            return None;
        }
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
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
        source: "state files",
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
