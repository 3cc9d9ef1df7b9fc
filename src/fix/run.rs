//! `fix`'s own step: the patches for the findings (config and nginx), shown as diffs, and
//! with `--apply` / `--apply-proxy` written all or nothing.

use super::outcome::{FileDiff, FixOutcome, Written};
use super::transaction::Change;
use crate::checks::Finding;
use crate::cli::FixArgs;
use crate::config::ConfigSet;
use crate::error::{Error, Result};
use crate::proxy::ProxyFacts;
use crate::proxy::analyze::ProxyIssue;
use crate::proxy::patch::ProxyPlan;
use std::io::IsTerminal;

/// What the fix step did, for the report.
pub struct Fixed {
    pub outcome: FixOutcome,
    /// Config files written (the gateway needs a restart only for those).
    pub config_written: usize,
    /// What happened on the side (nginx tested, reloaded…).
    pub notes: Vec<String>,
}

/// Flags judged before anything is planned.
pub fn validate(args: &FixArgs) -> Result<()> {
    if let Some(url) = &args.remote_url {
        // OpenClaw clients refuse anything but ws:// and wss://.
        crate::net::validate_url("--remote-url", url, &["ws", "wss"])?;
    }
    if args.approve_repairs && !args.yes && !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "--approve-repairs asks before each approval; without a terminal pass --yes".into(),
        ));
    }
    Ok(())
}

/// Plans the patches for `findings` (and the nginx `proxy` issues), then writes what the
/// flags ask for. Every plan step runs before the first write.
pub fn plan_and_write(
    args: &FixArgs,
    cfg: &ConfigSet,
    findings: &[Finding],
    proxy: Option<(ProxyFacts, Vec<ProxyIssue>)>,
) -> Result<Fixed> {
    let opts = super::PlanOptions {
        bind: args.bind.map(|b| b.as_str().to_string()),
        remote_url: args.remote_url.clone(),
    };
    let patches = super::plan::plan(cfg, findings, &opts);
    let changes: Vec<Change> = super::plan::file_changes(cfg, &patches)?
        .into_iter()
        .map(|c| Change {
            path: c.path,
            old: c.old.into_bytes(),
            new: c.new.into_bytes(),
            hidden_backup: false,
        })
        .collect();
    let proxy = proxy.map_or_else(ProxyPlan::default, |(facts, issues)| {
        crate::proxy::patch::plan(facts, &issues)
    });
    let diffs: Vec<FileDiff> = changes
        .iter()
        .map(|c| (&c.path, &c.old, &c.new))
        .chain(proxy.changes.iter().map(|c| (&c.path, &c.old, &c.new)))
        .map(|(path, old, new)| FileDiff {
            path: path.clone(),
            old: String::from_utf8_lossy(old).into_owned(),
            new: String::from_utf8_lossy(new).into_owned(),
        })
        .collect();
    let mut outcome = FixOutcome {
        patches,
        diffs,
        applied: false,
        written: vec![],
        pending: vec![],
        resolved: vec![],
        before: findings.to_vec(),
    };
    let mut notes = proxy.notes.clone();
    let config_written = write_changes(args, changes, proxy, &mut outcome, &mut notes)?;
    outcome.pending = outcome
        .diffs
        .iter()
        .filter(|d| !outcome.written.iter().any(|w| same_file(&w.path, &d.path)))
        .map(|d| d.path.clone())
        .collect();
    Ok(Fixed {
        outcome,
        config_written,
        notes,
    })
}

/// Writes what `--apply` and `--apply-proxy` ask for, all or nothing: every guard and plan
/// step (files unchanged since read, an nginx to test with) before the first write; a failed
/// write or `nginx -t` restores every file written. Returns how many config files were
/// written.
fn write_changes(
    args: &FixArgs,
    config: Vec<Change>,
    proxy: ProxyPlan,
    outcome: &mut FixOutcome,
    notes: &mut Vec<String>,
) -> Result<usize> {
    let mut tx = Vec::new();
    let config_count = if args.apply { config.len() } else { 0 };
    if args.apply {
        tx.extend(config);
    }
    let proxy_count = if args.apply_proxy {
        proxy.changes.len()
    } else {
        0
    };
    if args.apply_proxy {
        if proxy.changes.is_empty() {
            notes.push("nginx: nothing to change".into());
        } else {
            crate::proxy::patch::require_nginx(&proxy)?;
            tx.extend(proxy.changes.iter().map(|c| Change {
                path: c.path.clone(),
                old: c.old.clone(),
                new: c.new.clone(),
                // A dot file, so `include sites-enabled/*` never loads the backup.
                hidden_backup: true,
            }));
        }
    }
    if tx.is_empty() {
        outcome.applied = args.apply;
        return Ok(0);
    }
    let written = super::transaction::write_all(&tx, !args.no_backup)?;
    if proxy_count > 0 {
        let mut proxy_notes = Vec::new();
        let main = proxy.main.as_deref();
        match crate::proxy::patch::test_and_reload(main, args.reload_proxy, &mut proxy_notes) {
            Err(e) => {
                let undo = super::transaction::rollback(&tx, &written);
                let first_proxy = &tx[tx.len() - proxy_count].path;
                return Err(super::transaction::failed_after(
                    first_proxy,
                    format!("nginx -t failed after the patch: {e}"),
                    &undo,
                ));
            }
            Ok(Some(reload)) => return Err(not_live(&reload, &written)),
            Ok(None) => {}
        }
        notes.extend(proxy_notes);
    }
    outcome.written = written;
    outcome.applied = true;
    Ok(config_count)
}

/// A requested reload that failed after the files were written and `nginx -t` passed: an
/// error (exit 2) that says so and names what was written, which stays.
fn not_live(reload: &str, written: &[Written]) -> Error {
    let files: Vec<String> = written
        .iter()
        .map(|w| match &w.backup {
            Some(b) => format!("{} (backup {})", w.path.display(), b.display()),
            None => w.path.display().to_string(),
        })
        .collect();
    Error::Usage(format!(
        "nginx: reload failed: {reload}; the new configuration is written and tested but not live (wrote {}): reload nginx yourself (systemctl reload nginx)",
        files.join(", ")
    ))
}

/// Whether two paths name one file (a written path is canonical, a diff's as given).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b || std::fs::canonicalize(b).is_ok_and(|b| b == a)
}
