//! TOML documents through `toml_edit`: spans from the parsed `Document`, edits through
//! `DocumentMut`, copying the old value's decor the way `cargo add` does so a trailing
//! `# comment` survives.

use super::edit::EditValue;
use super::tree::{Entry, LineIndex, Node, NodeValue, Quote, Span};
use toml_edit::{Document, DocumentMut, Item, Table, Value};

const BOM: &str = "\u{feff}";

#[derive(Debug)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let bom = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &text[bom..];
    let doc = Document::parse(body).map_err(|err| {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        let (line, column) = LineIndex::new(body).line_column(body, offset);
        let message = err.message().trim().to_string();
        SyntaxError {
            line,
            column,
            message: format!("invalid TOML: {message}"),
        }
    })?;
    let root = doc.as_table();
    Ok(Node {
        value: table_value(body, root, bom),
        span: bom..text.len(),
    })
}

fn shifted(span: Option<Span>, shift: usize) -> Span {
    span.map(|s| s.start + shift..s.end + shift).unwrap_or(0..0)
}

fn table_value(body: &str, table: &Table, shift: usize) -> NodeValue {
    NodeValue::Object(
        table
            .iter()
            .filter_map(|(key, _)| {
                let (key_repr, item) = table.get_key_value(key)?;
                let key_span = shifted(key_repr.span(), shift);
                let mut value = item_node(body, item, shift)?;
                if value.span.is_empty() {
                    // Implicit and dotted tables have no span of their own: use the key's, so
                    // every object still has a distinct position.
                    value.span = key_span.clone();
                }
                Some(Entry {
                    key: key.to_string(),
                    key_span,
                    value,
                })
            })
            .collect(),
    )
}

fn item_node(body: &str, item: &Item, shift: usize) -> Option<Node> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(value_node(body, v, shift)),
        Item::Table(t) => Some(Node {
            value: table_value(body, t, shift),
            span: shifted(t.span(), shift),
        }),
        Item::ArrayOfTables(a) => Some(Node {
            value: NodeValue::Array(
                a.iter()
                    .map(|t| Node {
                        value: table_value(body, t, shift),
                        span: shifted(t.span(), shift),
                    })
                    .collect(),
            ),
            span: shifted(a.span(), shift),
        }),
    }
}

fn value_node(body: &str, value: &Value, shift: usize) -> Node {
    let span = shifted(value.span(), shift);
    let raw = value
        .span()
        .and_then(|s| body.get(s))
        .unwrap_or_default()
        .to_string();
    let value = match value {
        Value::String(s) => NodeValue::String {
            value: s.value().clone(),
            quote: if raw.starts_with("'''") {
                Quote::TripleSingle
            } else if raw.starts_with("\"\"\"") {
                Quote::TripleDouble
            } else if raw.starts_with('\'') {
                Quote::Single
            } else {
                Quote::Double
            },
        },
        Value::Integer(i) => NodeValue::Number {
            raw,
            value: Some(*i.value() as f64),
        },
        Value::Float(f) => NodeValue::Number {
            raw,
            value: Some(*f.value()),
        },
        Value::Boolean(b) => NodeValue::Bool(*b.value()),
        Value::Datetime(_) => NodeValue::Other(raw),
        Value::Array(a) => NodeValue::Array(a.iter().map(|v| value_node(body, v, shift)).collect()),
        Value::InlineTable(t) => NodeValue::Object(
            t.iter()
                .filter_map(|(key, v)| {
                    let (key_repr, _) = t.get_key_value(key)?;
                    Some(Entry {
                        key: key.to_string(),
                        key_span: shifted(key_repr.span(), shift),
                        value: value_node(body, v, shift),
                    })
                })
                .collect(),
        ),
    };
    Node { value, span }
}

/// Writes `value` as a TOML value; strings keep a literal (`'…'`) style where they can.
fn render_value(value: &EditValue, quote: Quote) -> Option<Value> {
    let repr = match value {
        EditValue::String(s) => {
            let literal_ok = !s.contains(['\'', '\n', '\r']) && !s.chars().any(char::is_control);
            if matches!(quote, Quote::Single | Quote::TripleSingle) && literal_ok {
                format!("'{s}'")
            } else {
                serde_json::Value::String(s.clone()).to_string()
            }
        }
        EditValue::Bool(b) => b.to_string(),
        EditValue::Integer(i) => i.to_string(),
        // Key renames are proposed for JSON5 documents only.
        EditValue::RenameKey { .. } => return None,
    };
    repr.parse::<Value>().ok()
}

/// The TOML literal for `value`, in the quote style of the value it replaces: rendered by
/// `toml_edit` (so escaping is TOML's), without decor.
pub fn render_literal(value: &EditValue, quote: Quote) -> Option<String> {
    let mut v = render_value(value, quote)?;
    v.decor_mut().clear();
    Some(v.to_string())
}

/// Inserts `keys` = `value` through `DocumentMut` into the deepest existing table, creating
/// sub-tables as needed. (Replacing an existing value is a byte splice of its span instead,
/// which keeps its decor, comments included, exactly.) `None` when the path runs through
/// something that is not a table.
pub fn insert(text: &str, keys: &[String], value: &EditValue) -> Option<String> {
    let bom = if text.starts_with(BOM) { BOM } else { "" };
    let body = &text[bom.len()..];
    let mut doc: DocumentMut = Document::parse(body).ok()?.into_mut();
    let (last, parents) = keys.split_last()?;
    let mut table: &mut dyn toml_edit::TableLike = doc.as_table_mut();
    for key in parents {
        if !table.contains_key(key) {
            let mut sub = Table::new();
            sub.set_implicit(true);
            table.insert(key, Item::Table(sub));
        }
        table = table.get_mut(key)?.as_table_like_mut()?;
    }
    if table.contains_key(last) {
        return None;
    }
    table.insert(last, Item::Value(render_value(value, Quote::Double)?));
    let mut out = doc.to_string();
    // toml_edit writes LF; keep a CRLF file CRLF.
    if body.contains("\r\n") {
        out = out.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    Some(format!("{bom}{out}"))
}
