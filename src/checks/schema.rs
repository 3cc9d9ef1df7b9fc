//! The whole config against OpenClaw's own schema (`schema.*`): every violation is an error
//! at the file, line and column of the offending key or value, in OpenClaw's words, with a
//! did-you-mean for an unknown key. A path another check already explains (a bind mode, a
//! legacy key, a type the gateway checks) is left to that check.

use super::{Finding, Location, Proposal, Severity};
use crate::config::tree::{Node, NodeValue};
use crate::config::{ConfigSet, EditValue, Format};
use crate::schema::{Schema, Violation, ViolationKind};

pub fn check(
    cfg: &ConfigSet,
    merged: &crate::config::merged::Merged,
    schema: &Schema,
    existing: &[Finding],
    out: &mut Vec<Finding>,
) {
    let violations = match schema.validate(merged) {
        Ok(v) => v,
        Err(e) => {
            out.push(
                Finding::new(
                    "schema.invalid",
                    Severity::Error,
                    format!(
                        "{}: {e}; the config was not checked against it",
                        schema.label
                    ),
                )
                .hint("pass the output of `openclaw config schema` as --schema FILE"),
            );
            return;
        }
    };
    let explained = |path: &str| {
        existing.iter().any(|f| {
            // `config.type_error` on the whole document carries no path.
            let at = f.path.as_deref().unwrap_or("");
            f.severity == Severity::Error && at == path
        })
    };
    let schema_ok = violations.is_empty();
    let contested = contested_renames(&violations);
    for v in violations {
        // The finding's key path, `""` for the top level as everywhere in the report.
        let dotted = v.path.join(".");
        if !explained(&dotted) {
            out.push(finding(cfg, &merged.value, schema, &contested, v, dotted));
        }
    }
    for rule in super::rules::broken(&merged.value, schema_ok) {
        if explained(rule.path) {
            continue;
        }
        let keys: Vec<String> = rule.path.split('.').map(str::to_string).collect();
        out.push(
            Finding::new(
                "schema.rule",
                Severity::Error,
                format!(
                    "{}: {} — OpenClaw rejects the whole config (a rule of its validator)",
                    rule.path, rule.message
                ),
            )
            .path(rule.path)
            .at(locate(cfg, &keys))
            .hint("change the value as the message says"),
        );
    }
}

/// An object and the key name that renames would give: two unknown keys of one object that
/// both look like the same allowed key (`Port`, `prot`) are renamed neither, since one would
/// override the other.
type RenameTarget = (Vec<String>, String);

fn contested_renames(violations: &[Violation]) -> Vec<RenameTarget> {
    let mut seen: Vec<RenameTarget> = Vec::new();
    let mut contested = Vec::new();
    for v in violations {
        let ViolationKind::UnknownKey { key, allowed } = &v.kind else {
            continue;
        };
        let (Some(meant), Some((_, parent))) = (did_you_mean(key, allowed), v.path.split_last())
        else {
            continue;
        };
        let target = (parent.to_vec(), meant);
        if seen.contains(&target) {
            contested.push(target);
        } else {
            seen.push(target);
        }
    }
    contested
}

fn finding(
    cfg: &ConfigSet,
    merged: &serde_json::Value,
    schema: &Schema,
    contested: &[RenameTarget],
    v: Violation,
    dotted: String,
) -> Finding {
    let reported = crate::schema::violation::dotted(&v.reported_at);
    let mut fix = None;
    let (id, hint) = match &v.kind {
        ViolationKind::UnknownKey { key, allowed } => {
            let meant = did_you_mean(key, allowed);
            let parent = v
                .path
                .split_last()
                .map(|(_, p)| p.to_vec())
                .unwrap_or_default();
            let is_contested = |m: &String| contested.contains(&(parent.clone(), m.clone()));
            // A key that does not look secret renamed to one that does: its value would show
            // unredacted in the patch and the diff.
            let hides_secret =
                |m: &String| crate::redact::is_secret_key(m) && !crate::redact::is_secret_key(key);
            fix = meant
                .as_ref()
                .filter(|m| !is_contested(m) && !hides_secret(m))
                .and_then(|m| rename(cfg, merged, &v.path, m));
            let hint = match meant {
                Some(m) if sibling_set(merged, &v.path, &m) => format!(
                    "did you mean {m:?}? It is set already next to this key: keep the one you mean and delete the other"
                ),
                Some(m) if is_contested(&m) => format!(
                    "did you mean {m:?}? Another key here looks like it too: rename the one you mean by hand"
                ),
                Some(m) if hides_secret(&m) => format!(
                    "did you mean {m:?}? Rename it by hand (not patched: the value would be shown)"
                ),
                Some(m) => format!(
                    "did you mean {m:?}? OpenClaw rejects the whole config for one unknown key"
                ),
                None => format!(
                    "remove it or move it where it belongs; keys allowed here: {}",
                    short_list(allowed)
                ),
            };
            ("schema.unknown_key", hint)
        }
        ViolationKind::Missing => ("schema.missing", "add it".to_string()),
        ViolationKind::Type => ("schema.type", "write a value of the expected type".into()),
        ViolationKind::Value { .. } => ("schema.value", "use one of the allowed values".into()),
        ViolationKind::Range => ("schema.range", "use a value within the bounds".into()),
        ViolationKind::Invalid => (
            "schema.invalid",
            format!("see `openclaw config schema` for what {reported} accepts"),
        ),
    };
    let location = match v.kind {
        ViolationKind::Missing => locate(cfg, &v.path[..v.path.len().saturating_sub(1)]),
        _ => locate(cfg, &v.path),
    };
    Finding::new(
        id,
        Severity::Error,
        format!(
            "{reported}: {} — OpenClaw rejects the whole config ({})",
            v.message, schema.label
        ),
    )
    .path(&dotted)
    .at(location)
    .hint(hint)
    .fix(fix)
}

/// Whether key `name` is set in the merged object that holds `path`'s last key.
fn sibling_set(merged: &serde_json::Value, path: &[String], name: &str) -> bool {
    let Some((_, parent)) = path.split_last() else {
        return false;
    };
    let mut at = Some(merged);
    for seg in parent {
        at = at.and_then(|v| match v {
            serde_json::Value::Array(items) => items.get(seg.parse::<usize>().ok()?),
            other => other.get(seg),
        });
    }
    at.and_then(|v| v.get(name)).is_some()
}

/// A patch renaming an unknown key to the one it clearly meant, value kept: only in a JSON5
/// file, only where the key's file and place are certain (an array that includes concatenate
/// is not), and never when the meant key is already set there (that would override it).
fn rename(
    cfg: &ConfigSet,
    merged: &serde_json::Value,
    path: &[String],
    to: &str,
) -> Option<Proposal> {
    if sibling_set(merged, path, to) {
        return None;
    }
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    // The deepest object path the merged lookup finds, then array items by hand.
    let (n, doc, mut local) = (0..=keys.len()).rev().find_map(|n| match n {
        0 => Some((0, 0, Vec::new())),
        _ => cfg
            .get(&keys[..n])
            .and_then(|_| cfg.edit_location(&keys[..n]))
            .map(|(doc, local)| (n, doc, local)),
    })?;
    let d = &cfg.docs[doc];
    if d.format != Format::Json5 {
        return None;
    }
    let mut node = match n {
        0 => &d.root,
        _ => cfg.get(&keys[..n])?.node,
    };
    let mut merged_at = keys[..n].iter().try_fold(merged, |v, k| v.get(k))?;
    for seg in &keys[n..] {
        let (next, next_merged) = match (&node.value, merged_at) {
            (NodeValue::Array(items), serde_json::Value::Array(all)) => {
                // Items from other files are in the merged array too: indexes would not match.
                if items.len() != all.len() {
                    return None;
                }
                let i = seg.parse::<usize>().ok()?;
                (items.get(i)?, all.get(i)?)
            }
            (NodeValue::Object(_), m) => (&node.get(seg)?.value, m.get(seg)?),
            _ => return None,
        };
        node = next;
        merged_at = next_merged;
        local.push(seg.to_string());
    }
    let value = EditValue::RenameKey {
        rename_to: to.to_string(),
    };
    d.with_value(&local, &value)?;
    Some(Proposal {
        doc,
        keys: local,
        file: d.path.clone(),
        path: path.join("."),
        from: Some(node.value.display()),
        from_value: Some(node.value.to_json()),
        to: value,
    })
}

/// The allowed key a typo most likely meant: the same letters in another case, else the one
/// closest by edit distance when it is clearly closest.
pub fn did_you_mean(key: &str, allowed: &[String]) -> Option<String> {
    let lower = key.to_ascii_lowercase();
    if let Some(m) = allowed.iter().find(|a| a.to_ascii_lowercase() == lower) {
        return Some(m.clone());
    }
    let mut scored: Vec<(f64, &String)> = allowed
        .iter()
        .map(|a| {
            let s = strsim::normalized_damerau_levenshtein(&lower, &a.to_ascii_lowercase());
            (s, a)
        })
        .filter(|(s, _)| *s >= 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(best, m), rest @ ..] if rest.first().is_none_or(|(s, _)| best - s >= 0.1) => {
            Some((*m).clone())
        }
        _ => None,
    }
}

fn short_list(keys: &[String]) -> String {
    if keys.len() <= 12 {
        keys.join(", ")
    } else {
        format!("{}, … ({} in all)", keys[..12].join(", "), keys.len())
    }
}

/// Where a key path is written: the key of an object entry, the item of an array; the
/// nearest enclosing place that exists when the path ends inside a merged array.
pub(super) fn locate(cfg: &ConfigSet, path: &[String]) -> Option<Location> {
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    for n in (0..=keys.len()).rev() {
        let Some(at) = cfg
            .get(&keys[..n])
            .or_else(|| (n == 0).then(|| root(cfg)).flatten())
        else {
            continue;
        };
        let doc = &cfg.docs[at.doc];
        // Descend the rest by hand (array indexes, which the merged lookup does not take).
        let (node, mut offset) = (
            at.node,
            at.key_span.map(|s| s.start).unwrap_or(at.node.span.start),
        );
        let mut node: &Node = node;
        for seg in &keys[n..] {
            match &node.value {
                NodeValue::Array(items) => {
                    match seg.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        Some(item) => {
                            node = item;
                            offset = item.span.start;
                        }
                        None => break,
                    }
                }
                NodeValue::Object(_) => match node.get(seg) {
                    Some(e) => {
                        offset = e.key_span.start;
                        node = &e.value;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        let (line, column) = doc.position(offset);
        return Some(Location {
            file: doc.path.clone(),
            line,
            column,
        });
    }
    None
}

fn root(cfg: &ConfigSet) -> Option<crate::config::Located<'_>> {
    Some(crate::config::Located {
        doc: 0,
        node: &cfg.docs[0].root,
        key_span: None,
    })
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn did_you_mean_only_when_clear() {
        let allowed: Vec<String> = ["bind", "port", "mode", "customBindHost", "trustedProxies"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(did_you_mean("bnd", &allowed).as_deref(), Some("bind"));
        assert_eq!(
            did_you_mean("customBindhost", &allowed).as_deref(),
            Some("customBindHost")
        );
        assert_eq!(
            did_you_mean("trustedProxy", &allowed).as_deref(),
            Some("trustedProxies")
        );
        assert_eq!(did_you_mean("headerUser", &allowed), None);
        assert_eq!(did_you_mean("pode", &allowed).as_deref(), Some("mode"));
        // As close to "host" as to "port": no guess.
        let two = ["host".to_string(), "port".to_string()];
        assert_eq!(did_you_mean("pist", &two), None);
    }
}
