//! Every way a config can be unreadable: exit 2, one line on stderr naming the file (and the
//! position where there is one), nothing on stdout, and the file byte-for-byte unchanged —
//! for `check` and for `fix --apply` alike. The files are cases of the bad-input corpus
//! (fixtures/bad/, swept whole by tests/bad_corpus.rs); here each message is checked exactly.

mod common;

use common::run;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

fn doctor(dir: &Path, args: &[&str]) -> Output {
    run::isolated(dir).args(args).output().unwrap()
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push((p.clone(), fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
}

/// Runs check and fix --apply on `config` inside `dir`; asserts the contract and that the
/// one error line is `expect` (the file, its position and the message), `dir` written `<dir>`.
fn assert_error_line(dir: &Path, config: &str, expect: &str) {
    let before = files(dir);
    for args in [&["check"][..], &["fix", "--apply"][..]] {
        let mut full = args.to_vec();
        full.extend(["--config", config]);
        let out = doctor(dir, &full);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{config} {args:?}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "{config}: stdout {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            stderr.lines().count(),
            1,
            "{config}: one line, got {stderr:?}"
        );
        let canonical = dir.canonicalize().unwrap();
        let line = stderr
            .trim_end()
            .replace(&canonical.display().to_string(), "<dir>")
            .replace(&dir.display().to_string(), "<dir>");
        assert_eq!(line, format!("openclaw-doctor: error: <dir>/{expect}"));
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            files(dir) == before,
            "{config}: files unchanged, none added"
        );
    }
}

/// A corpus case (a file, or a directory holding openclaw.json) copied into a temporary
/// directory, so the repository is never touched.
fn assert_case(case: &str, expect: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/bad")
        .join(case);
    let dir = tempfile::tempdir().unwrap();
    let name = from.file_name().unwrap().to_str().unwrap();
    let config = if from.is_dir() {
        fs::create_dir(dir.path().join(name)).unwrap();
        for e in fs::read_dir(&from).unwrap() {
            let e = e.unwrap();
            fs::copy(e.path(), dir.path().join(name).join(e.file_name())).unwrap();
        }
        format!("{name}/openclaw.json")
    } else {
        fs::copy(&from, dir.path().join(name)).unwrap();
        name.to_string()
    };
    assert_error_line(dir.path(), &config, expect);
}

#[test]
fn empty_and_blank_files() {
    assert_case("config/empty.json", "empty.json: the file is empty");
    assert_case("config/blank.json", "blank.json: the file is empty");
    assert_case("config/bom-only.toml", "bom-only.toml: the file is empty");
}

#[test]
fn binary_and_foreign_encodings() {
    assert_case(
        "config/nul-byte.json",
        "nul-byte.json: the file is binary (NUL byte at offset 1), not a text config",
    );
    assert_case(
        "config/nul-late.json",
        "nul-late.json: the file is binary (NUL byte at offset 31), not a text config",
    );
    for (case, verb) in [
        ("utf16le-bom.json", "is"),
        ("utf16be-bom.json", "is"),
        ("utf16le-no-bom.json", "looks"),
    ] {
        assert_case(
            &format!("config/{case}"),
            &format!(
                "{case}: the file {verb} UTF-16 encoded; OpenClaw reads UTF-8 only (re-save it as UTF-8)"
            ),
        );
    }
    assert_case(
        "config/invalid-utf8.json",
        "invalid-utf8.json:2:21: the file is not valid UTF-8",
    );
    assert_case(
        "config/invalid-utf8.toml",
        "invalid-utf8.toml:2:12: the file is not valid UTF-8",
    );
}

#[test]
fn malformed_json5_names_line_and_column() {
    for (case, expect) in [
        ("missing-comma.json", "4:5: invalid JSON5: expected comma"),
        ("truncated.json", "1:1: invalid JSON5: EOF parsing object"),
        ("leading-zero.json", "1:6: invalid JSON5: leading zero"),
        (
            "unterminated-string.json5",
            "2:26: invalid JSON5: line terminator in string",
        ),
        (
            "unterminated-comment.json5",
            "2:12: invalid JSON5: EOF parsing comment",
        ),
        (
            "trailing-comma-storm.json5",
            "3:19: invalid JSON5: expected identifier",
        ),
        // The byte order mark and the CR of each CRLF are not counted as columns or lines.
        ("bom-crlf.json", "3:17: invalid JSON5: expected comma"),
    ] {
        assert_case(&format!("config/{case}"), &format!("{case}:{expect}"));
    }
}

/// The bound is checked on the bytes before parsing, so neither a deep value nor an unclosed
/// run of brackets recurses; the error points at the bracket that opens level 129.
#[test]
fn nesting_deeper_than_128_levels_names_the_bracket() {
    for (case, at) in [
        ("deep-nesting.json", "3:133"),
        ("deep-nesting-unclosed.json", "1:129"),
        ("deep-objects.json5", "1:641"),
    ] {
        assert_case(
            &format!("config/{case}"),
            &format!("{case}:{at}: invalid JSON5: nesting deeper than 128 levels"),
        );
    }
    // 128 levels (the root object and 127 arrays) are read.
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{{ x: {}{} }}", "[".repeat(127), "]".repeat(127));
    fs::write(dir.path().join("openclaw.json"), text).unwrap();
    let out = doctor(dir.path(), &["check", "--config", "openclaw.json"]);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn malformed_toml_names_line_and_column() {
    for (case, expect) in [
        (
            "toml-unterminated-string.toml",
            "2:12: invalid TOML: invalid basic string, expected `\"`",
        ),
        (
            "toml-duplicate-key.toml",
            "3:1: invalid TOML: duplicate key",
        ),
        (
            "toml-duplicate-table.toml",
            "3:2: invalid TOML: duplicate key",
        ),
        (
            "bom-crlf.toml",
            "3:8: invalid TOML: string values must be quoted, expected literal string",
        ),
    ] {
        assert_case(&format!("config/{case}"), &format!("{case}:{expect}"));
    }
}

#[test]
fn oversized_file() {
    let mut big = b"{ a: '".to_vec();
    big.resize(8 * 1024 * 1024 + 16, b'x');
    big.extend(b"' }");
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), &big).unwrap();
    assert_error_line(
        dir.path(),
        "openclaw.json",
        "openclaw.json: the file is 8388627 bytes, over the 8388608 byte limit for a config file",
    );
}

#[test]
fn missing_directory_and_unreadable_config() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["check", "--config", "nope.json"][..],
        &["fix", "--apply", "--config", "nope.json"][..],
    ] {
        let out = doctor(dir.path(), args);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim(),
            "openclaw-doctor: error: nope.json: no such file (named by --config)"
        );
    }
    let out = common::run::bare()
        .args(["check"])
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path())
        .env("OPENCLAW_CONFIG_PATH", "~/missing.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("missing.json: no such file (named by OPENCLAW_CONFIG_PATH)")
    );

    fs::create_dir(dir.path().join("cfg.json")).unwrap();
    let out = doctor(dir.path(), &["check", "--config", "cfg.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cfg.json: is a directory"));
}

/// Root reads every file, so the unreadable case runs the binary as `nobody` via setpriv
/// when the tests run as root (CI), and directly otherwise.
#[test]
fn permission_denied() {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.path().join("openclaw.json");
    fs::write(&path, "{ gateway: { bind: 'local' } }").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = as_unprivileged_user();
    let out = cmd
        .args(["check", "--config"])
        .arg(&path)
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path())
        .output()
        .expect("setpriv (util-linux) runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("openclaw.json: permission denied"),
        "{stderr}"
    );
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{ gateway: { bind: 'local' } }"
    );
}

#[test]
fn include_cycle_missing_outside_and_bad_children() {
    for (case, expect) in [
        (
            "include-loop",
            "a.json5:2:13: $include cycle: <dir>/include-loop/a.json5 includes <dir>/include-loop/openclaw.json again",
        ),
        (
            "include-self",
            "openclaw.json:3:13: $include cycle: <dir>/include-self/openclaw.json includes <dir>/include-self/openclaw.json again",
        ),
        (
            "include-missing",
            "openclaw.json:1:25: $include \"gw.json5\": no such file <dir>/include-missing/gw.json5",
        ),
        (
            "include-outside",
            "openclaw.json:1:13: $include \"../outside.json\" is outside the config directory <dir>/include-outside; OpenClaw refuses it",
        ),
        (
            "include-too-deep",
            "10.json5:1:13: $include nesting is deeper than OpenClaw's limit of 10",
        ),
        // A broken included file is named, not the file that includes it.
        (
            "include-bad-child",
            "gw.json5:3:3: invalid JSON5: expected comma",
        ),
        (
            "include-binary-child",
            "b.json5: the file is binary (NUL byte at offset 8), not a text config",
        ),
    ] {
        assert_case(&format!("config/{case}"), &format!("{case}/{expect}"));
    }
}

/// nginx blocks nested 128 deep are read; at 129 the file is refused at that brace's line
/// (40000 levels used to overflow the stack).
#[test]
fn nginx_nesting_bound() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/healthy/in/openclaw.json"),
        dir.path().join("openclaw.json"),
    )
    .unwrap();
    let nested = |n: usize| format!("{}{}", "a {\n".repeat(n), "}\n".repeat(n));
    fs::write(dir.path().join("ok.conf"), nested(128)).unwrap();
    fs::write(dir.path().join("deep.conf"), nested(129)).unwrap();
    let fix = |conf: &str| {
        doctor(
            dir.path(),
            &["fix", "--config", "openclaw.json", "--proxy-config", conf],
        )
    };
    let out = fix("ok.conf");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = fix("deep.conf");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("deep.conf:129:3: nginx syntax: blocks nested more than 128 deep"),
        "{stderr}"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // Each refused for its own reason (named on stderr), not by some other usage error.
    for (args, why) in [
        (
            &["check", "--profile", "../x"][..],
            "invalid profile name \"../x\"",
        ),
        (
            &["check", "--format", "yaml"][..],
            "invalid value 'yaml' for '--format",
        ),
        (
            &["fix", "--bind", "local"][..],
            "invalid value 'local' for '--bind",
        ),
        (
            &[
                "fix",
                "--remote-url",
                "https://claw.example.org",
                "--config",
                "x.json",
            ][..],
            "--remote-url \"https://claw.example.org\": scheme \"https\" is not allowed here; give a ws:// or wss:// URL",
        ),
        (&["frobnicate"][..], "unrecognized subcommand 'frobnicate'"),
    ] {
        fs::write(dir.path().join("x.json"), "{}").unwrap();
        let out = doctor(dir.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(why),
            "{args:?}: expected {why:?} in {stderr}"
        );
    }
}

/// A config in a directory the doctor cannot write to: `fix --apply` refuses with exit 2 and
/// the file is unchanged. Root writes anywhere, so as root the binary runs as `nobody`.
#[test]
fn read_only_directory() {
    let dir = tempfile::tempdir().unwrap();
    let conf_dir = dir.path().join("ro");
    fs::create_dir(&conf_dir).unwrap();
    let path = conf_dir.join("openclaw.json");
    let text = "{ gateway: { mode: 'local', bind: 'local' } }";
    fs::write(&path, text).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
    fs::set_permissions(&conf_dir, fs::Permissions::from_mode(0o555)).unwrap();
    let mut cmd = as_unprivileged_user();
    let out = cmd
        .args(["fix", "--apply", "--config"])
        .arg(&path)
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    fs::set_permissions(&conf_dir, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not written") && stderr.contains("Permission denied"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    assert_eq!(
        fs::read_dir(&conf_dir).unwrap().count(),
        1,
        "no backup or temporary file"
    );
}

/// The binary as a user without special rights: root reads and writes anywhere, so when the
/// tests run as root (CI) it runs as `nobody` through setpriv.
fn as_unprivileged_user() -> std::process::Command {
    let bin = assert_cmd::cargo::cargo_bin("openclaw-doctor");
    let is_root = fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    } else {
        std::process::Command::new(bin)
    }
}
