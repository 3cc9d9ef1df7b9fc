//! The environment the host gives the gateway against its config (#13): a shared secret in
//! `OPENCLAW_GATEWAY_TOKEN`/`_PASSWORD` that differs from the config's, and the unit's
//! `EnvironmentFile=`s that are missing.
//!
//! Which secret wins, measured on the real gateways (config token A, variable B): the gateway
//! accepts only A on 2026.2.26 and 2026.9.6 (its `resolveGatewayAuth` is config-first); a local
//! CLI client sends A on 2026.9.6 (config-first) but B on 2026.2.26 (env-first), and is refused.

use super::host::{HostView, unit_line};
use super::{Finding, Location, Severity};
use crate::host::gateways::{EnvSource, FoundGateway};
use crate::host::units::EnvFileState;

/// The first version whose clients read the config's secret before the variable.
const CONFIG_FIRST_CLIENTS: (u32, u32, u32) = (2026, 9, 0);

/// Where `name` is set for the gateway: its unit's line when the unit sets it, else its
/// process environment.
pub(super) fn set_where(g: &FoundGateway, name: &str) -> (Option<Location>, String) {
    if let Some(unit) = &g.unit
        && let Some(e) = unit.environment.iter().rev().find(|e| e.value.0 == name)
    {
        return (
            Some(unit_line(&e.file, e.line)),
            format!("Environment= of unit {}", unit.name),
        );
    }
    if let Some(unit) = &g.unit {
        for f in &unit.environment_files {
            if let EnvFileState::Read(vars) = &f.state
                && let Some(v) = vars.iter().rev().find(|v| v.value.0 == name)
            {
                return (
                    Some(Location {
                        file: v.file.clone(),
                        line: v.line,
                        column: 1,
                    }),
                    format!("EnvironmentFile {} of unit {}", f.path.display(), unit.name),
                );
            }
        }
    }
    let what = match (&g.env_source, &g.process) {
        (EnvSource::Process, Some(p)) => format!("the environment of pid {}", p.pid),
        _ => "its environment".to_string(),
    };
    (None, what)
}

pub fn token_env(h: &HostView, out: &mut Vec<Finding>) {
    for (var, key) in [
        ("OPENCLAW_GATEWAY_TOKEN", "gateway.auth.token"),
        ("OPENCLAW_GATEWAY_PASSWORD", "gateway.auth.password"),
    ] {
        let Some(file) = h
            .view
            .string(key)
            .map(|(s, _)| s.trim().to_string())
            .filter(|s| !s.is_empty() && !s.contains("${"))
        else {
            continue;
        };
        let mut evidence = Vec::new();
        let mut at = None;
        if h.gateway.env_source != EnvSource::Doctor
            && let Some(v) = h.gateway.var(var)
            && v.trim() != file
        {
            let (loc, where_) = set_where(h.gateway, var);
            at = loc;
            evidence.push(format!(
                "{var} in {where_} differs from {key}: clients started with that environment (the gateway's own sub-agents) send it"
            ));
        }
        if let Some(v) = h.client_env.get(var)
            && v.trim() != file
        {
            evidence.push(format!(
                "{var} in your environment differs from {key}: `openclaw` commands you run send it"
            ));
        }
        if evidence.is_empty() {
            continue;
        }
        let old_clients = h.version.is_some_and(|v| v < CONFIG_FIRST_CLIENTS);
        let (severity, clients) = match h.version {
            Some(_) if old_clients => (
                Severity::Error,
                "and its clients (2026.2.x: the variable first) send the variable and are refused (unauthorized: gateway token mismatch)",
            ),
            Some(_) => (
                Severity::Warning,
                "its clients on this version read the config first too, so the variable is ignored; on 2026.2.x clients sent it first and were refused",
            ),
            None => (
                Severity::Warning,
                "clients of 2026.2.x send the variable first and are refused; 2026.9 clients read the config first",
            ),
        };
        let mut f = Finding::new(
            "host.token_env",
            severity,
            format!(
                "{var} differs from {key}: the gateway uses {key} (the config first), {clients}"
            ),
        )
        .path(&format!("env:{var}"))
        .at(at)
        .hint(format!(
            "remove {var} where it is set (or set it to the value of {key}) and restart what reads it"
        ));
        f.evidence = evidence;
        out.push(f);
    }
}

pub fn env_file_missing(h: &HostView, out: &mut Vec<Finding>) {
    let Some(unit) = &h.gateway.unit else {
        return;
    };
    for f in &unit.environment_files {
        let problem = match &f.state {
            EnvFileState::Missing => "is missing",
            // Unreadable by the doctor is not unreadable by systemd (it reads them as root).
            EnvFileState::Unreadable(_) | EnvFileState::Read(_) => continue,
        };
        let (severity, effect, hint) = if f.optional {
            (
                Severity::Info,
                "it is optional (`-`), so systemd starts the unit without its variables",
                "create it if the gateway needs its variables, or drop the line",
            )
        } else {
            (
                Severity::Error,
                "systemd refuses to start the unit (\"Failed to load environment files\")",
                "create the file, fix the path, or mark it optional with a leading -",
            )
        };
        out.push(
            Finding::new(
                "host.env_file_missing",
                severity,
                format!(
                    "EnvironmentFile {} of unit {} {problem}: {effect}",
                    f.path.display(),
                    unit.name
                ),
            )
            .at(Some(unit_line(&f.at.0, f.at.1)))
            .hint(hint),
        );
    }
}
