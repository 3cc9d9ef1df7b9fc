//! nginx patches: the insertions the analysis proposes, per file, as bytes (a byte that is
//! not UTF-8 is kept exactly); the checks before the first write (an nginx to test with, that
//! reads every patched file); and after the write `nginx -t`, whose failure makes the caller
//! roll every file back, then the optional reload.

use super::ProxyFacts;
use super::analyze::ProxyIssue;
use crate::error::{Error, Result};
use std::path::PathBuf;

/// One nginx file before and after its patch.
#[derive(Debug, Clone)]
pub struct ProxyChange {
    pub path: PathBuf,
    pub old: Vec<u8>,
    pub new: Vec<u8>,
}

/// The nginx side of a fix: the changes, the main file (for `nginx -c`), and a note per file
/// saying what it gets and why.
#[derive(Debug, Default)]
pub struct ProxyPlan {
    pub changes: Vec<ProxyChange>,
    pub main: Option<PathBuf>,
    pub notes: Vec<String>,
}

/// The changes that settle `issues` in the files of `facts`.
pub fn plan(facts: ProxyFacts, issues: &[ProxyIssue]) -> ProxyPlan {
    let mut out = ProxyPlan::default();
    for (i, file) in facts.tree.files.iter().enumerate() {
        let Some((old, new)) = super::analyze::patch(&facts.tree, issues, i) else {
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
        out.notes.push(format!(
            "nginx: {} gets {} for {}",
            file.path.display(),
            inserted.join(" "),
            ids.join(", ")
        ));
        out.changes.push(ProxyChange {
            path: file.path.clone(),
            old,
            new,
        });
    }
    if let Some(main) = facts.main {
        out.notes
            .push(format!("nginx: main configuration {}", main.display()));
        out.main = Some(main);
    }
    out
}

/// Runs nginx with `args` (and `-c main`); `Err` carries nginx's own error line.
pub fn nginx(main: Option<&std::path::Path>, args: &[&str]) -> std::result::Result<(), String> {
    super::nginx_bin::run(main, args).map_err(|e| e.to_string())
}

/// Before the first write: `--apply-proxy` with changes needs an nginx to test them with,
/// and that test must read the patched files. With a main file (`-c`) it does; without one,
/// `nginx -t` reads nginx's own main file, so every file to patch must be in its `nginx -T`
/// dump, else nothing is written (a vhost outside it would pass any test).
pub fn require_nginx(plan: &ProxyPlan) -> Result<()> {
    if super::nginx_bin::find().is_none() {
        return Err(Error::Usage(format!(
            "{}: --apply-proxy tests every patch with nginx -t; nothing was written",
            super::nginx_bin::not_found()
        )));
    }
    if plan.main.is_some() || plan.changes.is_empty() {
        return Ok(());
    }
    let (read, says) = match super::nginx_bin::output(None, &["-T"]) {
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
    main: Option<&std::path::Path>,
    reload: bool,
    notes: &mut Vec<String>,
) -> std::result::Result<Option<String>, String> {
    nginx(main, &["-t", "-q"])?;
    notes.push("nginx: configuration test (nginx -t) passed".into());
    if reload {
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
