//! Safe writes: the new text goes to a temporary file in the same directory, is fsynced and
//! renamed over the original, with the original's permission bits and owner. The original is
//! kept as a timestamped backup with the same permissions. A file that changed since it was
//! read is never overwritten. A symlinked config is edited at its target; the link stays.

use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub backup: Option<PathBuf>,
}

/// Replaces the file at `path` (whose content was `expected`) with `new`.
pub fn write_file(path: &Path, expected: &str, new: &str, backup: bool) -> Result<Written> {
    write_bytes(path, expected.as_bytes(), new.as_bytes(), backup)
}

/// As `write_file`, for content that need not be UTF-8 (an nginx file with a Latin-1 comment).
pub fn write_bytes(path: &Path, expected: &[u8], new: &[u8], backup: bool) -> Result<Written> {
    write_file_with(path, expected, new, backup, || {})
}

/// As `write_file`, with the backup named `.<name>.doctor-<time>.bak`: nginx's `include dir/*`
/// (glob(3)) skips dot files, so a backup in sites-enabled/ is never loaded as configuration.
pub fn write_file_hidden_backup(
    path: &Path,
    expected: &[u8],
    new: &[u8],
    backup: bool,
) -> Result<Written> {
    HIDDEN_BACKUP.with(|h| h.set(true));
    let result = write_file_with(path, expected, new, backup, || {});
    HIDDEN_BACKUP.with(|h| h.set(false));
    result
}

thread_local! {
    static HIDDEN_BACKUP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// As `write_file`, calling `before_commit` after the new content is on disk in the
/// temporary file and right before the final check and rename (tests use it to change the
/// file underneath).
pub fn write_file_with(
    path: &Path,
    expected: &[u8],
    new: &[u8],
    backup: bool,
    before_commit: impl FnOnce(),
) -> Result<Written> {
    // Edit the link's target, not the link.
    let target = fs::canonicalize(path)
        .map_err(|e| Error::write(path, crate::config::document::io_reason(&e)))?;
    let meta = fs::metadata(&target).map_err(|e| Error::write(path, e.to_string()))?;
    let mode = meta.permissions().mode() & 0o7777;
    let dir = target
        .parent()
        .ok_or_else(|| Error::write(path, "the file has no parent directory"))?;

    // An advisory lock on the file: a second doctor applying at the same time waits, then
    // finds the file changed and refuses; the two never interleave.
    let lock = File::open(&target).map_err(|e| Error::write(path, e.to_string()))?;
    lock_with_timeout(&lock, std::time::Duration::from_secs(30))
        .map_err(|m| Error::write(path, m))?;
    ensure_unchanged(path, &target, expected)?;

    let backup_path = if backup {
        Some(write_backup(path, &target, expected, &meta)?)
    } else {
        None
    };

    let file_name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("config");
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".doctor-tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            Error::write(
                path,
                format!("cannot create a temporary file in {}: {e}", dir.display()),
            )
        })?;
    let fail = |what: &str, e: std::io::Error| {
        Error::write(path, format!("{what}: {e}; the original is unchanged"))
    };
    injected(Fault::Write)
        .and_then(|()| temp.write_all(new))
        .map_err(|e| fail("writing the new content failed", e))?;
    temp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))
        .map_err(|e| fail("setting permissions failed", e))?;
    keep_owner(temp.as_file(), &meta).map_err(|e| fail("keeping the file's owner failed", e))?;
    injected(Fault::Sync)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| fail("syncing the new content failed", e))?;

    before_commit();
    ensure_unchanged(path, &target, expected)?;
    injected(Fault::Rename).map_err(|e| fail("replacing the file failed", e))?;
    temp.persist(&target)
        .map_err(|e| fail("replacing the file failed", e.error))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(Written {
        path: target,
        backup: backup_path,
    })
}

/// Faults the tests inject to prove that a failure at any step leaves the original intact
/// (a full disk, an I/O error on fsync, a rename refused across file systems).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Write,
    Sync,
    Rename,
}

thread_local! {
    static FAULT: std::cell::Cell<Option<Fault>> = const { std::cell::Cell::new(None) };
}

/// Makes the next writes on this thread fail at `fault` (tests only; `None` clears it).
#[doc(hidden)]
pub fn inject_fault(fault: Option<Fault>) {
    FAULT.with(|f| f.set(fault));
}

fn injected(step: Fault) -> std::io::Result<()> {
    match FAULT.with(|f| f.get()) {
        Some(f) if f == step => Err(match step {
            Fault::Write => std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "No space left on device (simulated)",
            ),
            Fault::Sync => std::io::Error::other("Input/output error (simulated)"),
            Fault::Rename => std::io::Error::new(
                std::io::ErrorKind::CrossesDevices,
                "Invalid cross-device link (simulated)",
            ),
        }),
        _ => Ok(()),
    }
}

fn lock_with_timeout(file: &File, limit: std::time::Duration) -> std::result::Result<(), String> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "another process holds the file's lock (another openclaw-doctor applying?) for over {} s; nothing written",
                    limit.as_secs()
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("cannot lock the file: {e}"));
            }
        }
    }
}

fn ensure_unchanged(path: &Path, target: &Path, expected: &[u8]) -> Result<()> {
    let now = fs::read(target).map_err(|e| Error::write(path, e.to_string()))?;
    if now != expected {
        return Err(Error::write(
            path,
            "the file changed since the doctor read it; nothing was written (run the doctor again)",
        ));
    }
    Ok(())
}

fn keep_owner(file: &File, meta: &fs::Metadata) -> std::io::Result<()> {
    let own = file.metadata()?;
    if own.uid() != meta.uid() || own.gid() != meta.gid() {
        std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()))?;
    }
    Ok(())
}

/// `<name>.doctor-<UTC timestamp>.bak` next to the file, created new (never overwriting),
/// with the original's permission bits and owner.
fn write_backup(path: &Path, target: &Path, bytes: &[u8], meta: &fs::Metadata) -> Result<PathBuf> {
    let stamp = utc_stamp(SystemTime::now());
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("config");
    for attempt in 0..100 {
        let suffix = if attempt == 0 {
            String::new()
        } else {
            format!("-{attempt}")
        };
        let dot = if HIDDEN_BACKUP.with(|h| h.get()) && !name.starts_with('.') {
            "."
        } else {
            ""
        };
        let candidate = target.with_file_name(format!("{dot}{name}.doctor-{stamp}{suffix}.bak"));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(meta.permissions().mode() & 0o7777)
            .open(&candidate);
        let mut file = match file {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(Error::write(
                    path,
                    format!("cannot create the backup {}: {e}", candidate.display()),
                ));
            }
        };
        let result = (|| {
            // `mode` is filtered by the umask: set the bits explicitly.
            file.set_permissions(fs::Permissions::from_mode(
                meta.permissions().mode() & 0o7777,
            ))?;
            keep_owner(&file, meta)?;
            file.write_all(bytes)?;
            file.sync_all()
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&candidate);
            return Err(Error::write(
                path,
                format!("cannot write the backup {}: {e}", candidate.display()),
            ));
        }
        return Ok(candidate);
    }
    Err(Error::write(path, "cannot find a free backup file name"))
}

/// `20261124T104725Z` for a time (UTC), without a date library.
pub fn utc_stamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Howard Hinnant's civil-from-days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!("{y:04}{mo:02}{d:02}T{h:02}{m:02}{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn stamp_is_utc_calendar_time() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_430_845);
        assert_eq!(utc_stamp(t), "20261123T104725Z");
        assert_eq!(utc_stamp(SystemTime::UNIX_EPOCH), "19700101T000000Z");
    }

    #[test]
    fn refuses_a_file_changed_underneath_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openclaw.json");
        fs::write(&path, "{ a: 1 }").unwrap();
        let err = write_file_with(&path, b"{ a: 1 }", b"{ a: 2 }", true, || {
            fs::write(&path, "{ a: 3 }").unwrap();
        })
        .unwrap_err();
        assert!(
            err.to_string().contains("changed since the doctor read it"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "{ a: 3 }");
        // No temporary file is left behind.
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".doctor-tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn keeps_mode_and_backs_up_with_the_same_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openclaw.json");
        fs::write(&path, "{ a: 1 }").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let written = write_file(&path, "{ a: 1 }", "{ a: 2 }", true).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{ a: 2 }");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let backup = written.backup.unwrap();
        assert_eq!(fs::read_to_string(&backup).unwrap(), "{ a: 1 }");
        assert_eq!(
            fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    /// A config owned by another user keeps its owner and mode (needs root to chown; the
    /// suite runs as root in CI, and elsewhere this checks the mode only).
    #[test]
    fn keeps_another_users_ownership() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openclaw.json");
        fs::write(&path, "{ a: 1 }").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let root = fs::metadata("/proc/self")
            .map(|m| m.uid() == 0)
            .unwrap_or(false);
        if root {
            std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
        }
        let written = write_file(&path, "{ a: 1 }", "{ a: 2 }", true).unwrap();
        for p in [&path, &written.backup.unwrap()] {
            let meta = fs::metadata(p).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o640, "{}", p.display());
            if root {
                assert_eq!((meta.uid(), meta.gid()), (65534, 65534), "{}", p.display());
            }
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), "{ a: 2 }");
    }

    #[test]
    fn a_locked_file_is_waited_for_then_refused_when_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openclaw.json");
        fs::write(&path, "{ a: 1 }").unwrap();
        let holder = File::open(&path).unwrap();
        holder.lock().unwrap();
        let p = path.clone();
        let writer = std::thread::spawn(move || write_file(&p, "{ a: 1 }", "{ a: 2 }", false));
        std::thread::sleep(std::time::Duration::from_millis(300));
        // Another doctor finishes first (replaces the file), then releases its lock.
        fs::write(dir.path().join("new"), "{ a: 3 }").unwrap();
        fs::rename(dir.path().join("new"), &path).unwrap();
        holder.unlock().unwrap();
        let err = writer.join().unwrap().unwrap_err().to_string();
        assert!(err.contains("changed since the doctor read it"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "{ a: 3 }");
    }

    /// A full disk, a failing fsync or a refused rename: the original bytes stay, no temporary
    /// file is left behind, and the error says what failed.
    #[test]
    fn faults_at_every_step_leave_the_original_intact() {
        for (fault, words) in [
            (Fault::Write, "No space left on device"),
            (Fault::Sync, "Input/output error"),
            (Fault::Rename, "cross-device"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("openclaw.json");
            fs::write(&path, "{ a: 1 }").unwrap();
            inject_fault(Some(fault));
            let err = write_file(&path, "{ a: 1 }", "{ a: 2 }", false)
                .unwrap_err()
                .to_string();
            inject_fault(None);
            assert!(
                err.contains(words) && err.contains("the original is unchanged"),
                "{fault:?}: {err}"
            );
            assert_eq!(fs::read_to_string(&path).unwrap(), "{ a: 1 }", "{fault:?}");
            let names: Vec<String> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert_eq!(
                names,
                vec!["openclaw.json"],
                "{fault:?}: nothing left behind"
            );
        }
    }

    #[test]
    fn edits_the_target_of_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("openclaw.json");
        fs::write(&real, "{ a: 1 }").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(&link, "{ a: 1 }", "{ a: 2 }", false).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "{ a: 2 }");
    }
}
