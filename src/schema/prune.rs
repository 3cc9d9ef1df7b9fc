//! A schema cut down to what one config can reach, so a run parses and compiles what the
//! config uses rather than all 2.4 MB of OpenClaw's schema. The schema is read lazily from
//! its text: a subschema is parsed only when some value of the config reaches it. Only
//! `properties` entries for keys that no instance at that place has (and that are not
//! `required`) are dropped: such an entry never takes part in validation, so the cut schema
//! accepts and rejects exactly what the whole one does.
//!
//! Each object schema with `properties` keeps the full list of its property names under
//! `x-doctor-keys` (an annotation validators ignore), for the did-you-mean of an unknown key.

use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The keyword under which a pruned object schema lists every property name it allows.
pub const KEYS: &str = "x-doctor-keys";

type RawMap<'a> = BTreeMap<String, &'a RawValue>;

/// `schema` (JSON text) for validating every one of `instances` (all the values it applies
/// to). Text that is not JSON yields `false`, a schema nothing satisfies.
pub fn prune(schema: &RawValue, instances: &[&Value]) -> Value {
    let text = schema.get();
    if !text.trim_start().starts_with('{') {
        return serde_json::from_str(text).unwrap_or(Value::Bool(false));
    }
    let Ok(map) = serde_json::from_str::<RawMap>(text) else {
        return Value::Bool(false);
    };
    let props: Option<RawMap> = map
        .get("properties")
        .and_then(|p| serde_json::from_str(p.get()).ok());
    let required: Vec<String> = map
        .get("required")
        .and_then(|r| serde_json::from_str(r.get()).ok())
        .unwrap_or_default();
    let mut out = Map::new();
    for (keyword, sub) in &map {
        let pruned = match keyword.as_str() {
            "properties" => match &props {
                Some(p) => properties(p, &required, instances),
                None => parse(sub),
            },
            "additionalProperties" if is_object(sub) => {
                prune(sub, &additional_values(props.as_ref(), instances))
            }
            "items" => items(sub, instances),
            "anyOf" | "oneOf" | "allOf" => {
                match serde_json::from_str::<Vec<&RawValue>>(sub.get()) {
                    Ok(branches) => {
                        Value::Array(branches.iter().map(|b| prune(b, instances)).collect())
                    }
                    Err(_) => parse(sub),
                }
            }
            "not" | "if" | "then" | "else" => prune(sub, instances),
            // `$defs` (reached by `$ref` from anywhere), `patternProperties`, `propertyNames`,
            // `dependencies` and everything else: kept whole.
            _ => parse(sub),
        };
        out.insert(keyword.clone(), pruned);
    }
    if let Some(p) = &props {
        let keys = p.keys().map(|k| Value::String(k.clone())).collect();
        out.insert(KEYS.into(), Value::Array(keys));
    }
    Value::Object(out)
}

fn parse(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
}

fn is_object(raw: &RawValue) -> bool {
    raw.get().trim_start().starts_with('{')
}

fn properties(props: &RawMap, required: &[String], instances: &[&Value]) -> Value {
    let mut out = Map::new();
    for (key, sub) in props {
        let values: Vec<&Value> = instances.iter().filter_map(|i| i.get(key)).collect();
        // A required key stays, so a missing one is reported with its type.
        if !values.is_empty() || required.contains(key) {
            out.insert(key.clone(), prune(sub, &values));
        }
    }
    Value::Object(out)
}

/// The values `additionalProperties` applies to: those whose key is not in `properties`
/// (pattern-matched keys are over-approximated: pruning for more values is still exact).
fn additional_values<'a>(props: Option<&RawMap>, instances: &[&'a Value]) -> Vec<&'a Value> {
    instances
        .iter()
        .filter_map(|i| i.as_object())
        .flat_map(|o| o.iter())
        .filter(|(k, _)| !props.is_some_and(|p| p.contains_key(*k)))
        .map(|(_, v)| v)
        .collect()
}

fn items(sub: &RawValue, instances: &[&Value]) -> Value {
    let arrays: Vec<&Vec<Value>> = instances.iter().filter_map(|i| i.as_array()).collect();
    if is_object(sub) {
        // One schema for every item.
        let all: Vec<&Value> = arrays.iter().flat_map(|a| a.iter()).collect();
        return prune(sub, &all);
    }
    match serde_json::from_str::<Vec<&RawValue>>(sub.get()) {
        // A tuple: item i against schema i.
        Ok(schemas) => Value::Array(
            schemas
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let at: Vec<&Value> = arrays.iter().filter_map(|a| a.get(i)).collect();
                    prune(s, &at)
                })
                .collect(),
        ),
        Err(_) => parse(sub),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(v: &Value) -> Box<RawValue> {
        RawValue::from_string(v.to_string()).unwrap()
    }

    #[test]
    fn only_absent_properties_are_dropped() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["a", "r"],
            "properties": {
                "a": {"type": "object", "properties": {"x": {"type": "string"}, "y": {}}},
                "b": {"type": "string"},
                "r": {"type": "number"},
                "list": {"type": "array", "items": {"properties": {"p": {}, "q": {}}}},
                "map": {"additionalProperties": {"properties": {"m": {}, "n": {}}}}
            }
        });
        let inst = json!({"a": {"y": 1}, "list": [{"q": 1}], "map": {"k": {"n": 2}}, "zz": 1});
        let pruned = prune(&raw(&schema), &[&inst]);
        assert_eq!(
            pruned,
            json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["a", "r"],
                "properties": {
                    "a": {"type": "object", "properties": {"y": {}}, KEYS: ["x", "y"]},
                    "r": {"type": "number"},
                    "list": {"type": "array", "items": {"properties": {"q": {}}, KEYS: ["p", "q"]}},
                    "map": {"additionalProperties": {"properties": {"n": {}}, KEYS: ["m", "n"]}}
                },
                KEYS: ["a", "b", "list", "map", "r"]
            })
        );
    }
}
