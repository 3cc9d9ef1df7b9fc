//! The gateway log lines recorded on the real OpenClaw 2026.9.6 and 2026.2.26
//! (`fixtures/logs/openclaw-<version>-causes.log`, every line labelled in `causes.json` by
//! `scripts/logs/classify.py`): the doctor's counts must be the recorded events, counted
//! once per event, and every kind of line that names a cause must be counted or listed in
//! README as deliberately left out.

mod common;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn causes() -> Value {
    let text = fs::read_to_string(root().join("fixtures/logs/causes.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The doctor's kind (or `refusals`, the start-up refusals) for each labelled kind.
const COUNTED: &[(&str, &str)] = &[
    ("pairing_required", "pairing_required"),
    ("scope_upgrade", "scope_upgrade"),
    ("role_upgrade", "scope_upgrade"),
    ("metadata_upgrade", "metadata_upgrade"),
    ("proxy_unattributable", "unattributable_proxy_traffic"),
    ("proxy_headers_untrusted", "proxy_headers_untrusted"),
    ("host_header_not_local", "host_header_not_local"),
    ("token_mismatch", "token_mismatch"),
    ("device_token_mismatch", "device_token_mismatch"),
    ("token_missing", "auth_refused"),
    ("password_mismatch", "auth_refused"),
    ("password_missing", "auth_refused"),
    ("rate_limited", "rate_limited"),
    ("origin_not_allowed", "origin_not_allowed"),
    ("control_ui_insecure_context", "control_ui_insecure"),
    ("device_identity_required", "device_identity_required"),
    ("device_auth_invalid", "device_auth_invalid"),
    ("protocol_mismatch", "protocol_mismatch"),
    ("handshake_timeout", "handshake_timeout"),
    ("invalid_handshake", "invalid_handshake"),
    ("auth_token_generated", "auth_token_generated"),
    // Start-up refusals: one `log.startup_refused` quoting the last.
    ("config_missing", "refusals"),
    ("gateway_mode_unset", "refusals"),
    ("gateway_mode_not_local", "refusals"),
    ("bind_invalid", "refusals"),
    ("bind_without_auth", "refusals"),
    ("password_not_configured", "refusals"),
    ("control_ui_origins_required", "refusals"),
    ("tailscale_requires_loopback", "refusals"),
    ("trusted_proxy_auth_without_proxies", "refusals"),
    ("custom_bind_host_missing", "refusals"),
    ("custom_bind_host_invalid", "refusals"),
    ("port_in_use", "refusals"),
    ("config_invalid", "refusals"),
];

/// What the recordings hold beyond one primary line per event (transcripts, §3 of
/// docs/openclaw/log-templates.md): 2026.9.6 held back 3 `token_missing` lines
/// (`suppressed=3`); on each version one scope upgrade on loopback was auto-approved.
fn adjustment(version: &str, kind: &str) -> i64 {
    match (version, kind) {
        ("2026.9.6", "auth_refused") => 3,
        (_, "scope_upgrade") => -1,
        _ => 0,
    }
}

fn doctor(log: &Path) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run::isolated(dir.path())
        .args(["check", "--no-config", "--offline", "--format", "json"])
        .args(["--since", "100000h", "--log"])
        .arg(log)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    })
}

#[test]
fn the_recorded_lines_are_counted_once_per_event() {
    let causes = causes();
    for version in ["2026.9.6", "2026.2.26"] {
        let mut expected: BTreeMap<&str, i64> = BTreeMap::new();
        for (label, n) in causes["counts"][version].as_object().unwrap() {
            if let Some((_, ours)) = COUNTED.iter().find(|(l, _)| l == label) {
                *expected.entry(ours).or_default() += n.as_i64().unwrap();
            }
        }
        // One start: `gateway ready` on 2026.9.6 (after `http server listening`),
        // `listening on ws://…` on 2026.2.26.
        let start = if version == "2026.9.6" {
            "gateway_ready"
        } else {
            "gateway_listening"
        };
        expected.insert("starts", causes["counts"][version][start].as_i64().unwrap());
        for (kind, n) in expected.iter_mut() {
            *n += adjustment(version, kind);
        }
        let report = doctor(&root().join(format!("fixtures/logs/openclaw-{version}-causes.log")));
        let mut got: BTreeMap<&str, i64> = BTreeMap::new();
        for e in report["log_evidence"].as_array().unwrap() {
            let kind = e["kind"].as_str().unwrap();
            let ours = COUNTED.iter().find(|(_, o)| *o == kind).map(|(_, o)| *o);
            got.insert(ours.unwrap_or("?"), e["count"].as_i64().unwrap());
        }
        got.insert(
            "refusals",
            report["log"]["refusals"]["count"].as_i64().unwrap_or(0),
        );
        got.insert("starts", report["log"]["starts"].as_i64().unwrap());
        assert_eq!(got, expected, "{version}");
    }
}

#[test]
fn the_client_behind_the_proxy_is_the_source_and_the_last_refusal_is_quoted() {
    let report = doctor(&root().join("fixtures/logs/openclaw-2026.9.6-causes.log"));
    let ev: BTreeMap<String, Value> = report["log_evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap().to_string(), e.clone()))
        .collect();
    // Three of the four wrong tokens came through nginx from 198.51.100.7 (`fwd=` of the
    // close line); the `unauthorized` line only names nginx (127.0.0.1).
    assert_eq!(ev["token_mismatch"]["sources"]["198.51.100.7"], 3);
    assert_eq!(ev["token_mismatch"]["sources"]["127.0.0.1"], 1);
    assert_eq!(ev["auth_refused"]["details"]["token_missing"], 5);
    assert_eq!(ev["auth_refused"]["details"]["password_mismatch"], 3);
    assert_eq!(
        ev["origin_not_allowed"]["details"]["https://evil.example"],
        2
    );
    let refusal = &report["log"]["refusals"];
    assert_eq!(refusal["last"], "2026-12-01T19:49:26.740+00:00");
    assert!(
        refusal["text"]
            .as_str()
            .unwrap()
            .starts_with("Gateway failed to start: another gateway instance is already listening"),
        "{refusal:#}"
    );
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "log.startup_refused")
        .expect("log.startup_refused");
    assert_eq!(f["severity"], "error", "no start after the last refusal");
    // 2026.2.26's `Config invalid` heading takes the issue records that follow it.
    let old = doctor(&root().join("fixtures/logs/openclaw-2026.2.26-causes.log"));
    assert_eq!(old["log"]["refusals"]["count"], 14);
    let text =
        fs::read_to_string(root().join("fixtures/logs/openclaw-2026.2.26-causes.log")).unwrap();
    assert!(text.contains("\"  - gateway.bind: Invalid input\""));
}

/// README's list of log kinds left out: "- `kind`, `kind` — reason" lines under its heading.
fn left_out() -> BTreeSet<String> {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("### Log lines left out")
        .expect("README: ### Log lines left out");
    readme[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split_once(" — ").map(|(names, _)| names))
        .flat_map(|names| {
            names
                .split(", ")
                .map(|n| n.trim_matches('`').to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_recorded_kind_is_counted_or_listed_as_left_out() {
    let causes = causes();
    let mut kinds = BTreeSet::new();
    for line in causes["lines"].as_array().unwrap() {
        if let Some(k) = line["kind"].as_str() {
            kinds.insert(k.to_string());
        }
    }
    let counted: BTreeSet<String> = COUNTED.iter().map(|(l, _)| l.to_string()).collect();
    let listed = left_out();
    let neither: Vec<_> = kinds
        .iter()
        .filter(|k| !counted.contains(*k) && !listed.contains(*k))
        .collect();
    assert!(
        neither.is_empty(),
        "neither counted nor in README: {neither:?}"
    );
    let both: Vec<_> = listed.intersection(&counted).collect();
    assert!(both.is_empty(), "counted and listed as left out: {both:?}");
    let stale: Vec<_> = listed.difference(&kinds).collect();
    assert!(
        stale.is_empty(),
        "README lists kinds never recorded: {stale:?}"
    );
}
