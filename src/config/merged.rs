//! The config as one JSON value, the way OpenClaw 2026.9 builds it before validating: every
//! `$include` merged (`deepMerge`: objects merge, arrays concatenate, scalars from the later
//! source win; sibling keys win over what was included), then `${VAR}` references in strings
//! replaced from the environment (a missing or empty variable leaves `${VAR}` as written,
//! `$${VAR}` is a literal `${VAR}`). Numbers JSON cannot hold (`Infinity`, `NaN`) are listed
//! apart, since OpenClaw rejects them where it expects a number.

use super::set::{ConfigSet, INCLUDE_KEY};
use super::tree::{Node, NodeValue};
use super::{DocId, Env};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The merged value and what could not be put in it.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    pub value: Value,
    /// Key paths of `Infinity` / `NaN` values (as written), which stand as `null` in `value`.
    pub non_finite: Vec<(Vec<String>, String)>,
}

/// The merged value, without and with `${VAR}` substituted (for the one environment asked
/// last): a 10,000-line config costs milliseconds to merge, and every family reads it.
#[derive(Debug, Default)]
pub struct Cache {
    raw: std::sync::OnceLock<Arc<Merged>>,
    substituted: std::sync::Mutex<Option<(Env, Arc<Merged>)>>,
}

/// A copy of a config starts with an empty cache (it is rebuilt on first use).
impl Clone for Cache {
    fn clone(&self) -> Self {
        Cache::default()
    }
}

impl ConfigSet {
    /// The whole config as OpenClaw validates it (see the module comment).
    pub fn merged(&self, env: &Env) -> Arc<Merged> {
        let cache = &self.merged_cache.substituted;
        if let Ok(slot) = cache.lock()
            && let Some((seen, merged)) = slot.as_ref()
            && seen == env
        {
            return merged.clone();
        }
        let raw = self.merged_raw();
        // Nothing to substitute (the usual case): share the raw value instead of a copy.
        let out = if any_dollar(&raw.value) {
            let mut out = Merged::clone(&raw);
            substitute(&mut out.value, env);
            Arc::new(out)
        } else {
            raw
        };
        if let Ok(mut slot) = cache.lock() {
            *slot = Some((env.clone(), out.clone()));
        }
        out
    }

    /// Includes merged, `${VAR}` left as written (what OpenClaw reads its `env` entries from).
    pub fn merged_raw(&self) -> Arc<Merged> {
        self.merged_cache
            .raw
            .get_or_init(|| {
                let mut out = Merged::default();
                out.value = self.node_value(0, &self.docs[0].root, &mut Vec::new(), &mut out);
                Arc::new(out)
            })
            .clone()
    }

    fn node_value(
        &self,
        doc: DocId,
        node: &Node,
        path: &mut Vec<String>,
        out: &mut Merged,
    ) -> Value {
        match &node.value {
            NodeValue::Object(entries) => {
                let mut own = Map::new();
                for e in entries.iter().filter(|e| e.key != INCLUDE_KEY) {
                    path.push(e.key.clone());
                    // The last duplicate wins, as in JSON5 and OpenClaw.
                    own.insert(e.key.clone(), self.node_value(doc, &e.value, path, out));
                    path.pop();
                }
                let included = self.included(doc, node);
                if included.is_empty() {
                    return Value::Object(own);
                }
                let mut merged = Value::Object(Map::new());
                for id in included {
                    let root = self.node_value(id, &self.docs[id].root, path, out);
                    deep_merge(&mut merged, root);
                }
                if node.get(INCLUDE_KEY).is_some() && own.is_empty() {
                    return merged;
                }
                deep_merge(&mut merged, Value::Object(own));
                merged
            }
            NodeValue::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        path.push(i.to_string());
                        let v = self.node_value(doc, item, path, out);
                        path.pop();
                        v
                    })
                    .collect(),
            ),
            NodeValue::Number {
                value: Some(v),
                raw,
            } if !v.is_finite() => {
                out.non_finite
                    .push((path.clone(), non_finite_name(raw, *v)));
                Value::Null
            }
            NodeValue::Number { value: None, raw } => {
                out.non_finite.push((path.clone(), raw.clone()));
                Value::Null
            }
            other => other.to_json(),
        }
    }
}

/// `Infinity`, `-Infinity` or `NaN`, as OpenClaw's messages name them.
fn non_finite_name(raw: &str, v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v < 0.0 {
        "-Infinity".into()
    } else if raw.trim_start_matches('+').eq_ignore_ascii_case("infinity") {
        "Infinity".into()
    } else {
        raw.to_string()
    }
}

/// OpenClaw's `deepMerge(target, source)`: objects merge recursively, arrays concatenate,
/// anything else from `source` replaces.
pub fn deep_merge(target: &mut Value, source: Value) {
    match (target, source) {
        (Value::Object(t), Value::Object(s)) => {
            for (k, v) in s {
                match t.get_mut(&k) {
                    Some(existing) => deep_merge(existing, v),
                    None => {
                        t.insert(k, v);
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(s)) => t.extend(s),
        (t, s) => *t = s,
    }
}

/// `${NAME}` (NAME = `[A-Z_][A-Z0-9_]*`) in every string, from `env`; missing or empty
/// variables stay as written; `$${NAME}` is the literal `${NAME}`.
pub fn substitute(value: &mut Value, env: &Env) {
    match value {
        Value::String(s) if s.contains('$') => *s = substitute_str(s, env),
        Value::Array(items) => items.iter_mut().for_each(|i| substitute(i, env)),
        Value::Object(map) => map.values_mut().for_each(|v| substitute(v, env)),
        _ => {}
    }
}

fn any_dollar(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('$'),
        Value::Array(items) => items.iter().any(any_dollar),
        Value::Object(map) => map.values().any(any_dollar),
        _ => false,
    }
}

pub fn substitute_str(s: &str, env: &Env) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        let (escaped, body) = match at.strip_prefix("$${") {
            Some(b) => (true, b),
            None => (false, at.strip_prefix("${").unwrap_or("")),
        };
        let name = body
            .find('}')
            .map(|end| &body[..end])
            .filter(|n| is_env_name(n));
        match name {
            Some(name) => {
                let token_len = if escaped { 3 } else { 2 } + name.len() + 1;
                match env.get(name).filter(|v| !v.is_empty()) {
                    Some(v) if !escaped => out.push_str(v),
                    _ => {
                        out.push_str("${");
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &at[token_len..];
            }
            None => {
                out.push('$');
                rest = &at[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn substitution_is_openclaws() {
        let e = env(&[("PORT", "18789"), ("EMPTY", ""), ("lower", "x")]);
        assert_eq!(substitute_str("ws://h:${PORT}/x", &e), "ws://h:18789/x");
        assert_eq!(
            substitute_str("${MISSING}-${EMPTY}", &e),
            "${MISSING}-${EMPTY}"
        );
        assert_eq!(substitute_str("$${PORT}", &e), "${PORT}");
        assert_eq!(
            substitute_str("${lower} $ ${ } ${PORT", &e),
            "${lower} $ ${ } ${PORT"
        );
        assert_eq!(substitute_str("a$$b ${PORT}${PORT}", &e), "a$$b 1878918789");
    }

    #[test]
    fn merge_concatenates_arrays_and_replaces_scalars() {
        let mut t = serde_json::json!({"a": {"x": 1, "l": [1]}, "s": "old"});
        deep_merge(
            &mut t,
            serde_json::json!({"a": {"y": 2, "l": [2]}, "s": "new"}),
        );
        assert_eq!(
            t,
            serde_json::json!({"a": {"x": 1, "l": [1, 2], "y": 2}, "s": "new"})
        );
    }
}
