//! The human report: one line per check with a symbol, findings with their position, hint
//! and proposed change, then a summary line; for `fix`, the patches and coloured diffs.

use super::Report;
use super::style::Style;
use super::text_fix::{render_fix, render_repair};
use crate::checks::{CHECKS, Finding, Severity, Status};
use std::fmt::Write;

#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub style: Style,
    pub quiet: bool,
    pub verbose: bool,
}

pub fn render(report: &Report, opts: &TextOptions) -> String {
    let s = &opts.style;
    let mut out = String::new();
    if !opts.quiet {
        header(report, opts, &mut out);
    }
    if let Some(probes) = &report.probes
        && !opts.quiet
    {
        render_probes(probes, opts, &mut out);
    }
    if let Some(Ok(devices)) = &report.devices
        && !opts.quiet
    {
        render_devices(devices, opts, &mut out);
    }
    let compact = !opts.verbose && !opts.quiet;
    match &report.fix {
        Some(fix) => render_fix(report, fix, opts, &mut out),
        None if compact => super::text_compact::render(report, opts, &mut out),
        None => render_checks(report, opts, &mut out),
    }
    if let Some(repair) = &report.repair {
        render_repair(repair, opts, &mut out);
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let summary = report.summary();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let counts = format!(
        "{}, {}, {}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info")
    );
    let symbol = if summary.errors > 0 {
        s.symbol(Status::Error)
    } else if summary.warnings > 0 {
        s.symbol(Status::Warning)
    } else {
        s.symbol(Status::Pass)
    };
    let _ = write!(out, "{symbol} {}", s.bold(&counts));
    let pending_fixes = report.findings.iter().filter(|f| f.fix.is_some()).count();
    if report.fix.is_none() && pending_fixes > 0 {
        let _ = match compact {
            true => write!(out, " · {pending_fixes} fixable"),
            false => write!(
                out,
                " · {pending_fixes} fixable: run `openclaw-doctor fix` to see the patches"
            ),
        };
    }
    out.push('\n');
    if opts.quiet {
        return out;
    }
    if let Some(next) = &report.next_step {
        let _ = writeln!(out, "next: {next}");
    } else if report.fix.is_none()
        && let Some((cmd, why)) = super::next::next_command(report)
    {
        let _ = writeln!(
            out,
            "next: {}  {}",
            s.bold(&cmd),
            s.dim(&format!("({why})"))
        );
    }
    out
}

fn header(report: &Report, opts: &TextOptions, out: &mut String) {
    let s = &opts.style;
    let version = env!("CARGO_PKG_VERSION");
    match &report.config {
        Some(c) => {
            let _ = writeln!(
                out,
                "{} · config {} ({}, {})",
                s.bold(&format!("openclaw-doctor {version}")),
                c.path.display(),
                c.format.name(),
                c.reason
            );
            for include in &c.includes {
                let _ = writeln!(out, "  includes {}", include.display());
            }
            gateway_line(report, out);
            log_lines(report, out);
        }
        None => {
            let _ = writeln!(
                out,
                "{} · no config found",
                s.bold(&format!("openclaw-doctor {version}"))
            );
        }
    }
    if opts.verbose {
        let d = &report.discovered;
        let _ = writeln!(out, "  state dir {}", d.state_dir.display());
        if let Some(p) = &d.profile {
            let _ = writeln!(out, "  profile {p}");
        }
        for p in &d.searched {
            let _ = writeln!(out, "  looked at {}", p.display());
        }
    }
    out.push('\n');
}

/// The gateway of this host that reads the config: where it listens.
fn gateway_line(report: &Report, out: &mut String) {
    let Some(g) = &report.gateway else {
        return;
    };
    let listening = if g.listening.is_empty() {
        String::new()
    } else {
        format!(", listening on {}", g.listening.join(", "))
    };
    let _ = writeln!(out, "  gateway {}{listening}", g.label);
}

/// The log read, and why that one ("the default for user openclaw (uid 999)").
fn log_lines(report: &Report, out: &mut String) {
    let Some(logs) = &report.logs else {
        return;
    };
    for at in &logs.locations {
        let files: Vec<_> = logs
            .files
            .iter()
            .filter(|f| *f == &at.path || f.parent() == Some(at.path.as_path()))
            .collect();
        let shown = match (files.as_slice(), &at.family) {
            ([], Some(family)) => format!(
                "{}/{family}-YYYY-MM-DD.log (none in the window)",
                at.path.display()
            ),
            ([], None) => format!("{} (not found)", at.path.display()),
            (some, _) => some
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        };
        let _ = writeln!(out, "  log {shown} ({})", at.why);
    }
    if logs.shared_with.is_empty() && logs.other_port_lines > 0 {
        let _ = writeln!(
            out,
            "  {} lines of other gateways (another port) skipped",
            logs.other_port_lines
        );
    }
    if !logs.shared_with.is_empty() {
        let port = logs
            .port
            .map(|p| format!("only lines of port {p} counted, {} of other ports skipped; lines naming no port cannot be told apart", logs.other_port_lines))
            .unwrap_or_else(|| "its lines cannot be told apart".into());
        let _ = writeln!(
            out,
            "  the log is shared with {}: {port}",
            logs.shared_with.join("; ")
        );
    }
}

fn render_checks(report: &Report, opts: &TextOptions, out: &mut String) {
    let s = &opts.style;
    let mut area = "";
    // Whether the current area is skipped as a whole: worked out once per area.
    let mut area_skip = None;
    for result in &report.checks {
        let def = CHECKS.iter().find(|d| d.id == result.id);
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.id == result.id)
            .collect();
        if opts.quiet && findings.is_empty() {
            continue;
        }
        if let Some(def) = def
            && def.area != area
        {
            area = def.area;
            area_skip = area_skipped(report, area);
            // An area skipped as a whole for one reason is one line, not one per check.
            if let Some(reason) = area_skip
                && !opts.verbose
            {
                let _ = writeln!(
                    out,
                    "{}  {} {}",
                    s.bold(area),
                    s.symbol(Status::Skipped),
                    s.dim(&format!("skipped: {reason}"))
                );
                continue;
            }
            let _ = writeln!(out, "{}", s.bold(area));
        }
        if area_skip.is_some() && !opts.verbose {
            continue;
        }
        if findings.is_empty() {
            let explain = match (opts.verbose, def) {
                (true, Some(def)) => {
                    format!("  {}", s.dim(crate::checks::explain::summary(def.id)))
                }
                _ => String::new(),
            };
            let reason = match &result.reason {
                Some(r) => format!("  {}", s.dim(&format!("(skipped: {r})"))),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "  {} {}{reason}{explain}",
                s.symbol(result.status),
                s.dim(result.id)
            );
            continue;
        }
        for f in findings {
            finding(f, opts, out);
        }
    }
    out.push('\n');
}

/// The one reason every check of `area` was skipped for, if they all were for the same one.
fn area_skipped<'a>(report: &'a Report, area: &str) -> Option<&'a str> {
    let mut reasons = report
        .checks
        .iter()
        .filter(|r| CHECKS.iter().any(|d| d.id == r.id && d.area == area))
        .map(|r| match (r.status, &r.reason) {
            (Status::Skipped, Some(reason)) => Some(reason.as_str()),
            _ => None,
        });
    let first = reasons.next()??;
    reasons.all(|r| r == Some(first)).then_some(first)
}

/// One line per probe, in a stable order (local first, then each external URL).
fn render_probes(probes: &[crate::probe::ProbeResult], opts: &TextOptions, out: &mut String) {
    use crate::probe::Outcome;
    let s = &opts.style;
    if probes.is_empty() {
        let _ = writeln!(
            out,
            "{}\n  {} no gateway to probe (a mode \"remote\" config without an external URL; pass --url)\n",
            s.bold("probes"),
            s.symbol(Status::Skipped)
        );
        return;
    }
    let _ = writeln!(out, "{}", s.bold("probes"));
    for p in probes {
        let status = match p.outcome {
            Outcome::HelloOk => Status::Pass,
            Outcome::TokenWithheld | Outcome::GatewayStarting => Status::Warning,
            Outcome::PairingRequired if p.deep => Status::Warning,
            _ if p.optional => Status::Skipped,
            _ => Status::Error,
        };
        let who = if p.deep {
            format!("{} (sub-agent)", p.target.name())
        } else {
            p.target.name().to_string()
        };
        let health = p
            .health
            .as_ref()
            .map(|h| match h.status {
                Some(code) => format!(" · /healthz {code} {}", h.kind),
                None => " · /healthz no answer".to_string(),
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {who:<21} {}  {}{health} · {} ms",
            s.symbol(status),
            p.url,
            s.bold(p.outcome.name()),
            p.elapsed_ms
        );
        if opts.verbose || p.outcome != Outcome::HelloOk {
            let _ = writeln!(out, "      {}", p.detail);
        }
    }
    out.push('\n');
}

fn render_devices(d: &crate::openclaw::devices::DeviceState, opts: &TextOptions, out: &mut String) {
    let s = &opts.style;
    let now = crate::gather::now_ms();
    let _ = writeln!(
        out,
        "{} ({} paired, from {})",
        s.bold("devices"),
        d.paired_count,
        d.source
    );
    if d.pending.is_empty() {
        let _ = writeln!(
            out,
            "  {} no pending pairing requests",
            s.symbol(Status::Pass)
        );
    }
    for r in &d.pending {
        let kind = if r.is_repair { "repair" } else { "new device" };
        let left = r
            .expires_in_ms(now)
            .map(|ms| format!("{} s left", ms / 1000))
            .unwrap_or_else(|| "expiry unknown".into());
        let _ = writeln!(
            out,
            "  {} {kind:<10} {}  device {}… {}  [{}]  from {}  {left}",
            s.symbol(if r.is_repair {
                Status::Warning
            } else {
                Status::Info
            }),
            r.request_id,
            r.short_device(),
            r.client_id.as_deref().unwrap_or("?"),
            r.scopes.join(", "),
            r.remote_ip.as_deref().unwrap_or("?")
        );
    }
    out.push('\n');
}

pub fn status_of(severity: Severity) -> Status {
    match severity {
        Severity::Error => Status::Error,
        Severity::Warning => Status::Warning,
        Severity::Info => Status::Info,
    }
}

pub(super) fn finding(f: &Finding, opts: &TextOptions, out: &mut String) {
    finding_with(f, opts, true, out);
}

/// A finding in full: id and place, message, hint, (with `evidence`) what was seen, the fix.
pub(super) fn finding_with(f: &Finding, opts: &TextOptions, evidence: bool, out: &mut String) {
    let s = &opts.style;
    let place = f
        .location
        .as_ref()
        .map(|l| format!("  {}:{}:{}", l.file.display(), l.line, l.column))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {} {}{}",
        s.symbol(status_of(f.severity)),
        s.bold(f.id),
        s.dim(&place)
    );
    let _ = writeln!(out, "      {}", f.message);
    if let Some(hint) = &f.hint {
        let _ = writeln!(out, "      {} {hint}", s.cyan("hint:"));
    }
    for line in f.evidence.iter().filter(|_| evidence) {
        let _ = writeln!(out, "      {} {line}", s.dim("seen:"));
    }
    if let Some(fix) = &f.fix {
        let from = fix.from.as_deref().unwrap_or("(unset)");
        let _ = writeln!(
            out,
            "      {} {} {from} {} {}",
            s.green("fix:"),
            fix.path,
            s.arrow(),
            fix.to
        );
    }
}
