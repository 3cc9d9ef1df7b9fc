//! Property tests of the document layer: for generated JSON5 and TOML documents (comments,
//! odd white space, every string and number syntax, CRLF, nesting), setting an existing or a
//! new key changes only that value's bytes, or inserts one entry and keeps every original byte
//! (the old text is the new one with the inserted span removed); the result parses to the old
//! data with exactly that key set; an edit is refused exactly when the path crosses a value
//! that is not an object; and no input panics. Every generated document must parse, and each
//! property counts its cases by kind and fails unless at least 80% were really edited (a
//! generator drifting into unparsable text or refused paths would check nothing).

use openclaw_doctor::config::{ConfigSet, Document, EditValue};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseResult, TestRunner};
use serde_json::Value;
use std::cell::RefCell;
use std::path::Path;

const CASES: u32 = 400;

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

/// `v` with `path` set to the string `new`, creating the missing objects on the way.
fn with_path(mut v: Value, path: &[String], new: &str) -> Value {
    let mut cur = &mut v;
    for (i, key) in path.iter().enumerate() {
        let obj = cur.as_object_mut().expect("the path only crosses objects");
        if i + 1 == path.len() {
            obj.insert(key.clone(), Value::String(new.to_string()));
            break;
        }
        cur = obj
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    v
}

/// What an edit of `path` must do to a document holding `data`, from the data alone.
#[derive(Debug, PartialEq, Clone, Copy)]
enum Expect {
    /// The path crosses a value that is not an object (or, in TOML, ends at a table).
    Refused,
    /// The key exists: its value is replaced.
    Replace,
    /// A key on the path is missing: one entry is inserted.
    Insert,
}

fn expect(data: &Value, path: &[String], toml: bool) -> Expect {
    let mut cur = data;
    for key in path {
        let Some(obj) = cur.as_object() else {
            return Expect::Refused;
        };
        match obj.get(key) {
            Some(next) => cur = next,
            None => return Expect::Insert,
        }
    }
    // A `[table]` has no single span to overwrite: replacing a TOML table is refused.
    if toml && (cur.is_object() || cur.is_array()) {
        Expect::Refused
    } else {
        Expect::Replace
    }
}

/// Length of the common prefix and of the common suffix (not overlapping `short`) in bytes.
fn common_ends(long: &[u8], short: &[u8]) -> (usize, usize) {
    let prefix = long.iter().zip(short).take_while(|(a, b)| a == b).count();
    let suffix = long
        .iter()
        .rev()
        .zip(short.iter().rev())
        .take(short.len() - prefix)
        .take_while(|(a, b)| a == b)
        .count();
    (prefix, suffix)
}

/// If `new` is `old` with one contiguous span inserted, that span.
fn single_insertion(new: &str, old: &str) -> Option<std::ops::Range<usize>> {
    if new.len() <= old.len() {
        return None;
    }
    let (prefix, suffix) = common_ends(new.as_bytes(), old.as_bytes());
    (prefix + suffix == old.len()).then(|| prefix..new.len() - suffix)
}

/// The spans inserted into `old` to make `new`: either one entry, or (JSON5, when the old last
/// entry had no comma) a `,` right after the old last value and the entry further on. `None`
/// when `new` is not `old` plus such insertions, i.e. when some original byte changed.
fn inserted_spans(new: &str, old: &str) -> Option<Vec<std::ops::Range<usize>>> {
    if let Some(span) = single_insertion(new, old) {
        return Some(vec![span]);
    }
    let (comma, _) = common_ends(new.as_bytes(), old.as_bytes());
    if new.as_bytes().get(comma) != Some(&b',') {
        return None;
    }
    let without = format!("{}{}", &new[..comma], &new[comma + 1..]);
    let entry = single_insertion(&without, old)?;
    (entry.start >= comma).then(|| vec![comma..comma + 1, entry.start + 1..entry.end + 1])
}

/// Index in `path` of the first key absent from `data` (for an insert).
fn first_missing(data: &Value, path: &[String]) -> usize {
    let mut cur = data;
    for (i, key) in path.iter().enumerate() {
        match cur.get(key) {
            Some(next) => cur = next,
            None => return i,
        }
    }
    path.len() - 1
}

/// Every path to a scalar in `data`.
fn leaf_paths(data: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match data.as_object() {
        Some(obj) => {
            for (k, v) in obj {
                prefix.push(k.clone());
                leaf_paths(v, prefix, out);
                prefix.pop();
            }
        }
        None if !prefix.is_empty() => out.push(prefix.clone()),
        None => {}
    }
}

/// Half the time, a key the document already has (so that replacements are common: a random
/// path mostly misses); otherwise the generated path.
fn pick_path(
    text: &str,
    name: &str,
    generated: Vec<String>,
    existing: Option<prop::sample::Index>,
) -> Vec<String> {
    let (Some(index), Ok(doc)) = (existing, Document::parse(Path::new(name), text.to_string()))
    else {
        return generated;
    };
    let mut leaves = Vec::new();
    leaf_paths(&data(&doc), &mut Vec::new(), &mut leaves);
    if leaves.is_empty() {
        generated
    } else {
        leaves.swap_remove(index.index(leaves.len()))
    }
}

#[derive(Debug, Default)]
struct Tally {
    cases: u32,
    refused: u32,
    replaced: u32,
    inserted: u32,
}

impl Tally {
    fn edited(&self) -> u32 {
        self.replaced + self.inserted
    }

    /// At least 80% of the cases were really edited and checked, and both kinds of edit (and
    /// the refusal) were seen.
    fn assert_exercised(&self, min_refused: u32) {
        eprintln!("{self:?}");
        assert_eq!(self.cases, CASES, "{self:?}");
        assert!(
            self.edited() * 5 >= self.cases * 4,
            "fewer than 80% of the cases were edited: {self:?}"
        );
        assert!(
            self.replaced >= self.cases / 10 && self.inserted >= self.cases / 10,
            "{self:?}"
        );
        assert!(self.refused >= min_refused, "{self:?}");
    }
}

fn check_edit(
    text: &str,
    path: &[String],
    new: &str,
    name: &str,
    tally: &RefCell<Tally>,
) -> TestCaseResult {
    tally.borrow_mut().cases += 1;
    // Every generated document is valid JSON5 / TOML: the parser must accept it.
    let doc = Document::parse(Path::new(name), text.to_string()).map_err(|e| {
        TestCaseError::fail(format!("generated text does not parse: {e}\n{text:?}"))
    })?;
    let before = data(&doc);
    let want = expect(&before, path, name.ends_with(".toml"));
    let existing = ConfigSet::from_main(doc.clone()).ok().and_then(|s| {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        s.get(&keys).map(|at| at.node.span.clone())
    });
    let Some(out) = doc.with_value(path, &EditValue::String(new.to_string())) else {
        prop_assert_eq!(
            want,
            Expect::Refused,
            "the edit was refused, but the path crosses only objects: {:?} in {:?}",
            path,
            text
        );
        tally.borrow_mut().refused += 1;
        return Ok(());
    };
    prop_assert_ne!(
        want,
        Expect::Refused,
        "{:?} in {:?} → {:?}",
        path,
        text,
        out
    );
    let after_doc = Document::parse(Path::new(name), out.clone())
        .map_err(|e| TestCaseError::fail(format!("{e}\n{out}")))?;
    let set =
        ConfigSet::from_main(after_doc.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    let got = set
        .get(&keys)
        .ok_or_else(|| TestCaseError::fail(format!("key missing after edit:\n{out}")))?;
    prop_assert_eq!(got.node.value.as_str(), Some(new));
    // The data is the old data with exactly that key set (created parents included).
    prop_assert_eq!(
        data(&after_doc),
        with_path(before.clone(), path, new),
        "{:?}",
        out
    );
    match existing {
        Some(span) => {
            prop_assert_eq!(want, Expect::Replace);
            // Only the value's bytes changed.
            prop_assert_eq!(&out[..span.start], &text[..span.start]);
            let tail = text.len() - span.end;
            prop_assert!(out.len() >= tail);
            prop_assert_eq!(&out[out.len() - tail..], &text[span.end..]);
            tally.borrow_mut().replaced += 1;
        }
        None => {
            prop_assert_eq!(want, Expect::Insert);
            // Every original byte is kept, in order: the old text is the new one with the
            // inserted entry (and at most a comma after the old last value) removed.
            let spans = inserted_spans(&out, text).ok_or_else(|| {
                TestCaseError::fail(format!(
                    "the insert changed original bytes:\n--- before\n{text:?}\n--- after\n{out:?}"
                ))
            })?;
            // The entry names the first key that was missing (the rest nest inside it).
            let entry = &out[spans.last().unwrap().clone()];
            let missing = &path[first_missing(&before, path)];
            prop_assert!(
                entry.contains(missing.as_str()),
                "the inserted span {:?} does not name {:?}",
                entry,
                missing
            );
            tally.borrow_mut().inserted += 1;
        }
    }
    Ok(())
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn json5_edits_change_only_the_edited_value() {
    let tally = RefCell::new(Tally::default());
    let strategy = (
        json5_object(3),
        proptest::collection::vec(key(), 1..4),
        "[a-zA-Z0-9 :/.'\"\\\\]{0,16}",
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(any::<prop::sample::Index>()),
    );
    runner()
        .run(&strategy, |(doc, path, new, crlf, bom, existing)| {
            let mut text = if crlf { doc.replace('\n', "\r\n") } else { doc };
            if bom {
                text.insert(0, '\u{feff}');
            }
            let path = pick_path(&text, "c.json5", path, existing);
            check_edit(&text, &path, &new, "c.json5", &tally)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    tally.into_inner().assert_exercised(1);
}

#[test]
fn toml_edits_change_only_the_edited_value() {
    let tally = RefCell::new(Tally::default());
    let strategy = (
        proptest::collection::btree_map(
            "[a-d]",
            ("[a-zA-Z0-9 ./:-]{0,10}", any::<bool>(), any::<bool>()),
            0..5,
        ),
        prop_oneof![
            3 => "[a-d]".prop_map(|k| vec!["gateway".to_string(), k]),
            1 => proptest::collection::vec(prop_oneof![Just("gateway".to_string()), "[a-z]{1,6}"], 1..3)
        ],
        "[a-zA-Z0-9 :/.]{0,16}",
    );
    runner()
        .run(&strategy, |(entries, path, new)| {
            let mut text = String::from("# generated\n[gateway]\n");
            for (k, (v, literal, comment)) in &entries {
                let value = if *literal {
                    format!("'{v}'")
                } else {
                    format!("\"{v}\"")
                };
                let c = if *comment { "  # why" } else { "" };
                text.push_str(&format!("{k} = {value}{c}\n"));
            }
            check_edit(&text, &path, &new, "c.toml", &tally)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    tally.into_inner().assert_exercised(1);
}

proptest! {
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
