//! `--only` / `--skip` for `check` and `fix` alike (flags, comma lists, `OPENCLAW_DOCTOR_ONLY`
//! and `_SKIP`): a selector is a check id, an id prefix ending at a dot (`gateway.remote_url`),
//! a prefix with `.*` or `*` (`probe.*`), or an area name (`remote_url`, `remote_url.*`,
//! `devices`). A selector that matches no check is a usage error, so a typo never turns
//! `--skip` into a silent no-op. Unselected checks are reported as skipped, never passed.

use super::{CHECKS, CheckResult, Finding, Status};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub struct Selector {
    only: Vec<String>,
    skip: Vec<String>,
}

impl Selector {
    /// Validates every selector (trimmed; empty ones from `a,,b` dropped).
    pub fn new(only: &[String], skip: &[String]) -> Result<Selector> {
        let clean = |list: &[String], flag: &str| -> Result<Vec<String>> {
            let mut out = Vec::new();
            for s in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                if !CHECKS.iter().any(|d| matches(d.id, d.area, s)) {
                    return Err(Error::Usage(format!(
                        "{flag} {s:?} matches no check id or area{} (`openclaw-doctor check --help` lists them)",
                        suggestion(s)
                    )));
                }
                out.push(s.to_string());
            }
            Ok(out)
        };
        Ok(Selector {
            only: clean(only, "--only")?,
            skip: clean(skip, "--skip")?,
        })
    }

    /// Why `id` is not selected, or `None` when it is.
    pub fn why_not(&self, id: &str) -> Option<String> {
        let area = area_of(id);
        if let Some(s) = self.skip.iter().find(|s| matches(id, area, s)) {
            return Some(format!("--skip {s}"));
        }
        if !self.only.is_empty() && !self.only.iter().any(|s| matches(id, area, s)) {
            return Some(format!("not in --only {}", self.only.join(",")));
        }
        None
    }

    pub fn keeps(&self, id: &str) -> bool {
        self.why_not(id).is_none()
    }

    /// Marks unselected checks skipped (with the reason) and drops their findings;
    /// `no_config` does the same for every check that reads the config.
    pub fn apply(&self, results: &mut [CheckResult], findings: &mut Vec<Finding>, no_config: bool) {
        let why = |id: &str| {
            let config_based = !matches!(area_of(id), "probes" | "devices" | "logs" | "proxy");
            if no_config && config_based {
                return Some("--no-config".to_string());
            }
            self.why_not(id)
        };
        for r in results.iter_mut() {
            if let Some(reason) = why(r.id) {
                r.status = Status::Skipped;
                r.reason = Some(reason);
            }
        }
        findings.retain(|f| why(f.id).is_none());
    }
}

fn area_of(id: &str) -> &'static str {
    CHECKS
        .iter()
        .find(|d| d.id == id)
        .map(|d| d.area)
        .unwrap_or("")
}

/// Whether check `id` (in `area`) matches one selector.
fn matches(id: &str, area: &str, selector: &str) -> bool {
    let selector = selector.trim();
    let stem = selector
        .strip_suffix(".*")
        .or_else(|| selector.strip_suffix('*'));
    if area == stem.unwrap_or(selector) {
        return true;
    }
    if let Some(prefix) = stem {
        return id.starts_with(prefix);
    }
    id == selector
        || id
            .strip_prefix(selector)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// ` (did you mean "gateway.remote_url.*"?)` for a near miss, else nothing.
fn suggestion(selector: &str) -> String {
    let stem = selector.trim_end_matches('*').trim_end_matches('.');
    let mut names: Vec<String> = CHECKS.iter().map(|d| d.id.to_string()).collect();
    names.extend(CHECKS.iter().map(|d| d.area.to_string()));
    names.extend(
        CHECKS
            .iter()
            .filter_map(|d| d.id.rsplit_once('.').map(|(prefix, _)| prefix.to_string())),
    );
    names.sort();
    names.dedup();
    // `bind.*` means `gateway.bind.*`: a name whose last segment is the stem comes first.
    if let Some(n) = names
        .iter()
        .find(|n| n.rsplit('.').next() == Some(stem) && n.contains('.'))
    {
        return format!(" (did you mean {:?}?)", format!("{n}.*"));
    }
    let best = names
        .iter()
        .map(|n| (edit_distance(stem, n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, n)) => format!(" (did you mean {n:?}?)"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(only: &[&str], skip: &[&str]) -> Selector {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Selector::new(&v(only), &v(skip)).expect("valid selectors")
    }

    #[test]
    fn ids_prefixes_and_areas() {
        let s = sel(&[], &["remote_url.*"]);
        assert!(!s.keeps("gateway.remote_url.scheme"));
        assert!(!s.keeps("gateway.remote_url.via_proxy"));
        assert!(s.keeps("gateway.bind.invalid"));
        let s = sel(&[], &["remote_url"]);
        assert!(!s.keeps("gateway.remote_url.port"));
        let s = sel(&[], &["gateway.remote_url"]);
        assert!(!s.keeps("gateway.remote_url.port"));
        assert!(s.keeps("gateway.bind.invalid"));
        let s = sel(&["probe.*"], &[]);
        assert!(s.keeps("probe.local"));
        assert!(!s.keeps("gateway.bind.invalid"));
        let s = sel(&["gateway.bind.invalid"], &[]);
        assert!(s.keeps("gateway.bind.invalid"));
        assert!(!s.keeps("gateway.bind.exposed"));
        assert_eq!(
            s.why_not("gateway.bind.exposed").as_deref(),
            Some("not in --only gateway.bind.invalid")
        );
        let s = sel(&[], &["devices"]);
        assert_eq!(
            s.why_not("devices.pending_new").as_deref(),
            Some("--skip devices")
        );
        // A bare prefix matches at a dot boundary only, never in the middle of a word.
        let s = sel(&[], &["gateway.bind"]);
        assert!(!s.keeps("gateway.bind.exposed"));
        assert!(s.keeps("gateway.auth.missing"));
        // "gateway.remote_url.s" would match .scheme only inside a word: it matches nothing.
        assert!(Selector::new(&[], &["gateway.remote_url.s".into()]).is_err());
    }

    #[test]
    fn unknown_selectors_are_refused_with_a_suggestion() {
        let err = Selector::new(&[], &["remote_ur.*".into()]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("--skip \"remote_ur.*\" matches no check"),
            "{text}"
        );
        assert!(text.contains("did you mean \"remote_url\"?"), "{text}");
        assert!(Selector::new(&["nothing.at.all".into()], &[]).is_err());
        let err = Selector::new(&[], &["bind.*".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean \"gateway.bind.*\"?"), "{err}");
        // Empty entries from "a,,b" are ignored, not an error.
        assert!(Selector::new(&[" ".into()], &[]).is_ok());
    }
}
