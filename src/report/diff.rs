//! Unified diffs of a file before and after its patches (`similar`), optionally coloured.

use crate::report::style::Style;
use similar::TextDiff;

pub fn unified(old: &str, new: &str, name: &str, style: &Style) -> String {
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        // Show CRLF files' carriage returns as nothing rather than as terminal noise.
        let body = body.strip_suffix('\r').unwrap_or(body);
        let painted = if body.starts_with("+++") || body.starts_with("---") {
            style.bold(body)
        } else if body.starts_with('+') {
            style.green(body)
        } else if body.starts_with('-') {
            style.red(body)
        } else if body.starts_with("@@") {
            style.cyan(body)
        } else {
            body.to_string()
        };
        out.push_str(&painted);
        out.push_str(end);
    }
    out
}
