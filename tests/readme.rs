//! README's usage block is the `--help` of the binary in short: every flag the block names
//! exists for its command, and every flag `check --help` and `fix --help` list is in the block.

mod common;

use std::collections::BTreeSet;

fn usage_block() -> String {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```text\nopenclaw-doctor check")
        .expect("README has the usage block");
    let rest = &readme[start + 8..];
    rest[..rest.find("```").expect("closed block")].to_string()
}

/// `--flag` words in `text` (`-q/--quiet` gives `--quiet`).
fn flags(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("--") {
        let name: String = text[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        if name.len() > 1 && !name.ends_with('-') {
            out.insert(format!("--{name}"));
        }
    }
    out
}

fn help(args: &[&str]) -> BTreeSet<String> {
    let out = common::run::bare().args(args).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    // Only the option list: the text after it names flags in prose.
    let options = &text[..text.find("\nChecks (").unwrap_or(text.len())];
    let options = &options[..options.find("\nEnvironment:").unwrap_or(options.len())];
    options
        .lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .flat_map(|l| flags(l.trim_start().split("  ").next().unwrap_or("")))
        .filter(|f| f != "--help" && f != "--version")
        .collect()
}

#[test]
fn the_usage_block_matches_help() {
    let block = usage_block();
    let (check_part, rest) = block
        .split_once("openclaw-doctor fix")
        .expect("fix in the block");
    let (fix_part, global_part) = rest
        .split_once("openclaw-doctor completions")
        .expect("completions in the block");
    let global = flags(global_part);
    let documented_check: BTreeSet<String> = flags(check_part).union(&global).cloned().collect();
    let documented_fix: BTreeSet<String> = flags(fix_part).union(&global).cloned().collect();
    let check = help(&["check", "--help"]);
    let fix = help(&["fix", "--help"]);
    assert!(check.len() > 20 && fix.len() > 20, "{check:?} {fix:?}");
    let missing: Vec<_> = check.difference(&documented_check).collect();
    assert!(
        missing.is_empty(),
        "check flags missing from README: {missing:?}"
    );
    let missing: Vec<_> = fix.difference(&documented_fix).collect();
    assert!(
        missing.is_empty(),
        "fix flags missing from README: {missing:?}"
    );
    let unknown: Vec<_> = documented_check.difference(&check).collect();
    assert!(
        unknown.is_empty(),
        "README check flags that do not exist: {unknown:?}"
    );
    let unknown: Vec<_> = documented_fix.difference(&fix).collect();
    assert!(
        unknown.is_empty(),
        "README fix flags that do not exist: {unknown:?}"
    );
}
