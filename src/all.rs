//! `check --all`: every gateway found on this host (running processes, service units, this
//! user's profiles), each through the whole pipeline, in one run; rendered as one section
//! each in text, `gateways[]` in JSON, a `gateway` label in Prometheus and JUnit.

use crate::checks::Severity;
use crate::checks::select::Selector;
use crate::cli::{Cli, GlobalArgs, OutputFormat};
use crate::config::Env;
use crate::error::{EXIT_OK, Result};
use crate::host::gateways::HostScan;
use crate::redact::Redactor;
use crate::report::{Report, SCHEMA_VERSION, Summary};
use std::fmt::Write;

/// One gateway's section: its report, or why it could not be checked (an unreadable config:
/// the others are reported all the same).
pub enum Section {
    Report(Box<Report>),
    Failed {
        name: String,
        label: String,
        /// The one error line, redacted.
        message: String,
        exit_code: u8,
    },
}

/// One section per gateway found, in the order found (running first).
pub fn check_all(
    cli: &Cli,
    env: &Env,
    selector: &Selector,
    scan: &HostScan,
    redactor: &mut Redactor,
    fail_on: Severity,
) -> Result<Vec<Section>> {
    let mut sections = Vec::new();
    for (i, g) in scan.gateways.iter().enumerate() {
        let run = crate::run_one(
            cli,
            env,
            selector.clone(),
            redactor,
            crate::host::gateways::ScanJob::Done(scan.clone()),
            Some(i),
            fail_on,
        );
        sections.push(match run {
            Ok(report) => Section::Report(Box::new(report)),
            Err(e) => Section::Failed {
                name: g.name(),
                label: g.label(),
                message: redactor.redact(&e.to_string()),
                exit_code: e.exit_code(),
            },
        });
    }
    Ok(sections)
}

/// 0 when every gateway's is; else the worst.
pub fn exit_code(sections: &[Section]) -> u8 {
    sections
        .iter()
        .map(|s| match s {
            Section::Report(r) => r.exit_code(),
            Section::Failed { exit_code, .. } => *exit_code,
        })
        .max()
        .unwrap_or(EXIT_OK)
}

fn name(r: &Report) -> String {
    r.gateway
        .as_ref()
        .map(|g| g.name.clone())
        .unwrap_or_else(|| "gateway".into())
}

fn reports(sections: &[Section]) -> Vec<&Report> {
    sections
        .iter()
        .filter_map(|s| match s {
            Section::Report(r) => Some(r.as_ref()),
            Section::Failed { .. } => None,
        })
        .collect()
}

fn failures(sections: &[Section]) -> impl Iterator<Item = (&str, &str, &str)> {
    sections.iter().filter_map(|s| match s {
        Section::Failed {
            name,
            label,
            message,
            ..
        } => Some((name.as_str(), label.as_str(), message.as_str())),
        Section::Report(_) => None,
    })
}

pub fn render(sections: &[Section], g: &GlobalArgs) -> String {
    let done = reports(sections);
    let names: Vec<String> = done.iter().map(|r| name(r)).collect();
    let labelled: Vec<(Option<&str>, &Report)> = names
        .iter()
        .map(String::as_str)
        .map(Some)
        .zip(done.iter().copied())
        .collect();
    let failed: Vec<(&str, &str, &str)> = failures(sections).collect();
    match g.format {
        OutputFormat::Json => json(sections),
        OutputFormat::Junit => {
            let mut xml = crate::report::junit::render_many(&labelled);
            failed_suites(&failed, &mut xml);
            xml
        }
        OutputFormat::Prometheus => {
            let mut out = crate::report::prometheus::render_many(
                &labelled,
                crate::gather::now_ms() as f64 / 1000.0,
            );
            if !failed.is_empty() {
                out.push_str("# HELP openclaw_doctor_gateway_failed 1 when the gateway could not be checked at all (its config unreadable).\n# TYPE openclaw_doctor_gateway_failed gauge\n");
                for (n, _, _) in &failed {
                    let n = n.replace('\\', "\\\\").replace('"', "\\\"");
                    let _ = writeln!(out, "openclaw_doctor_gateway_failed{{gateway=\"{n}\"}} 1");
                }
            }
            out
        }
        OutputFormat::Text => text(sections, g),
    }
}

/// A suite per gateway that could not be checked, with one errored case.
fn failed_suites(failed: &[(&str, &str, &str)], xml: &mut String) {
    use crate::report::junit::escape;
    let Some(end) = xml.rfind("</testsuites>") else {
        return;
    };
    let mut add = String::new();
    for (n, _, message) in failed {
        let _ = write!(
            add,
            "  <testsuite name=\"{0}: run\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase classname=\"openclaw-doctor.{0}\" name=\"run\" time=\"0\">\n      <error message=\"{1}\"/>\n    </testcase>\n  </testsuite>\n",
            escape(n),
            escape(message)
        );
    }
    xml.insert_str(end, &add);
}

fn total(reports: &[&Report]) -> Summary {
    let mut sum = Summary::default();
    for r in reports {
        let s = r.summary();
        sum.errors += s.errors;
        sum.warnings += s.warnings;
        sum.infos += s.infos;
    }
    sum
}

fn json(sections: &[Section]) -> String {
    let gateways: Vec<serde_json::Value> = sections
        .iter()
        .map(|s| match s {
            Section::Report(r) => serde_json::from_str(&crate::report::json::render(r))
                .unwrap_or(serde_json::Value::Null),
            Section::Failed {
                name,
                label,
                message,
                exit_code,
            } => serde_json::json!({
                "gateway": { "name": name, "label": label },
                "ok": false,
                "exit_code": exit_code,
                "error": message,
            }),
        })
        .collect();
    let doc = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "tool": { "name": "openclaw-doctor", "version": env!("CARGO_PKG_VERSION") },
        "command": "check",
        "all": true,
        "ok": exit_code(sections) == EXIT_OK,
        "exit_code": exit_code(sections),
        "gateways": gateways,
        "summary": total(&reports(sections)),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn text(sections: &[Section], g: &GlobalArgs) -> String {
    let opts = crate::text_options(g);
    let mut out = String::new();
    for (i, s) in sections.iter().enumerate() {
        let label = match s {
            Section::Report(r) => r
                .gateway
                .as_ref()
                .map(|g| g.label.clone())
                .unwrap_or_default(),
            Section::Failed { label, .. } => label.clone(),
        };
        let _ = writeln!(
            out,
            "{}",
            opts.style.bold(&format!(
                "── gateway {} of {}: {label}",
                i + 1,
                sections.len()
            ))
        );
        match s {
            Section::Report(r) => out.push_str(&crate::report::text::render(r, &opts)),
            Section::Failed { message, .. } => {
                let _ = writeln!(
                    out,
                    "{} could not be checked: {message}",
                    opts.style.symbol(crate::checks::Status::Error)
                );
            }
        }
        out.push('\n');
    }
    let sum = total(&reports(sections));
    let _ = writeln!(
        out,
        "{} gateways: {} errors, {} warnings, {} infos",
        sections.len(),
        sum.errors,
        sum.warnings,
        sum.infos
    );
    crate::report::style::terminal_safe(&out, opts.style.color)
}
