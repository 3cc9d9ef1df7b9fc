//! Every check's text, from `docs/checks/<area>.md` (compiled in): the one-line summary that
//! `check --help`, `-v` and README's table show, and the sections `explain ID` prints. One
//! source, so the four can never say different things.

use super::catalog::{CHECKS, CheckDef};
use std::sync::OnceLock;

/// The section headings of every check, in this order (docs/checks/README.md).
pub const SECTIONS: [&str; 6] = [
    "Looks at",
    "Why it matters",
    "OpenClaw behaviour",
    "Fix by hand",
    "With openclaw-doctor fix",
    "Example",
];

/// The Markdown files, one per area, in report order.
pub const FILES: &[(&str, &str)] = &[
    ("config", include_str!("../../docs/checks/config.md")),
    ("schema", include_str!("../../docs/checks/schema.md")),
    ("gateway", include_str!("../../docs/checks/gateway.md")),
    ("startup", include_str!("../../docs/checks/startup.md")),
    (
        "remote_url",
        include_str!("../../docs/checks/remote_url.md"),
    ),
    ("probes", include_str!("../../docs/checks/probes.md")),
    ("devices", include_str!("../../docs/checks/devices.md")),
    ("host", include_str!("../../docs/checks/host.md")),
    ("logs", include_str!("../../docs/checks/logs.md")),
    ("proxy", include_str!("../../docs/checks/proxy.md")),
];

/// One check's text.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub id: String,
    /// The area file it was read from.
    pub file: &'static str,
    pub summary: String,
    /// `(heading, Markdown body)` in the order written.
    pub sections: Vec<(String, String)>,
}

/// Every section of every file, parsed once.
pub fn all() -> &'static [Explanation] {
    static ALL: OnceLock<Vec<Explanation>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .flat_map(|(area, text)| parse(area, text))
            .collect()
    })
}

pub fn of(id: &str) -> Option<&'static Explanation> {
    all().iter().find(|e| e.id == id)
}

/// The one-line summary of check `id` ("" for an id without a section: a test forbids that).
pub fn summary(id: &str) -> &'static str {
    of(id).map(|e| e.summary.as_str()).unwrap_or("")
}

/// The check definitions of `area`, in report order.
fn area_checks(area: &str) -> impl Iterator<Item = &'static CheckDef> + '_ {
    CHECKS.iter().filter(move |d| d.area == area)
}

/// The areas in report order.
pub fn areas() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for d in CHECKS {
        if !out.contains(&d.area) {
            out.push(d.area);
        }
    }
    out
}

/// `## id`, a summary paragraph, then `### heading` sections; text before the first `##` is the
/// file's title.
pub fn parse(file: &'static str, text: &str) -> Vec<Explanation> {
    let mut out: Vec<Explanation> = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        let Some(current) = out.last_mut() else {
            if let Some(id) = heading(line, "## ", in_code) {
                out.push(Explanation::new(id, file));
            }
            continue;
        };
        if let Some(id) = heading(line, "## ", in_code) {
            out.push(Explanation::new(id, file));
        } else if let Some(title) = heading(line, "### ", in_code) {
            current.sections.push((title.to_string(), String::new()));
        } else if let Some((_, body)) = current.sections.last_mut() {
            body.push_str(line);
            body.push('\n');
        } else if !line.trim().is_empty() {
            if !current.summary.is_empty() {
                current.summary.push(' ');
            }
            current.summary.push_str(line.trim());
        }
    }
    for e in &mut out {
        for (_, body) in &mut e.sections {
            *body = body.trim().to_string();
        }
    }
    out
}

fn heading<'a>(line: &'a str, marker: &str, in_code: bool) -> Option<&'a str> {
    if in_code {
        return None;
    }
    line.strip_prefix(marker).map(str::trim)
}

impl Explanation {
    fn new(id: &str, file: &'static str) -> Explanation {
        Explanation {
            id: id.to_string(),
            file,
            summary: String::new(),
            sections: Vec::new(),
        }
    }

    pub fn section(&self, heading: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|(h, _)| h == heading)
            .map(|(_, b)| b.as_str())
    }
}

/// ` (did you mean "gateway.bind.invalid"?)` for a near miss of a check id or area, else "".
pub fn suggestion(query: &str) -> String {
    let q = query.trim().to_ascii_lowercase();
    // `via_proxy`, `bind.invalid`: the end of an id.
    let by_suffix: Vec<&str> = CHECKS
        .iter()
        .map(|d| d.id)
        .filter(|id| id.ends_with(&format!(".{q}")))
        .collect();
    if let [one] = by_suffix.as_slice() {
        return format!(" (did you mean {one:?}?)");
    }
    let names = CHECKS.iter().map(|d| d.id).chain(areas());
    let best = names
        .map(|n| (strsim::damerau_levenshtein(&q, n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, n)) => format!(" (did you mean {n:?}?)"),
        None => String::new(),
    }
}

/// One line per check, under its area's name: `  id  severity  summary` (`check --help`,
/// `explain` alone). `area` limits it to one area.
pub fn listing(area: Option<&str>) -> String {
    let mut out = String::new();
    for a in areas().into_iter().filter(|a| area.is_none_or(|x| x == *a)) {
        out.push_str(a);
        out.push('\n');
        for d in area_checks(a) {
            out.push_str(&format!(
                "  {:<30} {:<8} {}\n",
                d.id,
                d.severity.name(),
                summary(d.id)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_and_ignores_headings_in_code() {
        let text = "# t\n\n## a.b\n\nthe summary\n\n### Looks at\n\nx\n\n### Example\n\n```md\n## not.an.id\n```\n";
        let e = parse("f", text);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].id, "a.b");
        assert_eq!(e[0].summary, "the summary");
        assert_eq!(e[0].section("Looks at"), Some("x"));
        assert_eq!(e[0].section("Example"), Some("```md\n## not.an.id\n```"));
    }

    #[test]
    fn suggests_the_id_a_suffix_or_typo_means() {
        assert_eq!(
            suggestion("via_proxy"),
            " (did you mean \"gateway.remote_url.via_proxy\"?)"
        );
        assert_eq!(
            suggestion("gateway.bind.invalit"),
            " (did you mean \"gateway.bind.invalid\"?)"
        );
        assert_eq!(suggestion("quite.something.else"), "");
    }
}
