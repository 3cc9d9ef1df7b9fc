//! JSON5 documents: strict validation with the `json5` crate (so "valid" means what OpenClaw's
//! JSON5 loader means), spans from `jsonc-parser`'s AST, and edits as byte splices so that every
//! byte outside the edited value stays as the user wrote it.

use super::edit::{EditValue, Splice};
use super::tree::{Entry, LineIndex, Node, NodeValue, Quote};
use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

const BOM: &str = "\u{feff}";
/// Deepest object/array nesting accepted (OpenClaw configs nest a handful of levels).
pub const MAX_DEPTH: usize = 128;

/// The offset where nesting first exceeds `max`, skipping strings and comments.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// A parse failure: 1-based line and column and a message.
#[derive(Debug)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let bom = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &text[bom..];
    // Both parsers recurse: refuse absurd nesting before either sees it.
    if let Some(offset) = too_deep(body, MAX_DEPTH) {
        let prefix = &body[..offset];
        let line = prefix.matches('\n').count() + 1;
        let column = prefix
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        return Err(SyntaxError {
            line,
            column,
            message: format!("invalid JSON5: nesting deeper than {MAX_DEPTH} levels"),
        });
    }
    // Validate first: jsonc-parser is lenient in places OpenClaw's loader is not.
    if let Err(err) = json5::from_str::<serde::de::IgnoredAny>(body) {
        let (line, column) = err
            .position()
            .map(|p| (p.line + 1, p.column + 1))
            .unwrap_or((1, 1));
        let message = err.to_string();
        // The crate appends " at line L column C"; the position is already in front.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        return Err(SyntaxError {
            line,
            column,
            message: format!("invalid JSON5: {message}"),
        });
    }
    let options = ParseOptions {
        allow_missing_commas: false,
        ..ParseOptions::default()
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(body, &collect, &options).map_err(|err| SyntaxError {
            line: err.line_display(),
            column: err.column_display(),
            message: format!("invalid JSON5: {}", err.kind()),
        })?;
    match parsed.value {
        Some(value) => Ok(convert(body, &value, bom)),
        None => Err(SyntaxError {
            line: 1,
            column: 1,
            message: "invalid JSON5: the file holds no value".into(),
        }),
    }
}

fn convert(body: &str, value: &ast::Value, shift: usize) -> Node {
    use jsonc_parser::common::Ranged;
    let range = value.range();
    let span = range.start + shift..range.end + shift;
    let value = match value {
        ast::Value::NullKeyword(_) => NodeValue::Null,
        ast::Value::BooleanLit(b) => NodeValue::Bool(b.value),
        ast::Value::NumberLit(n) => NodeValue::Number {
            raw: n.value.to_string(),
            value: number_value(n.value),
        },
        ast::Value::StringLit(s) => NodeValue::String {
            value: s.value.to_string(),
            quote: if body.as_bytes().get(s.range.start) == Some(&b'\'') {
                Quote::Single
            } else {
                Quote::Double
            },
        },
        ast::Value::Array(a) => {
            NodeValue::Array(a.elements.iter().map(|e| convert(body, e, shift)).collect())
        }
        ast::Value::Object(o) => NodeValue::Object(
            o.properties
                .iter()
                .map(|p| {
                    let key_range = match &p.name {
                        ast::ObjectPropName::String(s) => s.range,
                        ast::ObjectPropName::Word(w) => w.range,
                    };
                    Entry {
                        key: p.name.as_str().to_string(),
                        key_span: key_range.start + shift..key_range.end + shift,
                        value: convert(body, &p.value, shift),
                    }
                })
                .collect(),
        ),
    };
    Node { value, span }
}

/// The numeric value of a JSON5 number literal (hex, signs, bare points, Infinity, NaN).
fn number_value(raw: &str) -> Option<f64> {
    let (negative, digits) = match raw.as_bytes().first() {
        Some(b'-') => (true, &raw[1..]),
        Some(b'+') => (false, &raw[1..]),
        _ => (false, raw),
    };
    let magnitude = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        u64::from_str_radix(hex, 16).ok().map(|v| v as f64)
    } else if digits == "Infinity" {
        Some(f64::INFINITY)
    } else if digits == "NaN" {
        Some(f64::NAN)
    } else {
        let mut s = digits.to_string();
        if s.starts_with('.') {
            s.insert(0, '0');
        }
        if s.ends_with('.') {
            s.push('0');
        }
        s.replace(".e", ".0e").replace(".E", ".0E").parse().ok()
    }?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Writes `value` as a JSON5 literal; strings keep the quote style of the value they replace.
pub fn render_value(value: &EditValue, quote: Quote) -> String {
    match value {
        EditValue::String(s) => render_string(s, quote),
        EditValue::Bool(b) => b.to_string(),
        EditValue::Integer(i) => i.to_string(),
    }
}

fn render_string(s: &str, quote: Quote) -> String {
    match quote {
        Quote::Single | Quote::TripleSingle => {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('\'');
            for c in s.chars() {
                match c {
                    '\'' => out.push_str("\\'"),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                        out.push_str(&format!("\\u{:04x}", c as u32))
                    }
                    c => out.push(c),
                }
            }
            out.push('\'');
            out
        }
        Quote::Double | Quote::TripleDouble => {
            let mut out = serde_json::Value::String(s.to_string()).to_string();
            // JSON allows raw U+2028/9, but old JavaScript parsers did not: escape them.
            if out.contains(['\u{2028}', '\u{2029}']) {
                out = out
                    .replace('\u{2028}', "\\u2028")
                    .replace('\u{2029}', "\\u2029");
            }
            out
        }
    }
}

/// How keys are written in this document, so an inserted key looks like its neighbours.
fn key_style(text: &str, object: &Node, root: &Node) -> KeyStyle {
    let first_key = |node: &Node| {
        node.value
            .as_object()
            .and_then(|entries| entries.first())
            .map(|e| e.key_span.clone())
    };
    match first_key(object).or_else(|| first_key(root)) {
        Some(span) => match text.as_bytes().get(span.start) {
            Some(b'"') => KeyStyle::Double,
            Some(b'\'') => KeyStyle::Single,
            _ => KeyStyle::Bare,
        },
        None => KeyStyle::Double,
    }
}

#[derive(Clone, Copy)]
enum KeyStyle {
    Double,
    Single,
    Bare,
}

fn render_key(key: &str, style: KeyStyle) -> String {
    let bare_ok = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    match style {
        KeyStyle::Bare if bare_ok => key.to_string(),
        KeyStyle::Single => render_string(key, Quote::Single),
        _ => render_string(key, Quote::Double),
    }
}

/// The document's line ending and indentation unit.
struct Layout<'t> {
    newline: &'static str,
    unit: &'t str,
    trailing_commas: bool,
}

fn layout<'t>(text: &'t str, root: &Node) -> Layout<'t> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let unit = text
        .split('\n')
        .map(|line| {
            let trimmed = line.trim_start_matches([' ', '\t']);
            (&line[..line.len() - trimmed.len()], trimmed)
        })
        .find(|(indent, rest)| !indent.is_empty() && !rest.trim().is_empty())
        .map(|(indent, _)| indent)
        .unwrap_or("  ");
    let trailing_commas = match &root.value {
        NodeValue::Object(entries) => entries
            .last()
            .map(|last| comma_after(text, last.value.span.end).is_some())
            .unwrap_or(false),
        _ => false,
    };
    Layout {
        newline,
        unit,
        trailing_commas,
    }
}

/// Skips whitespace and comments from `pos`; returns the offset of the next token.
fn skip_trivia(text: &str, mut pos: usize, stop_at_newline: bool) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b'\n' if stop_at_newline => return pos,
            b'\r' if stop_at_newline && bytes.get(pos + 1) == Some(&b'\n') => return pos,
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'/' if bytes.get(pos + 1) == Some(&b'/') => {
                let end = text[pos..]
                    .find('\n')
                    .map(|i| pos + i)
                    .unwrap_or(text.len());
                let end = if end > pos && bytes.get(end.wrapping_sub(1)) == Some(&b'\r') {
                    end - 1
                } else {
                    end
                };
                if stop_at_newline {
                    return end;
                }
                pos = end;
            }
            b'/' if bytes.get(pos + 1) == Some(&b'*') => {
                pos = text[pos + 2..]
                    .find("*/")
                    .map(|i| pos + 2 + i + 2)
                    .unwrap_or(text.len());
            }
            _ => {
                // Any other white space JSON5 allows (NBSP, BOM, line separators…).
                match text[pos..].chars().next() {
                    Some(c) if c.is_whitespace() || c == '\u{feff}' => pos += c.len_utf8(),
                    _ => return pos,
                }
            }
        }
    }
    pos
}

/// The offset just after the comma that follows a value ending at `end`, if there is one.
fn comma_after(text: &str, end: usize) -> Option<usize> {
    let next = skip_trivia(text, end, false);
    (text.as_bytes().get(next) == Some(&b',')).then_some(next + 1)
}

/// Splices that insert `keys` (nested objects for all but the last) with `value` into `object`.
pub fn insert_splices(
    text: &str,
    root: &Node,
    object: &Node,
    keys: &[String],
    value: &EditValue,
) -> Vec<Splice> {
    let lines = LineIndex::new(text);
    let layout = layout(text, root);
    let style = key_style(text, object, root);
    let entries = object.value.as_object().unwrap_or(&[]);
    let nl = layout.newline;

    let object_multiline = text[object.span.clone()].contains('\n');
    let render = |indent: &str| render_entry(keys, value, style, indent, &layout);

    match entries.last() {
        Some(last) => {
            let indent = lines.indent_of(text, last.key_span.start).to_string();
            let comma = comma_after(text, last.value.span.end);
            let after = comma.unwrap_or(last.value.span.end);
            let line_end = skip_trivia(text, after, true);
            let at_line_end = matches!(text.as_bytes().get(line_end), Some(b'\n' | b'\r') | None);
            if object_multiline && at_line_end {
                let entry = render(&indent);
                match comma {
                    Some(_) => vec![Splice::insert(line_end, format!("{nl}{indent}{entry},"))],
                    None => vec![
                        Splice::insert(last.value.span.end, ",".into()),
                        Splice::insert(line_end, format!("{nl}{indent}{entry}")),
                    ],
                }
            } else {
                let entry = render_inline(keys, value, style);
                match comma {
                    Some(pos) => vec![Splice::insert(pos, format!(" {entry},"))],
                    None => vec![Splice::insert(last.value.span.end, format!(", {entry}"))],
                }
            }
        }
        None => {
            let open = object.span.start + 1;
            if object_multiline {
                let indent = format!(
                    "{}{}",
                    lines.indent_of(text, object.span.start),
                    layout.unit
                );
                let entry = render(&indent);
                let comma = if layout.trailing_commas { "," } else { "" };
                vec![Splice::insert(open, format!("{nl}{indent}{entry}{comma}"))]
            } else {
                // `{}` or `{ }`: write `{ key: value }` on the same line; comments inside stay.
                let close = object.span.end - 1;
                let entry = render_inline(keys, value, style);
                if text[open..close].trim().is_empty() {
                    vec![Splice {
                        range: open..close,
                        text: format!(" {entry} "),
                    }]
                } else {
                    vec![Splice::insert(open, format!(" {entry},"))]
                }
            }
        }
    }
}

fn render_entry(
    keys: &[String],
    value: &EditValue,
    style: KeyStyle,
    indent: &str,
    layout: &Layout,
) -> String {
    let key = render_key(&keys[0], style);
    if keys.len() == 1 {
        return format!("{key}: {}", render_value(value, Quote::Double));
    }
    let inner_indent = format!("{indent}{}", layout.unit);
    let inner = render_entry(&keys[1..], value, style, &inner_indent, layout);
    let comma = if layout.trailing_commas { "," } else { "" };
    let nl = layout.newline;
    format!("{key}: {{{nl}{inner_indent}{inner}{comma}{nl}{indent}}}")
}

fn render_inline(keys: &[String], value: &EditValue, style: KeyStyle) -> String {
    let key = render_key(&keys[0], style);
    if keys.len() == 1 {
        format!("{key}: {}", render_value(value, Quote::Double))
    } else {
        format!("{key}: {{ {} }}", render_inline(&keys[1..], value, style))
    }
}
