//! Probes against in-process fake servers, for what the real gateway cannot easily show
//! (facts §5: the challenge, the connect request, error responses and close frames). Each
//! case ends within --timeout with the right outcome.

mod common;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

#[derive(Clone, Copy, Debug)]
enum Fake {
    HelloOk,
    /// 1013 "gateway starting" on the first `n` connections, then hello-ok.
    StartingThenOk(usize),
    ProtocolMismatch,
    DeviceIdentityRequired,
    Pairing,
    TokenMismatch,
    SilentTcp,
    HttpNoUpgrade,
    UpgradeThenSilent,
    Garbage,
    Binary,
    HugeFrame,
    CloseMidHandshake,
    Redirect,
    Attribution,
    /// Answers the upgrade one byte every 200 ms.
    SlowDrip,
    /// Sends one text frame of this many bytes first.
    FrameOf(usize),
}

fn challenge() -> Message {
    Message::Text(
        json!({"type":"event","event":"connect.challenge","payload":{"nonce":"6f1c1b1e-0000-4000-8000-000000000001","ts":1795430845000u64}})
            .to_string()
            .into(),
    )
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_string().into(),
    }))
}

fn error_res(code: &str, detail: &str, message: &str, extra: Value) -> Message {
    let mut details = json!({ "code": detail });
    if let (Some(d), Some(e)) = (details.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    Message::Text(json!({"type":"res","id":"1","ok":false,"error":{"code":code,"message":message,"details":details}}).to_string().into())
}

/// Starts a fake on 127.0.0.1:0 in its own thread; returns its address.
fn start(kind: Fake) -> SocketAddr {
    start_on("127.0.0.1:0", kind)
}

fn start_on(bind: &'static str, kind: Fake) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = TcpListener::bind(bind).await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let mut count = 0usize;
            let mut held = Vec::new();
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { return };
                count += 1;
                // The probe's HTTP health step also connects: answer plain GETs to /healthz.
                let mut peek = [0u8; 64];
                let n = stream.peek(&mut peek).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&peek[..n]).to_string();
                if head.starts_with("GET /healthz") && !matches!(kind, Fake::SilentTcp) {
                    let mut buf = [0u8; 2048];
                    let _ = stream.read(&mut buf).await;
                    let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
                    count -= 1;
                    continue;
                }
                match kind {
                    Fake::SilentTcp => {
                        held.push(stream);
                        continue;
                    }
                    Fake::SlowDrip => {
                        tokio::spawn(async move {
                            let mut buf = [0u8; 4096];
                            let _ = stream.read(&mut buf).await;
                            for b in b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" {
                                if stream.write_all(&[*b]).await.is_err() {
                                    return;
                                }
                                tokio::time::sleep(Duration::from_millis(200)).await;
                            }
                        });
                        continue;
                    }
                    Fake::HttpNoUpgrade | Fake::Redirect | Fake::Attribution | Fake::CloseMidHandshake => {
                        let mut buf = [0u8; 4096];
                        let _ = stream.read(&mut buf).await;
                        let answer: &[u8] = match kind {
                            Fake::HttpNoUpgrade => b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 20\r\n\r\n<html>Control UI</html>",
                            Fake::Redirect => b"HTTP/1.1 302 Found\r\nlocation: https://sso.example.org/yunohost/sso/\r\ncontent-length: 0\r\n\r\n",
                            Fake::Attribution => b"HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: 128\r\n\r\n{\"error\":{\"message\":\"Proxy client attribution is required. Configure gateway.trustedProxies narrowly\",\"type\":\"proxy_attribution_required\"}}",
                            _ => b"",
                        };
                        let _ = stream.write_all(answer).await;
                        drop(stream);
                        continue;
                    }
                    _ => {}
                }
                let n_conn = count;
                tokio::spawn(async move {
                    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else { return };
                    match kind {
                        Fake::UpgradeThenSilent => {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                        Fake::Garbage => {
                            let _ = ws.send(Message::Text("\u{1}garbage{{".into())).await;
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                        Fake::Binary => {
                            let _ = ws.send(Message::Binary(vec![0, 159, 146, 150].into())).await;
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                        Fake::FrameOf(n) => {
                            let _ = ws.send(Message::Text("x".repeat(n).into())).await;
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                        Fake::HugeFrame => {
                            let _ = ws.send(Message::Text("x".repeat(10 * 1024 * 1024).into())).await;
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            return;
                        }
                        Fake::StartingThenOk(n) if n_conn <= n => {
                            let _ = ws.send(close(1013, "gateway starting")).await;
                            return;
                        }
                        _ => {}
                    }
                    let _ = ws.send(challenge()).await;
                    let Some(Ok(Message::Text(req))) = ws.next().await else { return };
                    let req: Value = serde_json::from_str(req.as_str()).unwrap_or(Value::Null);
                    assert_eq!(req["method"], "connect", "the probe's first frame is connect");
                    assert_eq!(req["params"]["minProtocol"], 3);
                    let (res, close_frame) = match kind {
                        Fake::ProtocolMismatch => (error_res("INVALID_REQUEST", "PROTOCOL_MISMATCH", "protocol mismatch", json!({})), close(1002, "protocol mismatch")),
                        Fake::DeviceIdentityRequired => (
                            error_res("NOT_PAIRED", "DEVICE_IDENTITY_REQUIRED", "device identity required", json!({})),
                            close(1008, "device identity required"),
                        ),
                        Fake::Pairing => (
                            error_res("NOT_PAIRED", "PAIRING_REQUIRED", "pairing required: device is not approved yet (requestId: req-42)", json!({"requestId":"req-42","reason":"not-paired"})),
                            close(1008, "pairing required: device is not approved yet (requestId: req-42)"),
                        ),
                        Fake::TokenMismatch => (
                            error_res("INVALID_REQUEST", "AUTH_TOKEN_MISMATCH", "unauthorized: gateway token mismatch (provide gateway auth token)", json!({})),
                            close(1008, "unauthorized: gateway token mismatch (provide gateway auth token)"),
                        ),
                        _ => {
                            let hello = json!({"type":"res","id":"1","ok":true,"payload":{"type":"hello-ok","protocol":4,"server":{"version":"2026.9.6"},"features":{"methods":["health"]}}});
                            let _ = ws.send(Message::Text(hello.to_string().into())).await;
                            let _ = ws.next().await;
                            return;
                        }
                    };
                    let _ = ws.send(res).await;
                    let _ = ws.send(close_frame).await;
                });
            }
        });
    });
    rx.recv().unwrap()
}

/// Runs `check --format json` against a config pointing at `addr`; returns the local probe.
fn probe(addr: SocketAddr, timeout: &str) -> (Value, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "{{ gateway: {{ mode: 'local', bind: 'loopback', port: {}, auth: {{ token: 'fake-token-0123456789' }} }} }}",
        addr.port()
    );
    std::fs::write(dir.path().join("openclaw.json"), config).unwrap();
    let start = Instant::now();
    let out = common::run::bare()
        .args([
            "check",
            "--format",
            "json",
            "--timeout",
            timeout,
            "--config",
            "openclaw.json",
        ])
        .current_dir(dir.path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("JSON: {}", String::from_utf8_lossy(&out.stdout)));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("fake-token-0123456789"));
    (report["probes"][0].clone(), elapsed)
}

fn assert_outcome(kind: Fake, timeout: &str, outcome: &str) -> Value {
    let addr = start(kind);
    let (p, elapsed) = probe(addr, timeout);
    assert_eq!(p["outcome"], outcome, "{kind:?}: {p:#}");
    let limit = super_limit(timeout);
    assert!(
        elapsed < limit,
        "{kind:?} took {elapsed:?}, more than {limit:?}"
    );
    p
}

fn super_limit(timeout: &str) -> Duration {
    let ms: u64 = timeout.trim_end_matches("ms").parse().unwrap();
    // The timeout plus process start-up and a generous margin for a loaded CI machine.
    Duration::from_millis(ms + 1500)
}

#[test]
fn hello_ok_records_version_and_protocol() {
    let p = assert_outcome(Fake::HelloOk, "2000ms", "hello_ok");
    assert_eq!(p["server_version"], "2026.9.6");
    assert_eq!(p["protocol"], 4);
    assert_eq!(p["health"]["kind"], "not_found");
}

#[test]
fn gateway_starting_is_retried_within_the_timeout() {
    let p = assert_outcome(Fake::StartingThenOk(2), "3000ms", "hello_ok");
    assert!(p["elapsed_ms"].as_u64().unwrap() >= 100, "{p}");
    // Still starting when the time runs out: reported as such.
    let p = assert_outcome(Fake::StartingThenOk(1000), "800ms", "gateway_starting");
    assert_eq!(p["close_code"], 1013);
}

#[test]
fn refusals_are_classified() {
    let p = assert_outcome(Fake::ProtocolMismatch, "2000ms", "protocol_mismatch");
    assert_eq!(p["close_code"], 1002);
    assert_outcome(
        Fake::DeviceIdentityRequired,
        "2000ms",
        "device_identity_required",
    );
    let p = assert_outcome(Fake::Pairing, "2000ms", "pairing_required");
    assert_eq!(p["request_id"], "req-42");
    assert_eq!(p["pairing_reason"], "not-paired");
    assert_eq!(p["close_code"], 1008);
    let p = assert_outcome(Fake::TokenMismatch, "2000ms", "auth_failed");
    assert_eq!(p["detail_code"], "AUTH_TOKEN_MISMATCH");
}

#[test]
fn silent_and_broken_servers_end_within_the_timeout() {
    let p = assert_outcome(Fake::SilentTcp, "700ms", "timeout");
    assert!(p["elapsed_ms"].as_u64().unwrap() >= 650, "{p}");
    assert_outcome(Fake::UpgradeThenSilent, "700ms", "not_openclaw");
    assert_outcome(Fake::Garbage, "2000ms", "not_openclaw");
    assert_outcome(Fake::Binary, "2000ms", "not_openclaw");
    let p = assert_outcome(Fake::HugeFrame, "3000ms", "closed");
    assert!(p["detail"].as_str().unwrap().contains("oversized"), "{p}");
    assert_outcome(Fake::CloseMidHandshake, "2000ms", "closed");
}

#[test]
fn http_answers_to_the_upgrade() {
    let p = assert_outcome(Fake::HttpNoUpgrade, "2000ms", "upgrade_not_performed");
    assert_eq!(p["http_status"], 200);
    let p = assert_outcome(Fake::Redirect, "2000ms", "redirected");
    assert_eq!(p["location"], "https://sso.example.org/yunohost/sso/");
    let p = assert_outcome(Fake::Attribution, "2000ms", "proxy_attribution_required");
    assert_eq!(p["http_status"], 403);
}

#[test]
fn nothing_listening_is_unreachable_and_fast() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let (p, elapsed) = probe(addr, "5000ms");
    assert_eq!(p["outcome"], "unreachable");
    assert!(elapsed < Duration::from_millis(2000), "{elapsed:?}");
}

/// With `mode` unset, a gateway answering the local probe means it runs here: a remote.url
/// through the proxy is the seed's failure (`gateway.remote_url.via_proxy`).
#[test]
fn a_gateway_answering_locally_counts_as_running_here() {
    let addr = start(Fake::HelloOk);
    let report = check_config(&format!(
        "{{ gateway: {{ port: {}, auth: {{ token: 'fake-token-0123456789' }}, remote: {{ url: 'wss://claw.example.org' }} }} }}",
        addr.port()
    ));
    let via = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "gateway.remote_url.via_proxy");
    let via = via.unwrap_or_else(|| panic!("via_proxy expected: {report:#}"));
    assert!(
        via["message"]
            .as_str()
            .unwrap()
            .contains("a gateway answers the local probe"),
        "{via:#}"
    );
    assert!(
        via["fix"].is_null(),
        "a probe-only fact gets a hint, not a patch (fix does not probe): {via:#}"
    );
    assert!(
        via["hint"]
            .as_str()
            .unwrap()
            .contains(&format!("ws://127.0.0.1:{}", addr.port())),
        "{via:#}"
    );
}

/// A `mode: "remote"` client config: no gateway on this host is not a failure.
#[test]
fn a_client_config_without_a_local_gateway_is_fine() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let report = check_config(&format!(
        "{{ gateway: {{ mode: 'remote', port: {port}, remote: {{ url: 'wss://claw.example.org', token: 'client-token-123456' }} }} }}"
    ));
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"probe.local"), "{report:#}");
    assert!(
        ids.contains(&"probe.external"),
        "the external URL (nothing on 443 here) fails: {report:#}"
    );
    assert_eq!(report["probes"][0]["optional"], true);
}

#[test]
fn a_slow_drip_answer_ends_within_the_timeout() {
    let p = assert_outcome(Fake::SlowDrip, "1000ms", "timeout");
    assert!(p["elapsed_ms"].as_u64().unwrap() < 1300, "{p}");
}

/// Probe-only runs against several targets at once.
fn probe_urls(urls: &[String], timeout: &str) -> (Value, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "check".to_string(),
        "--no-config".into(),
        "--format".into(),
        "json".into(),
        "--timeout".into(),
        timeout.into(),
    ];
    for u in urls {
        args.push("--url".into());
        args.push(u.clone());
    }
    let start = Instant::now();
    let out = common::run::bare()
        .args(&args)
        .current_dir(dir.path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path())
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        start.elapsed(),
    )
}

#[test]
fn ipv6_only_gateway() {
    let addr = match std::net::TcpListener::bind("[::1]:0") {
        Ok(_) => start_on("[::1]:0", Fake::HelloOk),
        Err(e) => panic!(
            "this machine has no IPv6 loopback ({e}); the probe's IPv6 path cannot be tested"
        ),
    };
    let (report, _) = probe_urls(&[format!("ws://[::1]:{}", addr.port())], "2000ms");
    assert_eq!(report["probes"][0]["outcome"], "hello_ok", "{report:#}");
    assert_eq!(
        report["probes"][0]["address"],
        format!("[::1]:{}", addr.port())
    );
}

#[test]
fn a_redirect_loop_is_reported_not_followed() {
    let addr = start(Fake::Redirect);
    let (report, elapsed) = probe_urls(&[format!("ws://127.0.0.1:{}", addr.port())], "2000ms");
    assert_eq!(report["probes"][0]["outcome"], "redirected");
    assert!(elapsed < Duration::from_secs(2));
}

/// Every probe failing at once costs one timeout, not the sum: they run concurrently.
#[test]
fn total_time_is_bounded_when_every_probe_fails() {
    let urls: Vec<String> = (0..4)
        .map(|_| format!("ws://127.0.0.1:{}", start(Fake::SilentTcp).port()))
        .collect();
    let (report, elapsed) = probe_urls(&urls, "1000ms");
    assert_eq!(report["probes"].as_array().unwrap().len(), 4);
    assert!(
        report["probes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["outcome"] == "timeout"),
        "{report:#}"
    );
    assert!(
        elapsed < Duration::from_millis(1000 + 800),
        "{elapsed:?} for four silent targets at --timeout 1s"
    );
}

#[test]
fn external_urls_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = |n: usize| {
        let mut cmd = common::run::bare();
        cmd.args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--timeout",
            "500ms",
        ])
        .current_dir(dir.path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path());
        for i in 0..n {
            cmd.args(["--url", &format!("ws://127.0.0.1:{port}/{i}")]);
        }
        cmd.output().unwrap()
    };
    let at_bound = run(16);
    assert_eq!(
        at_bound.status.code(),
        Some(1),
        "16 URLs are probed (all unreachable)"
    );
    let report: Value = serde_json::from_slice(&at_bound.stdout).unwrap();
    assert_eq!(report["probes"].as_array().unwrap().len(), 16);
    let over = run(17);
    assert_eq!(over.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&over.stderr).contains("at most 16"));
}

/// The 1 MiB frame bound, exactly: a frame of 1 MiB is read (and is not OpenClaw's), one byte
/// more is refused as oversized.
#[test]
fn the_frame_bound_is_exact() {
    let p = assert_outcome(Fake::FrameOf(1024 * 1024), "3000ms", "not_openclaw");
    assert!(!p["detail"].as_str().unwrap().contains("oversized"), "{p}");
    let p = assert_outcome(Fake::FrameOf(1024 * 1024 + 1), "3000ms", "closed");
    assert!(p["detail"].as_str().unwrap().contains("oversized"), "{p}");
}

/// `check --format json` on this config, with claw.example.org sent to loopback.
fn check_config(config: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openclaw.json"), config).unwrap();
    let out = common::run::bare()
        .args([
            "check",
            "--format",
            "json",
            "--timeout",
            "1s",
            "--resolve",
            "claw.example.org:443:127.0.0.1",
            "--config",
            "openclaw.json",
        ])
        .current_dir(dir.path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}
