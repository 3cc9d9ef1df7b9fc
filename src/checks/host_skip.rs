//! Why a host check did not run: it passes only when the gateway of this config was found on
//! this host and the facts it looks at were read.

use super::Facts;
use crate::host::gateways::EnvSource;
use crate::host::procfs::Access;

pub(super) fn why_not_run(id: &str, facts: &Facts) -> Option<String> {
    if facts.config.is_none() {
        return Some("no config".into());
    }
    let Some(scan) = facts.scan else {
        return Some("the host was not scanned".into());
    };
    let Some(g) = facts.gateway else {
        let unreadable = if scan.notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", scan.notes.join("; "))
        };
        return Some(format!(
            "no gateway process or service unit of this config was found on this host{unreadable}"
        ));
    };
    let user = g.user.clone().unwrap_or_else(|| "its user".into());
    let sockets = match g.process.as_ref().map(|p| &p.listening) {
        None => Some("the gateway is not running: no sockets to compare".to_string()),
        Some(Access::Denied) => Some(format!(
            "the gateway's sockets cannot be read: run as root or as {user}"
        )),
        Some(Access::Gone) => Some("the gateway ended while it was read".into()),
        Some(Access::Read(l)) if l.is_empty() => {
            Some("the gateway listens on nothing yet (starting?)".into())
        }
        Some(Access::Read(_)) => None,
    };
    let cfg = facts.config?;
    let view = crate::config::view::GatewayView::of(cfg, facts.env, facts.discovered);
    let env = match (&g.env_source, &g.process) {
        (EnvSource::Process, _) => None,
        // The unit's environment is not the process's when a wrapper changes it.
        (EnvSource::Unit, Some(p)) => Some(format!(
            "the environment of pid {} cannot be read (run as root or as {user}); its unit's alone is not the process's",
            p.pid
        )),
        (EnvSource::Unit, None) => None,
        (EnvSource::Doctor, _) => Some("a profile of this user: no environment of its own".into()),
        (EnvSource::Unknown(why), _) => Some(why.clone()),
    };
    match id {
        "host.port_override" if g.port_arg().is_none() => sockets,
        "host.bind_mismatch" => sockets.or_else(|| {
            let bind = view.string("gateway.bind").map(|(b, _)| b.into_owned());
            match bind.as_deref() {
                None | Some("loopback" | "lan" | "custom") => None,
                Some(other) => Some(format!(
                    "gateway.bind {other:?} listens on loopback or elsewhere depending on the host: nothing to compare"
                )),
            }
        }),
        "host.container_loopback" => sockets,
        "host.env_ignored" => env,
        "host.token_env" => env.or_else(|| {
            let literal = |key: &str| {
                view.string(key)
                    .is_some_and(|(v, _)| !v.trim().is_empty() && !v.contains("${"))
            };
            (!literal("gateway.auth.token") && !literal("gateway.auth.password")).then(|| {
                "the config sets no literal gateway.auth.token or password: the variable is the secret, nothing to compare".into()
            })
        }),
        "host.env_file_missing" if g.unit.is_none() => {
            Some("the gateway is not run by a systemd unit".into())
        }
        "host.restart_pending" if g.started_at_ms.is_none() => {
            Some("the gateway is not running".into())
        }
        _ => None,
    }
}
