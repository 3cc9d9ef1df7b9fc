//! Network probes: reach the gateway directly (the local probe) and through the URL users
//! reach (external probes), concurrently, each bounded by one timeout; classify what each path
//! answers into exactly one `Outcome`.

pub mod classify;
pub mod deep;
pub mod http;
pub mod targets;
pub mod tls;
pub mod ws;

use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use targets::{ProbeTarget, Side};

/// What one probe found. The names are a contract (README, JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    HelloOk,
    DnsError,
    Unreachable,
    Timeout,
    TlsError,
    Redirected,
    UpgradeNotPerformed,
    ProxyAttributionRequired,
    HttpError,
    NotOpenclaw,
    AuthFailed,
    PairingRequired,
    DeviceIdentityRequired,
    ProtocolMismatch,
    GatewayStarting,
    Closed,
    /// The path reaches OpenClaw (challenge received) but the token was not sent: plain
    /// `ws://` to a host that is not loopback.
    TokenWithheld,
    /// The probe itself failed (its task panicked or was cancelled): nothing was learnt, so
    /// it is an error, never a pass.
    ProbeFailed,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::HelloOk => "hello_ok",
            Outcome::DnsError => "dns_error",
            Outcome::Unreachable => "unreachable",
            Outcome::Timeout => "timeout",
            Outcome::TlsError => "tls_error",
            Outcome::Redirected => "redirected",
            Outcome::UpgradeNotPerformed => "upgrade_not_performed",
            Outcome::ProxyAttributionRequired => "proxy_attribution_required",
            Outcome::HttpError => "http_error",
            Outcome::NotOpenclaw => "not_openclaw",
            Outcome::AuthFailed => "auth_failed",
            Outcome::PairingRequired => "pairing_required",
            Outcome::DeviceIdentityRequired => "device_identity_required",
            Outcome::ProtocolMismatch => "protocol_mismatch",
            Outcome::GatewayStarting => "gateway_starting",
            Outcome::Closed => "closed",
            Outcome::TokenWithheld => "token_withheld",
            Outcome::ProbeFailed => "probe_failed",
        }
    }
}

/// The HTTP health step (`GET /healthz`), informational: older gateways have no such route.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub status: Option<u16>,
    /// `live` (200 JSON), `ui_page` (the Control UI HTML: an older gateway), `not_found`,
    /// `other`, or `failed` (no HTTP answer; see the WebSocket outcome).
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbeResult {
    pub target: Side,
    pub url: String,
    /// Where the connection actually went (after DNS / `--resolve`).
    pub address: Option<String>,
    /// True for `--deep` probes (a sub-agent's own connection with a device identity).
    pub deep: bool,
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub close_code: Option<u16>,
    pub reason: Option<String>,
    pub detail_code: Option<String>,
    pub request_id: Option<String>,
    pub pairing_reason: Option<String>,
    pub location: Option<String>,
    pub server_version: Option<String>,
    /// hello-ok's `server.bootId` (2026.9+): new at every start, in-process restarts included,
    /// so it tells a restarted gateway from the one before.
    pub boot_id: Option<String>,
    pub protocol: Option<u64>,
    pub health: Option<Health>,
    /// One sentence on what happened, for people.
    pub detail: String,
    pub elapsed_ms: u64,
    /// The local probe of a `mode: "remote"` config: a failure here is not a finding.
    pub optional: bool,
}

impl ProbeResult {
    pub fn new(target: &ProbeTarget, deep: bool) -> ProbeResult {
        ProbeResult {
            target: target.side,
            url: target.url.clone(),
            address: None,
            deep,
            outcome: Outcome::Closed,
            http_status: None,
            close_code: None,
            reason: None,
            detail_code: None,
            request_id: None,
            pairing_reason: None,
            location: None,
            server_version: None,
            boot_id: None,
            protocol: None,
            health: None,
            detail: String::new(),
            elapsed_ms: 0,
            optional: target.optional,
        }
    }
}

/// Settings shared by every probe of a run.
#[derive(Clone)]
pub struct ProbeSettings {
    pub timeout: Duration,
    pub tls: Arc<rustls::ClientConfig>,
    /// `--resolve HOST:PORT:ADDR` pairs.
    pub resolve: Vec<(String, u16, SocketAddr)>,
    pub insecure: bool,
}

/// Runs every probe concurrently; results come back in the order of `targets`.
pub async fn run_all(
    targets: &[ProbeTarget],
    settings: &ProbeSettings,
    deep: bool,
    on_done: impl Fn(usize, &ProbeResult),
) -> Vec<ProbeResult> {
    let mut futures = Vec::new();
    for target in targets {
        futures.push(probe_one(target.clone(), settings.clone(), false));
        if deep {
            futures.push(probe_one(target.clone(), settings.clone(), true));
        }
    }
    let mut handles = Vec::new();
    for f in futures {
        handles.push(tokio::spawn(f));
    }
    let mut meta = Vec::new();
    for target in targets {
        meta.push((target, false));
        if deep {
            meta.push((target, true));
        }
    }
    collect(handles, &meta, on_done).await
}

/// Awaits every probe task; one that panicked or was cancelled becomes a `probe_failed`
/// result for its target (an error finding), so no probe can vanish from the report.
async fn collect(
    handles: Vec<tokio::task::JoinHandle<ProbeResult>>,
    meta: &[(&ProbeTarget, bool)],
    on_done: impl Fn(usize, &ProbeResult),
) -> Vec<ProbeResult> {
    let mut results = Vec::new();
    for (i, handle) in handles.into_iter().enumerate() {
        let result = match handle.await {
            Ok(result) => result,
            Err(e) => {
                let Some((target, deep)) = meta.get(i) else {
                    continue;
                };
                let mut r = ProbeResult::new(target, *deep);
                r.outcome = Outcome::ProbeFailed;
                r.optional = false;
                r.detail = if e.is_panic() {
                    "the probe failed inside the doctor (a panic); this is a bug in openclaw-doctor, please report it".into()
                } else {
                    "the probe was cancelled before it finished".into()
                };
                r
            }
        };
        on_done(i, &result);
        results.push(result);
    }
    results
}

/// One probe: the HTTP health step, then the WebSocket handshake, both within the timeout.
pub async fn probe_one(target: ProbeTarget, settings: ProbeSettings, deep: bool) -> ProbeResult {
    let who = if deep {
        ws::ConnectAs::sub_agent()
    } else {
        ws::ConnectAs::probe()
    };
    connect_as(target, settings, &who).await
}

/// One connection as `who` (the probe, a sub-agent, or a chosen device identity).
pub async fn connect_as(
    target: ProbeTarget,
    settings: ProbeSettings,
    who: &ws::ConnectAs,
) -> ProbeResult {
    let deep = who.identity.is_some();
    let start = Instant::now();
    let deadline = start + settings.timeout;
    let mut result = ProbeResult::new(&target, deep);
    // Both steps run side by side, so a server that never answers HTTP cannot eat the
    // WebSocket step's time.
    let health = async {
        if deep {
            None
        } else {
            Some(http::health(&target, &settings, deadline).await)
        }
    };
    let (health, ()) = tokio::join!(
        health,
        ws::handshake(&target, &settings, deadline, who, &mut result)
    );
    result.health = health;
    // Everything below came from the server: no control characters reach a terminal.
    let clean = |s: &mut Option<String>| {
        if let Some(v) = s.as_mut() {
            *v = crate::openclaw::devices::clean(v);
        }
    };
    clean(&mut result.reason);
    clean(&mut result.detail_code);
    clean(&mut result.request_id);
    clean(&mut result.pairing_reason);
    clean(&mut result.location);
    clean(&mut result.server_version);
    clean(&mut result.boot_id);
    result.detail = crate::openclaw::devices::clean(&result.detail);
    result.elapsed_ms = start.elapsed().as_millis() as u64;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> ProbeTarget {
        ProbeTarget {
            side: Side::Local,
            url: "ws://127.0.0.1:18789".into(),
            host: "127.0.0.1".into(),
            port: 18789,
            tls: false,
            verify_tls: false,
            auth: None,
            source: "test".into(),
            optional: true,
        }
    }

    #[test]
    fn a_panicked_or_cancelled_probe_is_a_failure_not_a_gap() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let t = target();
        let results = rt.block_on(async {
            let panics: tokio::task::JoinHandle<ProbeResult> =
                tokio::spawn(async { panic!("simulated probe bug") });
            let cancelled: tokio::task::JoinHandle<ProbeResult> = tokio::spawn(async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                unreachable!()
            });
            cancelled.abort();
            collect(
                vec![panics, cancelled],
                &[(&t, false), (&t, true)],
                |_, _| {},
            )
            .await
        });
        assert_eq!(results.len(), 2);
        assert!(results.iter().all(|r| r.outcome == Outcome::ProbeFailed));
        assert!(
            results.iter().all(|r| !r.optional),
            "a failure is never optional"
        );
        assert!(results[0].detail.contains("panic"), "{}", results[0].detail);
        assert!(
            results[1].detail.contains("cancelled"),
            "{}",
            results[1].detail
        );
        assert!(results[1].deep);
    }
}
