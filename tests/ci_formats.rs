//! CI and monitoring outputs: JUnit XML parsed with a real XML parser, the Prometheus text
//! format parsed with a real parser, atomic `--output`, `--only`/`--skip`, probe-only runs
//! and the OPENCLAW_DOCTOR_* variables.

mod common;

use common::parse_junit;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const SEED: &str = r#"{ gateway: { mode: "local", bind: "local", auth: { token: "ci-token-abcdef0123456789" }, remote: { url: "https://claw.example.org" } } }"#;

fn doctor(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut cmd = common::run::isolated(dir);
    // No PATH: neither an openclaw CLI nor an nginx of this host takes part.
    cmd.args(args).env_remove("PATH").envs(env.iter().copied());
    let out = common::run::Run::of(cmd);
    out.never_shows("ci-token-abcdef0123456789");
    (out.code, out.stdout, out.stderr)
}

#[test]
fn junit_is_valid_xml_with_one_case_per_check() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), SEED).unwrap();
    let (code, xml, _) = doctor(
        dir.path(),
        &[
            "check",
            "--offline",
            "--format",
            "junit",
            "--config",
            "openclaw.json",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    let (cases, suites) = parse_junit(&xml);
    assert_eq!(cases.len(), openclaw_doctor::checks::CHECKS.len());
    assert_eq!(
        suites,
        vec![
            "config",
            "schema",
            "gateway",
            "startup",
            "remote_url",
            "probes",
            "devices",
            "host",
            "logs",
            "proxy"
        ]
    );
    for id in [
        "gateway.bind.invalid",
        "gateway.remote_url.scheme",
        "gateway.remote_url.via_proxy",
    ] {
        assert_eq!(cases[id], "failure", "{id}");
    }
    assert_eq!(cases["gateway.mode.invalid"], "pass");
    assert_eq!(
        cases["probe.local"], "skipped",
        "--offline: probes could not run"
    );
    assert!(
        xml.contains("hint: proposed &quot;lan&quot;"),
        "hint in the body, escaped"
    );
}

#[test]
fn prometheus_parses_and_shows_the_failing_checks() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), SEED).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("ws://127.0.0.1:{port}");
    // An empty log directory: this host's /tmp/openclaw must not leak into the test.
    let logs = dir.path().join("logs");
    fs::create_dir(&logs).unwrap();
    let (code, text, _) = doctor(
        dir.path(),
        &[
            "check",
            "--format",
            "prometheus",
            "--timeout",
            "1s",
            "--url",
            &url,
            "--log",
            logs.to_str().unwrap(),
            "--config",
            "openclaw.json",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    let lines: Vec<String> = text
        .lines()
        .map(|l| Ok::<_, std::io::Error>(l.to_string()))
        .map(Result::unwrap)
        .collect();
    let scrape = prometheus_parse::Scrape::parse(lines.into_iter().map(Ok))
        .expect("valid exposition format");
    let value = |name: &str, labels: &[(&str, &str)]| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| match s.value {
                prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
                _ => f64::NAN,
            })
    };
    assert_eq!(
        value(
            "openclaw_doctor_check",
            &[("id", "gateway.bind.invalid"), ("severity", "error")]
        ),
        Some(1.0)
    );
    assert_eq!(
        value("openclaw_doctor_check", &[("id", "gateway.mode.invalid")]),
        Some(0.0)
    );
    assert_eq!(
        value(
            "openclaw_doctor_probe_up",
            &[("target", "external"), ("url", &url)]
        ),
        Some(0.0)
    );
    assert_eq!(
        value(
            "openclaw_doctor_probe_outcome",
            &[("target", "external"), ("outcome", "unreachable")]
        ),
        Some(1.0)
    );
    assert!(
        value(
            "openclaw_doctor_probe_duration_seconds",
            &[("target", "local")]
        )
        .is_some()
    );
    assert!(value("openclaw_doctor_last_run_timestamp_seconds", &[]).unwrap() > 1.7e9);
    assert!(
        value("openclaw_doctor_check", &[("id", "devices.pending_repair")]).is_none(),
        "skipped checks are absent"
    );
}

#[test]
fn output_file_is_written_atomically_and_readable_by_a_collector() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), SEED).unwrap();
    let prom = dir.path().join("textfile/openclaw.prom");
    fs::create_dir(prom.parent().unwrap()).unwrap();
    let (code, stdout, _) = doctor(
        dir.path(),
        &[
            "check",
            "--offline",
            "--format",
            "prometheus",
            "--config",
            "openclaw.json",
            "--output",
            prom.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, Some(1), "the exit code still tells CI");
    assert!(stdout.is_empty());
    let text = fs::read_to_string(&prom).unwrap();
    assert!(
        text.contains("openclaw_doctor_check{id=\"gateway.bind.invalid\",severity=\"error\"} 1")
    );
    assert_eq!(
        fs::metadata(&prom).unwrap().permissions().mode() & 0o777,
        0o644
    );
    assert_eq!(
        fs::read_dir(prom.parent().unwrap()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn only_and_skip_report_unselected_checks_as_skipped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), SEED).unwrap();
    let (code, json, _) = doctor(
        dir.path(),
        &[
            "check",
            "--offline",
            "--format",
            "json",
            "--skip",
            "gateway.remote_url.*",
            "--config",
            "openclaw.json",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let status = |id: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("gateway.remote_url.via_proxy"), "skipped");
    assert_eq!(status("gateway.bind.invalid"), "error");
    assert_eq!(v["summary"]["errors"], 1);
    // The same through the environment, area form, for a CI job that sets it once.
    let (code, json, _) = doctor(
        dir.path(),
        &["check", "--offline", "--config", "openclaw.json"],
        &[
            ("OPENCLAW_DOCTOR_FORMAT", "json"),
            ("OPENCLAW_DOCTOR_ONLY", "remote_url"),
        ],
    );
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["gateway.remote_url.scheme", "gateway.remote_url.via_proxy"]
    );
    // --fail-on warning from the environment.
    fs::write(
        dir.path().join("dup.json"),
        "{ gateway: { mode: 'local', bind: 'loopback', bind: 'loopback' } }",
    )
    .unwrap();
    let (code, _, _) = doctor(
        dir.path(),
        &["check", "--offline", "--config", "dup.json"],
        &[],
    );
    assert_eq!(code, Some(0));
    let (code, _, _) = doctor(
        dir.path(),
        &["check", "--offline", "--config", "dup.json"],
        &[("OPENCLAW_DOCTOR_FAIL_ON", "warning")],
    );
    assert_eq!(code, Some(1));
}

#[test]
fn probe_only_runs_need_no_config() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("ws://127.0.0.1:{port}");
    let (code, json, _) = doctor(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--timeout",
            "1s",
            "--url",
            &url,
            "--token-env",
            "CI_GATEWAY_TOKEN",
        ],
        &[("CI_GATEWAY_TOKEN", "ci-token-abcdef0123456789")],
    );
    assert_eq!(code, Some(1), "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let status = |id: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(
        status("config.not_found"),
        "skipped",
        "not a failure: there is no config on purpose"
    );
    assert_eq!(status("gateway.bind.invalid"), "skipped");
    assert_eq!(status("probe.external"), "error");
    assert_eq!(
        v["probes"].as_array().unwrap().len(),
        1,
        "only the external URL"
    );
    // A token file works the same; a missing variable is a usage error.
    fs::write(dir.path().join("token"), "ci-token-abcdef0123456789\n").unwrap();
    let (code, _, _) = doctor(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--timeout",
            "1s",
            "--url",
            &url,
            "--token-file",
            "token",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    let (code, _, stderr) = doctor(
        dir.path(),
        &["check", "--no-config", "--url", &url, "--token-env", "NOPE"],
        &[],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--token-env NOPE: that variable is not set"),
        "{stderr}"
    );
}
