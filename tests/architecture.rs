//! docs/architecture.md stays true: its check id → file table lists exactly the ids that
//! `check --help` lists, each file produces its id; and the size rules hold (no source file
//! over 500 lines, no function over 100, tests aside).

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The ids `check --help` lists: lines `  <id>  <severity>  <explanation>`.
fn help_ids() -> BTreeSet<String> {
    let out = common::run::bare()
        .args(["check", "--help"])
        .output()
        .expect("help");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let section = text
        .split_once("\nChecks (stable ids")
        .map(|(_, rest)| rest)
        .expect("a Checks section in check --help");
    let ids: BTreeSet<String> = section
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let id = words.next()?;
            let severity = words.next()?;
            let is_id = line.starts_with("  ")
                && id.contains('.')
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
            (is_id && matches!(severity, "error" | "warning" | "info")).then(|| id.to_string())
        })
        .collect();
    assert!(ids.len() >= 35, "too few ids parsed from --help: {ids:?}");
    ids
}

/// The table rows `| `id` | `file` |` of docs/architecture.md.
fn table() -> Vec<(String, PathBuf)> {
    let doc = fs::read_to_string(root().join("docs/architecture.md")).expect("architecture.md");
    let section = doc
        .split_once("## Where each check is")
        .map(|(_, rest)| rest)
        .expect("the id table section");
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            let [id, file] = cells.as_slice() else {
                return None;
            };
            let id = id.trim().strip_prefix('`')?.strip_suffix('`')?;
            let file = file.trim().strip_prefix('`')?.strip_suffix('`')?;
            Some((id.to_string(), PathBuf::from(file)))
        })
        .collect()
}

#[test]
fn the_id_table_lists_every_check_and_where_it_is() {
    let rows = table();
    let listed: BTreeSet<String> = rows.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(listed.len(), rows.len(), "an id is listed twice");
    let help = help_ids();
    let missing: Vec<_> = help.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&help).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "docs/architecture.md: missing {missing:?}, not a check {stale:?}"
    );
    for (id, file) in &rows {
        let code = fs::read_to_string(root().join(file))
            .unwrap_or_else(|e| panic!("{id}: {}: {e}", file.display()));
        assert!(
            code.contains(&format!("\"{id}\"")),
            "{id}: {} does not produce it",
            file.display()
        );
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of each `fn` body (from its `fn` line to its closing brace), by brace counting over
/// the code with strings, characters and comments blanked.
fn function_lengths(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<String> = text.lines().map(code_only).collect();
    let mut out = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(after) = [
            "fn ",
            "pub fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
            "async fn ",
        ]
        .iter()
        .chain(&["pub async fn ", "const fn ", "pub const fn "])
        .find_map(|p| trimmed.strip_prefix(p)) else {
            continue;
        };
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut opened) = (0i32, false);
        for (i, l) in lines.iter().enumerate().skip(start) {
            for c in l.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if !opened && l.trim_end().ends_with(';') {
                break;
            }
            if opened && depth <= 0 {
                out.push((name.clone(), start + 1, i - start + 1));
                break;
            }
        }
    }
    out
}

/// A line with string and char literals emptied and a `//` comment dropped.
fn code_only(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A char literal ('x', '\n', '{') or a lifetime ('a): skip only the former.
                let rest: String = chars.clone().take(3).collect();
                let len = if rest.starts_with('\\') {
                    rest.find('\'').map(|i| i + 1)
                } else if rest.chars().nth(1) == Some('\'') {
                    Some(2)
                } else {
                    None
                };
                if let Some(n) = len {
                    for _ in 0..n {
                        chars.next();
                    }
                }
                out.push('\'');
            }
            '/' if chars.peek() == Some(&'/') => break,
            c => out.push(c),
        }
    }
    out
}

#[test]
fn no_source_file_over_500_lines_and_no_function_over_100() {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    assert!(files.len() > 50, "{files:?}");
    let mut too_long = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("source");
        let name = file
            .strip_prefix(root())
            .unwrap_or(file)
            .display()
            .to_string();
        // Unit tests aside: a file of tests, or the `mod tests` at the end of a file.
        if name.ends_with("_tests.rs") {
            continue;
        }
        let code = text.split("\n#[cfg(test)]").next().unwrap_or(&text);
        let lines = code.lines().count();
        if lines > 500 {
            too_long.push(format!("{name}: {lines} lines"));
        }
        for (f, at, n) in function_lengths(code) {
            if n > 100 {
                too_long.push(format!("{name}:{at}: fn {f} has {n} lines"));
            }
        }
    }
    assert!(too_long.is_empty(), "{}", too_long.join("\n"));
}

#[test]
fn the_function_counter_counts() {
    let text = "fn a() {\n    let s = \"}\";\n    let c = '{';\n    // }\n}\nfn b<'x>(v: &'x str) {\n    if true {\n    }\n}\n";
    assert_eq!(
        function_lengths(text),
        vec![("a".to_string(), 1, 5), ("b".to_string(), 6, 4)]
    );
}
