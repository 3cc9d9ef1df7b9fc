//! Colour and symbols, decided once from flags and the environment.

use owo_colors::OwoColorize;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub unicode: bool,
}

impl Style {
    pub fn plain() -> Style {
        Style {
            color: false,
            unicode: false,
        }
    }

    fn paint(&self, s: &str, f: impl Fn(&str) -> String) -> String {
        if self.color { f(s) } else { s.to_string() }
    }

    pub fn red(&self, s: &str) -> String {
        self.paint(s, |s| s.red().to_string())
    }
    pub fn green(&self, s: &str) -> String {
        self.paint(s, |s| s.green().to_string())
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint(s, |s| s.yellow().to_string())
    }
    pub fn cyan(&self, s: &str) -> String {
        self.paint(s, |s| s.cyan().to_string())
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint(s, |s| s.bold().to_string())
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint(s, |s| s.dimmed().to_string())
    }

    pub fn symbol(&self, status: crate::checks::Status) -> String {
        use crate::checks::Status::*;
        let (u, a) = match status {
            Pass => ("✔", "ok"),
            Info => ("ℹ", "info"),
            Warning => ("⚠", "warn"),
            Error => ("✖", "FAIL"),
            Skipped => ("-", "skip"),
        };
        let text = if self.unicode {
            u.to_string()
        } else {
            format!("[{a}]")
        };
        match status {
            Pass => self.green(&text),
            Info => self.cyan(&text),
            Warning => self.yellow(&text),
            Error => self.red(&text),
            Skipped => self.dim(&text),
        }
    }

    pub fn arrow(&self) -> &'static str {
        if self.unicode { "→" } else { "->" }
    }
}

/// `--color auto`: off with `NO_COLOR`, on with `CLICOLOR_FORCE`, else on for a terminal.
pub fn color_enabled(
    choice: ColorChoice,
    is_terminal: bool,
    env: impl Fn(&str) -> Option<String>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                return false;
            }
            if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                return true;
            }
            is_terminal && env("TERM").as_deref() != Some("dumb")
        }
    }
}

/// Unicode symbols only when the locale says UTF-8 (`LC_ALL`, then `LC_CTYPE`, then `LANG`).
pub fn unicode_enabled(env: impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| env(name).filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_rules() {
        let none = |_: &str| None;
        let no_color = |n: &str| (n == "NO_COLOR").then(|| "1".to_string());
        let force = |n: &str| (n == "CLICOLOR_FORCE").then(|| "1".to_string());
        assert!(color_enabled(ColorChoice::Auto, true, none));
        assert!(!color_enabled(ColorChoice::Auto, false, none));
        assert!(!color_enabled(ColorChoice::Auto, true, no_color));
        assert!(color_enabled(ColorChoice::Auto, false, force));
        assert!(color_enabled(ColorChoice::Always, false, no_color));
        assert!(!color_enabled(ColorChoice::Never, true, force));
        assert!(unicode_enabled(
            |n: &str| (n == "LANG").then(|| "en_US.UTF-8".to_string())
        ));
        assert!(!unicode_enabled(
            |n: &str| (n == "LANG").then(|| "C".to_string())
        ));
        assert!(!unicode_enabled(none));
    }
}

/// Text for a terminal: control characters from config values, servers or files become `?`
/// (an ESC could clear the screen or retitle the window). Newlines and tabs stay, and with
/// colour on so do the doctor's own SGR colour sequences (`ESC [ … m`).
pub fn terminal_safe(text: &str, color: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' && color {
            let seq_len = sgr_len(rest);
            if seq_len > 0 {
                out.push_str(&rest[..seq_len]);
                rest = &rest[seq_len..];
                continue;
            }
        }
        out.push(if c.is_control() && c != '\n' && c != '\t' {
            '?'
        } else {
            c
        });
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of an SGR sequence `ESC [ digits;… m` at the start of `s`, else 0.
fn sgr_len(s: &str) -> usize {
    let b = s.as_bytes();
    if b.len() < 3 || b[1] != b'[' {
        return 0;
    }
    match b[2..]
        .iter()
        .position(|c| !(c.is_ascii_digit() || *c == b';'))
    {
        Some(i) if b[2 + i] == b'm' => 3 + i,
        _ => 0,
    }
}

#[cfg(test)]
mod terminal_tests {
    use super::terminal_safe;

    #[test]
    fn only_the_doctors_own_colours_reach_the_terminal() {
        let hostile = "url \u{1b}]0;pwned\u{7}wss://x\u{1b}[2J end\r\n\ttab";
        assert_eq!(
            terminal_safe(hostile, false),
            "url ?]0;pwned?wss://x?[2J end?\n\ttab"
        );
        let coloured = "\u{1b}[1m\u{1b}[31mbold red\u{1b}[0m \u{1b}[2J";
        assert_eq!(
            terminal_safe(coloured, true),
            "\u{1b}[1m\u{1b}[31mbold red\u{1b}[0m ?[2J"
        );
        assert_eq!(terminal_safe("\u{1b}[31", true), "?[31");
    }
}
