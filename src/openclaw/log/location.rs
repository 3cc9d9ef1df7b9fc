//! Which log the gateway being checked writes (OpenClaw 2026.9.6, `resolveConfiguredLogFilePath`
//! and `resolvePreferredOpenClawTmpDir`): `logging.file` when the config sets one, else
//! `openclaw[-<profile>]-YYYY-MM-DD.log` in `/tmp/openclaw` when that directory belongs to the
//! gateway's user and nobody else can write to it, else in `$TMPDIR/openclaw-<uid>`. A service
//! with `PrivateTmp=` writes into a `/tmp` of its own, reached through `/proc/PID/root`.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// OpenClaw's preferred log directory.
pub const PREFERRED_DIR: &str = "/tmp/openclaw";

/// The gateway whose log is wanted, as far as its log depends on it.
#[derive(Debug, Clone, Default)]
pub struct Writer {
    /// Its uid (`None`: this process's, for a gateway not found running).
    pub uid: Option<u32>,
    /// `TMPDIR` in its environment.
    pub tmpdir: Option<String>,
    /// `OPENCLAW_PROFILE` in its environment (or `--profile`).
    pub profile: Option<String>,
    /// `logging.file` of its config, as written (`~` already expanded).
    pub configured: Option<PathBuf>,
    /// `/proc/PID/root` when the process sees another `/tmp` (PrivateTmp, a container).
    pub root: Option<PathBuf>,
    /// For sentences: "user openclaw (uid 999)".
    pub who: String,
}

/// The files of one log family in one directory, and why that directory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogLocation {
    /// A directory of dated files (`family`), or one file (`family` is `None`).
    pub path: PathBuf,
    /// `openclaw` or `openclaw-<profile segment>`: the dated files `<family>-YYYY-MM-DD.log`.
    pub family: Option<String>,
    /// "logging.file", "the default for user openclaw (uid 999)"…
    pub why: String,
}

/// Where `writer` logs, as OpenClaw decides it.
pub fn locate(writer: &Writer) -> LogLocation {
    let through_root = |p: &Path| match &writer.root {
        Some(root) => root.join(p.strip_prefix("/").unwrap_or(p)),
        None => p.to_path_buf(),
    };
    let via = match &writer.root {
        Some(root) => format!(", read through {}", root.display()),
        None => String::new(),
    };
    if let Some(file) = &writer.configured {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let why = format!("logging.file of the config{via}");
        // A configured name of the dated shape rolls daily like the default.
        if let Some(family) = family_of(name) {
            let dir = file.parent().unwrap_or(Path::new("/"));
            return LogLocation {
                path: through_root(dir),
                family: Some(family),
                why,
            };
        }
        return LogLocation {
            path: through_root(file),
            family: None,
            why,
        };
    }
    let uid = writer.uid.unwrap_or_else(unsafe_free_uid);
    let preferred = through_root(Path::new(PREFERRED_DIR));
    let dir = if preferred_usable(&preferred, uid) {
        preferred
    } else {
        let tmp = writer
            .tmpdir
            .as_deref()
            .filter(|t| t.starts_with('/'))
            .unwrap_or("/tmp");
        through_root(&Path::new(tmp).join(format!("openclaw-{uid}")))
    };
    let family = match writer.profile.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() && !p.eq_ignore_ascii_case("default") => {
            format!("openclaw-{}", profile_segment(p))
        }
        _ => "openclaw".to_string(),
    };
    LogLocation {
        path: dir,
        family: Some(family),
        why: format!("the default for {}{via}", writer.who),
    }
}

/// This process's uid (`getuid` cannot fail).
fn unsafe_free_uid() -> u32 {
    // SAFETY: getuid(2) has no failure mode and touches no memory.
    unsafe { libc::getuid() }
}

/// OpenClaw uses `/tmp/openclaw` when it is a directory (not a symlink) owned by the
/// gateway's uid without group or other write permission; a missing one it creates (0700).
/// Another user's (or a writable) one sends it to the fallback.
fn preferred_usable(dir: &Path, uid: u32) -> bool {
    match std::fs::symlink_metadata(dir) {
        Ok(m) => m.is_dir() && m.uid() == uid && m.mode() & 0o022 == 0,
        // It would create it, if /tmp lets it: the usual case.
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// OpenClaw's `encodeLogProfileSegment`: a-z and 0-9 kept, `-` → `--`, `_` → `-0`, A-Z →
/// `-1` + lower case, anything else `-2<hex code point>-`; over 220 bytes, `-3<sha256>`.
pub fn profile_segment(profile: &str) -> String {
    use sha2::Digest;
    let mut out = String::new();
    for c in profile.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            '-' => out.push_str("--"),
            '_' => out.push_str("-0"),
            'A'..='Z' => {
                out.push_str("-1");
                out.push(c.to_ascii_lowercase());
            }
            other => out.push_str(&format!("-2{:x}-", other as u32)),
        }
    }
    if out.len() <= 220 {
        return out;
    }
    let digest = sha2::Sha256::digest(profile.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("-3{hex}")
}

/// The family of a dated log name (`openclaw-work-2026-12-06.log` → `openclaw-work`), by
/// OpenClaw's `^(openclaw(?:-[a-z0-9-]+)?)-(\d{4}-\d{2}-\d{2})\.log$`.
pub fn family_of(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".log")?;
    let (family, date) = stem.split_at_checked(stem.len().checked_sub(11)?)?;
    let date = date.strip_prefix('-')?;
    let b = date.as_bytes();
    let dated = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let rest = family.strip_prefix("openclaw")?;
    let family_ok = rest.is_empty()
        || rest.strip_prefix('-').is_some_and(|r| {
            !r.is_empty()
                && r.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        });
    (dated && family_ok).then(|| family.to_string())
}

/// The date part of a dated log name of `family`.
pub fn date_of<'a>(name: &'a str, family: &str) -> Option<&'a str> {
    let rest = name.strip_prefix(family)?.strip_prefix('-')?;
    let date = rest.strip_suffix(".log")?;
    (family_of(name).as_deref() == Some(family)).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_segments_as_openclaw_encodes_them() {
        assert_eq!(profile_segment("work"), "work");
        assert_eq!(profile_segment("my-bot_2"), "my--bot-02");
        assert_eq!(profile_segment("Dev"), "-1dev");
        assert_eq!(profile_segment("é"), "-2e9-");
        assert!(profile_segment(&"x.".repeat(100)).starts_with("-3"));
    }

    #[test]
    fn families_of_dated_names() {
        assert_eq!(
            family_of("openclaw-2026-12-06.log").as_deref(),
            Some("openclaw")
        );
        assert_eq!(
            family_of("openclaw-work-2026-12-06.log").as_deref(),
            Some("openclaw-work")
        );
        assert_eq!(family_of("openclaw-Work-2026-12-06.log"), None);
        assert_eq!(family_of("openclaw-2026-12-6.log"), None);
        assert_eq!(family_of("clawdbot-2026-12-06.log"), None);
        assert_eq!(family_of("openclaw-.log"), None);
        assert_eq!(family_of("x"), None);
        assert_eq!(
            date_of("openclaw-work-2026-12-06.log", "openclaw-work"),
            Some("2026-12-06")
        );
        // The default family does not take a profile's files.
        assert_eq!(date_of("openclaw-work-2026-12-06.log", "openclaw"), None);
        assert_eq!(
            date_of("openclaw-2026-12-06.log", "openclaw"),
            Some("2026-12-06")
        );
    }

    #[test]
    fn the_preferred_directory_only_when_it_is_the_gateways() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let me = unsafe_free_uid();
        let writer = |uid: u32| Writer {
            uid: Some(uid),
            root: Some(root.clone()),
            who: "u".into(),
            ..Writer::default()
        };
        // Missing: OpenClaw creates it.
        assert_eq!(locate(&writer(me)).path, root.join("tmp/openclaw"));
        std::fs::create_dir_all(root.join("tmp/openclaw")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            root.join("tmp/openclaw"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        assert_eq!(locate(&writer(me)).path, root.join("tmp/openclaw"));
        // Another user's: the fallback under TMPDIR (default /tmp) with the uid.
        assert_eq!(
            locate(&writer(me + 4242)).path,
            root.join(format!("tmp/openclaw-{}", me + 4242))
        );
        let mut w = writer(me + 1);
        w.tmpdir = Some("/var/tmp".into());
        assert_eq!(
            locate(&w).path,
            root.join(format!("var/tmp/openclaw-{}", me + 1))
        );
        // Group-writable: not safe, fallback.
        std::fs::set_permissions(
            root.join("tmp/openclaw"),
            std::fs::Permissions::from_mode(0o770),
        )
        .unwrap();
        assert_eq!(
            locate(&writer(me)).path,
            root.join(format!("tmp/openclaw-{me}"))
        );
        // A profile has its own family; logging.file wins.
        let mut w = writer(me);
        w.profile = Some("work".into());
        assert_eq!(locate(&w).family.as_deref(), Some("openclaw-work"));
        w.configured = Some("/var/log/claw/gw.log".into());
        let at = locate(&w);
        assert_eq!(
            (at.path, at.family),
            (root.join("var/log/claw/gw.log"), None)
        );
        w.configured = Some("/var/log/claw/openclaw-2026-01-01.log".into());
        let at = locate(&w);
        assert_eq!(
            (at.path, at.family.as_deref()),
            (root.join("var/log/claw"), Some("openclaw"))
        );
    }
}
