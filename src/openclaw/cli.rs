//! The `openclaw` executable: every call bounded by a timeout, stdout and stderr captured,
//! the profile, state dir and config path passed through. A missing CLI, a non-zero exit,
//! a timeout or unparsable JSON is a `CliError`, never a panic.

use crate::process::{self, ProcessError};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The most output kept from one CLI call, per stream.
const MAX_OUTPUT: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct OpenclawCli {
    pub program: PathBuf,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    /// Run as this user (uid, gid) when the doctor is root and the gateway is another user's:
    /// the CLI must not leave root-owned files in that user's state dir.
    pub run_as: Option<(u32, u32)>,
    /// Its working directory (the gateway user's home, which that user can enter).
    pub cwd: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CliError {
    NotFound(String),
    Timeout {
        command: String,
        seconds: u64,
    },
    Failed {
        command: String,
        code: Option<i32>,
        message: String,
    },
    BadOutput {
        command: String,
        message: String,
    },
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::NotFound(program) => write!(
                f,
                "the openclaw CLI ({program}) was not found; install it or pass --openclaw PATH"
            ),
            CliError::Timeout { command, seconds } => {
                write!(f, "`{command}` did not finish within {seconds} s")
            }
            CliError::Failed {
                command,
                code,
                message,
            } => match code {
                Some(c) => write!(f, "`{command}` failed (exit {c}): {message}"),
                None => write!(f, "`{command}` was killed: {message}"),
            },
            CliError::BadOutput { command, message } => {
                write!(f, "`{command}` printed no usable JSON: {message}")
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct CliOutput {
    pub stdout: String,
    pub stderr: String,
}

impl OpenclawCli {
    pub fn new(
        program: Option<PathBuf>,
        state_dir: &std::path::Path,
        config: Option<&std::path::Path>,
        profile: Option<&str>,
        timeout: Duration,
    ) -> OpenclawCli {
        let mut env = vec![
            (
                "OPENCLAW_STATE_DIR".to_string(),
                state_dir.display().to_string(),
            ),
            ("NO_COLOR".to_string(), "1".to_string()),
        ];
        if let Some(c) = config {
            env.push(("OPENCLAW_CONFIG_PATH".to_string(), c.display().to_string()));
        }
        if let Some(p) = profile {
            env.push(("OPENCLAW_PROFILE".to_string(), p.to_string()));
        }
        OpenclawCli {
            program: program.unwrap_or_else(|| PathBuf::from("openclaw")),
            env,
            timeout,
            run_as: None,
            cwd: None,
        }
    }

    /// Runs the CLI as `uid`:`gid` with `home` (the gateway's user) when this process is root
    /// and that user is not.
    pub fn as_user(mut self, uid: u32, gid: u32, home: Option<&std::path::Path>) -> OpenclawCli {
        // SAFETY: getuid(2) cannot fail and touches no memory.
        let root = unsafe { libc::getuid() } == 0;
        if root && uid != 0 {
            self.run_as = Some((uid, gid));
            if let Some(h) = home {
                self.env.push(("HOME".to_string(), h.display().to_string()));
                self.cwd = Some(h.to_path_buf());
            }
        }
        self
    }

    fn describe(&self, args: &[&str]) -> String {
        format!("openclaw {}", args.join(" "))
    }

    fn failed(command: &str, e: impl std::fmt::Display) -> CliError {
        CliError::Failed {
            command: command.to_string(),
            code: None,
            message: e.to_string(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(&self.program);
        cmd.args(args).envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some((uid, gid)) = self.run_as {
            // std drops root's supplementary groups when it changes the uid; root's own
            // session variables are not the user's.
            cmd.gid(gid).uid(uid);
            for var in [
                "XDG_RUNTIME_DIR",
                "XDG_CONFIG_HOME",
                "XDG_DATA_HOME",
                "XDG_STATE_HOME",
                "XDG_CACHE_HOME",
                "TMPDIR",
                "SUDO_USER",
                "SUDO_UID",
                "SUDO_GID",
                "SUDO_COMMAND",
                "USER",
                "LOGNAME",
                "MAIL",
            ] {
                cmd.env_remove(var);
            }
            cmd.current_dir(self.cwd.as_deref().unwrap_or(std::path::Path::new("/")));
        }
        cmd
    }

    /// A failure to run: a missing (or not executable) program is `NotFound`.
    fn error(&self, command: String, e: ProcessError) -> CliError {
        match e {
            ProcessError::Spawn(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                CliError::NotFound(self.program.display().to_string())
            }
            ProcessError::Timeout(_) => CliError::Timeout {
                command,
                seconds: self.timeout.as_secs(),
            },
            e => Self::failed(&command, e),
        }
    }

    /// Runs `openclaw ARGS`; succeeds only on exit 0 within the timeout.
    pub fn run(&self, args: &[&str]) -> Result<CliOutput, CliError> {
        let command = self.describe(args);
        let ran = process::run_captured(self.command(args), self.timeout, MAX_OUTPUT, MAX_OUTPUT)
            .map_err(|e| self.error(command.clone(), e))?;
        let stdout = String::from_utf8_lossy(&ran.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&ran.stderr).into_owned();
        if !ran.status.success() {
            let message = first_line(&stderr)
                .or_else(|| first_line(&stdout))
                .unwrap_or_else(|| "no message".into());
            return Err(CliError::Failed {
                command,
                code: ran.status.code(),
                message,
            });
        }
        Ok(CliOutput { stdout, stderr })
    }

    /// Runs a command that may leave daemons behind (a restart) in its own process group
    /// (see `process::run_detached`). Returns the first line of its output.
    pub fn run_detached(&self, args: &[&str]) -> Result<String, CliError> {
        let command = self.describe(args);
        let (status, text) = process::run_detached(self.command(args), self.timeout)
            .map_err(|e| self.error(command.clone(), e))?;
        if !status.success() {
            return Err(CliError::Failed {
                command,
                code: status.code(),
                message: first_line(&text).unwrap_or_else(|| "no message".into()),
            });
        }
        Ok(first_line(&text).unwrap_or_default())
    }

    /// Runs a command whose stdout holds one JSON document (possibly after log lines).
    pub fn run_json(&self, args: &[&str]) -> Result<serde_json::Value, CliError> {
        let out = self.run(args)?;
        parse_json_output(&out.stdout).ok_or_else(|| CliError::BadOutput {
            command: self.describe(args),
            message: first_line(&out.stdout).unwrap_or_else(|| "empty output".into()),
        })
    }
}

fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.chars().take(200).collect())
}

/// The JSON document in a CLI's stdout: the whole text, or from the first line that starts
/// a JSON object or array (some versions print notices first).
pub fn parse_json_output(stdout: &str) -> Option<serde_json::Value> {
    if let Ok(v) = serde_json::from_str(stdout.trim()) {
        return Some(v);
    }
    let mut offset = 0;
    for line in stdout.split_inclusive('\n') {
        let t = line.trim_start();
        if (t.starts_with('{') || t.starts_with('['))
            && let Ok(v) = serde_json::from_str(stdout[offset..].trim())
        {
            return Some(v);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_after_notices() {
        assert!(parse_json_output("{\"pending\":[]}").is_some());
        assert!(parse_json_output("Config warnings: x\n{\n \"pending\": []\n}\n").is_some());
        assert!(parse_json_output("not json").is_none());
    }

    #[test]
    fn missing_cli_and_failures_are_errors() {
        let cli = OpenclawCli::new(
            Some("/nonexistent/openclaw".into()),
            std::path::Path::new("/tmp"),
            None,
            None,
            Duration::from_secs(2),
        );
        assert!(matches!(
            cli.run(&["devices", "list"]),
            Err(CliError::NotFound(_))
        ));
        let cli = OpenclawCli {
            program: "false".into(),
            env: vec![],
            timeout: Duration::from_secs(2),
            run_as: None,
            cwd: None,
        };
        assert!(matches!(
            cli.run(&[]),
            Err(CliError::Failed { code: Some(1), .. })
        ));
        let cli = OpenclawCli {
            program: "sleep".into(),
            env: vec![],
            timeout: Duration::from_millis(200),
            run_as: None,
            cwd: None,
        };
        assert!(matches!(cli.run(&["5"]), Err(CliError::Timeout { .. })));
    }
}
