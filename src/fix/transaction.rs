//! All-or-nothing writes across files (the OpenClaw config, its includes, nginx files): every
//! "changed since read" guard runs before the first write; a failed write, or a check that
//! fails afterwards (`nginx -t`), restores every file already written. A restore that fails
//! is an error naming the backup to restore by hand, never reported as restored.

use super::apply::{self, Written};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// One file to change: its content as read and the new content.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: PathBuf,
    /// Bytes, not text: an nginx file may hold bytes that are not UTF-8, kept exactly.
    pub old: Vec<u8>,
    pub new: Vec<u8>,
    /// nginx files get dot-named backups (`include dir/*` skips dot files).
    pub hidden_backup: bool,
}

/// Refuses (nothing written) when any file no longer holds what was read.
pub fn preflight(changes: &[Change]) -> Result<()> {
    for c in changes {
        // Bounded like every read of a named file: the file may have grown meanwhile.
        let limit = (c.old.len() as u64).saturating_mul(2).max(16 * 1024 * 1024);
        let now = crate::input::read_bytes(&c.path, limit, crate::input::Kind("a file to patch"))
            .map_err(|e| {
            let why = match e {
                Error::Input { message, .. } => message,
                other => other.to_string(),
            };
            Error::write(&c.path, format!("{why}; nothing was written"))
        })?;
        if now != c.old {
            return Err(Error::write(
                &c.path,
                "the file changed since the doctor read it; nothing was written (run the doctor again)",
            ));
        }
    }
    Ok(())
}

/// Writes every change or none: `preflight` first, then each file; a failed write restores
/// the files already written.
pub fn write_all(changes: &[Change], backup: bool) -> Result<Vec<Written>> {
    write_all_with(changes, backup, |_| {})
}

/// As `write_all`, calling `before(i)` before writing change `i` (tests inject faults there).
pub fn write_all_with(
    changes: &[Change],
    backup: bool,
    mut before: impl FnMut(usize),
) -> Result<Vec<Written>> {
    preflight(changes)?;
    let mut written = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        before(i);
        let result = if c.hidden_backup {
            apply::write_file_hidden_backup(&c.path, &c.old, &c.new, backup)
        } else {
            apply::write_bytes(&c.path, &c.old, &c.new, backup)
        };
        match result {
            Ok(w) => written.push(w),
            Err(e) => {
                let undo = rollback(changes, &written);
                return Err(Error::write(
                    &c.path,
                    format!("{}{}", bare(&e), undo.describe()),
                ));
            }
        }
    }
    Ok(written)
}

/// What a rollback did: the files restored and those that could not be.
#[derive(Debug, Default)]
pub struct Rollback {
    pub restored: Vec<PathBuf>,
    /// (file, why, backup to restore by hand).
    pub failed: Vec<(PathBuf, String, Option<PathBuf>)>,
}

impl Rollback {
    pub fn ok(&self) -> bool {
        self.failed.is_empty()
    }

    /// "; every file written was restored: a, b" or "; RESTORE FAILED for …".
    pub fn describe(&self) -> String {
        let list = |v: &[PathBuf]| {
            v.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = String::new();
        if !self.restored.is_empty() {
            out.push_str(&format!("; restored: {}", list(&self.restored)));
        }
        for (path, why, backup) in &self.failed {
            let by_hand = match backup {
                Some(b) => format!(
                    "restore it by hand: cp -p {} {}",
                    b.display(),
                    path.display()
                ),
                None => "no backup was kept (--no-backup)".to_string(),
            };
            out.push_str(&format!(
                "; restoring {} FAILED ({why}): it holds the doctor's change; {by_hand}",
                path.display()
            ));
        }
        out
    }
}

/// Restores the files in `written` (the first `written.len()` of `changes`) to what was read.
pub fn rollback(changes: &[Change], written: &[Written]) -> Rollback {
    let mut out = Rollback::default();
    for (c, w) in changes.iter().zip(written) {
        match apply::write_bytes(&w.path, &c.new, &c.old, false) {
            Ok(_) => out.restored.push(c.path.clone()),
            Err(e) => out
                .failed
                .push((c.path.clone(), bare(&e), w.backup.clone())),
        }
    }
    out
}

/// An error's message without the file name (the caller names the file itself).
fn bare(e: &Error) -> String {
    match e {
        Error::Write { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// The rollback's outcome as the run's error after `what` failed, naming `file`.
pub fn failed_after(file: &Path, what: String, undo: &Rollback) -> Error {
    Error::write(file, format!("{what}{}", undo.describe()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply::{Fault, inject_fault};
    use std::fs;

    fn setup(n: usize) -> (tempfile::TempDir, Vec<Change>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let changes = (0..n)
            .map(|i| {
                let path = dir.path().join(format!("f{i}.json"));
                fs::write(&path, format!("{{ a: {i} }}")).expect("write");
                Change {
                    path,
                    old: format!("{{ a: {i} }}").into_bytes(),
                    new: format!("{{ a: {} }}", i + 10).into_bytes(),
                    hidden_backup: false,
                }
            })
            .collect();
        (dir, changes)
    }

    #[test]
    fn a_changed_file_stops_everything_before_the_first_write() {
        let (dir, changes) = setup(2);
        fs::write(&changes[1].path, "{ a: 99 }").expect("write");
        let err = write_all(&changes, true).expect_err("refused");
        let text = err.to_string();
        assert!(
            text.contains("f1.json: not written: the file changed since"),
            "{text}"
        );
        assert!(text.contains("nothing was written"), "{text}");
        // Refused before the first write: nothing restored, no backup made.
        assert!(!text.contains("restored"), "{text}");
        let names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains(".doctor-")), "{names:?}");
        assert_eq!(
            fs::read_to_string(&changes[0].path).expect("read"),
            "{ a: 0 }"
        );
    }

    #[test]
    fn a_failed_write_restores_the_files_already_written() {
        let (_dir, changes) = setup(3);
        // The third file changes after the guards ran, right before its write.
        let third = changes[2].path.clone();
        let err = write_all_with(&changes, true, |i| {
            if i == 2 {
                fs::write(&third, "{ a: 'someone else' }").expect("write");
            }
        })
        .expect_err("third write refused");
        let text = err.to_string();
        assert!(text.contains("f2.json: not written: "), "{text}");
        assert!(text.contains("changed since"), "{text}");
        assert!(text.contains("restored: "), "{text}");
        assert!(
            text.contains("f0.json") && text.contains("f1.json"),
            "{text}"
        );
        assert!(!text.contains("FAILED"), "{text}");
        for (i, c) in changes.iter().take(2).enumerate() {
            assert_eq!(
                fs::read_to_string(&c.path).expect("read"),
                format!("{{ a: {i} }}")
            );
        }
        assert_eq!(
            fs::read_to_string(&third).expect("read"),
            "{ a: 'someone else' }"
        );
    }

    #[test]
    fn a_failed_restore_is_reported_as_failed_with_the_backup() {
        let (_dir, changes) = setup(2);
        // The second write fails and the fault stays on, so restoring the first fails too.
        let err = write_all_with(&changes, true, |i| {
            inject_fault((i == 1).then_some(Fault::Write))
        })
        .expect_err("second write fails");
        inject_fault(None);
        let text = err.to_string();
        assert!(!text.contains("restored:"), "{text}");
        assert!(
            text.contains(&format!("restoring {} FAILED", changes[0].path.display())),
            "{text}"
        );
        assert!(text.contains("restore it by hand: cp -p "), "{text}");
        assert!(text.contains(".doctor-"), "{text}");
        // The first file holds the change, as the message says.
        assert_eq!(
            fs::read_to_string(&changes[0].path).expect("read"),
            "{ a: 10 }"
        );
    }
}
