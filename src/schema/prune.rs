//! A schema cut down to what one config can reach, so compiling it costs what the config
//! uses rather than all 2.4 MB of OpenClaw's schema. Only `properties` entries for keys that
//! no instance at that place has are dropped: such an entry never takes part in validation,
//! so the cut schema accepts and rejects exactly what the whole one does.

use serde_json::{Map, Value};

/// `schema` for validating every one of `instances` (all the values it applies to).
pub fn prune(schema: &Value, instances: &[&Value]) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::with_capacity(map.len());
    for (keyword, sub) in map {
        let pruned = match keyword.as_str() {
            "properties" => properties(sub, instances),
            "additionalProperties" if sub.is_object() => {
                prune(sub, &additional_values(map, instances))
            }
            "items" => items(sub, instances),
            "anyOf" | "oneOf" | "allOf" => match sub {
                Value::Array(branches) => {
                    Value::Array(branches.iter().map(|b| prune(b, instances)).collect())
                }
                other => other.clone(),
            },
            "not" | "if" | "then" | "else" => prune(sub, instances),
            // `$defs` (reached by `$ref` from anywhere), `patternProperties`, `propertyNames`,
            // `dependencies` and everything else: kept whole.
            _ => sub.clone(),
        };
        out.insert(keyword.clone(), pruned);
    }
    Value::Object(out)
}

fn properties(props: &Value, instances: &[&Value]) -> Value {
    let Value::Object(props) = props else {
        return props.clone();
    };
    let mut out = Map::new();
    for (key, sub) in props {
        let values: Vec<&Value> = instances.iter().filter_map(|i| i.get(key)).collect();
        if !values.is_empty() {
            out.insert(key.clone(), prune(sub, &values));
        }
    }
    Value::Object(out)
}

/// The values `additionalProperties` applies to: those whose key is not in `properties`
/// (pattern-matched keys are over-approximated: pruning for more values is still exact).
fn additional_values<'a>(schema: &Map<String, Value>, instances: &[&'a Value]) -> Vec<&'a Value> {
    let named = schema.get("properties").and_then(Value::as_object);
    instances
        .iter()
        .filter_map(|i| i.as_object())
        .flat_map(|o| o.iter())
        .filter(|(k, _)| !named.is_some_and(|n| n.contains_key(*k)))
        .map(|(_, v)| v)
        .collect()
}

fn items(sub: &Value, instances: &[&Value]) -> Value {
    let arrays = instances.iter().filter_map(|i| i.as_array());
    match sub {
        // One schema for every item.
        Value::Object(_) => {
            let all: Vec<&Value> = arrays.flat_map(|a| a.iter()).collect();
            prune(sub, &all)
        }
        // A tuple: item i against schema i.
        Value::Array(schemas) => {
            let arrays: Vec<&Vec<Value>> = arrays.collect();
            Value::Array(
                schemas
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let at: Vec<&Value> = arrays.iter().filter_map(|a| a.get(i)).collect();
                        prune(s, &at)
                    })
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_absent_properties_are_dropped() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["a"],
            "properties": {
                "a": {"type": "object", "properties": {"x": {"type": "string"}, "y": {}}},
                "b": {"type": "string"},
                "list": {"type": "array", "items": {"properties": {"p": {}, "q": {}}}},
                "map": {"additionalProperties": {"properties": {"m": {}, "n": {}}}}
            }
        });
        let inst = json!({"a": {"y": 1}, "list": [{"q": 1}], "map": {"k": {"n": 2}}, "zz": 1});
        let pruned = prune(&schema, &[&inst]);
        assert_eq!(
            pruned,
            json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["a"],
                "properties": {
                    "a": {"type": "object", "properties": {"y": {}}},
                    "list": {"type": "array", "items": {"properties": {"q": {}}}},
                    "map": {"additionalProperties": {"properties": {"n": {}}}}
                }
            })
        );
    }
}
