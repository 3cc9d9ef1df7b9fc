//! One config file on disk: its bytes, format, parsed tree and edits.

use super::edit::{EditValue, apply_splices};
use super::tree::{LineIndex, Node, NodeValue};
use super::{json5, toml};
use crate::error::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The largest config file the doctor reads (OpenClaw configs are a few KiB).
pub const MAX_CONFIG_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json5,
    Toml,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Json5 => "JSON5",
            Format::Toml => "TOML",
        }
    }

    /// From the extension, else from the first meaningful character of the content.
    pub fn detect(path: &Path, text: &str) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("toml") => return Format::Toml,
            Some(ext) if ext.eq_ignore_ascii_case("json") || ext.eq_ignore_ascii_case("json5") => {
                return Format::Json5;
            }
            _ => {}
        }
        for line in text.trim_start_matches('\u{feff}').lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if line.starts_with('#') || line.starts_with('[') {
                return Format::Toml;
            }
            if line.starts_with('{') || line.starts_with("//") || line.starts_with("/*") {
                return Format::Json5;
            }
            // `key = value` is TOML; anything else is most likely JSON5.
            let key_end = line.find(|c: char| !(c.is_alphanumeric() || "_-.\"' ".contains(c)));
            return match key_end.map(|i| &line[i..]) {
                Some(rest) if rest.starts_with('=') => Format::Toml,
                _ => Format::Json5,
            };
        }
        Format::Json5
    }
}

#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub format: Format,
    pub text: String,
    pub root: Node,
    lines: LineIndex,
}

impl Document {
    /// Reads and parses a file; every way it can be unreadable is a one-line error naming it.
    pub fn load(path: &Path, max_bytes: u64) -> Result<Document> {
        let text = read_text(path, max_bytes)?;
        Document::parse(path, text)
    }

    pub fn parse(path: &Path, text: String) -> Result<Document> {
        if text.trim_start_matches('\u{feff}').trim().is_empty() {
            return Err(Error::input(path, "the file is empty"));
        }
        let format = Format::detect(path, &text);
        let root = match format {
            Format::Json5 => json5::parse(&text)
                .map_err(|e| Error::input_at(path, e.line, e.column, e.message))?,
            Format::Toml => toml::parse(&text)
                .map_err(|e| Error::input_at(path, e.line, e.column, e.message))?,
        };
        let lines = LineIndex::new(&text);
        Ok(Document {
            path: path.to_path_buf(),
            format,
            text,
            root,
            lines,
        })
    }

    /// 1-based line and column of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        self.lines.line_column(&self.text, offset)
    }

    /// The text with the value at `keys` replaced, or the key inserted under the deepest
    /// existing object `parent` (reached by `parent_keys`).
    pub fn set(&self, target: &SetTarget, value: &EditValue) -> Option<String> {
        match self.format {
            Format::Json5 => {
                let splices = match target {
                    SetTarget::Replace { node, .. } => vec![super::edit::Splice {
                        range: node.span.clone(),
                        text: json5::render_value(value, quote_of(node)),
                    }],
                    SetTarget::Insert { object, keys, .. } => {
                        object.value.as_object()?;
                        json5::insert_splices(&self.text, &self.root, object, keys, value)
                    }
                };
                Some(apply_splices(&self.text, &splices))
            }
            Format::Toml => match target {
                SetTarget::Replace { node, .. } => {
                    // A `[table]` has no single span to overwrite.
                    if matches!(node.value, NodeValue::Object(_) | NodeValue::Array(_)) {
                        return None;
                    }
                    let literal = toml::render_literal(value, quote_of(node))?;
                    let splice = super::edit::Splice {
                        range: node.span.clone(),
                        text: literal,
                    };
                    Some(apply_splices(&self.text, &[splice]))
                }
                SetTarget::Insert { .. } => toml::insert(&self.text, &target.full_keys(), value),
            },
        }
    }
}

fn quote_of(node: &Node) -> super::tree::Quote {
    match &node.value {
        NodeValue::String { quote, .. } => *quote,
        _ => super::tree::Quote::Double,
    }
}

/// Where a new value goes in one document.
#[derive(Debug, Clone)]
pub enum SetTarget {
    /// The value node to overwrite, and the key path to it in this document.
    Replace { node: Node, keys: Vec<String> },
    /// The deepest existing object, the keys from the root of this document to it, and the
    /// keys still to create under it (the last one gets the value).
    Insert {
        object: Node,
        object_keys: Vec<String>,
        keys: Vec<String>,
    },
}

impl SetTarget {
    fn full_keys(&self) -> Vec<String> {
        match self {
            SetTarget::Replace { keys, .. } => keys.clone(),
            SetTarget::Insert {
                object_keys, keys, ..
            } => object_keys.iter().chain(keys).cloned().collect(),
        }
    }
}

/// Reads a regular file as UTF-8 text within `max_bytes`, naming every failure precisely.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String> {
    decode(
        path,
        crate::input::read_bytes(path, max_bytes, crate::input::CONFIG)?,
    )
}

fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    crate::input::refuse_utf16_or_binary(
        path,
        &bytes,
        "OpenClaw reads UTF-8 only (re-save it as UTF-8)",
        "a text config",
    )?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, column) = LineIndex::new(&prefix).line_column(&prefix, prefix.len());
        Error::input_at(path, line, column, "the file is not valid UTF-8")
    })
}

pub fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = err.to_string();
            // "Is a directory (os error 21)" → "is a directory"
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => text,
            }
        }
    }
}

impl Document {
    /// Where `keys` (a path inside this one file) is: the value to replace, or the deepest
    /// existing object and the keys to insert under it.
    pub fn local_target(&self, keys: &[String]) -> Option<SetTarget> {
        let mut node = &self.root;
        for (depth, key) in keys.iter().enumerate() {
            node.value.as_object()?;
            match node.get(key) {
                Some(entry) => node = &entry.value,
                None => {
                    return Some(SetTarget::Insert {
                        object: node.clone(),
                        object_keys: keys[..depth].to_vec(),
                        keys: keys[depth..].to_vec(),
                    });
                }
            }
        }
        if keys.is_empty() {
            return None;
        }
        Some(SetTarget::Replace {
            node: node.clone(),
            keys: keys.to_vec(),
        })
    }

    /// The text with `keys` set to `value`; `None` when the path crosses a non-object.
    pub fn with_value(&self, keys: &[String], value: &EditValue) -> Option<String> {
        if let EditValue::RenameKey { rename_to } = value {
            let splice = self.rename_splice(keys, rename_to)?;
            return Some(apply_splices(&self.text, &[splice]));
        }
        self.set(&self.local_target(keys)?, value)
    }

    /// Renames the key at `keys` (the last of duplicates, the one OpenClaw reads) to `to`:
    /// JSON5 only; `None` when the key is missing or `to` is already a sibling (renaming would
    /// make a duplicate that overrides the user's value).
    fn rename_splice(&self, keys: &[String], to: &str) -> Option<super::edit::Splice> {
        if self.format != Format::Json5 {
            return None;
        }
        let (last, parents) = keys.split_last()?;
        let mut node = &self.root;
        for key in parents {
            node = match &node.value {
                NodeValue::Array(items) => items.get(key.parse::<usize>().ok()?)?,
                _ => &node.get(key)?.value,
            };
        }
        let entries = node.value.as_object()?;
        if entries.iter().any(|e| e.key == to) {
            return None;
        }
        let entry = entries.iter().rev().find(|e| &e.key == last)?;
        Some(json5::rename_splice(&self.text, entry, to))
    }

    /// The text with every edit made at once, when each replaces an existing value of a JSON5
    /// file and no two touch the same bytes: the same text as making them one after another,
    /// without parsing the file again between them. `None`: make them one at a time.
    pub fn with_values(&self, edits: &[(&[String], &EditValue)]) -> Option<String> {
        if self.format != Format::Json5 {
            return None;
        }
        let mut splices = Vec::with_capacity(edits.len());
        for (keys, value) in edits {
            if let EditValue::RenameKey { rename_to } = value {
                splices.push(self.rename_splice(keys, rename_to)?);
                continue;
            }
            let SetTarget::Replace { node, .. } = self.local_target(keys)? else {
                return None;
            };
            splices.push(super::edit::Splice {
                range: node.span.clone(),
                text: json5::render_value(value, quote_of(&node)),
            });
        }
        let mut ranges: Vec<_> = splices.iter().map(|s| s.range.clone()).collect();
        ranges.sort_by_key(|r| (r.start, r.end));
        if ranges.windows(2).any(|w| w[1].start < w[0].end) {
            return None;
        }
        Some(apply_splices(&self.text, &splices))
    }
}
