//! The gateway's lock file: a running gateway holds `gateway.<hash>.lock` open (2026.2.26 in
//! `/tmp/openclaw-<uid>/`, 2026.9.6 in `$STATE_DIR/tmp/openclaw-<uid>/`), and it records the
//! config the gateway loaded (`configPath`), and on 2026.9 its state dir and port: what the
//! gateway really uses even when `--profile`, `--port` or a wrapper left no trace elsewhere.

use super::HostRoot;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The most bytes read from a lock file (they hold a few hundred).
const MAX_LOCK_BYTES: u64 = 64 * 1024;
/// The most descriptors looked at per process.
const MAX_FDS: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockInfo {
    /// The lock file, as the gateway sees it.
    pub file: PathBuf,
    pub config_path: Option<PathBuf>,
    pub state_dir: Option<PathBuf>,
    pub port: Option<u16>,
    /// `createdAt`: rewritten at every boot, in-process restarts included (ms since the epoch).
    pub created_at_ms: Option<u64>,
}

/// The lock file `pid` holds open, read through its descriptor (so a private `/tmp` or a
/// container's filesystem is no obstacle); `None` when it holds none or it cannot be read.
pub fn read(root: &HostRoot, pid: u32) -> Option<LockInfo> {
    let fd_dir = root.proc().join(pid.to_string()).join("fd");
    let entries = std::fs::read_dir(&fd_dir).ok()?;
    for entry in entries.take(MAX_FDS).flatten() {
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue;
        };
        if !is_gateway_lock(&target) {
            continue;
        }
        // The `.sqlite` companion is a database: the JSON is in the file without the suffix.
        let json_at = if target.extension().is_some_and(|e| e == "sqlite") {
            let sibling = target.with_extension("");
            super::gateways::through(
                Some(&root.proc().join(pid.to_string()).join("root")),
                &sibling,
            )
        } else {
            entry.path()
        };
        if let Some(info) = parse(&json_at, pid, &target) {
            return Some(info);
        }
    }
    None
}

/// `gateway.<hex>.lock` (or its `.sqlite`), not `gateway.state.lock`.
fn is_gateway_lock(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.strip_suffix(".sqlite").unwrap_or(name);
    name.strip_prefix("gateway.")
        .and_then(|n| n.strip_suffix(".lock"))
        .is_some_and(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn parse(path: &Path, pid: u32, target: &Path) -> Option<LockInfo> {
    // Regular files only, opened without blocking: a FIFO named like a lock must not stall
    // the scan.
    let (file, _) =
        crate::input::open_regular(path, crate::input::Kind("a gateway lock file")).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_LOCK_BYTES).read_to_end(&mut bytes).ok()?;
    // The file is padded after the JSON object: take the first value only.
    let value: serde_json::Value = serde_json::Deserializer::from_slice(&bytes)
        .into_iter()
        .next()?
        .ok()?;
    // A lock left by another process (a stale one reused) is not this gateway's.
    if value.get("pid").and_then(|p| p.as_u64()) != Some(u64::from(pid)) {
        return None;
    }
    let path_of = |key: &str| {
        value
            .get(key)
            .and_then(|v| v.as_str())
            .filter(|s| s.starts_with('/'))
            .map(PathBuf::from)
    };
    Some(LockInfo {
        file: if target.extension().is_some_and(|e| e == "sqlite") {
            target.with_extension("")
        } else {
            target.to_path_buf()
        },
        config_path: path_of("configPath"),
        state_dir: path_of("stateDir"),
        port: value
            .get("port")
            .and_then(|p| p.as_u64())
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p > 0),
        created_at_ms: value
            .get("createdAt")
            .and_then(|v| v.as_str())
            .and_then(crate::openclaw::log::parse_time_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_names() {
        assert!(is_gateway_lock(Path::new(
            "/s/tmp/openclaw-0/gateway.c8e297a8.lock"
        )));
        assert!(is_gateway_lock(Path::new(
            "/s/gateway.c8e297a8.lock.sqlite"
        )));
        assert!(!is_gateway_lock(Path::new("/s/gateway.state.lock")));
        assert!(!is_gateway_lock(Path::new("/s/gateway..lock")));
        assert!(!is_gateway_lock(Path::new("/s/other.lock")));
    }

    #[test]
    fn lock_files_of_both_versions() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("gateway.c8e297a8.lock");
        // 2026.9.6, padded with white space after the object, as written.
        std::fs::write(
            &f,
            "{\n  \"pid\": 13234,\n  \"configPath\": \"/tmp/gw4/.openclaw-work/openclaw.json\",\n  \"stateDir\": \"/tmp/gw4/.openclaw-work\",\n  \"port\": 18804,\n  \"startTime\": 127923\n}\n\t\t \t  \t",
        )
        .unwrap();
        let info = parse(&f, 13234, &f).unwrap();
        assert_eq!(
            (
                info.config_path.as_deref(),
                info.state_dir.as_deref(),
                info.port
            ),
            (
                Some(Path::new("/tmp/gw4/.openclaw-work/openclaw.json")),
                Some(Path::new("/tmp/gw4/.openclaw-work")),
                Some(18804)
            )
        );
        // Another pid's lock is not this process's.
        assert!(parse(&f, 1, &f).is_none());
        // 2026.2.26: no port, no state dir.
        std::fs::write(
            &f,
            r#"{"pid":13618,"createdAt":"2026-12-06T22:43:39.832Z","configPath":"/tmp/gw5/.openclaw/openclaw.json","startTime":131362}"#,
        )
        .unwrap();
        let info = parse(&f, 13618, &f).unwrap();
        assert_eq!((info.port, info.state_dir), (None, None));
        // Garbage: nothing, no panic.
        std::fs::write(&f, b"\xff\xfe{{{").unwrap();
        assert!(parse(&f, 13618, &f).is_none());
    }
}
