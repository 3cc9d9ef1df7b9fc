//! The gateway log to read: the files named with `--log`, else the log of the gateway being
//! checked, where OpenClaw writes it (`logging.file`, else its default for that gateway's
//! user, profile and `/tmp`).

use crate::config::{ConfigSet, Discovered, Env};
use crate::error::{Error, Result};
use crate::openclaw::log::location::{self, LogLocation, Writer};

/// Scans the gateway log for the last `since`.
pub fn logs(
    named: &[std::path::PathBuf],
    writer: &Writer,
    since: std::time::Duration,
) -> crate::openclaw::log::LogEvidence {
    let since_ms = super::now_ms().saturating_sub(since.as_millis() as u64);
    let locations: Vec<LogLocation> = if named.is_empty() {
        vec![location::locate(writer)]
    } else {
        named
            .iter()
            .map(|p| LogLocation {
                path: p.clone(),
                family: None,
                why: "--log".into(),
            })
            .collect()
    };
    let files = crate::openclaw::log::log_files(&locations, since_ms);
    let mut ev = crate::openclaw::log::scan(&files, since_ms, crate::openclaw::log::MAX_LOG_BYTES);
    ev.locations = locations;
    ev
}

/// The log writer a config describes when no running gateway is known: this user, the
/// profile discovered, `TMPDIR` and `logging.file` as the gateway would read them.
pub fn log_writer(cfg: Option<&ConfigSet>, discovered: &Discovered, env: &Env) -> Writer {
    let configured = cfg.and_then(|c| {
        let merged = c.merged(env);
        let file = merged
            .value
            .pointer("/logging/file")?
            .as_str()?
            .trim()
            .to_string();
        (!file.is_empty()).then(|| std::path::PathBuf::from(file))
    });
    Writer {
        uid: None,
        tmpdir: env.get("TMPDIR").map(str::to_string),
        profile: discovered.profile.clone(),
        configured,
        root: None,
        who: "this user".into(),
    }
}

/// A named log in UTF-16 (a copy saved by an editor) would read as nothing but malformed
/// lines: refused, since OpenClaw writes UTF-8 JSON lines.
pub(super) fn refuse_utf16_log(path: &std::path::Path) -> Result<()> {
    use std::io::Read;
    if !path.is_file() {
        return Ok(());
    }
    let mut head = [0u8; 16];
    let n = crate::input::open_regular(path, crate::input::Kind("a gateway log")).and_then(
        |(f, _)| {
            f.take(16)
                .read(&mut head)
                .map_err(|e| Error::input(path, e.to_string()))
        },
    )?;
    let head = &head[..n];
    let bom = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    // ASCII in UTF-16: every other byte is NUL, the others are not.
    let pairs = n >= 8
        && (0..2).any(|z| {
            head.iter()
                .enumerate()
                .all(|(i, b)| (i % 2 == z) == (*b == 0))
        });
    if bom || pairs {
        return Err(Error::input(
            path,
            "the log is UTF-16 encoded; OpenClaw writes its log as UTF-8 JSON lines",
        ));
    }
    Ok(())
}

/// `24 h`, `30 min`, `7 d` for sentences.
pub fn window_words(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s.is_multiple_of(86_400) && s >= 86_400 * 2 {
        format!("{} d", s / 86_400)
    } else if s.is_multiple_of(3600) {
        format!("{} h", s / 3600)
    } else if s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}
