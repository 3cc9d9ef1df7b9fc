//! The format-independent view of a config file: values with the byte spans they came from.
//! JSON5 and TOML documents are both read into this tree; checks only ever see this.

use std::ops::Range;

/// Byte range in the file's text (BOM included in the offsets).
pub type Span = Range<usize>;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    /// The number as written (`0x1F`, `+1`, `Infinity`…) and its value where it has one.
    Number {
        raw: String,
        value: Option<f64>,
    },
    String {
        value: String,
        quote: Quote,
    },
    Array(Vec<Node>),
    Object(Vec<Entry>),
    /// TOML date-times and anything else the checks never need to interpret.
    Other(String),
}

/// How a string was written, so a replacement can be written the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    Double,
    Single,
    /// TOML `'''…'''` / `"""…"""`: replaced by the single-line form of the same kind.
    TripleDouble,
    TripleSingle,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl NodeValue {
    /// A short name of the type, for messages ("expected a string, found a number").
    pub fn type_name(&self) -> &'static str {
        match self {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Number { .. } => "a number",
            NodeValue::String { .. } => "a string",
            NodeValue::Array(_) => "an array",
            NodeValue::Object(_) => "an object",
            NodeValue::Other(_) => "a date-time",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            NodeValue::String { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Entry]> {
        match self {
            NodeValue::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value as JSON data (for `--format json`); non-finite numbers as written.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Number { raw, value } => match value {
                Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Value::from(*v as i64),
                Some(v) => serde_json::Number::from_f64(*v)
                    .map(Value::Number)
                    .unwrap_or_else(|| Value::String(raw.clone())),
                None => Value::String(raw.clone()),
            },
            NodeValue::String { value, .. } => Value::String(value.clone()),
            NodeValue::Array(items) => {
                Value::Array(items.iter().map(|i| i.value.to_json()).collect())
            }
            NodeValue::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.value.to_json()))
                    .collect(),
            ),
            NodeValue::Other(raw) => Value::String(raw.clone()),
        }
    }

    /// The value as written for a message: strings quoted, containers abbreviated.
    pub fn display(&self) -> String {
        match self {
            NodeValue::Null => "null".into(),
            NodeValue::Bool(b) => b.to_string(),
            NodeValue::Number { raw, .. } => raw.clone(),
            NodeValue::String { value, .. } => {
                serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
            }
            NodeValue::Array(_) => "[…]".into(),
            NodeValue::Object(_) => "{…}".into(),
            NodeValue::Other(raw) => raw.clone(),
        }
    }
}

impl Node {
    /// The last entry named `key` (JSON5 and OpenClaw keep the last duplicate).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.value
            .as_object()
            .and_then(|entries| entries.iter().rev().find(|e| e.key == key))
    }
}

/// Converts byte offsets to 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let end = offset.min(text.len());
        let column = text
            .get(start..end)
            .map(|s| s.trim_start_matches('\u{feff}').chars().count())
            .unwrap_or(0);
        (line + 1, column + 1)
    }

    /// The leading whitespace of the line holding `offset`.
    pub fn indent_of<'t>(&self, text: &'t str, offset: usize) -> &'t str {
        let (line, _) = self.line_column(text, offset);
        let start = self.line_starts[line - 1];
        let rest = &text[start..];
        let rest = rest.strip_prefix('\u{feff}').unwrap_or(rest);
        let len = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        &rest[..len]
    }
}

/// A key path such as `gateway.remote.url`, as the list of its keys.
pub fn split_path(path: &str) -> Vec<String> {
    path.split('.').map(str::to_string).collect()
}
