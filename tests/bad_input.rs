//! Every way a config can be unreadable: exit 2, one line on stderr naming the file (and the
//! position where there is one), nothing on stdout, and the file byte-for-byte unchanged —
//! for `check` and for `fix --apply` alike.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

fn doctor(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("openclaw-doctor")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap()
}

/// Runs check and fix --apply on `name` holding `bytes`; asserts the contract and returns
/// the error line.
fn assert_bad(name: &str, bytes: &[u8], expect: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    let mut line = String::new();
    for args in [&["check"][..], &["fix", "--apply"][..]] {
        let mut full = args.to_vec();
        full.extend(["--config", name]);
        let out = doctor(dir.path(), &full);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "{name}: stdout {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            stderr.lines().count(),
            1,
            "{name}: one line, got {stderr:?}"
        );
        assert!(stderr.starts_with("openclaw-doctor: error: "), "{stderr}");
        assert!(
            stderr.contains(name),
            "{name}: the message names the file: {stderr}"
        );
        assert!(
            stderr.contains(expect),
            "{name}: expected {expect:?} in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(fs::read(&path).unwrap(), bytes, "{name}: file unchanged");
        let entries = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(entries, 1, "{name}: no backup or temp file left");
        line = stderr;
    }
    line
}

#[test]
fn empty_and_blank_files() {
    assert_bad("openclaw.json", b"", "the file is empty");
    assert_bad("openclaw.json", b"  \n\t\n", "the file is empty");
    assert_bad("openclaw.toml", b"\xef\xbb\xbf\n", "the file is empty");
}

#[test]
fn binary_and_foreign_encodings() {
    assert_bad(
        "openclaw.json",
        b"{\x00\x01\x02}",
        "binary (NUL byte at offset 1)",
    );
    let utf16: Vec<u8> = "\u{feff}{ gateway: {} }"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    assert_bad("openclaw.json", &utf16, "UTF-16");
    let utf16_no_bom: Vec<u8> = "{ gateway: {} }"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    assert_bad("openclaw.json", &utf16_no_bom, "UTF-16");
    let line = assert_bad(
        "openclaw.json",
        b"{\n  gateway: { bind: '\xff' } }",
        "not valid UTF-8",
    );
    assert!(line.contains("openclaw.json:2:"), "{line}");
}

#[test]
fn malformed_json5_names_line_and_column() {
    let line = assert_bad(
        "openclaw.json",
        b"{\n  gateway: {\n    bind: 'lan'\n    mode: 'local',\n  },\n}\n",
        "invalid JSON5",
    );
    assert!(line.contains("openclaw.json:4:5:"), "{line}");
    let line = assert_bad(
        "openclaw.json",
        b"{ gateway: { bind: 'lan', }",
        "invalid JSON5",
    );
    assert!(line.contains("openclaw.json:1:"), "{line}");
    assert_bad("openclaw.json", b"{ a: 01 }", "invalid JSON5");
}

#[test]
fn malformed_toml_names_line_and_column() {
    let line = assert_bad(
        "openclaw.toml",
        b"[gateway]\nbind = \"lan\nmode = 'local'\n",
        "invalid TOML",
    );
    assert!(line.contains("openclaw.toml:2:"), "{line}");
    let line = assert_bad(
        "openclaw.toml",
        b"[gateway]\nbind = 'a'\nbind = 'b'\n",
        "invalid TOML",
    );
    assert!(line.contains("openclaw.toml:3:"), "{line}");
}

#[test]
fn oversized_file() {
    let mut big = b"{ a: '".to_vec();
    big.resize(8 * 1024 * 1024 + 16, b'x');
    big.extend(b"' }");
    assert_bad("openclaw.json", &big, "over the 8388608 byte limit");
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
    let out = assert_cmd::Command::cargo_bin("openclaw-doctor")
        .unwrap()
        .args(["check"])
        .env_clear()
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
fn include_cycle_and_missing_include() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), "{ $include: 'a.json5' }").unwrap();
    fs::write(
        dir.path().join("a.json5"),
        "{\n  $include: './openclaw.json',\n}",
    )
    .unwrap();
    let out = doctor(dir.path(), &["fix", "--apply", "--config", "openclaw.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a.json5:2:13: $include cycle"), "{stderr}");

    fs::write(
        dir.path().join("openclaw.json"),
        "{ gateway: { $include: ['gw.json5'] } }",
    )
    .unwrap();
    let out = doctor(dir.path(), &["check", "--config", "openclaw.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("openclaw.json:1:25: $include \"gw.json5\": no such file"),
        "{stderr}"
    );

    fs::write(
        dir.path().join("openclaw.json"),
        "{ $include: '../outside.json' }",
    )
    .unwrap();
    let out = doctor(dir.path(), &["check", "--config", "openclaw.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the config directory"));
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "nothing written"
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
            "--remote-url \"https://claw.example.org\": give a ws:// or wss:// URL",
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
