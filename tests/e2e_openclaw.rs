//! End-to-end against the real OpenClaw CLI (facts §8): the doctor's patched configs must be
//! accepted by `openclaw config validate`. Needs Node 24 and openclaw@2026.9.6 installed by
//! `scripts/test.sh`, which runs these with `--ignored` and sets OPENCLAW_E2E_BIN.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn openclaw() -> PathBuf {
    let bin = std::env::var("OPENCLAW_E2E_BIN")
        .expect("OPENCLAW_E2E_BIN must name the openclaw CLI (scripts/test.sh sets it)");
    PathBuf::from(bin)
}

/// `openclaw config validate --json` in an isolated HOME and state dir.
fn validate(dir: &Path) -> (bool, String) {
    let out = Command::new(openclaw())
        .args(["config", "validate", "--json"])
        .env("HOME", dir)
        .env("OPENCLAW_STATE_DIR", dir.join("state"))
        .env("OPENCLAW_CONFIG_PATH", dir.join("openclaw.json"))
        .env("NO_COLOR", "1")
        .output()
        .expect("openclaw runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json_line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or("");
    let valid = serde_json::from_str::<serde_json::Value>(json_line)
        .ok()
        .and_then(|v| v.get("valid").and_then(|b| b.as_bool()))
        .unwrap_or(false);
    (valid, format!("{stdout}{stderr}"))
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

    let (valid, output) = validate(dir.path());
    assert!(!valid, "the seed config is invalid for OpenClaw: {output}");
    assert!(
        output.contains("gateway.bind"),
        "OpenClaw names gateway.bind: {output}"
    );

    let out = assert_cmd::Command::cargo_bin("openclaw-doctor")
        .unwrap()
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
    let (valid, output) = validate(dir.path());
    assert!(valid, "OpenClaw accepts the patched config: {output}");
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
        let (valid, output) = validate(dir.path());
        assert!(
            valid,
            "{}: OpenClaw rejects the doctor's output: {output}",
            case.display()
        );
        checked.push(case.file_name().unwrap().to_string_lossy().into_owned());
    }
    assert!(checked.len() >= 10, "checked {checked:?}");
}

/// The doctor's verdict agrees with OpenClaw's on inputs: a config OpenClaw rejects gets an
/// error finding from the doctor.
#[test]
#[ignore = "needs the real OpenClaw CLI: run scripts/test.sh"]
fn doctor_flags_every_config_openclaw_rejects() {
    let mut disagreements = Vec::new();
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
        let (valid, output) = validate(dir.path());
        let doctor = assert_cmd::Command::cargo_bin("openclaw-doctor")
            .unwrap()
            .args(["check", "--format", "json", "--config"])
            .arg(dir.path().join("openclaw.json"))
            .env_clear()
            .env("HOME", dir.path())
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&doctor.stdout).unwrap();
        let errors = report["summary"]["errors"].as_u64().unwrap();
        if !valid && errors == 0 {
            disagreements.push(format!(
                "{}: OpenClaw rejects it but the doctor finds no error: {output}",
                case.display()
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
