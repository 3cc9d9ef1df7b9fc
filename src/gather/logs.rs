//! The gateway log to read: the files named with `--log`, else the log of the gateway being
//! checked, where OpenClaw writes it (`logging.file`, else its default for that gateway's
//! user, profile and `/tmp`).

use crate::config::{ConfigSet, Discovered, Env};
use crate::error::{Error, Result};
use crate::host::gateways::{FoundGateway, HostScan};
use crate::openclaw::log::location::{self, LogLocation, Writer};
use std::path::PathBuf;

/// The log to read: who writes it, and (when other gateways of this host write the same file)
/// the port whose lines are the checked gateway's.
pub struct LogTarget {
    pub writer: Writer,
    pub port: Option<u16>,
    pub shared_with: Vec<String>,
}

/// Scans the gateway log for the last `since`.
pub fn logs(
    named: &[std::path::PathBuf],
    target: &LogTarget,
    since: std::time::Duration,
) -> crate::openclaw::log::LogEvidence {
    let writer = &target.writer;
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
    // OpenClaw's default log is shared by every gateway of a user (and keeps the lines of
    // gateways gone since): only the lines of the checked gateway's port, where a line names
    // one, are its. A log named with --log is read whole.
    let shared = named.is_empty() && !target.shared_with.is_empty();
    let port = if named.is_empty() { target.port } else { None };
    let mut ev = crate::openclaw::log::scan_for_port(
        &files,
        since_ms,
        crate::openclaw::log::MAX_LOG_BYTES,
        port,
    );
    ev.locations = locations;
    if shared {
        ev.shared_with = target.shared_with.clone();
    }
    ev
}

/// The log of the gateway being checked: the found gateway's (its user, its `/tmp`, its
/// profile) or, with none found, the one a gateway of this user would write.
pub fn log_target(
    cfg: Option<&ConfigSet>,
    discovered: &Discovered,
    env: &Env,
    scan: Option<&HostScan>,
    checked: Option<usize>,
) -> LogTarget {
    let configured = configured_log(cfg, env);
    let gateway = checked.and_then(|i| scan?.gateways.get(i));
    let writer = match gateway {
        Some(g) => gateway_writer(g, discovered.profile.clone(), configured),
        None => Writer {
            uid: None,
            tmpdir: env.get("TMPDIR").map(str::to_string),
            profile: discovered.profile.clone(),
            configured,
            root: None,
            who: "this user".into(),
        },
    };
    let mine = location::locate(&writer);
    let mut shared_with = Vec::new();
    for (i, g) in scan.iter().flat_map(|s| s.gateways.iter().enumerate()) {
        if Some(i) == checked || !g.running() {
            continue;
        }
        let theirs = location::locate(&gateway_writer(g, g.profile(), None));
        if theirs.path == mine.path && theirs.family == mine.family {
            shared_with.push(g.label());
        }
    }
    let port = discovered.listen_port.or_else(|| {
        cfg.map(|c| {
            crate::config::view::GatewayView::of(c, env, discovered)
                .port()
                .0
        })
    });
    LogTarget {
        writer,
        port,
        shared_with,
    }
}

/// `logging.file` of the config, as the gateway reads it.
fn configured_log(cfg: Option<&ConfigSet>, env: &Env) -> Option<PathBuf> {
    let merged = cfg?.merged(env);
    let file = merged
        .value
        .pointer("/logging/file")?
        .as_str()?
        .trim()
        .to_string();
    (!file.is_empty()).then(|| PathBuf::from(file))
}

/// Who a found gateway is, as far as its log goes.
fn gateway_writer(
    g: &FoundGateway,
    profile: Option<String>,
    configured: Option<PathBuf>,
) -> Writer {
    let who = match (&g.user, g.uid) {
        (Some(u), Some(uid)) => format!("user {u} (uid {uid})"),
        (None, Some(uid)) => format!("uid {uid}"),
        _ => "its user".into(),
    };
    let private_tmp = g.unit.as_ref().is_some_and(|u| u.private_tmp) && !g.running();
    let who = if private_tmp {
        format!(
            "{who}; its unit has PrivateTmp=, so its log lives in a private /tmp only while it runs"
        )
    } else {
        who
    };
    Writer {
        uid: g.uid,
        tmpdir: g.var("TMPDIR").map(str::to_string),
        profile: g.var("OPENCLAW_PROFILE").map(str::to_string).or(profile),
        configured,
        root: g.process.as_ref().and(g.prefix.clone()),
        who,
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
