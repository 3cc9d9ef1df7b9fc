//! A schema violation as OpenClaw reports it: the key path, and the words of `openclaw config
//! validate` (zod's: `Unrecognized key: "x"`, `Invalid input (allowed: "a", "b")`, `Invalid
//! input: expected number, received string`, `Too small: expected number to be >=1 (minimum:
//! 1)`…), recorded from the real 2026.9.6 in fixtures/oracle.

use jsonschema::error::{TypeKind, ValidationErrorKind as K};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Where the doctor points: the offending value, or for an unknown or missing key the key.
    pub path: Vec<String>,
    /// The path OpenClaw names in its issue (for an unknown key, the object holding it).
    pub reported_at: Vec<String>,
    pub kind: ViolationKind,
    /// OpenClaw's words.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ViolationKind {
    /// `key` is not allowed here; `allowed` are the keys that are.
    UnknownKey {
        key: String,
        allowed: Vec<String>,
    },
    /// A required key is absent.
    Missing,
    Type,
    /// Not one of the allowed values.
    Value {
        allowed: Vec<Value>,
    },
    /// Outside a minimum or maximum (value, length, item count).
    Range,
    /// Anything else (a union that matches no branch, a pattern, a format).
    Invalid,
}

/// JSON pointer `/a/b~1c` → `["a", "b/c"]`.
fn segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The schema at a JSON pointer inside `schema`.
fn at<'a>(schema: &'a Value, pointer: &[String]) -> Option<&'a Value> {
    pointer.iter().try_fold(schema, |s, seg| match s {
        Value::Object(m) => m.get(seg),
        Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

fn received(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn json_type(t: jsonschema::JsonType) -> &'static str {
    use jsonschema::JsonType as T;
    match t {
        T::Array => "array",
        T::Boolean => "boolean",
        T::Integer => "int",
        T::Null => "null",
        T::Number => "number",
        T::Object => "object",
        T::String => "string",
    }
}

/// `"a", "b"` / `true, false`, as OpenClaw lists allowed values.
fn listed(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The consts (or enum values) of a union whose every branch is one, else `None`.
fn union_consts(branches: &Value) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    for b in branches.as_array()? {
        if let Some(c) = b.get("const") {
            out.push(c.clone());
        } else {
            out.extend(b.get("enum")?.as_array()?.iter().cloned());
        }
    }
    Some(out)
}

/// One error of the validator as OpenClaw's issues (an unknown-keys error is one per key).
pub fn from_error(e: &jsonschema::ValidationError, schema: &Value) -> Vec<Violation> {
    let path = segments(e.instance_path().as_str());
    let schema_path = segments(e.schema_path().as_str());
    let parent = &schema_path[..schema_path.len().saturating_sub(1)];
    let instance = e.instance();
    let one = |kind, message: String| {
        vec![Violation {
            path: path.clone(),
            reported_at: path.clone(),
            kind,
            message,
        }]
    };
    match e.kind() {
        K::AdditionalProperties { unexpected } => {
            unknown_keys(&path, unexpected, at(schema, parent))
        }
        K::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => vec![*t],
                TypeKind::Multiple(set) => set.iter().collect(),
            };
            let names: Vec<&str> = expected
                .iter()
                .map(|t| match (json_type(*t), instance.as_ref()) {
                    // zod's int() says "expected int" only for a number that is not one.
                    ("int", v) if !v.is_number() => "number",
                    (n, _) => n,
                })
                .collect();
            let mut message = format!(
                "Invalid input: expected {}, received {}",
                names.join(" | "),
                received(instance)
            );
            if names == ["boolean"] {
                message.push_str(" (allowed: true, false)");
            }
            one(ViolationKind::Type, message)
        }
        K::Required { property } => {
            let key = property.as_str().unwrap_or_default().to_string();
            let expected = at(schema, parent)
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(&key))
                .and_then(|s| s.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("value");
            let mut p = path.clone();
            p.push(key);
            vec![Violation {
                path: p.clone(),
                reported_at: p,
                kind: ViolationKind::Missing,
                message: format!("Invalid input: expected {expected}, received undefined"),
            }]
        }
        K::Constant { expected_value } => {
            let allowed = vec![expected_value.as_ref().clone()];
            let message = format!("Invalid input (allowed: {})", listed(&allowed));
            one(ViolationKind::Value { allowed }, message)
        }
        K::Enum { options } => {
            let allowed = options.as_array().cloned().unwrap_or_default();
            let message = format!("Invalid input (allowed: {})", listed(&allowed));
            one(ViolationKind::Value { allowed }, message)
        }
        K::AnyOf { context } | K::OneOfNotValid { context } => {
            if let Some(allowed) = at(schema, &schema_path).and_then(union_consts) {
                let message = format!("Invalid input (allowed: {})", listed(&allowed));
                return one(ViolationKind::Value { allowed }, message);
            }
            // As zod reports a discriminated union: the errors of the one branch whose type
            // and discriminator the value has (`{source: "env", id: "x"}` → the id's error).
            let matching: Vec<&Vec<jsonschema::ValidationError>> = context
                .iter()
                .filter(|b| branch_matches(b, &path))
                .collect();
            match matching.as_slice() {
                [branch] => branch.iter().flat_map(|e| from_error(e, schema)).collect(),
                _ => one(ViolationKind::Invalid, "Invalid input".into()),
            }
        }
        kind => {
            let (k, message) = bound(kind).unwrap_or((ViolationKind::Invalid, other(kind)));
            one(k, message)
        }
    }
}

/// One violation per unexpected key, with the keys the object's schema allows.
fn unknown_keys(path: &[String], unexpected: &[String], schema: Option<&Value>) -> Vec<Violation> {
    let allowed: Vec<String> = schema
        .and_then(|s| s.get(super::prune::KEYS))
        .and_then(Value::as_array)
        .map(|keys| {
            keys.iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    unexpected
        .iter()
        .map(|key| {
            let mut p = path.to_vec();
            p.push(key.clone());
            Violation {
                path: p,
                reported_at: path.to_vec(),
                kind: ViolationKind::UnknownKey {
                    key: key.clone(),
                    allowed: allowed.clone(),
                },
                message: format!("Unrecognized key: {}", Value::String(key.clone())),
            }
        })
        .collect()
}

/// Whether a union branch is the one the value is meant for: it fails only below the value,
/// not on the value's own type or on a literal (a discriminator such as `source`).
fn branch_matches(errors: &[jsonschema::ValidationError], path: &[String]) -> bool {
    !errors.iter().any(|e| match e.kind() {
        K::Type { .. } => segments(e.instance_path().as_str()) == path,
        K::Constant { .. } | K::Enum { .. } | K::FalseSchema => true,
        K::AnyOf { context } | K::OneOfNotValid { context } => {
            !context.iter().any(|b| branch_matches(b, path))
        }
        _ => false,
    })
}

/// Minimum and maximum errors, in zod's words.
fn bound(kind: &K) -> Option<(ViolationKind, String)> {
    let r = ViolationKind::Range;
    Some(match kind {
        K::Minimum { limit } => (
            r,
            format!("Too small: expected number to be >={limit} (minimum: {limit})"),
        ),
        K::Maximum { limit } => (
            r,
            format!("Too big: expected number to be <={limit} (maximum: {limit})"),
        ),
        K::ExclusiveMinimum { limit } => (r, format!("Too small: expected number to be >{limit}")),
        K::ExclusiveMaximum { limit } => (r, format!("Too big: expected number to be <{limit}")),
        K::MinLength { limit } => (
            r,
            format!("Too small: expected string to have >={limit} characters"),
        ),
        K::MaxLength { limit } => (
            r,
            format!("Too big: expected string to have <={limit} characters"),
        ),
        K::MinItems { limit } => (
            r,
            format!("Too small: expected array to have >={limit} items"),
        ),
        K::MaxItems { limit } => (
            r,
            format!("Too big: expected array to have <={limit} items"),
        ),
        _ => return None,
    })
}

fn other(kind: &K) -> String {
    match kind {
        K::Pattern { pattern } => format!("Invalid string: must match pattern /{pattern}/"),
        K::Format { format } if format == "uri" => "Invalid URL".into(),
        K::Format { format } => format!("Invalid {format}"),
        _ => "Invalid input".into(),
    }
}

/// `Infinity` / `NaN` stood as `null` in the instance: their violations are OpenClaw's
/// "expected number, received Infinity" where a number belongs, and "Invalid input" elsewhere.
pub fn non_finite(out: &mut Vec<Violation>, values: &[(Vec<String>, String)], schema: &Value) {
    for (path, name) in values {
        out.retain(|v| &v.path != path);
        let wants_number = schema_for(schema, path)
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            .is_some_and(|t| t == "number" || t == "integer");
        let message = if wants_number {
            format!("Invalid input: expected number, received {name}")
        } else {
            "Invalid input".to_string()
        };
        out.push(Violation {
            path: path.clone(),
            reported_at: path.clone(),
            kind: ViolationKind::Type,
            message,
        });
    }
}

/// The subschema that applies to the value at a key path, following `properties`, `items`
/// and `additionalProperties` (enough for the scalar places `Infinity` can be written).
fn schema_for<'a>(schema: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(schema, |s, key| {
        s.get("properties")
            .and_then(|p| p.get(key))
            .or_else(|| s.get("items").filter(|_| key.parse::<usize>().is_ok()))
            .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))
    })
}

/// OpenClaw's dotted form of a path (`<root>` for the top level).
pub fn dotted(path: &[String]) -> String {
    if path.is_empty() {
        "<root>".into()
    } else {
        path.join(".")
    }
}
