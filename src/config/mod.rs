//! Config discovery and the document model (JSON5 and TOML, with `$include`s).

pub mod discovery;
pub mod document;
pub mod edit;
pub mod effective_env;
pub mod json5;
pub mod merged;
pub mod set;
pub mod toml;
pub mod tree;
pub mod view;

pub use discovery::{Discovered, DiscoveryFlags, Env};
pub use document::{Document, Format, SetTarget};
pub use edit::EditValue;
pub use set::{ConfigSet, DocId, Located, Lookup};

/// The fuzzing property (fuzz/ and tests/fuzz_regressions.rs): the first byte picks the
/// format and the key, the rest is the document. Panics when the property fails; true when an
/// edit was made and checked (false when the input is not a document or the edit is refused).
#[doc(hidden)]
pub fn fuzz_edit(data: &[u8]) -> bool {
    let Some((&selector, rest)) = data.split_first() else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return false;
    };
    let name = if selector & 1 == 0 {
        "fuzz.json5"
    } else {
        "fuzz.toml"
    };
    let keys: Vec<String> = match selector >> 1 & 3 {
        0 => vec!["gateway".into(), "bind".into()],
        1 => vec!["gateway".into(), "remote".into(), "url".into()],
        2 => vec!["a".into()],
        _ => vec!["gateway".into(), "mode".into()],
    };
    let Ok(doc) = Document::parse(std::path::Path::new(name), text.to_string()) else {
        return false;
    };
    let value = EditValue::String("ws://127.0.0.1:18789".into());
    let Some(out) = doc.with_value(&keys, &value) else {
        return false;
    };
    let after = Document::parse(std::path::Path::new(name), out.clone())
        .unwrap_or_else(|e| panic!("the edited document does not parse: {e}\n{out}"));
    // This file alone ($include is not followed: a fuzz input names no real files).
    let got = match after.local_target(&keys) {
        Some(SetTarget::Replace { node, .. }) => node.value.as_str().map(str::to_string),
        _ => None,
    };
    assert_eq!(
        got.as_deref(),
        Some("ws://127.0.0.1:18789"),
        "the new value is not there:\n{out}"
    );
    true
}
