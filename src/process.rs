//! Every program the doctor runs (the openclaw CLI, nginx, a restart command) goes through
//! here: stdin closed, output captured and bounded, a deadline after which the child (or its
//! whole process group) is killed. Nothing a child does can make the doctor wait past it.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub enum ProcessError {
    /// The program could not be started (`io::ErrorKind::NotFound` when it does not exist).
    Spawn(std::io::Error),
    /// Still running at the deadline: killed.
    Timeout(Duration),
    /// Waiting for it failed.
    Wait(std::io::Error),
}

impl std::fmt::Display for ProcessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProcessError::Spawn(e) | ProcessError::Wait(e) => write!(f, "{e}"),
            ProcessError::Timeout(d) => write!(f, "did not finish within {} s", d.as_secs()),
        }
    }
}

/// What a finished child printed. `stdout_over` is set when it printed more than the bound
/// (the excess was read and dropped, so it could not block on a full pipe).
#[derive(Debug)]
pub struct Captured {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub stdout_over: bool,
}

/// Runs `cmd` with both pipes drained in threads (a chatty child cannot block), keeping at
/// most `max_out` / `max_err` bytes, killed at `timeout`.
pub fn run_captured(
    mut cmd: Command,
    timeout: Duration,
    max_out: u64,
    max_err: u64,
) -> Result<Captured, ProcessError> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(ProcessError::Spawn)?;
    let out = drain(child.stdout.take().map(boxed), max_out);
    let err = drain(child.stderr.take().map(boxed), max_err);
    let status = wait(&mut child, timeout, false)?;
    let mut stdout = out.join().unwrap_or_default();
    let mut stderr = err.join().unwrap_or_default();
    let stdout_over = stdout.len() as u64 > max_out;
    stdout.truncate(max_out as usize);
    stderr.truncate(max_err as usize);
    Ok(Captured {
        status,
        stdout,
        stderr,
        stdout_over,
    })
}

/// Runs a command that may leave daemons behind (a restart): in its own process group, its
/// output to a temporary file (a daemon keeping a pipe open cannot stall the doctor), the
/// whole group killed at `timeout`. Returns the status and the first 64 KiB of output.
pub fn run_detached(
    mut cmd: Command,
    timeout: Duration,
) -> Result<(ExitStatus, String), ProcessError> {
    use std::os::unix::process::CommandExt;
    let log = tempfile::NamedTempFile::new().map_err(ProcessError::Spawn)?;
    let out = log.reopen().map_err(ProcessError::Spawn)?;
    let err = log.reopen().map_err(ProcessError::Spawn)?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0)
        .spawn()
        .map_err(ProcessError::Spawn)?;
    let status = wait(&mut child, timeout, true)?;
    let mut text = String::new();
    if let Ok(f) = log.reopen() {
        let mut bytes = Vec::new();
        let _ = f.take(64 * 1024).read_to_end(&mut bytes);
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    Ok((status, text))
}

/// A command line split into words as a POSIX shell would (quotes, backslashes), without
/// running a shell; `None` when the quotes do not balance or there is no word.
pub fn split_command(cmd: &str) -> Option<Vec<String>> {
    shell_words::split(cmd).ok().filter(|w| !w.is_empty())
}

fn boxed(p: impl Read + Send + 'static) -> Box<dyn Read + Send> {
    Box::new(p)
}

/// Reads a pipe to its end, keeping `max + 1` bytes (so the caller can tell it went over).
fn drain(pipe: Option<Box<dyn Read + Send>>, max: u64) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.by_ref().take(max + 1).read_to_end(&mut buf);
            // Keep reading what is left so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut p, &mut std::io::sink());
        }
        buf
    })
}

/// Waits until `timeout`; past it, kills the child (its whole group when `group`).
fn wait(child: &mut Child, timeout: Duration, group: bool) -> Result<ExitStatus, ProcessError> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                if group {
                    // SAFETY: kill(2) with a negative pid signals the child's own group,
                    // which `process_group(0)` created; no memory is involved.
                    unsafe {
                        libc::kill(-(child.id() as i32), libc::SIGKILL);
                    }
                } else {
                    let _ = child.kill();
                }
                let _ = child.wait();
                return Err(ProcessError::Timeout(timeout));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(ProcessError::Wait(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_splitting() {
        assert_eq!(
            split_command("systemctl restart openclaw").unwrap(),
            vec!["systemctl", "restart", "openclaw"]
        );
        assert_eq!(
            split_command("sh -c 'a b' \"c \\\" d\"").unwrap(),
            vec!["sh", "-c", "a b", "c \" d"]
        );
        assert!(split_command("'unbalanced").is_none());
        assert!(split_command("   ").is_none());
    }

    #[test]
    fn output_is_bounded_and_a_slow_child_is_killed() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "head -c 100000 /dev/zero; echo err >&2"]);
        let c = run_captured(cmd, Duration::from_secs(10), 1000, 1000).unwrap();
        assert!(c.status.success() && c.stdout_over);
        assert_eq!((c.stdout.len(), c.stderr.as_slice()), (1000, &b"err\n"[..]));

        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let start = Instant::now();
        let e = run_captured(cmd, Duration::from_millis(200), 10, 10).unwrap_err();
        assert!(matches!(e, ProcessError::Timeout(_)), "{e:?}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_detached_group_is_killed_whole() {
        // The shell starts a grandchild that would keep running without a group kill.
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("sleep 30 & echo $! > {}; wait", pid_file.display()));
        let start = Instant::now();
        let e = run_detached(cmd, Duration::from_millis(500)).unwrap_err();
        assert!(matches!(e, ProcessError::Timeout(_)), "{e:?}");
        assert!(start.elapsed() < Duration::from_secs(5));
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let stat = format!("/proc/{}/stat", pid.trim());
        let deadline = Instant::now() + Duration::from_secs(5);
        // Gone, or a zombie waiting for its new parent: not running either way.
        while std::fs::read_to_string(&stat).is_ok_and(|s| !s.contains(") Z ")) {
            assert!(Instant::now() < deadline, "the grandchild survived: {stat}");
            std::thread::sleep(Duration::from_millis(20));
        }

        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo hello; exit 3"]);
        let (status, text) = run_detached(cmd, Duration::from_secs(10)).unwrap();
        assert_eq!((status.code(), text.as_str()), (Some(3), "hello\n"));
    }
}
