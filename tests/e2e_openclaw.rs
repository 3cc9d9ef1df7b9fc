//! End-to-end against the real OpenClaw CLI (facts §8): the doctor's patched configs must be
//! accepted by `openclaw config validate`, and on every input the doctor says "OpenClaw rejects
//! this" exactly where `config validate` does (same keys, both ways). Needs Node 24 and openclaw@2026.9.6 installed by
//! `scripts/test.sh`, which runs these with `--ignored` and sets OPENCLAW_E2E_BIN.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn openclaw() -> PathBuf {
    let bin = std::env::var("OPENCLAW_E2E_BIN")
        .expect("OPENCLAW_E2E_BIN must name the openclaw CLI (scripts/test.sh sets it)");
    PathBuf::from(bin)
}

/// What `openclaw config validate --json` said.
struct Verdict {
    valid: bool,
    /// Each issue as the config key it names (`<root>` → ``; an unrecognized key is
    /// appended to its object's path) and OpenClaw's message.
    issues: Vec<(String, String)>,
    output: String,
}

/// `openclaw config validate --json` in an isolated HOME and state dir, with `env` added to
/// an otherwise empty environment (PATH kept for node). The verdict must be OpenClaw's JSON
/// and agree with the exit status: no JSON (a crash, a usage error) is a failure of the test,
/// never read as "invalid".
fn validate_env(dir: &Path, env: &[(String, String)]) -> Verdict {
    let mut cmd = Command::new(openclaw());
    cmd.args(["config", "validate", "--json"])
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("OPENCLAW_STATE_DIR", dir.join("state"))
        .env("OPENCLAW_CONFIG_PATH", dir.join("openclaw.json"))
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("openclaw runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let output = format!("{stdout}{stderr}");
    let json = openclaw_doctor::openclaw::cli::parse_json_output(&stdout)
        .unwrap_or_else(|| panic!("openclaw config validate printed no JSON verdict: {output}"));
    let valid = json["valid"]
        .as_bool()
        .unwrap_or_else(|| panic!("no \"valid\" in OpenClaw's verdict: {output}"));
    assert_eq!(
        out.status.success(),
        valid,
        "the exit status agrees with the verdict: {output}"
    );
    let issues: Vec<(String, String)> = json["issues"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .flat_map(|i| {
            let path = i["path"].as_str().unwrap_or_default();
            let message = i["message"].as_str().unwrap_or_default().to_string();
            let base = if path == "<root>" { "" } else { path };
            // `Unrecognized key: "a"`, or for several in one object `Unrecognized keys: "a", "b"`.
            let keys: Vec<String> = match message
                .strip_prefix("Unrecognized key: ")
                .or_else(|| message.strip_prefix("Unrecognized keys: "))
            {
                Some(list) => list
                    .split(", ")
                    .map(|k| k.trim_matches('"').to_string())
                    .collect(),
                None => Vec::new(),
            };
            let full = |k: &str| match base {
                "" => k.to_string(),
                _ => format!("{base}.{k}"),
            };
            match keys.is_empty() {
                true => vec![(base.to_string(), message)],
                false => keys.iter().map(|k| (full(k), message.clone())).collect(),
            }
        })
        .collect();
    assert_eq!(
        valid,
        issues.is_empty(),
        "an invalid verdict names its issues: {output}"
    );
    Verdict {
        valid,
        issues,
        output,
    }
}

fn validate(dir: &Path) -> Verdict {
    validate_env(dir, &[])
}

/// The doctor's offline findings on `dir/openclaw.json`, with `env` only.
fn doctor_findings(dir: &Path, env: &[(String, String)]) -> (serde_json::Value, Vec<Finding>) {
    let mut cmd = common::run::bare();
    cmd.args(["check", "--offline", "--format", "json", "--config"])
        .arg(dir.join("openclaw.json"))
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let findings: Vec<Finding> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| Finding {
            id: f["id"].as_str().unwrap().to_string(),
            severity: f["severity"].as_str().unwrap().to_string(),
            path: f["path"].as_str().unwrap_or_default().to_string(),
            message: f["message"].as_str().unwrap().to_string(),
        })
        .collect();
    let errors = findings.iter().filter(|f| f.severity == "error").count();
    assert_eq!(
        out.status.code(),
        Some(if errors > 0 { 1 } else { 0 }),
        "{report:#}"
    );
    (report, findings)
}

struct Finding {
    id: String,
    severity: String,
    path: String,
    message: String,
}

impl std::fmt::Debug for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} at {:?}: {}",
            self.severity, self.id, self.path, self.message
        )
    }
}

/// The findings that say OpenClaw rejects the whole config: README's `config.type_error`,
/// `config.legacy_key`, `gateway.mode.invalid`, `gateway.bind.invalid` and the `schema.*`
/// checks of OpenClaw's own schema.
const REJECTED_BY_OPENCLAW: &[&str] = &[
    "config.type_error",
    "config.legacy_key",
    "gateway.mode.invalid",
    "gateway.bind.invalid",
    "schema.unknown_key",
    "schema.type",
    "schema.value",
    "schema.range",
    "schema.missing",
    "schema.invalid",
    "schema.rule",
];

/// The start-up guards: `config validate` says valid, `gateway run` refuses
/// (docs/openclaw/startup-guards.md; every one proven against the real gateway by
/// tests/oracle.rs).
const STARTUP_GUARD: &str = "a start-up guard: the file is valid, the gateway refuses to start";

/// Error findings on configs OpenClaw's schema accepts, each with why `config validate`
/// cannot see it. Any other error id fails the test until it is classified here or above.
const NOT_SCHEMA_ERRORS: &[(&str, &str)] = &[
    ("startup.future_version", STARTUP_GUARD),
    ("startup.mode_missing", STARTUP_GUARD),
    ("startup.mode_not_local", STARTUP_GUARD),
    ("startup.password_missing", STARTUP_GUARD),
    ("startup.auth_ambiguous", STARTUP_GUARD),
    ("startup.secrets_unavailable", STARTUP_GUARD),
    ("startup.secret_sentinel", STARTUP_GUARD),
    ("startup.secret_weak", STARTUP_GUARD),
    ("startup.bind_unavailable", STARTUP_GUARD),
    ("startup.trusted_proxy", STARTUP_GUARD),
    ("startup.tailscale", STARTUP_GUARD),
    ("startup.hooks", STARTUP_GUARD),
    ("startup.workspace", STARTUP_GUARD),
    ("startup.tls", STARTUP_GUARD),
    (
        "gateway.auth.missing",
        "a start-up guard: the gateway refuses a non-loopback bind without a secret (facts §3); the file itself is valid",
    ),
    (
        "gateway.bind.custom_host",
        "customBindHost is any string to the schema; without an IPv4 one the gateway listens on 0.0.0.0 (facts §3)",
    ),
    (
        "gateway.remote_url.missing",
        "the schema makes remote.url optional; a mode: remote client then has nowhere to connect",
    ),
    (
        "gateway.remote_url.scheme",
        "remote.url is not validated by the schema; clients refuse http(s):// (facts §3, §4)",
    ),
    (
        "gateway.remote_url.via_proxy",
        "a well-formed URL (or OPENCLAW_GATEWAY_URL) that sends sub-agents through the proxy (facts §1)",
    ),
    (
        "gateway.remote_url.port",
        "a well-formed loopback URL on another port than the gateway's",
    ),
];

/// Compares one config: the keys OpenClaw names as invalid are exactly the keys of the
/// doctor's rejection findings (both ways: none when OpenClaw accepts it), and every other
/// error finding is a classified non-schema one. Returns the disagreements.
fn compare(name: &str, dir: &Path, env: &[(String, String)]) -> (bool, Vec<String>) {
    let verdict = validate_env(dir, env);
    let (_, findings) = doctor_findings(dir, env);
    let mut problems = Vec::new();
    let mut openclaw: Vec<&str> = verdict.issues.iter().map(|(k, _)| k.as_str()).collect();
    let mut doctor: Vec<&str> = findings
        .iter()
        .filter(|f| REJECTED_BY_OPENCLAW.contains(&f.id.as_str()))
        .map(|f| f.path.as_str())
        .collect();
    openclaw.sort();
    openclaw.dedup();
    doctor.sort();
    doctor.dedup();
    if openclaw != doctor {
        problems.push(format!(
            "{name}: OpenClaw {} (invalid keys {openclaw:?}), the doctor says OpenClaw rejects {doctor:?}\n  doctor: {:?}\n  OpenClaw: {}",
            if verdict.valid { "accepts it" } else { "rejects it" },
            findings,
            verdict.output.trim()
        ));
    }
    for f in findings.iter().filter(|f| f.severity == "error") {
        let id = f.id.as_str();
        if !REJECTED_BY_OPENCLAW.contains(&id) && !NOT_SCHEMA_ERRORS.iter().any(|(n, _)| *n == id) {
            problems.push(format!(
                "{name}: error {id} is neither a rejection nor a classified non-schema error: {f:?}"
            ));
        }
    }
    (verdict.valid, problems)
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

#[test]
#[ignore = "needs the real OpenClaw CLI: run scripts/test.sh"]
fn real_openclaw_accepts_the_fixed_seed_config() {
    let dir = tempfile::tempdir().unwrap();
    let seed = fs::read_to_string(fixtures().join("seed-apply/in/openclaw.json")).unwrap();
    fs::write(dir.path().join("openclaw.json"), &seed).unwrap();

    let verdict = validate(dir.path());
    let keys: Vec<&str> = verdict.issues.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        vec!["gateway.bind"],
        "the seed config is invalid for OpenClaw, for its bind only: {}",
        verdict.output
    );

    let out = common::run::bare()
        .args(["fix", "--apply", "--config"])
        .arg(dir.path().join("openclaw.json"))
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let fixed = fs::read_to_string(dir.path().join("openclaw.json")).unwrap();
    let changed: Vec<(&str, &str)> = seed
        .lines()
        .zip(fixed.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(seed.lines().count(), fixed.lines().count());
    assert_eq!(
        changed,
        vec![
            ("    bind: \"local\",", "    bind: \"lan\","),
            (
                "      url: \"https://claw.example.org\", // sub-agents connect back here",
                "      url: \"ws://127.0.0.1:18789\", // sub-agents connect back here"
            ),
        ]
    );
    let verdict = validate(dir.path());
    assert!(
        verdict.valid,
        "OpenClaw accepts the patched config: {}",
        verdict.output
    );
}

/// Every fixture whose expected output is a JSON5 config: OpenClaw accepts it.
#[test]
#[ignore = "needs the real OpenClaw CLI: run scripts/test.sh"]
fn real_openclaw_accepts_every_patched_fixture() {
    let mut checked = Vec::new();
    for entry in fs::read_dir(fixtures()).unwrap() {
        let case = entry.unwrap().path();
        let out = case.join("out");
        if !out.join("openclaw.json").exists() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        for file in fs::read_dir(&out).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "bak") {
                continue;
            }
            fs::copy(&file, dir.path().join(file.file_name().unwrap())).unwrap();
        }
        let verdict = validate_env(dir.path(), &fixture_env(&case, dir.path()));
        assert!(
            verdict.valid,
            "{}: OpenClaw rejects the doctor's output: {}",
            case.display(),
            verdict.output
        );
        checked.push(case.file_name().unwrap().to_string_lossy().into_owned());
    }
    assert!(checked.len() >= 10, "checked {checked:?}");
}

/// The fixture's `env` file (KEY=VALUE lines, `[ROOT]` = the config's directory).
fn fixture_env(case: &Path, root: &Path) -> Vec<(String, String)> {
    fs::read_to_string(case.join("env"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (k, v) = l.split_once('=').expect("env lines are KEY=VALUE");
            (k.to_string(), v.replace("[ROOT]", root.to_str().unwrap()))
        })
        .collect()
}

/// The doctor's verdict agrees with OpenClaw's on every fixture input, offline (no probe
/// finding can stand in for a config error), both ways: OpenClaw rejects the config ⇔ the
/// doctor reports a finding saying so, on exactly the keys OpenClaw names; the doctor's other
/// errors are only the classified non-schema ones (`NOT_SCHEMA_ERRORS`).
#[test]
#[ignore = "needs the real OpenClaw CLI: run scripts/test.sh"]
fn doctor_errors_iff_openclaw_rejects() {
    let mut problems = Vec::new();
    let (mut rejected, mut accepted) = (0, 0);
    for entry in fs::read_dir(fixtures()).unwrap() {
        let case = entry.unwrap().path();
        let input = case.join("in");
        if !input.join("openclaw.json").exists() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        for file in fs::read_dir(&input).unwrap() {
            let file = file.unwrap().path();
            fs::copy(&file, dir.path().join(file.file_name().unwrap())).unwrap();
        }
        let env = fixture_env(&case, dir.path());
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (valid, mut p) = compare(&name, dir.path(), &env);
        if valid {
            accepted += 1;
        } else {
            rejected += 1;
        }
        problems.append(&mut p);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Both sides of the equivalence were exercised.
    assert!(
        rejected >= 10 && accepted >= 10,
        "{rejected} rejected, {accepted} accepted"
    );
}

/// Boundary values for the keys the doctor checks: OpenClaw and the doctor agree, as above.
const EDGES: &[&str] = &[
    "{}",
    "{ gateway: { port: 1 } }",
    "{ gateway: { port: 65535 } }",
    "{ gateway: { port: 0 } }",
    "{ gateway: { port: 65536 } }",
    "{ gateway: { port: 18789.5 } }",
    "{ gateway: { port: '18789' } }",
    "{ gateway: { mode: null } }",
    "{ gateway: { mode: 'remote', remote: { url: 123 } } }",
    "{ gateway: { auth: { token: 123 } } }",
    "{ gateway: { tls: { enabled: 'false' } } }",
    "{ gateway: 'x' }",
    "[]",
    "{ gateway: { bind: 'custom', customBindHost: '10.0.0.1', auth: { token: 'edge-token-0123456789' } } }",
    "{ gateway: { bind: 'tailnet', auth: { token: 'edge-token-0123456789' } } }",
    "{ gateway: { bind: 'LAN', auth: { token: 'edge-token-0123456789' } } }",
    // Former known gaps, covered by the schema checks (#12).
    "{ gateway: { host: '127.0.0.1' } }",
    "{ gateway: { auth: { mode: 'tokn', token: 'edge-token-0123456789' } } }",
    "{ gateway: { trustedProxies: '127.0.0.1' } }",
];

/// OpenClaw rejects these and the doctor does not say so: schema territory the doctor does
/// not cover yet, each with why. The test fails when one is covered (move it to EDGES).
const KNOWN_GAPS: &[(&str, &str, &str)] = &[];

#[test]
#[ignore = "needs the real OpenClaw CLI: run scripts/test.sh"]
fn doctor_and_openclaw_agree_at_the_edges() {
    let mut problems = Vec::new();
    for text in EDGES {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("openclaw.json"), text).unwrap();
        problems.append(&mut compare(text, dir.path(), &[]).1);
    }
    for (text, key, why) in KNOWN_GAPS {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("openclaw.json"), text).unwrap();
        let verdict = validate(dir.path());
        let keys: Vec<&str> = verdict.issues.iter().map(|(k, _)| k.as_str()).collect();
        let (_, findings) = doctor_findings(dir.path(), &[]);
        let said = findings
            .iter()
            .any(|f| REJECTED_BY_OPENCLAW.contains(&f.id.as_str()));
        if keys != [*key] || said {
            problems.push(format!(
                "known gap {text} ({why}) is no longer one: OpenClaw names {keys:?}, doctor {findings:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
