//! The reverse proxy in front of the gateway: its configuration, read and checked.

pub mod analyze;
pub mod attribution;
pub mod caddy;
pub mod lua_block;
pub mod nginx;
pub mod nginx_bin;
pub mod nginx_syntax;
pub mod patch;

use crate::error::Result;
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

/// What a Caddyfile is, in "not a regular file … not a Caddyfile".
const CADDY_KIND: crate::input::Kind = crate::input::Kind("a Caddyfile");

/// A Caddyfile by Caddy's own rule: named `Caddyfile…` or `….caddyfile`.
pub fn is_caddyfile(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.starts_with("Caddyfile") || n.ends_with(".caddyfile")
    })
}

impl ProxyFacts {
    /// The file index that issues in `caddy[i]` carry: after every nginx file.
    pub fn caddy_index(&self, i: usize) -> usize {
        self.tree.files.len() + i
    }

    /// The path of the file an issue names: an nginx file, or a Caddyfile (`caddy_index`).
    pub fn path_of(&self, file: usize) -> Option<&Path> {
        match file.checked_sub(self.tree.files.len()) {
            None => self.tree.files.get(file).map(|f| f.path.as_path()),
            Some(i) => self.caddy.get(i).map(|(p, _)| p.as_path()),
        }
    }
}

/// `--proxy-config` paths: a file (its directory is the prefix for includes), or a directory
/// (its `nginx.conf` when there is one, else every `*.conf` under it, as in conf.d trees, else
/// its regular files, as in Debian's `sites-enabled`; a directory with none is refused).
/// Anything else named (a FIFO, a socket, a device, nothing) is refused by the reader.
pub fn load_paths(paths: &[PathBuf]) -> Result<ProxyFacts> {
    let mut tree = nginx::Tree::default();
    let mut main = None;
    let mut caddy = Vec::new();
    for path in paths {
        if is_caddyfile(path) && !path.is_dir() {
            caddy.push(read_caddyfile(path)?);
            continue;
        }
        let (files, prefix): (Vec<PathBuf>, PathBuf) = if path.is_dir() {
            let conf = path.join("nginx.conf");
            if conf.exists() {
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
                if found.is_empty() {
                    let (sites, caddyfiles) = site_files(path)?;
                    for c in caddyfiles {
                        caddy.push(read_caddyfile(&c)?);
                    }
                    found = sites;
                }
                found.sort();
                (found, path.clone())
            }
        } else {
            if path.file_name().is_some_and(|n| n == "nginx.conf") {
                main.get_or_insert(path.clone());
            }
            (
                vec![path.clone()],
                path.parent().map(Path::to_path_buf).unwrap_or_default(),
            )
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

/// A Caddyfile's path and text (UTF-8, as Caddy reads it).
fn read_caddyfile(path: &Path) -> Result<(PathBuf, String)> {
    let bytes = crate::input::read_bytes(path, nginx::MAX_FILE_BYTES, CADDY_KIND)?;
    crate::input::refuse_utf16_or_binary(
        path,
        &bytes,
        "Caddy reads UTF-8 only (re-save it as UTF-8)",
        "a Caddyfile",
    )?;
    Ok((path.to_path_buf(), nginx::decode(bytes).0))
}

/// A directory with no `nginx.conf` and no `*.conf` (Debian's `sites-enabled`, whose files
/// have no extension): its regular files, without dot files and backups (`*.bak`, `*~`,
/// `*.dpkg-*`), as (nginx files, Caddyfiles). A directory with neither is refused: a named
/// directory must be read.
fn site_files(dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| crate::error::Error::input(dir, format!("cannot list the directory: {e}")))?;
    let found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !(name.starts_with('.')
                || name.ends_with(".bak")
                || name.ends_with('~')
                || name.contains(".dpkg-"))
        })
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    if found.is_empty() {
        return Err(crate::error::Error::input(
            dir,
            format!(
                "no nginx configuration file in it: name the files, e.g. --proxy-config {}",
                dir.join("site").display()
            ),
        ));
    }
    let (mut caddyfiles, mut sites): (Vec<PathBuf>, Vec<PathBuf>) =
        found.into_iter().partition(|p| is_caddyfile(p));
    caddyfiles.sort();
    sites.sort();
    Ok((sites, caddyfiles))
}

fn shift(mut d: nginx::Directive, offset: usize) -> nginx::Directive {
    d.file += offset;
    if let Some(children) = d.block.take() {
        d.block = Some(children.into_iter().map(|c| shift(c, offset)).collect());
    }
    d
}

/// Without `--proxy-config`: `nginx -T` (the effective configuration, includes resolved;
/// nginx found as `nginx_bin::find` finds it), else /etc/nginx/nginx.conf, else
/// /etc/caddy/Caddyfile.
pub fn discover() -> Option<Result<ProxyFacts>> {
    if let Ok(dump) = nginx_bin::output(None, &["-T"])
        && memchr::memmem::find(&dump, b"# configuration file ").is_some()
    {
        return Some(nginx::Tree::from_dump(&dump).map(|tree| ProxyFacts {
            main: None,
            tree,
            caddy: vec![],
            source: "nginx -T".into(),
        }));
    }
    let etc = Path::new("/etc/nginx/nginx.conf");
    if etc.exists() {
        return Some(load_paths(&[etc.to_path_buf()]));
    }
    let caddy = Path::new("/etc/caddy/Caddyfile");
    caddy.exists().then(|| load_paths(&[caddy.to_path_buf()]))
}
