//! Runs the real binary on every case under `fixtures/` (in the manner of cargo-edit's tests):
//! `in/` is copied to a temporary HOME, `cmd` holds the arguments, `env` extra variables;
//! the exit code (`code`), stdout (`stdout`) and the files afterwards (`out/`, or `in/` again
//! when there is no `out/`) must match. `SNAPSHOTS=overwrite cargo test --test fixtures`
//! rewrites the expected files after a deliberate change.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Relative path → bytes for every file under `dir` (names normalised).
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            walk(root, &path, out);
        } else if meta.is_file() {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(normalize_stamps(&rel), fs::read(&path).unwrap());
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in read_tree(from) {
        let dest = to.join(&rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::write(dest, bytes).unwrap();
    }
}

/// `doctor-20261124T104725Z` → `doctor-[STAMP]` (backup names carry the time).
fn normalize_stamps(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("doctor-") {
        out.push_str(&rest[..i + 7]);
        rest = &rest[i + 7..];
        let b = rest.as_bytes();
        let is_stamp = b.len() >= 16
            && b[..8].iter().all(u8::is_ascii_digit)
            && b[8] == b'T'
            && b[9..15].iter().all(u8::is_ascii_digit)
            && b[15] == b'Z';
        if is_stamp {
            out.push_str("[STAMP]");
            rest = &rest[16..];
        }
    }
    out.push_str(rest);
    out
}

struct Case {
    name: String,
    dir: PathBuf,
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cmd").is_file())
        .map(|dir| Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir,
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn run_case(case: &Case, overwrite: bool) -> Result<(), String> {
    let home = tempfile::tempdir().unwrap();
    // Canonical, so that paths printed by the binary match the replacement below.
    let root = fs::canonicalize(home.path()).unwrap();
    copy_tree(&case.dir.join("in"), &root);
    let cmd = fs::read_to_string(case.dir.join("cmd")).unwrap();
    let args: Vec<&str> = cmd.split_whitespace().collect();
    let mut command = common::run::bare();
    command
        .args(&args)
        .current_dir(&root)
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &root)
        .env("LC_ALL", "C.UTF-8")
        // Snapshots must not depend on whether the test host is a container.
        .env("OPENCLAW_DOCTOR_CONTAINER", "no");
    if let Ok(env) = fs::read_to_string(case.dir.join("env")) {
        for line in env.lines().filter(|l| !l.trim().is_empty()) {
            let (k, v) = line.split_once('=').expect("env lines are KEY=VALUE");
            command.env(k, v.replace("[ROOT]", root.to_str().unwrap()));
        }
    }
    let output = command.output().unwrap();
    let root_str = root.to_str().unwrap();
    let clean = |bytes: &[u8]| {
        normalize_stamps(&String::from_utf8_lossy(bytes).replace(root_str, "[ROOT]"))
    };
    let stdout = clean(&output.stdout);
    let stderr = clean(&output.stderr);
    let code = output.status.code().unwrap_or(-1).to_string();
    let after = read_tree(&root);

    let expected_dir = if case.dir.join("out").exists() {
        case.dir.join("out")
    } else {
        case.dir.join("in")
    };
    if overwrite {
        fs::write(case.dir.join("stdout"), &stdout).unwrap();
        if stderr.is_empty() {
            let _ = fs::remove_file(case.dir.join("stderr"));
        } else {
            fs::write(case.dir.join("stderr"), &stderr).unwrap();
        }
        fs::write(case.dir.join("code"), format!("{code}\n")).unwrap();
        if after != read_tree(&case.dir.join("in")) {
            let _ = fs::remove_dir_all(case.dir.join("out"));
            for (rel, bytes) in &after {
                let dest = case.dir.join("out").join(rel);
                fs::create_dir_all(dest.parent().unwrap()).unwrap();
                fs::write(dest, bytes).unwrap();
            }
        }
        return Ok(());
    }
    let mut problems = Vec::new();
    let want_code = fs::read_to_string(case.dir.join("code")).unwrap_or_default();
    if want_code.trim() != code {
        problems.push(format!("exit code {code}, expected {}", want_code.trim()));
    }
    let want_stdout = fs::read_to_string(case.dir.join("stdout")).unwrap_or_default();
    if want_stdout != stdout {
        problems.push(format!(
            "stdout differs:\n--- expected\n{want_stdout}\n--- actual\n{stdout}"
        ));
    }
    let want_stderr = fs::read_to_string(case.dir.join("stderr")).unwrap_or_default();
    if want_stderr != stderr {
        problems.push(format!(
            "stderr differs:\n--- expected\n{want_stderr}\n--- actual\n{stderr}"
        ));
    }
    let want_files = read_tree(&expected_dir);
    if want_files != after {
        for (rel, bytes) in &after {
            match want_files.get(rel) {
                None => problems.push(format!("unexpected file {rel}")),
                Some(want) if want != bytes => problems.push(format!(
                    "{rel} differs:\n--- expected\n{}\n--- actual\n{}",
                    String::from_utf8_lossy(want),
                    String::from_utf8_lossy(bytes)
                )),
                _ => {}
            }
        }
        for rel in want_files.keys().filter(|k| !after.contains_key(*k)) {
            problems.push(format!("missing file {rel}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn fixtures() {
    let overwrite = std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite");
    let all = cases();
    assert!(
        all.len() >= 20,
        "expected the fixture cases, found {}",
        all.len()
    );
    let failures: Vec<String> = all
        .iter()
        .filter_map(|case| {
            run_case(case, overwrite)
                .err()
                .map(|e| format!("=== {}\n{e}", case.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}
