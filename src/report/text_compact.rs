//! The default text report of `check`: only what needs attention (errors and warnings in full,
//! infos one line each), then one line for what passed and one per reason something was
//! skipped, so a healthy run fits on a small screen. `-v` is the full listing (`text.rs`).

use super::Report;
use super::style::Style;
use super::text::{TextOptions, finding_with, status_of};
use crate::checks::{CHECKS, CheckResult, Severity, Status};
use std::fmt::Write;

pub(super) fn render(report: &Report, opts: &TextOptions, out: &mut String) {
    let s = &opts.style;
    let mut serious: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity > Severity::Info)
        .collect();
    // Errors first, then warnings; report order within each.
    serious.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in &serious {
        finding_with(f, opts, false, out);
    }
    for f in report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Info)
    {
        let _ = writeln!(
            out,
            "  {} {}  {}",
            s.symbol(status_of(f.severity)),
            s.bold(f.id),
            f.message
        );
    }
    if !report.findings.is_empty() {
        out.push('\n');
    }
    passed_line(&report.checks, s, out);
    for (names, reason) in skipped(&report.checks) {
        let _ = writeln!(
            out,
            "{} {names}  {}",
            s.symbol(Status::Skipped),
            s.dim(&format!("skipped: {reason}"))
        );
    }
    out.push('\n');
}

/// `✔ 36 passed: config, schema, gateway (4 of 5), …`: every area in which a check ran.
fn passed_line(checks: &[CheckResult], s: &Style, out: &mut String) {
    let mut parts = Vec::new();
    let mut passed = 0;
    for area in crate::checks::explain::areas() {
        let ran: Vec<&CheckResult> = in_area(checks, area)
            .filter(|r| r.status != Status::Skipped)
            .collect();
        if ran.is_empty() {
            continue;
        }
        let ok = ran.iter().filter(|r| r.status == Status::Pass).count();
        passed += ok;
        parts.push(if ok == ran.len() {
            area.to_string()
        } else {
            format!("{area} ({ok} of {})", ran.len())
        });
    }
    if parts.is_empty() {
        return;
    }
    let symbol = if passed > 0 {
        Status::Pass
    } else {
        Status::Error
    };
    let _ = writeln!(
        out,
        "{} {} {}",
        s.symbol(symbol),
        s.bold(&format!("{passed} passed:")),
        parts.join(", ")
    );
}

fn in_area<'a>(checks: &'a [CheckResult], area: &'a str) -> impl Iterator<Item = &'a CheckResult> {
    checks
        .iter()
        .filter(move |r| CHECKS.iter().any(|d| d.id == r.id && d.area == area))
}

/// What was skipped, one line per reason: whole areas by name, else the check ids (at most
/// four, then a count). Reasons that differ only in their parenthesis (`--offline (name a log
/// with --log)`) share a line under their common part; `-v` shows each in full.
fn skipped(checks: &[CheckResult]) -> Vec<(String, String)> {
    // (reason, names) in report order of first appearance.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |reason: &str, name: String| {
        let head = reason.split(" (").next().unwrap_or(reason);
        match groups
            .iter_mut()
            .find(|(r, _)| r == reason || r.split(" (").next() == Some(head))
        {
            Some((r, names)) => {
                if r != reason {
                    *r = head.to_string();
                }
                names.push(name);
            }
            None => groups.push((reason.to_string(), vec![name])),
        }
    };
    for area in crate::checks::explain::areas() {
        let results: Vec<&CheckResult> = in_area(checks, area).collect();
        let reasons: Vec<Option<&str>> = results
            .iter()
            .map(|r| match r.status {
                Status::Skipped => Some(r.reason.as_deref().unwrap_or("not run")),
                _ => None,
            })
            .collect();
        match reasons.first() {
            Some(Some(first)) if reasons.iter().all(|r| r == &Some(*first)) => {
                add(first, area.to_string());
            }
            _ => {
                for (r, reason) in results.iter().zip(&reasons) {
                    if let Some(reason) = reason {
                        add(reason, r.id.to_string());
                    }
                }
            }
        }
    }
    groups
        .into_iter()
        .map(|(reason, names)| (shorten(&names), reason))
        .collect()
}

fn shorten(names: &[String]) -> String {
    const SHOWN: usize = 4;
    if names.len() <= SHOWN + 1 {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..SHOWN].join(", "),
        names.len() - SHOWN
    )
}
