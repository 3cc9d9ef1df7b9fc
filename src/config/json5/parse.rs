//! A strict JSON5 parser that keeps spans, in one pass. It accepts and refuses exactly what the
//! `json5` crate (1.3) does, with the same messages — `tests/json5_parity.rs` checks that on
//! generated input — and takes the crate's Unicode tables for non-ASCII identifiers and white
//! space. Before, the crate validated and `jsonc-parser` (more lenient) parsed again for spans:
//! two passes, about half of `check`'s time on a large config.

use crate::config::tree::{Entry, Node, NodeValue, Quote};

const BOM: &str = "\u{feff}";
/// Deepest object/array nesting accepted (OpenClaw configs nest a handful of levels).
pub const MAX_DEPTH: usize = 128;

/// A parse failure: 1-based line and column and a message.
#[derive(Debug)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Where parsing stopped and why; `offset` is in the text after the BOM.
struct Fail {
    offset: usize,
    message: std::borrow::Cow<'static, str>,
}

type Parsed<T> = Result<T, Fail>;

pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let shift = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &text[shift..];
    let mut p = Parser {
        text: body,
        b: body.as_bytes(),
        pos: 0,
        depth: 0,
        open: None,
        shift,
    };
    p.document().map_err(|fail| {
        let prefix = &body[..fail.offset.min(body.len())];
        let line_start = prefix.rfind('\n').map(|i| i + 1).unwrap_or(0);
        SyntaxError {
            line: prefix.matches('\n').count() + 1,
            column: prefix[line_start..].chars().count() + 1,
            message: format!("invalid JSON5: {}", fail.message),
        }
    })
}

struct Parser<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    depth: usize,
    /// Where the innermost open object or array starts.
    open: Option<usize>,
    /// Added to every span: the BOM's length, when there is one.
    shift: usize,
}

fn is_ident_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || c == '$' || c == '_'
    } else {
        json5::char::is_json5_identifier_start(c)
    }
}

fn is_ident_part(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '$' || c == '_'
    } else {
        json5::char::is_json5_identifier(c)
    }
}

impl<'t> Parser<'t> {
    fn fail<T>(&self, offset: usize, message: &'static str) -> Parsed<T> {
        Err(Fail {
            offset,
            message: message.into(),
        })
    }

    /// Input ended ("EOF parsing …"): placed, as the crate places it, at the innermost
    /// object or array still open (the one left unclosed), else at the end.
    fn eof<T>(&self, message: &'static str) -> Parsed<T> {
        self.fail(self.open.unwrap_or(self.b.len()), message)
    }

    fn peek(&self) -> Option<char> {
        match self.b.get(self.pos) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.text[self.pos..].chars().next(),
            None => None,
        }
    }

    /// The next character, consumed; `eof` when there is none.
    fn next_or(&mut self, eof: &'static str) -> Parsed<(usize, char)> {
        let at = self.pos;
        match self.peek() {
            Some(c) => {
                self.pos += c.len_utf8();
                Ok((at, c))
            }
            None => self.eof(eof),
        }
    }

    fn expect(&mut self, want: char, eof: &'static str, unexpected: &'static str) -> Parsed<()> {
        match self.next_or(eof)? {
            (_, c) if c == want => Ok(()),
            (at, _) => self.fail(at, unexpected),
        }
    }

    fn expect_str(
        &mut self,
        want: &str,
        eof: &'static str,
        unexpected: &'static str,
    ) -> Parsed<()> {
        want.chars()
            .try_for_each(|c| self.expect(c, eof, unexpected))
    }

    fn document(&mut self) -> Parsed<Node> {
        let value = self.value()?;
        self.skip_whitespace()?;
        if self.pos < self.b.len() {
            return self.fail(self.pos, "trailing characters");
        }
        Ok(value)
    }

    fn node(&self, start: usize, value: NodeValue) -> Node {
        Node {
            value,
            span: start + self.shift..self.pos + self.shift,
        }
    }

    fn value(&mut self) -> Parsed<Node> {
        self.skip_whitespace()?;
        let start = self.pos;
        match self.peek() {
            None => self.eof("EOF parsing value"),
            Some('n') => {
                self.expect_str("null", "EOF parsing null", "expected null")?;
                Ok(self.node(start, NodeValue::Null))
            }
            Some('t') => {
                self.expect_str("true", "EOF parsing bool", "expected bool")?;
                Ok(self.node(start, NodeValue::Bool(true)))
            }
            Some('f') => {
                self.expect_str("false", "EOF parsing bool", "expected bool")?;
                Ok(self.node(start, NodeValue::Bool(false)))
            }
            Some(q @ ('"' | '\'')) => {
                let value = self.string(q)?;
                let quote = if q == '\'' {
                    Quote::Single
                } else {
                    Quote::Double
                };
                Ok(self.node(start, NodeValue::String { value, quote }))
            }
            Some('+' | '-' | '.' | 'I' | 'N' | '0'..='9') => {
                let value = self.number()?;
                let raw = self.text[start..self.pos].to_string();
                Ok(self.node(start, NodeValue::Number { raw, value }))
            }
            Some('[') => self.array(),
            Some('{') => self.object(),
            Some(_) => self.fail(start, "expected value"),
        }
    }

    /// Past an opening bracket; returns the enclosing collection's start, for `leave`.
    fn enter(&mut self) -> Parsed<Option<usize>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Fail {
                offset: self.pos,
                message: format!("nesting deeper than {MAX_DEPTH} levels").into(),
            });
        }
        let outer = self.open.replace(self.pos);
        self.pos += 1;
        Ok(outer)
    }

    /// Past the closing bracket (`more` stopped at it).
    fn leave(&mut self, outer: Option<usize>) {
        self.pos += 1;
        self.depth -= 1;
        self.open = outer;
    }

    /// Before the next item of a collection: `false` at its end, else past the comma.
    fn more(&mut self, close: char, first: bool, eof: &'static str) -> Parsed<bool> {
        self.skip_whitespace()?;
        if self.peek() == Some(close) {
            return Ok(false);
        }
        if !first {
            self.expect(',', eof, "expected comma")?;
            self.skip_whitespace()?;
            if self.peek() == Some(close) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn array(&mut self) -> Parsed<Node> {
        let start = self.pos;
        let outer = self.enter()?;
        let mut items = Vec::new();
        while self.more(']', items.is_empty(), "EOF parsing array")? {
            items.push(self.value()?);
        }
        self.leave(outer);
        Ok(self.node(start, NodeValue::Array(items)))
    }

    fn object(&mut self) -> Parsed<Node> {
        let start = self.pos;
        let outer = self.enter()?;
        let mut entries = Vec::new();
        while self.more('}', entries.is_empty(), "EOF parsing object")? {
            let key_start = self.pos;
            let key = match self.peek() {
                Some(q @ ('"' | '\'')) => self.string(q)?,
                Some(_) => self.identifier()?,
                None => return self.eof("EOF parsing object"),
            };
            let key_span = key_start + self.shift..self.pos + self.shift;
            self.skip_whitespace()?;
            self.expect(':', "EOF parsing object", "expected colon")?;
            let value = self.value()?;
            entries.push(Entry {
                key,
                key_span,
                value,
            });
        }
        self.leave(outer);
        Ok(self.node(start, NodeValue::Object(entries)))
    }

    // https://spec.json5.org/#white-space and #comments
    fn skip_whitespace(&mut self) -> Parsed<()> {
        while let Some(&b) = self.b.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => self.pos += 1,
                b'/' => {
                    self.pos += 1;
                    self.skip_comment()?;
                }
                _ if b < 0x80 => break,
                _ => match self.peek() {
                    Some(c) if json5::char::is_json5_whitespace(c) => self.pos += c.len_utf8(),
                    _ => break,
                },
            }
        }
        Ok(())
    }

    fn skip_comment(&mut self) -> Parsed<()> {
        match self.b.get(self.pos) {
            None => self.eof("EOF parsing comment"),
            Some(b'/') => {
                // To the end of the line, its terminator included (CR, LF, U+2028, U+2029).
                while let Some(c) = self.peek() {
                    self.pos += c.len_utf8();
                    if json5::char::is_json5_line_terminator(c) {
                        break;
                    }
                }
                Ok(())
            }
            Some(b'*') => match memchr::memmem::find(&self.b[self.pos + 1..], b"*/") {
                Some(i) => {
                    self.pos += 1 + i + 2;
                    Ok(())
                }
                None => self.eof("EOF parsing comment"),
            },
            Some(_) => self.fail(self.pos, "expected comment"),
        }
    }

    // https://spec.json5.org/#numbers; the value as f64 (what OpenClaw's JavaScript sees).
    fn number(&mut self) -> Parsed<Option<f64>> {
        let start = self.pos;
        let negative = self.peek() == Some('-');
        if matches!(self.peek(), Some('+' | '-')) {
            self.pos += 1;
        }
        let sign = if negative { -1.0 } else { 1.0 };
        const EOF: &str = "EOF parsing number";
        match self.next_or(EOF)? {
            (_, 'I') => {
                self.expect_str("nfinity", EOF, "expected number")?;
                Ok(Some(sign * f64::INFINITY))
            }
            (_, 'N') => {
                self.expect_str("aN", EOF, "expected number")?;
                Ok(Some(f64::NAN))
            }
            (_, '0') => match self.peek() {
                Some('x' | 'X') => {
                    self.pos += 1;
                    self.hex_number(negative, start).map(Some)
                }
                Some('.' | 'e' | 'E') => self.decimal_number(start).map(Some),
                Some('0'..='9') => self.fail(start, "leading zero"),
                _ => Ok(Some(0.0)),
            },
            (_, '.' | '1'..='9') => self.decimal_number(start).map(Some),
            (at, _) => self.fail(at, "expected number"),
        }
    }

    fn decimal_number(&mut self, start: usize) -> Parsed<f64> {
        while let Some(b'+' | b'-' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.b.get(self.pos) {
            self.pos += 1;
        }
        self.text[start..self.pos].parse::<f64>().map_err(|e| Fail {
            offset: start,
            message: e.to_string().into(),
        })
    }

    fn hex_number(&mut self, negative: bool, start: usize) -> Parsed<f64> {
        let (at, c) = self.next_or("EOF parsing number")?;
        let Some(mut n) = c.to_digit(16).map(u128::from) else {
            return self.fail(at, "expected number");
        };
        while let Some(d) = self.peek().and_then(|c| c.to_digit(16)) {
            let at = self.pos;
            self.pos += 1;
            n = match n.checked_mul(16).and_then(|n| n.checked_add(u128::from(d))) {
                Some(n) => n,
                None => return self.fail(at, "overflow parsing number"),
            };
        }
        if !negative {
            return Ok(n as f64);
        }
        // The crate reads a negative hex number as an i128: -2^127 is the least it takes.
        if n > 1u128 << 127 {
            return Err(Fail {
                offset: start,
                message: "out of range integral type conversion attempted".into(),
            });
        }
        Ok(-(n as f64))
    }

    // https://spec.json5.org/#strings; `self.pos` is at the opening quote.
    fn string(&mut self, quote: char) -> Parsed<String> {
        self.pos += 1;
        let q = quote as u8;
        let mut owned = String::new();
        let mut from = self.pos;
        loop {
            match self.b.get(self.pos) {
                None => return self.eof("EOF parsing string"),
                Some(&b) if b == q => {
                    owned.push_str(&self.text[from..self.pos]);
                    self.pos += 1;
                    return Ok(owned);
                }
                Some(b'\n' | b'\r') => return self.fail(self.pos, "line terminator in string"),
                Some(b'\\') => {
                    owned.push_str(&self.text[from..self.pos]);
                    let backslash = self.pos;
                    self.pos += 1;
                    if let Some(c) = self.escape(backslash)? {
                        owned.push(c);
                    }
                    from = self.pos;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    // https://262.ecma-international.org/5.1/#sec-7.8.4
    fn escape(&mut self, backslash: usize) -> Parsed<Option<char>> {
        const INVALID: &str = "invalid escape sequence";
        let (_, c) = self.next_or("EOF parsing escape sequence")?;
        Ok(Some(match c {
            '\n' | '\u{2028}' | '\u{2029}' => return Ok(None),
            '\r' => {
                if self.peek() == Some('\n') {
                    self.pos += 1;
                }
                return Ok(None);
            }
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            '0' if matches!(self.peek(), Some('0'..='9')) => return self.fail(backslash, INVALID),
            '0' => '\0',
            '1'..='9' => return self.fail(backslash, INVALID),
            'x' => char::from_u32(self.escape_digits(backslash, 2)?).unwrap_or('\u{fffd}'),
            'u' => self.unicode_escape(backslash)?,
            c => c,
        }))
    }

    fn escape_digits(&mut self, backslash: usize, count: usize) -> Parsed<u32> {
        let mut value = 0;
        for _ in 0..count {
            let (_, c) = self.next_or("EOF parsing escape sequence")?;
            match c.to_digit(16) {
                Some(d) => value = value * 16 + d,
                None => return self.fail(backslash, "invalid escape sequence"),
            }
        }
        Ok(value)
    }

    /// `\uXXXX`, or a surrogate pair written as two of them.
    fn unicode_escape(&mut self, backslash: usize) -> Parsed<char> {
        let high = self.escape_digits(backslash, 4)?;
        if let Some(c) = char::from_u32(high) {
            return Ok(c);
        }
        self.expect_str(
            "\\u",
            "EOF parsing escape sequence",
            "invalid escape sequence",
        )?;
        let low = self.escape_digits(backslash, 4)?;
        // Four hex digits always fit in a u16.
        let mut chars = char::decode_utf16([high as u16, low as u16]);
        match (chars.next(), chars.next()) {
            (Some(Ok(c)), None) => Ok(c),
            (Some(Err(e)), _) => Err(Fail {
                offset: backslash,
                message: e.to_string().into(),
            }),
            _ => self.fail(backslash, "invalid escape sequence"),
        }
    }

    // https://262.ecma-international.org/5.1/#sec-7.6 (an unquoted key).
    fn identifier(&mut self) -> Parsed<String> {
        let mut name = String::new();
        loop {
            let at = self.pos;
            let c = match self.peek() {
                Some('\\') => {
                    self.pos += 1;
                    self.expect('u', "EOF parsing identifier", "invalid escape sequence")?;
                    let c = self.unicode_escape(at)?;
                    let fits = if name.is_empty() {
                        is_ident_start(c)
                    } else {
                        is_ident_part(c)
                    };
                    if !fits {
                        return self.fail(at, "expected identifier");
                    }
                    name.push(c);
                    continue;
                }
                Some(c) => c,
                None => return self.eof("EOF parsing identifier"),
            };
            if name.is_empty() {
                if !is_ident_start(c) {
                    return self.fail(at, "expected identifier");
                }
            } else if !is_ident_part(c) {
                return Ok(name);
            }
            self.pos += c.len_utf8();
            name.push(c);
        }
    }
}
