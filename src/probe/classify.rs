//! What the gateway's answers mean: a close frame, an error response, or a refused upgrade
//! (HTTP status, TLS, I/O), each turned into one probe outcome with a detail for people.

use super::{Outcome, ProbeResult};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Error as WsError;

pub(super) fn classify_close(result: &mut ProbeResult, code: u16, reason: &str) {
    let lower = reason.to_ascii_lowercase();
    let (outcome, detail) = if code == 1013 || lower.contains("gateway starting") {
        (
            Outcome::GatewayStarting,
            "the gateway is still starting (1013); retrying".to_string(),
        )
    } else if code == 1002 || lower.contains("protocol mismatch") {
        (
            Outcome::ProtocolMismatch,
            format!("close {code} {reason}: the gateway does not speak protocol 3–4"),
        )
    } else if lower.starts_with("pairing required") {
        (Outcome::PairingRequired, format!("close {code} {reason}"))
    } else if lower.starts_with("unauthorized") {
        (Outcome::AuthFailed, format!("close {code} {reason}"))
    } else if lower.contains("device identity required") {
        (
            Outcome::DeviceIdentityRequired,
            format!("close {code} {reason}"),
        )
    } else {
        (Outcome::Closed, format!("close {code} {reason}"))
    };
    result.outcome = outcome;
    result.detail = detail;
    if outcome == Outcome::PairingRequired && result.request_id.is_none() {
        result.request_id = request_id_in(reason);
    }
}

/// `pairing required: device is not approved yet (requestId: abc)` → `abc`.
fn request_id_in(reason: &str) -> Option<String> {
    let start = reason.find("requestId:")? + "requestId:".len();
    let rest = reason[start..].trim_start();
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Turns an error response (and the close that followed) into one outcome.
pub(super) fn classify_refusal(result: &mut ProbeResult, error: &Value) {
    let code = result.detail_code.clone().unwrap_or_default();
    let top = error
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let reason = result.reason.clone().unwrap_or_default();
    let by_code = match code.as_str() {
        "PAIRING_REQUIRED" => Some(Outcome::PairingRequired),
        c if c.starts_with("AUTH_") => Some(Outcome::AuthFailed),
        "DEVICE_IDENTITY_REQUIRED" => Some(Outcome::DeviceIdentityRequired),
        "PROTOCOL_MISMATCH" => Some(Outcome::ProtocolMismatch),
        _ if top == "NOT_PAIRED" => Some(Outcome::PairingRequired),
        _ if top == "UNAVAILABLE" => Some(Outcome::GatewayStarting),
        _ => None,
    };
    if let Some(outcome) = by_code {
        result.outcome = outcome;
    } else if result.close_code.is_none() {
        classify_close(result, 1008, &reason);
    }
    if result.outcome == Outcome::PairingRequired && result.request_id.is_none() {
        result.request_id = request_id_in(&reason);
    }
    let close = result
        .close_code
        .map(|c| format!("close {c} "))
        .unwrap_or_default();
    result.detail = match result.outcome {
        Outcome::PairingRequired => format!(
            "{close}{reason}{}{}",
            result
                .pairing_reason
                .as_ref()
                .map(|r| format!(" (reason {r})"))
                .unwrap_or_default(),
            result
                .request_id
                .as_ref()
                .map(|r| format!(", request {r}"))
                .unwrap_or_default()
        ),
        _ => format!(
            "{close}{reason}{}",
            if code.is_empty() {
                String::new()
            } else {
                format!(" ({code})")
            }
        ),
    };
}

pub(super) fn classify_upgrade_error(e: WsError, result: &mut ProbeResult) {
    match e {
        WsError::Http(response) => http_refused(&response, result),
        WsError::Protocol(
            tokio_tungstenite::tungstenite::error::ProtocolError::HandshakeIncomplete,
        ) => {
            result.outcome = Outcome::Closed;
            result.detail =
                "the server closed the connection in the middle of the WebSocket upgrade".into();
        }
        WsError::Protocol(p) => {
            // tungstenite reports a 2xx answer to the upgrade as a protocol error.
            let text = p.to_string();
            if let Some(status) = status_in(&text) {
                result.http_status = Some(status);
            }
            if text.contains("200")
                || text.to_ascii_lowercase().contains("switching")
                || result.http_status.is_some_and(|s| (200..300).contains(&s))
            {
                result.outcome = Outcome::UpgradeNotPerformed;
                result.detail = format!(
                    "the answer to the upgrade was not 101 ({text}): the proxy does not pass Upgrade/Connection"
                );
            } else {
                result.outcome = Outcome::NotOpenclaw;
                result.detail = format!("not a WebSocket server: {text}");
            }
        }
        WsError::Tls(t) => {
            result.outcome = Outcome::TlsError;
            result.detail = match t {
                tokio_tungstenite::tungstenite::error::TlsError::Rustls(r) => {
                    super::tls::describe(&r)
                }
                other => other.to_string(),
            };
        }
        WsError::Io(io) => {
            if let Some(r) = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                result.outcome = Outcome::TlsError;
                result.detail = super::tls::describe(r);
            } else if io.kind() == std::io::ErrorKind::InvalidData {
                result.outcome = Outcome::TlsError;
                result.detail = format!("TLS failed: {}", short_io(&io));
            } else {
                result.outcome = Outcome::Closed;
                result.detail = format!(
                    "the connection failed during the upgrade: {}",
                    short_io(&io)
                );
            }
        }
        WsError::Capacity(c) => {
            result.outcome = Outcome::NotOpenclaw;
            result.detail = format!("oversized answer to the upgrade: {c}");
        }
        other => {
            result.outcome = Outcome::Closed;
            result.detail = format!("the upgrade failed: {other}");
        }
    }
}

/// The upgrade answered with an HTTP status instead of 101.
fn http_refused(
    response: &tokio_tungstenite::tungstenite::http::Response<Option<Vec<u8>>>,
    result: &mut ProbeResult,
) {
    let status = response.status().as_u16();
    result.http_status = Some(status);
    let body = response.body().as_deref().unwrap_or_default();
    let body_json: Option<Value> = serde_json::from_slice(body).ok();
    let error_type = body_json
        .as_ref()
        .and_then(|v| v.pointer("/error/type"))
        .and_then(Value::as_str);
    if (200..300).contains(&status) {
        result.outcome = Outcome::UpgradeNotPerformed;
        let html = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        result.detail = format!(
            "HTTP {status}{} instead of 101 Switching Protocols: the proxy does not pass the Upgrade/Connection headers",
            if html {
                " with an HTML page (the Control UI)"
            } else {
                ""
            }
        );
    } else if (300..400).contains(&status) {
        result.outcome = Outcome::Redirected;
        result.location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        result.detail = format!(
            "HTTP {status} redirect to {} (an SSO portal such as YunoHost's in front of the gateway?)",
            result.location.as_deref().unwrap_or("(no Location)")
        );
    } else if status == 403 && error_type == Some("proxy_attribution_required") {
        result.outcome = Outcome::ProxyAttributionRequired;
        result.detail = "HTTP 403 proxy_attribution_required: the gateway does not trust the proxy's forwarding headers".into();
    } else {
        result.outcome = Outcome::HttpError;
        result.detail = match status {
            502 => "HTTP 502 Bad Gateway: the proxy cannot reach the gateway (upstream down or wrong address/port)".into(),
            504 => "HTTP 504 Gateway Timeout: the proxy's upstream does not answer".into(),
            s => format!("HTTP {s} instead of 101 Switching Protocols"),
        };
    }
}

fn status_in(text: &str) -> Option<u16> {
    text.split(|c: char| !c.is_ascii_digit())
        .find_map(|t| t.parse::<u16>().ok().filter(|s| (100..600).contains(s)))
}

pub(super) fn short_io(e: &std::io::Error) -> String {
    let s = e.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_read_from_close_reasons() {
        assert_eq!(
            request_id_in(
                "pairing required: device is not approved yet (requestId: 00fd7b50-9669-45d7)"
            )
            .as_deref(),
            Some("00fd7b50-9669-45d7")
        );
        assert_eq!(request_id_in("pairing required"), None);
    }
}
