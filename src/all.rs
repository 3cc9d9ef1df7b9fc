//! `check --all`: every gateway found on this host (running processes, service units, this
//! user's profiles), each through the whole pipeline, in one run; rendered as one section
//! each in text, `gateways[]` in JSON, a `gateway` label in Prometheus and JUnit.

use crate::checks::Severity;
use crate::checks::select::Selector;
use crate::cli::{Cli, GlobalArgs, OutputFormat};
use crate::config::Env;
use crate::error::{EXIT_FINDINGS, EXIT_OK, Result};
use crate::host::gateways::HostScan;
use crate::redact::Redactor;
use crate::report::{Report, SCHEMA_VERSION, Summary};
use std::fmt::Write;

/// One report per gateway found, in the order found (running first).
pub fn check_all(
    cli: &Cli,
    env: &Env,
    selector: &Selector,
    scan: &HostScan,
    redactor: &mut Redactor,
    fail_on: Severity,
) -> Result<Vec<Report>> {
    let mut reports = Vec::new();
    for i in 0..scan.gateways.len() {
        let report = crate::run_one(
            cli,
            env,
            selector.clone(),
            redactor,
            crate::host::gateways::ScanJob::Done(scan.clone()),
            Some(i),
            fail_on,
        )?;
        reports.push(report);
    }
    Ok(reports)
}

/// 0 when every gateway's report is; else the worst.
pub fn exit_code(reports: &[Report]) -> u8 {
    if reports.iter().all(|r| r.exit_code() == EXIT_OK) {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

fn name(r: &Report) -> String {
    r.gateway
        .as_ref()
        .map(|g| g.name.clone())
        .unwrap_or_else(|| "gateway".into())
}

pub fn render(reports: &[Report], g: &GlobalArgs) -> String {
    let names: Vec<String> = reports.iter().map(name).collect();
    let labelled: Vec<(Option<&str>, &Report)> = names
        .iter()
        .map(String::as_str)
        .map(Some)
        .zip(reports)
        .collect();
    match g.format {
        OutputFormat::Json => json(reports),
        OutputFormat::Junit => crate::report::junit::render_many(&labelled),
        OutputFormat::Prometheus => crate::report::prometheus::render_many(
            &labelled,
            crate::gather::now_ms() as f64 / 1000.0,
        ),
        OutputFormat::Text => text(reports, g),
    }
}

fn total(reports: &[Report]) -> Summary {
    let mut sum = Summary::default();
    for r in reports {
        let s = r.summary();
        sum.errors += s.errors;
        sum.warnings += s.warnings;
        sum.infos += s.infos;
    }
    sum
}

fn json(reports: &[Report]) -> String {
    let gateways: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            serde_json::from_str(&crate::report::json::render(r)).unwrap_or(serde_json::Value::Null)
        })
        .collect();
    let doc = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "tool": { "name": "openclaw-doctor", "version": env!("CARGO_PKG_VERSION") },
        "command": "check",
        "all": true,
        "ok": exit_code(reports) == EXIT_OK,
        "exit_code": exit_code(reports),
        "gateways": gateways,
        "summary": total(reports),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn text(reports: &[Report], g: &GlobalArgs) -> String {
    let opts = crate::text_options(g);
    let mut out = String::new();
    for (i, r) in reports.iter().enumerate() {
        let label = r
            .gateway
            .as_ref()
            .map(|g| g.label.clone())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}",
            opts.style.bold(&format!(
                "── gateway {} of {}: {label}",
                i + 1,
                reports.len()
            ))
        );
        out.push_str(&crate::report::text::render(r, &opts));
        out.push('\n');
    }
    let sum = total(reports);
    let _ = writeln!(
        out,
        "{} gateways: {} errors, {} warnings, {} infos",
        reports.len(),
        sum.errors,
        sum.warnings,
        sum.infos
    );
    crate::report::style::terminal_safe(&out, opts.style.color)
}
