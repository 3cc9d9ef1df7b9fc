//! nginx's configuration syntax, read as nginx 1.22 reads it (`ngx_conf_read_token`), so that
//! the doctor accepts what `nginx -t` accepts and refuses, at its line and column, what nginx
//! refuses as syntax:
//!
//! - a word ends at whitespace, `;` or `{` (not at `}`, not at a quote, not at `#`: those are
//!   ordinary bytes inside a word); `{` right after `$` stays in the word (`${var}`);
//! - a quote opens a string only at the start of a word; after the closing quote comes
//!   whitespace, `;`, `{` or `)`, anything else is `unexpected "X"`;
//! - a backslash keeps the next byte in the word or string (`\"`, `\'`, `\\`, `\t`, `\r`, `\n`
//!   are unescaped, any other pair is kept as written);
//! - `#` at the start of a word comments out the rest of the line;
//! - a word, a string's content plus the byte after it, or a comment must fit in nginx's
//!   4096-byte read buffer ("too long parameter");
//! - `;` and `{` need a directive name before them; `}` needs a block to close and no
//!   unterminated directive before it; the end of the file needs the same;
//! - the body of a `*_by_lua_block` is Lua (lua_block.rs).
//!
//! Bytes that are not UTF-8 reach the parser as one-byte placeholders (nginx.rs), so every
//! offset here is a byte offset into the file.

use super::lua_block;
use super::nginx::Directive;

/// nginx's configuration read buffer (`NGX_CONF_BUFFER`).
const NGX_CONF_BUFFER: usize = 4096;
/// The deepest nesting of blocks read (the doctor's bound: the tree is walked recursively).
pub const MAX_DEPTH: usize = 128;

/// A syntax error: its byte offset in the file and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

fn error<T>(offset: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        offset,
        message: message.into(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Semicolon,
    Open,
    Close,
    End,
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

impl Lexer<'_> {
    /// The next token and the offset where it starts.
    fn next(&mut self) -> Result<(Token, usize), SyntaxError> {
        let b = self.bytes;
        loop {
            while self.pos < b.len() && is_space(b[self.pos]) {
                self.pos += 1;
            }
            let at = self.pos;
            let Some(&c) = b.get(at) else {
                return Ok((Token::End, at));
            };
            let token = match c {
                b'#' => {
                    let end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |n| at + n);
                    self.fits(at, end)?;
                    self.pos = end;
                    continue;
                }
                b';' => Token::Semicolon,
                b'{' => Token::Open,
                b'}' => Token::Close,
                b'"' | b'\'' => return self.quoted(c),
                _ => return self.word(),
            };
            self.pos += 1;
            return Ok((token, at));
        }
    }

    /// nginx refuses a token whose bytes from `start` up to `needed` (the byte it must read
    /// to finish the token) do not fit in its read buffer, when that byte is in the file.
    fn fits(&self, start: usize, needed: usize) -> Result<(), SyntaxError> {
        if needed >= start + NGX_CONF_BUFFER && start + NGX_CONF_BUFFER < self.bytes.len() {
            return error(
                start,
                format!(
                    "too long parameter: nginx reads at most {} bytes of one word, quoted string or comment",
                    NGX_CONF_BUFFER - 1
                ),
            );
        }
        Ok(())
    }

    fn quoted(&mut self, quote: u8) -> Result<(Token, usize), SyntaxError> {
        let b = self.bytes;
        let at = self.pos;
        let mut i = at + 1;
        loop {
            match b.get(i) {
                None => {
                    return error(
                        at,
                        format!(
                            "unterminated quoted string: the {} opened here is never closed (nginx: unexpected end of file)",
                            quote as char
                        ),
                    );
                }
                Some(b'\\') => i += 2,
                Some(&q) if q == quote => break,
                Some(_) => i += 1,
            }
        }
        self.fits(at + 1, i + 1)?;
        let value = unescape(&b[at + 1..i]);
        self.pos = i + 1;
        match b.get(self.pos) {
            None | Some(b';' | b'{' | b')') => {}
            Some(&c) if is_space(c) => {}
            Some(_) => {
                let found = self.text[self.pos..].chars().next().unwrap_or('?');
                return error(
                    self.pos,
                    format!("unexpected \"{found}\" right after a quoted string"),
                );
            }
        }
        Ok((Token::Word(value), at))
    }

    fn word(&mut self) -> Result<(Token, usize), SyntaxError> {
        let b = self.bytes;
        let at = self.pos;
        let mut i = at;
        while let Some(&c) = b.get(i) {
            match c {
                b'\\' => i += 2,
                b'$' if b.get(i + 1) == Some(&b'{') => i += 2,
                b';' | b'{' => break,
                c if is_space(c) => break,
                _ => i += 1,
            }
        }
        let i = i.min(b.len());
        self.fits(at, i)?;
        self.pos = i;
        Ok((Token::Word(unescape(&b[at..i])), at))
    }
}

/// A word's value as nginx copies it.
fn unescape(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' {
            let unescaped = match raw.get(i + 1) {
                Some(&c @ (b'"' | b'\'' | b'\\')) => Some(c),
                Some(b't') => Some(b'\t'),
                Some(b'r') => Some(b'\r'),
                Some(b'n') => Some(b'\n'),
                _ => None,
            };
            if let Some(c) = unescaped {
                out.push(c);
                i += 2;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A block being read: its directive's name, arguments and start, where its `{` is, and the
/// directives read inside it so far.
struct OpenBlock {
    name: String,
    args: Vec<String>,
    start: usize,
    brace: usize,
    children: Vec<Directive>,
}

/// Parses one file's text (includes are not followed here), blocks at most `MAX_DEPTH` deep.
pub fn parse_text(text: &str, file: usize) -> Result<Vec<Directive>, SyntaxError> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let lines = LineStarts::new(text);
    let mut open: Vec<OpenBlock> = Vec::new();
    let mut top: Vec<Directive> = Vec::new();
    let mut words: Vec<(String, usize)> = Vec::new();
    loop {
        let (token, at) = lexer.next()?;
        match token {
            Token::Word(w) => words.push((w, at)),
            Token::Semicolon if words.is_empty() => return error(at, "unexpected \";\""),
            Token::Open if words.is_empty() => return error(at, "unexpected \"{\""),
            Token::Semicolon => {
                let (name, args, start) = take_directive(&mut words);
                let d = directive(name, args, start..at + 1, &lines, file, None);
                push(&mut open, &mut top, d);
            }
            Token::Open => {
                let (name, mut args, start) = take_directive(&mut words);
                if lua_block::is_lua_block(&name) {
                    let close = lua_block::find_close(text.as_bytes(), at + 1)
                        .or_else(|(offset, message)| error(offset, message))?;
                    args.push(text[at + 1..close].to_string());
                    lexer.pos = close + 1;
                    let d = directive(name, args, start..close + 1, &lines, file, None);
                    push(&mut open, &mut top, d);
                } else {
                    if open.len() >= MAX_DEPTH {
                        return error(at, format!("blocks nested more than {MAX_DEPTH} deep"));
                    }
                    open.push(OpenBlock {
                        name,
                        args,
                        start,
                        brace: at,
                        children: Vec::new(),
                    });
                }
            }
            Token::Close => {
                if let Some((name, _)) = words.first() {
                    return error(
                        at,
                        format!(
                            "unexpected \"}}\": the \"{name}\" directive before it has no \";\""
                        ),
                    );
                }
                let Some(block) = open.pop() else {
                    return error(at, "unexpected \"}\": no block is open here");
                };
                let span = block.start..at + 1;
                let d = directive(
                    block.name,
                    block.args,
                    span,
                    &lines,
                    file,
                    Some(block.children),
                );
                push(&mut open, &mut top, d);
            }
            Token::End => {
                if let Some((name, start)) = words.first() {
                    return error(
                        *start,
                        format!(
                            "unexpected end of file, expecting \";\" or \"}}\": the \"{name}\" directive here is not terminated"
                        ),
                    );
                }
                if let Some(block) = open.last() {
                    return error(
                        block.brace,
                        format!(
                            "unexpected end of file, expecting \"}}\": the \"{}\" block opened here is never closed",
                            block.name
                        ),
                    );
                }
                return Ok(top);
            }
        }
    }
}

/// Adds a finished directive to the innermost open block, else to the file's top level.
fn push(open: &mut [OpenBlock], top: &mut Vec<Directive>, d: Directive) {
    match open.last_mut() {
        Some(block) => block.children.push(d),
        None => top.push(d),
    }
}

fn take_directive(words: &mut Vec<(String, usize)>) -> (String, Vec<String>, usize) {
    let mut all = std::mem::take(words).into_iter();
    let (name, start) = all.next().unwrap_or_default();
    (name, all.map(|(w, _)| w).collect(), start)
}

fn directive(
    name: String,
    args: Vec<String>,
    span: std::ops::Range<usize>,
    lines: &LineStarts,
    file: usize,
    block: Option<Vec<Directive>>,
) -> Directive {
    Directive {
        name,
        args,
        line: lines.line(span.start),
        span,
        file,
        block,
    }
}

/// Where each line starts, for 1-based line and column of a byte offset.
pub struct LineStarts {
    starts: Vec<usize>,
}

impl LineStarts {
    pub fn new(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineStarts { starts }
    }

    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// (line, column), the column counted in characters.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts[line - 1].min(text.len());
        let offset = offset.clamp(start, text.len());
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, column + 1)
    }
}

#[cfg(test)]
#[path = "nginx_syntax_tests.rs"]
mod tests;
