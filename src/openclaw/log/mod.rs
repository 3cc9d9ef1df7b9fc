//! The gateway log (facts "Gateway log"; docs/openclaw/log-templates.md):
//! `/tmp/openclaw/openclaw-YYYY-MM-DD.log`, JSON lines, as 2026.9.6 and 2026.2.26 write them.
//! Read line by line in bounded memory, malformed lines skipped, only the last `--since`:
//! counts of the events that name a cause, the last start-up refusal in the gateway's words.

mod classify;
pub mod kinds;
pub mod location;
mod record;
mod time;

pub use kinds::Kind;
pub use location::LogLocation;
pub use time::parse_time_ms;

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
    #[serde(skip)]
    last_ms: u64,
    /// Client addresses (`X-Forwarded-For` as the gateway logged it where there was one,
    /// else the socket peer) and how often each appears.
    pub sources: BTreeMap<String, u64>,
    /// A breakdown where the kind has several causes (auth reasons, pairing reasons, origins).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, u64>,
}

impl Tally {
    fn add(&mut self, time: &str, source: Option<String>, detail: Option<String>, n: u64) {
        self.count += n;
        // Pending events are counted when their outcome is known: keep the latest time.
        let ms = parse_time_ms(time).unwrap_or(0);
        if self.last.is_none() || ms >= self.last_ms {
            self.last = Some(time.to_string());
            self.last_ms = ms;
        }
        if let Some(s) = source {
            *self.sources.entry(s).or_default() += n;
        }
        if let Some(d) = detail {
            *self.details.entry(d).or_default() += n;
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LogEvidence {
    /// Where the files were looked for, and why there (`--log`, `logging.file`, the default
    /// for the gateway's user).
    pub locations: Vec<LogLocation>,
    pub files: Vec<PathBuf>,
    pub lines: u64,
    pub malformed: u64,
    pub bytes: u64,
    /// The byte bound was reached before the end.
    pub truncated: bool,
    pub events: BTreeMap<Kind, Tally>,
    /// Start-up refusals: how many, the last one's time and words (with its issue records).
    pub refusals: Option<Quote>,
    /// "OpenClaw config is invalid" from the config guard of any CLI command.
    pub config_invalid: Option<Quote>,
    /// Gateway starts seen (`gateway ready`, `listening on ws://…`) and the last one's time.
    pub starts: u64,
    pub last_start: Option<String>,
    /// Other gateways of this host that write the same log file (their labels).
    pub shared_with: Vec<String>,
    /// With a shared log, only lines of the checked gateway's port are counted: lines naming
    /// another port were skipped (those naming none cannot be told apart).
    pub port: Option<u16>,
    pub other_port_lines: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub count: u64,
    /// RFC 3339 time of the last one.
    pub last: String,
    pub text: String,
}

impl LogEvidence {
    pub fn tally(&self, kind: Kind) -> Option<&Tally> {
        self.events.get(&kind).filter(|t| t.count > 0)
    }

    fn add(
        &mut self,
        kind: Kind,
        time: &str,
        source: Option<String>,
        detail: Option<String>,
        n: u64,
    ) {
        self.events
            .entry(kind)
            .or_default()
            .add(time, source, detail, n);
    }

    /// Whether the gateway started after its last refusal (`None`: no refusal seen).
    pub fn started_since_refusal(&self) -> Option<bool> {
        let refused = parse_time_ms(&self.refusals.as_ref()?.last)?;
        Some(
            self.last_start
                .as_deref()
                .and_then(parse_time_ms)
                .is_some_and(|s| s > refused),
        )
    }
}

/// The files to read: each location's file, or the dated files of its family in its
/// directory (any OpenClaw family for a directory named with `--log`), only those not older
/// than the window (one day of slack for time zones).
pub fn log_files(locations: &[LogLocation], since_ms: u64) -> Vec<PathBuf> {
    let oldest_day = (since_ms / 86_400_000).saturating_sub(1);
    let mut files = Vec::new();
    for at in locations {
        if at.path.is_file() {
            files.push(at.path.clone());
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&at.path) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let family = match &at.family {
                    Some(f) => f.clone(),
                    None => match location::family_of(name) {
                        Some(f) => f,
                        None => return false,
                    },
                };
                location::date_of(name, &family)
                    .is_some_and(|date| days_from_date(date).is_none_or(|d| d >= oldest_day))
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

/// Substrings of the records acted on, found in one pass over each raw line.
static MARKERS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
    std::sync::LazyLock::new(|| {
        // Leftmost-first so the SIMD (Teddy) prefilter applies; the standard match kind has
        // none, and the search per line was most of the time of a scan.
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(classify::MARKERS)
            .ok()
    });

pub fn scan(files: &[PathBuf], since_ms: u64, max_bytes: u64) -> LogEvidence {
    scan_for_port(files, since_ms, max_bytes, None)
}

/// `scan`, keeping only the lines of the gateway listening on `port` where a line names the
/// server side of its connection (`peer=client->127.0.0.1:PORT`, `listening on ws://…:PORT`):
/// several gateways of one user write one default log.
pub fn scan_for_port(
    files: &[PathBuf],
    since_ms: u64,
    max_bytes: u64,
    port: Option<u16>,
) -> LogEvidence {
    let mut ev = LogEvidence {
        files: files.to_vec(),
        port,
        ..Default::default()
    };
    let mut classifier = classify::Classifier::default();
    for path in files {
        if ev.bytes >= max_bytes {
            ev.truncated = true;
            break;
        }
        scan_file(path, since_ms, max_bytes, &mut classifier, &mut ev);
    }
    classifier.finish(&mut ev);
    ev
}

fn scan_file(
    path: &Path,
    since_ms: u64,
    max_bytes: u64,
    classifier: &mut classify::Classifier,
    ev: &mut LogEvidence,
) {
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
            let (chunk, done) = match memchr::memchr(b'\n', buf) {
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
        if !MARKERS.as_ref().is_none_or(|m| m.is_match(&line)) {
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
        let rec = record::Record::of(&v);
        if let Some(port) = ev.port
            && record_port(&rec).is_some_and(|p| p != port)
        {
            ev.other_port_lines += 1;
            classifier.foreign(&rec.text);
            continue;
        }
        classifier.line(&rec, &time, ev);
    }
    if ev.bytes >= max_bytes {
        ev.truncated = true;
    }
}

/// The gateway's own port in a record: its text's, else its metadata's (`localPort`, or the
/// server side of `peer`), which 2026.9 writes beside the text of a refused connection.
fn record_port(rec: &record::Record) -> Option<u16> {
    server_port(&rec.text).or_else(|| {
        let meta = rec.meta?;
        if let Some(p) = meta.get("localPort").and_then(|p| p.as_u64()) {
            return u16::try_from(p).ok();
        }
        if let Some(peer) = meta.get("peer").and_then(|p| p.as_str()) {
            return server_port(&format!(" peer={peer}"));
        }
        // 2026.2.x writes only the Host header: a loopback one is the server's address (a
        // name or a proxy's host tells nothing).
        let host = meta.get("host").and_then(|h| h.as_str())?;
        let (addr, port) = host.rsplit_once(':')?;
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        addr.parse::<std::net::IpAddr>()
            .ok()
            .filter(|ip| ip.is_loopback())
            .and_then(|_| port.parse().ok())
    })
}

/// The gateway's own port in a line: the server side of `peer=CLIENT->ADDR:PORT`, or the
/// port of `listening on ws://ADDR:PORT` (2026.2.x).
fn server_port(text: &str) -> Option<u16> {
    let digits = |s: &str| -> Option<u16> {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        s[..end].parse().ok()
    };
    if let Some(i) = text.find(" peer=") {
        let peer = &text[i + 6..];
        let peer = &peer[..peer.find(' ').unwrap_or(peer.len())];
        let server = peer.split_once("->")?.1;
        return digits(&server[server.rfind(':')? + 1..]);
    }
    let rest = &text[text.find("listening on ws://")? + 18..];
    let authority = &rest[..rest.find([',', ' ', '/']).unwrap_or(rest.len())];
    digits(&authority[authority.rfind(':')? + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_port_of_a_line() {
        let closed = "closed before connect conn=x peer=127.0.0.1:47664->127.0.0.1:47429 remote=127.0.0.1 code=1008";
        assert_eq!(server_port(closed), Some(47429));
        let v6 = "unauthorized conn=x peer=[::1]:5000->[::1]:18789 remote=::1";
        assert_eq!(server_port(v6), Some(18789));
        let listening = "listening on ws://127.0.0.1:18852, ws://[::1]:18852 (PID 10878)";
        assert_eq!(server_port(listening), Some(18852));
        assert_eq!(server_port("http server listening (14 plugins)"), None);
        assert_eq!(server_port("peer=garbage"), None);
    }

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
            (
                all.tally(Kind::ScopeUpgrade).map_or(0, |t| t.count),
                all.truncated
            ),
            (10, true),
            "exactly at the bound: all read, and the bound reached"
        );
        let more = scan(std::slice::from_ref(&path), 0, size + 1);
        assert_eq!(
            (
                more.tally(Kind::ScopeUpgrade).map_or(0, |t| t.count),
                more.truncated
            ),
            (10, false)
        );
        let cut = scan(std::slice::from_ref(&path), 0, size - 20);
        assert_eq!(
            (
                cut.tally(Kind::ScopeUpgrade).map_or(0, |t| t.count),
                cut.truncated
            ),
            (9, true),
            "a cut last line is not counted"
        );
        assert_eq!(cut.bytes, size - 20);
    }
}
