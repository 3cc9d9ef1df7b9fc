//! A small nginx configuration parser that keeps byte spans: directives, blocks, quoted
//! strings, variables, comments, and `include` with globs (files are read, never evaluated).
//! No well-kept crate parses nginx with spans (`nginx-config` is unmaintained and drops
//! positions), and the grammar is tiny.

use crate::error::{Error, Result};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The most files one configuration may pull in through `include`.
pub const MAX_FILES: usize = 512;
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The deepest block nesting read (the parser and the analysis recurse per level).
pub const MAX_NESTING: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    pub name: String,
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
    pub text: String,
}

/// A parsed configuration: every file read, and the top-level directives with `include`s
/// expanded in place (an included directive keeps its own file and line).
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub files: Vec<File>,
    pub directives: Vec<Directive>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Semicolon,
    Open,
    Close,
}

fn lex(text: &str) -> std::result::Result<Vec<(Token, usize)>, (usize, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b';' => {
                out.push((Token::Semicolon, i));
                i += 1;
            }
            b'{' => {
                out.push((Token::Open, i));
                i += 1;
            }
            b'}' => {
                out.push((Token::Close, i));
                i += 1;
            }
            b'"' | b'\'' => {
                let start = i;
                i += 1;
                let mut value = Vec::new();
                loop {
                    match bytes.get(i) {
                        None => return Err((start, "unterminated quoted string".into())),
                        Some(&q) if q == c => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') if i + 1 < bytes.len() => {
                            value.push(bytes[i + 1]);
                            i += 2;
                        }
                        Some(&b) => {
                            value.push(b);
                            i += 1;
                        }
                    }
                }
                out.push((
                    Token::Word(String::from_utf8_lossy(&value).into_owned()),
                    start,
                ));
            }
            _ => {
                let start = i;
                let mut value = Vec::new();
                while i < bytes.len() {
                    let b = bytes[i];
                    if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'{' | b'}') {
                        // `${var}` keeps its braces inside a word.
                        if b == b'{' && value.last() == Some(&b'$') {
                            while i < bytes.len() && bytes[i] != b'}' {
                                value.push(bytes[i]);
                                i += 1;
                            }
                            if i < bytes.len() {
                                value.push(b'}');
                                i += 1;
                            }
                            continue;
                        }
                        break;
                    }
                    if b == b'\\' && i + 1 < bytes.len() {
                        value.push(bytes[i + 1]);
                        i += 2;
                        continue;
                    }
                    value.push(b);
                    i += 1;
                }
                out.push((
                    Token::Word(String::from_utf8_lossy(&value).into_owned()),
                    start,
                ));
            }
        }
    }
    Ok(out)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parses one file's text (includes are not followed here).
pub fn parse_text(text: &str, file: usize) -> std::result::Result<Vec<Directive>, (usize, String)> {
    let tokens = lex(text)?;
    check_nesting(&tokens)?;
    let mut pos = 0;
    let directives = parse_block(text, &tokens, &mut pos, file, false)?;
    Ok(directives)
}

/// Refuses blocks nested deeper than `MAX_NESTING`, at the brace that opens one level too many.
fn check_nesting(tokens: &[(Token, usize)]) -> std::result::Result<(), (usize, String)> {
    let mut depth = 0usize;
    for (token, at) in tokens {
        match token {
            Token::Open => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err((
                        *at,
                        format!("blocks nested deeper than {MAX_NESTING} levels"),
                    ));
                }
            }
            Token::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn parse_block(
    text: &str,
    tokens: &[(Token, usize)],
    pos: &mut usize,
    file: usize,
    nested: bool,
) -> std::result::Result<Vec<Directive>, (usize, String)> {
    let mut out = Vec::new();
    while *pos < tokens.len() {
        let (token, at) = &tokens[*pos];
        match token {
            Token::Close if nested => return Ok(out),
            Token::Close => return Err((*at, "unexpected \"}\"".into())),
            Token::Semicolon => return Err((*at, "unexpected \";\"".into())),
            Token::Open => return Err((*at, "unexpected \"{\"".into())),
            Token::Word(name) => {
                let start = *at;
                let mut args = Vec::new();
                *pos += 1;
                loop {
                    match tokens.get(*pos) {
                        None => {
                            return Err((
                                text.len(),
                                format!(
                                    "unexpected end of file, expecting \";\" or \"}}\" after {name}"
                                ),
                            ));
                        }
                        Some((Token::Word(w), _)) => {
                            args.push(w.clone());
                            *pos += 1;
                        }
                        Some((Token::Semicolon, end)) => {
                            *pos += 1;
                            out.push(Directive {
                                name: name.clone(),
                                args,
                                span: start..end + 1,
                                line: line_of(text, start),
                                file,
                                block: None,
                            });
                            break;
                        }
                        Some((Token::Open, _)) => {
                            *pos += 1;
                            let children = parse_block(text, tokens, pos, file, true)?;
                            let end = match tokens.get(*pos) {
                                Some((Token::Close, end)) => *end,
                                _ => {
                                    return Err((
                                        text.len(),
                                        format!(
                                            "unexpected end of file, expecting \"}}\" to close {name}"
                                        ),
                                    ));
                                }
                            };
                            *pos += 1;
                            out.push(Directive {
                                name: name.clone(),
                                args,
                                span: start..end + 1,
                                line: line_of(text, start),
                                file,
                                block: Some(children),
                            });
                            break;
                        }
                        Some((Token::Close, at)) => return Err((*at, "unexpected \"}\"".into())),
                    }
                }
            }
        }
    }
    if nested {
        return Err((text.len(), "unexpected end of file, expecting \"}\"".into()));
    }
    Ok(out)
}

impl Tree {
    /// Reads `main` and everything it includes (globs relative to `prefix`, nginx's conf dir).
    pub fn load(main: &Path, prefix: &Path) -> Result<Tree> {
        let mut tree = Tree::default();
        let directives = tree.load_file(main, prefix, 0)?;
        tree.directives = directives;
        Ok(tree)
    }

    /// `nginx -T` output: the files it names (`# configuration file PATH:`), each parsed.
    pub fn from_dump(dump: &str) -> Result<Tree> {
        let mut tree = Tree::default();
        let mut current: Option<(PathBuf, String)> = None;
        let flush = |tree: &mut Tree, cur: Option<(PathBuf, String)>| -> Result<()> {
            if let Some((path, text)) = cur {
                let id = tree.files.len();
                let directives = parse_text(&text, id)
                    .map_err(|(at, m)| Error::input_at(&path, line_of(&text, at), 1, m))?;
                tree.files.push(File { path, text });
                tree.directives
                    .extend(directives.into_iter().filter(|d| d.name != "include"));
            }
            Ok(())
        };
        for line in dump.split_inclusive('\n') {
            if let Some(path) = line
                .strip_prefix("# configuration file ")
                .and_then(|l| l.trim_end().strip_suffix(':'))
            {
                flush(&mut tree, current.take())?;
                current = Some((PathBuf::from(path), String::new()));
            } else if let Some((_, text)) = current.as_mut() {
                text.push_str(line);
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
        let text = crate::config::document::read_text(path, MAX_FILE_BYTES)?;
        let id = self.files.len();
        let directives = parse_text(&text, id).map_err(|(at, m)| {
            Error::input_at(path, line_of(&text, at), 1, format!("nginx: {m}"))
        })?;
        self.files.push(File {
            path: path.to_path_buf(),
            text,
        });
        self.expand(directives, prefix, depth)
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
                    let full = if Path::new(&pattern).is_absolute() {
                        PathBuf::from(&pattern)
                    } else {
                        prefix.join(&pattern)
                    };
                    // As nginx's glob(3): `*` does not match a leading dot (backups, editors' files).
                    let options = glob::MatchOptions {
                        require_literal_leading_dot: true,
                        ..Default::default()
                    };
                    let mut paths: Vec<PathBuf> =
                        match glob::glob_with(&full.to_string_lossy(), options) {
                            Ok(paths) => paths
                                .filter_map(|p| p.ok())
                                .filter(|p| p.is_file())
                                .collect(),
                            Err(_) => vec![],
                        };
                    paths.sort();
                    for p in paths {
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
    fn parses_blocks_quotes_variables_and_spans() {
        let text = "http {\n  server {\n    server_name claw.example.org; # the app\n    location / {\n      proxy_pass http://127.0.0.1:18789;\n      proxy_set_header Connection \"upgrade\";\n      set $x \"a;b\";\n      return 200 '${x}';\n    }\n  }\n}\n";
        let d = parse_text(text, 0).unwrap();
        let server = &d[0].children()[0];
        assert_eq!(server.children()[0].args, vec!["claw.example.org"]);
        let location = &server.children()[1];
        assert_eq!(location.args, vec!["/"]);
        let pass = &location.children()[0];
        assert_eq!((pass.name.as_str(), pass.line), ("proxy_pass", 5));
        assert_eq!(
            &text[pass.span.clone()],
            "proxy_pass http://127.0.0.1:18789;"
        );
        assert_eq!(location.children()[1].args, vec!["Connection", "upgrade"]);
        assert_eq!(location.children()[2].args, vec!["$x", "a;b"]);
        assert_eq!(location.children()[3].args, vec!["200", "${x}"]);
    }

    #[test]
    fn errors_name_the_position() {
        assert!(parse_text("server { listen 80 }", 0).is_err());
        assert!(parse_text("server { listen 80;", 0).is_err());
        assert!(parse_text("listen \"80;", 0).is_err());
    }
}
