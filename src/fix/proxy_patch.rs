//! nginx patches in `fix`: the proposed insertions per file, shown as diffs, and with
//! `--apply-proxy` written together with the config's patches, tested with `nginx -t` and
//! rolled back when the test fails.

use super::run::FixContext;
use super::transaction::Change;
use crate::cli::FixArgs;
use crate::config::ConfigSet;
use crate::error::{Error, Result};
use crate::report::Report;
use std::path::PathBuf;

/// The nginx side of a fix: the changes and the main file (for `nginx -c`).
#[derive(Debug, Default)]
pub struct ProxyPlan {
    pub changes: Vec<Change>,
    pub main: Option<PathBuf>,
}

/// The nginx changes for the gateway's locations: read from `--proxy-config`, else (with
/// `--apply-proxy`) from what nginx itself says.
pub fn plan(
    args: &FixArgs,
    cfg: &ConfigSet,
    ctx: &FixContext,
    report: &mut Report,
) -> Result<ProxyPlan> {
    if !args.apply_proxy && args.probe.proxy_config.is_empty() {
        return Ok(ProxyPlan::default());
    }
    let facts = if args.probe.proxy_config.is_empty() {
        match crate::gather::proxy(&[], true) {
            Some(Ok(f)) => f,
            Some(Err(e)) => {
                return Err(Error::Usage(format!(
                    "cannot read the proxy configuration: {e}"
                )));
            }
            None => {
                return Err(Error::Usage(
                    "no nginx configuration found: pass --proxy-config PATH".into(),
                ));
            }
        }
    } else {
        crate::proxy::load_paths(&args.probe.proxy_config)?
    };
    let view =
        crate::checks::values::GatewayView::new(cfg, ctx.env, report.discovered.profile.as_deref());
    let issues = crate::checks::proxy::issues(&view, &facts, &args.probe.urls);
    let mut out = ProxyPlan::default();
    for (i, file) in facts.tree.files.iter().enumerate() {
        // Bytes: a byte that is not UTF-8 (a Latin-1 comment) is kept exactly.
        let Some((old, new)) = crate::proxy::analyze::patch(&facts.tree, &issues, i) else {
            continue;
        };
        let inserted: Vec<String> = issues
            .iter()
            .filter(|x| x.file == i && x.insert_at.is_some())
            .flat_map(|x| x.insert.iter().map(|l| l.trim().to_string()))
            .collect();
        let ids: Vec<&str> = issues
            .iter()
            .filter(|x| x.file == i)
            .map(|x| x.id)
            .collect();
        report.notes.push(format!(
            "nginx: {} gets {} for {}",
            file.path.display(),
            inserted.join(" "),
            ids.join(", ")
        ));
        out.changes.push(Change {
            path: file.path.clone(),
            old,
            new,
            hidden_backup: true,
        });
    }
    if let Some(main) = facts.main {
        report
            .notes
            .push(format!("nginx: main configuration {}", main.display()));
        out.main = Some(main);
    }
    Ok(out)
}

/// Runs nginx with `args` (and `-c main`); `Err` carries nginx's own error line.
pub fn nginx(main: Option<&std::path::Path>, args: &[&str]) -> std::result::Result<(), String> {
    crate::proxy::nginx_bin::run(main, args).map_err(|e| e.to_string())
}

/// Before the first write: `--apply-proxy` with changes needs an nginx to test them with.
pub fn require_nginx() -> Result<()> {
    match crate::proxy::nginx_bin::find() {
        Some(_) => Ok(()),
        None => Err(Error::Usage(format!(
            "{}: --apply-proxy tests every patch with nginx -t; nothing was written",
            crate::proxy::nginx_bin::not_found()
        ))),
    }
}

/// After the writes: `nginx -t`, then `--reload-proxy`. `Err` is nginx's message when the
/// test failed (the caller rolls back).
pub fn test_and_reload(
    args: &FixArgs,
    main: Option<&std::path::Path>,
    notes: &mut Vec<String>,
) -> std::result::Result<(), String> {
    nginx(main, &["-t", "-q"])?;
    notes.push("nginx: configuration test (nginx -t) passed".into());
    if args.reload_proxy {
        match nginx(main, &["-s", "reload"]) {
            Ok(()) => notes.push("nginx: reloaded (nginx -s reload)".into()),
            Err(e) => notes.push(format!(
                "nginx: reload failed: {e}; reload it yourself (systemctl reload nginx)"
            )),
        }
    } else {
        notes.push(
            "nginx: reload it to use the change: systemctl reload nginx (or fix --reload-proxy)"
                .into(),
        );
    }
    Ok(())
}
