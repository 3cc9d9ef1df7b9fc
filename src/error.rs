//! One error type for everything that stops a run. Every variant maps to exit code 2
//! ("could not run"); findings about a readable config are not errors (exit 1).

use std::fmt;
use std::path::{Path, PathBuf};

/// Exit codes: a contract with CI users (README, `--help`).
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug)]
pub enum Error {
    /// Bad arguments or environment (e.g. an invalid profile name).
    Usage(String),
    /// A file that cannot be read or parsed. `line`/`column` are 1-based.
    Input {
        file: PathBuf,
        position: Option<(usize, usize)>,
        message: String,
    },
    /// A write that was refused or failed; the original file is intact.
    Write { file: PathBuf, message: String },
}

impl Error {
    pub fn input(file: &Path, message: impl Into<String>) -> Self {
        Error::Input {
            file: file.to_path_buf(),
            position: None,
            message: message.into(),
        }
    }

    pub fn input_at(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Error::Input {
            file: file.to_path_buf(),
            position: Some((line, column)),
            message: message.into(),
        }
    }

    pub fn write(file: &Path, message: impl Into<String>) -> Self {
        Error::Write {
            file: file.to_path_buf(),
            message: message.into(),
        }
    }

    pub fn exit_code(&self) -> u8 {
        EXIT_ERROR
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(message) => write!(f, "{message}"),
            Error::Input {
                file,
                position: Some((line, column)),
                message,
            } => write!(f, "{}:{line}:{column}: {message}", file.display()),
            Error::Input {
                file,
                position: None,
                message,
            } => write!(f, "{}: {message}", file.display()),
            Error::Write { file, message } => {
                write!(f, "{}: not written: {message}", file.display())
            }
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
