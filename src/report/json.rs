//! `--format json`: the schema documented in README (`schema_version` 1). Built field by
//! field so the contract is visible in one place.

use super::{Report, SCHEMA_VERSION};
use crate::checks::Finding;
use crate::fix::Patch;
use serde_json::{Value, json};

pub fn render(report: &Report) -> String {
    let config = report.config.as_ref().map(|c| {
        json!({
            "path": c.path,
            "format": c.format,
            "source": c.source,
            "reason": c.reason,
            "legacy": c.legacy,
            "includes": c.includes,
        })
    });
    let mut root = json!({
        "schema_version": SCHEMA_VERSION,
        "tool": { "name": "openclaw-doctor", "version": env!("CARGO_PKG_VERSION") },
        "command": report.command,
        "ok": report.ok(),
        "exit_code": report.exit_code(),
        "fail_on": report.fail_on.name(),
        "config": config,
        "gateway": report.gateway,
        "checks": report.checks,
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
        "probes": report.probes,
        "log": report.logs.as_ref().map(|l| json!({
            "locations": l.locations, "files": l.files, "shared_with": l.shared_with, "port": l.port, "other_port_lines": l.other_port_lines, "lines": l.lines, "malformed": l.malformed, "bytes": l.bytes, "truncated": l.truncated,
            "starts": l.starts, "last_start": l.last_start, "refusals": l.refusals, "config_invalid": l.config_invalid,
        })),
        "log_evidence": report.logs.as_ref().map(|l| {
            l.events
                .iter()
                .filter(|(_, t)| t.count > 0)
                .map(|(kind, t)| {
                    let mut e = json!({ "kind": kind, "count": t.count, "last": t.last, "sources": t.sources });
                    if !t.details.is_empty() {
                        e["details"] = json!(t.details);
                    }
                    e
                })
                .collect::<Vec<_>>()
        }),
        "devices": report.devices.as_ref().map(|d| match d {
            Ok(state) => json!({ "pending": state.pending, "paired_count": state.paired_count, "source": state.source }),
            Err(message) => json!({ "error": message }),
        }),
        "summary": report.summary(),
        "notes": report.notes,
        "next_step": report.next_step,
    });
    if let Some(fix) = &report.fix {
        root["fix"] = json!({
            "applied": fix.applied,
            "patches": fix.patches.iter().map(patch).collect::<Vec<_>>(),
            "files": fix.diffs.iter().map(|d| {
                let written = fix.written.iter().find(|w| w.path == d.path || same_file(&w.path, &d.path));
                json!({
                    "path": d.path,
                    "diff": super::diff::unified(&d.old, &d.new, &file_name(&d.path), &super::style::Style::plain()),
                    "backup": written.and_then(|w| w.backup.clone()),
                    "written": written.is_some(),
                })
            }).collect::<Vec<_>>(),
            "resolved": fix.resolved.iter().map(finding).collect::<Vec<_>>(),
            "written": fix.written.iter().map(|w| json!({ "path": w.path, "backup": w.backup })).collect::<Vec<_>>(),
            "pending": fix.pending,
        });
        // The config patches whose file was written (not those left pending).
        root["applied"] = json!(
            fix.patches
                .iter()
                .filter(|p| fix
                    .written
                    .iter()
                    .any(|w| w.path == p.file || same_file(&w.path, &p.file)))
                .map(patch)
                .collect::<Vec<_>>()
        );
        if let Some(repair) = &report.repair {
            root["fix"]["restart"] = json!(repair.restart);
            root["fix"]["approved"] = json!(repair.approved);
            root["fix"]["left_alone"] = json!(repair.left_alone);
            root["fix"]["verification"] = json!({
                "verdict": repair.verdict,
                "fixed": repair.fixed,
                "still_failing": repair.still_failing,
            });
        }
    }
    let mut text = serde_json::to_string_pretty(&root).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    // Two paths that cannot be resolved are not the same file.
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn finding(f: &Finding) -> Value {
    json!({
        "id": f.id,
        "severity": f.severity,
        "message": f.message,
        "path": f.path,
        "file": f.location.as_ref().map(|l| &l.file),
        "line": f.location.as_ref().map(|l| l.line),
        "column": f.location.as_ref().map(|l| l.column),
        "hint": f.hint,
        "evidence": f.evidence,
        "fix": f.fix.as_ref().map(|p| json!({
            "file": p.file,
            "path": p.path,
            "from": p.from_value,
            "to": p.to,
        })),
    })
}

fn patch(p: &Patch) -> Value {
    json!({
        "file": p.file,
        "path": p.path,
        "from": p.from_value,
        "to": p.to,
        "ids": p.ids,
        "decided_by": p.decided_by,
    })
}
