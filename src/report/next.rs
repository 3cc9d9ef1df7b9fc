//! The one command to run next, for the compact report: the patches when there are any, the
//! repairs waiting for approval, the explanation of the first problem, or the probes an
//! `--offline` run left out. It names the config the way this run found it.

use super::Report;
use crate::checks::{Severity, Status};

/// `(command, why)`, or `None` when there is nothing left to do.
pub fn next_command(report: &Report) -> Option<(String, String)> {
    let target = target_args(report);
    let fixable = report.findings.iter().filter(|f| f.fix.is_some()).count();
    if fixable > 0 {
        let why = match fixable {
            1 => "shows the patch as a diff; --apply writes it".to_string(),
            n => format!("shows the {n} patches as a diff; --apply writes them"),
        };
        return Some((format!("openclaw-doctor fix{target}"), why));
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
    if let Some(first) = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .max_by_key(|f| f.severity)
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
