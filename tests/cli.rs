//! The command line as a contract: help lists every check id and the exit codes, colour
//! follows --color / NO_COLOR / CLICOLOR_FORCE, and no secret ever reaches stdout or stderr.

mod common;

use openclaw_doctor::checks::CHECKS;
use std::fs;
use std::path::Path;

fn cmd(dir: &Path) -> assert_cmd::Command {
    let mut c = common::run::bare();
    c.current_dir(dir)
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir)
        .env("LC_ALL", "C.UTF-8");
    c
}

#[test]
fn help_documents_every_check_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path()).args(["check", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    for def in CHECKS {
        assert!(help.contains(def.id), "check --help lacks {}", def.id);
    }
    let out = cmd(dir.path()).arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for line in [
        "0  nothing at or above --fail-on",
        "1  findings at or above --fail-on",
        "2  could not run",
    ] {
        assert!(help.contains(line), "--help lacks {line:?}");
    }
    insta::assert_snapshot!("help", help);
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for def in CHECKS {
        assert!(
            readme.contains(&format!("`{}`", def.id)),
            "README lacks {}",
            def.id
        );
    }
}

#[test]
fn version_and_completions() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path()).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("openclaw-doctor {}\n", env!("CARGO_PKG_VERSION"))
    );
    for shell in ["bash", "zsh", "fish"] {
        let out = cmd(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains("openclaw-doctor") && script.contains("remote-url"),
            "{shell}"
        );
    }
}

const SEED: &str = r#"{ gateway: { mode: "local", bind: "local", auth: { token: "tok" }, remote: { url: "https://claw.example.org" } } }"#;

#[test]
fn colour_follows_flags_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), SEED).unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = cmd(dir.path());
        c.args(args).args(["--config", "openclaw.json"]);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = String::from_utf8(c.output().unwrap().stdout).unwrap();
        // A report was printed: "no escape code" is not satisfied by an empty output.
        assert!(out.contains("gateway.bind"), "{args:?} {env:?}: {out}");
        out
    };
    assert!(
        !run(&["check"], &[]).contains('\x1b'),
        "no colour when not a terminal"
    );
    assert!(run(&["check", "--color", "always"], &[]).contains("\x1b["));
    assert!(
        run(&["fix", "--color", "always"], &[]).contains("\x1b[32m+{ gateway"),
        "green added lines"
    );
    assert!(run(&["check"], &[("CLICOLOR_FORCE", "1")]).contains("\x1b["));
    assert!(!run(&["check"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\x1b'));
    assert!(
        !run(&["check", "--format", "json", "--color", "always"], &[]).contains('\x1b'),
        "JSON is never coloured"
    );
}

/// Unique canaries in every secret field and variable; no command, format or error path may
/// print any of them.
#[test]
fn secrets_never_appear_in_any_output() {
    let canaries = [
        "CANARY-auth-token-7f3a9c",
        "CANARY-auth-password-0b8e1d",
        "CANARY-remote-token-c4d2e6",
        "CANARY-remote-password-91ab5f",
        "CANARY-env-token-5e6f7a",
        "CANARY-env-password-2c3d4e",
        "CANARY-url-password-88aa99",
        "CANARY-legacy-token-77cc11",
    ];
    let config = format!(
        r#"// secrets everywhere
{{
  gateway: {{
    mode: "local",
    bind: "local",
    token: "{}",
    auth: {{ mode: "token", token: "{}", password: '{}' }},
    remote: {{ url: "https://agent:{}@claw.example.org", token: "{}", password: "{}" }},
  }},
}}
"#,
        canaries[7], canaries[0], canaries[1], canaries[6], canaries[2], canaries[3]
    );
    let dir = tempfile::tempdir().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["check"],
        vec!["check", "-v"],
        vec!["check", "--format", "json"],
        vec!["fix"],
        vec!["fix", "-v", "--color", "always"],
        vec!["fix", "--format", "json"],
        vec!["fix", "--apply"],
        vec!["fix", "--apply", "--format", "json"],
        vec!["check", "--format", "junit"],
        vec!["check", "--format", "prometheus"],
        vec!["check", "--devices", "--format", "json"],
    ];
    for args in &runs {
        fs::write(dir.path().join("openclaw.json"), &config).unwrap();
        let out = cmd(dir.path())
            .args(args)
            .args(["--config", "openclaw.json"])
            .env("OPENCLAW_GATEWAY_TOKEN", canaries[4])
            .env("OPENCLAW_GATEWAY_PASSWORD", canaries[5])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Every output shows the URL with its password replaced, as written (no
        // percent-encoding), so the redaction is seen at work in each, not just assumed.
        let marker = "agent:<redacted>@claw.example.org";
        assert!(all.contains(marker), "{args:?} shows {marker}:\n{all}");
        for c in &canaries {
            assert!(!all.contains(c), "{args:?} printed {c}:\n{all}");
        }
        // The file itself keeps the secrets: untouched without --apply; with it, rewritten
        // (bind and remote.url patched) and every secret that is not in remote.url kept.
        let written = fs::read_to_string(dir.path().join("openclaw.json")).unwrap();
        if args.contains(&"--apply") {
            assert_ne!(written, config, "{args:?} wrote the patches");
            for c in [
                canaries[0],
                canaries[1],
                canaries[2],
                canaries[3],
                canaries[7],
            ] {
                assert!(written.contains(c), "{args:?} dropped {c}:\n{written}");
            }
        } else {
            assert_eq!(written, config, "{args:?} wrote nothing");
        }
    }
    // Error paths: a broken file holding a secret.
    fs::write(
        dir.path().join("openclaw.json"),
        format!(
            "{{ gateway: {{ auth: {{ token: \"{}\" }} }} oops",
            canaries[0]
        ),
    )
    .unwrap();
    let out = cmd(dir.path())
        .args(["fix", "--apply", "--config", "openclaw.json"])
        .env("OPENCLAW_GATEWAY_TOKEN", canaries[4])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(canaries.iter().all(|c| !all.contains(c)), "{all}");
}

/// Credentials inside URLs given on the command line are secrets too.
#[test]
fn credentials_in_command_line_urls_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("ws://agent:CANARYurlpass42@127.0.0.1:{port}/?token=CANARYurltoken42");
    for format in ["text", "json", "junit", "prometheus"] {
        let out = cmd(dir.path())
            .args([
                "check",
                "--no-config",
                "--timeout",
                "1s",
                "--format",
                format,
                "--url",
                &url,
            ])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains("CANARYurlpass42") && !all.contains("CANARYurltoken42"),
            "{format}: {all}"
        );
    }
}
