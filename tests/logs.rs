//! The gateway log: a real log from this project's end-to-end runs (OpenClaw 2026.9.6 and
//! 2026.2.26 behind nginx, plus three broken lines) feeds the counts and the evidence; large
//! and hostile files are read in bounded memory.

mod common;

use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::Path;

fn check(dir: &Path, log: &Path, since: &str, extra_config: &str) -> Value {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    fs::write(
        dir.join("openclaw.json"),
        format!("{{ gateway: {{ mode: 'local', port: {port}, auth: {{ token: 'log-test-token-0123456789' }} {extra_config} }} }}"),
    )
    .unwrap();
    let out = common::run::bare()
        .args([
            "check",
            "--format",
            "json",
            "--timeout",
            "1s",
            "--since",
            since,
            "--config",
            "openclaw.json",
            "--log",
        ])
        .arg(log)
        .current_dir(dir)
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `log_evidence` as a map from kind to entry.
fn kinds(report: &Value) -> Value {
    let mut map = serde_json::Map::new();
    for e in report["log_evidence"].as_array().unwrap() {
        map.insert(e["kind"].as_str().unwrap().to_string(), e.clone());
    }
    Value::Object(map)
}

fn real_log() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs/openclaw-2026-11-24.log")
}

fn finding<'a>(report: &'a Value, id: &str) -> Option<&'a Value> {
    report["findings"]
        .as_array()?
        .iter()
        .find(|f| f["id"] == id)
}

#[test]
fn a_real_gateway_log_becomes_counts_and_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let report = check(dir.path(), &real_log(), "100000h", "");
    // "this line is not JSON" (the two broken JSON lines name no event, so are not parsed).
    assert_eq!(report["log"]["malformed"], 1, "{:#}", report["log"]);
    let ev = kinds(&report);
    assert_eq!(ev["scope_upgrade"]["count"], 3, "{ev:#}");
    assert_eq!(ev["scope_upgrade"]["sources"]["198.51.100.7"], 3, "{ev:#}");
    assert_eq!(ev["unattributable_proxy_traffic"]["count"], 4, "{ev:#}");
    assert_eq!(
        ev["unattributable_proxy_traffic"]["sources"]["127.0.0.1"], 4,
        "{ev:#}"
    );
    assert_eq!(ev["token_mismatch"]["count"], 2, "{ev:#}");
    assert_eq!(ev["pairing_required"]["count"], 5, "{ev:#}");
    // No other finding explains them here, so each is a finding of its own with the count.
    let f = finding(&report, "log.proxy_attribution").expect("attribution");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("4 gateway runs that saw forwarding headers from a proxy they do not trust (logged once per run"),
        "{f:#}"
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("all from 127.0.0.1"),
        "{f:#}"
    );
    assert!(
        finding(&report, "log.scope_upgrade").unwrap()["message"]
            .as_str()
            .unwrap()
            .contains("all from 198.51.100.7")
    );
    assert!(finding(&report, "log.token_mismatch").is_some());
    let pairing = finding(&report, "log.pairing_required").expect("pairing");
    assert!(
        pairing["message"]
            .as_str()
            .unwrap()
            .starts_with("5 connections closed with 1008 pairing required in the last 100000 h"),
        "{pairing:#}"
    );
}

#[test]
fn log_lines_join_the_matching_finding() {
    // The seed's proxy URL: the pairing-required closes are evidence for via_proxy.
    let dir = tempfile::tempdir().unwrap();
    let report = check(
        dir.path(),
        &real_log(),
        "100000h",
        ", remote: { url: 'https://claw.example.org' }",
    );
    let via = finding(&report, "gateway.remote_url.via_proxy").unwrap();
    let evidence = via["evidence"].to_string();
    assert!(
        evidence.contains("connections closed with 1008 pairing required"),
        "{via:#}"
    );
    assert!(
        finding(&report, "log.pairing_required").is_none(),
        "joined, not repeated"
    );
}

#[test]
fn only_the_window_counts() {
    fn rfc3339(ms_ago: u64) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            - ms_ago / 1000;
        let out = std::process::Command::new("date")
            .args(["-u", "-d", &format!("@{now}"), "+%Y-%m-%dT%H:%M:%SZ"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("gateway.log");
    let line = |t: String, ip: &str| {
        format!(
            "{{\"time\":\"{t}\",\"message\":\"security audit: device access upgrade requested reason=scope-upgrade device=d ip={ip} auth=token\"}}\n"
        )
    };
    fs::write(
        &log,
        [
            line(rfc3339(2 * 3_600_000), "203.0.113.1"),
            line(rfc3339(600_000), "198.51.100.7"),
        ]
        .concat(),
    )
    .unwrap();
    let report = check(dir.path(), &log, "1h", "");
    let ev = kinds(&report);
    assert_eq!(ev["scope_upgrade"]["count"], 1, "{ev:#}");
    assert_eq!(ev["scope_upgrade"]["sources"]["198.51.100.7"], 1, "{ev:#}");
    let report = check(dir.path(), &log, "3h", "");
    assert_eq!(kinds(&report)["scope_upgrade"]["count"], 2);
}

#[test]
fn huge_and_hostile_logs_are_read_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("openclaw-2099-01-01.log");
    let mut f = fs::File::create(&log).unwrap();
    // A 12 MiB line without a newline in the middle, binary garbage, then valid lines.
    f.write_all(b"{\"time\":\"2099-01-01T00:00:00Z\",\"message\":\"")
        .unwrap();
    f.write_all(&vec![b'x'; 12 * 1024 * 1024]).unwrap();
    f.write_all(b"\"}\n\x00\x01\x02\xff\xfe\n").unwrap();
    for _ in 0..1000 {
        f.write_all(b"{\"time\":\"2099-01-01T00:00:01Z\",\"message\":\"security audit: device access upgrade requested reason=scope-upgrade device=d ip=198.51.100.7 auth=token\"}\n").unwrap();
    }
    drop(f);
    let report = check(dir.path(), &log, "100000h", "");
    let ev = kinds(&report);
    assert_eq!(ev["scope_upgrade"]["count"], 1000, "{ev:#}");
    assert_eq!(
        report["log"]["malformed"], 2,
        "the huge line and the garbage: {:#}",
        report["log"]
    );
    assert_eq!(report["log"]["truncated"], false);
}

/// Without `--log`, the gateway's own log: `logging.file` of its config, and of a dated name
/// only its own family (another profile's or gateway's `openclaw-oracle-*.log` is not read).
#[test]
fn the_configured_log_and_only_its_family() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    fs::create_dir(&logs).unwrap();
    let today = {
        let out = std::process::Command::new("date")
            .arg("+%Y-%m-%d")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let now = {
        let out = std::process::Command::new("date")
            .args(["-u", "+%Y-%m-%dT%H:%M:%S.000+00:00"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let line = |ip: &str| {
        format!(
            "{{\"time\":\"{now}\",\"message\":\"security audit: device access upgrade requested reason=scope-upgrade device=d1 ip={ip}\"}}\n"
        )
    };
    fs::write(
        logs.join(format!("openclaw-{today}.log")),
        line("198.51.100.7"),
    )
    .unwrap();
    fs::write(
        logs.join(format!("openclaw-oracle-{today}.log")),
        line("203.0.113.9").repeat(3),
    )
    .unwrap();
    let configured = logs.join("openclaw-2000-01-01.log");
    let cfg = format!(
        "{{ gateway: {{ mode: 'local', port: 1, auth: {{ token: 'log-test-token-0123456789' }} }}, logging: {{ file: '{}' }} }}",
        configured.display()
    );
    fs::write(dir.path().join("openclaw.json"), cfg).unwrap();
    let run = |extra: &[&str]| -> Value {
        let out = common::run::isolated(dir.path())
            .args([
                "check",
                "--format",
                "json",
                "--timeout",
                "1s",
                "--config",
                "openclaw.json",
            ])
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let report = run(&[]);
    let files: Vec<&str> = report["log"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [logs.join(format!("openclaw-{today}.log")).to_str().unwrap()]
    );
    assert_eq!(
        report["log"]["locations"][0]["why"],
        "logging.file of the config"
    );
    assert_eq!(kinds(&report)["scope_upgrade"]["count"], 1, "{report:#}");

    // A configured name that is not dated is that one file.
    let single = logs.join("gateway.log");
    fs::write(&single, line("192.0.2.1").repeat(2)).unwrap();
    let cfg = format!(
        "{{ gateway: {{ mode: 'local', port: 1, auth: {{ token: 'log-test-token-0123456789' }} }}, logging: {{ file: '{}' }} }}",
        single.display()
    );
    fs::write(dir.path().join("openclaw.json"), cfg).unwrap();
    let report = run(&[]);
    assert_eq!(report["log"]["files"][0], single.to_str().unwrap());
    assert_eq!(kinds(&report)["scope_upgrade"]["count"], 2, "{report:#}");

    // A directory named with --log reads every OpenClaw family in it.
    let report = run(&["--log", logs.to_str().unwrap()]);
    assert_eq!(kinds(&report)["scope_upgrade"]["count"], 4, "{report:#}");
}
