//! One JSON line of the gateway log as both versions write it (docs/openclaw/log-templates.md
//! §1): 2026.9.6 puts the text in `message`; 2026.2.26 has no `message`, its text is the string
//! among the positional fields `"1"`, `"2"` (`"0"` is the subsystem binding, a JSON string,
//! except on captured console lines where it is the text). The metadata object some calls
//! pass (the `closed before connect` lines: `cause`, `authReason`, `forwardedFor`…) is the
//! first positional object.

use serde_json::{Map, Value};

pub struct Record<'v> {
    pub text: String,
    pub meta: Option<&'v Map<String, Value>>,
    /// Captured console output (`_meta.name: "openclaw"`): where start-up refusals arrive.
    pub console: bool,
}

impl<'v> Record<'v> {
    pub fn of(v: &'v Value) -> Record<'v> {
        let meta = (0..8).find_map(|i| v.get(i.to_string()).and_then(Value::as_object));
        let console = v.pointer("/_meta/name").and_then(Value::as_str) == Some("openclaw");
        let text = match v.get("message").and_then(Value::as_str) {
            Some(m) => m.to_string(),
            None => positional_text(v),
        };
        Record {
            text,
            meta,
            console,
        }
    }

    /// A string of the metadata object (`cause`, `authReason`, `forwardedFor`…).
    pub fn meta_str(&self, key: &str) -> Option<&'v str> {
        self.meta?.get(key)?.as_str()
    }
}

/// The text parts joined by a space, as 2026.9.6 builds `message`, without the binding.
fn positional_text(v: &Value) -> String {
    let mut parts = Vec::new();
    for i in 0..8 {
        if let Some(Value::String(s)) = v.get(i.to_string()) {
            let binding = i == 0 && s.starts_with('{') && s.ends_with('}');
            if !binding {
                parts.push(s.as_str());
            }
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_of_each_version() {
        let new: Value = serde_json::from_str(
            r#"{"0":"{\"subsystem\":\"gateway/ws\"}","1":{"cause":"unauthorized"},"2":"closed before connect","message":"closed before connect conn=a","_meta":{"name":"{\"subsystem\":\"gateway/ws\"}"}}"#,
        )
        .unwrap();
        let r = Record::of(&new);
        assert_eq!(r.text, "closed before connect conn=a");
        assert_eq!(r.meta_str("cause"), Some("unauthorized"));
        assert!(!r.console);
        let old: Value = serde_json::from_str(
            r#"{"0":"{\"subsystem\":\"gateway/ws\"}","1":{"cause":"pairing-required"},"2":"closed before connect conn=b"}"#,
        )
        .unwrap();
        assert_eq!(Record::of(&old).text, "closed before connect conn=b");
        let console: Value = serde_json::from_str(
            r#"{"0":"Config invalid","_meta":{"name":"openclaw","logLevelName":"ERROR"}}"#,
        )
        .unwrap();
        let r = Record::of(&console);
        assert_eq!((r.text.as_str(), r.console), ("Config invalid", true));
    }
}
