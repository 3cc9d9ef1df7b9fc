//! JSON5 documents: a strict one-pass parser that keeps every value's span (`parse.rs`), and
//! edits as byte splices so that every byte outside the edited value stays as the user wrote it.

mod parse;

pub use parse::{MAX_DEPTH, SyntaxError, parse};

use super::edit::{EditValue, Splice};
use super::tree::{Entry, LineIndex, Node, NodeValue, Quote};

/// Writes `value` as a JSON5 literal; strings keep the quote style of the value they replace.
pub fn render_value(value: &EditValue, quote: Quote) -> String {
    match value {
        EditValue::String(s) => render_string(s, quote),
        EditValue::Bool(b) => b.to_string(),
        EditValue::Integer(i) => i.to_string(),
        // Not a value: `rename_splice` writes it, as a key.
        EditValue::RenameKey { rename_to } => render_key(rename_to, KeyStyle::Double),
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

/// The splice that gives `entry` the name `to`, written as its current name is (bare or in
/// the same quotes; quoted when the new name cannot stand bare). Its value stays as written.
pub fn rename_splice(text: &str, entry: &Entry, to: &str) -> Splice {
    let style = match text.as_bytes().get(entry.key_span.start) {
        Some(b'"') => KeyStyle::Double,
        Some(b'\'') => KeyStyle::Single,
        _ => KeyStyle::Bare,
    };
    Splice {
        range: entry.key_span.clone(),
        text: render_key(to, style),
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
