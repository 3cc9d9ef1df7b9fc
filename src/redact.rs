//! No secret is ever printed: every byte the doctor writes to stdout or stderr passes through
//! one `Redactor` that knows the secret values of this run (from every config file and the
//! environment) and replaces each with `<redacted>`, however it is quoted or escaped.

use crate::config::ConfigSet;
use crate::config::discovery::Env;
use crate::config::tree::{Node, NodeValue};

pub const REDACTED: &str = "<redacted>";

/// Secrets shorter than this are only replaced when they stand quoted, so that a one-letter
/// test token does not blank out every letter of the report.
const MIN_BARE_LEN: usize = 6;

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
    /// The same secrets, for O(1) de-duplication (a config can hold thousands of keys).
    seen: std::collections::HashSet<String>,
    /// The automaton over `secrets` and their replacements, built on first use after a change
    /// (building it costs more than a search, and every output line is searched).
    automaton: std::sync::OnceLock<Option<(aho_corasick::AhoCorasick, Vec<String>)>>,
}

/// Key names whose values are secrets (case-insensitive, `_`/`-` ignored, plurals too):
/// anything naming a token, password, secret, credential, cookie or authorization, and any
/// `…key` (apiKey, accessKey, privateKey…).
pub fn is_secret_key(key: &str) -> bool {
    // Without allocating: a config can hold tens of thousands of keys.
    let mut buf = [0u8; 64];
    let mut n = 0;
    for b in key.bytes().filter(|b| *b != b'_' && *b != b'-') {
        if n == buf.len() {
            return is_secret_key_long(key);
        }
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    secret_name(&buf[..n])
}

/// `maxTokens`, `contextTokens`, `softThresholdTokens`…: counts of model tokens, the only
/// numbers under secret-sounding names in OpenClaw 2026.9.6's schema. Taking them for secrets
/// would blank every such number in the report (and cost a pattern each).
fn is_token_count(key: &str) -> bool {
    let n = key.len();
    n > 6 && key.is_char_boundary(n - 6) && key[n - 6..].eq_ignore_ascii_case("tokens")
}

fn is_secret_key_long(key: &str) -> bool {
    let k: Vec<u8> = key
        .bytes()
        .filter(|b| *b != b'_' && *b != b'-')
        .map(|b| b.to_ascii_lowercase())
        .collect();
    secret_name(&k)
}

const SECRET_WORDS: [&str; 8] = [
    "token",
    "password",
    "passwd",
    "secret",
    "credential",
    "cookie",
    "authorization",
    "bearer",
];

fn secret_name(k: &[u8]) -> bool {
    let k = k.strip_suffix(b"s").unwrap_or(k);
    SECRET_WORDS
        .iter()
        // Keys are short: a plain window compare beats building a searcher per key and word.
        .any(|s| k.windows(s.len()).any(|w| w == s.as_bytes()))
        || k.ends_with(b"key")
        || near_secret_word(k)
}

/// A misspelt secret key (`pasword`, `tokn`, `secert`): one edit from a secret word, same first
/// letter. Its value is redacted too: an unknown key still shows in diffs and patches.
fn near_secret_word(k: &[u8]) -> bool {
    SECRET_WORDS
        .iter()
        .any(|w| k.first() == w.as_bytes().first() && within_one_edit(k, w.as_bytes()))
}

/// At most one insertion, deletion, substitution or swap of neighbours apart (without the
/// allocations of a general edit distance: this runs for every key of the config).
fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let Some(i) = short.iter().zip(long).position(|(x, y)| x != y) else {
        return true;
    };
    if short.len() < long.len() {
        return short[i..] == long[i + 1..];
    }
    short[i + 1..] == long[i + 1..]
        || (i + 1 < short.len()
            && short[i] == long[i + 1]
            && short[i + 1] == long[i]
            && short[i + 2..] == long[i + 2..])
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    pub fn add(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.is_empty() || secret == REDACTED {
            return;
        }
        let mut forms = vec![secret.to_string()];
        // As it appears inside a JSON string, and percent-encoded in a URL.
        if let Ok(quoted) = serde_json::to_string(secret) {
            forms.push(quoted[1..quoted.len() - 1].to_string());
        }
        forms.push(url::form_urlencoded::byte_serialize(secret.as_bytes()).collect());
        for form in forms {
            if self.seen.insert(form.clone()) {
                self.secrets.push(form);
                self.automaton = std::sync::OnceLock::new();
            }
        }
    }

    /// Every value of `env` whose name is a secret's (a found gateway's whole environment).
    pub fn add_secret_env(&mut self, env: &Env) {
        for (name, value) in env.iter() {
            if is_secret_key(name) && !value.trim().is_empty() {
                self.add(value);
            }
        }
        self.add_env(env);
    }

    pub fn add_env(&mut self, env: &Env) {
        for name in [
            "OPENCLAW_GATEWAY_TOKEN",
            "OPENCLAW_GATEWAY_PASSWORD",
            "CLAWDBOT_GATEWAY_TOKEN",
        ] {
            if let Some(v) = env.get(name) {
                self.add(v);
            }
        }
    }

    pub fn add_config(&mut self, cfg: &ConfigSet) {
        for doc in &cfg.docs {
            self.add_node(&doc.text, &doc.root, false);
        }
    }

    fn add_node(&mut self, text: &str, node: &Node, secret: bool) {
        match &node.value {
            NodeValue::String { value, .. } => {
                if secret && !(value.starts_with("${") && value.ends_with('}')) {
                    self.add(value);
                    // The literal as written in the file (escapes and all), for diffs.
                    if let Some(raw) = text.get(node.span.clone())
                        && raw.len() >= 2
                    {
                        self.add(&raw[1..raw.len() - 1]);
                    }
                }
                self.add_url_secrets(value);
            }
            NodeValue::Number { raw, .. } if secret => self.add(raw),
            NodeValue::Object(entries) => {
                for e in entries {
                    let count =
                        matches!(e.value.value, NodeValue::Number { .. }) && is_token_count(&e.key);
                    let named = is_secret_key(&e.key) && !count;
                    self.add_node(text, &e.value, secret || named);
                }
            }
            NodeValue::Array(items) => {
                for i in items {
                    self.add_node(text, i, secret);
                }
            }
            _ => {}
        }
    }

    /// Passwords and token-like query parameters inside URL strings.
    pub fn add_url_secrets(&mut self, value: &str) {
        if !value.contains("://") {
            return;
        }
        // The password as written, even when the URL does not parse (a bad port, a space):
        // such a URL is still printed in findings and diffs.
        if let Some(pw) = written_password(value) {
            self.add(pw);
            if let Ok(decoded) = percent_decode(pw) {
                self.add(&decoded);
            }
        }
        if let Ok(url) = url::Url::parse(value) {
            if let Some(pw) = url.password() {
                self.add(pw);
                if let Ok(decoded) = percent_decode(pw) {
                    self.add(&decoded);
                }
            }
            for (k, v) in url.query_pairs() {
                if is_secret_key(&k) {
                    self.add(&v);
                }
            }
        }
    }

    /// Every secret replaced in one pass (Aho-Corasick, leftmost-longest: where two secrets
    /// overlap the longer one wins, as replacing the longest first did).
    pub fn redact(&self, text: &str) -> String {
        if self.secrets.is_empty() {
            return text.to_string();
        }
        match self.automaton.get_or_init(|| self.build()) {
            Some((ac, replacements)) => ac.replace_all(text, replacements),
            // Cannot happen for string patterns; never print unredacted text all the same.
            None => String::from("<output withheld: redaction failed>\n"),
        }
    }

    fn build(&self) -> Option<(aho_corasick::AhoCorasick, Vec<String>)> {
        let mut patterns: Vec<String> = Vec::new();
        let mut replacements: Vec<String> = Vec::new();
        for secret in &self.secrets {
            if secret.chars().count() >= MIN_BARE_LEN {
                patterns.push(secret.clone());
                replacements.push(REDACTED.to_string());
            } else {
                for q in ['"', '\''] {
                    patterns.push(format!("{q}{secret}{q}"));
                    replacements.push(format!("{q}{REDACTED}{q}"));
                }
                patterns.push(format!(":{secret}@"));
                replacements.push(format!(":{REDACTED}@"));
            }
        }
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()
            .map(|ac| (ac, replacements))
    }
}

/// `pw` in `scheme://user:pw@host…`, read from the text (no URL parsing).
fn written_password(value: &str) -> Option<&str> {
    let start = value.find("://")? + 3;
    let rest = &value[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    let pw = &userinfo[userinfo.find(':')? + 1..];
    (!pw.is_empty()).then_some(pw)
}

fn percent_decode(s: &str) -> Result<String, std::string::FromUtf8Error> {
    let bytes: Vec<u8> = url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned().into_bytes())
        .unwrap_or_default();
    String::from_utf8(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_form_of_a_secret() {
        let mut r = Redactor::new();
        r.add("s3cr\"et-token");
        assert_eq!(r.redact("token s3cr\"et-token"), "token <redacted>");
        assert_eq!(
            r.redact("{\"t\":\"s3cr\\\"et-token\"}"),
            "{\"t\":\"<redacted>\"}"
        );
        let mut r = Redactor::new();
        r.add("ab");
        assert_eq!(
            r.redact("tab 'ab' \"ab\""),
            "tab '<redacted>' \"<redacted>\""
        );
    }

    #[test]
    fn passwords_in_urls_that_do_not_parse_are_redacted_too() {
        for url in [
            "https://u:s3cretPW@host:99999/",
            "wss://u:s3cretPW@ho st/",
            "ws://u:s3cretPW@[::1/",
        ] {
            let mut r = Redactor::new();
            r.add_url_secrets(url);
            assert_eq!(
                r.redact(&format!("url {url:?}")),
                format!("url {:?}", url.replace("s3cretPW", REDACTED)),
                "{url}"
            );
        }
        assert_eq!(written_password("wss://user@h/"), None);
        assert_eq!(written_password("wss://u:@h/"), None);
        assert_eq!(written_password("wss://h/?a=b@c:d"), None);
    }

    #[test]
    fn token_counts_are_not_secrets_but_numeric_tokens_are() {
        let text = "{ maxTokens: 409612, a: { token: 123456, contextTokens: 'hunter22' } }";
        let root = crate::config::json5::parse(text).expect("valid");
        let mut r = Redactor::new();
        r.add_node(text, &root, false);
        assert_eq!(
            r.redact("409612 123456 hunter22"),
            "409612 <redacted> <redacted>"
        );
    }

    #[test]
    fn secret_key_names() {
        for k in [
            "token",
            "authToken",
            "password",
            "api_key",
            "apiKey",
            "clientSecret",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "apiKeys",
            "secretAccessKey",
            "Authorization",
            "refresh_tokens",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "pasword", "tokn", "Secert", "cookei", "Bearr", "tokenn", "tokem",
        ] {
            assert!(is_secret_key(k), "misspelt: {k}");
        }
        for k in [
            "bind",
            "url",
            "mode",
            "port",
            "allowedOrigins",
            "tools",
            "cookbook",
            "tkoen2",
            "tk",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }
}
