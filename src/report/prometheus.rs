//! `--format prometheus`: the text exposition format for node_exporter's textfile collector.
//! Check results are gauges (1 = the check found a problem, 0 = it passed; skipped checks are
//! left out so they cannot alert), probes report up/down, outcome and duration. With
//! `check --all` every sample carries a `gateway` label and each metric family is written once.

use super::Report;
use crate::checks::{CHECKS, Status};
use std::fmt::Write;

fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A metric family: its name, help, and the samples of every report (`labels} value`).
struct Family {
    name: &'static str,
    help: &'static str,
    samples: Vec<String>,
}

const FAMILIES: &[(&str, &str)] = &[
    (
        "openclaw_doctor_check",
        "1 when the check found a problem at or above its severity, 0 when it passed; skipped checks are absent.",
    ),
    (
        "openclaw_doctor_findings",
        "Findings of this run by severity.",
    ),
    (
        "openclaw_doctor_probe_up",
        "1 when the probe got hello-ok from the gateway.",
    ),
    (
        "openclaw_doctor_probe_outcome",
        "The outcome of each probe (always 1; the outcome is the label).",
    ),
    (
        "openclaw_doctor_probe_duration_seconds",
        "How long each probe took.",
    ),
];

/// One report (a single gateway, no `gateway` label).
pub fn render(report: &Report, now_secs: f64) -> String {
    render_many(&[(None, report)], now_secs)
}

/// Several reports, each labelled with its gateway (`check --all`).
pub fn render_many(reports: &[(Option<&str>, &Report)], now_secs: f64) -> String {
    let mut families: Vec<Family> = FAMILIES
        .iter()
        .map(|(name, help)| Family {
            name,
            help,
            samples: Vec::new(),
        })
        .collect();
    let mut probes_ran = false;
    for (gateway, report) in reports {
        let extra = gateway
            .map(|g| format!(",gateway=\"{}\"", label(g)))
            .unwrap_or_default();
        samples(report, &extra, &mut families);
        probes_ran |= report.probes.is_some();
    }
    let mut out = String::new();
    for f in &families {
        // A run without probes has no probe families at all, as before.
        if f.name.starts_with("openclaw_doctor_probe") && !probes_ran {
            continue;
        }
        let _ = writeln!(out, "# HELP {} {}\n# TYPE {} gauge", f.name, f.help, f.name);
        for s in &f.samples {
            let _ = writeln!(out, "{}{s}", f.name);
        }
    }
    out.push_str("# HELP openclaw_doctor_last_run_timestamp_seconds When the doctor last ran.\n# TYPE openclaw_doctor_last_run_timestamp_seconds gauge\n");
    let _ = writeln!(
        out,
        "openclaw_doctor_last_run_timestamp_seconds {now_secs:.3}"
    );
    out
}

fn samples(report: &Report, extra: &str, families: &mut [Family]) {
    let mut push = |i: usize, line: String| families[i].samples.push(line);
    for r in &report.checks {
        if r.status == Status::Skipped {
            continue;
        }
        let severity = CHECKS
            .iter()
            .find(|d| d.id == r.id)
            .map(|d| d.severity.name())
            .unwrap_or("error");
        let failing = report.findings.iter().any(|f| f.id == r.id);
        push(
            0,
            format!(
                "{{id=\"{}\",severity=\"{severity}\"{extra}}} {}",
                label(r.id),
                u8::from(failing)
            ),
        );
    }
    let summary = report.summary();
    for (sev, n) in [
        ("error", summary.errors),
        ("warning", summary.warnings),
        ("info", summary.infos),
    ] {
        push(1, format!("{{severity=\"{sev}\"{extra}}} {n}"));
    }
    let Some(probes) = &report.probes else {
        return;
    };
    for p in probes.iter().filter(|p| !p.deep) {
        let url = label(&crate::net::display_url(&p.url));
        let target = p.target.name();
        push(
            2,
            format!(
                "{{target=\"{target}\",url=\"{url}\"{extra}}} {}",
                u8::from(p.outcome == crate::probe::Outcome::HelloOk)
            ),
        );
        push(
            3,
            format!(
                "{{target=\"{target}\",url=\"{url}\",outcome=\"{}\"{extra}}} 1",
                p.outcome.name()
            ),
        );
        push(
            4,
            format!(
                "{{target=\"{target}\",url=\"{url}\"{extra}}} {:.3}",
                p.elapsed_ms as f64 / 1000.0
            ),
        );
    }
}
