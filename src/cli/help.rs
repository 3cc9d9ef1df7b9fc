//! The long help texts: environment, exit codes, and every check id (with its summary from
//! docs/checks).

pub(super) const AFTER_HELP: &str = "\
Environment:
  OPENCLAW_CONFIG_PATH   the config file (like --config)
  OPENCLAW_STATE_DIR     the state dir; its openclaw.json is the config (like --state-dir)
  OPENCLAW_PROFILE       profile NAME: state dir ~/.openclaw-NAME (like --profile)
  OPENCLAW_HOME          replaces $HOME when looking for ~/.openclaw
  OPENCLAW_GATEWAY_URL, OPENCLAW_GATEWAY_PORT, OPENCLAW_GATEWAY_TOKEN, OPENCLAW_GATEWAY_PASSWORD
                         read as OpenClaw reads them
  OPENCLAW_DOCTOR_HOST_ROOT  read /proc, /etc/passwd and systemd units under this directory
                         instead of / (a host laid out for tests)
  OPENCLAW_DOCTOR_CONTAINER  yes|no: judge the config as in a container or not (default:
                         detected as OpenClaw does; in a container the default bind is auto)
  NO_COLOR, CLICOLOR_FORCE  colour with --color auto

Exit codes:
  0  nothing at or above --fail-on (fix: nothing to change, or all fixed)
  1  findings at or above --fail-on (fix without --apply: changes pending)
  2  could not run: bad arguments; a named file (config, log, proxy config, token, CA) missing,
     unreadable, not a regular file or unparsable; a write refused or rolled back

Run `openclaw-doctor check --help` for the list of checks, `openclaw-doctor explain ID` for one.";

/// `check --help`'s list of checks, from the one text of each (docs/checks), then the probe
/// outcomes and exit codes.
pub(super) fn check_help() -> String {
    format!(
        "Checks (stable ids; severity as reported; `openclaw-doctor explain ID` for one):\n{}\n{CHECK_HELP_TAIL}",
        crate::checks::explain::listing(None)
    )
}

const CHECK_HELP_TAIL: &str = "\
Probe outcomes (JSON probes[].outcome): hello_ok, dns_error, unreachable, timeout, tls_error,
redirected, upgrade_not_performed, proxy_attribution_required, http_error, not_openclaw,
auth_failed, pairing_required, device_identity_required, protocol_mismatch, gateway_starting,
closed, token_withheld, probe_failed.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 could not run.";
