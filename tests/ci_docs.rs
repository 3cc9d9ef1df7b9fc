//! docs/ci.md's examples are real: every `# file:` block is extracted; YAML must parse, and
//! the systemd units must pass `systemd-analyze verify` with no complaint (it exits 0 even for
//! an unknown key, so stderr must be empty too).

use std::fs;
use std::path::Path;

fn blocks() -> Vec<(String, String, String)> {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md")).unwrap();
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```").filter(|l| !l.is_empty()) else {
            continue;
        };
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        if let Some(name) = body.first().and_then(|l| l.strip_prefix("# file: ")) {
            out.push((
                lang.to_string(),
                name.to_string(),
                body[1..].join("\n") + "\n",
            ));
        }
    }
    out
}

#[test]
fn workflow_yaml_parses() {
    let yaml: Vec<_> = blocks()
        .into_iter()
        .filter(|(lang, _, _)| lang == "yaml")
        .collect();
    assert_eq!(yaml.len(), 2, "a GitHub Actions and a GitLab CI example");
    for (_, name, body) in yaml {
        let v: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = serde_yaml_ng::to_string(&v).unwrap();
        assert!(
            text.contains("openclaw-doctor check --format junit"),
            "{name} runs the doctor"
        );
    }
}

#[test]
fn systemd_units_verify() {
    let units: Vec<_> = blocks()
        .into_iter()
        .filter(|(lang, _, _)| lang == "ini")
        .collect();
    assert_eq!(units.len(), 2, "a service and a timer");
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("openclaw-doctor");
    let mut paths = Vec::new();
    for (_, name, body) in units {
        // verify wants the ExecStart binary to exist: point it at the one just built, and drop
        // User= (that account exists only on the host).
        let body = body
            .replace("/usr/local/bin/openclaw-doctor", bin.to_str().unwrap())
            .lines()
            .filter(|l| !l.starts_with("User="))
            .collect::<Vec<_>>()
            .join("\n");
        let path = dir.path().join(&name);
        fs::write(&path, body + "\n").unwrap();
        paths.push(path);
    }
    let out = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .args(&paths)
        .output()
        .expect("systemd-analyze (Debian package systemd) is installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.trim().is_empty(),
        "systemd-analyze complains: {stderr}"
    );
}
