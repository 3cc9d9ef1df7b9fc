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
        crate::config::view::GatewayView::new(cfg, ctx.env, report.discovered.profile.as_deref());
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

/// Before the first write: `--apply-proxy` with changes needs an nginx to test them with,
/// and that test must read the patched files. With a main file (`-c`) it does; without one,
/// `nginx -t` reads nginx's own main file, so every file to patch must be in its `nginx -T`
/// dump, else nothing is written (a vhost outside it would pass any test).
pub fn require_nginx(plan: &ProxyPlan) -> Result<()> {
    if crate::proxy::nginx_bin::find().is_none() {
        return Err(Error::Usage(format!(
            "{}: --apply-proxy tests every patch with nginx -t; nothing was written",
            crate::proxy::nginx_bin::not_found()
        )));
    }
    if plan.main.is_some() || plan.changes.is_empty() {
        return Ok(());
    }
    let (read, says) = match crate::proxy::nginx_bin::output(None, &["-T"]) {
        Ok(dump) => {
            let files = dumped_files(&dump);
            let says = files.first().map_or_else(
                || "nginx -T names no file".to_string(),
                |m| format!("its main file is {}", m.display()),
            );
            (files, says)
        }
        Err(e) => (Vec::new(), format!("nginx -T failed: {e}")),
    };
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.into());
    let read: Vec<PathBuf> = read.iter().map(|p| canonical(p)).collect();
    match plan
        .changes
        .iter()
        .find(|c| !read.contains(&canonical(&c.path)))
    {
        None => Ok(()),
        Some(c) => Err(Error::Usage(format!(
            "{} is not part of the configuration nginx -t reads ({says}); name the main file: --proxy-config /etc/nginx/nginx.conf; nothing was written",
            c.path.display()
        ))),
    }
}

/// The files an `nginx -T` dump names (`# configuration file PATH:`), in order.
fn dumped_files(dump: &[u8]) -> Vec<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    dump.split(|&b| b == b'\n')
        .filter_map(|l| {
            l.strip_prefix(b"# configuration file ")
                .and_then(|l| l.trim_ascii_end().strip_suffix(b":"))
        })
        .map(|p| PathBuf::from(std::ffi::OsStr::from_bytes(p)))
        .collect()
}

/// After the writes: `nginx -t`, then `--reload-proxy`. `Err` is nginx's message when the
/// test failed (the caller rolls back); `Ok(Some(message))` when the test passed but the
/// requested reload failed (the files stay: they are tested, only not live; `not_live` is
/// the error to return).
pub fn test_and_reload(
    args: &FixArgs,
    main: Option<&std::path::Path>,
    notes: &mut Vec<String>,
) -> std::result::Result<Option<String>, String> {
    nginx(main, &["-t", "-q"])?;
    notes.push("nginx: configuration test (nginx -t) passed".into());
    if args.reload_proxy {
        match nginx(main, &["-s", "reload"]) {
            Ok(()) => notes.push("nginx: reloaded (nginx -s reload)".into()),
            Err(e) => return Ok(Some(e)),
        }
    } else {
        notes.push(
            "nginx: reload it to use the change: systemctl reload nginx (or fix --reload-proxy)"
                .into(),
        );
    }
    Ok(None)
}

/// A requested reload that failed after the files were written and `nginx -t` passed: an
/// error (exit 2) that says so and names what was written, which stays.
pub fn not_live(reload: &str, written: &[super::apply::Written]) -> Error {
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
