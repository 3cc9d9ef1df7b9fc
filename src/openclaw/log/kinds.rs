//! The kinds of log events the doctor counts (docs/openclaw/log-templates.md §2), and how a
//! refused connection's close line names its kind: by the metadata's `cause` and `authReason`
//! (both versions write them), else by the close reason's words.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    PairingRequired,
    ScopeUpgrade,
    MetadataUpgrade,
    #[serde(rename = "unattributable_proxy_traffic")]
    Unattributable,
    ProxyHeadersUntrusted,
    HostHeaderNotLocal,
    TokenMismatch,
    DeviceTokenMismatch,
    /// Every other refused credential (`token_missing`, `password_mismatch`…), by reason.
    AuthRefused,
    RateLimited,
    OriginNotAllowed,
    ControlUiInsecure,
    DeviceIdentityRequired,
    DeviceAuthInvalid,
    ProtocolMismatch,
    HandshakeTimeout,
    InvalidHandshake,
    AuthTokenGenerated,
    RestartLoop,
    Throttled,
}

impl Kind {
    /// The `kind` of `log_evidence` entries (stable, like check ids).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// The kind of a refused connection from its close line: `cause` / `authReason` of the
/// metadata when there is one, else the close reason. `None`: the client closed (reason n/a).
pub fn of_close(cause: Option<&str>, auth_reason: Option<&str>, reason: &str) -> Option<Kind> {
    let by_cause = match cause {
        Some("pairing-required") => Some(Kind::PairingRequired),
        Some("origin-mismatch") => Some(Kind::OriginNotAllowed),
        Some("protocol-mismatch") => Some(Kind::ProtocolMismatch),
        Some("handshake-timeout") => Some(Kind::HandshakeTimeout),
        Some("invalid-handshake") => Some(Kind::InvalidHandshake),
        Some("device-required") => Some(Kind::DeviceIdentityRequired),
        Some("device-auth-invalid") => Some(Kind::DeviceAuthInvalid),
        Some("control-ui-insecure-auth") => Some(Kind::ControlUiInsecure),
        Some("unauthorized") => auth_reason.map(of_auth_reason),
        _ => None,
    };
    by_cause.or_else(|| of_close_reason(reason))
}

/// `authReason` of an `unauthorized` line or of the close line's metadata.
pub fn of_auth_reason(reason: &str) -> Kind {
    match reason {
        "token_mismatch" => Kind::TokenMismatch,
        "device_token_mismatch" => Kind::DeviceTokenMismatch,
        "rate_limited" => Kind::RateLimited,
        _ => Kind::AuthRefused,
    }
}

/// The close reason's words (≤ 120 bytes, cut by the gateway), for lines without metadata.
fn of_close_reason(reason: &str) -> Option<Kind> {
    let r = reason.to_ascii_lowercase();
    let starts = |p: &str| r.starts_with(p);
    Some(if starts("pairing required") {
        Kind::PairingRequired
    } else if starts("unauthorized: gateway token mismatch") {
        Kind::TokenMismatch
    } else if starts("unauthorized: device token mismatch") {
        Kind::DeviceTokenMismatch
    } else if starts("unauthorized: too many failed") {
        Kind::RateLimited
    } else if starts("unauthorized") || starts("gateway credential is a redaction sentinel") {
        Kind::AuthRefused
    } else if starts("origin not allowed") {
        Kind::OriginNotAllowed
    } else if starts("control ui requires device identity") {
        Kind::ControlUiInsecure
    } else if starts("device identity required") {
        Kind::DeviceIdentityRequired
    } else if [
        "device signature",
        "device nonce",
        "device identity mismatch",
        "device public key",
    ]
    .iter()
    .any(|p| starts(p))
    {
        Kind::DeviceAuthInvalid
    } else if starts("protocol mismatch") {
        Kind::ProtocolMismatch
    } else if [
        "invalid request frame",
        "invalid handshake",
        "invalid connect params",
    ]
    .iter()
    .any(|p| starts(p))
    {
        Kind::InvalidHandshake
    } else {
        return None;
    })
}

/// The authReason a close reason stands for, for the breakdown of `AuthRefused`.
pub fn auth_reason_of_close(reason: &str) -> Option<&'static str> {
    let r = reason.to_ascii_lowercase();
    [
        ("unauthorized: gateway token missing", "token_missing"),
        (
            "unauthorized: gateway token not configured",
            "token_missing_config",
        ),
        (
            "unauthorized: gateway password mismatch",
            "password_mismatch",
        ),
        ("unauthorized: gateway password missing", "password_missing"),
        (
            "unauthorized: gateway password not configured",
            "password_missing_config",
        ),
    ]
    .iter()
    .find(|(p, _)| r.starts_with(p))
    .map(|(_, id)| *id)
}

/// Start-up refusals as the gateway prints them (captured console output, §2.1).
pub const REFUSALS: &[&str] = &[
    "Missing config. Run `openclaw setup`",
    "Gateway start blocked:",
    "Invalid --bind.",
    "Refusing to bind gateway to",
    "Gateway auth is set to password, but no password is configured.",
    "Gateway failed to start:",
    // 2026.2.26's config guard: the issues follow as `  - key: problem` records.
    "Config invalid",
];

/// Lines that say the gateway started, one per start (2026.9.6 writes `gateway ready` after
/// `http server listening`; 2026.2.26 `listening on ws://…`): they date the refusals.
pub const STARTS: &[&str] = &["gateway ready", "listening on ws"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_lines_by_cause_then_by_words() {
        assert_eq!(
            of_close(Some("unauthorized"), Some("token_mismatch"), "x"),
            Some(Kind::TokenMismatch)
        );
        assert_eq!(
            of_close(Some("unauthorized"), Some("password_mismatch"), "x"),
            Some(Kind::AuthRefused)
        );
        assert_eq!(
            of_close(
                None,
                None,
                "unauthorized: device token mismatch (rotate/reissue device token)"
            ),
            Some(Kind::DeviceTokenMismatch)
        );
        assert_eq!(
            of_close(None, None, "pairing required"),
            Some(Kind::PairingRequired)
        );
        assert_eq!(of_close(None, None, "n/a"), None);
        assert_eq!(Kind::Unattributable.name(), "unattributable_proxy_traffic");
        assert_eq!(Kind::HostHeaderNotLocal.name(), "host_header_not_local");
    }
}
