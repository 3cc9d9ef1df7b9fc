//! The bad-input corpus (fixtures/bad/, issue #10): every case in fixtures/bad/MANIFEST runs
//! through the real binary, copied into a temporary directory first so the repository is
//! never touched. Whatever a case expects, the binary never panics or aborts, and every file
//! of the case is byte-identical afterwards with nothing added beside it; config cases (and
//! the runs that already read nginx files and logs) meet the manifest's `expect` exactly.

mod common;

use common::run;

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

const BAD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bad");
const GOOD_CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/healthy/in/openclaw.json"
);

#[derive(Debug, Clone, Copy, PartialEq)]
enum As {
    Config,
    Proxy,
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Error,
    Finding,
    /// Read, and the area's checks skipped with this reason (nothing in it to check).
    Skipped,
    Any,
}

#[derive(Debug)]
struct Case {
    path: String,
    as_: As,
    expect: Expect,
    detail: String,
}

impl Case {
    /// The file or directory name, which every error line must contain.
    fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap()
    }
}

/// One way a case is run; each asserts the manifest's `expect` (`check --offline` reads
/// `--proxy-config` and `--log` too: a named file is read whatever the mode).
struct Run {
    as_: As,
    args: &'static [&'static str],
    /// The JSON report lists this kind's findings and checks (`fix` reports nginx as notes
    /// and patches, and skips the proxy checks).
    lists_findings: bool,
}

const RUNS: &[Run] = &[
    Run {
        as_: As::Config,
        args: &["check", "--offline"],
        lists_findings: true,
    },
    Run {
        as_: As::Config,
        args: &["fix", "--apply"],
        lists_findings: true,
    },
    Run {
        as_: As::Proxy,
        args: &["check", "--offline"],
        lists_findings: true,
    },
    Run {
        as_: As::Proxy,
        args: &["fix", "--apply"],
        lists_findings: false,
    },
    Run {
        as_: As::Log,
        args: &["check", "--offline", "--since", "100000h"],
        lists_findings: true,
    },
];

fn parse_line(line: &str, number: usize) -> Case {
    let cols: Vec<&str> = line.split(" | ").map(str::trim).collect();
    assert_eq!(
        cols.len(),
        5,
        "MANIFEST line {number}: five columns: {line}"
    );
    let as_ = match cols[1] {
        "config" => As::Config,
        "proxy" => As::Proxy,
        "log" => As::Log,
        other => panic!("MANIFEST line {number}: unknown kind {other:?}"),
    };
    let expect = match cols[2] {
        "error" => Expect::Error,
        "finding" => Expect::Finding,
        "skipped" => Expect::Skipped,
        "any" => Expect::Any,
        other => panic!("MANIFEST line {number}: unknown expectation {other:?}"),
    };
    assert!(
        expect == Expect::Any || (cols[3] != "-" && !cols[3].is_empty()),
        "MANIFEST line {number}: {:?} needs a detail",
        cols[2]
    );
    Case {
        path: cols[0].to_string(),
        as_,
        expect,
        detail: cols[3].to_string(),
    }
}

/// The manifest's cases, and how many case lines the file holds (counted without parsing).
fn manifest() -> (Vec<Case>, usize) {
    let text = fs::read_to_string(Path::new(BAD).join("MANIFEST")).unwrap();
    let is_case = |l: &&str| !l.trim().is_empty() && !l.starts_with('#');
    let lines = text.lines().filter(is_case).count();
    let cases = text
        .lines()
        .enumerate()
        .filter(|(_, l)| is_case(l))
        .map(|(i, l)| parse_line(l, i + 1))
        .collect();
    (cases, lines)
}

/// Every entry of fixtures/bad/{config,nginx,log}/ (a file or a case directory).
fn entries_on_disk() -> Vec<String> {
    let mut out = Vec::new();
    for kind in ["config", "nginx", "log"] {
        for e in fs::read_dir(Path::new(BAD).join(kind)).unwrap() {
            out.push(format!(
                "{kind}/{}",
                e.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    out.sort();
    out
}

/// Cases too big to commit, written into `dest`.
fn generate(name: &str, dest: &Path) {
    let bytes = match name {
        "oversize.json" => {
            let mut big = b"{ a: '".to_vec();
            big.resize(8 * 1024 * 1024 + 16, b'x');
            big.extend(b"' }");
            big
        }
        "oversize.conf" => "# x\n".repeat(1024 * 1024 + 1).into_bytes(),
        "overlong-line.log" => {
            let event = "{\"time\":\"2026-11-24T11:15:00.529+00:00\",\"message\":\"unauthorized conn=a remote=127.0.0.1 reason=token_mismatch\"}\n";
            let long = format!(
                "{{\"time\":\"2026-11-24T11:15:01Z\",\"message\":\"token mismatch {}\"}}\n",
                "x".repeat(300 * 1024)
            );
            format!("{event}{long}{event}").into_bytes()
        }
        other => panic!("no generator for generated/{other}"),
    };
    fs::write(dest, bytes).unwrap();
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy_tree(&e.path(), &to.join(e.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap();
    }
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The case copied (or generated) into `dir/case/`; returns the path to pass, relative to
/// `dir`.
fn stage(case: &Case, dir: &Path) -> String {
    fs::create_dir_all(dir.join("case")).unwrap();
    fs::create_dir_all(dir.join("good")).unwrap();
    fs::copy(GOOD_CONFIG, dir.join("good/openclaw.json")).unwrap();
    let staged = dir.join("case").join(case.name());
    match case.path.strip_prefix("generated/") {
        Some(name) => generate(name, &staged),
        None => copy_tree(&Path::new(BAD).join(&case.path), &staged),
    }
    let rel = format!("case/{}", case.name());
    if case.as_ == As::Config && staged.is_dir() {
        let main = ["openclaw.json", "openclaw.toml"]
            .into_iter()
            .find(|m| staged.join(m).is_file())
            .unwrap_or_else(|| panic!("{}: no openclaw.json or .toml", case.path));
        return format!("{rel}/{main}");
    }
    rel
}

fn doctor(dir: &Path, run: &Run, target: &str) -> Output {
    let mut cmd = run::isolated(dir);
    cmd.args(run.args)
        .args(["--format", "json", "--fail-on", "warning"]);
    match run.as_ {
        As::Config => cmd.args(["--config", target]),
        As::Proxy => cmd.args(["--config", "good/openclaw.json", "--proxy-config", target]),
        As::Log => cmd.args(["--config", "good/openclaw.json", "--log", target]),
    };
    cmd.output().unwrap()
}

/// The contract every run meets, and the manifest's expectation on strict runs.
fn assert_run(case: &Case, run: &Run, out: &Output) {
    let who = format!("{} ({:?})", case.path, run.args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("overflowed its stack"),
        "{who}: {stderr}"
    );
    assert!(
        matches!(code, Some(0..=2)),
        "{who}: exit {:?} (a signal or a panic): {stderr}",
        out.status
    );
    if code == Some(2) {
        assert!(out.stdout.is_empty(), "{who}: stdout on an error");
        assert_eq!(stderr.lines().count(), 1, "{who}: one line: {stderr}");
        assert!(
            stderr.starts_with("openclaw-doctor: error: ") && stderr.contains(case.name()),
            "{who}: the error names the file: {stderr}"
        );
    }
    match case.expect {
        Expect::Any => {}
        Expect::Error => {
            assert_eq!(code, Some(2), "{who}: expected an error: {stderr}");
            assert!(
                stderr.contains(&case.detail),
                "{who}: expected {:?} in {stderr}",
                case.detail
            );
        }
        Expect::Finding if run.lists_findings => {
            let report = report_of(&who, out);
            let findings = report["findings"].as_array().unwrap();
            assert!(
                findings.iter().any(|f| f["id"] == case.detail.as_str()),
                "{who}: expected {} in {report:#}",
                case.detail
            );
            let serious = findings.iter().any(|f| f["severity"] != "info");
            assert_eq!(code, Some(serious as i32), "{who}: {report:#}");
        }
        Expect::Finding => assert_fix_finding(case, &who, out),
        Expect::Skipped => assert_skipped(case, run, &who, out),
    }
}

fn report_of(who: &str, out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{who}: no JSON report (exit {:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `fix --apply --proxy-config` on a case with a proxy finding: an nginx finding is proposed
/// as a patch (a note naming the finding, the file left pending: `--apply` does not write
/// nginx files, so exit 1); a Caddyfile is never patched (exit 0, nothing proposed).
fn assert_fix_finding(case: &Case, who: &str, out: &Output) {
    let report = report_of(who, out);
    let notes = report["notes"].to_string();
    let pending = report["fix"]["pending"].to_string();
    if case.name().starts_with("Caddyfile") {
        assert_eq!(out.status.code(), Some(0), "{who}: {report:#}");
        assert_eq!(report["fix"]["files"], serde_json::json!([]), "{who}");
        return;
    }
    assert!(
        notes.contains(" gets ") && notes.contains(&case.detail),
        "{who}: a patch for {}: {notes}",
        case.detail
    );
    assert!(pending.contains(case.name()), "{who}: pending: {pending}");
    assert_eq!(out.status.code(), Some(1), "{who}: {report:#}");
}

/// Read, nothing to check: no finding of the kind, and its checks skipped saying why (`fix`:
/// nothing proposed, exit 0).
fn assert_skipped(case: &Case, run: &Run, who: &str, out: &Output) {
    let report = report_of(who, out);
    assert_eq!(out.status.code(), Some(0), "{who}: {report:#}");
    let prefix = match case.as_ {
        As::Proxy => "proxy.",
        As::Log => "log.",
        As::Config => panic!("{who}: a config case is never skipped"),
    };
    if !run.lists_findings {
        assert_eq!(report["fix"]["files"], serde_json::json!([]), "{who}");
        assert_eq!(report["notes"], serde_json::json!([]), "{who}");
        return;
    }
    let of_kind = |v: &Value| v["id"].as_str().unwrap_or("").starts_with(prefix);
    let findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| of_kind(f))
        .collect();
    assert!(findings.is_empty(), "{who}: {findings:?}");
    let checks: Vec<&Value> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| of_kind(c))
        .collect();
    assert!(!checks.is_empty(), "{who}: no {prefix} checks");
    for c in checks {
        assert!(
            c["status"] == "skipped" && c["reason"].as_str().unwrap_or("").contains(&case.detail),
            "{who}: expected {} skipped with {:?}: {c}",
            c["id"],
            case.detail
        );
    }
}

#[test]
fn every_corpus_case_is_an_error_or_a_finding_never_a_panic() {
    let (cases, lines) = manifest();
    assert!(lines >= 40, "the corpus holds at least 40 cases: {lines}");
    assert_eq!(cases.len(), lines);
    let mut listed: Vec<String> = cases
        .iter()
        .filter(|c| !c.path.starts_with("generated/"))
        .map(|c| c.path.clone())
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        entries_on_disk(),
        "every file of fixtures/bad is in the MANIFEST, once"
    );
    let mut ran = 0;
    let mut failed = Vec::new();
    for case in &cases {
        if std::panic::catch_unwind(|| run_case(case)).is_err() {
            failed.push(case.path.as_str());
        }
        ran += 1;
    }
    assert!(failed.is_empty(), "failing cases (see above): {failed:?}");
    assert_eq!(ran, lines, "every case in the MANIFEST ran");
}

/// Both runs of one case in a fresh temporary directory.
fn run_case(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let target = stage(case, dir.path());
    let before = snapshot(dir.path());
    let runs: Vec<&Run> = RUNS.iter().filter(|r| r.as_ == case.as_).collect();
    // Configs and proxy configs through check and fix; logs through check (fix reads none).
    assert_eq!(runs.len(), if case.as_ == As::Log { 1 } else { 2 });
    for run in runs {
        let out = doctor(dir.path(), run, &target);
        assert_run(case, run, &out);
        assert!(
            snapshot(dir.path()) == before,
            "{} ({:?}): files changed or added",
            case.path,
            run.args
        );
    }
}
