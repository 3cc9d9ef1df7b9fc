//! Writes the man pages and shell completions of the Debian package (scripts/build-deb.sh)
//! from the clap definitions, so the binary ships no generator:
//!
//! ```sh
//! cargo run --example gen-assets -- target/deb-assets
//! ```
//!
//! gives `man/openclaw-doctor.1` and one `man/openclaw-doctor-SUBCOMMAND.1` per (non-hidden)
//! subcommand, and `completions/{openclaw-doctor.bash,_openclaw-doctor,openclaw-doctor.fish}`.
//!
//! clap_mangen renders a command's `after_long_help` as filled text in one `EXTRA` section,
//! which runs the columns of the exit codes, the environment and the list of checks together.
//! So the page is rendered without it, and the long help is laid out here instead: each
//! `Heading:` line at column 0 becomes a section (`Exit codes:` → `EXIT STATUS`), each indented
//! `key  text` line a tagged paragraph (deeper-indented lines continue the text), and other
//! lines plain paragraphs.

use clap::CommandFactory;
use clap_complete::Shell;
use openclaw_doctor::cli::Cli;
use roff::{Roff, bold, italic, roman};
use std::path::Path;

const BIN: &str = "openclaw-doctor";

fn main() {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), None) = (args.next(), args.next()) else {
        eprintln!("usage: gen-assets OUT_DIR");
        std::process::exit(2);
    };
    let out = Path::new(&out);
    let man_dir = out.join("man");
    let completion_dir = out.join("completions");
    for dir in [&man_dir, &completion_dir] {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }

    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    write_pages(&cmd, &man_dir, &mut pages);
    for page in &pages {
        println!("{}", page.display());
    }

    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let path = clap_complete::generate_to(shell, &mut cmd, BIN, &completion_dir)
            .unwrap_or_else(|e| panic!("{shell} completions: {e}"));
        println!("{}", path.display());
    }
}

/// The page of `cmd` and of each of its visible subcommands, recursively.
fn write_pages(cmd: &clap::Command, dir: &Path, written: &mut Vec<std::path::PathBuf>) {
    let subcommands: Vec<&clap::Command> =
        cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    let path = dir.join(format!("{}.1", page_name(cmd)));
    let page = render_page(cmd, &subcommands);
    std::fs::write(&path, page).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    written.push(path);
    for sub in subcommands {
        write_pages(sub, dir, written);
    }
}

/// `openclaw-doctor`, `openclaw-doctor-check` (clap's display name once built).
fn page_name(cmd: &clap::Command) -> String {
    cmd.get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_string()
}

fn render_page(cmd: &clap::Command, subcommands: &[&clap::Command]) -> String {
    let long_help = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|s| s.to_string());
    let bare = cmd
        .clone()
        .after_help(None::<&str>)
        .after_long_help(None::<&str>);
    let mut page = Vec::new();
    clap_mangen::Man::new(bare)
        .manual("openclaw-doctor manual")
        .source(format!("{BIN} {}", env!("CARGO_PKG_VERSION")))
        .render(&mut page)
        .expect("render to memory");
    let page = String::from_utf8(page).expect("clap_mangen writes UTF-8");

    let mut extra = Roff::new();
    if let Some(text) = &long_help {
        long_help_sections(&mut extra, text);
    }
    see_also(&mut extra, cmd, subcommands);
    let extra = without_preamble(&extra);

    // The long help's sections go before VERSION, where man pages keep them.
    match page.find("\n.SH VERSION\n") {
        Some(at) => format!("{}\n{extra}{}", &page[..at], &page[at + 1..]),
        None => format!("{page}{extra}"),
    }
}

/// `extra` rendered as troff without the apostrophe preamble the page already has.
fn without_preamble(extra: &Roff) -> String {
    let mut preamble = Vec::new();
    Roff::new().to_writer(&mut preamble).expect("memory");
    let mut body = Vec::new();
    extra.to_writer(&mut body).expect("memory");
    let body = String::from_utf8(body).expect("UTF-8");
    let preamble = String::from_utf8(preamble).expect("UTF-8");
    body.strip_prefix(&preamble).unwrap_or(&body).to_string()
}

fn see_also(roff: &mut Roff, cmd: &clap::Command, subcommands: &[&clap::Command]) {
    let mut refs: Vec<String> = subcommands.iter().map(|s| page_name(s)).collect();
    let name = page_name(cmd);
    if let Some(parent) = name.rsplit_once('-').map(|(p, _)| p)
        && name != BIN
    {
        refs.insert(0, parent.to_string());
    }
    if refs.is_empty() {
        return;
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut line = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        if i > 0 {
            line.push(roman(", "));
        }
        line.push(bold(r.as_str()));
        line.push(roman("(1)"));
    }
    roff.text(line);
}

/// Lays out clap's long help (see the module comment).
fn long_help_sections(roff: &mut Roff, text: &str) {
    // The indented entry being written: its tag and its text so far.
    let mut entry: Option<(usize, Vec<String>, String)> = None;
    let mut paragraph = String::new();
    let mut started = false;
    let flush_entry = |roff: &mut Roff, entry: &mut Option<(usize, Vec<String>, String)>| {
        if let Some((_, fields, body)) = entry.take() {
            roff.control("TP", []);
            let mut tag = Vec::new();
            for (i, f) in fields.iter().enumerate() {
                if i == 0 {
                    tag.push(bold(f.as_str()));
                } else {
                    tag.push(roman(" "));
                    tag.push(italic(f.as_str()));
                }
            }
            roff.text(tag);
            if !body.is_empty() {
                roff.text([roman(body)]);
            }
        }
    };
    let flush_paragraph = |roff: &mut Roff, paragraph: &mut String| {
        if !paragraph.is_empty() {
            roff.control("PP", []);
            roff.text([roman(std::mem::take(paragraph))]);
        }
    };
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush_entry(roff, &mut entry);
            flush_paragraph(roff, &mut paragraph);
        } else if indent == 0 && trimmed.ends_with(':') {
            flush_entry(roff, &mut entry);
            flush_paragraph(roff, &mut paragraph);
            let heading = &trimmed[..trimmed.len() - 1];
            let (title, note) = match heading.split_once(" (") {
                Some((title, note)) => (title, Some(note.trim_end_matches(')'))),
                None => (heading, None),
            };
            let title = match title.to_ascii_uppercase().as_str() {
                "EXIT CODES" => "EXIT STATUS".to_string(),
                other => other.to_string(),
            };
            roff.control("SH", [title.as_str()]);
            if let Some(note) = note {
                let mut note = note.to_string();
                if let Some(first) = note.get(..1) {
                    note.replace_range(..1, &first.to_ascii_uppercase());
                }
                roff.text([roman(format!("{note}."))]);
            }
            started = true;
        } else if indent == 0 {
            flush_entry(roff, &mut entry);
            if !started {
                roff.control("SH", ["NOTES"]);
                started = true;
            }
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(trimmed);
        } else if let Some((entry_indent, _, body)) = entry.as_mut()
            && indent > *entry_indent
        {
            // A continuation of the entry's text.
            if !body.is_empty() {
                body.push(' ');
            }
            body.push_str(trimmed);
        } else {
            flush_entry(roff, &mut entry);
            flush_paragraph(roff, &mut paragraph);
            if !started {
                roff.control("SH", ["NOTES"]);
                started = true;
            }
            // `key  field  text`: fields are separated by two spaces or more; the last is the
            // text, the others make the tag.
            let mut fields: Vec<String> = trimmed
                .split("  ")
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_string)
                .collect();
            let body = if fields.len() > 1 {
                fields.pop().unwrap_or_default()
            } else {
                String::new()
            };
            entry = Some((indent, fields, body));
        }
    }
    flush_entry(roff, &mut entry);
    flush_paragraph(roff, &mut paragraph);
}
