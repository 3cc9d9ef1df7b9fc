//! `openclaw-doctor explain [ID]`: one check's text for a terminal (or JSON), or the list of
//! checks by area. The text itself is docs/checks/<area>.md's (`checks::explain`).

use super::style::Style;
use crate::checks::explain::{self, Explanation};
use crate::checks::{CHECKS, CheckDef};
use crate::error::{Error, Result};

/// What `explain QUERY` prints: one check, one area's list, or (no query) every check's.
pub fn render(query: Option<&str>, json: bool, style: &Style) -> Result<String> {
    let Some(query) = query.map(str::trim) else {
        return Ok(listing(None, json, style));
    };
    if let Some(def) = CHECKS.iter().find(|d| d.id == query) {
        let e = explain::of(def.id).ok_or_else(|| {
            Error::Usage(format!(
                "check {query} has no explanation (a packaging defect)"
            ))
        })?;
        return Ok(if json {
            one_json(def, e)
        } else {
            one_text(def, e, style)
        });
    }
    if explain::areas().contains(&query) {
        return Ok(listing(Some(query), json, style));
    }
    Err(Error::Usage(format!(
        "explain: no check or area {query:?}{}; `openclaw-doctor explain` lists them",
        explain::suggestion(query)
    )))
}

fn listing(area: Option<&str>, json: bool, style: &Style) -> String {
    if json {
        let checks: Vec<_> = CHECKS
            .iter()
            .filter(|d| area.is_none_or(|a| a == d.area))
            .map(|d| {
                serde_json::json!({
                    "id": d.id, "area": d.area, "severity": d.severity.name(),
                    "summary": explain::summary(d.id),
                })
            })
            .collect();
        return pretty(&serde_json::json!({ "checks": checks }));
    }
    let mut out = String::new();
    for line in explain::listing(area).lines() {
        if line.starts_with(' ') {
            out.push_str(line);
        } else {
            out.push_str(&style.bold(line));
        }
        out.push('\n');
    }
    out.push_str("\nopenclaw-doctor explain ID: what a check looks at, why, and how to fix it\n");
    out
}

fn one_json(def: &CheckDef, e: &Explanation) -> String {
    let sections: serde_json::Map<String, serde_json::Value> = e
        .sections
        .iter()
        .map(|(h, b)| (h.clone(), serde_json::Value::String(b.clone())))
        .collect();
    pretty(&serde_json::json!({
        "id": def.id, "area": def.area, "severity": def.severity.name(),
        "summary": e.summary, "sections": sections,
        "source": format!("docs/checks/{}.md", e.file),
    }))
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Headings in bold, prose indented by two, code blocks (fences dropped) by four.
fn one_text(def: &CheckDef, e: &Explanation, style: &Style) -> String {
    let mut out = format!(
        "{} · {} · area {}\n{}\n",
        style.bold(def.id),
        def.severity.name(),
        def.area,
        e.summary
    );
    for (heading, body) in &e.sections {
        out.push('\n');
        out.push_str(&style.bold(heading));
        out.push('\n');
        let mut code = false;
        for line in body.lines() {
            if line.trim_start().starts_with("```") {
                code = !code;
                continue;
            }
            match (code, line.is_empty()) {
                (_, true) => {}
                (true, false) => out.push_str("    "),
                (false, false) => out.push_str("  "),
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "\n{}\n",
        style.dim(&format!(
            "docs/checks/{}.md · run it alone: openclaw-doctor check --only {}",
            e.file, def.id
        ))
    ));
    out
}
