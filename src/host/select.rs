//! Which config is checked, once the host is known (#13). OpenClaw's own order comes first
//! (`--config`/`OPENCLAW_CONFIG_PATH`, `--state-dir`/`OPENCLAW_STATE_DIR`,
//! `--profile`/`OPENCLAW_PROFILE`); when none of them names a config, the config of the
//! gateway this host runs (a running process first, then a service unit) comes before
//! `~/.openclaw`. Either way the gateway reading the chosen config is the one checked.

use super::gateways::HostScan;
use crate::config::discovery::Discovered;

pub struct Selected {
    pub discovered: Discovered,
    /// Index in `scan.gateways` of the gateway reading the checked config.
    pub checked: Option<usize>,
    /// What people should know about the choice.
    pub notes: Vec<String>,
}

/// `own` is discovery as OpenClaw does it from this user's flags and environment; `pick`
/// forces a gateway (`check --all`).
pub fn select(own: Discovered, scan: &HostScan, pick: Option<usize>) -> Selected {
    if let Some(i) = pick
        && let Some(g) = scan.gateways.get(i)
    {
        // `check --all`: this gateway's own section, its config found or not.
        let d = g.discovered.clone().unwrap_or_else(|| Discovered {
            path: None,
            source: if g.running() { "process" } else { "unit" },
            reason: format!("the config of {} could not be found or read", g.label()),
            legacy: None,
            explicit: false,
            profile: None,
            state_dir: std::path::PathBuf::new(),
            searched: Vec::new(),
            listen_port: None,
        });
        return with_port(d, scan, Some(i), Vec::new());
    }
    let named = !matches!(own.source, "default" | "legacy");
    let mut notes = Vec::new();
    if named {
        let checked = own.path.as_deref().and_then(|p| scan.reading(p));
        if checked.is_none() {
            let others: Vec<String> = scan
                .gateways
                .iter()
                .filter(|g| g.running())
                .filter_map(|g| {
                    Some(format!(
                        "{} reads {}",
                        g.label(),
                        g.config_path()?.display()
                    ))
                })
                .collect();
            if !others.is_empty() {
                notes.push(format!(
                    "no running gateway reads this config: {}",
                    others.join("; ")
                ));
            }
        }
        return with_port(own, scan, checked, notes);
    }
    let Some(i) = scan.first_with_config() else {
        if let Some(g) = scan.gateways.first()
            && g.profile_dir.is_none()
        {
            let instead = own
                .path
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "the default location".into());
            notes.push(match g.config_path() {
                Some(p) => format!(
                    "found {}, whose config {} cannot be read: run as root or as {}; checked {instead} instead",
                    g.label(),
                    p.display(),
                    g.user.as_deref().unwrap_or("its user")
                ),
                None => format!("found {}, but not its config; checked {instead} instead", g.label()),
            });
        }
        let checked = own.path.as_deref().and_then(|p| scan.reading(p));
        return with_port(own, scan, checked, notes);
    };
    let g = &scan.gateways[i];
    let Some(d) = g.discovered.clone() else {
        return with_port(own, scan, None, notes);
    };
    // The user's own default config, when it is another file, is worth a word.
    if let (Some(mine), Some(theirs)) = (own.path.as_deref(), d.path.as_deref())
        && mine.exists()
        && super::gateways::file_id(mine) != super::gateways::file_id(theirs)
    {
        notes.push(format!(
            "{} also exists (your own default): checked the config of {} instead; pass --config {} to check yours",
            mine.display(),
            g.label(),
            mine.display()
        ));
    }
    with_port(d, scan, Some(i), notes)
}

/// The checked gateway's real port joins what discovery found.
fn with_port(
    mut d: Discovered,
    scan: &HostScan,
    checked: Option<usize>,
    notes: Vec<String>,
) -> Selected {
    d.listen_port = checked.and_then(|i| scan.gateways[i].listen_port());
    Selected {
        discovered: d,
        checked,
        notes,
    }
}
