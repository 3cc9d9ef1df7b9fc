//! Edits to one document: a new value for a key path, applied so that only the edited value
//! (plus, for a new key, the inserted entry) changes.

use super::tree::Span;
use serde::Serialize;
use std::fmt;

/// What the doctor can write at a key: a scalar (it never rewrites whole objects), or a new
/// name for the key with its value kept as written (an unknown key whose meant name is clear).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EditValue {
    String(String),
    Bool(bool),
    Integer(i64),
    /// In JSON: `{"rename_to": "bind"}`.
    RenameKey {
        rename_to: String,
    },
}

impl fmt::Display for EditValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditValue::String(s) => {
                let quoted = serde_json::to_string(s).map_err(|_| fmt::Error)?;
                f.write_str(&quoted)
            }
            EditValue::Bool(b) => write!(f, "{b}"),
            EditValue::Integer(i) => write!(f, "{i}"),
            EditValue::RenameKey { rename_to } => {
                let quoted = serde_json::to_string(rename_to).map_err(|_| fmt::Error)?;
                write!(f, "key renamed to {quoted}")
            }
        }
    }
}

/// Replace `range` of the text with `text` (an insertion when the range is empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Splice {
    pub range: Span,
    pub text: String,
}

impl Splice {
    pub fn insert(at: usize, text: String) -> Self {
        Splice {
            range: at..at,
            text,
        }
    }
}

/// Applies non-overlapping splices; offsets refer to the original text.
pub fn apply_splices(text: &str, splices: &[Splice]) -> String {
    let mut sorted: Vec<&Splice> = splices.iter().collect();
    sorted.sort_by_key(|s| (s.range.start, s.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for splice in sorted {
        let start = splice.range.start.max(pos);
        out.push_str(&text[pos..start]);
        out.push_str(&splice.text);
        pos = splice.range.end.max(start);
    }
    out.push_str(&text[pos..]);
    out
}
