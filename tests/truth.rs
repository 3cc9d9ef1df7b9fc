//! Issue #10, "Truth": a run that checked nothing never passes, files named on the command
//! line are read or refused, `fix` writes config and nginx files all or nothing and says what
//! it wrote. Each test here was seen failing with the behaviour it guards taken out.

mod common;

use common::run::{self, Run};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SEED: &str = "fixtures/seed-check/in/openclaw.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn doctor_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = run::isolated(dir);
    cmd.args(args).envs(env.iter().copied());
    Run::of(cmd)
}

fn doctor(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    doctor_in(dir.path(), args, &[])
}

fn status<'a>(report: &'a Value, id: &str) -> (&'a str, Option<&'a str>) {
    let c = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"));
    (c["status"].as_str().expect("status"), c["reason"].as_str())
}

fn ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().unwrap_or("").to_string())
        .collect()
}

fn seed() -> String {
    root().join(SEED).to_string_lossy().into_owned()
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[test]
fn no_config_without_a_url_is_a_usage_error() {
    doctor(&["check", "--no-config"]).refused(&["--no-config", "--url"]);
    let dir = tempfile::tempdir().expect("dir");
    doctor_in(
        dir.path(),
        &["check"],
        &[("OPENCLAW_DOCTOR_NO_CONFIG", "true")],
    )
    .refused(&["--no-config", "--url"]);
    // The variable takes 1/0, yes/no, on/off as well as true/false.
    for v in ["1", "yes", "on"] {
        doctor_in(dir.path(), &["check"], &[("OPENCLAW_DOCTOR_NO_CONFIG", v)])
            .refused(&["--no-config", "--url"]);
    }
    doctor(&["check", "--no-config", "--offline", "--url", "wss://h"]).refused(&["checks nothing"]);
}

#[test]
fn a_url_that_cannot_be_probed_is_a_usage_error_naming_it() {
    for (url, words) in [
        ("claw.example.org", &["claw.example.org", "scheme"][..]),
        (
            "wss://host:99999/",
            &["wss://host:99999/", "not a port"][..],
        ),
        ("wss://host:0/", &["wss://host:0/", "not a port"][..]),
        (
            "ftp://claw.example.org",
            &["\"ftp\" is not allowed here"][..],
        ),
        ("wss://", &["wss://", "scheme and a host"][..]),
    ] {
        doctor(&["check", "--no-config", "--url", url]).refused(words);
        doctor(&["check", "--offline", "--config", &seed(), "--url", url]).refused(words);
    }
    // Through the environment too, and for fix.
    let dir = tempfile::tempdir().expect("dir");
    doctor_in(
        dir.path(),
        &["check", "--no-config"],
        &[("OPENCLAW_DOCTOR_URL", "claw.example.org")],
    )
    .refused(&["claw.example.org"]);
    doctor(&["fix", "--config", &seed(), "--url", "claw.example.org"])
        .refused(&["claw.example.org"]);
    // --remote-url is written into the config: only a ws:// or wss:// URL a client accepts.
    for (url, words) in [
        (
            "wss://claw.example.org:99999/",
            &["--remote-url", "not a port"][..],
        ),
        (
            "https://claw.example.org",
            &["--remote-url", "\"https\" is not allowed"][..],
        ),
        (
            "claw.example.org",
            &["--remote-url", "scheme and a host"][..],
        ),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let config = dir.path().join("openclaw.json");
        fs::copy(seed(), &config).expect("copy");
        let before = fs::read(&config).expect("read");
        let r = doctor_in(
            dir.path(),
            &[
                "fix",
                "--apply",
                "--config",
                "openclaw.json",
                "--remote-url",
                url,
            ],
            &[],
        );
        r.refused(words);
        assert_eq!(
            fs::read(&config).expect("read"),
            before,
            "{url}: nothing written"
        );
    }
}

#[test]
fn probe_checks_whose_probe_did_not_run_are_skipped_with_the_reason() {
    let port = closed_port();
    let url = format!("ws://127.0.0.1:{port}");
    let r = doctor(&[
        "check",
        "--no-config",
        "--url",
        &url,
        "--timeout",
        "2s",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let report = r.json();
    let (local, why) = status(&report, "probe.local");
    assert_eq!(local, "skipped", "{report:#}");
    assert!(why.is_some_and(|w| w.contains("no local probe")), "{why:?}");
    assert_eq!(status(&report, "probe.external").0, "error");
    // Nothing answered: the proxy was never reached, so its checks did not pass either.
    for id in [
        "probe.proxy_upgrade",
        "probe.proxy_upstream",
        "probe.pairing_required",
    ] {
        let (s, why) = status(&report, id);
        assert_eq!(s, "skipped", "{id}");
        assert!(
            why.is_some_and(|w| w.contains("(unreachable)")),
            "{id}: {why:?}"
        );
    }
    assert_eq!(
        status(&report, "probe.tls"),
        ("skipped", Some("no wss:// URL was probed"))
    );
    // With a config but no external URL: the external checks are skipped, not passed.
    let dir = tempfile::tempdir().expect("dir");
    fs::write(
        dir.path().join("openclaw.json"),
        format!("{{ gateway: {{ mode: 'local', port: {port} }} }}"),
    )
    .expect("write");
    let r = doctor_in(
        dir.path(),
        &[
            "check",
            "--config",
            "openclaw.json",
            "--timeout",
            "2s",
            "--format",
            "json",
        ],
        &[],
    );
    let report = r.json();
    for id in [
        "probe.external",
        "probe.proxy_upgrade",
        "probe.proxy_attribution",
        "probe.proxy_upstream",
        "probe.proxy_redirect",
        "probe.tls",
    ] {
        let (s, why) = status(&report, id);
        assert_eq!(s, "skipped", "{id}: {report:#}");
        assert!(why.is_some_and(|w| w.contains("no external URL")), "{id}");
    }
    assert_eq!(status(&report, "probe.local").0, "error");
    // Every check that did not run says why.
    for c in report["checks"].as_array().expect("checks") {
        if c["status"] == "skipped" {
            assert!(c["reason"].is_string(), "no reason: {c}");
        }
    }
}

#[test]
fn the_text_and_junit_reports_say_why_an_area_was_skipped() {
    let r = doctor(&["check", "--offline", "--config", &seed()]);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("[skip] probes, ") && l.ends_with("  skipped: --offline")),
        "{}",
        r.stdout
    );
    let r = doctor(&["check", "--offline", "-v", "--config", &seed()]);
    assert!(
        r.stdout
            .contains("\n  [skip] probe.local  (skipped: --offline)  "),
        "{}",
        r.stdout
    );
    let r = doctor(&[
        "check",
        "--offline",
        "--config",
        &seed(),
        "--format",
        "junit",
    ]);
    assert!(
        r.stdout
            .contains("name=\"probe.local\" time=\"0\">\n      <skipped message=\"--offline\"/>"),
        "{}",
        r.stdout
    );
}

#[test]
fn named_files_that_are_missing_are_refused() {
    let s = seed();
    for flag in ["--log", "--proxy-config"] {
        for offline in [true, false] {
            let mut args = vec!["check", "--config", &s, flag, "/nonexistent/x.log"];
            if offline {
                args.push("--offline");
            } else {
                args.extend(["--timeout", "1s"]);
            }
            doctor(&args).refused(&["/nonexistent/x.log", "no such"]);
        }
    }
}

#[test]
fn special_files_are_refused_at_once_naming_them() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let fifo = fifo.to_string_lossy().into_owned();
    let s = seed();
    let cases: Vec<Vec<&str>> = vec![
        vec!["check", "--offline", "--config", &fifo],
        vec!["fix", "--apply", "--config", &fifo],
        vec!["check", "--offline", "--config", &s, "--log", &fifo],
        vec![
            "check",
            "--offline",
            "--config",
            &s,
            "--proxy-config",
            &fifo,
        ],
        vec![
            "check",
            "--no-config",
            "--url",
            "ws://127.0.0.1:9",
            "--token-file",
            &fifo,
        ],
        vec![
            "check",
            "--no-config",
            "--url",
            "wss://127.0.0.1:9",
            "--cacert",
            &fifo,
        ],
    ];
    for args in &cases {
        let start = Instant::now();
        let r = doctor(args);
        r.refused(&[&fifo, "not a regular file (a FIFO)"]);
        assert!(start.elapsed() < Duration::from_secs(20), "{args:?} waited");
    }
    // Named token and CA files are refused whatever else the run does (--offline, fix).
    for args in [
        vec!["check", "--offline", "--config", &s, "--token-file", &fifo],
        vec!["check", "--offline", "--config", &s, "--cacert", &fifo],
        vec!["fix", "--config", &s, "--cacert", &fifo],
    ] {
        doctor(&args).refused(&[&fifo, "not a regular file (a FIFO)"]);
    }
    doctor(&["fix", "--config", &s, "--cacert", "/nonexistent/ca.pem"])
        .refused(&["/nonexistent/ca.pem", "no such file"]);
    let empty = tempfile::NamedTempFile::new().expect("temp file");
    let empty = empty.path().to_string_lossy().into_owned();
    doctor(&["check", "--offline", "--config", &s, "--token-file", &empty])
        .refused(&[&empty, "the token file is empty"]);
    let r = doctor(&["check", "--offline", "--config", "/dev/null"]);
    r.refused(&["/dev/null", "not a regular file (a character device)"]);
    let r = doctor(&["check", "--offline", "--config", &s, "--log", "/dev/zero"]);
    r.refused(&["/dev/zero", "not a regular file (a character device)"]);
}

#[test]
fn offline_still_reads_a_named_log() {
    let log = root().join("fixtures/logs/openclaw-2026-11-24.log");
    let r = doctor(&[
        "check",
        "--offline",
        "--config",
        &seed(),
        "--log",
        &log.to_string_lossy(),
        "--since",
        "100000h",
        "--format",
        "json",
    ]);
    let report = r.json();
    assert!(
        ids(&report).contains(&"log.token_mismatch".to_string()),
        "{report:#}"
    );
    assert!(
        report["log"]["lines"].as_u64().is_some_and(|n| n > 0),
        "{:#}",
        report["log"]
    );
    // Without --log, offline reads no log and says so.
    let r = doctor(&[
        "check",
        "--offline",
        "--config",
        &seed(),
        "--format",
        "json",
    ]);
    let report = r.json();
    let (s, why) = status(&report, "log.pairing_required");
    assert_eq!(
        (s, why),
        ("skipped", Some("--offline (name a log with --log)"))
    );
}

/// A minimal nginx layout in `dir` whose gateway location lacks the WebSocket lines.
fn nginx_layout(dir: &Path, extra_http: &str) -> PathBuf {
    let d = dir.display();
    let conf = dir.join("nginx.conf");
    fs::write(
        &conf,
        format!(
            "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n    access_log off;\n{extra_http}    server {{\n        listen 127.0.0.1:18080;\n        server_name claw.example.test;\n        location / {{\n            proxy_pass http://127.0.0.1:18789;\n        }}\n    }}\n}}\n"
        ),
    )
    .expect("write nginx.conf");
    fs::write(
        dir.join("openclaw.json"),
        "{ gateway: { mode: 'local', port: 18789, bind: 'loopback', trustedProxies: ['127.0.0.1'], auth: { token: 'truth-test-token-0123456789' }, remote: { url: 'ws://127.0.0.1:18789' } } }",
    )
    .expect("write config");
    conf
}

#[test]
fn offline_still_reads_a_named_proxy_config() {
    let dir = tempfile::tempdir().expect("dir");
    let conf = nginx_layout(dir.path(), "");
    let r = doctor_in(
        dir.path(),
        &[
            "check",
            "--offline",
            "--config",
            "openclaw.json",
            "--proxy-config",
            &conf.to_string_lossy(),
            "--format",
            "json",
        ],
        &[],
    );
    let report = r.json();
    assert!(
        ids(&report).contains(&"proxy.upgrade_headers".to_string()),
        "{report:#}"
    );
}

#[test]
fn apply_proxy_after_a_repair_exits_0_and_says_what_it_wrote() {
    let dir = tempfile::tempdir().expect("dir");
    let conf = nginx_layout(dir.path(), "");
    let conf_arg = conf.to_string_lossy().into_owned();
    let before = fs::read_to_string(&conf).expect("read");
    let r = doctor_in(
        dir.path(),
        &[
            "fix",
            "--apply-proxy",
            "--proxy-config",
            &conf_arg,
            "--config",
            "openclaw.json",
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("Nothing written"), "{}", r.stdout);
    assert!(!r.stdout.contains("Nothing to fix"), "{}", r.stdout);
    // Only nginx was written: no gateway restart is needed.
    assert!(!r.stdout.contains("restart the gateway"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("wrote {conf_arg} (backup ")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("nginx -t) passed"), "{}", r.stdout);
    let after = fs::read_to_string(&conf).expect("read");
    assert_ne!(before, after);
    assert!(
        after.contains("proxy_set_header Upgrade $http_upgrade;"),
        "{after}"
    );
    // The real nginx accepts what was written.
    let t = std::process::Command::new(nginx())
        .args(["-t", "-q", "-c"])
        .arg(&conf)
        .output()
        .expect("nginx -t");
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
    // JSON, on a fresh copy: the file is listed as written, nothing pending.
    let dir = tempfile::tempdir().expect("dir");
    let conf = nginx_layout(dir.path(), "");
    let conf_arg = conf.to_string_lossy().into_owned();
    let r = doctor_in(
        dir.path(),
        &[
            "fix",
            "--apply-proxy",
            "--proxy-config",
            &conf_arg,
            "--config",
            "openclaw.json",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let report = r.json();
    assert_eq!(
        report["fix"]["pending"],
        serde_json::json!([]),
        "{report:#}"
    );
    let written = &report["fix"]["written"];
    assert_eq!(written.as_array().map(Vec::len), Some(1), "{report:#}");
    assert_eq!(
        written[0]["path"].as_str(),
        Some(conf_arg.as_str()),
        "{report:#}"
    );
    assert!(written[0]["backup"].is_string(), "{report:#}");
    assert!(
        fs::read_to_string(&conf)
            .expect("read")
            .contains("proxy_http_version 1.1;"),
        "written"
    );
}

#[test]
fn apply_proxy_leaves_the_config_patch_pending_and_exits_1() {
    let dir = tempfile::tempdir().expect("dir");
    let conf = nginx_layout(dir.path(), "");
    // The config has its own problem (bind "local"): its patch is shown, not written.
    fs::write(
        dir.path().join("openclaw.json"),
        "{ gateway: { mode: 'local', port: 18789, bind: 'local', trustedProxies: ['127.0.0.1'], auth: { token: 'truth-test-token-0123456789' } } }",
    )
    .expect("write");
    let r = doctor_in(
        dir.path(),
        &[
            "fix",
            "--apply-proxy",
            "--proxy-config",
            &conf.to_string_lossy(),
            "--config",
            "openclaw.json",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let report = r.json();
    let pending = report["fix"]["pending"].to_string();
    assert!(pending.contains("openclaw.json"), "{pending}");
    assert!(!pending.contains("nginx.conf"), "{pending}");
    assert_eq!(
        report["applied"],
        serde_json::json!([]),
        "config patches not applied"
    );
    // A patch from an override alone (no finding behind it) still keeps the exit code at 1.
    let dir = tempfile::tempdir().expect("dir");
    let conf = nginx_layout(dir.path(), "");
    let r = doctor_in(
        dir.path(),
        &[
            "fix",
            "--apply-proxy",
            "--bind",
            "lan",
            "--proxy-config",
            &conf.to_string_lossy(),
            "--config",
            "openclaw.json",
            "--format",
            "json",
        ],
        &[],
    );
    let report = r.json();
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    assert!(
        report["fix"]["pending"]
            .to_string()
            .contains("openclaw.json")
    );
    assert_eq!(r.code, Some(1), "a shown, unwritten change is pending");
}

fn nginx() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("nginx"))
}

#[test]
fn nginx_is_found_in_usr_sbin_without_it_on_path() {
    let dir = tempfile::tempdir().expect("dir");
    let conf = nginx_layout(dir.path(), "");
    let out = run::isolated(dir.path())
        .args(["fix", "--apply-proxy", "--proxy-config"])
        .arg(&conf)
        .args(["--config", "openclaw.json"])
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("nginx -t) passed"));
}

#[test]
fn a_patch_nginx_rejects_restores_the_config_written_with_it() {
    let dir = tempfile::tempdir().expect("dir");
    // An unknown directive elsewhere: only nginx -t notices, after the writes.
    let conf = nginx_layout(dir.path(), "    no_such_directive on;\n");
    let config = dir.path().join("openclaw.json");
    fs::write(
        &config,
        "{ gateway: { mode: 'local', port: 18789, bind: 'local', trustedProxies: ['127.0.0.1'], auth: { token: 'truth-test-token-0123456789' } } }",
    )
    .expect("write");
    let (config_before, nginx_before) =
        (fs::read(&config).expect("r"), fs::read(&conf).expect("r"));
    let r = doctor_in(
        dir.path(),
        &[
            "fix",
            "--apply",
            "--apply-proxy",
            "--proxy-config",
            &conf.to_string_lossy(),
            "--config",
            "openclaw.json",
        ],
        &[],
    );
    r.refused(&[
        "nginx -t failed",
        "unknown directive \"no_such_directive\"",
        "restored: ",
    ]);
    assert!(r.stderr.contains("openclaw.json"), "{}", r.stderr);
    assert_eq!(
        fs::read(&config).expect("r"),
        config_before,
        "config restored"
    );
    assert_eq!(fs::read(&conf).expect("r"), nginx_before, "nginx restored");
}

#[test]
fn fix_takes_the_same_selectors_as_check() {
    let s = seed();
    for args in [
        vec![
            "fix",
            "--config",
            &s,
            "--skip",
            "remote_url.*",
            "--format",
            "json",
        ],
        vec![
            "fix",
            "--config",
            &s,
            "--skip",
            "remote_url",
            "--format",
            "json",
        ],
        vec![
            "fix",
            "--config",
            &s,
            "--only",
            "gateway.bind.invalid,config",
            "--format",
            "json",
        ],
    ] {
        let r = doctor(&args);
        let patches = r.json()["fix"]["patches"].clone();
        let paths: Vec<&str> = patches
            .as_array()
            .expect("patches")
            .iter()
            .filter_map(|p| p["path"].as_str())
            .collect();
        assert_eq!(paths, ["gateway.bind"], "{args:?}");
    }
    let dir = tempfile::tempdir().expect("dir");
    let r = doctor_in(
        dir.path(),
        &["fix", "--config", &s, "--format", "json"],
        &[("OPENCLAW_DOCTOR_SKIP", "gateway.bind.invalid,remote_url.*")],
    );
    assert_eq!(r.code, Some(0), "nothing left to patch: {}", r.stdout);
    assert_eq!(r.json()["fix"]["patches"], serde_json::json!([]));
    // A selector that matches nothing is an error, not a silent no-op.
    doctor(&["fix", "--config", &s, "--skip", "remote_ur.*"])
        .refused(&["remote_ur.*", "did you mean \"remote_url\""]);
    doctor(&["check", "--offline", "--config", &s, "--only", "nope"]).refused(&["\"nope\""]);
}

#[test]
fn control_characters_from_a_config_never_reach_the_terminal() {
    let case = root().join("fixtures/bad/config/control-chars.json");
    let case = case.to_string_lossy();
    for args in [
        vec!["check", "--offline", "--config", &case],
        vec!["check", "--offline", "-v", "--config", &case],
        vec!["check", "--offline", "--config", &case, "--color", "always"],
    ] {
        let r = doctor(&args);
        assert!(r.stdout.contains("pwned"), "{args:?}: {}", r.stdout);
        assert!(!r.stdout.contains('\u{7}'), "{args:?}: BEL in {}", r.stdout);
        // No ESC except the doctor's own SGR colour sequences (ESC [ digits;… m).
        for (i, _) in r.stdout.match_indices('\u{1b}') {
            let seq: String = r.stdout[i + 1..].chars().take(12).collect();
            let sgr = seq.starts_with('[')
                && seq[1..]
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                    .starts_with('m');
            assert!(sgr, "{args:?}: a non-colour escape {seq:?}");
        }
    }
}

/// Seen on the real 2026.9.6: `config validate` rejects bind "0.0.0.0", but `gateway run`
/// migrates it to "lan" (its legacy alias table) and rewrites the file without its comments.
#[test]
fn a_host_alias_bind_says_what_the_real_gateway_does_with_it() {
    let dir = tempfile::tempdir().expect("dir");
    fs::write(
        dir.path().join("openclaw.json"),
        "{ gateway: { mode: 'local', bind: '0.0.0.0', auth: { token: 'truth-test-token-0123456789' } } }",
    )
    .expect("write");
    let r = doctor_in(
        dir.path(),
        &[
            "check",
            "--offline",
            "--config",
            "openclaw.json",
            "--format",
            "json",
        ],
        &[],
    );
    let report = r.json();
    let f = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "gateway.bind.invalid")
        .unwrap_or_else(|| panic!("{report:#}"));
    let m = f["message"].as_str().expect("message");
    assert!(m.contains("`openclaw config validate`"), "{m}");
    assert!(m.contains("migrates it to \"lan\" when it starts"), "{m}");
    assert!(m.contains("without its comments"), "{m}");
}

#[test]
fn control_characters_never_reach_the_terminal_in_an_error_line() {
    let dir = tempfile::tempdir().expect("dir");
    fs::write(
        dir.path().join("inc.json"),
        "{ \"$include\": \"./\\u001b]0;pwned\\u0007x.json\" }",
    )
    .expect("write");
    let r = doctor_in(
        dir.path(),
        &["check", "--offline", "--config", "inc.json"],
        &[],
    );
    r.refused(&["pwned"]);
    assert!(
        !r.stderr.contains('\u{1b}') && !r.stderr.contains('\u{7}'),
        "{:?}",
        r.stderr
    );
}

/// A URL that does not parse (a port out of range) still carries its password in findings and
/// diffs: it must be redacted there too.
#[test]
fn a_password_in_a_url_that_does_not_parse_is_never_printed() {
    let dir = tempfile::tempdir().expect("dir");
    fs::write(
        dir.path().join("openclaw.json"),
        "{ gateway: { mode: 'local', remote: { url: 'https://u:s3cretPW@host:99999/' } } }",
    )
    .expect("write");
    for args in [
        vec!["fix", "--config", "openclaw.json"],
        vec![
            "check",
            "--offline",
            "--config",
            "openclaw.json",
            "--format",
            "json",
        ],
        vec![
            "fix",
            "--config",
            "openclaw.json",
            "--remote-url",
            "wss://v:0therPW@h:99999/",
        ],
    ] {
        let r = doctor_in(dir.path(), &args, &[]);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(
            !all.contains("s3cretPW") && !all.contains("0therPW"),
            "{args:?}: {all}"
        );
        assert!(all.contains("<redacted>"), "{args:?}: {all}");
    }
}

#[test]
fn log_and_device_checks_do_not_pass_on_nothing() {
    // A log directory with no log in it: nothing was read, so nothing passed.
    let dir = tempfile::tempdir().expect("dir");
    let logs = dir.path().join("logs");
    fs::create_dir(&logs).expect("mkdir");
    let r = doctor(&[
        "check",
        "--offline",
        "--config",
        &seed(),
        "--log",
        &logs.to_string_lossy(),
        "--format",
        "json",
    ]);
    let report = r.json();
    for id in ["log.pairing_required", "log.token_mismatch"] {
        let (s, why) = status(&report, id);
        assert_eq!(s, "skipped", "{id}: {report:#}");
        assert!(
            why.is_some_and(|w| w.contains("no gateway log file found")),
            "{why:?}"
        );
    }
    // A device list that could not be read says nothing about pending requests.
    let state = dir.path().join("state");
    fs::create_dir(&state).expect("mkdir");
    let r = doctor(&[
        "check",
        "--config",
        &seed(),
        "--devices",
        "--openclaw",
        "/nonexistent/openclaw",
        "--state-dir",
        &state.to_string_lossy(),
        "--timeout",
        "1s",
        "--format",
        "json",
    ]);
    let report = r.json();
    assert_eq!(
        status(&report, "devices.unavailable").0,
        "info",
        "{report:#}"
    );
    for id in ["devices.pending_repair", "devices.pending_new"] {
        let (s, why) = status(&report, id);
        assert_eq!(s, "skipped", "{id}: {report:#}");
        assert!(
            why.is_some_and(|w| w.contains("could not be read")),
            "{why:?}"
        );
    }
}

#[test]
fn a_run_in_which_every_check_was_skipped_is_an_error() {
    doctor(&[
        "check",
        "--offline",
        "--config",
        &seed(),
        "--only",
        "probes",
    ])
    .refused(&["nothing was checked", "--offline"]);
    doctor(&[
        "check",
        "--no-config",
        "--url",
        "ws://127.0.0.1:9/",
        "--only",
        "config",
    ])
    .refused(&["nothing was checked", "--no-config"]);
    // One check that ran is enough.
    let r = doctor(&[
        "check",
        "--offline",
        "--config",
        &seed(),
        "--only",
        "gateway.bind.invalid",
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
}

#[test]
fn a_special_file_where_openclaw_looks_is_refused_not_passed_over() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("openclaw.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let state = dir.path().to_string_lossy().into_owned();
    doctor(&["check", "--offline", "--state-dir", &state])
        .refused(&[&fifo.to_string_lossy(), "not a regular file (a FIFO)"]);
    let sub = tempfile::tempdir().expect("dir");
    fs::create_dir(sub.path().join("openclaw.json")).expect("mkdir");
    doctor(&[
        "check",
        "--offline",
        "--state-dir",
        &sub.path().to_string_lossy(),
    ])
    .refused(&["openclaw.json", "is a directory"]);
}

#[test]
fn no_config_never_lists_devices_from_the_current_directory() {
    let dir = tempfile::tempdir().expect("dir");
    fs::create_dir(dir.path().join("devices")).expect("mkdir");
    fs::write(
        dir.path().join("devices/pending.json"),
        r#"{"req-1":{"requestId":"req-1","deviceId":"dev","isRepair":true,"ts":4102444800000}}"#,
    )
    .expect("write");
    let r = doctor_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--url",
            "ws://127.0.0.1:9/",
            "--devices",
            "--openclaw",
            "/nonexistent/openclaw",
            "--timeout",
            "1s",
            "--format",
            "json",
        ],
        &[],
    );
    let report = r.json();
    assert!(!r.stdout.contains("req-1"), "{report:#}");
    assert_eq!(
        status(&report, "devices.pending_repair"),
        (
            "skipped",
            Some("--no-config (no state dir to list devices from)")
        )
    );
}

#[test]
fn a_config_of_another_release_says_the_schema_may_differ() {
    let dir = tempfile::tempdir().unwrap();
    let config = |touched: &str| {
        format!(
            "{{ meta: {{ lastTouchedVersion: '{touched}' }}, gateway: {{ mode: 'local', auth: {{ token: 'truth-test-token-0123456789' }} }} }}"
        )
    };
    fs::write(dir.path().join("old.json"), config("2026.2.26")).unwrap();
    fs::write(dir.path().join("same.json"), config("2026.9.1")).unwrap();
    let notes = |file: &str| {
        let r = doctor_in(
            dir.path(),
            &["check", "--offline", "--format", "json", "--config", file],
            &[],
        );
        r.json()["notes"].to_string()
    };
    let old = notes("old.json");
    assert!(
        old.contains("OpenClaw 2026.2.26 (meta.lastTouchedVersion) is another release than the schema checks judged against (OpenClaw 2026.9.6 (bundled)); 2026.2.x has no `openclaw config schema`"),
        "{old}"
    );
    assert_eq!(notes("same.json"), "[]", "same release line: no note");
}
