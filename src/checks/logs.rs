//! Evidence from the gateway log, joined to the finding it explains; a finding of its own
//! when nothing else reports the problem. The rules per kind are in `log_rules.rs`.

use super::log_rules::RULES;
use super::{Finding, Severity};
use crate::openclaw::log::{LogEvidence, Quote, Tally};

/// "12 … in the last 24 h (last 2026-11-24T11:11:28Z), from 198.51.100.7; reasons: …"
fn sentence(t: &Tally, what: &str, window: &str) -> String {
    let top = |map: &std::collections::BTreeMap<String, u64>| {
        let mut list: Vec<(&String, &u64)> = map.iter().collect();
        list.sort_by(|a, b| b.1.cmp(a.1));
        list.iter()
            .take(5)
            .map(|(k, n)| format!("{k} ({n})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sources = match t.sources.len() {
        0 => String::new(),
        1 => format!(
            ", all from {}",
            t.sources.keys().next().map(String::as_str).unwrap_or("")
        ),
        _ => format!(", from {}", top(&t.sources)),
    };
    let details = if t.details.is_empty() {
        String::new()
    } else {
        format!("; {}", top(&t.details))
    };
    let last = t
        .last
        .as_ref()
        .map(|l| format!(" (last {l})"))
        .unwrap_or_default();
    format!(
        "{} {what} in the last {window}{last}{sources}{details}",
        t.count
    )
}

pub fn check(ev: &LogEvidence, window: &str, out: &mut Vec<Finding>) {
    let files = ev
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let truncated = if ev.truncated {
        " (stopped at the byte limit)"
    } else {
        ""
    };
    let from = format!("from {files}{truncated}");
    refusals(ev, &from, out);
    config_invalid(ev.config_invalid.as_ref(), &from, out);
    for rule in RULES {
        let Some(tally) = ev.tally(rule.kind) else {
            continue;
        };
        let line = format!("log: {} {from}", sentence(tally, rule.evidence, window));
        if let Some(f) = out.iter_mut().find(|f| (rule.joins)(f)) {
            f.evidence.push(line);
            continue;
        }
        let mut f = Finding::new(
            rule.id,
            rule.severity,
            sentence(tally, rule.message, window),
        )
        .hint(rule.hint)
        .evidence(line);
        if let Some(path) = rule.path {
            f = f.path(path);
        }
        out.push(f);
    }
}

/// The last start-up refusal, in the gateway's words: evidence for the `startup.*` finding
/// that quotes the same words, else a finding of its own — an error when no start followed.
fn refusals(ev: &LogEvidence, from: &str, out: &mut Vec<Finding>) {
    let Some(q) = &ev.refusals else {
        return;
    };
    let started = ev.started_since_refusal() == Some(true);
    let since = match (&ev.last_start, started) {
        (Some(t), true) => format!("; it started since (last start {t})"),
        _ => "; no start was logged after it".to_string(),
    };
    let line = format!(
        "log: {} start-up refusal(s), the last at {}: \"{}\"{since} {from}",
        q.count, q.last, q.text
    );
    let quoted = |f: &Finding| {
        f.id.starts_with("startup.") && words_of(&f.message).is_some_and(|w| q.text.contains(w))
    };
    if let Some(f) = out.iter_mut().find(|f| quoted(f)) {
        f.evidence.push(line);
        return;
    }
    let severity = if started {
        Severity::Info
    } else {
        Severity::Error
    };
    out.push(
        Finding::new(
            "log.startup_refused",
            severity,
            format!("the gateway refused to start at {}: \"{}\"{since}", q.last, q.text),
        )
        .hint("the quoted words name the key or the host problem; run openclaw-doctor check on the config the gateway reads")
        .evidence(line),
    );
}

/// The first 40 bytes of what a `startup.*` finding quotes (`… says: "<words>"`).
fn words_of(problem: &str) -> Option<&str> {
    let start = problem.find("says: \"")? + "says: \"".len();
    let words = problem.get(start..)?.trim_end_matches('"');
    let mut end = words.len().min(40);
    while !words.is_char_boundary(end) {
        end -= 1;
    }
    Some(&words[..end])
}

/// The config guard's "OpenClaw config is invalid": evidence for a config or schema error,
/// else an info that it was invalid then.
fn config_invalid(q: Option<&Quote>, from: &str, out: &mut Vec<Finding>) {
    let Some(q) = q else {
        return;
    };
    let line = format!(
        "log: OpenClaw said the config was invalid {} time(s), the last at {}: \"{}\" {from}",
        q.count, q.last, q.text
    );
    let explains = |f: &Finding| {
        f.severity == Severity::Error
            && (f.id.starts_with("schema.") || f.id.starts_with("config."))
    };
    if let Some(f) = out.iter_mut().find(|f| explains(f)) {
        f.evidence.push(line);
        return;
    }
    out.push(
        Finding::new(
            "log.config_invalid",
            Severity::Info,
            format!(
                "OpenClaw reported the config invalid at {} (\"{}\"); the config judged now has no such error",
                q.last, q.text
            ),
        )
        .hint("if the gateway reads another file than the one judged, name it with --config")
        .evidence(line),
    );
}
