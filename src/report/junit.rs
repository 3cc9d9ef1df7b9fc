//! `--format junit`: one `<testsuite>` per area, one `<testcase>` per check; `<failure>` for
//! findings at or above `--fail-on`, `<skipped>` for checks that could not run, the message,
//! hint and evidence in the body. Redacted like every other output.

use super::Report;
use crate::checks::{CHECKS, Status};
use std::fmt::Write;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    render_many(&[(None, report)])
}

/// Several reports (`check --all`): each gateway's suites are named `<gateway>: <area>` and
/// its classes `openclaw-doctor.<gateway>.<area>`.
pub fn render_many(reports: &[(Option<&str>, &Report)]) -> String {
    let mut suites = String::new();
    let mut totals = (0, 0, 0);
    for (gateway, report) in reports {
        suites_of(report, *gateway, &mut suites, &mut totals);
    }
    let (total, failed, skipped) = totals;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"openclaw-doctor\" tests=\"{total}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\">\n{suites}</testsuites>\n"
    )
}

fn suites_of(
    report: &Report,
    gateway: Option<&str>,
    suites: &mut String,
    totals: &mut (usize, usize, usize),
) {
    let mut areas: Vec<&str> = Vec::new();
    for def in CHECKS {
        if !areas.contains(&def.area) {
            areas.push(def.area);
        }
    }
    let (suite_prefix, class_prefix) = match gateway {
        Some(g) => (format!("{g}: "), format!("openclaw-doctor.{g}.")),
        None => (String::new(), "openclaw-doctor.".to_string()),
    };
    for area in areas {
        let mut cases = String::new();
        let (mut t, mut f, mut s) = (0, 0, 0);
        for result in report
            .checks
            .iter()
            .filter(|r| CHECKS.iter().any(|d| d.id == r.id && d.area == area))
        {
            t += 1;
            let findings: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.id == result.id)
                .collect();
            let _ = write!(
                cases,
                "    <testcase classname=\"{}{}\" name=\"{}\" time=\"0\"",
                escape(&class_prefix),
                escape(area),
                escape(result.id)
            );
            let body = body_of(&findings);
            let failing = findings.iter().any(|f| f.severity >= report.fail_on);
            if result.status == Status::Skipped {
                s += 1;
                let why = result.reason.as_deref().unwrap_or("not run");
                let _ = write!(
                    cases,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    escape(why)
                );
            } else if failing {
                f += 1;
                let first = findings
                    .iter()
                    .find(|f| f.severity >= report.fail_on)
                    .map(|f| f.message.as_str())
                    .unwrap_or("");
                let _ = write!(
                    cases,
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                    escape(first),
                    escape(result.status_name()),
                    escape(&body)
                );
            } else if !findings.is_empty() {
                let _ = write!(
                    cases,
                    ">\n      <system-out>{}</system-out>\n    </testcase>\n",
                    escape(&body)
                );
            } else {
                cases.push_str("/>\n");
            }
        }
        if t == 0 {
            continue;
        }
        totals.0 += t;
        totals.1 += f;
        totals.2 += s;
        let _ = write!(
            suites,
            "  <testsuite name=\"{}{}\" tests=\"{t}\" failures=\"{f}\" errors=\"0\" skipped=\"{s}\">\n{cases}  </testsuite>\n",
            escape(&suite_prefix),
            escape(area)
        );
    }
}

/// The failure or output text of a check's findings: message, place, hint, evidence.
fn body_of(findings: &[&crate::checks::Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let mut b = format!("{}: {}", f.severity.name(), f.message);
            if let Some(l) = &f.location {
                let _ = write!(b, "\nat {}:{}:{}", l.file.display(), l.line, l.column);
            }
            if let Some(h) = &f.hint {
                let _ = write!(b, "\nhint: {h}");
            }
            for e in &f.evidence {
                let _ = write!(b, "\nseen: {e}");
            }
            b
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}
