//! The reverse proxy in front of the gateway: its configuration, read and checked.

pub mod analyze;
pub mod caddy;
pub mod nginx;

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The proxy configuration as gathered: the parsed tree, the main file (for `nginx -t -c`),
/// and where it came from.
#[derive(Debug, Clone)]
pub struct ProxyFacts {
    pub tree: nginx::Tree,
    /// Caddyfiles (path, text), checked for `reverse_proxy` targets and `header_up`.
    pub caddy: Vec<(PathBuf, String)>,
    pub main: Option<PathBuf>,
    pub source: String,
}

/// `--proxy-config` paths: a file (its directory is the prefix for includes), or a directory
/// (its `nginx.conf` when there is one, else every `*.conf` under it, as in conf.d trees).
pub fn load_paths(paths: &[PathBuf]) -> Result<ProxyFacts> {
    let mut tree = nginx::Tree::default();
    let mut main = None;
    let mut caddy = Vec::new();
    for path in paths {
        if path.is_file()
            && path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("Caddyfile"))
        {
            caddy.push((
                path.clone(),
                crate::config::document::read_text(path, nginx::MAX_FILE_BYTES)?,
            ));
            continue;
        }
        let (files, prefix): (Vec<PathBuf>, PathBuf) = if path.is_dir() {
            let conf = path.join("nginx.conf");
            if conf.is_file() {
                main.get_or_insert(conf.clone());
                (vec![conf], path.clone())
            } else {
                let pattern = path.join("**/*.conf");
                let options = glob::MatchOptions {
                    require_literal_leading_dot: true,
                    ..Default::default()
                };
                let mut found: Vec<PathBuf> = glob::glob_with(&pattern.to_string_lossy(), options)
                    .map(|g| g.filter_map(|p| p.ok()).collect())
                    .unwrap_or_default();
                found.sort();
                (found, path.clone())
            }
        } else if path.is_file() {
            if path.file_name().is_some_and(|n| n == "nginx.conf") {
                main.get_or_insert(path.clone());
            }
            (
                vec![path.clone()],
                path.parent().map(Path::to_path_buf).unwrap_or_default(),
            )
        } else {
            return Err(Error::input(
                path,
                "no such nginx configuration file or directory",
            ));
        };
        for f in files {
            let one = nginx::Tree::load(&f, &prefix)?;
            let offset = tree.files.len();
            tree.files.extend(one.files);
            tree.directives
                .extend(one.directives.into_iter().map(|d| shift(d, offset)));
        }
    }
    Ok(ProxyFacts {
        tree,
        caddy,
        main,
        source: paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn shift(mut d: nginx::Directive, offset: usize) -> nginx::Directive {
    d.file += offset;
    if let Some(children) = d.block.take() {
        d.block = Some(children.into_iter().map(|c| shift(c, offset)).collect());
    }
    d
}

/// Without `--proxy-config`: `nginx -T` (the effective configuration, includes resolved),
/// else /etc/nginx/nginx.conf.
pub fn discover() -> Option<Result<ProxyFacts>> {
    if let Ok(out) = std::process::Command::new("nginx")
        .arg("-T")
        .stdin(std::process::Stdio::null())
        .output()
        && out.status.success()
    {
        let dump = String::from_utf8_lossy(&out.stdout);
        if dump.contains("# configuration file ") {
            return Some(nginx::Tree::from_dump(&dump).map(|tree| ProxyFacts {
                main: None,
                tree,
                caddy: vec![],
                source: "nginx -T".into(),
            }));
        }
    }
    let etc = Path::new("/etc/nginx/nginx.conf");
    if etc.is_file() {
        return Some(load_paths(&[etc.to_path_buf()]));
    }
    let caddy = Path::new("/etc/caddy/Caddyfile");
    caddy.is_file().then(|| load_paths(&[caddy.to_path_buf()]))
}
