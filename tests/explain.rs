//! `explain` and the one text behind it (docs/checks/<area>.md): every check has a complete
//! section, `explain` answers for every id `check --help` lists, and README's table is the one
//! these files generate (`EXPLAIN=overwrite cargo test --test explain` rewrites it).

use assert_cmd::Command;
use openclaw_doctor::checks::CHECKS;
use openclaw_doctor::checks::explain::{self, FILES, SECTIONS};
use std::path::Path;

fn doctor() -> Command {
    let mut cmd = Command::cargo_bin("openclaw-doctor").expect("binary");
    cmd.env_clear().env("PATH", "/usr/bin:/bin").env(
        "OPENCLAW_DOCTOR_HOST_ROOT",
        "/nonexistent/openclaw-doctor-test-host",
    );
    cmd
}

fn stdout(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_check_has_one_complete_section_in_report_order() {
    let ids: Vec<&str> = explain::all().iter().map(|e| e.id.as_str()).collect();
    let want: Vec<&str> = CHECKS.iter().map(|d| d.id).collect();
    assert_eq!(
        ids, want,
        "docs/checks sections ≠ the checks, in report order"
    );
    for e in explain::all() {
        let def = CHECKS.iter().find(|d| d.id == e.id).expect("a check");
        assert_eq!(e.file, def.area, "{} is written in {}.md", e.id, e.file);
        assert!(
            !e.summary.is_empty() && e.summary.chars().count() <= 58 && !e.summary.ends_with('.'),
            "{}: the summary must be one line of 1 to 58 characters, no full stop: {:?}",
            e.id,
            e.summary
        );
        let headings: Vec<&str> = e.sections.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(headings, SECTIONS, "{}: the sections", e.id);
        for (h, body) in &e.sections {
            assert!(body.len() > 20, "{} › {h} is empty", e.id);
            assert!(!body.contains("TODO"), "{} › {h} still says TODO", e.id);
        }
    }
}

#[test]
fn the_files_are_wrapped_at_100_columns() {
    for (area, text) in FILES {
        for (n, line) in text.lines().enumerate() {
            assert!(
                line.chars().count() <= 100,
                "docs/checks/{area}.md:{}: {} columns",
                n + 1,
                line.chars().count()
            );
        }
    }
}

/// The ids `check --help` lists: its lines `  <id>  <severity>  <summary>`.
fn help_ids() -> Vec<String> {
    let (code, out, _) = stdout(doctor().args(["check", "--help"]));
    assert_eq!(code, 0);
    let ids: Vec<String> = out
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (id, sev) = (words.next()?, words.next()?);
            (l.starts_with("  ") && ["error", "warning", "info"].contains(&sev) && id.contains('.'))
                .then(|| id.to_string())
        })
        .collect();
    assert_eq!(ids.len(), CHECKS.len(), "check --help lists every check");
    ids
}

#[test]
fn explain_answers_for_every_id_check_help_lists() {
    for id in help_ids() {
        let (code, out, err) = stdout(doctor().args(["explain", &id]));
        assert_eq!(code, 0, "explain {id}: {err}");
        assert!(out.starts_with(&format!("{id} · ")), "explain {id}: {out}");
        assert!(out.contains(explain::summary(&id)), "explain {id}: summary");
        for h in SECTIONS {
            assert!(out.contains(&format!("\n{h}\n")), "explain {id} lacks {h}");
        }
        let json = doctor()
            .args(["explain", &id, "--format", "json"])
            .output()
            .expect("run");
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
        assert_eq!(v["id"], id.as_str());
        assert_eq!(v["sections"].as_object().map(|o| o.len()), Some(6));
    }
}

#[test]
fn explain_alone_lists_every_check_by_area_and_an_area_lists_its_own() {
    let (code, out, _) = stdout(doctor().arg("explain"));
    assert_eq!(code, 0);
    for d in CHECKS {
        assert!(out.contains(&format!("  {:<30} {:<8} ", d.id, d.severity.name())));
    }
    for area in explain::areas() {
        assert!(out.lines().any(|l| l == area), "area heading {area}");
    }
    let (code, out, _) = stdout(doctor().args(["explain", "devices"]));
    assert_eq!(code, 0);
    let listed: Vec<&str> = out.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(listed.len(), 3, "{out}");
    assert!(
        listed
            .iter()
            .all(|l| l.trim_start().starts_with("devices."))
    );
}

#[test]
fn an_unknown_id_is_exit_2_with_a_did_you_mean() {
    for (query, meant) in [
        ("gateway.bind.invalit", "gateway.bind.invalid"),
        ("via_proxy", "gateway.remote_url.via_proxy"),
        ("prxy", "proxy"),
    ] {
        let (code, out, err) = stdout(doctor().args(["explain", query]));
        assert_eq!(code, 2, "explain {query}");
        assert!(out.is_empty());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&format!("did you mean {meant:?}?")), "{err}");
    }
    let (code, _, err) = stdout(doctor().args(["explain", "nothing.like.this"]));
    assert_eq!(code, 2);
    assert!(!err.contains("did you mean"), "{err}");
    let (code, _, _) = stdout(doctor().args(["explain", "--format", "junit", "probe.tls"]));
    assert_eq!(code, 2);
}

/// README's table of checks, as docs/checks generate it.
fn readme_table() -> String {
    let mut out = String::from("| id | severity | what it means |\n|---|---|---|\n");
    for d in CHECKS {
        let anchor: String = d.id.chars().filter(|c| *c != '.').collect();
        out.push_str(&format!(
            "| [`{}`](docs/checks/{}.md#{anchor}) | {} | {} |\n",
            d.id,
            d.area,
            d.severity.name(),
            explain::summary(d.id).replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn readme_table_is_the_one_docs_checks_generate() {
    const BEGIN: &str = "<!-- checks table: generated from docs/checks by tests/explain.rs -->\n";
    const END: &str = "<!-- end of checks table -->";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README");
    let start = readme
        .find(BEGIN)
        .expect("README has the checks-table marker")
        + BEGIN.len();
    let end = readme[start..]
        .find(END)
        .expect("README has the end marker")
        + start;
    let want = readme_table();
    if readme[start..end] != want {
        if std::env::var("EXPLAIN").as_deref() == Ok("overwrite") {
            let new = format!("{}{want}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, new).expect("write README");
        } else {
            panic!(
                "README's checks table is out of date: EXPLAIN=overwrite cargo test --test explain"
            );
        }
    }
}

#[test]
fn a_job_wide_format_or_output_does_not_turn_explain_into_a_report() {
    let dir = tempfile::tempdir().expect("tmp");
    let textfile = dir.path().join("openclaw_doctor.prom");
    std::fs::write(&textfile, "openclaw_doctor_check 0\n").expect("textfile");
    let (code, out, err) = stdout(
        doctor()
            .args(["explain", "probe.tls"])
            .env("OPENCLAW_DOCTOR_FORMAT", "prometheus")
            .env("OPENCLAW_DOCTOR_OUTPUT", &textfile),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("probe.tls · "), "{out}");
    assert_eq!(
        std::fs::read_to_string(&textfile).expect("textfile"),
        "openclaw_doctor_check 0\n",
        "the textfile was overwritten"
    );
    // Named on the command line, they count.
    let named = dir.path().join("explain.txt");
    let (code, out, _) = stdout(
        doctor()
            .args(["explain", "probe.tls", "--output"])
            .arg(&named),
    );
    assert_eq!(code, 0);
    assert!(out.is_empty());
    assert!(
        std::fs::read_to_string(&named)
            .expect("named")
            .starts_with("probe.tls · ")
    );
}
