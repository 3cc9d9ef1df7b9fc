//! `gateway.remote.url` and `OPENCLAW_GATEWAY_URL`: where clients and sub-agents connect
//! (facts §4). On the gateway's own host they must use loopback, never the reverse proxy.

use super::{Finding, Location, Proposal, Severity};
use crate::config::EditValue;
use crate::config::view::GatewayView;
use crate::net::{display_url, is_loopback_host, is_private_host, split_url};

/// Where a URL came from: the config (patchable) or the environment (not patchable).
struct Source<'v> {
    path: &'static str,
    raw: &'v str,
    location: Option<Location>,
    patchable: bool,
}

pub fn check(view: &GatewayView, out: &mut Vec<Finding>) {
    let mode = view.mode();
    let config_url = view.string("gateway.remote.url");
    let env_url = view.env.get("OPENCLAW_GATEWAY_URL");
    if mode == Some("remote") && config_url.is_none() && env_url.is_none() {
        let at = view
            .get("gateway.remote")
            .or_else(|| view.get("gateway.mode"));
        out.push(
            Finding::new(
                "gateway.remote_url.missing",
                Severity::Error,
                "gateway.mode is \"remote\" but gateway.remote.url is not set: clients do not know where the gateway is",
            )
            .path("gateway.remote.url")
            .at(at.map(|a| view.location(&a)))
            .hint("set gateway.remote.url to the gateway's wss:// URL (fix --remote-url wss://host)"),
        );
    }
    if let Some((raw, at)) = config_url {
        let source = Source {
            path: "gateway.remote.url",
            raw,
            location: Some(view.location(&at)),
            patchable: true,
        };
        check_url(view, &source, out);
    }
    if let Some(raw) = env_url {
        let source = Source {
            path: "env:OPENCLAW_GATEWAY_URL",
            raw,
            location: None,
            patchable: false,
        };
        check_url(view, &source, out);
    }
}

fn check_url(view: &GatewayView, src: &Source, out: &mut Vec<Finding>) {
    // `${VAR}` is filled in by OpenClaw at load time: the written text is not the URL.
    if src.raw.contains("${") {
        return;
    }
    let shown = display_url(src.raw);
    let name = if src.patchable {
        "gateway.remote.url".to_string()
    } else {
        "OPENCLAW_GATEWAY_URL (environment)".to_string()
    };
    let propose = |to: String| -> Option<Proposal> {
        if !src.patchable {
            return None;
        }
        view.proposal(src.path, EditValue::String(to))
    };
    let env_hint = |to: &str| {
        format!(
            "set OPENCLAW_GATEWAY_URL={to} (or unset it) where it is defined: shell profile, systemd unit Environment=, .env file; the doctor cannot patch the environment"
        )
    };
    let finding = |id, severity, message: String| {
        Finding::new(id, severity, message)
            .path(src.path)
            .at(src.location.clone())
    };

    let Some(parts) = split_url(src.raw) else {
        out.push(
            finding(
                "gateway.remote_url.scheme",
                Severity::Error,
                format!("{name} is \"{shown}\", which is not a ws:// or wss:// URL"),
            )
            .hint("write a full URL such as ws://127.0.0.1:18789 or wss://claw.example.org"),
        );
        return;
    };
    let scheme = parts.scheme.to_ascii_lowercase();
    let scheme_fixed: Option<String> = match scheme.as_str() {
        "ws" | "wss" => None,
        "http" => Some(format!("ws{}", &src.raw[parts.scheme.len()..])),
        "https" => Some(format!("wss{}", &src.raw[parts.scheme.len()..])),
        _ => Some(String::new()),
    };
    let loopback = is_loopback_host(parts.host);
    let runs_here = view.runs_here();
    let (port, port_source) = view.port();

    if let Some(fixed) = &scheme_fixed {
        let message = format!(
            "{name} is \"{shown}\": OpenClaw clients accept only ws:// and wss:// URLs and refuse {}:// (\"SECURITY ERROR\")",
            parts.scheme
        );
        let mut f = finding("gateway.remote_url.scheme", Severity::Error, message);
        if fixed.is_empty() {
            f = f.hint("use ws:// (loopback) or wss:// (anything else)");
        } else {
            let fixed_shown = display_url(fixed);
            f = f.hint(if src.patchable {
                format!("same address with the WebSocket scheme: {fixed_shown}")
            } else {
                env_hint(&fixed_shown)
            });
            f = f.fix(propose(fixed.clone()));
        }
        out.push(f);
    }

    if runs_here && !loopback {
        let to = view.local_url();
        let message = format!(
            "{name} is \"{shown}\", a non-loopback address, but the gateway runs on this host ({}): sub-agents and `openclaw devices approve` connect through the reverse proxy, where the gateway treats them as remote clients (1008 pairing required; 403 proxy_attribution_required on 2026.8+)",
            if view.mode() == Some("local") {
                "gateway.mode \"local\""
            } else {
                "a gateway answers the local probe"
            }
        );
        let hint = if src.patchable {
            format!("connect directly on loopback: {to} (port from {port_source})")
        } else {
            env_hint(&to)
        };
        // Only `mode: "local"` is a fact of the file; a gateway seen by the probe is not, and
        // `fix` (which does not probe) must propose the same patches as `check`.
        let fix = if view.mode() == Some("local") {
            propose(to)
        } else {
            None
        };
        out.push(
            finding("gateway.remote_url.via_proxy", Severity::Error, message)
                .hint(hint)
                .fix(fix),
        );
        return;
    }

    if loopback {
        let url_port = match parts.port {
            Some(p) => crate::net::parse_port(p),
            None => Some(if scheme.ends_with('s') { 443 } else { 80 }),
        };
        if url_port != Some(port) {
            let base = scheme_fixed
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| src.raw.to_string());
            let fixed = split_url(&base).map(|p| {
                let host = p.host.to_string();
                format!(
                    "{}{host}:{port}{}",
                    &base[..p.host_port.start],
                    &base[p.host_port.end..]
                )
            });
            let written = parts
                .port
                .map(|p| format!("port {p}"))
                .unwrap_or_else(|| "no port (so 80/443)".into());
            let message = format!(
                "{name} is \"{shown}\" with {written}, but the gateway listens on port {port} (from {port_source})"
            );
            let mut f = finding("gateway.remote_url.port", Severity::Error, message);
            if let Some(fixed) = fixed {
                f = f
                    .hint(if src.patchable {
                        format!("use {fixed}")
                    } else {
                        env_hint(&fixed)
                    })
                    .fix(propose(fixed));
            }
            out.push(f);
        }
        return;
    }

    if scheme == "ws" && !is_private_host(parts.host) {
        out.push(
            finding(
                "gateway.remote_url.plaintext",
                Severity::Warning,
                format!("{name} is \"{shown}\": plain ws:// to a public host sends the gateway token unencrypted"),
            )
            .hint("use wss:// through a TLS reverse proxy, or an SSH tunnel to ws://127.0.0.1"),
        );
    }
}
