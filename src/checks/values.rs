//! Typed reads of the `gateway` keys over the merged config, shared by the check families.

use super::{Location, Proposal};
use crate::config::tree::NodeValue;
use crate::config::{ConfigSet, EditValue, Env, Located};
use std::net::{IpAddr, Ipv4Addr};

pub const DEFAULT_PORT: u16 = 18789;
/// `--dev` / profile `dev` moves the default port (facts §2).
pub const DEV_PORT: u16 = 19001;
pub const BIND_MODES: &[&str] = &["loopback", "lan", "tailnet", "auto", "custom"];
pub const GATEWAY_MODES: &[&str] = &["local", "remote"];

pub struct GatewayView<'a> {
    pub cfg: &'a ConfigSet,
    pub env: &'a Env,
    pub profile: Option<&'a str>,
    /// The local probe got `hello_ok`: a gateway runs on this host whatever `mode` says.
    pub gateway_answers_locally: bool,
}

impl<'a> GatewayView<'a> {
    pub fn new(cfg: &'a ConfigSet, env: &'a Env, profile: Option<&'a str>) -> Self {
        GatewayView {
            cfg,
            env,
            profile,
            gateway_answers_locally: false,
        }
    }

    pub fn get(&self, path: &str) -> Option<Located<'a>> {
        let keys: Vec<&str> = path.split('.').collect();
        self.cfg.get(&keys)
    }

    /// The value at `path` when it is a string.
    pub fn string(&self, path: &str) -> Option<(&'a str, Located<'a>)> {
        let at = self.get(path)?;
        match &at.node.value {
            NodeValue::String { value, .. } => Some((value.as_str(), at)),
            _ => None,
        }
    }

    pub fn bool(&self, path: &str) -> Option<bool> {
        match self.get(path)?.node.value {
            NodeValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn location(&self, at: &Located) -> Location {
        let (line, column) = self.cfg.position(at);
        Location {
            file: self.cfg.docs[at.doc].path.clone(),
            line,
            column,
        }
    }

    /// The location of the value itself (not its key): where an edit lands.
    pub fn value_location(&self, at: &Located) -> Location {
        let doc = &self.cfg.docs[at.doc];
        let (line, column) = doc.position(at.node.span.start);
        Location {
            file: doc.path.clone(),
            line,
            column,
        }
    }

    /// A proposal to set `path`, in the file that defines it (or its deepest parent).
    pub fn proposal(&self, path: &str, to: EditValue) -> Option<Proposal> {
        let keys: Vec<&str> = path.split('.').collect();
        let current = self.cfg.get(&keys).map(|at| &at.node.value);
        let (doc, keys) = self.cfg.edit_location(&keys)?;
        Some(Proposal {
            doc,
            keys,
            file: self.cfg.docs[doc].path.clone(),
            path: path.to_string(),
            from: current.map(|v| v.display()),
            from_value: current.map(|v| v.to_json()),
            to,
        })
    }

    pub fn mode(&self) -> Option<&'a str> {
        self.string("gateway.mode").map(|(s, _)| s)
    }

    /// The port the gateway listens on, and where that number comes from.
    pub fn port(&self) -> (u16, &'static str) {
        if let Some(port) = self
            .env
            .get("OPENCLAW_GATEWAY_PORT")
            .and_then(|p| p.trim().parse::<u16>().ok())
            .filter(|p| *p > 0)
        {
            return (port, "OPENCLAW_GATEWAY_PORT");
        }
        if let Some(at) = self.get("gateway.port")
            && let NodeValue::Number { value: Some(v), .. } = at.node.value
            && v.fract() == 0.0
            && (1.0..=65535.0).contains(&v)
        {
            return (v as u16, "gateway.port");
        }
        if self.profile == Some("dev") {
            return (DEV_PORT, "the dev profile's default");
        }
        (DEFAULT_PORT, "the default")
    }

    /// Whether the gateway this config talks to runs on this host: `mode: "local"`, or a
    /// gateway answered the local probe.
    pub fn runs_here(&self) -> bool {
        self.mode() == Some("local") || self.gateway_answers_locally
    }

    pub fn tls(&self) -> bool {
        self.bool("gateway.tls.enabled") == Some(true)
    }

    /// The URL a local client uses to reach this gateway: `ws://127.0.0.1:<port>`.
    pub fn local_url(&self) -> String {
        let scheme = if self.tls() { "wss" } else { "ws" };
        format!("{scheme}://127.0.0.1:{}", self.port().0)
    }

    /// Whether a shared secret is configured (file or environment), whatever its value.
    pub fn has_secret(&self) -> bool {
        let set = |path: &str| self.string(path).is_some_and(|(s, _)| !s.is_empty());
        set("gateway.auth.token")
            || set("gateway.auth.password")
            || self.env.get("OPENCLAW_GATEWAY_TOKEN").is_some()
            || self.env.get("OPENCLAW_GATEWAY_PASSWORD").is_some()
    }

    pub fn auth_mode(&self) -> Option<&'a str> {
        self.string("gateway.auth.mode").map(|(s, _)| s)
    }
}

/// Whether a URL host is this machine's loopback (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Private or link-local addresses, where newer OpenClaw clients also allow plain `ws://`.
pub fn is_private_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_private() || ip.is_link_local() || in_cgnat(ip),
        Ok(IpAddr::V6(ip)) => {
            (ip.segments()[0] & 0xfe00) == 0xfc00 || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

fn in_cgnat(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    a == 100 && (64..128).contains(&b)
}

/// A URL string split where the doctor needs it, without normalising anything: `scheme`,
/// and the authority's `host` and `port` as written.
#[derive(Debug)]
pub struct UrlParts<'s> {
    pub scheme: &'s str,
    pub host: &'s str,
    pub port: Option<&'s str>,
    /// Byte range of `host[:port]` inside the original string.
    pub host_port: std::ops::Range<usize>,
}

pub fn split_url(raw: &str) -> Option<UrlParts<'_>> {
    let sep = raw.find("://")?;
    let scheme = &raw[..sep];
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let rest_start = sep + 3;
    let rest = &raw[rest_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let userinfo = authority.rfind('@').map(|i| i + 1).unwrap_or(0);
    let host_port = &authority[userinfo..];
    let (host, port) = if host_port.starts_with('[') {
        let close = host_port.find(']')?;
        let port = host_port[close + 1..].strip_prefix(':');
        (&host_port[..=close], port)
    } else {
        match host_port.rfind(':') {
            Some(i) => (&host_port[..i], Some(&host_port[i + 1..])),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let start = rest_start + userinfo;
    Some(UrlParts {
        scheme,
        host,
        port,
        host_port: start..start + host_port.len(),
    })
}

/// The URL with its password (if any) replaced, for display.
pub fn display_url(raw: &str) -> String {
    // A splice of the text as written: no percent-encoding, no added trailing slash.
    let Some(sep) = raw.find("://") else {
        return raw.to_string();
    };
    let start = sep + 3;
    let rest = &raw[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let Some(at) = authority.rfind('@') else {
        return raw.to_string();
    };
    match authority[..at].find(':') {
        Some(colon) => format!(
            "{}<redacted>{}",
            &raw[..start + colon + 1],
            &raw[start + at..]
        ),
        None => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_url_redacts_the_password_as_written() {
        assert_eq!(
            display_url("https://agent:s3cret@claw.example.org"),
            "https://agent:<redacted>@claw.example.org"
        );
        assert_eq!(
            display_url("wss://a:b:c@h:443/p?q=x@y"),
            "wss://a:<redacted>@h:443/p?q=x@y"
        );
        assert_eq!(display_url("wss://user@h/"), "wss://user@h/");
        assert_eq!(display_url("claw.example.org"), "claw.example.org");
    }

    #[test]
    fn split_url_keeps_what_was_written() {
        let u = split_url("https://claw.example.org").unwrap();
        assert_eq!(
            (u.scheme, u.host, u.port),
            ("https", "claw.example.org", None)
        );
        let u = split_url("ws://user:pw@[::1]:18789/path?x=1").unwrap();
        assert_eq!((u.scheme, u.host, u.port), ("ws", "[::1]", Some("18789")));
        assert_eq!(
            &"ws://user:pw@[::1]:18789/path?x=1"[u.host_port],
            "[::1]:18789"
        );
        assert!(split_url("claw.example.org").is_none());
        assert!(
            is_loopback_host("127.0.0.2")
                && is_loopback_host("[::1]")
                && is_loopback_host("LOCALHOST")
        );
        assert!(!is_loopback_host("claw.example.org") && !is_loopback_host("10.0.0.1"));
        assert!(is_private_host("192.168.1.2") && !is_private_host("198.51.100.7"));
    }
}
