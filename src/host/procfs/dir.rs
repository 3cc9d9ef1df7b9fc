//! The one read every process costs: its `comm`. The scan runs on every `check`, so this loop
//! makes no allocation per process: `getdents64` into one buffer, then `openat` relative to the
//! open `/proc` directory with the name built on the stack. Its floor is the kernel's
//! open/read/close of a proc file. The same walk lists a process's `fd/` links.

use std::ffi::CStr;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Calls `each(pid, comm)` (`comm` without its newline) for every process directory of
/// `proc`; returns how many there were. A process that exits meanwhile is counted, and skipped.
pub fn each_comm(proc: &Path, mut each: impl FnMut(u32, &[u8])) -> usize {
    let Ok(dir) = open_dir(proc) else {
        return 0;
    };
    let mut comm = [0u8; 64];
    let mut count = 0;
    each_name(&dir, |name| {
        let Some(pid) = pid_of(name) else { return };
        count += 1;
        if let Some(c) = read_at(&dir, name, b"/comm", &mut comm) {
            each(pid, c.strip_suffix(b"\n").unwrap_or(c));
        }
    });
    count
}

pub fn open_dir(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(path)
}

/// Calls `each` with the name of every entry of the open directory `dir`.
pub fn each_name(dir: &File, mut each: impl FnMut(&[u8])) {
    // Not zeroed: the kernel fills what it returns. (malloc aligns a block this size to 16,
    // enough for the 8-byte aligned dirent64 records.)
    let mut buf: Vec<u8> = Vec::with_capacity(16 << 10);
    loop {
        buf.clear();
        // SAFETY: getdents64 writes at most `capacity` bytes into the buffer, which we own,
        // and returns how many (or -1); the fd stays open for the call.
        let n = unsafe {
            libc::syscall(
                libc::SYS_getdents64,
                dir.as_raw_fd(),
                buf.as_mut_ptr(),
                buf.capacity(),
            )
        };
        let Ok(n) = usize::try_from(n) else { break };
        if n == 0 {
            break;
        }
        // SAFETY: the kernel initialised the first `n` bytes (clamped to the capacity).
        unsafe { buf.set_len(n.min(buf.capacity())) };
        Records(&buf).for_each(&mut each);
    }
}

/// The names in a `getdents64` buffer: records `d_ino u64, d_off i64, d_reclen u16, d_type u8,
/// d_name NUL-terminated`, each `d_reclen` long. A malformed record ends the walk.
struct Records<'a>(&'a [u8]);

impl<'a> Iterator for Records<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let reclen = usize::from(u16::from_ne_bytes([*self.0.get(16)?, *self.0.get(17)?]));
        if reclen < 20 || reclen > self.0.len() {
            self.0 = &[];
            return None;
        }
        let (record, rest) = self.0.split_at(reclen);
        self.0 = rest;
        let name = &record[19..];
        Some(&name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())])
    }
}

/// A process directory's name: all digits, a u32.
fn pid_of(name: &[u8]) -> Option<u32> {
    if name.is_empty() || name.len() > 10 {
        return None;
    }
    name.iter().try_fold(0u32, |n, &b| {
        let d = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(u32::from(d))
    })
}

/// `name` + `suffix` (`1234` + `/comm`, or an fd number and nothing), NUL-terminated in `buf`.
fn c_name<'b>(name: &[u8], suffix: &[u8], buf: &'b mut [u8; 32]) -> Option<&'b CStr> {
    let end = name.len() + suffix.len();
    buf.get_mut(..name.len())?.copy_from_slice(name);
    buf.get_mut(name.len()..end)?.copy_from_slice(suffix);
    *buf.get_mut(end)? = 0;
    CStr::from_bytes_with_nul(&buf[..=end]).ok()
}

/// The start of `<name><suffix>` under the open directory `dir`, read into `buf`.
fn read_at<'b>(dir: &File, name: &[u8], suffix: &[u8], buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
    let mut path = [0u8; 32];
    let path = c_name(name, suffix, &mut path)?;
    // SAFETY: `path` is NUL-terminated and outlives the call; the returned fd, when valid, is
    // owned by the `File` below and closed when it drops.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            path.as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOCTTY,
        )
    };
    if fd < 0 {
        return None;
    }
    // SAFETY: `fd` was just opened and nothing else owns it.
    let mut file = unsafe { File::from_raw_fd(fd) };
    let n = file.read(buf).ok()?;
    Some(&buf[..n])
}

/// The target of the symlink `name` under the open directory `dir`, when it fits `buf`.
pub fn link_at<'b>(dir: &File, name: &[u8], buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
    let mut path = [0u8; 32];
    let path = c_name(name, b"", &mut path)?;
    // SAFETY: `path` is NUL-terminated, `buf` writable for its length; both outlive the call.
    let n = unsafe {
        libc::readlinkat(
            dir.as_raw_fd(),
            path.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    let n = usize::try_from(n).ok()?;
    // A target as long as the buffer may have been cut.
    (n < buf.len()).then(|| &buf[..n])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pid_directory_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut want = Vec::new();
        // More entries than one getdents64 buffer holds.
        for pid in (1..3000u32).step_by(2) {
            let p = dir.path().join(pid.to_string());
            std::fs::create_dir(&p).expect("pid");
            std::fs::write(p.join("comm"), format!("c{pid}\n")).expect("comm");
            want.push((pid, format!("c{pid}")));
        }
        for other in ["self", "+7", "12a", "99999999999", "net"] {
            std::fs::create_dir(dir.path().join(other)).expect("other");
        }
        std::fs::create_dir(dir.path().join("4242")).expect("no comm");
        let mut got = Vec::new();
        let n = each_comm(dir.path(), |pid, comm| {
            got.push((pid, String::from_utf8_lossy(comm).into_owned()));
        });
        got.sort();
        assert_eq!(n, want.len() + 1);
        assert_eq!(got, want);
        assert_eq!(each_comm(&dir.path().join("missing"), |_, _| {}), 0);
    }

    #[test]
    fn links_and_names_within_their_buffers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let long = "x".repeat(100);
        std::os::unix::fs::symlink("socket:[42]", dir.path().join("3")).expect("3");
        std::os::unix::fs::symlink(&long, dir.path().join("4")).expect("4");
        std::os::unix::fs::symlink(&long[..63], dir.path().join("5")).expect("5");
        let d = open_dir(dir.path()).expect("open");
        let mut buf = [0u8; 64];
        assert_eq!(link_at(&d, b"3", &mut buf), Some(&b"socket:[42]"[..]));
        assert_eq!(link_at(&d, b"4", &mut buf), None, "cut");
        assert_eq!(link_at(&d, b"5", &mut buf).map(<[u8]>::len), Some(63));
        assert_eq!(link_at(&d, b"6", &mut buf), None, "missing");
        assert_eq!(
            link_at(&d, "9".repeat(40).as_bytes(), &mut buf),
            None,
            "name too long"
        );
        let mut names = Vec::new();
        each_name(&d, |n| names.push(n.to_vec()));
        names.sort();
        assert_eq!(names, [&b"."[..], b"..", b"3", b"4", b"5"]);
    }

    #[test]
    fn records_and_names() {
        assert_eq!(pid_of(b"123"), Some(123));
        assert_eq!(pid_of(b"4294967296"), None);
        assert_eq!(pid_of(b""), None);
        assert_eq!(pid_of(b"1x"), None);
        assert_eq!(pid_of(b"4294967295"), Some(u32::MAX));
        assert_eq!(pid_of(b"-1"), None);
        // A record claiming more than the buffer, or less than its header.
        let mut rec = vec![0u8; 24];
        rec[16] = 200;
        assert_eq!(Records(&rec).count(), 0);
        rec[16] = 3;
        assert_eq!(Records(&rec).count(), 0);
        rec[16] = 24;
        rec[19..22].copy_from_slice(b"42\0");
        assert_eq!(Records(&rec).collect::<Vec<_>>(), [b"42"]);
        assert_eq!(Records(&rec[..10]).count(), 0);
    }
}
