//! The default text report is compact: what needs attention in full, one line for what passed,
//! one per reason something was skipped, the summary and the next command. Snapshots of a
//! healthy config, the blog post's config and a run where every probe fails; `-v` lists every
//! check and `-q` only the findings.

mod common;

use common::run::{Run, isolated};
use openclaw_doctor::checks::CHECKS;
use std::path::Path;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
        .join("in/openclaw.json")
        .to_string_lossy()
        .into_owned()
}

/// The doctor in an empty home, UTF-8 symbols, no colour; paths and timings made stable.
fn doctor(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut cmd = isolated(dir);
    cmd.env("LANG", "C.UTF-8").args(args);
    let run = Run::of(cmd);
    let root = env!("CARGO_MANIFEST_DIR");
    let text = run
        .stdout
        .replace(root, "[REPO]")
        .replace(&dir.to_string_lossy().into_owned(), "[TMP]");
    let text = regex_lite_ms(&text);
    (run.code, text)
}

/// `· 12 ms` → `· [N] ms`.
fn regex_lite_ms(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let mut words: Vec<String> = Vec::new();
        let parts: Vec<&str> = line.split(' ').collect();
        for (i, w) in parts.iter().enumerate() {
            let next_is_ms = parts.get(i + 1).is_some_and(|n| n.starts_with("ms"));
            if next_is_ms && !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()) {
                words.push("[N]".into());
            } else {
                words.push((*w).to_string());
            }
        }
        out.push_str(&words.join(" "));
    }
    out
}

#[test]
fn a_healthy_offline_check_fits_in_ten_lines() {
    let dir = tempfile::tempdir().expect("tmp");
    let (code, out) = doctor(
        dir.path(),
        &["check", "--offline", "--config", &fixture("healthy")],
    );
    assert_eq!(code, Some(0));
    assert!(
        out.lines().count() <= 10,
        "{} lines:\n{out}",
        out.lines().count()
    );
    insta::assert_snapshot!("compact_healthy_offline", out);
}

#[test]
fn the_seed_config_shows_its_three_errors_in_full() {
    let dir = tempfile::tempdir().expect("tmp");
    let (code, out) = doctor(
        dir.path(),
        &["check", "--offline", "--config", &fixture("seed-check")],
    );
    assert_eq!(code, Some(1));
    for (id, fix) in [
        (
            "gateway.bind.invalid",
            "fix: gateway.bind \"local\" → \"lan\"",
        ),
        (
            "gateway.remote_url.scheme",
            "fix: gateway.remote.url \"https://claw.example.org\" → \"wss://claw.example.org\"",
        ),
        (
            "gateway.remote_url.via_proxy",
            "fix: gateway.remote.url \"https://claw.example.org\" → \"ws://127.0.0.1:18789\"",
        ),
    ] {
        let at = out
            .find(&format!("✖ {id}  "))
            .unwrap_or_else(|| panic!("{id}:\n{out}"));
        let block: Vec<&str> = out[at..].lines().take(4).collect();
        assert!(
            block[1].starts_with("      gateway."),
            "{id}: message\n{out}"
        );
        assert!(block[2].starts_with("      hint: "), "{id}: hint\n{out}");
        assert_eq!(block[3].trim(), fix, "{id}: fix\n{out}");
    }
    insta::assert_snapshot!("compact_seed_offline", out);
}

#[test]
fn a_run_where_every_probe_fails() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("openclaw.json");
    // Nothing listens on ports 1 and 9 of this machine: both probes are refused.
    std::fs::write(
        &config,
        r#"{ gateway: { mode: "local", port: 1, bind: "loopback",
             auth: { mode: "token", token: "compact-test-token-0123456789" },
             remote: { url: "ws://127.0.0.1:1" } } }"#,
    )
    .expect("config");
    let log = dir.path().join("gateway.log");
    std::fs::write(&log, "").expect("log");
    let (code, out) = doctor(
        dir.path(),
        &[
            "check",
            "--config",
            &config.to_string_lossy(),
            "--log",
            &log.to_string_lossy(),
            "--url",
            "wss://claw.example.org:9",
            "--resolve",
            "claw.example.org:9:127.0.0.1",
            "--timeout",
            "2s",
        ],
    );
    assert_eq!(code, Some(1));
    assert!(out.contains("✖ probe.local"), "{out}");
    assert!(out.contains("✖ probe.external"), "{out}");
    insta::assert_snapshot!("compact_all_probes_fail", out);
}

#[test]
fn verbose_lists_every_check_and_quiet_only_the_findings() {
    let dir = tempfile::tempdir().expect("tmp");
    let seed = fixture("seed-check");
    let (_, verbose) = doctor(dir.path(), &["check", "--offline", "-v", "--config", &seed]);
    for d in CHECKS {
        assert!(
            verbose
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(d.id)),
            "-v lacks {}",
            d.id
        );
    }
    let (code, quiet) = doctor(dir.path(), &["check", "--offline", "-q", "--config", &seed]);
    assert_eq!(code, Some(1));
    assert!(!quiet.contains("passed"), "{quiet}");
    assert!(!quiet.contains("next:"), "{quiet}");
    assert!(quiet.contains("✖ gateway.bind.invalid"), "{quiet}");
    assert!(quiet.trim_end().ends_with("3 errors, 0 warnings, 0 infos · 3 fixable: run `openclaw-doctor fix` to see the patches"), "{quiet}");
}

#[test]
fn the_next_command_repeats_what_this_run_judged_and_names_the_first_problem() {
    let dir = tempfile::tempdir().expect("tmp");
    let seed = fixture("seed-check");
    let (_, out) = doctor(
        dir.path(),
        &[
            "check",
            "--offline",
            "--only",
            "gateway.bind.invalid",
            "--config",
            &seed,
        ],
    );
    let next = out.lines().last().unwrap_or_default();
    assert!(
        next.starts_with(&format!(
            "next: openclaw-doctor fix --config {} --only gateway.bind.invalid  (shows the patch as a diff",
            seed.replace(env!("CARGO_MANIFEST_DIR"), "[REPO]")
        )),
        "{out}"
    );
    // Three errors without a patch: the first in report order (the cause) is explained.
    let legacy = dir.path().join("openclaw.json");
    std::fs::write(
        &legacy,
        r#"{ gateway: { token: "legacy-token-aabbccddeeff", bind: "lan" } }"#,
    )
    .expect("config");
    let (_, out) = doctor(
        dir.path(),
        &["check", "--offline", "--config", &legacy.to_string_lossy()],
    );
    assert_eq!(out.matches("\n  ✖ ").count(), 3, "{out}");
    let first_error = out
        .lines()
        .find_map(|l| {
            l.strip_prefix("  ✖ ")
                .and_then(|r| r.split_whitespace().next())
        })
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        out.lines().last().unwrap_or_default(),
        format!("next: openclaw-doctor explain {first_error}  (why it matters and how to fix it)"),
        "{out}"
    );
}
