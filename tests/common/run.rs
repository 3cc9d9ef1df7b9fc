//! Running the doctor binary from a test: one way to build the command, one way to read what
//! it printed. Every test file runs the real binary through these.

use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// The doctor as a new user on a clean host runs it: current directory `dir`, an empty
/// environment but `HOME=dir` and `PATH`, judged as on a bare host (not a container, whatever
/// the test machine is), killed after 60 s.
pub fn isolated(dir: &Path) -> assert_cmd::Command {
    let mut cmd = bare();
    cmd.current_dir(dir)
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("OPENCLAW_DOCTOR_CONTAINER", "no")
        .timeout(Duration::from_secs(60));
    cmd
}

/// The doctor binary with nothing set up.
pub fn bare() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("openclaw-doctor").expect("the openclaw-doctor binary")
}

/// What a run printed, as text.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(mut cmd: assert_cmd::Command) -> Run {
        Run::from(cmd.output().expect("the doctor runs"))
    }

    /// stdout as JSON; a test fails with both streams when it is not.
    pub fn json(&self) -> Value {
        json_of(&self.stdout, &self.stderr)
    }

    /// Exit 2 with exactly one line on stderr containing every one of `words`.
    pub fn refused(&self, words: &[&str]) {
        assert_eq!(self.code, Some(2), "{}{}", self.stdout, self.stderr);
        assert_eq!(self.stderr.lines().count(), 1, "one line: {}", self.stderr);
        for w in words {
            assert!(self.stderr.contains(w), "{w:?} not in {}", self.stderr);
        }
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
    }

    /// Fails the test when `secret` appears in either stream.
    pub fn never_shows(&self, secret: &str) -> &Run {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "a secret was printed:\n{}\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// `stdout` parsed as JSON, or a panic that shows both streams.
pub fn json_of(stdout: &str, stderr: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\n{stderr}"))
}
