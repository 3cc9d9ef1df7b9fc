//! The gateway log (facts "Gateway log"): `/tmp/openclaw/openclaw-YYYY-MM-DD.log`, JSON lines.
//! Read line by line in bounded memory, malformed lines skipped, only the last `--since`:
//! counts of the events that explain a broken proxy path.

use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

pub const DEFAULT_LOG_DIR: &str = "/tmp/openclaw";
/// The most bytes scanned per run, over all files (documented in README).
pub const MAX_LOG_BYTES: u64 = 256 * 1024 * 1024;
/// Longer lines are skipped (counted as malformed) instead of buffered.
pub const MAX_LINE_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    pub count: u64,
    /// RFC 3339 time of the last one.
    pub last: Option<String>,
    /// Client or proxy addresses and how often each appears.
    pub sources: BTreeMap<String, u64>,
}

impl Tally {
    fn add(&mut self, time: &str, source: Option<String>) {
        self.count += 1;
        self.last = Some(time.to_string());
        if let Some(s) = source {
            *self.sources.entry(s).or_default() += 1;
        }
    }

    /// "12 … in the last 24 h (last 2026-11-24T11:11:28Z), all forwarded from 198.51.100.7"
    pub fn sentence(&self, what: &str, window: &str, from: &str) -> String {
        let sources = match self.sources.len() {
            0 => String::new(),
            1 => format!(
                ", all {from} {}",
                self.sources.keys().next().map(String::as_str).unwrap_or("")
            ),
            _ => {
                let mut list: Vec<(&String, &u64)> = self.sources.iter().collect();
                list.sort_by(|a, b| b.1.cmp(a.1));
                let shown: Vec<String> = list
                    .iter()
                    .take(5)
                    .map(|(ip, n)| format!("{ip} ({n})"))
                    .collect();
                format!(", {from} {}", shown.join(", "))
            }
        };
        format!(
            "{} {what} in the last {window}{}{sources}",
            self.count,
            self.last
                .as_ref()
                .map(|t| format!(" (last {t})"))
                .unwrap_or_default()
        )
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LogEvidence {
    pub files: Vec<PathBuf>,
    pub lines: u64,
    pub malformed: u64,
    pub bytes: u64,
    /// The byte bound was reached before the end.
    pub truncated: bool,
    pub pairing_required: Tally,
    pub scope_upgrade: Tally,
    pub unattributable: Tally,
    pub token_mismatch: Tally,
}

/// The files to read: `--log` paths (files, or directories of `openclaw-*.log`), else the
/// default directory; only daily files not older than the window (one day of slack for
/// time zones).
pub fn log_files(paths: &[PathBuf], since_ms: u64) -> Vec<PathBuf> {
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(DEFAULT_LOG_DIR)]
    } else {
        paths.to_vec()
    };
    let oldest_day = (since_ms / 86_400_000).saturating_sub(1);
    let mut files = Vec::new();
    for root in roots {
        if root.is_file() {
            files.push(root);
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let Some(date) = name
                    .strip_prefix("openclaw-")
                    .and_then(|n| n.strip_suffix(".log"))
                else {
                    return false;
                };
                days_from_date(date).is_none_or(|d| d >= oldest_day)
            })
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

fn days_from_date(date: &str) -> Option<u64> {
    parse_time_ms(&format!("{date}T00:00:00Z")).map(|ms| ms / 86_400_000)
}

/// RFC 3339 (`2026-11-24T11:11:28.775+00:00`, `…Z`) to ms since the epoch.
pub fn parse_time_ms(t: &str) -> Option<u64> {
    let b = t.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || (b[10] != b'T' && b[10] != b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    if !t.is_char_boundary(19) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, s) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut rest = &t[19..];
    let mut ms = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
        rest = &frac[digits.len()..];
        let padded = format!("{:0<3}", &digits[..digits.len().min(3)]);
        ms = padded.parse().ok()?;
    }
    let offset_min = match rest {
        "Z" | "z" | "" => 0,
        o if o.len() == 6 && o.is_ascii() && (o.starts_with('+') || o.starts_with('-')) => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            sign * (o.get(1..3)?.parse::<i64>().ok()? * 60 + o.get(4..6)?.parse::<i64>().ok()?)
        }
        _ => return None,
    };
    // Days from civil (Howard Hinnant).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if mo > 2 { mo - 3 } else { mo + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset_min * 60;
    u64::try_from(secs * 1000 + ms).ok()
}

/// The value after `key=` up to the next space (`n/a` counts as absent).
fn field<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let needle = format!(" {key}=");
    let start = text
        .find(&needle)
        .map(|i| i + needle.len())
        .or_else(|| text.strip_prefix(&needle[1..]).map(|_| needle.len() - 1))?;
    let value = text[start..].split([' ', ';', ',']).next()?;
    (!value.is_empty() && value != "n/a").then_some(value)
}

/// All text of a record: `message`, or the positional fields older versions write.
fn record_text(v: &serde_json::Value) -> String {
    if let Some(m) = v.get("message").and_then(|m| m.as_str()) {
        return m.to_string();
    }
    let mut parts = Vec::new();
    for i in 0..8 {
        match v.get(i.to_string()) {
            Some(serde_json::Value::String(s)) => parts.push(s.clone()),
            Some(other @ serde_json::Value::Object(_)) => parts.push(other.to_string()),
            _ => {}
        }
    }
    parts.join(" ")
}

/// Substrings of the events counted; a line without any is skipped unparsed.
static EVENT_MARKERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
    std::sync::LazyLock::new(|| {
        [
            "closed before connect",
            "device access upgrade",
            "unattributable proxy",
            "token mismatch",
            "token_mismatch",
        ]
        .iter()
        .map(|m| memchr::memmem::Finder::new(m.as_bytes()))
        .collect()
    });

pub fn scan(files: &[PathBuf], since_ms: u64, max_bytes: u64) -> LogEvidence {
    let mut ev = LogEvidence {
        files: files.to_vec(),
        ..Default::default()
    };
    for path in files {
        if ev.bytes >= max_bytes {
            ev.truncated = true;
            break;
        }
        scan_file(path, since_ms, max_bytes, &mut ev);
    }
    ev
}

fn scan_file(path: &Path, since_ms: u64, max_bytes: u64, ev: &mut LogEvidence) {
    // Regular files only: a FIFO named like a log in the directory must not block the run.
    let Ok((file, _)) = crate::input::open_regular(path, crate::input::Kind("a gateway log"))
    else {
        return;
    };
    let mut reader =
        BufReader::with_capacity(64 * 1024, file.take(max_bytes.saturating_sub(ev.bytes)));
    let mut line = Vec::new();
    loop {
        line.clear();
        // read_until with a cap: a line longer than MAX_LINE_BYTES is skipped, not buffered.
        let mut too_long = false;
        let mut total = 0usize;
        loop {
            let buf = match reader.fill_buf() {
                Ok(b) => b,
                Err(_) => return,
            };
            if buf.is_empty() {
                break;
            }
            let (chunk, done) = match buf.iter().position(|&c| c == b'\n') {
                Some(i) => (&buf[..=i], true),
                None => (buf, false),
            };
            let n = chunk.len();
            total += n;
            if !too_long && line.len() + n <= MAX_LINE_BYTES {
                line.extend_from_slice(chunk);
            } else {
                too_long = true;
                line.clear();
            }
            reader.consume(n);
            if done {
                break;
            }
        }
        if total == 0 {
            break;
        }
        ev.bytes += total as u64;
        ev.lines += 1;
        if too_long {
            ev.malformed += 1;
            continue;
        }
        // Most lines are about something else: only lines naming an event are parsed.
        if line.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            ev.malformed += 1;
            continue;
        }
        if !EVENT_MARKERS.iter().any(|m| m.find(&line).is_some()) {
            continue;
        }
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) else {
            ev.malformed += 1;
            continue;
        };
        let Some(time) = v.get("time").and_then(|t| t.as_str()).map(str::to_string) else {
            ev.malformed += 1;
            continue;
        };
        match parse_time_ms(&time) {
            None => {
                ev.malformed += 1;
                continue;
            }
            Some(t) if t < since_ms => continue,
            Some(_) => {}
        }
        classify(&record_text(&v), &time, ev);
    }
    if ev.bytes >= max_bytes {
        ev.truncated = true;
    }
}

fn classify(text: &str, time: &str, ev: &mut LogEvidence) {
    let lower = text.to_ascii_lowercase();
    if lower.contains("closed before connect")
        && (lower.contains("pairing required") || lower.contains("pairing-required"))
    {
        let source = field(text, "fwd")
            .or_else(|| field(text, "remote"))
            .map(str::to_string);
        ev.pairing_required.add(time, source);
    } else if lower.contains("device access upgrade requested")
        && lower.contains("reason=scope-upgrade")
    {
        ev.scope_upgrade
            .add(time, field(text, "ip").map(str::to_string));
    } else if let Some(i) = lower.find("unattributable proxy-shaped traffic from ") {
        let from = &text[i + "unattributable proxy-shaped traffic from ".len()..];
        let ip = from.split([';', ' ', ',']).next().map(str::to_string);
        ev.unattributable.add(time, ip);
    } else if lower.contains("token mismatch") || lower.contains("reason=token_mismatch") {
        ev.token_mismatch
            .add(time, field(text, "remote").map(str::to_string));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_time_ms("2026-11-24T11:11:28.775+00:00"),
            Some(1_795_518_688_775)
        );
        assert_eq!(
            parse_time_ms("2026-11-24T12:11:28.775+01:00"),
            Some(1_795_518_688_775)
        );
        assert_eq!(parse_time_ms("garbage"), None);
        // Non-ASCII where digits belong: no panic on a char boundary.
        assert_eq!(parse_time_ms("2099-11-24T11:11:28+0é00"), None);
        assert_eq!(parse_time_ms("2099-11-24T11:11:2é"), None);
    }

    #[test]
    fn the_byte_bound_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openclaw-2099-01-01.log");
        let line = "{\"time\":\"2099-01-01T00:00:00Z\",\"message\":\"security audit: device access upgrade requested reason=scope-upgrade ip=198.51.100.7\"}\n";
        std::fs::write(&path, line.repeat(10)).unwrap();
        let size = (line.len() * 10) as u64;
        let all = scan(std::slice::from_ref(&path), 0, size);
        assert_eq!(
            (all.scope_upgrade.count, all.truncated),
            (10, true),
            "exactly at the bound: all read, and the bound reached"
        );
        let more = scan(std::slice::from_ref(&path), 0, size + 1);
        assert_eq!((more.scope_upgrade.count, more.truncated), (10, false));
        let cut = scan(std::slice::from_ref(&path), 0, size - 20);
        assert_eq!(
            (cut.scope_upgrade.count, cut.truncated),
            (9, true),
            "a cut last line is not counted"
        );
        assert_eq!(cut.bytes, size - 20);
    }

    #[test]
    fn fields() {
        let t = "closed before connect conn=x remote=127.0.0.1 fwd=198.51.100.7 code=1008 reason=pairing required";
        assert_eq!(field(t, "fwd"), Some("198.51.100.7"));
        assert_eq!(field("a fwd=n/a b", "fwd"), None);
    }
}
