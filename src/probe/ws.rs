//! The WebSocket step (facts §5): connect (DNS or `--resolve`), TLS, upgrade, wait for
//! `connect.challenge`, send `connect`, read `hello-ok` or the error and close frame, close
//! with 1000. A 1013 "gateway starting" is retried within the deadline.

use super::classify::{classify_close, classify_refusal, classify_upgrade_error, short_io};
use super::deep::DeviceIdentity;
use super::targets::Auth;
use super::{Outcome, ProbeResult, ProbeSettings, ProbeTarget};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::{
    CloseFrame, WebSocketConfig, frame::coding::CloseCode,
};
use tokio_tungstenite::tungstenite::{Error as WsError, Message, client::IntoClientRequest};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

/// The largest frame or message the probe reads: a gateway's hello is a few KiB.
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;
/// The most frames read while waiting for an answer (events may precede it).
pub const MAX_FRAMES: usize = 64;
pub const CLIENT_VERSION: &str = env!("CARGO_PKG_VERSION");

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Who the connection claims to be: the probe (`cli`/`probe`, operator.read, no device), or
/// a sub-agent (`gateway-client`/`backend`, operator.admin, a device identity).
#[derive(Clone)]
pub struct ConnectAs {
    pub client_id: String,
    pub mode: String,
    pub scopes: Vec<String>,
    pub identity: Option<std::sync::Arc<DeviceIdentity>>,
}

impl ConnectAs {
    pub fn probe() -> ConnectAs {
        ConnectAs {
            client_id: "cli".into(),
            mode: "probe".into(),
            scopes: vec!["operator.read".into()],
            identity: None,
        }
    }

    /// A sub-agent with a fresh, throwaway device identity.
    pub fn sub_agent() -> ConnectAs {
        ConnectAs {
            client_id: "gateway-client".into(),
            mode: "backend".into(),
            scopes: vec!["operator.admin".into()],
            identity: Some(std::sync::Arc::new(DeviceIdentity::generate())),
        }
    }
}

pub async fn handshake(
    target: &ProbeTarget,
    settings: &ProbeSettings,
    deadline: Instant,
    who: &ConnectAs,
    result: &mut ProbeResult,
) {
    loop {
        match tokio::time::timeout_at(deadline.into(), attempt(target, settings, who, result)).await
        {
            Err(_) => {
                // The stage the attempt reached decides what the silence means.
                let ms = settings.timeout.as_millis();
                match result.outcome {
                    Outcome::GatewayStarting => {
                        result.detail = format!(
                            "the gateway was still starting when the {ms} ms timeout ran out"
                        );
                    }
                    Outcome::NotOpenclaw => {
                        result.detail = format!(
                            "upgraded, but no connect.challenge within {ms} ms: not an OpenClaw gateway (or one older than 2026.1.20)"
                        );
                    }
                    _ => {
                        result.outcome = Outcome::Timeout;
                        result.detail = format!("{} within {ms} ms", result.detail);
                    }
                }
                return;
            }
            Ok(Retry::No) => return,
            Ok(Retry::After(wait)) => {
                let wait = wait
                    .min(Duration::from_millis(1000))
                    .max(Duration::from_millis(100));
                if Instant::now() + wait >= deadline {
                    return;
                }
                tokio::time::sleep(wait).await;
            }
        }
    }
}

enum Retry {
    No,
    After(Duration),
}

async fn connect_tcp(
    target: &ProbeTarget,
    settings: &ProbeSettings,
    result: &mut ProbeResult,
) -> Option<TcpStream> {
    result.outcome = Outcome::Timeout;
    result.detail = "no TCP connection".into();
    let forced = settings
        .resolve
        .iter()
        .find(|(h, p, _)| h.eq_ignore_ascii_case(&target.host) && *p == target.port)
        .map(|(_, _, a)| *a);
    let addrs: Vec<SocketAddr> = match forced {
        Some(a) => vec![a],
        None => match target.host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, target.port)],
            Err(_) => match tokio::net::lookup_host((target.host.as_str(), target.port)).await {
                Ok(a) => a.collect(),
                Err(e) => {
                    result.outcome = Outcome::DnsError;
                    result.detail = format!("cannot resolve {}: {}", target.host, short_io(&e));
                    return None;
                }
            },
        },
    };
    if addrs.is_empty() {
        result.outcome = Outcome::DnsError;
        result.detail = format!("{} has no address", target.host);
        return None;
    }
    let mut last = None;
    for addr in addrs {
        result.address = Some(addr.to_string());
        match TcpStream::connect(addr).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Some(s);
            }
            Err(e) => last = Some((addr, e)),
        }
    }
    if let Some((addr, e)) = last {
        result.outcome = Outcome::Unreachable;
        result.detail = format!("cannot connect to {addr}: {}", short_io(&e));
    }
    None
}

async fn attempt(
    target: &ProbeTarget,
    settings: &ProbeSettings,
    who: &ConnectAs,
    result: &mut ProbeResult,
) -> Retry {
    // A retry starts clean: nothing from a failed attempt (1013, a request id) carries over.
    result.http_status = None;
    result.close_code = None;
    result.reason = None;
    result.detail_code = None;
    result.request_id = None;
    result.pairing_reason = None;
    result.location = None;
    let Some((mut ws, peer_loopback)) = upgrade(target, settings, result).await else {
        return Retry::No;
    };
    // 1. The challenge, sent at once on open; silence until the deadline means not OpenClaw.
    let nonce = match read_challenge(&mut ws, result).await {
        Ok(nonce) => nonce,
        Err(retry) => return retry,
    };
    // 2. Never send the token in clear text off this machine.
    if !may_send_secret(target.tls, peer_loopback) && target.auth.is_some() {
        result.outcome = Outcome::TokenWithheld;
        result.detail = "reached OpenClaw (challenge received) but did not send the token: plain ws:// to a host that is not loopback would expose it; probe the wss:// URL".into();
        let _ = ws.close(Some(normal_close())).await;
        return Retry::No;
    }
    let connect = connect_frame(target.auth.as_ref(), &nonce, who);
    result.outcome = Outcome::Timeout;
    result.detail = "no answer to connect".into();
    if ws
        .send(Message::Text(connect.to_string().into()))
        .await
        .is_err()
    {
        result.outcome = Outcome::Closed;
        result.detail = "the connection closed while sending connect".into();
        return Retry::No;
    }
    // 3. The answer to request "1".
    read_answer(&mut ws, result).await
}

/// TCP, TLS and the WebSocket upgrade; the stream and whether its peer is loopback.
async fn upgrade(
    target: &ProbeTarget,
    settings: &ProbeSettings,
    result: &mut ProbeResult,
) -> Option<(Ws, bool)> {
    let stream = connect_tcp(target, settings, result).await?;
    let peer_loopback = stream
        .peer_addr()
        .map(|a| crate::net::is_loopback_ip(a.ip()))
        .unwrap_or(false);
    result.detail = if target.tls {
        "no TLS handshake and WebSocket upgrade".into()
    } else {
        "no answer to the WebSocket upgrade".into()
    };
    let Ok(request) = target.url.as_str().into_client_request() else {
        result.outcome = Outcome::Closed;
        result.detail = format!("{} is not a valid WebSocket URL", target.url);
        return None;
    };
    let connector = if target.tls {
        let config = if target.verify_tls && !settings.insecure {
            settings.tls.clone()
        } else {
            Arc::new(super::tls::insecure_config())
        };
        Connector::Rustls(config)
    } else {
        Connector::Plain
    };
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES));
    match tokio_tungstenite::client_async_tls_with_config(
        request,
        stream,
        Some(ws_config),
        Some(connector),
    )
    .await
    {
        Ok((ws, _response)) => Some((ws, peer_loopback)),
        Err(e) => {
            classify_upgrade_error(e, result);
            None
        }
    }
}

/// The `connect.challenge` event's nonce; `Err` says whether to retry.
async fn read_challenge(ws: &mut Ws, result: &mut ProbeResult) -> Result<String, Retry> {
    result.outcome = Outcome::NotOpenclaw;
    result.detail.clear();
    let Some(challenge) = next_json(ws, result).await else {
        if result.outcome == Outcome::GatewayStarting {
            return Err(Retry::After(Duration::from_millis(500)));
        }
        if result.detail.is_empty() {
            result.outcome = Outcome::NotOpenclaw;
            result.detail = "upgraded, but the connection ended without a connect.challenge: not an OpenClaw gateway".into();
        }
        return Err(Retry::No);
    };
    match (challenge.get("type"), challenge.get("event")) {
        (Some(t), Some(e)) if t == "event" && e == "connect.challenge" => Ok(challenge
            .pointer("/payload/nonce")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()),
        _ => {
            result.outcome = Outcome::NotOpenclaw;
            result.detail =
                "the first frame is not a connect.challenge: not an OpenClaw gateway".into();
            let _ = ws.close(None).await;
            Err(Retry::No)
        }
    }
}

/// Reads frames (events may come first) until the response to request "1".
async fn read_answer(ws: &mut Ws, result: &mut ProbeResult) -> Retry {
    for _ in 0..MAX_FRAMES {
        let Some(frame) = next_json(ws, result).await else {
            if result.outcome == Outcome::GatewayStarting {
                return Retry::After(Duration::from_millis(500));
            }
            if result.outcome == Outcome::Timeout {
                result.outcome = Outcome::Closed;
                result.detail = "the connection ended before an answer to connect".into();
            }
            return Retry::No;
        };
        if frame.get("type").and_then(Value::as_str) != Some("res")
            || frame.get("id").and_then(Value::as_str) != Some("1")
        {
            continue;
        }
        if frame.get("ok").and_then(Value::as_bool) == Some(true) {
            hello_ok(&frame, result);
            let _ = ws.close(Some(normal_close())).await;
            return Retry::No;
        }
        return refused(ws, &frame, result).await;
    }
    result.outcome = Outcome::Closed;
    result.detail = format!("no answer to connect within {MAX_FRAMES} frames");
    Retry::No
}

fn hello_ok(frame: &Value, result: &mut ProbeResult) {
    result.outcome = Outcome::HelloOk;
    result.server_version = frame
        .pointer("/payload/server/version")
        .and_then(Value::as_str)
        .map(str::to_string);
    result.boot_id = frame
        .pointer("/payload/server/bootId")
        .and_then(Value::as_str)
        .map(str::to_string);
    result.protocol = frame.pointer("/payload/protocol").and_then(Value::as_u64);
    result.detail = format!(
        "hello-ok from OpenClaw {} (protocol {})",
        result.server_version.as_deref().unwrap_or("?"),
        result
            .protocol
            .map(|p| p.to_string())
            .unwrap_or_else(|| "?".into())
    );
}

/// An error response: its codes, the close frame that follows, one outcome.
async fn refused(ws: &mut Ws, frame: &Value, result: &mut ProbeResult) -> Retry {
    let error = frame.get("error").cloned().unwrap_or(Value::Null);
    let text = |pointer: &str| {
        error
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    result.detail_code = text("/details/code").or_else(|| text("/code"));
    result.request_id = text("/details/requestId");
    result.pairing_reason = text("/details/reason");
    let message = text("/message").unwrap_or_default();
    let retry_after = error
        .pointer("/details/retryAfterMs")
        .or_else(|| error.get("retryAfterMs"))
        .and_then(Value::as_u64);
    // The close frame follows the error response; a server that keeps the socket open
    // does not turn a clear refusal into a timeout.
    let _ = tokio::time::timeout(Duration::from_millis(1000), next_json(ws, result)).await;
    if result.reason.is_none() && !message.is_empty() {
        result.reason = Some(message);
    }
    classify_refusal(result, &error);
    if result.outcome == Outcome::GatewayStarting {
        return Retry::After(Duration::from_millis(retry_after.unwrap_or(500)));
    }
    Retry::No
}

/// The shared secret goes only over TLS or to a loopback peer (the address actually
/// connected to, after DNS and `--resolve`).
pub fn may_send_secret(tls: bool, peer_is_loopback: bool) -> bool {
    tls || peer_is_loopback
}

fn normal_close() -> CloseFrame {
    CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    }
}

/// The `connect` request (facts §5); a device identity signs the challenge nonce.
fn connect_frame(auth: Option<&Auth>, nonce: &str, who: &ConnectAs) -> Value {
    let mut params = json!({
        "minProtocol": 3,
        "maxProtocol": 4,
        "client": { "id": who.client_id, "version": CLIENT_VERSION, "platform": "linux", "mode": who.mode },
        "role": "operator",
        "scopes": who.scopes,
    });
    match auth {
        Some(Auth::Token(t)) => params["auth"] = json!({ "token": t }),
        Some(Auth::Password(p)) => params["auth"] = json!({ "password": p }),
        None => {}
    }
    if let Some(identity) = &who.identity {
        let token = match auth {
            Some(Auth::Token(t)) => t.as_str(),
            _ => "",
        };
        let scopes: Vec<&str> = who.scopes.iter().map(String::as_str).collect();
        params["device"] = identity.sign_connect(
            &who.client_id,
            &who.mode,
            "operator",
            &scopes,
            token,
            nonce,
            "linux",
            "",
        );
    }
    json!({ "type": "req", "id": "1", "method": "connect", "params": params })
}

/// Reads frames until a JSON text frame; records a close frame (code, reason) and returns None.
async fn next_json(ws: &mut Ws, result: &mut ProbeResult) -> Option<Value> {
    loop {
        match ws.next().await {
            None => return None,
            Some(Err(e)) => {
                result.outcome = Outcome::Closed;
                result.detail = match e {
                    WsError::Capacity(c) => format!(
                        "the server sent an oversized frame ({c}); the probe reads at most {MAX_FRAME_BYTES} bytes"
                    ),
                    WsError::Protocol(p) => format!("WebSocket protocol error: {p}"),
                    other => format!("the connection failed: {other}"),
                };
                return None;
            }
            Some(Ok(Message::Text(text))) => {
                match serde_json::from_str::<Value>(text.as_str()) {
                    Ok(v) => return Some(v),
                    Err(_) => {
                        result.outcome = Outcome::NotOpenclaw;
                        result.detail = "the server sent a text frame that is not JSON: not an OpenClaw gateway".into();
                        return None;
                    }
                }
            }
            Some(Ok(Message::Binary(_))) => {
                result.outcome = Outcome::NotOpenclaw;
                result.detail = "the server sent a binary frame: not an OpenClaw gateway".into();
                return None;
            }
            Some(Ok(Message::Close(frame))) => {
                if let Some(frame) = frame {
                    let code = u16::from(frame.code);
                    result.close_code = Some(code);
                    result.reason = Some(crate::openclaw::devices::clean(frame.reason.as_str()));
                    classify_close(result, code, frame.reason.as_str());
                } else {
                    result.outcome = Outcome::Closed;
                    result.detail = "the server closed the connection without a code".into();
                }
                return None;
            }
            Some(Ok(_)) => continue, // ping / pong
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_only_over_tls_or_loopback() {
        assert!(may_send_secret(true, false));
        assert!(may_send_secret(false, true));
        assert!(
            !may_send_secret(false, false),
            "plain ws:// to another host never carries the token"
        );
    }
}
