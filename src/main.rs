use clap::Parser;
use openclaw_doctor::{cli::Cli, config::Env};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match openclaw_doctor::run(cli, &Env::from_process()) {
        Ok(outcome) => {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
            ExitCode::from(outcome.exit_code)
        }
        Err(failure) => {
            let _ = writeln!(std::io::stderr(), "{}", failure.message);
            ExitCode::from(failure.exit_code)
        }
    }
}
