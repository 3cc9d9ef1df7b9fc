//! Reading a file named from outside (config, include, log, proxy config, token, CA): a
//! regular file only, within a byte bound, every failure named. A FIFO, socket or device is
//! refused at once: opened without blocking, then checked on the open descriptor, so nothing
//! named on the command line can make the doctor wait past its timeouts.

use crate::error::{Error, Result};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// What the file is for, in messages ("over the 8388608 byte limit for a config file").
#[derive(Debug, Clone, Copy)]
pub struct Kind(pub &'static str);

pub const CONFIG: Kind = Kind("a config file");

/// Opens `path` for reading if it is a regular file; `Err` names the file and why not.
pub fn open_regular(path: &Path, kind: Kind) -> Result<(std::fs::File, u64)> {
    // stat first: opening a device can have effects of its own (a watchdog, a tape rewind).
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::input(path, crate::config::document::io_reason(&e)))?;
    refuse_special(path, &meta, kind)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        // A FIFO opened for reading blocks until a writer comes; O_NONBLOCK returns at once.
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| Error::input(path, crate::config::document::io_reason(&e)))?;
    // fstat again on what was opened: the path may have been swapped in between.
    let meta = file
        .metadata()
        .map_err(|e| Error::input(path, crate::config::document::io_reason(&e)))?;
    refuse_special(path, &meta, kind)?;
    Ok((file, meta.len()))
}

fn refuse_special(path: &Path, meta: &std::fs::Metadata, kind: Kind) -> Result<()> {
    if meta.is_dir() {
        return Err(Error::input(
            path,
            format!("is a directory, not {}", kind.0),
        ));
    }
    if !meta.is_file() {
        return Err(Error::input(
            path,
            format!(
                "not a regular file ({}), not {}",
                file_type_name(meta),
                kind.0
            ),
        ));
    }
    Ok(())
}

/// Reads all of a regular file, refusing one over `max_bytes`.
pub fn read_bytes(path: &Path, max_bytes: u64, kind: Kind) -> Result<Vec<u8>> {
    let (file, len) = open_regular(path, kind)?;
    let over = |len: String| {
        Error::input(
            path,
            format!(
                "the file is {len} bytes, over the {max_bytes} byte limit for {}",
                kind.0
            ),
        )
    };
    if len > max_bytes {
        return Err(over(len.to_string()));
    }
    // Sized from the metadata (plus one byte to see the end): no regrowth while reading.
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::input(path, crate::config::document::io_reason(&e)))?;
    if bytes.len() as u64 > max_bytes {
        return Err(over("more than that".into()));
    }
    Ok(bytes)
}

/// Checks that `path` names a readable regular file or a directory (for paths that may be
/// either, such as `--log DIR`); reads nothing.
pub fn check_named(path: &Path, kind: Kind) -> Result<()> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::input(path, crate::config::document::io_reason(&e)))?;
    if meta.is_dir() {
        return std::fs::read_dir(path)
            .map(|_| ())
            .map_err(|e| Error::input(path, crate::config::document::io_reason(&e)));
    }
    open_regular(path, kind).map(|_| ())
}

/// Refuses text in UTF-16 (with or without a byte order mark) and binary files (a NUL byte):
/// neither OpenClaw nor nginx reads them. `reader` says who reads what ("OpenClaw reads
/// UTF-8 only …"), `what` what the file should be ("a text config").
pub fn refuse_utf16_or_binary(path: &Path, bytes: &[u8], reader: &str, what: &str) -> Result<()> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(
            path,
            format!("the file is UTF-16 encoded; {reader}"),
        ));
    }
    if let Some(i) = memchr::memchr(0, bytes) {
        // UTF-16 without a BOM shows a NUL in every other byte.
        let nul_pairs = bytes
            .iter()
            .skip(i % 2)
            .step_by(2)
            .take(64)
            .all(|&b| b == 0);
        let message = if nul_pairs && bytes.len() >= 4 {
            format!("the file looks UTF-16 encoded; {reader}")
        } else {
            format!("the file is binary (NUL byte at offset {i}), not {what}")
        };
        return Err(Error::input(path, message));
    }
    Ok(())
}

fn file_type_name(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: Kind = Kind("a test file");

    #[test]
    fn regular_files_are_read_within_the_bound() {
        let dir = tempfile::tempdir().expect("dir");
        let f = dir.path().join("f");
        std::fs::write(&f, b"12345").expect("write");
        assert_eq!(read_bytes(&f, 5, KIND).expect("read"), b"12345");
        let err = read_bytes(&f, 4, KIND).expect_err("over").to_string();
        assert!(
            err.ends_with("the file is 5 bytes, over the 4 byte limit for a test file"),
            "{err}"
        );
    }

    #[test]
    fn everything_else_is_refused_naming_what_it_is() {
        let dir = tempfile::tempdir().expect("dir");
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = |p: &Path| read_bytes(p, 1024, KIND).expect_err("refused").to_string();
        assert!(err(&fifo).ends_with("not a regular file (a FIFO), not a test file"));
        assert!(
            err(Path::new("/dev/null"))
                .ends_with("not a regular file (a character device), not a test file")
        );
        assert!(err(dir.path()).ends_with("is a directory, not a test file"));
        assert!(err(&dir.path().join("missing")).ends_with("no such file"));
        // A directory is fine where one may be named (--log DIR), a FIFO is not.
        assert!(check_named(dir.path(), KIND).is_ok());
        assert!(check_named(&fifo, KIND).is_err());
    }
}
