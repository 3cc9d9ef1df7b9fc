//! The text report's `fix` part: patches, diffs, what was written, and the repair loop.

use super::Report;
use super::json::file_name;
use super::text::{TextOptions, finding, status_of};
use crate::checks::{Finding, Severity, Status};
use std::fmt::Write;

/// One patch: key, old → new, the deciding rule (and why, with -v).
fn render_patch(
    p: &crate::fix::Patch,
    fix: &super::FixOutcome,
    opts: &TextOptions,
    out: &mut String,
) {
    let s = &opts.style;
    let from = p.from.as_deref().unwrap_or("(unset)");
    let _ = writeln!(
        out,
        "{} {}  {from} {} {}",
        s.bold("patch"),
        s.bold(&p.path),
        s.arrow(),
        s.green(&p.to.to_string())
    );
    let mut why = format!("decided by {}", p.decided_by);
    let others: Vec<&str> = p
        .ids
        .iter()
        .copied()
        .filter(|id| *id != p.decided_by)
        .collect();
    if !others.is_empty() {
        let _ = write!(why, "; also resolves {}", others.join(", "));
    }
    let _ = writeln!(out, "      {} · {}", p.file.display(), s.dim(&why));
    if let Some(reason) = fix
        .before
        .iter()
        .find(|f| f.id == p.decided_by)
        .and_then(|f| f.hint.as_deref())
        && opts.verbose
    {
        let _ = writeln!(out, "      why: {reason}");
    }
}

pub(super) fn render_fix(
    report: &Report,
    fix: &super::FixOutcome,
    opts: &TextOptions,
    out: &mut String,
) {
    let s = &opts.style;
    if fix.patches.is_empty() && fix.diffs.is_empty() {
        let _ = writeln!(out, "Nothing to fix: no check proposes a change.\n");
    }
    for p in &fix.patches {
        render_patch(p, fix, opts, out);
    }
    if !fix.patches.is_empty() {
        out.push('\n');
    }
    if !opts.quiet {
        for d in &fix.diffs {
            out.push_str(&super::diff::unified(
                &d.old,
                &d.new,
                &file_name(&d.path),
                s,
            ));
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push('\n');
        }
    }
    if !fix.applied {
        let unfixable: Vec<&Finding> = fix
            .before
            .iter()
            .filter(|f| f.fix.is_none() && f.severity >= Severity::Warning)
            .collect();
        for f in &unfixable {
            let _ = writeln!(
                out,
                "{} {} needs a manual change: {}",
                s.symbol(status_of(f.severity)),
                f.id,
                f.hint.as_deref().unwrap_or(&f.message)
            );
        }
        if !unfixable.is_empty() {
            out.push('\n');
        }
        if !fix.diffs.is_empty() {
            let _ = writeln!(
                out,
                "Nothing written. Apply with: openclaw-doctor fix --apply (OpenClaw config) or --apply-proxy (nginx)\n"
            );
        }
        return;
    }
    for p in &fix.pending {
        let _ = writeln!(
            out,
            "{} not written: {} (its patch needs --apply for the OpenClaw config, --apply-proxy for nginx)",
            s.symbol(Status::Warning),
            p.display()
        );
    }
    for w in &fix.written {
        match &w.backup {
            Some(b) => {
                let _ = writeln!(out, "wrote {} (backup {})", w.path.display(), b.display());
            }
            None => {
                let _ = writeln!(out, "wrote {} (no backup)", w.path.display());
            }
        }
    }
    if !fix.resolved.is_empty() {
        let ids: Vec<&str> = fix.resolved.iter().map(|f| f.id).collect();
        let _ = writeln!(
            out,
            "{} re-checked: fixed {}",
            s.symbol(Status::Pass),
            ids.join(", ")
        );
    }
    if report.findings.is_empty() {
        let _ = writeln!(
            out,
            "{} re-checked: no findings remain",
            s.symbol(Status::Pass)
        );
    } else {
        let _ = writeln!(out, "re-checked: still reported");
        for f in &report.findings {
            finding(f, opts, out);
        }
    }
    out.push('\n');
}

pub(super) fn render_repair(r: &super::RepairOutcome, opts: &TextOptions, out: &mut String) {
    let s = &opts.style;
    if let Some(restart) = &r.restart {
        let status = if restart.ok && restart.came_back {
            Status::Pass
        } else {
            Status::Error
        };
        let _ = writeln!(
            out,
            "{} restart ({}): {} ({} ms): {}",
            s.symbol(status),
            restart.manager,
            restart.command,
            restart.elapsed_ms,
            if restart.came_back {
                format!("back, {}", restart.detail)
            } else {
                restart.detail.clone()
            }
        );
    }
    for a in &r.approved {
        let status = if a.ok { Status::Pass } else { Status::Error };
        let _ = writeln!(
            out,
            "{} approve repair {} (device {}…, [{}], from {}): {}",
            s.symbol(status),
            a.request_id,
            a.device_id.chars().take(12).collect::<String>(),
            a.scopes.join(", "),
            a.remote_ip.as_deref().unwrap_or("?"),
            a.detail
        );
    }
    for n in &r.left_alone {
        let _ = writeln!(
            out,
            "{} left alone: new device {}… ({}) from {}, request {} (approve it yourself if you know it)",
            s.symbol(Status::Info),
            n.short_device(),
            n.client_id.as_deref().unwrap_or("?"),
            n.remote_ip.as_deref().unwrap_or("?"),
            n.request_id
        );
    }
    if let Some(verdict) = &r.verdict {
        let status = if verdict == "fixed" {
            Status::Pass
        } else {
            Status::Error
        };
        let _ = writeln!(
            out,
            "{} verification: {}\n",
            s.symbol(status),
            s.bold(verdict)
        );
    }
}
