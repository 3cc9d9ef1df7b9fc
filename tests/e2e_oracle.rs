//! The oracle corpus (fixtures/oracle): what the real OpenClaw 2026.9.6 does with each config
//! variant, recorded by scripts/oracle/record.py (see fixtures/oracle/README.md).
//!
//! - `oracle_corpus_is_well_formed` (always runs): every case has a current, parseable verdict,
//!   ids are unique, and the corpus holds each kind of verdict.
//! - `oracle_live_sample_matches_recording` (ignored; scripts/test.sh runs it with
//!   OPENCLAW_E2E_BIN and Node 24 on PATH): re-runs a random sample of recorded cases against
//!   the real OpenClaw (`record.py --check`) and fails on any difference in the valid flag, the
//!   issue paths, the start outcome, the exit code or the first refusal message. The seed is
//!   printed; replay a sample with OPENCLAW_ORACLE_SEED=<seed>.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = "2026.9.6";

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/oracle/cases")
}

struct Case {
    id: String,
    dir: PathBuf,
    meta: Value,
    /// `Null` when the case has no verdict.json yet.
    verdict: Value,
}

impl Case {
    fn valid(&self) -> bool {
        self.verdict["validate"]["valid"].as_bool().unwrap()
    }
    fn outcome(&self) -> &str {
        self.verdict["start"]["outcome"].as_str().unwrap()
    }
    fn keep_port(&self) -> bool {
        self.meta["keep_port"].as_bool().unwrap()
    }
}

/// The verdict kinds the corpus must hold (and the live sample draws from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    ValidStarted,
    Invalid,
    ValidRefused,
    Other,
}

fn kind(case: &Case) -> Kind {
    if case.verdict.is_null() {
        return Kind::Other;
    }
    match (case.valid(), case.outcome()) {
        (true, "started") => Kind::ValidStarted,
        (false, _) => Kind::Invalid,
        (true, "refused") => Kind::ValidRefused,
        _ => Kind::Other,
    }
}

/// SHA-256 over the case's files except verdict.json, sorted by relative path, each as
/// `<path>\0<bytes>\0` (the same digest record.py writes as `case_sha256`).
fn case_digest(dir: &Path) -> String {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.file_name().unwrap() != "verdict.json" {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, path));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    // Python sorts Path objects by their parts; for these names that is byte order of the
    // '/'-joined path with '/' sorting before every other character used.
    files.sort_by(|a, b| {
        let key = |s: &str| s.split('/').map(str::to_owned).collect::<Vec<_>>();
        key(&a.0).cmp(&key(&b.0))
    });
    let mut h = Sha256::new();
    for (rel, path) in files {
        h.update(rel.as_bytes());
        h.update([0]);
        h.update(fs::read(path).unwrap());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn load_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for entry in fs::read_dir(cases_dir()).expect("fixtures/oracle/cases exists") {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let read = |file: &str| -> Value {
            let text =
                fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{name}/{file}: {e}"));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}/{file}: {e}"))
        };
        let verdict = if dir.join("verdict.json").exists() {
            read("verdict.json")
        } else {
            Value::Null
        };
        cases.push(Case {
            id: name.clone(),
            meta: read("case.json"),
            verdict,
            dir,
        });
    }
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    cases
}

fn check_verdict_shape(case: &Case) -> Result<(), String> {
    let v = &case.verdict;
    if v.is_null() {
        return Err("missing (run scripts/oracle/record.py)".into());
    }
    if v["openclaw"] != VERSION {
        return Err(format!("openclaw is {}, not {VERSION}", v["openclaw"]));
    }
    let validate = &v["validate"];
    let valid = validate["valid"]
        .as_bool()
        .ok_or("validate.valid is not a bool")?;
    let exit = validate["exit_code"].as_i64().ok_or("validate.exit_code")?;
    if valid != (exit == 0) {
        return Err(format!("validate.valid {valid} but exit code {exit}"));
    }
    let issues = validate["issues"].as_array().ok_or("validate.issues")?;
    // Invalid without issues only with the CLI's error (a missing config file: "file not found").
    if valid != (issues.is_empty() && validate["error"].is_null()) {
        return Err(format!(
            "validate.valid {valid} with {} issue(s)",
            issues.len()
        ));
    }
    for issue in issues {
        issue["path"].as_str().ok_or("an issue without a path")?;
        issue["message"]
            .as_str()
            .ok_or("an issue without a message")?;
    }
    let start = &v["start"];
    let outcome = start["outcome"].as_str().ok_or("start.outcome")?;
    let exit = &start["exit_code"];
    match outcome {
        "refused" if exit.as_i64().is_none() => return Err("refused without an exit code".into()),
        "started" | "timeout" if !exit.is_null() => {
            return Err(format!("{outcome} with an exit code {exit}"));
        }
        "started" | "refused" | "timeout" => {}
        other => return Err(format!("unknown outcome {other:?}")),
    }
    let messages = start["messages"].as_array().ok_or("start.messages")?;
    if messages.iter().any(|m| !m.is_string()) {
        return Err("a message that is not a string".into());
    }
    if outcome == "refused" && messages.is_empty() {
        return Err("refused without a message".into());
    }
    start["seconds"].as_f64().ok_or("start.seconds")?;
    if outcome == "started" && start["listen"].as_array().is_none_or(|l| l.is_empty()) {
        return Err("started without listening addresses".into());
    }
    Ok(())
}

#[test]
fn oracle_corpus_is_well_formed() {
    let cases = load_cases();
    let mut problems = Vec::new();
    let mut numbers = BTreeSet::new();
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    for case in &cases {
        let id = &case.id;
        let (num, slug) = id.split_once('-').unwrap_or(("", ""));
        if num.len() != 3
            || !num.bytes().all(|b| b.is_ascii_digit())
            || slug.is_empty()
            || !slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            problems.push(format!("{id}: the id is not <3 digits>-<slug>"));
        }
        if !numbers.insert(num.to_string()) {
            problems.push(format!("{id}: number {num} used twice"));
        }
        if case.meta["id"] != id.as_str() {
            problems.push(format!("{id}: case.json says id {}", case.meta["id"]));
        }
        if case.meta["base"].as_str().is_none() || case.meta["mutations"].as_array().is_none() {
            problems.push(format!("{id}: case.json lacks base or mutations"));
        }
        match case.meta["keep_port"].as_bool() {
            None => problems.push(format!("{id}: keep_port is not a bool")),
            Some(true)
                if case.meta["listen_port"].as_u64().is_none()
                    || case.meta["why_keep_port"].as_str().is_none() =>
            {
                problems.push(format!(
                    "{id}: keep_port without listen_port and why_keep_port"
                ));
            }
            _ => {}
        }
        if !case.dir.join("openclaw.json").is_file() {
            problems.push(format!("{id}: no openclaw.json"));
        }
        if let Err(e) = check_verdict_shape(case) {
            problems.push(format!("{id}: verdict.json: {e}"));
            continue;
        }
        let digest = case_digest(&case.dir);
        if case.verdict["case_sha256"] != digest.as_str() {
            problems.push(format!(
                "{id}: verdict.json is stale (the case changed since it was recorded; run scripts/oracle/record.py)"
            ));
        }
        *counts.entry(kind(case)).or_default() += 1;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    for k in [Kind::ValidStarted, Kind::Invalid, Kind::ValidRefused] {
        assert!(
            counts.get(&k).copied().unwrap_or(0) >= 3,
            "fewer than 3 {k:?} cases: {counts:?}"
        );
    }
    eprintln!("{} oracle cases: {counts:?}", cases.len());
}

/// A small deterministic generator (SplitMix64), so that a seed replays a sample.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a, T>(&mut self, pool: &mut Vec<&'a T>) -> Option<&'a T> {
        if pool.is_empty() {
            return None;
        }
        let i = (self.next() % pool.len() as u64) as usize;
        Some(pool.swap_remove(i))
    }
}

/// How many cases of each kind the live sample re-runs (started cases are the slow ones:
/// ~15-40 s each, so the sample stays within about three minutes at two at a time).
const SAMPLE: [(Kind, usize); 3] = [
    (Kind::ValidStarted, 3),
    (Kind::Invalid, 5),
    (Kind::ValidRefused, 4),
];

#[test]
#[ignore = "needs the real OpenClaw 2026.9.6 CLI: run scripts/test.sh"]
fn oracle_live_sample_matches_recording() {
    let bin = std::env::var("OPENCLAW_E2E_BIN")
        .expect("OPENCLAW_E2E_BIN must name the openclaw CLI (scripts/test.sh sets it)");
    let seed: u64 = match std::env::var("OPENCLAW_ORACLE_SEED") {
        Ok(s) => s.parse().expect("OPENCLAW_ORACLE_SEED is a number"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    };
    eprintln!("[oracle] live sample seed {seed} (replay: OPENCLAW_ORACLE_SEED={seed})");
    let cases = load_cases();
    let mut rng = Rng(seed);
    let mut ids = Vec::new();
    for (k, n) in SAMPLE {
        // Kept ports (the default 18789 among them) could be taken on a developer's machine.
        let mut pool: Vec<&Case> = cases
            .iter()
            .filter(|c| kind(c) == k && !c.keep_port())
            .collect();
        for _ in 0..n {
            let case = rng
                .pick(&mut pool)
                .unwrap_or_else(|| panic!("not enough {k:?} cases"));
            ids.push(case.id.clone());
        }
    }
    eprintln!("[oracle] re-running {}", ids.join(" "));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/oracle/record.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["--openclaw", &bin, "-j", "2", "--check"])
        .args(&ids)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "the live OpenClaw disagrees with the recording (seed {seed}):\n{stdout}{stderr}"
    );
    for id in &ids {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("ok {id}:"))),
            "{id} was not checked (seed {seed}):\n{stdout}"
        );
    }
}
