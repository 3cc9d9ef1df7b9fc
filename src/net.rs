//! Network values, one rule each: hosts (loopback, private), ports, URLs as written, and the
//! URLs named on the command line. Used by the checks, the probes and the proxy analysis alike,
//! so a host that one of them calls loopback is loopback for all.

use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv4Addr};

/// Whether an address is this machine's loopback: 127.0.0.0/8, `::1`, and IPv4-mapped
/// `::ffff:127.x.y.z` (how a dual-stack socket reports an IPv4 loopback peer).
pub fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// Whether a host as written (in a URL, an nginx `proxy_pass`, a device's `remoteIp`) is this
/// machine's loopback: `localhost` and `*.localhost` in any case (with or without a final
/// dot), or a loopback address, bracketed or not.
pub fn is_loopback_host(host: &str) -> bool {
    let host = unbracket(host.trim());
    let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(is_loopback_ip)
}

/// Private or link-local addresses, where newer OpenClaw clients also allow plain `ws://`.
pub fn is_private_host(host: &str) -> bool {
    match unbracket(host.trim()).parse::<IpAddr>() {
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

/// `[::1]` → `::1`; anything else as it is.
pub fn unbracket(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// A TCP port as written: digits only, 1 to 65535, surrounding white space ignored.
pub fn parse_port(raw: &str) -> Option<u16> {
    let raw = raw.trim();
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse::<u16>().ok().filter(|p| *p > 0)
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

/// `scheme://host:port/path` without user info, query or fragment, for progress messages.
pub fn bare_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => "(url)".into(),
    }
}

/// Every `--url` must be a ws, wss, http or https URL with a host and a valid port: a URL
/// that cannot be probed is a usage error, never silently dropped.
pub fn validate_urls(urls: &[String]) -> Result<()> {
    urls.iter()
        .try_for_each(|u| validate_url("--url", u, &["ws", "wss", "http", "https"]))
}

/// `raw` must use one of `schemes`, name a host, and have a port from 1 to 65535 if any.
pub fn validate_url(flag: &str, raw: &str, schemes: &[&str]) -> Result<()> {
    let names: Vec<String> = schemes.iter().map(|s| format!("{s}://")).collect();
    let listed = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    let bad = |why: &str| {
        Err(Error::Usage(format!(
            "{flag} {:?}: {why}; give a {listed} URL with a host (e.g. wss://claw.example.org)",
            display_url(raw)
        )))
    };
    let Some(parts) = split_url(raw.trim()) else {
        return bad("not a URL with a scheme and a host");
    };
    if !schemes.contains(&parts.scheme.to_ascii_lowercase().as_str()) {
        return bad(&format!("scheme {:?} is not allowed here", parts.scheme));
    }
    if let Some(port) = parts.port
        && parse_port(port).is_none()
    {
        return bad(&format!("port {port:?} is not a port (1 to 65535)"));
    }
    if url::Url::parse(raw.trim()).is_err() {
        return bad("not a valid URL");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one loopback rule, for every form a host arrives in.
    #[test]
    fn loopback_is_one_rule_for_every_form() {
        for host in [
            "127.0.0.1",
            "127.0.0.2",
            "127.255.255.254",
            "::1",
            "[::1]",
            "::ffff:127.0.0.1",
            "[::ffff:127.1.2.3]",
            "0:0:0:0:0:0:0:1",
            "localhost",
            "LOCALHOST",
            "LocalHost.",
            "app.localhost",
            "[localhost]",
            " 127.0.0.1 ",
        ] {
            assert!(is_loopback_host(host), "{host} is loopback");
        }
        for host in [
            "claw.example.org",
            "10.0.0.1",
            "0.0.0.0",
            "::",
            "::ffff:10.0.0.1",
            "128.0.0.1",
            "localhost.example.org",
            "notlocalhost",
            "",
            "[::1",
        ] {
            assert!(!is_loopback_host(host), "{host} is not loopback");
        }
        assert!(is_loopback_ip("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!is_loopback_ip("::ffff:192.0.2.1".parse().unwrap()));
    }

    #[test]
    fn private_hosts() {
        assert!(is_private_host("192.168.1.2") && is_private_host("[fd00::1]"));
        assert!(is_private_host("100.64.0.1") && !is_private_host("100.128.0.1"));
        assert!(!is_private_host("198.51.100.7") && !is_private_host("claw.example.org"));
    }

    #[test]
    fn ports() {
        assert_eq!(parse_port("18789"), Some(18789));
        assert_eq!(parse_port(" 1 "), Some(1));
        assert_eq!(parse_port("65535"), Some(65535));
        for bad in ["0", "65536", "-1", "", "80a", "+80"] {
            assert_eq!(parse_port(bad), None, "{bad:?}");
        }
    }

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
    }
}
