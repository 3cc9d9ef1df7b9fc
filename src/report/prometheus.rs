//! `--format prometheus`: the text exposition format for node_exporter's textfile collector.
//! Check results are gauges (1 = the check found a problem, 0 = it passed; skipped checks are
//! left out so they cannot alert), probes report up/down, outcome and duration.

use super::Report;
use crate::checks::{CHECKS, Status};
use std::fmt::Write;

fn label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub fn render(report: &Report, now_secs: f64) -> String {
    let mut out = String::new();
    out.push_str("# HELP openclaw_doctor_check 1 when the check found a problem at or above its severity, 0 when it passed; skipped checks are absent.\n# TYPE openclaw_doctor_check gauge\n");
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
        let _ = writeln!(
            out,
            "openclaw_doctor_check{{id=\"{}\",severity=\"{severity}\"}} {}",
            label(r.id),
            u8::from(failing)
        );
    }
    out.push_str("# HELP openclaw_doctor_findings Findings of this run by severity.\n# TYPE openclaw_doctor_findings gauge\n");
    let summary = report.summary();
    for (sev, n) in [
        ("error", summary.errors),
        ("warning", summary.warnings),
        ("info", summary.infos),
    ] {
        let _ = writeln!(out, "openclaw_doctor_findings{{severity=\"{sev}\"}} {n}");
    }
    if let Some(probes) = &report.probes {
        out.push_str("# HELP openclaw_doctor_probe_up 1 when the probe got hello-ok from the gateway.\n# TYPE openclaw_doctor_probe_up gauge\n");
        for p in probes.iter().filter(|p| !p.deep) {
            let url = crate::net::display_url(&p.url);
            let _ = writeln!(
                out,
                "openclaw_doctor_probe_up{{target=\"{}\",url=\"{}\"}} {}",
                p.target.name(),
                label(&url),
                u8::from(p.outcome == crate::probe::Outcome::HelloOk)
            );
        }
        out.push_str("# HELP openclaw_doctor_probe_outcome The outcome of each probe (always 1; the outcome is the label).\n# TYPE openclaw_doctor_probe_outcome gauge\n");
        for p in probes.iter().filter(|p| !p.deep) {
            let url = crate::net::display_url(&p.url);
            let _ = writeln!(
                out,
                "openclaw_doctor_probe_outcome{{target=\"{}\",url=\"{}\",outcome=\"{}\"}} 1",
                p.target.name(),
                label(&url),
                p.outcome.name()
            );
        }
        out.push_str("# HELP openclaw_doctor_probe_duration_seconds How long each probe took.\n# TYPE openclaw_doctor_probe_duration_seconds gauge\n");
        for p in probes.iter().filter(|p| !p.deep) {
            let url = crate::net::display_url(&p.url);
            let _ = writeln!(
                out,
                "openclaw_doctor_probe_duration_seconds{{target=\"{}\",url=\"{}\"}} {:.3}",
                p.target.name(),
                label(&url),
                p.elapsed_ms as f64 / 1000.0
            );
        }
    }
    out.push_str("# HELP openclaw_doctor_last_run_timestamp_seconds When the doctor last ran.\n# TYPE openclaw_doctor_last_run_timestamp_seconds gauge\n");
    let _ = writeln!(
        out,
        "openclaw_doctor_last_run_timestamp_seconds {now_secs:.3}"
    );
    out
}
