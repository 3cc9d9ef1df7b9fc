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
