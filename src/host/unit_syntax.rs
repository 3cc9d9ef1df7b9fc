//! systemd's unit-file syntax as systemd 252 (Debian 12) reads it, checked against the real
//! systemd in `tests/units.rs`: lines, sections and continuations (systemd.syntax(7), its
//! `config_parse`), the word splitting and C escapes of `Environment=` and `ExecStart=`
//! (`extract_first_word`). `%` specifiers (systemd.unit(5)) are in `specifiers`, the
//! `EnvironmentFile=` format in `env_file`, command lines in `exec`. Pure functions on text: `units` reads the host.

mod env_file;
mod exec;
mod specifiers;

pub use env_file::{EnvFileVar, parse_env_file};
pub use exec::{ExecCommand, ExecLine, parse_exec};
pub use specifiers::{Specifiers, UnknownSpecifier};

use std::path::{Path, PathBuf};

/// Unit files, drop-ins and environment files over this size are skipped (systemd's own limit
/// is 1 MB per line; no real unit comes near it).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// systemd's `WHITESPACE`: what `strstrip` and word splitting treat as blank.
const WHITESPACE: &[u8] = b" \t\n\r";

/// One `Key=Value` line; `line` is the first physical line of a continued one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub section: String,
    pub key: String,
    pub value: String,
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFile {
    pub path: PathBuf,
    /// Every section header, with its line (unknown ones are for the caller to judge).
    pub sections: Vec<(String, usize)>,
    pub assignments: Vec<Assignment>,
    /// Lines systemd warns about and ignores (`file:line: why`).
    pub warnings: Vec<String>,
}

/// A line that makes systemd refuse the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// The sections and assignments of a unit file or drop-in, as systemd's `config_parse` reads
/// them; `file` names it in messages.
pub fn parse_unit(text: &str, file: &Path) -> Result<UnitFile, SyntaxError> {
    parse_unit_bytes(text.as_bytes(), file)
}

/// As `parse_unit`, for a file that may not be UTF-8 (systemd ignores such lines).
pub fn parse_unit_bytes(bytes: &[u8], file: &Path) -> Result<UnitFile, SyntaxError> {
    match parse_unit_partial(bytes, file) {
        (parsed, None) => Ok(parsed),
        (_, Some(e)) => Err(e),
    }
}

/// As `parse_unit_bytes`, keeping what comes before a fatal line: systemd applies that much
/// of a drop-in (it ignores the rest and loads the unit).
pub fn parse_unit_partial(bytes: &[u8], file: &Path) -> (UnitFile, Option<SyntaxError>) {
    let mut out = UnitFile {
        path: file.to_path_buf(),
        ..UnitFile::default()
    };
    let mut section: Option<String> = None;
    let mut pending: Option<(Vec<u8>, usize)> = None;
    for (index, raw) in physical_lines(bytes).enumerate() {
        let number = index + 1;
        let raw = match (number, raw.strip_prefix("\u{feff}".as_bytes())) {
            (1, Some(rest)) => rest,
            _ => raw,
        };
        // A comment line is dropped even inside a continuation (systemd.syntax(7)).
        let lead = trim_start(raw);
        if matches!(lead.first(), Some(b'#' | b';')) {
            continue;
        }
        let (mut logical, first) = match pending.take() {
            Some((mut acc, first)) => {
                acc.extend_from_slice(raw);
                (acc, first)
            }
            None => (raw.to_vec(), number),
        };
        if ends_escaped(&logical) {
            // The backslash becomes a space and the next line is appended as it is.
            if let Some(last) = logical.last_mut() {
                *last = b' ';
            }
            pending = Some((logical, first));
            continue;
        }
        if let Err(e) = parse_line(&logical, first, &mut section, &mut out) {
            return (out, Some(e));
        }
    }
    if let Some((logical, first)) = pending
        && let Err(e) = parse_line(&logical, first, &mut section, &mut out)
    {
        return (out, Some(e));
    }
    (out, None)
}

/// Lines as systemd's `read_line` ends them: `\n`, `\r\n`, `\r` or NUL.
fn physical_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .iter()
            .position(|b| matches!(b, b'\n' | b'\r' | 0))
            .unwrap_or(rest.len());
        let line = &rest[..end];
        let skip = match (rest.get(end), rest.get(end + 1)) {
            (Some(b'\r'), Some(b'\n')) => 2,
            (Some(_), _) => 1,
            (None, _) => 0,
        };
        rest = &rest[end + skip..];
        Some(line)
    })
}

/// Whether the line ends in a backslash that is not itself escaped.
fn ends_escaped(line: &[u8]) -> bool {
    line.iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1
}

fn parse_line(
    raw: &[u8],
    line: usize,
    section: &mut Option<String>,
    out: &mut UnitFile,
) -> Result<(), SyntaxError> {
    let trimmed = trim(raw);
    if trimmed.is_empty() {
        return Ok(());
    }
    let at = format!("{}:{line}", out.path.display());
    let Ok(text) = std::str::from_utf8(trimmed) else {
        out.warnings.push(format!("{at}: not UTF-8, line ignored"));
        return Ok(());
    };
    if let Some(header) = text.strip_prefix('[') {
        let Some(name) = header.strip_suffix(']') else {
            return Err(SyntaxError {
                path: out.path.clone(),
                line,
                message: format!("invalid section header '{text}'"),
            });
        };
        out.sections.push((name.to_string(), line));
        *section = Some(name.to_string());
        return Ok(());
    }
    let Some(current) = section.as_ref() else {
        out.warnings
            .push(format!("{at}: assignment outside of a section, ignored"));
        return Ok(());
    };
    let Some((key, value)) = text.split_once('=') else {
        out.warnings
            .push(format!("{at}: missing '=', line ignored"));
        return Ok(());
    };
    let key = trim_str(key);
    if key.is_empty() {
        out.warnings
            .push(format!("{at}: missing key name before '=', line ignored"));
        return Ok(());
    }
    out.assignments.push(Assignment {
        section: current.clone(),
        key: key.to_string(),
        value: trim_str(value).to_string(),
        line,
    });
    Ok(())
}

fn trim_start(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !WHITESPACE.contains(b))
        .unwrap_or(s.len());
    &s[start..]
}

fn trim(s: &[u8]) -> &[u8] {
    let s = trim_start(s);
    let end = s
        .iter()
        .rposition(|b| !WHITESPACE.contains(b))
        .map_or(0, |i| i + 1);
    &s[..end]
}

/// `trim` for text: systemd's blanks only (not Unicode white space).
fn trim_str(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && WHITESPACE.contains(&(c as u8)))
}

/// A word and the rest of the text after it; `None` at the end.
pub type Word<'a> = Option<(Vec<u8>, &'a [u8])>;

/// Why `next_word` failed: systemd then ignores the rest of the setting (`Environment=`) or
/// retries with `relax` (`ExecStart=`, "Ignoring unknown escape sequences").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordError {
    BadEscape,
    Unbalanced,
}

/// The first word of `s` and what follows it, as systemd's `extract_first_word` with
/// `EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE` (and `EXTRACT_UNESCAPE_RELAX` when `relax`): quotes may
/// open anywhere in a word and are removed; backslash escapes work inside single quotes too.
/// `Ok(None)` when only blanks are left. Bytes, because `\xNN` yields a raw byte.
pub fn next_word(s: &[u8], relax: bool) -> Result<Word<'_>, WordError> {
    let Some(start) = s.iter().position(|b| !WHITESPACE.contains(b)) else {
        return Ok(None);
    };
    let mut i = start;
    let mut word = Vec::new();
    let mut quote: Option<u8> = None;
    loop {
        let Some(&c) = s.get(i) else {
            return match quote {
                Some(_) => Err(WordError::Unbalanced),
                None => Ok(Some((word, &s[i..]))),
            };
        };
        if c == b'\\' {
            i = unescape_at(s, i + 1, relax && quote.is_none(), relax, &mut word)?;
        } else if Some(c) == quote {
            quote = None;
            i += 1;
        } else if quote.is_none() && (c == b'\'' || c == b'"') {
            quote = Some(c);
            i += 1;
        } else if quote.is_none() && WHITESPACE.contains(&c) {
            return Ok(Some((word, trim_start(&s[i..]))));
        } else {
            word.push(c);
            i += 1;
        }
    }
}

/// The escape whose letter is at `s[at]`; returns where the word goes on. A backslash at the
/// very end is kept only with `keep_trailing` (relaxed and unquoted); an unknown escape is kept
/// as written only with `relax`.
fn unescape_at(
    s: &[u8],
    at: usize,
    keep_trailing: bool,
    relax: bool,
    word: &mut Vec<u8>,
) -> Result<usize, WordError> {
    let Some(&c) = s.get(at) else {
        if keep_trailing {
            word.push(b'\\');
            return Ok(at);
        }
        return Err(WordError::BadEscape);
    };
    if let Some(len) = cunescape_one(&s[at..], word) {
        return Ok(at + len);
    }
    if relax {
        word.extend_from_slice(&[b'\\', c]);
        return Ok(at + 1);
    }
    Err(WordError::BadEscape)
}

/// One C escape (systemd's `cunescape_one`, systemd.syntax(7) table) after its backslash:
/// appends what it stands for and returns its length. NUL is refused; `\xNN` and octal give a
/// raw byte, `\u`/`\U` a code point in UTF-8.
fn cunescape_one(p: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let simple = match p.first()? {
        b'a' => 7,
        b'b' => 8,
        b'f' => 12,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'v' => 11,
        b'\\' => b'\\',
        b'"' => b'"',
        b'\'' => b'\'',
        b's' => b' ',
        b'x' => {
            let v = hex_value(p.get(1..3)?)?;
            out.push(u8::try_from(v).ok().filter(|v| *v != 0)?);
            return Some(3);
        }
        b'u' | b'U' => {
            let n = if p[0] == b'u' { 4 } else { 8 };
            let v = hex_value(p.get(1..=n)?)?;
            let valid = v != 0 && (n == 4 || unichar_is_valid(v));
            if !valid {
                return None;
            }
            push_utf8(v, out);
            return Some(n + 1);
        }
        b'0'..=b'7' => {
            let digits = p.get(..3)?;
            let mut v = 0u32;
            for d in digits {
                v = v * 8 + u32::from(oct_digit(*d)?);
            }
            out.push(u8::try_from(v).ok().filter(|v| *v != 0)?);
            return Some(3);
        }
        _ => return None,
    };
    out.push(simple);
    Some(1)
}

pub(crate) fn hex_value(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, d| {
        let v = char::from(*d).to_digit(16)?;
        Some(acc * 16 + v)
    })
}

fn oct_digit(d: u8) -> Option<u8> {
    (b'0'..=b'7').contains(&d).then(|| d - b'0')
}

/// systemd's `unichar_is_valid`.
fn unichar_is_valid(c: u32) -> bool {
    c < 0x11_0000
        && (c & 0xFFFF_F800) != 0xD800
        && !(0xFDD0..=0xFDEF).contains(&c)
        && (c & 0xFFFE) != 0xFFFE
}

/// UTF-8 as systemd's `utf8_encode_unichar` writes it (a surrogate from `\uD800` too, which
/// makes the text invalid UTF-8, as it is for systemd).
fn push_utf8(c: u32, out: &mut Vec<u8>) {
    // Each cast keeps the low 8 bits of a value already masked or shifted to fit.
    let cont = |shift: u32| 0x80 | ((c >> shift) & 0x3F) as u8;
    match c {
        0..=0x7F => out.push(c as u8),
        0x80..=0x7FF => out.extend_from_slice(&[0xC0 | (c >> 6) as u8, cont(0)]),
        0x800..=0xFFFF => out.extend_from_slice(&[0xE0 | (c >> 12) as u8, cont(6), cont(0)]),
        _ => out.extend_from_slice(&[0xF0 | ((c >> 18) & 0x07) as u8, cont(12), cont(6), cont(0)]),
    }
}

/// systemd's `env_name_is_valid`: ASCII letters, digits and `_`, not empty, no leading digit.
pub fn env_name_is_valid(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// systemd 252's `env_value_is_valid`: UTF-8 (a `&str` is) that fits in `ARG_MAX` (2 MiB).
/// Control characters pass, though systemd.exec(5) says they are rejected: `systemd --test`
/// keeps `Environment=A=\a`.
pub fn env_value_is_valid(value: &str) -> bool {
    value.len() < (2 << 20) - 3
}

/// One `Environment=` value (not empty: that resets the list, for the caller): its `K=V` words
/// in order, as systemd's `config_parse_environ` takes them, and what it warned about. A word
/// that is no valid assignment or has an unknown specifier is skipped; a quoting or escape
/// error drops the rest of the line.
pub fn parse_environment(value: &str, spec: &Specifiers) -> (Vec<(String, String)>, Vec<String>) {
    let mut vars = Vec::new();
    let mut warnings = Vec::new();
    let mut rest = value.as_bytes();
    loop {
        let (word, after) = match next_word(rest, false) {
            Ok(Some(found)) => found,
            Ok(None) => break,
            Err(_) => {
                warnings.push(format!("invalid syntax, the rest is ignored: {value}"));
                break;
            }
        };
        rest = after;
        let word = match spec.expand(&word) {
            Ok((word, unresolved)) => {
                if !unresolved.is_empty() {
                    warnings.push(format!("host specifiers left as written: {unresolved:?}"));
                }
                word
            }
            Err(UnknownSpecifier(c)) => {
                warnings.push(format!("unknown specifier %{c}, word ignored"));
                continue;
            }
        };
        let text = String::from_utf8(word).ok();
        let pair = text.as_deref().and_then(|t| t.split_once('='));
        match pair {
            Some((k, v)) if env_name_is_valid(k) && env_value_is_valid(v) => {
                vars.push((k.to_string(), v.to_string()));
            }
            _ => warnings.push(format!(
                "invalid environment assignment ignored: {}",
                text.unwrap_or_default()
            )),
        }
    }
    (vars, warnings)
}

/// systemd's boolean words (`parse_boolean`); `None` for anything else.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "yes" | "y" | "true" | "t" | "on" => Some(true),
        "0" | "no" | "n" | "false" | "f" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(s: &str, relax: bool) -> Result<Option<(String, String)>, WordError> {
        Ok(next_word(s.as_bytes(), relax)?.map(|(w, rest)| {
            (
                String::from_utf8_lossy(&w).into_owned(),
                String::from_utf8_lossy(rest).into_owned(),
            )
        }))
    }

    fn w(s: &str) -> String {
        word(s, false).unwrap().unwrap().0
    }

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(
            word("  a\"b c\"d  e", false),
            Ok(Some(("ab cd".into(), "e".into())))
        );
        assert_eq!(w("'x\\ty'"), "x\ty");
        assert_eq!(w("\\x41\\101\\u00e9\\U0001F600\\s\\\\"), "AAé😀 \\");
        assert_eq!(word("\\q", false), Err(WordError::BadEscape));
        assert_eq!(word("\\q", true).unwrap().unwrap().0, "\\q");
        assert_eq!(word("\\x00", false), Err(WordError::BadEscape));
        assert_eq!(word("\"a", false), Err(WordError::Unbalanced));
        assert_eq!(word("a\\", false), Err(WordError::BadEscape));
        assert_eq!(word("a\\", true).unwrap().unwrap().0, "a\\");
        assert_eq!(word("\"a\\", true), Err(WordError::BadEscape));
        assert_eq!(word(" \t ", false), Ok(None));
        // \xNN is a raw byte: two of them make one UTF-8 character.
        assert_eq!(w("\\xc3\\xa9"), "é");
    }

    #[test]
    fn lines_sections_and_continuations() {
        let text = "\u{feff}[Unit]\r\nDescription = d \r\n[Service]\nExecStart=/bin/a \\\n# skipped\n  b\\\\\nX=1\n\nNoEquals\n=v\n";
        let f = parse_unit(text, Path::new("/u")).unwrap();
        let got: Vec<(&str, &str, &str, usize)> = f
            .assignments
            .iter()
            .map(|a| (a.section.as_str(), a.key.as_str(), a.value.as_str(), a.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Unit", "Description", "d", 2),
                ("Service", "ExecStart", "/bin/a    b\\\\", 4),
                ("Service", "X", "1", 7),
            ]
        );
        assert_eq!(
            f.sections,
            [("Unit".to_string(), 1), ("Service".to_string(), 3)]
        );
        assert_eq!(f.warnings.len(), 2, "{:?}", f.warnings);
        let e = parse_unit("A=1\n[Service\nB=2\n", Path::new("/u")).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "invalid section header '[Service'")
        );
        let (partial, error) = parse_unit_partial(b"[Service]\nA=1\n[X\nB=2\n", Path::new("/u"));
        assert_eq!(partial.assignments.len(), 1);
        assert!(error.is_some());
        // A continuation at the end of the file still counts.
        let f = parse_unit("[S]\nA=x\\", Path::new("/u")).unwrap();
        assert_eq!(f.assignments[0].value, "x");
    }

    #[test]
    fn environment_words() {
        let spec = Specifiers::default();
        let (vars, warnings) =
            parse_environment("\"VAR1=word1 word2\" VAR2=word3 \"VAR3=$word 5 6\"", &spec);
        let expected = [
            ("VAR1", "word1 word2"),
            ("VAR2", "word3"),
            ("VAR3", "$word 5 6"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(vars, expected);
        assert!(warnings.is_empty());
        let (vars, warnings) = parse_environment("A=1 1B=2 C=%z D=\\q E=5", &spec);
        assert_eq!(vars, [("A".to_string(), "1".to_string())]);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            parse_bool("Yes").unwrap() && !parse_bool("off").unwrap() && parse_bool("2").is_none()
        );
    }
}
