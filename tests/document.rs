//! The document layer: edits change only the edited value's bytes (or insert one entry), in
//! both formats, whatever the layout.

use openclaw_doctor::config::tree::NodeValue;
use openclaw_doctor::config::{ConfigSet, Document, EditValue};
use std::path::Path;

fn doc(name: &str, text: &str) -> Document {
    Document::parse(Path::new(name), text.to_string()).expect("parses")
}

fn keys(path: &str) -> Vec<String> {
    path.split('.').map(String::from).collect()
}

fn set(d: &Document, path: &str, value: &str) -> String {
    d.with_value(&keys(path), &EditValue::String(value.into()))
        .expect("edit applies")
}

/// Asserts that `new` is `old` with exactly the bytes of `old_value` (at its only place)
/// replaced by `new_value`.
fn assert_only_value_changed(old: &str, new: &str, old_value: &str, new_value: &str) {
    let at = old.find(old_value).expect("old value present");
    assert_eq!(old.matches(old_value).count(), 1, "ambiguous test value");
    let expected = format!(
        "{}{}{}",
        &old[..at],
        new_value,
        &old[at + old_value.len()..]
    );
    assert_eq!(new, expected);
}

#[test]
fn json5_replace_keeps_every_other_byte() {
    let text = "\u{feff}// top\r\n{\r\n  /* c */ gateway: { bind: 'local', // why\r\n    port: 0x4965, },\r\n}";
    let d = doc("openclaw.json", text);
    let new = set(&d, "gateway.bind", "lan");
    // Single quotes stay single, the BOM, CRLF, hex number, comments and the missing final
    // newline all survive.
    assert_only_value_changed(text, &new, "'local'", "'lan'");
    let reparsed = doc("openclaw.json", &new);
    let set = ConfigSet::from_main(reparsed).unwrap();
    let bind = set.get(&["gateway", "bind"]).unwrap();
    assert_eq!(bind.node.value.as_str(), Some("lan"));
    match &set.get(&["gateway", "port"]).unwrap().node.value {
        NodeValue::Number { value, .. } => assert_eq!(*value, Some(18789.0)),
        other => panic!("port is {other:?}"),
    }
}

#[test]
fn json5_double_quotes_and_escapes() {
    let text = r#"{"gateway": {"remote": {"url": "https://claw.example.org/\u0070ath"}}}"#;
    let d = doc("c.json", text);
    let new = set(&d, "gateway.remote.url", "ws://127.0.0.1:18789");
    assert_only_value_changed(
        text,
        &new,
        r#""https://claw.example.org/\u0070ath""#,
        r#""ws://127.0.0.1:18789""#,
    );
    // A value with quotes and backslashes is escaped in the style of the old value.
    let new = set(&doc("c.json", "{ a: 'x' }"), "a", "it's a \\ \"test\"");
    assert_eq!(new, r#"{ a: 'it\'s a \\ "test"' }"#);
    let parsed = doc("c.json", &new);
    assert_eq!(
        parsed.root.get("a").unwrap().value.value.as_str(),
        Some("it's a \\ \"test\"")
    );
}

#[test]
fn json5_duplicate_keys_patch_the_last_one() {
    let text = "{ gateway: { bind: 'a', bind: 'local' } }";
    let new = set(&doc("c.json5", text), "gateway.bind", "lan");
    assert_eq!(new, "{ gateway: { bind: 'a', bind: 'lan' } }");
}

#[test]
fn json5_insert_follows_neighbours() {
    // Multi-line with trailing commas and a comment after the last entry.
    let text = "{\n    gateway: {\n        mode: \"local\", // here\n    },\n}\n";
    let new = set(
        &doc("c.json", text),
        "gateway.remote.url",
        "ws://127.0.0.1:18789",
    );
    assert_eq!(
        new,
        "{\n    gateway: {\n        mode: \"local\", // here\n        remote: {\n            url: \"ws://127.0.0.1:18789\",\n        },\n    },\n}\n"
    );
    // Without trailing commas: a comma is added after the old last value, none after ours.
    let text = "{\r\n  \"gateway\": {\r\n    \"mode\": \"local\"\r\n  }\r\n}";
    let new = set(&doc("c.json", text), "gateway.bind", "loopback");
    assert_eq!(
        new,
        "{\r\n  \"gateway\": {\r\n    \"mode\": \"local\",\r\n    \"bind\": \"loopback\"\r\n  }\r\n}"
    );
    // Inline objects stay inline; an empty root gets the whole path.
    let new = set(
        &doc("c.json", "{ gateway: { mode: 'local' } }"),
        "gateway.bind",
        "lan",
    );
    assert_eq!(new, "{ gateway: { mode: 'local', bind: \"lan\" } }");
    let new = set(&doc("c.json", "{}"), "gateway.bind", "lan");
    assert_eq!(new, "{ \"gateway\": { \"bind\": \"lan\" } }");
    for text in [
        "{\n  a: 1,\n}\n",
        "{ a: 1 }",
        "{}",
        "{\n}\n",
        "{ a: { b: 1, }, }",
    ] {
        let new = set(&doc("c.json", text), "gateway.remote.url", "wss://x");
        let reparsed = ConfigSet::from_main(doc("c.json", &new)).unwrap();
        assert_eq!(
            reparsed
                .get(&["gateway", "remote", "url"])
                .unwrap()
                .node
                .value
                .as_str(),
            Some("wss://x"),
            "{text:?} → {new:?}"
        );
    }
}

#[test]
fn toml_replace_keeps_decor_and_layout() {
    let text = "# OpenClaw\r\n[gateway]\r\nmode = \"local\"\r\nbind = 'local'   # was loopback\r\n\r\n[gateway.remote]\r\nurl = \"https://claw.example.org\"\r\n";
    let d = doc("openclaw.toml", text);
    let new = set(&d, "gateway.bind", "lan");
    assert_only_value_changed(text, &new, "'local'", "'lan'");
    let new = set(
        &doc("openclaw.toml", &new),
        "gateway.remote.url",
        "ws://127.0.0.1:18789",
    );
    assert!(
        new.ends_with("url = \"ws://127.0.0.1:18789\"\r\n"),
        "{new:?}"
    );
    assert!(new.contains("bind = 'lan'   # was loopback\r\n"));
}

#[test]
fn toml_insert_into_existing_and_new_tables() {
    let text = "[gateway]\nmode = \"local\"\n";
    let new = set(&doc("c.toml", text), "gateway.bind", "loopback");
    assert_eq!(new, "[gateway]\nmode = \"local\"\nbind = \"loopback\"\n");
    let new = set(
        &doc("c.toml", text),
        "gateway.remote.url",
        "ws://127.0.0.1:1",
    );
    let reparsed = ConfigSet::from_main(doc("c.toml", &new)).unwrap();
    assert_eq!(
        reparsed
            .get(&["gateway", "remote", "url"])
            .unwrap()
            .node
            .value
            .as_str(),
        Some("ws://127.0.0.1:1")
    );
    assert!(new.starts_with(text), "{new:?}");
}

#[test]
fn positions_are_one_based_lines_and_columns() {
    let d = doc("c.json", "{\n  gateway: {\n    bind: 'local',\n  },\n}\n");
    let set = ConfigSet::from_main(d).unwrap();
    let at = set.get(&["gateway", "bind"]).unwrap();
    assert_eq!(set.position(&at), (3, 5));
}

#[test]
fn format_sniffing_without_extension() {
    assert_eq!(
        doc("config", "[gateway]\nbind = 'x'\n").format.name(),
        "TOML"
    );
    assert_eq!(doc("config", "gateway.bind = 'x'\n").format.name(), "TOML");
    assert_eq!(
        doc("config", "// c\n{ gateway: {} }").format.name(),
        "JSON5"
    );
    assert_eq!(doc("config", "{ \"a\": 1 }").format.name(), "JSON5");
}

#[test]
fn includes_are_followed_and_the_defining_file_is_patched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("gateway.json5"),
        "{ gateway: { bind: 'local', remote: { url: 'https://x' } } }",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("openclaw.json"),
        "{ $include: './gateway.json5', gateway: { remote: { url: 'wss://override' } } }",
    )
    .unwrap();
    let set = ConfigSet::load(&dir.path().join("openclaw.json"), 1 << 20).unwrap();
    assert_eq!(set.docs.len(), 2);
    let bind = set.get(&["gateway", "bind"]).unwrap();
    assert_eq!(bind.doc, 1, "bind comes from the included file");
    let url = set.get(&["gateway", "remote", "url"]).unwrap();
    assert_eq!(
        (url.doc, url.node.value.as_str()),
        (0, Some("wss://override")),
        "sibling keys win"
    );
    let (doc_id, keys) = set.edit_location(&["gateway", "bind"]).unwrap();
    assert_eq!((doc_id, keys.join(".")), (1, "gateway.bind".to_string()));
}

#[test]
fn include_cycles_and_missing_includes_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), "{ $include: 'b.json' }").unwrap();
    std::fs::write(dir.path().join("b.json"), "{\n  $include: ['a.json'] }").unwrap();
    let err = ConfigSet::load(&dir.path().join("a.json"), 1 << 20)
        .unwrap_err()
        .to_string();
    assert!(err.contains("b.json:2:14: $include cycle"), "{err}");
    std::fs::write(dir.path().join("c.json"), "{ $include: 'nope.json' }").unwrap();
    let err = ConfigSet::load(&dir.path().join("c.json"), 1 << 20)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("c.json:1:13: $include \"nope.json\": no such file"),
        "{err}"
    );
}

#[test]
fn absurd_nesting_is_an_error_not_a_crash() {
    let text = format!("{{a:{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let err = Document::parse(Path::new("deep.json"), text)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("deep.json:1:") && err.contains("nesting deeper than 128"),
        "{err}"
    );
    // Brackets inside strings and comments do not count.
    let text = format!(
        "{{ a: '{}', /* {} */ b: 1 }}",
        "[".repeat(500),
        "{".repeat(500)
    );
    assert!(Document::parse(Path::new("ok.json"), text).is_ok());
}

#[test]
fn inserting_into_an_object_with_only_a_comment_keeps_the_comment() {
    let new = set(
        &doc("c.json", "{ gateway: { /* keep me */ } }"),
        "gateway.bind",
        "lan",
    );
    assert_eq!(new, "{ gateway: { bind: \"lan\", /* keep me */ } }");
    assert!(Document::parse(Path::new("c.json"), new).is_ok());
}

#[test]
fn a_toml_table_include_is_not_merged_at_the_root() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gw.toml"), "bind = 'lan'\n").unwrap();
    std::fs::write(
        dir.path().join("openclaw.toml"),
        "[gateway]\n\"$include\" = \"gw.toml\"\nmode = \"local\"\n",
    )
    .unwrap();
    let set = ConfigSet::load(&dir.path().join("openclaw.toml"), 1 << 20).unwrap();
    assert_eq!(
        set.get(&["gateway", "bind"]).unwrap().node.value.as_str(),
        Some("lan")
    );
    assert!(set.get(&["bind"]).is_none(), "not at the root");
}

/// OpenClaw allows includes nested ten deep; the eleventh level is refused, as there.
#[test]
fn include_depth_is_bounded_at_ten() {
    let chain = |levels: usize| {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..levels {
            std::fs::write(
                dir.path().join(format!("f{i}.json5")),
                format!("{{ $include: 'f{}.json5', k{i}: {i} }}", i + 1),
            )
            .unwrap();
        }
        std::fs::write(
            dir.path().join(format!("f{levels}.json5")),
            "{ gateway: { bind: 'lan' } }",
        )
        .unwrap();
        let result = ConfigSet::load(&dir.path().join("f0.json5"), 1 << 20).map(|s| s.docs.len());
        (dir, result)
    };
    let (_d, ok) = chain(10);
    assert_eq!(ok.unwrap(), 11, "main + ten nested includes");
    let (_d, err) = chain(11);
    let err = err.unwrap_err().to_string();
    assert!(err.contains("deeper than OpenClaw's limit of 10"), "{err}");
}

/// At most 256 files per configuration: 255 includes load, one more is refused.
#[test]
fn include_count_is_bounded() {
    let build = |n: usize| {
        let dir = tempfile::tempdir().unwrap();
        let list: Vec<String> = (0..n).map(|i| format!("'i{i}.json5'")).collect();
        for i in 0..n {
            std::fs::write(
                dir.path().join(format!("i{i}.json5")),
                format!("{{ k{i}: {i} }}"),
            )
            .unwrap();
        }
        std::fs::write(
            dir.path().join("openclaw.json"),
            format!("{{ $include: [{}] }}", list.join(", ")),
        )
        .unwrap();
        let r = ConfigSet::load(&dir.path().join("openclaw.json"), 1 << 20).map(|s| s.docs.len());
        (dir, r)
    };
    let (_d, ok) = build(255);
    assert_eq!(ok.unwrap(), 256);
    let (_d, err) = build(256);
    assert!(
        err.unwrap_err()
            .to_string()
            .contains("more than 256 included files")
    );
}

#[test]
fn several_replacements_at_once_equal_one_after_another() {
    let text = "{\n  // the seed's two bad values\n  gateway: { bind: 'local', remote: { url: \"https://claw.example.org\" }, port: 18789 },\n}\n";
    let d = doc("openclaw.json", text);
    let (bind, url) = (keys("gateway.bind"), keys("gateway.remote.url"));
    let (lan, ws) = (
        EditValue::String("lan".into()),
        EditValue::String("ws://127.0.0.1:18789".into()),
    );
    let at_once = d
        .with_values(&[(bind.as_slice(), &lan), (url.as_slice(), &ws)])
        .expect("two replacements at distinct places");
    let first = set(&d, "gateway.bind", "lan");
    let one_by_one = set(
        &doc("openclaw.json", &first),
        "gateway.remote.url",
        "ws://127.0.0.1:18789",
    );
    assert_eq!(at_once, one_by_one);
    // A key to create (an insert), a TOML file, or two edits of one value: one at a time.
    let mode = keys("gateway.mode");
    let local = EditValue::String("local".into());
    assert_eq!(d.with_values(&[(mode.as_slice(), &local)]), None);
    assert_eq!(
        d.with_values(&[(bind.as_slice(), &lan), (bind.as_slice(), &lan)]),
        None
    );
    let t = doc("openclaw.toml", "[gateway]\nbind = \"local\"\n");
    assert_eq!(t.with_values(&[(bind.as_slice(), &lan)]), None);
}
