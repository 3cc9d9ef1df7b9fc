//! Makes OpenClaw's published schema (`openclaw config schema`, draft-07) compile with the
//! `jsonschema` crate without changing what it accepts, and splits it by top-level key so a
//! run compiles only what its config uses. Shared by `build.rs` (the bundled schema) and
//! `--schema FILE` (another version's, at run time).
//!
//! - ECMAScript's `\0` in a pattern becomes `\x00`, the same character: Rust's regex engines
//!   have no `\0` escape.
//! - An embedded schema that carries its own `$defs` (a plugin's config schema) gets an `$id`,
//!   so its `#/$defs/…` references resolve inside it, as they do in the plugin's own file.
//! - Annotations no validator reads (`title`, `description`, `examples`, `default`: nearly half
//!   the bytes) are dropped, so the part a run parses is smaller.

use serde_json::{Map, Value};

pub fn prepare(schema: &mut Value) {
    walk(schema, "");
}

/// Keywords that annotate and never constrain (draft-07 §10).
const ANNOTATIONS: [&str; 4] = ["title", "description", "examples", "default"];

fn walk(value: &mut Value, path: &str) {
    match value {
        Value::Object(map) => {
            // Only in a schema, not in a map of schemas (where a key may be named "title").
            let map_of_schemas = [
                "/properties",
                "/patternProperties",
                "/$defs",
                "/definitions",
            ]
            .iter()
            .any(|m| path.ends_with(m));
            if !map_of_schemas {
                map.retain(|k, _| !ANNOTATIONS.contains(&k.as_str()));
            }
            if !path.is_empty() && map.contains_key("$defs") && !map.contains_key("$id") {
                let id = format!("urn:openclaw-doctor:embedded{}", path.replace('/', "."));
                map.insert("$id".into(), Value::String(id));
            }
            if let Some(Value::String(p)) = map.get_mut("pattern") {
                *p = ecma_to_rust(p);
            }
            if let Some(Value::Object(props)) = map.get_mut("patternProperties") {
                let renamed: Map<String, Value> = std::mem::take(props)
                    .into_iter()
                    .map(|(k, v)| (ecma_to_rust(&k), v))
                    .collect();
                *props = renamed;
            }
            for (k, v) in map.iter_mut() {
                // `const` and `enum` hold data, not schemas: left exactly as written.
                if k != "const" && k != "enum" {
                    walk(v, &format!("{path}/{k}"));
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk(v, &format!("{path}/{i}"));
            }
        }
        _ => {}
    }
}

/// `\0` (not followed by a digit, and not itself an escaped backslash) → `\x00`.
pub fn ecma_to_rust(pattern: &str) -> String {
    let bytes = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            let next = bytes[i + 1];
            let digit_after = bytes.get(i + 2).is_some_and(|b| b.is_ascii_digit());
            if next == b'0' && !digit_after {
                out.push_str("\\x00");
            } else {
                out.push('\\');
                out.push(next as char);
            }
            i += 2;
            continue;
        }
        // Patterns are ASCII in OpenClaw's schema; copy anything else character by character.
        let c = pattern[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(c);
        i += c.len_utf8().max(1);
    }
    out
}

/// The root with every property body replaced by `true`, and the bodies by key.
pub fn split(mut schema: Value) -> (Value, Vec<(String, Value)>) {
    let mut pieces = Vec::new();
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for (k, v) in props.iter_mut() {
            pieces.push((k.clone(), std::mem::replace(v, Value::Bool(true))));
        }
    }
    (schema, pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_annotations_go_and_patterns_become_rust() {
        let mut s = json!({
            "title": "t", "description": "d", "type": "object",
            "properties": {
                "title": {"type": "string", "description": "x", "pattern": "^[^\\0]*$"},
                "c": {"const": {"description": "data"}, "enum": [{"title": 1}]}
            },
            "$defs": {"default": {"type": "number", "default": 1}}
        });
        prepare(&mut s);
        assert_eq!(
            s,
            json!({
                "type": "object",
                "properties": {
                    "title": {"type": "string", "pattern": "^[^\\x00]*$"},
                    "c": {"const": {"description": "data"}, "enum": [{"title": 1}]}
                },
                "$defs": {"default": {"type": "number"}}
            })
        );
        assert_eq!(ecma_to_rust(r"\\0\0\01"), r"\\0\x00\01");
    }
}
