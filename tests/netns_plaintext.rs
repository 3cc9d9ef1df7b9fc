//! The token never travels in clear text off this machine. A plain ws:// server on a
//! non-loopback address — a test host in a network namespace this test creates (10.213.0.2,
//! behind a veth pair) — records every frame it receives: the probe reaches it (challenge
//! received) but sends no connect frame and no token (`token_withheld`). The same server on
//! loopback does receive the token, which shows the recorder would see it. Needs root
//! (`ip netns`), so `scripts/test.sh` runs it with `--ignored`.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "netns-canary-token-7c1d2e3f4a5b";

struct Namespace(String);

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["link", "del", &format!("{}-h", self.0)])
            .status();
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ip(args: &[&str]) {
    let out = Command::new("ip")
        .args(args)
        .output()
        .expect("iproute2 is installed");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn recorder(prefix: &[&str], host: &str, port: u16, log: &std::path::Path) -> Server {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/ws_recorder.py");
    let mut cmd = Command::new(prefix.first().copied().unwrap_or("python3"));
    let mut args: Vec<String> = prefix.iter().skip(1).map(|s| s.to_string()).collect();
    if !prefix.is_empty() {
        args.push("python3".into());
    }
    args.extend([
        script.display().to_string(),
        host.into(),
        port.to_string(),
        log.display().to_string(),
    ]);
    let child = cmd
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !log.exists() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    Server(child)
}

fn probe(url: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run::bare()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--timeout",
            "2s",
            "--token-env",
            "T",
            "--url",
            url,
        ])
        .current_dir(dir.path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path())
        .env("T", TOKEN)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
#[ignore = "needs root for ip netns: run scripts/test.sh"]
fn the_token_is_withheld_over_plain_ws_to_a_non_loopback_host() {
    let name = format!("ocd{}", std::process::id());
    let _ns = Namespace(name.clone());
    ip(&["netns", "add", &name]);
    ip(&[
        "link",
        "add",
        &format!("{name}-h"),
        "type",
        "veth",
        "peer",
        "name",
        &format!("{name}-n"),
    ]);
    ip(&["link", "set", &format!("{name}-n"), "netns", &name]);
    ip(&["addr", "add", "10.213.0.1/30", "dev", &format!("{name}-h")]);
    ip(&["link", "set", &format!("{name}-h"), "up"]);
    ip(&[
        "netns",
        "exec",
        &name,
        "ip",
        "addr",
        "add",
        "10.213.0.2/30",
        "dev",
        &format!("{name}-n"),
    ]);
    ip(&[
        "netns",
        "exec",
        &name,
        "ip",
        "link",
        "set",
        &format!("{name}-n"),
        "up",
    ]);
    ip(&["netns", "exec", &name, "ip", "link", "set", "lo", "up"]);

    let dir = tempfile::tempdir().unwrap();
    let remote_log = dir.path().join("remote.log");
    let _remote = recorder(
        &["ip", "netns", "exec", &name],
        "10.213.0.2",
        18900,
        &remote_log,
    );
    let report = probe("ws://10.213.0.2:18900");
    let p = &report["probes"][0];
    assert_eq!(p["outcome"], "token_withheld", "{report:#}");
    assert_eq!(p["address"], "10.213.0.2:18900");
    let seen = std::fs::read_to_string(&remote_log).unwrap_or_default();
    assert!(
        !seen.contains(TOKEN),
        "the token reached the remote host: {seen}"
    );
    assert!(
        !seen.contains("\"connect\""),
        "no connect frame either: {seen}"
    );

    // Control: the same recorder on loopback does get the connect frame with the token.
    let local_log = dir.path().join("local.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _local = recorder(&[], "127.0.0.1", port, &local_log);
    let _ = probe(&format!("ws://127.0.0.1:{port}"));
    let seen = std::fs::read_to_string(&local_log).unwrap_or_default();
    assert!(
        seen.contains(TOKEN),
        "the recorder sees tokens sent to it: {seen}"
    );
}
