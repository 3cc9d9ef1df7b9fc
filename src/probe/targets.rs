//! Which URLs to probe, from the config and flags (pure): the local gateway at the address its
//! `bind` makes it listen on, and the external URL users reach.

use crate::config::view::GatewayView;
use crate::net::{is_loopback_host, split_url};
use serde::Serialize;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Local,
    External,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Local => "local",
            Side::External => "external",
        }
    }
}

#[derive(Clone)]
pub enum Auth {
    Token(String),
    Password(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret, not even in debug output.
        match self {
            Auth::Token(_) => f.write_str("Token(<redacted>)"),
            Auth::Password(_) => f.write_str("Password(<redacted>)"),
        }
    }
}

impl Auth {
    pub fn secret(&self) -> &str {
        match self {
            Auth::Token(s) | Auth::Password(s) => s,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProbeTarget {
    pub side: Side,
    /// The `ws://` or `wss://` URL probed.
    pub url: String,
    pub host: String,
    pub port: u16,
    pub tls: bool,
    /// Certificate checks (off for the local probe of a `tls.enabled` gateway on loopback,
    /// whose certificate is self-signed, and with `--insecure`).
    pub verify_tls: bool,
    pub auth: Option<Auth>,
    /// Why this URL: "gateway.bind \"lan\" → 127.0.0.1", "--url", "gateway.remote.url"…
    pub source: String,
    /// A local probe for a `mode: "remote"` client config: only a gateway that answers
    /// matters (it means one runs here after all); silence is not a failure.
    pub optional: bool,
}

/// Expands `${VAR}` references as OpenClaw does; `None` when a referenced variable is unset.
pub fn substitute(value: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        out.push_str(&env(&after[..end])?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The local gateway's shared secret as the gateway itself resolves it: the file first, the
/// environment only when the file has none (`resolveGatewayAuth`, "config-first"; measured on
/// 2026.9.6 and 2026.2.26: with both set, only the file's token is accepted); `auth.mode`
/// picks token or password.
pub fn local_auth(view: &GatewayView, env: &dyn Fn(&str) -> Option<String>) -> Option<Auth> {
    let from = |path: &str, var: &str| {
        view.string(path)
            .and_then(|(s, _)| substitute(&s, env))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| {
                env(var)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            })
    };
    let token = from("gateway.auth.token", "OPENCLAW_GATEWAY_TOKEN");
    let password = from("gateway.auth.password", "OPENCLAW_GATEWAY_PASSWORD");
    match (view.auth_mode().as_deref(), token, password) {
        (Some("password"), _, Some(p)) => Some(Auth::Password(p)),
        (_, Some(t), _) => Some(Auth::Token(t)),
        (_, None, Some(p)) => Some(Auth::Password(p)),
        _ => None,
    }
}

fn remote_auth(view: &GatewayView, env: &dyn Fn(&str) -> Option<String>) -> Option<Auth> {
    let get = |path: &str| {
        view.string(path)
            .and_then(|(s, _)| substitute(&s, env))
            .filter(|s| !s.is_empty())
    };
    get("gateway.remote.token")
        .map(Auth::Token)
        .or_else(|| get("gateway.remote.password").map(Auth::Password))
}

/// The address the gateway listens on for a `bind` mode (facts §3), as a probe address.
pub fn local_address(view: &GatewayView, tailnet: Option<Ipv4Addr>) -> (String, String) {
    let bind = view
        .string("gateway.bind")
        .map(|(s, _)| s)
        .unwrap_or("loopback".into());
    match bind.as_ref() {
        "custom" => match view
            .string("gateway.customBindHost")
            .and_then(|(h, _)| h.trim().parse::<Ipv4Addr>().ok())
        {
            Some(ip) if !ip.is_unspecified() => (
                ip.to_string(),
                format!("bind \"custom\" → customBindHost {ip}"),
            ),
            _ => (
                "127.0.0.1".into(),
                "bind \"custom\" without a host → 0.0.0.0, probed on 127.0.0.1".into(),
            ),
        },
        "tailnet" => match tailnet {
            Some(ip) => (
                ip.to_string(),
                format!("bind \"tailnet\" → Tailscale address {ip}"),
            ),
            None => (
                "127.0.0.1".into(),
                "bind \"tailnet\" without a Tailscale address → 127.0.0.1".into(),
            ),
        },
        "lan" => (
            "127.0.0.1".into(),
            "bind \"lan\" → 0.0.0.0, probed on 127.0.0.1".into(),
        ),
        "auto" => ("127.0.0.1".into(), "bind \"auto\" → 127.0.0.1".into()),
        "loopback" => ("127.0.0.1".into(), "bind \"loopback\" → 127.0.0.1".into()),
        other => (
            "127.0.0.1".into(),
            format!("bind {other:?} is invalid; probed on 127.0.0.1"),
        ),
    }
}

/// This machine's Tailscale (100.64.0.0/10) IPv4 address, if it has one.
pub fn tailnet_address() -> Option<Ipv4Addr> {
    if_addrs::get_if_addrs()
        .ok()?
        .into_iter()
        .find_map(|i| match i.ip() {
            std::net::IpAddr::V4(ip)
                if ip.octets()[0] == 100 && (64..128).contains(&ip.octets()[1]) =>
            {
                Some(ip)
            }
            _ => None,
        })
}

/// Turns `https://` into `wss://` (and `http` into `ws`) for probing a URL written for a
/// browser; other schemes are kept (and fail as they would for a client).
pub fn websocket_url(raw: &str) -> String {
    match split_url(raw) {
        Some(p) if p.scheme.eq_ignore_ascii_case("https") => {
            format!("wss{}", &raw[p.scheme.len()..])
        }
        Some(p) if p.scheme.eq_ignore_ascii_case("http") => format!("ws{}", &raw[p.scheme.len()..]),
        _ => raw.to_string(),
    }
}

fn target(
    side: Side,
    url: &str,
    auth: Option<Auth>,
    source: String,
    verify_tls: bool,
) -> Option<ProbeTarget> {
    let parts = split_url(url)?;
    let tls = parts.scheme.eq_ignore_ascii_case("wss");
    let port = match parts.port {
        Some(p) => p.parse().ok()?,
        None if tls => 443,
        None => 80,
    };
    Some(ProbeTarget {
        side,
        url: url.to_string(),
        host: parts
            .host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
        port,
        tls,
        verify_tls,
        auth,
        source,
        optional: false,
    })
}

pub struct TargetOptions<'a> {
    /// `--url`, repeatable.
    pub urls: &'a [String],
    pub insecure: bool,
    pub tailnet: Option<Ipv4Addr>,
}

/// The probes for this config: the local gateway (unless the config is a `mode: remote`
/// client), then the external URLs (`--url`, else a non-loopback `remote.url`, else the
/// `https://` origins of `controlUi.allowedOrigins`).
pub fn targets(
    view: Option<&GatewayView>,
    opts: &TargetOptions,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<ProbeTarget> {
    let mut out = Vec::new();
    let Some(view) = view else {
        for url in opts.urls {
            if let Some(t) = target(
                Side::External,
                &websocket_url(url),
                None,
                "--url".into(),
                !opts.insecure,
            ) {
                out.push(t);
            }
        }
        return out;
    };
    let remote_mode = view.mode().as_deref() == Some("remote");
    let (host, why) = local_address(view, opts.tailnet);
    let (port, port_source) = view.port();
    let scheme = if view.tls() { "wss" } else { "ws" };
    let url = format!("{scheme}://{host}:{port}");
    let source = format!("{why}, port {port} from {port_source}");
    if let Some(mut t) = target(Side::Local, &url, local_auth(view, env), source, false) {
        t.optional = remote_mode;
        out.push(t);
    }
    let external_auth = if remote_mode {
        remote_auth(view, env)
    } else {
        local_auth(view, env)
    };
    let mut urls: Vec<(String, String)> = opts
        .urls
        .iter()
        .map(|u| (websocket_url(u), "--url".to_string()))
        .collect();
    if urls.is_empty()
        && let Some((raw, _)) = view.string("gateway.remote.url")
        && split_url(&raw).is_some_and(|p| !is_loopback_host(p.host))
    {
        urls.push((websocket_url(&raw), "gateway.remote.url".into()));
    }
    if urls.is_empty()
        && let Some(at) = view.get("gateway.controlUi.allowedOrigins")
        && let crate::config::tree::NodeValue::Array(items) = &at.node.value
    {
        for item in items {
            if let Some(origin) = item.value.as_str()
                && origin.to_ascii_lowercase().starts_with("https://")
            {
                urls.push((
                    websocket_url(origin),
                    "gateway.controlUi.allowedOrigins".into(),
                ));
            }
        }
    }
    for (url, source) in urls {
        if let Some(t) = target(
            Side::External,
            &url,
            external_auth.clone(),
            source,
            !opts.insecure,
        ) {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth_of(text: &str, vars: &[(&str, &str)]) -> Option<String> {
        let doc = crate::config::document::Document::parse(
            std::path::Path::new("/x/openclaw.json"),
            text.to_string(),
        )
        .unwrap();
        let cfg = crate::config::ConfigSet::from_main(doc).unwrap();
        let env = crate::config::Env::from_pairs(vars.iter().copied());
        let view = GatewayView::new(&cfg, &env, None);
        let lookup = |n: &str| env.get(n).map(str::to_string);
        local_auth(&view, &lookup).map(|a| a.secret().to_string())
    }

    #[test]
    fn the_files_secret_comes_before_the_environments() {
        // Measured on 2026.9.6 and 2026.2.26: with both set, the gateway accepts the file's.
        let env = [("OPENCLAW_GATEWAY_TOKEN", "from-env")];
        let file = r#"{gateway: {auth: {token: " from-file "}}}"#;
        assert_eq!(auth_of(file, &env).as_deref(), Some("from-file"));
        // The environment's only when the file has none (or a blank one).
        assert_eq!(auth_of("{gateway: {}}", &env).as_deref(), Some("from-env"));
        let blank = r#"{gateway: {auth: {token: "  "}}}"#;
        assert_eq!(auth_of(blank, &env).as_deref(), Some("from-env"));
        let password = r#"{gateway: {auth: {mode: "password", password: "pw"}}}"#;
        assert_eq!(auth_of(password, &env).as_deref(), Some("pw"));
    }

    #[test]
    fn substitution() {
        let env = |k: &str| (k == "TOK").then(|| "abc".to_string());
        assert_eq!(substitute("${TOK}", &env).as_deref(), Some("abc"));
        assert_eq!(substitute("x-${TOK}-y", &env).as_deref(), Some("x-abc-y"));
        assert_eq!(substitute("${NOPE}", &env), None);
        assert_eq!(
            websocket_url("https://claw.example.org/x"),
            "wss://claw.example.org/x"
        );
    }
}
