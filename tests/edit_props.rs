//! Property tests of the document layer: for generated JSON5 and TOML documents (comments,
//! odd white space, every string and number syntax, CRLF, nesting), setting an existing or a
//! new key changes only that value's bytes (or adds one entry), the result parses to the same
//! data with only that key changed, and no input panics.

use openclaw_doctor::config::tree::NodeValue;
use openclaw_doctor::config::{ConfigSet, Document, EditValue};
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("gateway".to_string()),
        Just("bind".to_string()),
        Just("remote".to_string()),
        Just("url".to_string()),
        "[a-z][a-zA-Z0-9_]{0,6}"
    ]
}

fn json5_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ./:-]{0,12}".prop_map(|s| format!("\"{s}\"")),
        "[a-zA-Z0-9 ./:-]{0,12}".prop_map(|s| format!("'{s}'")),
        Just("'it\\'s'".to_string()),
        Just("\"\\u00e9\\n\"".to_string()),
        (0u32..100000).prop_map(|n| n.to_string()),
        (0u32..4096).prop_map(|n| format!("0x{n:X}")),
        Just("+1".to_string()),
        Just(".5".to_string()),
        Just("Infinity".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
    ]
}

fn trivia() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" ".to_string()),
        Just("\n  ".to_string()),
        Just("\r\n\t".to_string()),
        Just(" /* c */ ".to_string()),
        Just(" // line\n ".to_string()),
        Just("".to_string())
    ]
}

/// A JSON5 object with unique keys, nested up to `depth`.
fn json5_object(depth: u32) -> BoxedStrategy<String> {
    let value = if depth == 0 {
        json5_scalar().boxed()
    } else {
        prop_oneof![3 => json5_scalar(), 1 => json5_object(depth - 1)].boxed()
    };
    proptest::collection::btree_map(key(), (value, trivia(), any::<bool>()), 0..5)
        .prop_flat_map(|entries| (Just(entries), any::<bool>(), trivia()))
        .prop_map(|(entries, trailing, ws)| {
            let parts: Vec<String> = entries
                .into_iter()
                .map(|(k, (v, t, quoted))| {
                    if quoted {
                        format!("{t}\"{k}\": {v}")
                    } else {
                        format!("{t}{k}: {v}")
                    }
                })
                .collect();
            let comma = if trailing && !parts.is_empty() {
                ","
            } else {
                ""
            };
            format!("{{{}{comma}{ws}}}", parts.join(","))
        })
        .boxed()
}

fn data(doc: &Document) -> Value {
    doc.root.value.to_json()
}

fn remove_path(v: &mut Value, path: &[String]) {
    if let Some((last, parents)) = path.split_last() {
        let mut cur = v;
        for p in parents {
            match cur.get_mut(p) {
                Some(next) => cur = next,
                None => return,
            }
        }
        if let Some(obj) = cur.as_object_mut() {
            obj.remove(last);
        }
    }
}

fn check_edit(text: &str, path: &[String], new: &str, name: &str) -> Result<(), TestCaseError> {
    let Ok(doc) = Document::parse(Path::new(name), text.to_string()) else {
        return Ok(()); // generated text the strict parser rejects: nothing to edit
    };
    let before = data(&doc);
    let existing = ConfigSet::from_main(doc.clone()).ok().and_then(|s| {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        s.get(&keys).map(|at| at.node.span.clone())
    });
    let Some(out) = doc.with_value(path, &EditValue::String(new.to_string())) else {
        return Ok(()); // a key on the path is not an object: refused, never a panic
    };
    if std::env::var("EDIT_PROPS_TRACE").is_ok() {
        eprintln!("EDITED {name} existing={}", existing.is_some());
    }
    let after_doc = Document::parse(Path::new(name), out.clone())
        .map_err(|e| TestCaseError::fail(format!("{e}\n{out}")))?;
    let set =
        ConfigSet::from_main(after_doc.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    let got = set
        .get(&keys)
        .ok_or_else(|| TestCaseError::fail(format!("key missing after edit:\n{out}")))?;
    prop_assert_eq!(got.node.value.as_str(), Some(new));
    // Only that key changed in the data.
    let (mut a, mut b) = (before, data(&after_doc));
    remove_path(&mut a, path);
    remove_path(&mut b, path);
    // A new key may have created empty parents: compare without them only if it was absent.
    if let Some(span) = existing {
        prop_assert_eq!(a, b);
        // And only the value's bytes changed.
        prop_assert_eq!(&out[..span.start], &text[..span.start]);
        let tail = text.len() - span.end;
        prop_assert_eq!(&out[out.len() - tail..], &text[span.end..]);
    } else {
        prop_assert!(out.len() > text.len());
    }
    let _ = NodeValue::Null;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn json5_edits_change_only_the_edited_value(doc in json5_object(3), path in proptest::collection::vec(key(), 1..4), new in "[a-zA-Z0-9 :/.'\"\\\\]{0,16}", crlf in any::<bool>(), bom in any::<bool>()) {
        let mut text = if crlf { doc.replace('\n', "\r\n") } else { doc };
        if bom {
            text.insert(0, '\u{feff}');
        }
        check_edit(&text, &path, &new, "c.json5")?;
    }

    #[test]
    fn toml_edits_change_only_the_edited_value(entries in proptest::collection::btree_map("[a-d]", ("[a-zA-Z0-9 ./:-]{0,10}", any::<bool>(), any::<bool>()), 0..5), path in prop_oneof![3 => "[a-d]".prop_map(|k| vec!["gateway".to_string(), k]), 1 => proptest::collection::vec(prop_oneof![Just("gateway".to_string()), "[a-z]{1,6}"], 1..3)], new in "[a-zA-Z0-9 :/.]{0,16}") {
        let mut text = String::from("# generated\n[gateway]\n");
        for (k, (v, literal, comment)) in &entries {
            let value = if *literal { format!("'{v}'") } else { format!("\"{v}\"") };
            let c = if *comment { "  # why" } else { "" };
            text.push_str(&format!("{k} = {value}{c}\n"));
        }
        check_edit(&text, &path, &new, "c.toml")?;
    }

    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for name in ["c.json", "c.toml"] {
            if let Ok(doc) = Document::parse(Path::new(name), text.clone()) {
                let _ = doc.with_value(&["gateway".into(), "bind".into()], &EditValue::String("lan".into()));
            }
        }
    }
}
