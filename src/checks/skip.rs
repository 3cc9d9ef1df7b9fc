//! Why a check did not run: a check passes only when the facts it looks at were gathered, so
//! a run that probed, listed or read nothing never reports those checks as passed.

use super::{CheckDef, Facts, probes};

/// Why a check without findings did not pass: it passes only when the facts it looks at
/// were gathered (a run that probed nothing must not report the probe checks as passed).
pub(super) fn why_not_run(
    def: &CheckDef,
    facts: &Facts,
    ran_config_checks: bool,
) -> Option<String> {
    if let Some((_, reason)) = facts.not_gathered.iter().find(|(a, _)| *a == def.area) {
        return Some(reason.clone());
    }
    match def.area {
        "probes" => probes::why_not_run(def.id, facts.probes),
        "devices" => match facts.devices {
            None => Some("not listed (--devices, --deep, or a probe meeting pairing required)".into()),
            // Nothing is known about pending requests when the list could not be read.
            Some(Err(e)) if def.id != "devices.unavailable" => {
                Some(format!("the device list could not be read: {e}"))
            }
            Some(_) => None,
        },
        "logs" => match facts.logs {
            None => Some("the log was not read".into()),
            Some((ev, _)) if ev.files.is_empty() => Some(
                "no gateway log file found (openclaw-YYYY-MM-DD.log within --since, or --log FILE)"
                    .into(),
            ),
            Some((ev, _)) if ev.lines == 0 => {
                Some("the gateway log holds no lines in the window read".into())
            }
            Some(_) => None,
        },
        "proxy" => match facts.proxy {
            None => Some(
                "the proxy configuration was not read (--proxy-config, or an external probe failing at the proxy)".into(),
            ),
            Some(Err(e)) => Some(format!("the proxy configuration could not be read: {e}")),
            Some(Ok(p)) => super::proxy::why_not_run(facts, p),
        },
        "host" => super::host_skip::why_not_run(def.id, facts),
        "schema" if ran_config_checks && facts.schema.is_none() => {
            Some("no schema to judge by".into())
        }
        _ if ran_config_checks || def.id == "config.not_found" || def.id == "config.legacy_env" => {
            None
        }
        _ => Some(match facts.config {
            None if facts.discovered.source == "--no-config" => "--no-config".into(),
            _ => "no config".into(),
        }),
    }
}
