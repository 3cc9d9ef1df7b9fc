//! Turns records into counted events, with the rules the recordings taught
//! (docs/openclaw/log-templates.md §1 "Counting rules"): a refused connection writes a
//! specific WARN and then its `closed before connect` line (same `conn=`), counted once, with
//! the client address of the close line (`fwd=`); 2026.9.6's `suppressed=N` adds the lines it
//! held back; a scope upgrade followed by `device pairing auto-approved` for the same device
//! left nothing pending and is not counted; a start-up refusal keeps its last words and the
//! issue records that follow it.

use super::kinds::{self, Kind};
use super::record::Record;
use super::{LogEvidence, Quote};
use std::collections::HashMap;

/// More pending connections or devices than this are counted at once (bounded memory).
const MAX_PENDING: usize = 10_000;
/// Issue records kept after a refusal heading.
const MAX_ISSUES: usize = 5;
/// Longest quote kept, in characters.
const MAX_QUOTE: usize = 400;

struct Pending {
    kind: Kind,
    time: String,
    source: Option<String>,
    detail: Option<String>,
    n: u64,
}

#[derive(Clone, Copy)]
enum Block {
    Refusal,
    ConfigInvalid,
}

#[derive(Default)]
pub struct Classifier {
    by_conn: HashMap<String, Pending>,
    by_device: HashMap<String, Vec<Pending>>,
    block: Option<(Block, usize)>,
}

/// The value after `key=` up to the next space (`n/a` counts as absent).
pub fn field<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let needle = format!(" {key}=");
    let start = text
        .find(&needle)
        .map(|i| i + needle.len())
        .or_else(|| text.strip_prefix(&needle[1..]).map(|_| needle.len() - 1))?;
    let value = text[start..].split([' ', ';', ',']).next()?;
    (!value.is_empty() && value != "n/a").then_some(value)
}

/// The close reason: it holds spaces, and 2026.9.6 writes `phase=` / `suppressed=` after it.
fn close_reason(text: &str) -> &str {
    let Some(i) = text.find(" reason=") else {
        return "";
    };
    let rest = &text[i + " reason=".len()..];
    let end = [" phase=", " suppressed="]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

fn suppressed(text: &str) -> u64 {
    field(text, "suppressed")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn clean(text: &str) -> String {
    let one_line: String = text
        .trim()
        .split('\n')
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" / ");
    match one_line.char_indices().nth(MAX_QUOTE) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

impl Classifier {
    pub fn line(&mut self, rec: &Record, time: &str, ev: &mut LogEvidence) {
        let text = rec.text.as_str();
        // Refusals and the config guard's words are console output the file captured.
        if rec.console && self.continues_block(text, ev) {
            return;
        }
        if rec.console && kinds::REFUSALS.iter().any(|p| text.starts_with(p)) {
            quote(&mut ev.refusals, time, text);
            self.block = Some((Block::Refusal, 0));
        } else if rec.console && text.starts_with("OpenClaw config is invalid:") {
            quote(&mut ev.config_invalid, time, text);
            self.block = Some((Block::ConfigInvalid, 0));
        } else if kinds::STARTS.iter().any(|p| text.starts_with(p)) {
            ev.starts += 1;
            ev.last_start = Some(time.to_string());
        } else if text.starts_with("closed before connect") {
            self.close(rec, time, ev);
        } else if let Some(kind) = specific_warning(text) {
            self.pend_conn(text, kind, time, ev);
        } else {
            self.other(text, time, ev);
        }
    }

    /// Records after a refusal heading: the issues (`  - key: problem`, `  × file:line — …`)
    /// join its quote; `File:`, `Problem:`, `Run:` and blank records are skipped.
    fn continues_block(&mut self, text: &str, ev: &mut LogEvidence) -> bool {
        let Some((block, issues)) = self.block else {
            return false;
        };
        let t = text.trim();
        let issue = text.starts_with("  - ") || text.starts_with("  × ");
        let chrome = t.is_empty()
            || [
                "File:",
                "Problem:",
                "Run:",
                "Run `",
                "Inspect with",
                "Config write audit:",
            ]
            .iter()
            .any(|p| t.starts_with(p));
        if !issue && !chrome {
            self.block = None;
            return false;
        }
        if issue && issues < MAX_ISSUES {
            let q = match block {
                Block::Refusal => ev.refusals.as_mut(),
                Block::ConfigInvalid => ev.config_invalid.as_mut(),
            };
            if let Some(q) = q {
                q.text = clean(&format!("{} / {t}", q.text));
            }
            self.block = Some((block, issues + 1));
        }
        true
    }

    fn close(&mut self, rec: &Record, time: &str, ev: &mut LogEvidence) {
        let text = rec.text.as_str();
        let reason = close_reason(text);
        let pending = field(text, "conn").and_then(|c| self.by_conn.remove(c));
        let kind = kinds::of_close(rec.meta_str("cause"), rec.meta_str("authReason"), reason)
            .or(pending.as_ref().map(|p| p.kind));
        let Some(kind) = kind else {
            return;
        };
        let source = field(text, "fwd")
            .or(rec.meta_str("forwardedFor"))
            .map(str::to_string)
            .or_else(|| pending.as_ref().and_then(|p| p.source.clone()))
            .or_else(|| field(text, "remote").map(str::to_string));
        let detail = match kind {
            Kind::AuthRefused => rec
                .meta_str("authReason")
                .or(kinds::auth_reason_of_close(reason))
                .map(str::to_string)
                .or_else(|| pending.as_ref().and_then(|p| p.detail.clone())),
            Kind::PairingRequired => rec.meta_str("reason").map(str::to_string),
            Kind::OriginNotAllowed => field(text, "origin").map(str::to_string),
            _ => None,
        };
        let n = (1 + suppressed(text)).max(pending.map_or(0, |p| p.n));
        ev.add(kind, time, source, detail, n);
    }

    /// A line of another gateway (another port): the connection it closes is not ours either
    /// (2026.2.x names the port only on the close, after the specific line).
    pub fn foreign(&mut self, text: &str) {
        if let Some(conn) = field(text, "conn") {
            self.by_conn.remove(conn);
        }
    }

    fn pend_conn(&mut self, text: &str, kind: Kind, time: &str, ev: &mut LogEvidence) {
        let Some(conn) = field(text, "conn") else {
            return;
        };
        let auth_reason = field(text, "reason");
        let kind = match (kind, auth_reason) {
            (Kind::AuthRefused, Some(r)) => kinds::of_auth_reason(r),
            (k, _) => k,
        };
        let pending = Pending {
            kind,
            time: time.to_string(),
            source: field(text, "remote").map(str::to_string),
            detail: auth_reason.map(str::to_string),
            n: 1 + suppressed(text),
        };
        self.by_conn.insert(conn.to_string(), pending);
        if self.by_conn.len() > MAX_PENDING {
            self.flush_conns(ev);
        }
    }

    fn other(&mut self, text: &str, time: &str, ev: &mut LogEvidence) {
        if let Some(kind) = upgrade_kind(text) {
            let p = Pending {
                kind,
                time: time.to_string(),
                source: field(text, "ip")
                    .filter(|ip| *ip != "unknown-ip")
                    .map(str::to_string),
                detail: field(text, "reason").map(str::to_string),
                n: 1,
            };
            // Without a device id no auto-approval can be matched to it: counted at once.
            let Some(device) = field(text, "device") else {
                ev.add(p.kind, &p.time, p.source, p.detail, p.n);
                return;
            };
            self.by_device
                .entry(device.to_string())
                .or_default()
                .push(p);
            if self.by_device.len() > MAX_PENDING {
                self.flush_devices(ev);
            }
        } else if text.starts_with("device pairing auto-approved") {
            // The request before it (same device) needed no approval.
            if let Some(list) = field(text, "device").and_then(|d| self.by_device.get_mut(d)) {
                list.pop();
            }
        } else if let Some(i) = text.find("unattributable proxy-shaped traffic from ") {
            let from = &text[i + "unattributable proxy-shaped traffic from ".len()..];
            let ip = from.split([';', ' ', ',']).next().map(str::to_string);
            ev.add(Kind::Unattributable, time, ip, None, 1);
        } else if let Some((kind, detail)) = warning_kind(text) {
            ev.add(kind, time, None, detail.map(str::to_string), 1);
        }
    }

    fn flush_conns(&mut self, ev: &mut LogEvidence) {
        for (_, p) in self.by_conn.drain() {
            ev.add(p.kind, &p.time, p.source, p.detail, p.n);
        }
    }

    fn flush_devices(&mut self, ev: &mut LogEvidence) {
        for (_, list) in self.by_device.drain() {
            for p in list {
                ev.add(p.kind, &p.time, p.source, p.detail, p.n);
            }
        }
    }

    /// The specific lines whose close line never came, and the upgrade requests left pending.
    pub fn finish(mut self, ev: &mut LogEvidence) {
        self.flush_conns(ev);
        self.flush_devices(ev);
    }
}

fn quote(slot: &mut Option<Quote>, time: &str, text: &str) {
    let count = slot.as_ref().map_or(0, |q| q.count) + 1;
    *slot = Some(Quote {
        count,
        last: time.to_string(),
        text: clean(text),
    });
}

/// The WARN a refused connection writes before its close line.
fn specific_warning(text: &str) -> Option<Kind> {
    [
        ("unauthorized conn=", Kind::AuthRefused),
        ("handshake timeout conn=", Kind::HandshakeTimeout),
        ("protocol mismatch conn=", Kind::ProtocolMismatch),
        ("invalid handshake conn=", Kind::InvalidHandshake),
    ]
    .iter()
    .find(|(p, _)| text.starts_with(p))
    .map(|(_, k)| *k)
}

fn upgrade_kind(text: &str) -> Option<Kind> {
    if text.contains("device access upgrade requested") {
        Some(Kind::ScopeUpgrade)
    } else if text.contains("device metadata upgrade requested") {
        Some(Kind::MetadataUpgrade)
    } else {
        None
    }
}

/// Warnings counted as they come, with a detail where the kind has several templates.
fn warning_kind(text: &str) -> Option<(Kind, Option<&'static str>)> {
    let starts = |p: &str| text.starts_with(p);
    Some(if starts("Proxy headers detected from untrusted address") {
        (Kind::ProxyHeadersUntrusted, None)
    } else if starts("Loopback connection with non-local Host header") {
        (Kind::HostHeaderNotLocal, None)
    } else if starts("gateway restart-loop breaker tripped") {
        (Kind::RestartLoop, None)
    } else if starts("Gateway auth token was missing.") {
        let saved = text.contains("saved it to config");
        (
            Kind::AuthTokenGenerated,
            Some(if saved {
                "saved to config"
            } else {
                "runtime only"
            }),
        )
    } else if text.contains("control-plane write rate-limited") {
        (Kind::Throttled, Some("control-plane writes"))
    } else if starts("hook auth throttled") {
        (Kind::Throttled, Some("hook auth"))
    } else {
        return None;
    })
}

/// Substrings of every record `line` acts on: a line without one is skipped unparsed (a
/// skipped record does not end a refusal's block of issues, which is what the chrome does).
pub const MARKERS: &[&str] = &[
    "closed before connect",
    "unauthorized conn=",
    "handshake timeout conn=",
    "protocol mismatch conn=",
    "invalid handshake conn=",
    "upgrade requested",
    "auto-approved",
    "unattributable proxy",
    "Proxy headers detected",
    "non-local Host header",
    "restart-loop breaker",
    "auth token was missing",
    "rate-limited",
    "auth throttled",
    "Missing config.",
    "Gateway start blocked",
    "Invalid --bind",
    "Refusing to bind gateway",
    "no password is configured",
    "Gateway failed to start",
    "Config invalid",
    "config is invalid",
    "\"  - ",
    "\"  × ",
    "gateway ready",
    "listening on ws",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_reasons_keep_their_spaces() {
        let t = "closed before connect conn=a code=1008 reason=pairing required: device is not approved yet phase=connect suppressed=2";
        assert_eq!(
            close_reason(t),
            "pairing required: device is not approved yet"
        );
        assert_eq!(suppressed(t), 2);
        assert_eq!(field(t, "conn"), Some("a"));
        assert_eq!(field("a fwd=n/a b", "fwd"), None);
    }

    #[test]
    fn quotes_are_one_line_and_bounded() {
        assert_eq!(clean("a\n\nb\n"), "a / b");
        assert_eq!(clean(&"é".repeat(500)).chars().count(), MAX_QUOTE + 1);
    }
}
