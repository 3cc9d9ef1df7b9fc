//! Proxy attribution as OpenClaw 2026.8+ decides it (facts §11): for each config pair — a
//! `gateway` with `trustedProxies` / `allowRealIpFallback`, and an nginx location (accepted by
//! the real `nginx -t`) or a Caddyfile — the doctor's `proxy.*` findings, ids and file:line.
//! The same rules against the real gateway behind the real nginx are in e2e_attribution.rs.

mod common;

use openclaw_doctor::proxy::nginx_bin;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Command;

const UPGRADE: &str = "proxy_http_version 1.1;\n      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection \"upgrade\";";

/// openclaw.json with `keys` inside `gateway` on lines 5 and below.
fn write_config(dir: &Path, keys: &str) {
    fs::write(
        dir.join("openclaw.json"),
        format!(
            "{{\n  gateway: {{\n    mode: 'local',\n    port: 18789,\n{keys}\n    auth: {{ token: 'attribution-test-token-123' }},\n  }},\n}}\n"
        ),
    )
    .unwrap();
}

/// nginx.conf whose gateway location is `proxy_pass UPSTREAM;` on line 8, then the upgrade
/// lines (9–11), then `extra` (line 12 on); checked by the real `nginx -t`.
fn write_nginx(dir: &Path, upstream: &str, extra: &str) -> std::path::PathBuf {
    let d = dir.display();
    let conf = dir.join("nginx.conf");
    fs::write(
        &conf,
        format!(
            "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ }}\nhttp {{\n  access_log off;\n  server {{\n    location / {{\n      proxy_pass {upstream};\n      {UPGRADE}\n      {extra}\n    }}\n  }}\n}}\n"
        ),
    )
    .unwrap();
    let bin = nginx_bin::find().expect("these tests need nginx (Debian: nginx-light)");
    let out = Command::new(bin)
        .args(["-t", "-q", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nginx -t refused it: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    conf
}

/// `check --only proxy --offline`: the findings as (id, severity, file name, line).
fn findings(dir: &Path, proxy: &Path) -> Vec<(String, String, String, u64)> {
    let mut cmd = common::run::isolated(dir);
    cmd.args(["check", "--offline", "--format", "json", "--only", "proxy"])
        .args(["--config", "openclaw.json", "--proxy-config"])
        .arg(proxy);
    let report: Value = common::run::Run::of(cmd).json();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or("");
            (
                f["id"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                file.rsplit('/').next().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn row(id: &str, severity: &str, file: &str, line: u64) -> (String, String, String, u64) {
    (id.into(), severity.into(), file.into(), line)
}

#[test]
fn each_nginx_layout_gets_the_attribution_finding_the_gateway_would_refuse_it_for() {
    const XFF: &str = "proxy_set_header X-Forwarded-For $remote_addr;";
    const REAL: &str = "proxy_set_header X-Real-IP $remote_addr;";
    const V4: &str = "    trustedProxies: ['127.0.0.1'],";
    let v4 = "http://127.0.0.1:18789";
    let v6 = "http://[::1]:18789";
    let name = "http://localhost:18789";
    let both = format!("{XFF}\n      {REAL}");
    let cases: Vec<(&str, &str, &str, &str, Vec<_>)> = vec![
        // Healthy: the proxy on 127.0.0.1 trusted, the client in X-Forwarded-For.
        ("healthy", V4, v4, XFF, vec![]),
        (
            "everything trusted",
            "    trustedProxies: [\n      '127.0.0.1',\n      '0.0.0.0/0',\n    ],",
            v4,
            XFF,
            vec![row("proxy.trusted_all", "error", "openclaw.json", 7)],
        ),
        (
            "all of IPv6 trusted",
            "    trustedProxies: ['127.0.0.1', '::/0'],",
            v4,
            XFF,
            vec![row("proxy.trusted_all", "error", "openclaw.json", 5)],
        ),
        (
            "a quarter of the internet trusted",
            "    trustedProxies: ['127.0.0.1', '64.0.0.0/2'],",
            v4,
            XFF,
            vec![row("proxy.trusted_all", "warning", "openclaw.json", 5)],
        ),
        (
            "a private /8 is not the whole internet",
            "    trustedProxies: ['127.0.0.1', '10.0.0.0/8'],",
            v4,
            XFF,
            vec![],
        ),
        (
            "everything trusted, X-Real-IP fallback on",
            "    trustedProxies: ['0.0.0.0/0'],\n    allowRealIpFallback: true,",
            v4,
            &both,
            vec![row("proxy.trusted_all", "warning", "openclaw.json", 5)],
        ),
        (
            "dials ::1, trusts 127.0.0.1 only",
            V4,
            v6,
            XFF,
            vec![row("proxy.trusted_ipv6_loopback", "error", "nginx.conf", 8)],
        ),
        (
            "dials localhost, trusts 127.0.0.1 only",
            V4,
            name,
            XFF,
            vec![row(
                "proxy.trusted_ipv6_loopback",
                "warning",
                "nginx.conf",
                8,
            )],
        ),
        (
            "dials ::1, trusts both loopbacks",
            "    trustedProxies: ['127.0.0.1', '::1'],",
            v6,
            XFF,
            vec![],
        ),
        (
            "dials ::1 without forwarding headers: direct-local",
            V4,
            v6,
            "",
            vec![],
        ),
        (
            "dials 127.0.0.1, trusts ::1 only",
            "    trustedProxies: ['::1'],",
            v4,
            XFF,
            vec![row("proxy.forwarded_for", "warning", "nginx.conf", 8)],
        ),
        (
            "X-Real-IP only",
            V4,
            v4,
            REAL,
            vec![row("proxy.real_ip_only", "error", "nginx.conf", 12)],
        ),
        (
            "X-Real-IP only, fallback on",
            "    trustedProxies: ['127.0.0.1'],\n    allowRealIpFallback: true,",
            v4,
            REAL,
            vec![],
        ),
        (
            "X-Forwarded-Proto only",
            V4,
            v4,
            "proxy_set_header X-Forwarded-Proto $scheme;",
            vec![row("proxy.real_ip_only", "error", "nginx.conf", 12)],
        ),
        (
            "X-Real-IP, no trustedProxies",
            "",
            v4,
            REAL,
            vec![row("proxy.forwarded_for", "warning", "nginx.conf", 12)],
        ),
        (
            "an empty list trusts nobody",
            "    trustedProxies: [],",
            v4,
            XFF,
            vec![row("proxy.forwarded_for", "warning", "nginx.conf", 12)],
        ),
    ];
    for (what, keys, upstream, extra, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        write_config(dir.path(), keys);
        let conf = write_nginx(dir.path(), upstream, extra);
        assert_eq!(findings(dir.path(), &conf), want, "{what}");
    }
}

#[test]
fn a_caddy_reverse_proxy_to_localhost_needs_ipv6_loopback_trusted() {
    for (keys, want) in [
        (
            "    trustedProxies: ['127.0.0.1'],",
            vec![row(
                "proxy.trusted_ipv6_loopback",
                "warning",
                "Caddyfile",
                2,
            )],
        ),
        ("    trustedProxies: ['127.0.0.1', '::1'],", vec![]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_config(dir.path(), keys);
        let caddy = dir.path().join("Caddyfile");
        fs::write(
            &caddy,
            "claw.example.test {\n\treverse_proxy localhost:18789 {\n\t\theader_up X-Forwarded-For {remote_host}\n\t}\n}\n",
        )
        .unwrap();
        assert_eq!(findings(dir.path(), &caddy), want, "{keys}");
    }
}

#[test]
fn trusted_all_is_judged_from_the_config_alone() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "    trustedProxies: ['0.0.0.0/0'],");
    let mut cmd = common::run::isolated(dir.path());
    cmd.args(["check", "--offline", "--format", "json", "--only", "proxy"])
        .args(["--config", "openclaw.json"]);
    let report: Value = common::run::Run::of(cmd).json();
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "proxy.trusted_all")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(
        (f["line"].as_u64(), f["severity"].as_str()),
        (Some(5), Some("error"))
    );
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("403 proxy_attribution_required"),
        "{message}"
    );
    assert!(
        f["hint"].as_str().unwrap().contains("remove \"0.0.0.0/0\""),
        "{f:#}"
    );
}
