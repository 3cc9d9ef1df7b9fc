//! The nginx executable: on PATH first, else where distributions and OpenResty install it
//! (Debian's `/usr/sbin` is not on an ordinary user's PATH, nor on cron's or systemd's). Every
//! run is bounded in time and output; a failure carries nginx's own `emerg` / `error` line.

use crate::process::{self, ProcessError};
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Where nginx is looked for after PATH, in order.
pub const CANDIDATES: [&str; 4] = [
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
    "/usr/local/nginx/sbin/nginx",
    "/usr/local/openresty/nginx/sbin/nginx",
];

/// How long one nginx run (`-t`, `-T`, `-s reload`) may take before it is killed.
pub const TIMEOUT: Duration = Duration::from_secs(60);
/// The most output read from one run (`nginx -T` prints every file).
pub const MAX_STDOUT: u64 = 64 * 1024 * 1024;
const MAX_STDERR: u64 = 64 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub enum NginxError {
    /// Not on PATH nor at any of `CANDIDATES`: the message says where it looked.
    NotFound(String),
    /// Found but could not be started.
    Spawn(String),
    /// Ran and failed: nginx's `emerg` / `error` line, else its trimmed stderr.
    Failed(String),
}

impl std::fmt::Display for NginxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NginxError::NotFound(m) | NginxError::Spawn(m) | NginxError::Failed(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for NginxError {}

/// nginx on PATH, else the first of `CANDIDATES` that is an executable regular file.
pub fn find() -> Option<PathBuf> {
    let candidates: Vec<&Path> = CANDIDATES.iter().map(Path::new).collect();
    find_in(std::env::var_os("PATH").as_deref(), &candidates)
}

/// As `find`, with the PATH value and the fallbacks given. Only absolute PATH entries count:
/// an empty or relative entry would run whatever `nginx` sits in the current directory.
pub fn find_in(path_var: Option<&OsStr>, candidates: &[&Path]) -> Option<PathBuf> {
    let on_path = path_var
        .into_iter()
        .flat_map(std::env::split_paths)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join("nginx"));
    on_path
        .chain(candidates.iter().map(|c| c.to_path_buf()))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

pub fn not_found() -> NginxError {
    NginxError::NotFound(format!(
        "nginx was not found on PATH nor at {}",
        CANDIDATES.join(", ")
    ))
}

/// Runs `nginx [-c MAIN] ARGS`; `Ok` when it exits 0.
pub fn run(main: Option<&Path>, args: &[&str]) -> Result<(), NginxError> {
    output(main, args).map(|_| ())
}

/// Runs `nginx [-c MAIN] ARGS` and returns its stdout when it exits 0 (`-T` prints the
/// configuration there). MAIN is made absolute: nginx reads a relative `-c` from its prefix,
/// not from the current directory.
pub fn output(main: Option<&Path>, args: &[&str]) -> Result<Vec<u8>, NginxError> {
    let bin = find().ok_or_else(not_found)?;
    run_bin(&bin, main, args, TIMEOUT)
}

fn run_bin(
    bin: &Path,
    main: Option<&Path>,
    args: &[&str],
    timeout: Duration,
) -> Result<Vec<u8>, NginxError> {
    let described = format!("{} {}", bin.display(), args.join(" "));
    let mut cmd = Command::new(bin);
    if let Some(main) = main {
        cmd.arg("-c")
            .arg(std::path::absolute(main).unwrap_or_else(|_| main.to_path_buf()));
    }
    cmd.args(args);
    let ran = match process::run_captured(cmd, timeout, MAX_STDOUT, MAX_STDERR) {
        Ok(ran) => ran,
        Err(ProcessError::Timeout(_)) => {
            return Err(NginxError::Failed(format!(
                "{described} did not finish within {} s and was stopped",
                timeout.as_secs()
            )));
        }
        Err(ProcessError::Spawn(e)) => {
            return Err(NginxError::Spawn(format!("cannot run {described}: {e}")));
        }
        Err(e) => return Err(NginxError::Spawn(format!("{described}: {e}"))),
    };
    if !ran.status.success() {
        let stderr = String::from_utf8_lossy(&ran.stderr);
        return Err(NginxError::Failed(failure(&stderr, ran.status)));
    }
    if ran.stdout_over {
        return Err(NginxError::Failed(format!(
            "{described} printed more than {MAX_STDOUT} bytes"
        )));
    }
    Ok(ran.stdout)
}

/// nginx's line with `emerg` or `error`, else its trimmed stderr, else the exit status.
fn failure(stderr: &str, status: std::process::ExitStatus) -> String {
    let line = stderr
        .lines()
        .find(|l| l.contains("emerg") || l.contains("error"))
        .unwrap_or(stderr.trim())
        .trim();
    if line.is_empty() {
        format!("nginx failed ({status}) and printed nothing")
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn executable(path: &Path, mode: u32) {
        std::fs::write(path, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn path_first_then_the_fallbacks_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let (bin, sbin, empty) = (
            dir.path().join("bin"),
            dir.path().join("sbin"),
            dir.path().join("empty"),
        );
        for d in [&bin, &sbin, &empty] {
            std::fs::create_dir(d).unwrap();
        }
        let fallback = sbin.join("nginx");
        executable(&fallback, 0o755);
        let candidates = [Path::new("/nonexistent/nginx"), fallback.as_path()];
        // PATH without nginx: the first fallback that exists.
        let path: OsString = std::env::join_paths([&empty]).unwrap();
        assert_eq!(find_in(Some(&path), &candidates), Some(fallback.clone()));
        assert_eq!(find_in(None, &candidates), Some(fallback.clone()));
        // nginx on PATH wins.
        executable(&bin.join("nginx"), 0o755);
        let path = std::env::join_paths([&empty, &bin]).unwrap();
        assert_eq!(find_in(Some(&path), &candidates), Some(bin.join("nginx")));
        // Not executable, a directory, or a relative PATH entry: skipped.
        executable(&bin.join("nginx"), 0o644);
        assert_eq!(find_in(Some(&path), &candidates), Some(fallback.clone()));
        std::fs::create_dir(empty.join("nginx")).unwrap();
        assert_eq!(find_in(Some(&path), &candidates), Some(fallback.clone()));
        assert_eq!(find_in(Some(OsStr::new("bin:.")), &[]), None);
        assert_eq!(find_in(Some(&path), &[]), None);
    }

    #[test]
    fn a_failure_carries_nginx_own_line() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("nginx");
        std::fs::write(
            &fake,
            "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/args\"\necho 'nginx: [warn] x' >&2\necho 'nginx: [emerg] unknown directive \"x\" in /a.conf:3' >&2\nexit 1\n",
        )
        .unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let e = run_bin(&fake, Some(Path::new("rel.conf")), &["-t", "-q"], TIMEOUT);
        assert_eq!(
            e,
            Err(NginxError::Failed(
                "nginx: [emerg] unknown directive \"x\" in /a.conf:3".into()
            ))
        );
        let args = std::fs::read_to_string(dir.path().join("args")).unwrap();
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            args.trim(),
            format!("-c {} -t -q", cwd.join("rel.conf").display())
        );
        let slow = dir.path().join("slow");
        std::fs::write(&slow, "#!/bin/sh\nexec sleep 5\n").unwrap();
        std::fs::set_permissions(&slow, std::fs::Permissions::from_mode(0o755)).unwrap();
        let e = run_bin(&slow, None, &[], Duration::from_millis(200));
        assert!(matches!(e, Err(NginxError::Failed(m)) if m.contains("did not finish")));
        let e = run_bin(&dir.path().join("missing"), None, &[], TIMEOUT);
        assert!(matches!(e, Err(NginxError::Spawn(_))));
    }
}
