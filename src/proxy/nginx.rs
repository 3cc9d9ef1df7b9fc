//! The nginx configuration as files and directives with byte spans: blocks, quoted strings,
//! variables, comments, `*_by_lua_block` bodies, and `include` with globs (files are read,
//! never evaluated). The syntax is nginx's own (nginx_syntax.rs). No well-kept crate parses
//! nginx with spans (`nginx-config` is unmaintained and drops positions).
//!
//! A file is read as bytes: nginx does not care about encodings, and neither does this reader.
//! Each byte that is not part of valid UTF-8 becomes a one-byte `?` in `File::text` (so every
//! offset in the text is the same offset in the file) and is kept in `File::replaced`;
//! `File::bytes` gives the file back exactly, and patches are applied to those bytes.

use super::nginx_syntax::{LineStarts, SyntaxError};
use crate::error::{Error, Result};
use std::ops::Range;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

pub use super::nginx_syntax::parse_text;

/// The most files one configuration may pull in through `include`.
pub const MAX_FILES: usize = 512;
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// What an nginx file is, in "not a regular file … not an nginx configuration file".
pub const KIND: crate::input::Kind = crate::input::Kind("an nginx configuration file");
/// What stands in `File::text` for a byte that is not UTF-8.
pub const PLACEHOLDER: u8 = b'?';

#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    pub name: String,
    /// The arguments as nginx sees them (quotes and escapes resolved); a `*_by_lua_block`'s
    /// last argument is its Lua code.
    pub args: Vec<String>,
    /// From the name to the `;` or the closing `}`.
    pub span: Range<usize>,
    pub line: usize,
    /// The file this directive is in (an index into `Tree::files`).
    pub file: usize,
    pub block: Option<Vec<Directive>>,
}

impl Directive {
    pub fn children(&self) -> &[Directive] {
        self.block.as_deref().unwrap_or(&[])
    }
}

#[derive(Debug, Clone)]
pub struct File {
    pub path: PathBuf,
    /// The file's text, byte for byte, each non-UTF-8 byte shown as `PLACEHOLDER`.
    pub text: String,
    /// (offset, original byte) for each placeholder in `text`.
    pub replaced: Vec<(usize, u8)>,
}

impl File {
    pub fn new(path: PathBuf, bytes: Vec<u8>) -> File {
        let (text, replaced) = decode(bytes);
        File {
            path,
            text,
            replaced,
        }
    }

    /// The file's bytes exactly as read.
    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = self.text.as_bytes().to_vec();
        for &(at, b) in &self.replaced {
            bytes[at] = b;
        }
        bytes
    }

    /// Whether `range` holds a byte that is not UTF-8 (its text there is not the file's).
    pub fn has_replaced(&self, range: &Range<usize>) -> bool {
        self.replaced.iter().any(|(at, _)| range.contains(at))
    }

    fn syntax_error(&self, e: SyntaxError) -> Error {
        let (line, column) = LineStarts::new(&self.text).position(&self.text, e.offset);
        Error::input_at(
            &self.path,
            line,
            column,
            format!("nginx syntax: {}", e.message),
        )
    }
}

/// Valid UTF-8 as is; each other byte as `PLACEHOLDER`, remembered with its offset.
pub fn decode(bytes: Vec<u8>) -> (String, Vec<(usize, u8)>) {
    let mut bytes = match String::from_utf8(bytes) {
        Ok(text) => return (text, Vec::new()),
        Err(e) => e.into_bytes(),
    };
    let mut replaced = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match std::str::from_utf8(&bytes[at..]) {
            Ok(_) => break,
            Err(e) => {
                let bad = at + e.valid_up_to();
                let len = e.error_len().unwrap_or(bytes.len() - bad);
                for (i, b) in bytes.iter_mut().enumerate().skip(bad).take(len) {
                    replaced.push((i, *b));
                    *b = PLACEHOLDER;
                }
                at = bad + len;
            }
        }
    }
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (text, replaced)
}

/// A parsed configuration: every file read, and the top-level directives with `include`s
/// expanded in place (an included directive keeps its own file and line).
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub files: Vec<File>,
    pub directives: Vec<Directive>,
}

impl Tree {
    /// Reads `main` and everything it includes (globs relative to `prefix`, nginx's conf dir).
    pub fn load(main: &Path, prefix: &Path) -> Result<Tree> {
        let mut tree = Tree::default();
        let directives = tree.load_file(main, prefix, 0)?;
        tree.directives = directives;
        Ok(tree)
    }

    /// `nginx -T` output: the files it names (`# configuration file PATH:`), each parsed. nginx
    /// prints each file as it is, then a newline: that newline is not the file's.
    pub fn from_dump(dump: &[u8]) -> Result<Tree> {
        let mut tree = Tree::default();
        let mut current: Option<(PathBuf, Vec<u8>)> = None;
        let flush = |tree: &mut Tree, cur: Option<(PathBuf, Vec<u8>)>| -> Result<()> {
            if let Some((path, mut bytes)) = cur {
                if bytes.last() == Some(&b'\n') {
                    bytes.pop();
                }
                let id = tree.files.len();
                let file = File::new(path, bytes);
                let directives = parse_text(&file.text, id).map_err(|e| file.syntax_error(e))?;
                tree.files.push(file);
                tree.directives
                    .extend(directives.into_iter().filter(|d| d.name != "include"));
            }
            Ok(())
        };
        for line in dump.split_inclusive(|&b| b == b'\n') {
            if let Some(path) = line
                .strip_prefix(b"# configuration file ")
                .and_then(|l| l.trim_ascii_end().strip_suffix(b":"))
            {
                flush(&mut tree, current.take())?;
                let path = PathBuf::from(std::ffi::OsStr::from_bytes(path));
                current = Some((path, Vec::new()));
            } else if let Some((_, bytes)) = current.as_mut() {
                bytes.extend_from_slice(line);
            }
        }
        flush(&mut tree, current)?;
        Ok(tree)
    }

    fn load_file(&mut self, path: &Path, prefix: &Path, depth: usize) -> Result<Vec<Directive>> {
        if self.files.len() >= MAX_FILES || depth > 32 {
            return Err(Error::input(
                path,
                format!("more than {MAX_FILES} nginx files or includes nested too deep"),
            ));
        }
        let bytes = crate::input::read_bytes(path, MAX_FILE_BYTES, KIND)?;
        crate::input::refuse_utf16_or_binary(
            path,
            &bytes,
            "nginx reads its configuration as bytes and cannot parse UTF-16 (re-save it as UTF-8)",
            "an nginx configuration file",
        )?;
        let file = File::new(path.to_path_buf(), bytes);
        let id = self.files.len();
        let directives = parse_text(&file.text, id).map_err(|e| file.syntax_error(e))?;
        self.files.push(file);
        self.expand(directives, prefix, depth)
    }

    /// The files an `include` pattern names, sorted. A relative pattern is resolved against
    /// `prefix`, and when nothing matches there against its parent: a file named under
    /// Debian's `sites-enabled/` or `conf.d/` has its includes resolved by nginx against
    /// /etc/nginx. A pattern without `*`, `?` or `[` that matches nothing is refused at the
    /// directive, as nginx refuses it (`open() failed`); a glob may match nothing.
    fn include_matches(&self, d: &Directive, pattern: &str, prefix: &Path) -> Result<Vec<PathBuf>> {
        // As nginx's glob(3): `*` does not match a leading dot (backups, editors' files).
        // Whatever matches is read, as nginx reads it: a FIFO, a socket, a device or a
        // directory there is refused.
        let options = glob::MatchOptions {
            require_literal_leading_dot: true,
            ..Default::default()
        };
        let matches = |full: PathBuf| -> Vec<PathBuf> {
            let mut paths: Vec<PathBuf> = match glob::glob_with(&full.to_string_lossy(), options) {
                Ok(paths) => paths.filter_map(|p| p.ok()).collect(),
                Err(_) => vec![],
            };
            paths.sort();
            paths
        };
        if Path::new(pattern).is_absolute() {
            let found = matches(PathBuf::from(pattern));
            return self.refuse_missing(d, pattern, found);
        }
        let mut found = matches(prefix.join(pattern));
        if found.is_empty()
            && let Some(parent) = prefix.parent()
            && !parent.as_os_str().is_empty()
        {
            found = matches(parent.join(pattern));
        }
        self.refuse_missing(d, pattern, found)
    }

    fn refuse_missing(
        &self,
        d: &Directive,
        pattern: &str,
        found: Vec<PathBuf>,
    ) -> Result<Vec<PathBuf>> {
        if !found.is_empty() || pattern.contains(['*', '?', '[']) {
            return Ok(found);
        }
        let file = &self.files[d.file];
        let (line, column) = LineStarts::new(&file.text).position(&file.text, d.span.start);
        Err(Error::input_at(
            &file.path,
            line,
            column,
            format!("include {pattern}: no such file; nginx refuses the configuration"),
        ))
    }

    fn expand(
        &mut self,
        directives: Vec<Directive>,
        prefix: &Path,
        depth: usize,
    ) -> Result<Vec<Directive>> {
        let mut out = Vec::new();
        for mut d in directives {
            if d.name == "include" && d.block.is_none() {
                for pattern in d.args.clone() {
                    for p in self.include_matches(&d, &pattern, prefix)? {
                        let included = self.load_file(&p, prefix, depth + 1)?;
                        out.extend(included);
                    }
                }
                continue;
            }
            if let Some(children) = d.block.take() {
                d.block = Some(self.expand(children, prefix, depth)?);
            }
            out.push(d);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_keep_their_offsets_and_come_back_exactly() {
        let raw = b"# caf\xe9 cr\xe8me\nserver_name caf\xe9.example \xff\xfe;\n".to_vec();
        let file = File::new("x.conf".into(), raw.clone());
        assert_eq!(file.text.len(), raw.len());
        assert_eq!(file.text, "# caf? cr?me\nserver_name caf?.example ??;\n");
        assert_eq!(file.bytes(), raw);
        let d = parse_text(&file.text, 0).unwrap();
        assert_eq!(d[0].args, vec!["caf?.example", "??"]);
        assert!(file.has_replaced(&d[0].span));
        // A truncated sequence at the end, and valid multi-byte characters around bad bytes.
        let raw = "é\u{2603}".bytes().chain([0xe2, 0x98]).collect::<Vec<u8>>();
        let file = File::new("y.conf".into(), raw.clone());
        assert_eq!(file.text, "é\u{2603}??");
        assert_eq!(file.bytes(), raw);
        let utf8 = File::new("z.conf".into(), "café;".into());
        assert!(utf8.replaced.is_empty());
    }

    #[test]
    fn a_dump_is_split_into_its_files_without_the_newline_nginx_adds() {
        let dump = b"nginx: ok\n# configuration file /etc/nginx/nginx.conf:\nhttp { include a.conf; }\n\n# configuration file /etc/nginx/a.conf:\nserver { listen 80; } # caf\xe9\n";
        let tree = Tree::from_dump(dump).unwrap();
        assert_eq!(tree.files.len(), 2);
        assert_eq!(tree.files[0].text, "http { include a.conf; }\n");
        assert_eq!(tree.files[1].bytes(), b"server { listen 80; } # caf\xe9");
        assert_eq!(tree.directives.len(), 2);
    }

    #[test]
    fn a_syntax_error_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, b"# caf\xe9\nhttp {\n  server { listen 80 }\n}\n").unwrap();
        let e = Tree::load(&path, dir.path()).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!(
                "{}:3:22: nginx syntax: unexpected \"}}\"",
                path.display()
            )),
            "{e}"
        );
    }

    #[test]
    fn an_included_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("conf.d/pipe.conf");
        std::fs::create_dir(dir.path().join("conf.d")).unwrap();
        let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let main = dir.path().join("nginx.conf");
        std::fs::write(&main, "http { include conf.d/*.conf; }\n").unwrap();
        let e = Tree::load(&main, dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("pipe.conf") && e.contains("not a regular file (a FIFO)"),
            "{e}"
        );
    }
}
