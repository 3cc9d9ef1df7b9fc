//! The one command to run next, for the compact report: the patches when there are any, the
//! repairs waiting for approval, the explanation of the first problem, or the probes an
//! `--offline` run left out. It names the config the way this run found it.

use super::Report;
use crate::checks::{Severity, Status};

/// Findings `fix --apply-proxy` patches in nginx (an insertion after `proxy_pass`).
const PROXY_PATCHES: [&str; 2] = ["proxy.http_version", "proxy.upgrade_headers"];

/// `(command, why)`, or `None` when there is nothing left to do.
pub fn next_command(report: &Report) -> Option<(String, String)> {
    let target = format!("{}{}", target_args(report), rerun_args(report));
    let config = report.findings.iter().filter(|f| f.fix.is_some()).count();
    let proxy = report
        .findings
        .iter()
        .filter(|f| PROXY_PATCHES.contains(&f.id))
        .count();
    if config + proxy > 0 {
        // One nginx insertion can fix both proxy findings: counted as patches only for config.
        let (what, it) = match (config, proxy) {
            (1, 0) | (0, 1) => ("the patch".to_string(), "it"),
            (n, 0) => (format!("the {n} patches"), "them"),
            _ => ("the patches".to_string(), "them"),
        };
        let apply = match (config, proxy) {
            (_, 0) => format!("--apply writes {it}"),
            (0, _) => format!("--apply-proxy writes {it} (nginx)"),
            _ => "--apply writes the config's, --apply-proxy nginx's".to_string(),
        };
        return Some((
            format!("openclaw-doctor fix{target}"),
            format!("shows {what} as a diff; {apply}"),
        ));
    }
    if report
        .findings
        .iter()
        .any(|f| f.id == "devices.pending_repair")
    {
        return Some((
            format!("openclaw-doctor fix{target} --approve-repairs"),
            "approves the waiting repair requests before they expire".into(),
        ));
    }
    // The first of the most severe: report order puts causes before their consequences.
    let worst = report.findings.iter().map(|f| f.severity).max();
    if let Some(first) = report
        .findings
        .iter()
        .find(|f| Some(f.severity) == worst && f.severity >= Severity::Warning)
    {
        return Some((
            format!("openclaw-doctor explain {}", first.id),
            "why it matters and how to fix it".into(),
        ));
    }
    let offline = report.checks.iter().any(|r| {
        r.status == Status::Skipped
            && r.reason
                .as_deref()
                .is_some_and(|w| w.starts_with("--offline"))
    });
    if offline && report.config.is_some() {
        return Some((
            format!("openclaw-doctor check{target}"),
            "without --offline: probes the gateway and reads its log".into(),
        ));
    }
    None
}

/// ` --only ID --proxy-config PATH …`: what this run was told to judge.
fn rerun_args(report: &Report) -> String {
    report
        .rerun
        .iter()
        .map(|a| format!(" {}", shell_words::quote(a)))
        .collect()
}

/// The flags that find this run's config again (` --config PATH`); a variable set in the
/// environment stays set.
fn target_args(report: &Report) -> String {
    let d = &report.discovered;
    let quote = |p: &std::path::Path| shell_words::quote(&p.to_string_lossy()).into_owned();
    match (d.source, &d.path, &d.profile) {
        // A gateway found on the host: `--all` has several, so name the one of this section.
        ("--config" | "process" | "unit", Some(path), _) => format!(" --config {}", quote(path)),
        ("--state-dir", _, _) => format!(" --state-dir {}", quote(&d.state_dir)),
        ("profile", _, Some(p)) => format!(" --profile {}", shell_words::quote(p)),
        _ => String::new(),
    }
}
