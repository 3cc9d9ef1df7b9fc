//! The doctor's JSON5 parser against the `json5` crate it replaced as the validator: on generated
//! documents, valid and broken, both accept or both refuse; accepted documents have the same
//! values; refused ones fail with the same message at the same line and column.

use openclaw_doctor::config::json5;
use openclaw_doctor::config::tree::{Node, NodeValue};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseResult, TestRunner};
use serde_json::Value;

fn pick(items: &'static [&'static str]) -> BoxedStrategy<String> {
    proptest::sample::select(items)
        .prop_map(str::to_string)
        .boxed()
}

/// White space and comments, including the non-ASCII kinds JSON5 allows.
fn trivia() -> BoxedStrategy<String> {
    pick(&[
        "",
        "",
        " ",
        "\n  ",
        "\t",
        "\r\n",
        "\u{a0}",
        "\u{feff}",
        "\u{2028}",
        "\u{3000}",
        "\u{b}",
        "// note\n",
        "// note\r",
        "/* c */",
        "/* * / **/",
        "/**/",
    ])
}

fn number() -> BoxedStrategy<String> {
    prop_oneof![
        "[+-]?(0|[1-9][0-9]{0,3})(\\.[0-9]{0,3})?([eE][+-]?[0-9]{1,2})?",
        "[+-]?\\.[0-9]{1,3}",
        "[+-]?0[xX][0-9a-fA-F]{1,6}",
        pick(&[
            "Infinity",
            "-Infinity",
            "+Infinity",
            "NaN",
            "-NaN",
            "0x1ffffffffffffffffffffffffffffffff",
            "-0x80000000000000000000000000000000",
            "-0x80000000000000000000000000000001",
            "99999999999999999999999999999999999999999",
        ]),
    ]
    .boxed()
}

/// String contents: plain text, the quotes, escapes valid and not.
fn string_body() -> BoxedStrategy<String> {
    proptest::collection::vec(
        prop_oneof![
            "[a-z ]{1,4}",
            pick(&[
                "'",
                "\"",
                "\\n",
                "\\t",
                "\\'",
                "\\\"",
                "\\\\",
                "\\x41",
                "\\u00e9",
                "\\ud83d\\ude00",
                "\\0",
                "\\07",
                "\\1",
                "\\x4g",
                "\\u12",
                "\\v",
                "\\q",
                "\\\n",
                "\\\r\n",
                "\\\u{2028}",
                "é",
                "\u{2028}",
                "☃",
            ]),
        ],
        0..4,
    )
    .prop_map(|parts| parts.concat())
    .boxed()
}

fn string() -> BoxedStrategy<String> {
    (prop_oneof![Just('"'), Just('\'')], string_body())
        .prop_map(|(q, body)| {
            // Escape the delimiter where it stands bare, so most strings stay valid.
            let mut out = String::from(q);
            let mut escaped = false;
            for c in body.chars() {
                if c == q && !escaped {
                    out.push('\\');
                }
                escaped = c == '\\' && !escaped;
                out.push(c);
            }
            if escaped {
                out.push('\\');
            }
            out.push(q);
            out
        })
        .boxed()
}

fn key() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-zA-Z_$][a-zA-Z0-9_$]{0,5}",
        string(),
        pick(&[
            "é",
            "ünï",
            "\\u0061bc",
            "a\\u0062",
            "ǅx",
            "x\u{301}",
            "Ⅻ",
            "a\u{200c}b",
            "a\u{200d}",
            "𝑥",
            "a𝟙",
            "☃",
            "a☃",
            "\u{85}",
            "a\u{200b}",
            "\\ud835\\udc65",
        ]),
    ]
    .boxed()
}

/// Up to three parts between `open` and `close`, comma-separated, maybe a trailing comma.
fn collection(
    part: BoxedStrategy<String>,
    open: &'static str,
    close: &'static str,
) -> BoxedStrategy<String> {
    (
        proptest::collection::vec(part, 0..4),
        any::<bool>(),
        trivia(),
    )
        .prop_map(move |(parts, trailing, t)| {
            let comma = if trailing && !parts.is_empty() {
                ","
            } else {
                ""
            };
            format!("{open}{}{comma}{t}{close}", parts.join(","))
        })
        .boxed()
}

fn value() -> BoxedStrategy<String> {
    let leaf = prop_oneof![pick(&["null", "true", "false"]), number(), string(),];
    leaf.prop_recursive(4, 32, 4, |inner| {
        let item = (trivia(), inner.clone(), trivia()).prop_map(|(a, v, b)| format!("{a}{v}{b}"));
        let entry = (trivia(), key(), trivia(), inner, trivia())
            .prop_map(|(a, k, b, v, c)| format!("{a}{k}{b}:{v}{c}"));
        prop_oneof![
            collection(item.boxed(), "[", "]"),
            collection(entry.boxed(), "{", "}")
        ]
    })
    .boxed()
}

/// Tokens that break a document when dropped in anywhere.
const JUNK: &[&str] = &[
    ",", ":", "{", "}", "[", "]", "'", "\"", "\\", "/", "/*", "\n", "\r", "0", "01", "-", "x",
    "a-b", "1e", "0x", "..", "nul", "tru", "Inf", "\u{0}", "#", "é", "\u{2029}", "\u{85}",
    "\u{200b}",
];

fn document() -> BoxedStrategy<String> {
    let mutation = (
        0..3u8,
        any::<prop::sample::Index>(),
        proptest::sample::select(JUNK),
    );
    (trivia(), value(), trivia(), proptest::option::of(mutation))
        .prop_map(|(a, v, b, mutation)| {
            let mut text = format!("{a}{v}{b}");
            if let Some((kind, at, junk)) = mutation {
                let bounds: Vec<usize> = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .collect();
                let i = bounds[at.index(bounds.len())];
                match kind {
                    0 => text.insert_str(i, junk),
                    1 if i < text.len() => {
                        text.remove(i);
                    }
                    _ => text.truncate(i),
                }
            }
            text
        })
        .boxed()
}

/// Numbers as f64 on both sides (the crate keeps integers apart; OpenClaw's JavaScript does not).
fn normalize(v: Value) -> Value {
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        other => other,
    }
}

/// The doctor's tree as the crate's `serde_json` value (non-finite numbers become null there).
fn ours(node: &Node) -> Value {
    match &node.value {
        NodeValue::Number { value: Some(v), .. } if !v.is_finite() => Value::Null,
        NodeValue::Array(items) => Value::Array(items.iter().map(ours).collect()),
        NodeValue::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), ours(&e.value)))
                .collect(),
        ),
        other => normalize(other.to_json()),
    }
}

/// Every value's span, re-read alone, is that value; every key's span is that key.
fn spans_hold(text: &str, node: &Node) -> TestCaseResult {
    let alone = json5::parse(&text[node.span.clone()]);
    prop_assert!(alone.is_ok(), "span {:?} of {:?}", node.span, text);
    if let Ok(alone) = alone {
        prop_assert_eq!(
            ours(&alone),
            ours(node),
            "span {:?} of {:?}",
            node.span,
            text
        );
    }
    match &node.value {
        NodeValue::Array(items) => items.iter().try_for_each(|i| spans_hold(text, i)),
        NodeValue::Object(entries) => entries.iter().try_for_each(|e| {
            let written = &text[e.key_span.clone()];
            let wrapped = json5::parse(&format!("{{{written}:0}}"));
            let key = wrapped.ok().and_then(|n| match n.value {
                NodeValue::Object(mut es) if es.len() == 1 => es.pop().map(|e| e.key),
                _ => None,
            });
            prop_assert_eq!(
                key.as_deref(),
                Some(e.key.as_str()),
                "key {:?} of {:?}",
                written,
                text
            );
            spans_hold(text, &e.value)
        }),
        _ => Ok(()),
    }
}

fn compare(text: &str) -> TestCaseResult {
    let theirs = ::json5::from_str::<Value>(text);
    let mine = json5::parse(text);
    match (mine, theirs) {
        (Ok(node), Ok(value)) => {
            prop_assert_eq!(ours(&node), normalize(value), "{:?}", text);
            spans_hold(text, &node)?;
        }
        (Err(e), Err(err)) => {
            let full = err.to_string();
            let message = full.split(" at line ").next().unwrap_or(&full);
            prop_assert_eq!(
                &e.message,
                &format!("invalid JSON5: {message}"),
                "{:?}",
                text
            );
            // The crate counts CR and U+2028/9 as line ends; the doctor counts lines as editors
            // do. EOF errors carry no position in the crate.
            if let Some(p) = err.position()
                && !text.contains(['\r', '\u{2028}', '\u{2029}'])
            {
                let bom = usize::from(text.starts_with('\u{feff}'));
                let column = if p.line == 0 {
                    p.column - bom
                } else {
                    p.column
                };
                prop_assert_eq!((e.line, e.column), (p.line + 1, column + 1), "{:?}", text);
            }
        }
        (Ok(_), Err(err)) => prop_assert!(false, "accepted, the crate refuses ({err}): {text:?}"),
        (Err(e), Ok(_)) => prop_assert!(
            false,
            "refused ({}), the crate accepts: {text:?}",
            e.message
        ),
    }
    Ok(())
}

#[test]
fn the_parser_agrees_with_the_json5_crate() {
    let mut runner = TestRunner::new(Config {
        cases: 4000,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&document(), |text| compare(&text))
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The same without CR, U+2028 and U+2029, which the crate counts as line ends and the doctor
/// does not: here every refusal's line and column are compared too.
#[test]
fn positions_agree_where_lines_are_counted_alike() {
    let mut runner = TestRunner::new(Config {
        cases: 3000,
        failure_persistence: None,
        ..Config::default()
    });
    let lf_only = document().prop_map(|t| t.replace(['\r', '\u{2028}', '\u{2029}'], " "));
    let refused = std::cell::Cell::new(0);
    runner
        .run(&lf_only, |text| {
            if json5::parse(&text).is_err() {
                refused.set(refused.get() + 1);
            }
            compare(&text)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    // About 1,900 of 3,000 are refused: both verdicts are exercised.
    let refused = refused.get();
    assert!(
        refused > 1000 && refused < 2500,
        "{refused} of 3,000 refused"
    );
}

#[test]
fn non_finite_numbers_keep_their_sign() {
    for (text, want) in [
        ("Infinity", f64::INFINITY),
        ("+Infinity", f64::INFINITY),
        ("-Infinity", f64::NEG_INFINITY),
    ] {
        let node = json5::parse(text).expect("valid");
        let theirs: f64 = ::json5::from_str(text).expect("valid");
        assert_eq!(theirs, want, "{text}");
        assert!(
            matches!(node.value, NodeValue::Number { value: Some(v), .. } if v == want),
            "{text}: {:?}",
            node.value
        );
    }
    for text in ["NaN", "-NaN", "+NaN"] {
        let node = json5::parse(text).expect("valid");
        assert!(::json5::from_str::<f64>(text).expect("valid").is_nan());
        assert!(matches!(node.value, NodeValue::Number { value: Some(v), .. } if v.is_nan()));
    }
}

#[test]
fn hand_picked_cases_agree() {
    for text in [
        "{a:1}",
        "{a:01}",
        "{a:1 b:2}",
        "{a-b:1}",
        "{$a:1, _b: 'x', \\u0063: 2}",
        "{a:\"x\"",
        "// only a comment",
        "{a:1}/*",
        "{a:1}/",
        "{a:0x}",
        "{a:-0x8000000000000000000000000000000a}",
        "[1,,2]",
        "[,]",
        "{,}",
        "{'a':1,}",
        "'\\u{41}'",
        "'\\ud800'",
        "'\\ud800\\u0041'",
        "'\\udc00\\udc00'",
        "\"\\x4g\"",
        "\"\\01\"",
        "'\\1'",
        "1.2.3",
        "+.",
        ".",
        "5.",
        ".5e-3",
        "\u{feff}{a:1}",
        "\u{feff}{a:01}",
        "{\u{a0}a\u{3000}:\u{2028}1}",
        "{\\u0031a: 1}",
        "{a\\u002d: 1}",
        "NaNx",
        "Infinit",
        "nul",
        "{a:1}}",
        "",
        "   ",
    ] {
        compare(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}

#[test]
fn ascii_identifier_rules_match_the_crate() {
    for b in 0u8..128 {
        let c = b as char;
        let start = format!("{{{c}x:1}}");
        let part = format!("{{x{c}:1}}");
        for text in [start, part] {
            compare(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        }
    }
}

#[test]
fn nesting_is_refused_past_the_limit_before_any_recursion() {
    let text = "[".repeat(json5::MAX_DEPTH + 1);
    let err = json5::parse(&text).expect_err("too deep");
    assert_eq!(
        (err.line, err.column, err.message.as_str()),
        (
            1,
            json5::MAX_DEPTH + 1,
            "invalid JSON5: nesting deeper than 128 levels"
        )
    );
    let ok = format!(
        "{}{}",
        "[".repeat(json5::MAX_DEPTH),
        "]".repeat(json5::MAX_DEPTH)
    );
    assert!(json5::parse(&ok).is_ok());
}

#[test]
fn spans_cover_values_and_keys_as_written() {
    let text = "\u{feff}{ 'k': \"v\", n: -0x1F, a: [1, {}], }";
    let root = json5::parse(text).expect("valid");
    let NodeValue::Object(entries) = &root.value else {
        panic!("object")
    };
    let written: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (&text[e.key_span.clone()], &text[e.value.span.clone()]))
        .collect();
    assert_eq!(
        written,
        [("'k'", "\"v\""), ("n", "-0x1F"), ("a", "[1, {}]")]
    );
    assert_eq!(&text[root.span.clone()], &text[3..]);
}
