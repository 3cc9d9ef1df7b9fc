//! The repair loop against a fake `openclaw` CLI (fixtures/fake-openclaw/openclaw) for what
//! the real one cannot show on demand: recorded device lists, calls, slowness, failures and
//! garbage. The real CLI and gateway are in tests/e2e_repair.rs.

mod common;

use common::run;

use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fake() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fake-openclaw/openclaw")
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    /// A seed-like config on a port where nothing listens, and a device list with one repair
    /// request (through the proxy), one new device and one expired repair request.
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        fs::write(
            dir.path().join("openclaw.json"),
            format!("{{ gateway: {{ mode: 'local', port: {port}, auth: {{ token: 'fake-cli-token-0123456789' }}, remote: {{ url: 'https://claw.example.org' }} }} }}"),
        )
        .unwrap();
        let now = now_ms();
        let list = json!({
            "pending": [
                {"requestId": "rep-1", "deviceId": "a".repeat(64), "clientId": "gateway-client", "clientMode": "backend", "role": "operator", "scopes": ["operator.admin"], "remoteIp": "198.51.100.7", "isRepair": true, "ts": now - 20_000},
                {"requestId": "new-1", "deviceId": "b".repeat(64), "clientId": "gateway-client", "clientMode": "backend", "role": "operator", "scopes": ["operator.admin"], "remoteIp": "203.0.113.9", "isRepair": false, "ts": now - 5_000},
                {"requestId": "old-1", "deviceId": "c".repeat(64), "clientId": "cli", "clientMode": "cli", "role": "operator", "scopes": ["operator.admin"], "remoteIp": "127.0.0.1", "isRepair": true, "ts": now - 600_000}
            ],
            "paired": [{"deviceId": "a".repeat(64)}]
        });
        fs::write(dir.path().join("list.json"), list.to_string()).unwrap();
        // The pairing files of an OpenClaw before 2026.7 (~/.openclaw is the state dir): read
        // only when there is no CLI to ask, or an old one.
        let devices = dir.path().join(".openclaw/devices");
        fs::create_dir_all(&devices).unwrap();
        let pending = json!({"file-1": {"requestId": "file-1", "deviceId": "d".repeat(64), "clientId": "gateway-client", "clientMode": "backend", "scopes": ["operator.admin"], "remoteIp": "127.0.0.1", "isRepair": true, "ts": now - 10_000}});
        fs::write(devices.join("pending.json"), pending.to_string()).unwrap();
        fs::write(devices.join("paired.json"), "{}").unwrap();
        Setup { dir }
    }

    fn run(&self, mode: &str, args: &[&str]) -> (Option<i32>, Value, String) {
        self.run_with(&fake(), &[("FAKE_OPENCLAW_MODE", mode)], args)
    }

    /// The doctor with `--openclaw program`, the fake's environment and `env` added.
    fn run_with(
        &self,
        program: &Path,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> (Option<i32>, Value, String) {
        let out = run::isolated(self.dir.path())
            .args(args)
            .args(["--format", "json", "--openclaw"])
            .arg(program)
            .args(["--config", "openclaw.json"])
            .env("FAKE_OPENCLAW_DIR", self.dir.path())
            .envs(env.iter().copied())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !stdout.contains("fake-cli-token-0123456789")
                && !stderr.contains("fake-cli-token-0123456789")
        );
        let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        (out.status.code(), v, stderr)
    }

    fn calls(&self) -> Vec<String> {
        fs::read_to_string(self.dir.path().join("calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

fn finding<'a>(report: &'a Value, id: &str) -> Option<&'a Value> {
    report["findings"]
        .as_array()?
        .iter()
        .find(|f| f["id"] == id)
}

#[test]
fn check_reports_pending_requests_and_joins_the_proxy_evidence() {
    let s = Setup::new();
    let (code, report, _) = s.run("ok", &["check", "--devices", "--timeout", "1s"]);
    assert_eq!(code, Some(1));
    let repair = finding(&report, "devices.pending_repair").expect("repair finding");
    let evidence = repair["evidence"].to_string();
    assert!(
        evidence.contains("rep-1")
            && evidence.contains("198.51.100.7")
            && evidence.contains("expires in"),
        "{repair:#}"
    );
    assert!(
        !evidence.contains("old-1"),
        "an expired request is not reported: {repair:#}"
    );
    assert!(
        finding(&report, "devices.pending_new").unwrap()["evidence"]
            .to_string()
            .contains("new-1")
    );
    let via = finding(&report, "gateway.remote_url.via_proxy").unwrap();
    assert!(
        via["evidence"]
            .to_string()
            .contains("repair request came from 198.51.100.7"),
        "{via:#}"
    );
    assert_eq!(report["devices"]["pending"].as_array().unwrap().len(), 3);
    assert_eq!(report["devices"]["paired_count"], 1);
    assert_eq!(s.calls(), vec!["devices list --json"]);
}

#[test]
fn approve_repairs_approves_only_repairs_by_exact_id_after_relisting() {
    let s = Setup::new();
    let (_, report, _) = s.run(
        "ok",
        &["fix", "--approve-repairs", "--yes", "--timeout", "1s"],
    );
    let approved = report["fix"]["approved"].as_array().unwrap();
    let ids: Vec<&str> = approved
        .iter()
        .map(|a| a["request_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["rep-1"],
        "only the live repair request: {report:#}"
    );
    assert!(
        !ids.contains(&"new-1"),
        "a new device is never approved: {report:#}"
    );
    let left: Vec<&str> = report["fix"]["left_alone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["request_id"].as_str().unwrap())
        .collect();
    assert_eq!(left, vec!["new-1"]);
    let calls = s.calls();
    let approve_at = calls
        .iter()
        .position(|c| c == "devices approve rep-1 --json")
        .expect("approved by exact id");
    assert_eq!(
        calls[approve_at - 1],
        "devices list --json",
        "re-listed right before approving: {calls:?}"
    );
    assert!(!calls.iter().any(|c| c.contains("new-1")), "{calls:?}");
}

#[test]
fn approving_needs_yes_without_a_terminal() {
    let s = Setup::new();
    let (code, _, stderr) = s.run("ok", &["fix", "--approve-repairs"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("without a terminal pass --yes"), "{stderr}");
    assert!(s.calls().is_empty());
}

/// A current CLI that fails is reported in its own words; the pairing files (which 2026.7+
/// no longer writes: they can only be stale) are not read instead.
#[test]
fn a_failing_slow_or_garbage_cli_is_a_finding_not_a_crash() {
    let s = Setup::new();
    let (_, report, _) = s.run_with(
        &fake(),
        &[
            ("FAKE_OPENCLAW_MODE", "fail"),
            (
                "FAKE_OPENCLAW_DETAIL",
                "with token fake-cli-token-0123456789",
            ),
        ],
        &["check", "--devices", "--timeout", "1s"],
    );
    let f = finding(&report, "devices.unavailable").expect("unavailable");
    assert_eq!(
        f["message"],
        "could not list devices: `openclaw devices list --json` failed (exit 1): Error: gateway closed (1006): connect failed (fake) with token <redacted>",
        "{f:#}"
    );
    assert_not_from_files(&report);
    assert_eq!(s.calls(), vec!["devices list --json", "--version"]);

    let (_, report, _) = s.run("garbage", &["check", "--devices", "--timeout", "1s"]);
    let f = finding(&report, "devices.unavailable").expect("unavailable");
    assert_eq!(
        f["message"],
        "could not list devices: `openclaw devices list --json` printed no usable JSON: ?? %% not json %%",
        "{f:#}"
    );
    assert_not_from_files(&report);

    let start = Instant::now();
    let (_, report, _) = s.run(
        "slow",
        &[
            "check",
            "--devices",
            "--timeout",
            "1s",
            "--openclaw-timeout",
            "1s",
        ],
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    let f = finding(&report, "devices.unavailable").expect("unavailable");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("did not finish within 1 s"),
        "{f:#}"
    );
    assert_not_from_files(&report);

    let (code, report, _) = s.run(
        "fail",
        &["fix", "--approve-repairs", "--yes", "--timeout", "1s"],
    );
    assert_eq!(code, Some(1));
    assert!(
        report["fix"]["verification"]["verdict"]
            .as_str()
            .unwrap()
            .starts_with("still failing"),
        "{report:#}"
    );
}

/// The report holds no trace of the pairing files' request.
fn assert_not_from_files(report: &Value) {
    assert!(report["devices"]["error"].is_string(), "{report:#}");
    assert!(!report.to_string().contains("file-1"), "{report:#}");
}

/// The fallback's request is reported, and where it came from and why.
fn assert_from_files(report: &Value, why: &str) {
    let source = report["devices"]["source"].as_str().unwrap_or_default();
    assert!(
        source.starts_with("state files (") && source.contains(why),
        "{why:?} in {report:#}"
    );
    let repair = finding(report, "devices.pending_repair").expect("repair finding");
    assert!(
        repair["evidence"].to_string().contains("file-1"),
        "{repair:#}"
    );
    assert!(
        finding(report, "devices.unavailable").is_none(),
        "{report:#}"
    );
}

#[test]
fn without_a_cli_the_pairing_files_are_read_and_the_report_says_so() {
    let s = Setup::new();
    let missing = s.dir.path().join("no-such-openclaw");
    let (_, report, _) = s.run_with(&missing, &[], &["check", "--devices", "--timeout", "1s"]);
    assert_from_files(
        &report,
        &format!("the openclaw CLI ({}) was not found", missing.display()),
    );
    // The text report names the source too.
    let out = common::run::bare()
        .args([
            "check",
            "--devices",
            "--timeout",
            "1s",
            "--config",
            "openclaw.json",
        ])
        .arg("--openclaw")
        .arg(&missing)
        .current_dir(s.dir.path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", s.dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("from state files (the openclaw CLI (") && text.contains("file-1"),
        "{text}"
    );
}

/// A CLI older than the SQLite device store (2026.7) keeps its devices in the files: when it
/// cannot list them (2026.2.26's own device needs pairing first) or lacks the command, the
/// files are read, and the report carries the CLI's words.
#[test]
fn an_old_cli_that_cannot_list_devices_falls_back_with_its_error() {
    let s = Setup::new();
    let (_, report, _) = s.run_with(
        &fake(),
        &[
            ("FAKE_OPENCLAW_MODE", "fail"),
            ("FAKE_OPENCLAW_VERSION", "2026.2.26"),
        ],
        &["check", "--devices", "--timeout", "1s"],
    );
    assert_from_files(
        &report,
        "openclaw 2026.2.26 keeps its devices in these files; `devices list --json` failed: Error: gateway closed (1006)",
    );
    let (_, report, _) = s.run("unknown", &["check", "--devices", "--timeout", "1s"]);
    assert_from_files(
        &report,
        "this openclaw CLI has no `devices list --json`: error: unknown option '--json'",
    );
}

#[test]
fn a_restart_that_fails_or_never_comes_back_is_reported() {
    let s = Setup::new();
    let (code, report, stderr) = s.run(
        "fail",
        &[
            "fix",
            "--apply",
            "--no-backup",
            "--restart",
            "--timeout",
            "1s",
        ],
    );
    assert_eq!(code, Some(1), "{report:#}");
    assert!(
        stderr.contains("restarting the gateway (openclaw gateway restart):"),
        "the command is shown first: {stderr}"
    );
    let restart = &report["fix"]["restart"];
    assert_eq!(restart["ok"], false, "{report:#}");
    let verdict = report["fix"]["verification"]["verdict"].as_str().unwrap();
    assert!(
        verdict.starts_with("gateway did not come back: `openclaw gateway restart` failed"),
        "{verdict}"
    );
    // The patches were written all the same.
    let config = fs::read_to_string(s.dir.path().join("openclaw.json")).unwrap();
    assert!(config.contains("ws://127.0.0.1:"), "{config}");

    let s = Setup::new();
    let (code, report, _) = s.run(
        "ok",
        &[
            "fix",
            "--apply",
            "--no-backup",
            "--restart",
            "--restart-cmd",
            "true",
            "--timeout",
            "1s",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(report["fix"]["restart"]["command"], "true");
    let verdict = report["fix"]["verification"]["verdict"].as_str().unwrap();
    assert!(
        verdict.starts_with("gateway did not come back: no hello-ok within 1 s"),
        "{verdict}"
    );
    assert!(
        !s.calls().iter().any(|c| c.contains("gateway restart")),
        "--restart-cmd replaces the CLI"
    );
}
