//! `gateway.remote.url` and `OPENCLAW_GATEWAY_URL`: where clients and sub-agents connect
//! (facts §4). On the gateway's own host they must use loopback, never the reverse proxy.

use super::{Finding, Location, Proposal, Severity};
use crate::config::EditValue;
use crate::config::view::GatewayView;
use crate::net::{UrlParts, display_url, is_loopback_host, is_private_host, split_url};

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
    if mode.as_deref() == Some("remote") && config_url.is_none() && env_url.is_none() {
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
            raw: &raw,
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
    let judge = Judge {
        view,
        src,
        shown: display_url(src.raw),
        name: if src.patchable {
            "gateway.remote.url"
        } else {
            "OPENCLAW_GATEWAY_URL (environment)"
        },
    };
    let Some(parts) = split_url(src.raw) else {
        out.push(judge.not_a_url());
        return;
    };
    let scheme = parts.scheme.to_ascii_lowercase();
    // The same address with the WebSocket scheme; empty when there is none to propose.
    let scheme_fixed: Option<String> = match scheme.as_str() {
        "ws" | "wss" => None,
        "http" => Some(format!("ws{}", &src.raw[parts.scheme.len()..])),
        "https" => Some(format!("wss{}", &src.raw[parts.scheme.len()..])),
        _ => Some(String::new()),
    };
    if let Some(fixed) = &scheme_fixed {
        out.push(judge.scheme(parts.scheme, fixed));
    }
    let loopback = is_loopback_host(parts.host);
    if view.runs_here() && !loopback {
        out.push(judge.via_proxy());
    } else if loopback {
        out.extend(judge.port(&parts, &scheme, scheme_fixed.as_deref()));
    } else if scheme == "ws" && !is_private_host(parts.host) {
        out.push(judge.plaintext());
    }
}

/// One URL's findings: what it is called, how it is shown, and how a fix is offered (a patch
/// for the config, a sentence for the environment).
struct Judge<'a> {
    view: &'a GatewayView<'a>,
    src: &'a Source<'a>,
    name: &'static str,
    shown: String,
}

impl Judge<'_> {
    fn finding(&self, id: &'static str, severity: Severity, message: String) -> Finding {
        Finding::new(id, severity, message)
            .path(self.src.path)
            .at(self.src.location.clone())
    }

    fn propose(&self, to: String) -> Option<Proposal> {
        if !self.src.patchable {
            return None;
        }
        self.view.proposal(self.src.path, EditValue::String(to))
    }

    /// `hint` for the config; for the environment, where to change it.
    fn hint(&self, hint: String, to: &str) -> String {
        if self.src.patchable {
            hint
        } else {
            format!(
                "set OPENCLAW_GATEWAY_URL={to} (or unset it) where it is defined: shell profile, systemd unit Environment=, .env file; the doctor cannot patch the environment"
            )
        }
    }

    fn not_a_url(&self) -> Finding {
        let (name, shown) = (self.name, &self.shown);
        self.finding(
            "gateway.remote_url.scheme",
            Severity::Error,
            format!("{name} is \"{shown}\", which is not a ws:// or wss:// URL"),
        )
        .hint("write a full URL such as ws://127.0.0.1:18789 or wss://claw.example.org")
    }

    fn scheme(&self, written: &str, fixed: &str) -> Finding {
        let (name, shown) = (self.name, &self.shown);
        let message = format!(
            "{name} is \"{shown}\": OpenClaw clients accept only ws:// and wss:// URLs and refuse {written}:// (\"SECURITY ERROR\")"
        );
        let f = self.finding("gateway.remote_url.scheme", Severity::Error, message);
        if fixed.is_empty() {
            return f.hint("use ws:// (loopback) or wss:// (anything else)");
        }
        let fixed_shown = display_url(fixed);
        f.hint(self.hint(
            format!("same address with the WebSocket scheme: {fixed_shown}"),
            &fixed_shown,
        ))
        .fix(self.propose(fixed.to_string()))
    }

    fn via_proxy(&self) -> Finding {
        let (name, shown) = (self.name, &self.shown);
        let to = self.view.local_url();
        let local = self.view.mode().as_deref() == Some("local");
        let message = format!(
            "{name} is \"{shown}\", a non-loopback address, but the gateway runs on this host ({}): sub-agents and `openclaw devices approve` connect through the reverse proxy, where the gateway treats them as remote clients (1008 pairing required; 403 proxy_attribution_required on 2026.8+)",
            if local {
                "gateway.mode \"local\""
            } else {
                "a gateway answers the local probe"
            }
        );
        let port_source = self.view.port().1;
        let hint = self.hint(
            format!("connect directly on loopback: {to} (port from {port_source})"),
            &to,
        );
        // Only `mode: "local"` is a fact of the file; a gateway seen by the probe is not, and
        // `fix` (which does not probe) must propose the same patches as `check`.
        let fix = if local { self.propose(to) } else { None };
        self.finding("gateway.remote_url.via_proxy", Severity::Error, message)
            .hint(hint)
            .fix(fix)
    }

    /// A loopback URL on another port than the gateway's.
    fn port(&self, parts: &UrlParts, scheme: &str, scheme_fixed: Option<&str>) -> Option<Finding> {
        let (port, port_source) = self.view.port();
        let url_port = match parts.port {
            Some(p) => crate::net::parse_port(p),
            None => Some(if scheme.ends_with('s') { 443 } else { 80 }),
        };
        if url_port == Some(port) {
            return None;
        }
        let base = scheme_fixed
            .filter(|s| !s.is_empty())
            .unwrap_or(self.src.raw);
        let fixed = split_url(base).map(|p| {
            format!(
                "{}{}:{port}{}",
                &base[..p.host_port.start],
                p.host,
                &base[p.host_port.end..]
            )
        });
        let written = parts
            .port
            .map(|p| format!("port {p}"))
            .unwrap_or_else(|| "no port (so 80/443)".into());
        let (name, shown) = (self.name, &self.shown);
        let message = format!(
            "{name} is \"{shown}\" with {written}, but the gateway listens on port {port} (from {port_source})"
        );
        let f = self.finding("gateway.remote_url.port", Severity::Error, message);
        Some(match fixed {
            Some(fixed) => f
                .hint(self.hint(format!("use {fixed}"), &fixed))
                .fix(self.propose(fixed)),
            None => f,
        })
    }

    fn plaintext(&self) -> Finding {
        let (name, shown) = (self.name, &self.shown);
        self.finding(
            "gateway.remote_url.plaintext",
            Severity::Warning,
            format!("{name} is \"{shown}\": plain ws:// to a public host sends the gateway token unencrypted"),
        )
        .hint("use wss:// through a TLS reverse proxy, or an SSH tunnel to ws://127.0.0.1")
    }
}
