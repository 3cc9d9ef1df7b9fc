//! `gateway.mode`, `gateway.bind` and the auth the bind needs (facts §3).

use super::{Finding, Severity};
use crate::config::EditValue;
use crate::config::view::{BIND_MODES, GATEWAY_MODES, GatewayView};
use std::net::Ipv4Addr;

/// OpenClaw's own host-alias migration (≥ 2026.3.1): host addresses written as bind modes.
const HOST_ALIASES: &[(&str, &str)] = &[
    ("0.0.0.0", "lan"),
    ("::", "lan"),
    ("[::]", "lan"),
    ("*", "lan"),
    ("127.0.0.1", "loopback"),
    ("localhost", "loopback"),
    ("::1", "loopback"),
    ("[::1]", "loopback"),
];

pub fn check(view: &GatewayView, out: &mut Vec<Finding>) {
    mode(view, out);
    bind(view, out);
}

fn mode(view: &GatewayView, out: &mut Vec<Finding>) {
    let Some((mode, at)) = view.string("gateway.mode") else {
        return;
    };
    if GATEWAY_MODES.contains(&mode.as_ref()) {
        return;
    }
    let normal = mode.trim().to_ascii_lowercase();
    let to = GATEWAY_MODES
        .contains(&normal.as_str())
        .then_some(EditValue::String(normal));
    let fix = to.and_then(|to| view.proposal("gateway.mode", to));
    out.push(
        Finding::new(
            "gateway.mode.invalid",
            Severity::Error,
            format!(
                "gateway.mode is {}, which OpenClaw rejects; valid values: local, remote",
                at.node.value.display()
            ),
        )
        .path("gateway.mode")
        .at(Some(view.location(&at)))
        .hint("\"local\" on the host that runs the gateway, \"remote\" on a client of another host's gateway")
        .fix(fix),
    );
}

/// The bind mode to propose for a value that is not one: `lan` when a shared secret exists
/// (a `lan` gateway without one refuses to start), else `loopback`.
pub fn replacement_bind(view: &GatewayView) -> &'static str {
    if view.has_secret() { "lan" } else { "loopback" }
}

fn bind(view: &GatewayView, out: &mut Vec<Finding>) {
    let Some((bind, at)) = view.string("gateway.bind") else {
        return;
    };
    // `${VAR}` is filled in by OpenClaw at load time: the written text is not the value.
    if bind.contains("${") {
        return;
    }
    let shown = at.node.value.display();
    if !BIND_MODES.contains(&bind.as_ref()) {
        let normal = bind.trim().to_ascii_lowercase();
        let (to, message, hint) = if BIND_MODES.contains(&normal.as_str()) {
            (
                normal.clone(),
                format!(
                    "gateway.bind is {shown}; OpenClaw accepts only the exact value \"{normal}\" (trimmed, lower-case)"
                ),
                format!("write \"{normal}\""),
            )
        } else if let Some((_, mode)) = HOST_ALIASES.iter().find(|(alias, _)| *alias == normal) {
            (
                mode.to_string(),
                format!(
                    "gateway.bind is {shown}, a host address, not a bind mode: `openclaw config validate` and OpenClaw before 2026.3.1 reject it; a 2026.3.1+ gateway migrates it to \"{mode}\" when it starts and rewrites the config file without its comments"
                ),
                format!("write the bind mode \"{mode}\""),
            )
        } else {
            let to = replacement_bind(view);
            let what = if normal == "local" {
                format!(
                    "gateway.bind is {shown}, which is not a bind mode (\"local\" is a gateway.mode value)"
                )
            } else if normal.parse::<Ipv4Addr>().is_ok() {
                format!(
                    "gateway.bind is {shown}, an address, not a bind mode (use bind \"custom\" with customBindHost for one address)"
                )
            } else {
                format!("gateway.bind is {shown}, which is not a bind mode")
            };
            let why = if to == "lan" {
                "proposed \"lan\" because a shared secret is configured and lan keeps the gateway reachable from other machines; \"loopback\" is enough when only a proxy on this host needs it (fix --bind loopback)"
            } else {
                "proposed \"loopback\" because no gateway.auth.token or password is set and a lan gateway without one refuses to start; set a token first to use \"lan\" (fix --bind lan)"
            };
            (
                to.to_string(),
                format!(
                    "{what}; OpenClaw rejects the whole config (valid: {})",
                    BIND_MODES.join(", ")
                ),
                why.to_string(),
            )
        };
        let fix = view.proposal("gateway.bind", EditValue::String(to));
        out.push(
            Finding::new("gateway.bind.invalid", Severity::Error, message)
                .path("gateway.bind")
                .at(Some(view.location(&at)))
                .hint(hint)
                .fix(fix),
        );
        return;
    }
    match bind.as_ref() {
        "custom" => custom_host(view, out),
        "lan" => out.push(
            Finding::new(
                "gateway.bind.exposed",
                Severity::Info,
                "gateway.bind is \"lan\": the gateway listens on every interface (0.0.0.0), public ones included",
            )
            .path("gateway.bind")
            .at(Some(view.location(&at)))
            .hint("\"loopback\" is enough when only a reverse proxy on this host needs the gateway"),
        ),
        _ => {}
    }
}

fn custom_host(view: &GatewayView, out: &mut Vec<Finding>) {
    let problem = match view.get("gateway.customBindHost") {
        // Recorded on 2026.9.6 (oracle case 403): the gateway refuses to start.
        None => "bind is \"custom\" but gateway.customBindHost is not set: the gateway refuses to start (\"gateway.bind=custom requires gateway.customBindHost\")".to_string(),
        Some(at) => match view.string("gateway.customBindHost").map(|(h, _)| h) {
            Some(host) if host.trim().parse::<Ipv4Addr>().is_ok() => return,
            _ => format!(
                "gateway.customBindHost is {}, not an IPv4 address",
                at.node.value.display()
            ),
        },
    };
    let at = view
        .get("gateway.customBindHost")
        .or_else(|| view.get("gateway.bind"));
    out.push(
        Finding::new("gateway.bind.custom_host", Severity::Error, problem)
            .path("gateway.customBindHost")
            .at(at.map(|a| view.location(&a)))
            .hint("set gateway.customBindHost to the IPv4 address to listen on, e.g. \"192.168.1.10\""),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Facts, run};
    use crate::config::{ConfigSet, Discovered, Document, Env};

    fn proposal_for(bind: &str, secret: bool) -> Option<String> {
        let auth = if secret {
            ", auth: { token: 'abcdef123456' }"
        } else {
            ""
        };
        let text = format!("{{ gateway: {{ mode: 'local', bind: {bind}{auth} }} }}");
        let doc = Document::parse(std::path::Path::new("/x/openclaw.json"), text).unwrap();
        let cfg = ConfigSet::from_main(doc).unwrap();
        let discovered = Discovered {
            path: None,
            source: "--config",
            reason: String::new(),
            legacy: None,
            explicit: true,
            profile: None,
            state_dir: Default::default(),
            searched: vec![],
            listen_port: None,
        };
        let env = Env::default();
        let (_, findings) = run(&Facts {
            discovered: &discovered,
            config: Some(&cfg),
            env: &env,
            probes: None,
            insecure: false,
            devices: None,
            logs: None,
            proxy: None,
            now_ms: 0,
            not_gathered: &[],
            schema: None,
            host: None,
            scan: None,
            gateway: None,
            client_env: &env,
            config_changed: None,
        });
        findings
            .iter()
            .find(|f| f.id == "gateway.bind.invalid" || f.id == "config.type_error")
            .and_then(|f| f.fix.as_ref())
            .map(|p| p.to.to_string())
    }

    #[test]
    fn every_alias_and_invalid_value_gets_openclaws_proposal() {
        for (alias, mode) in HOST_ALIASES {
            assert_eq!(
                proposal_for(&format!("'{alias}'"), false).as_deref(),
                Some(format!("\"{mode}\"").as_str()),
                "{alias}"
            );
        }
        for valid in BIND_MODES {
            assert_eq!(
                proposal_for(&format!("'{valid}'"), true),
                None,
                "{valid} is valid"
            );
            assert_eq!(
                proposal_for(&format!("' {} '", valid.to_uppercase()), false).as_deref(),
                Some(format!("\"{valid}\"").as_str())
            );
        }
        for other in [
            "'local'",
            "'192.168.1.5'",
            "'everywhere'",
            "''",
            "123",
            "true",
            "null",
        ] {
            assert_eq!(
                proposal_for(other, true).as_deref(),
                Some("\"lan\""),
                "{other} with a secret"
            );
            assert_eq!(
                proposal_for(other, false).as_deref(),
                Some("\"loopback\""),
                "{other} without"
            );
        }
    }
}
