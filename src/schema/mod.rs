//! OpenClaw's own schema of `openclaw.json`: the bundled 2026.9.6 one (what `openclaw config
//! schema` prints, prepared and split at build time), or another version's with `--schema
//! FILE`. Validation compiles only the parts of the schema the config reaches (prune.rs) with
//! the `jsonschema` crate, and reports each violation the way OpenClaw words it (violation.rs).

pub mod prepare;
pub mod prune;
pub mod violation;

use crate::config::merged::Merged;
use crate::error::{Error, Result};
use serde_json::Value;
use std::path::Path;
pub use violation::{Violation, ViolationKind};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/schema_pieces.rs"));
}

/// The most a `--schema` file may hold (OpenClaw's own is about 2.4 MB).
pub const MAX_SCHEMA_BYTES: u64 = 64 * 1024 * 1024;

/// A schema to judge configs by, and which one it is.
pub struct Schema {
    /// For people: "OpenClaw 2026.9.6 (bundled)", or the `--schema` file.
    pub label: String,
    /// The OpenClaw version it is known to be, when it is.
    pub version: Option<String>,
    root: Value,
    pieces: Pieces,
}

/// Each top-level key's schema as JSON text, parsed lazily (prune.rs).
enum Pieces {
    Bundled(&'static [(&'static str, &'static str)]),
    Owned(Vec<(String, String)>),
}

impl Schema {
    /// OpenClaw 2026.9.6's schema, built into the binary.
    pub fn bundled() -> Schema {
        Schema {
            label: format!("OpenClaw {} (bundled)", bundled::VERSION),
            version: Some(bundled::VERSION.to_string()),
            // Built from valid JSON by build.rs: it parses.
            root: serde_json::from_str(bundled::ROOT).unwrap_or(Value::Bool(true)),
            pieces: Pieces::Bundled(bundled::PIECES),
        }
    }

    /// A schema file (another version's `openclaw config schema`), prepared as the bundled one.
    pub fn from_file(path: &Path) -> Result<Schema> {
        let bytes =
            crate::input::read_bytes(path, MAX_SCHEMA_BYTES, crate::input::Kind("a JSON schema"))?;
        let mut value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            Error::input_at(
                path,
                e.line(),
                e.column(),
                format!("not a JSON schema: {e}"),
            )
        })?;
        if !value.is_object() {
            return Err(Error::input(path, "not a JSON schema (not an object)"));
        }
        prepare::prepare(&mut value);
        let (root, pieces) = prepare::split(value);
        Ok(Schema {
            label: format!("{} (--schema)", path.display()),
            version: None,
            root,
            pieces: Pieces::Owned(
                pieces
                    .into_iter()
                    .map(|(k, v)| (k, v.to_string()))
                    .collect(),
            ),
        })
    }

    /// The schema text of top-level key `key`.
    fn piece(&self, key: &str) -> Option<&str> {
        match &self.pieces {
            Pieces::Bundled(list) => list.iter().find(|(k, _)| *k == key).map(|(_, t)| *t),
            Pieces::Owned(list) => list.iter().find(|(k, _)| k == key).map(|(_, t)| t.as_str()),
        }
    }

    /// Every violation of the merged config; `Err` when the schema itself cannot be compiled
    /// (a broken `--schema` file).
    pub fn validate(&self, merged: &Merged) -> std::result::Result<Vec<Violation>, String> {
        let instance = &merged.value;
        let mut schema = self.root.clone();
        if let (Some(obj), Some(Value::Object(props))) =
            (instance.as_object(), schema.get_mut("properties"))
        {
            let names: Vec<Value> = props.keys().map(|k| Value::String(k.clone())).collect();
            for (key, value) in obj {
                let Some(text) = props.contains_key(key).then(|| self.piece(key)).flatten() else {
                    continue;
                };
                let raw: &serde_json::value::RawValue = serde_json::from_str(text)
                    .map_err(|e| format!("the schema of {key:?} is not JSON: {e}"))?;
                props.insert(key.clone(), prune::prune(raw, &[value]));
            }
            if let Some(root) = schema.as_object_mut() {
                root.insert(prune::KEYS.into(), Value::Array(names));
            }
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .with_pattern_options(jsonschema::PatternOptions::fancy_regex())
            .build(&schema)
            .map_err(|e| format!("the schema does not compile: {e}"))?;
        let mut out: Vec<Violation> = validator
            .iter_errors(instance)
            .flat_map(|e| violation::from_error(&e, &schema))
            .collect();
        violation::non_finite(&mut out, &merged.non_finite, &schema);
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out.dedup_by(|a, b| a.path == b.path && a.message == b.message);
        Ok(out)
    }
}

impl Schema {
    /// A note when the OpenClaw the host runs (`known`: where each version was read, and the
    /// version) is of another release line than the schema that judged: 2026.2.x has no
    /// `openclaw config schema`, so its keys and values may differ.
    pub fn version_note(&self, known: &[(&str, &str)]) -> Option<String> {
        let line = |v: &str| crate::openclaw::version::parse(v).map(|(y, m, _)| (y, m));
        let ours = line(self.version.as_deref()?)?;
        let (source, other) = known
            .iter()
            .find(|(_, v)| line(v).is_some_and(|l| l != ours))?;
        let no_schema = line(other).is_some_and(|l| l < (2026, 3));
        let hint = if no_schema {
            "; 2026.2.x has no `openclaw config schema`, so its keys and values may differ"
        } else {
            "; keys and values may differ: pass --schema FILE (that version's `openclaw config schema`)"
        };
        Some(format!(
            "OpenClaw {other} ({source}) is another release than the schema checks judged against ({}){hint}",
            self.label
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigSet, Document, Env};

    fn violations(text: &str) -> Vec<(String, String)> {
        let doc = Document::parse(Path::new("openclaw.json"), text.to_string()).unwrap();
        let cfg = ConfigSet::from_main(doc).unwrap();
        let merged = cfg.merged(&Env::from_pairs([]));
        Schema::bundled()
            .validate(&merged)
            .unwrap()
            .into_iter()
            .map(|v| (violation::dotted(&v.reported_at), v.message))
            .collect()
    }

    #[test]
    fn openclaws_words_at_openclaws_paths() {
        let got = violations(
            r#"{ gateway: { mode: "local", bind: "local", port: "18789", bnd: 1,
                 auth: { token: "x", headerUser: 1 } }, agents: { defaults: { timeoutSeconds: "5" } },
                 tools: { deny: "x" }, wizard2: {} }"#,
        );
        let want = [
            ("<root>", r#"Unrecognized key: "wizard2""#),
            (
                "agents.defaults.timeoutSeconds",
                "Invalid input: expected number, received string",
            ),
            ("gateway", r#"Unrecognized key: "bnd""#),
            ("gateway.auth", r#"Unrecognized key: "headerUser""#),
            (
                "gateway.bind",
                r#"Invalid input (allowed: "auto", "lan", "loopback", "custom", "tailnet")"#,
            ),
            (
                "gateway.port",
                "Invalid input: expected number, received string",
            ),
            (
                "tools.deny",
                "Invalid input: expected array, received string",
            ),
        ];
        let mut got = got;
        got.sort();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
        assert!(
            violations(r#"{ gateway: { mode: "local", port: 18789, auth: { token: "t" } } }"#)
                .is_empty()
        );
        assert_eq!(
            violations("{ gateway: { port: Infinity, mode: 'local' } }"),
            vec![(
                "gateway.port".to_string(),
                "Invalid input: expected number, received Infinity".to_string()
            )]
        );
    }
}
