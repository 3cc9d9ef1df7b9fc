//! The `EnvironmentFile=` format as systemd 252 reads it (systemd.exec(5); its
//! `parse_env_file_internal` state machine): `KEY=VALUE` lines, `#`/`;` comments, single and
//! double quotes that may span lines, backslash continuation. systemd 252 has no `export `
//! prefix (`export K=V` is an invalid name there, ignored), and a comment line ending in a
//! backslash also swallows the next line (changed in systemd 254).

use super::{WHITESPACE, env_name_is_valid, env_value_is_valid};

/// One variable of an environment file, with the line its key is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFileVar {
    pub key: String,
    pub value: String,
    pub line: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    PreKey,
    Key,
    PreValue,
    Value,
    ValueEscape,
    Single,
    Double,
    DoubleEscape,
    Comment,
    CommentEscape,
}

/// systemd's `SHELL_NEED_ESCAPE`: what a backslash escapes inside double quotes.
const NEED_ESCAPE: &[u8] = b"\"\\`$";

/// The variables of an environment file in effect order (a repeated key keeps its first place
/// and takes the later value, as systemd's `strv_env_replace` does), and the entries dropped
/// (invalid name or value), as messages.
pub fn parse_env_file(text: &str) -> (Vec<EnvFileVar>, Vec<String>) {
    let mut p = Parser::default();
    for &c in text.as_bytes() {
        p.step(c);
    }
    if matches!(
        p.state,
        State::PreValue
            | State::Value
            | State::ValueEscape
            | State::Single
            | State::Double
            | State::DoubleEscape
    ) {
        p.push();
    }
    (p.vars, p.dropped)
}

#[derive(Default)]
struct Parser {
    state: State,
    key: Vec<u8>,
    value: Vec<u8>,
    /// Where trailing blanks of the key / an unquoted value start, to cut them off.
    key_blank: Option<usize>,
    value_blank: Option<usize>,
    /// Newlines read so far (physical lines, continuations and quoted ones too).
    newlines: usize,
    key_line: usize,
    vars: Vec<EnvFileVar>,
    dropped: Vec<String>,
}

impl Parser {
    fn set(&mut self, s: State) {
        self.state = s;
    }

    fn newline(&mut self) {
        self.set(State::PreKey);
    }

    fn step(&mut self, c: u8) {
        self.state_step(c);
        self.newlines += usize::from(c == b'\n');
    }

    fn state_step(&mut self, c: u8) {
        let newline = c == b'\n' || c == b'\r';
        let blank = WHITESPACE.contains(&c);
        match self.state {
            State::PreKey if c == b'#' || c == b';' => self.set(State::Comment),
            State::PreKey if !blank => {
                self.set(State::Key);
                self.key_blank = None;
                self.key_line = self.newlines + 1;
                self.key.push(c);
            }
            State::PreKey => {}
            State::Key if newline => {
                self.key.clear();
                self.newline();
            }
            State::Key if c == b'=' => {
                self.set(State::PreValue);
                self.value_blank = None;
            }
            State::Key => {
                if !blank {
                    self.key_blank = None;
                } else if self.key_blank.is_none() {
                    self.key_blank = Some(self.key.len());
                }
                self.key.push(c);
            }
            State::PreValue if newline => {
                self.push();
                self.newline();
            }
            State::PreValue if c == b'\'' => self.set(State::Single),
            State::PreValue if c == b'"' => self.set(State::Double),
            State::PreValue if c == b'\\' => self.set(State::ValueEscape),
            State::PreValue => {
                if !blank {
                    self.set(State::Value);
                    self.value.push(c);
                }
            }
            State::Value if newline => {
                self.push();
                self.newline();
            }
            State::Value if c == b'\\' => {
                self.set(State::ValueEscape);
                self.value_blank = None;
            }
            State::Value => {
                if !blank {
                    self.value_blank = None;
                } else if self.value_blank.is_none() {
                    self.value_blank = Some(self.value.len());
                }
                self.value.push(c);
            }
            State::ValueEscape => {
                self.set(State::Value);
                // An escaped newline joins the lines; any other character stands for itself.
                if !newline {
                    self.value.push(c);
                }
            }
            State::Single if c == b'\'' => self.set(State::PreValue),
            State::Single => self.value.push(c),
            State::Double if c == b'"' => self.set(State::PreValue),
            State::Double if c == b'\\' => self.set(State::DoubleEscape),
            State::Double => self.value.push(c),
            State::DoubleEscape => {
                self.set(State::Double);
                if NEED_ESCAPE.contains(&c) {
                    self.value.push(c);
                } else if c != b'\n' {
                    self.value.extend_from_slice(&[b'\\', c]);
                }
            }
            State::Comment if c == b'\\' => self.set(State::CommentEscape),
            State::Comment if newline => self.newline(),
            State::Comment => {}
            // systemd 252: the escaped character, a newline too, stays inside the comment.
            State::CommentEscape => self.set(State::Comment),
        }
    }

    /// The finished `key=value`: trailing blanks cut (an unquoted value's only), validated,
    /// then set in place or appended.
    fn push(&mut self) {
        if let Some(at) = self.key_blank.take() {
            self.key.truncate(at);
        }
        if self.state == State::Value
            && let Some(at) = self.value_blank.take()
        {
            self.value.truncate(at);
        }
        let key = String::from_utf8_lossy(&std::mem::take(&mut self.key)).into_owned();
        let value = String::from_utf8_lossy(&std::mem::take(&mut self.value)).into_owned();
        self.value_blank = None;
        if !env_name_is_valid(&key) || !env_value_is_valid(&value) {
            self.dropped.push(format!(
                "line {}: invalid variable {key:?}, ignored",
                self.key_line
            ));
            return;
        }
        let line = self.key_line;
        match self.vars.iter_mut().find(|v| v.key == key) {
            Some(v) => {
                v.value = value;
                v.line = line;
            }
            None => self.vars.push(EnvFileVar { key, value, line }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str) -> Vec<(String, String, usize)> {
        parse_env_file(text)
            .0
            .into_iter()
            .map(|v| (v.key, v.value, v.line))
            .collect()
    }

    #[test]
    fn quotes_escapes_comments_and_lines() {
        let text = "A=1\n# c \\\nHIDDEN=1\nB=\"x\ny\" \nC='a\\b'\nD=\"\\$\\q\"\nA=2\n  E = v w  \nexport F=1\nG\n";
        let want = [
            ("A", "2", 8),
            ("B", "x\ny", 4),
            ("C", "a\\b", 6),
            ("D", "$\\q", 7),
            ("E", "v w", 9),
        ];
        let want: Vec<(String, String, usize)> = want
            .iter()
            .map(|(k, v, l)| (k.to_string(), v.to_string(), *l))
            .collect();
        assert_eq!(vars(text), want);
        assert_eq!(
            parse_env_file(text).1.len(),
            1,
            "export F is an invalid name"
        );
    }
}
