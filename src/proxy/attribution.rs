//! Who the client behind the proxy is, as OpenClaw ≥ 2026.8 decides it (facts §11; its
//! `ingress-attribution` and `gateway/net` modules): a peer that sends forwarding headers must
//! be in `gateway.trustedProxies`; the client is then the right-most `X-Forwarded-For` hop that
//! is neither loopback nor trusted, else `X-Real-IP` when `allowRealIpFallback` is true; with
//! none the request is refused with 403 `proxy_attribution_required`. Pure: the proxy's
//! headers and upstreams and the config's list in, issues out.

use super::analyze::{ProxyIssue, Site};
use super::nginx::Directive;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A `gateway.trustedProxies` entry as OpenClaw's `isIpInCidr` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Exact(IpAddr),
    Cidr(IpAddr, u8),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub text: String,
    /// Its index in the list.
    pub index: usize,
    /// `None`: not an address OpenClaw matches (it never trusts anything by it).
    pub range: Option<Range>,
}

/// `gateway.trustedProxies` and `gateway.allowRealIpFallback` as the gateway reads them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trusted {
    pub entries: Vec<Entry>,
    pub real_ip_fallback: bool,
}

/// OpenClaw's canonical literals: four-part decimal IPv4 or IPv6, brackets stripped.
pub fn parse_ip(raw: &str) -> Option<IpAddr> {
    let t = raw.trim();
    let t = t
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(t);
    t.parse().ok()
}

/// IPv4-mapped IPv6 (`::ffff:127.0.0.1`) as the IPv4 address it maps, as OpenClaw compares.
fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

pub fn parse_range(raw: &str) -> Option<Range> {
    let t = raw.trim();
    match t.split_once('/') {
        None => parse_ip(t).map(Range::Exact),
        Some((base, len)) => {
            let base: IpAddr = base.parse().ok()?;
            let len: u8 = len.parse().ok()?;
            let max = if base.is_ipv4() { 32 } else { 128 };
            (len <= max).then_some(Range::Cidr(base, len))
        }
    }
}

fn prefix_match(a: u128, b: u128, len: u32, bits: u32) -> bool {
    len == 0 || (a ^ b) >> (bits - len.min(bits)) == 0
}

impl Range {
    /// OpenClaw's `isIpInCidr(ip, entry)`.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = unmap(ip);
        match *self {
            Range::Exact(base) => unmap(base) == ip,
            Range::Cidr(base, len) => match (ip, unmap(base)) {
                (IpAddr::V4(a), IpAddr::V4(b)) => {
                    let len = if base.is_ipv6() {
                        len.saturating_sub(96)
                    } else {
                        len
                    };
                    prefix_match(u32::from(a).into(), u32::from(b).into(), len.into(), 32)
                }
                (IpAddr::V6(a), IpAddr::V6(b)) => {
                    prefix_match(u128::from(a), u128::from(b), len.into(), 128)
                }
                _ => false,
            },
        }
    }

    /// The family this range covers whole or in a wide part: (family, effective prefix).
    pub fn width(&self) -> Option<(&'static str, u8)> {
        match *self {
            Range::Exact(_) => None,
            Range::Cidr(base, len) => match unmap(base) {
                IpAddr::V4(_) if base.is_ipv6() => Some(("IPv4", len.saturating_sub(96))),
                IpAddr::V4(_) => Some(("IPv4", len)),
                IpAddr::V6(_) => Some(("IPv6", len)),
            },
        }
    }
}

impl Trusted {
    pub fn new<S: AsRef<str>>(entries: &[S], real_ip_fallback: bool) -> Trusted {
        Trusted {
            entries: entries
                .iter()
                .enumerate()
                .map(|(index, e)| Entry {
                    text: e.as_ref().to_string(),
                    index,
                    range: parse_range(e.as_ref()),
                })
                .collect(),
            real_ip_fallback,
        }
    }

    /// An empty list trusts nobody, as an unset one (`!trustedProxies?.length`).
    pub fn is_set(&self) -> bool {
        !self.entries.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.entries
            .iter()
            .any(|e| e.range.is_some_and(|r| r.contains(ip)))
    }
}

/// The addresses the gateway sees a proxy that dials `host` connect from: a loopback literal
/// is itself (127.x as 127.0.0.1), `localhost` may be 127.0.0.1 or ::1 (`certain` false);
/// anything else is not known here.
pub fn peers_of(host: &str) -> Vec<(IpAddr, bool)> {
    match parse_ip(host).map(unmap) {
        Some(IpAddr::V4(v4)) if v4.is_loopback() => vec![(Ipv4Addr::LOCALHOST.into(), true)],
        Some(IpAddr::V6(v6)) if v6.is_loopback() => vec![(Ipv6Addr::LOCALHOST.into(), true)],
        Some(_) => vec![],
        None if crate::net::is_loopback_host(host) => vec![
            (Ipv4Addr::LOCALHOST.into(), false),
            (Ipv6Addr::LOCALHOST.into(), false),
        ],
        None => vec![],
    }
}

/// A header OpenClaw counts as forwarding (`forwarded`, `x-real-ip`, `x-forwarded-*`).
pub fn is_forwarding(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "forwarded" || n == "x-real-ip" || n.starts_with("x-forwarded-")
}

/// The untrusted peer among `peers`, as an issue's words: `(id, certain, address)`.
fn untrusted_peer(
    peers: &[(IpAddr, bool)],
    trusted: &Trusted,
) -> Option<(&'static str, bool, IpAddr)> {
    let (ip, certain) = peers.iter().find(|(ip, _)| !trusted.trusts(*ip))?;
    let id = if ip.is_ipv6() {
        "proxy.trusted_ipv6_loopback"
    } else {
        "proxy.forwarded_for"
    };
    Some((id, *certain, *ip))
}

/// The words for an untrusted loopback peer, and the fix (`instead`: the directive that
/// dials a trusted address).
fn untrusted_peer_words(
    dials: &str,
    certain: bool,
    ip: IpAddr,
    sends: &str,
    instead: &str,
) -> (String, String) {
    let how = if certain {
        format!("the proxy dials {dials}, so its requests arrive from {ip}")
    } else {
        format!(
            "the proxy dials {dials}, a name that can resolve to {ip}; those requests arrive from {ip}"
        )
    };
    (
        format!(
            "{how}, which gateway.trustedProxies does not list, and it sends {sends}: OpenClaw 2026.8+ refuses them with 403 proxy_attribution_required"
        ),
        format!(
            "add \"{ip}\" to gateway.trustedProxies (the gateway listens on 127.0.0.1 and ::1), or dial the trusted address: {instead}"
        ),
    )
}

/// The attribution issues of one nginx gateway location (after `proxy_pass` was matched).
pub(super) fn nginx_location(
    site: &Site,
    targets: &[(String, Option<u16>)],
    set_headers: &[&Directive],
    out: &mut Vec<ProxyIssue>,
) {
    let trusted = &site.gw.trusted;
    fn value(d: &Directive) -> &str {
        d.args.get(1).map(String::as_str).unwrap_or("")
    }
    // `proxy_set_header X "";` sends no header at all.
    let forwarding: Vec<&Directive> = set_headers
        .iter()
        .copied()
        .filter(|d| d.args.first().is_some_and(|a| is_forwarding(a)) && !value(d).is_empty())
        .collect();
    let named = |name: &str| {
        forwarding
            .iter()
            .copied()
            .find(|d| d.args.first().is_some_and(|a| a.eq_ignore_ascii_case(name)))
    };
    let xff = named("X-Forwarded-For");
    let Some(first) = xff.or_else(|| forwarding.first().copied()) else {
        return;
    };
    let header = first.args.first().map(String::as_str).unwrap_or("");
    let mut push = |id, warning, d: &Directive, message: String, hint: String| {
        let mut i = site.issue(id, warning, d, message);
        i.hint = hint;
        out.push(i);
    };
    if !trusted.is_set() {
        push(
            "proxy.forwarded_for",
            true,
            first,
            format!("the proxy sends {header} but gateway.trustedProxies is not set: OpenClaw 2026.8+ refuses the upgrade (403 proxy_attribution_required)"),
            "set gateway.trustedProxies to [\"127.0.0.1\"] (the proxy's address as the gateway sees it)".into(),
        );
    } else {
        let peers: Vec<(IpAddr, bool)> = targets.iter().flat_map(|(h, _)| peers_of(h)).collect();
        if let Some((id, certain, ip)) = untrusted_peer(&peers, trusted) {
            let dials = site.pass.args.first().map(String::as_str).unwrap_or("");
            let instead = match trusted.trusts(Ipv4Addr::LOCALHOST.into()) {
                true => format!("proxy_pass http://127.0.0.1:{};", site.gw.port),
                false => format!("proxy_pass http://[::1]:{};", site.gw.port),
            };
            let (message, hint) = untrusted_peer_words(dials, certain, ip, header, &instead);
            // proxy.forwarded_for stays a warning, as it always was.
            push(
                id,
                !certain || id == "proxy.forwarded_for",
                site.pass,
                message,
                hint,
            );
        } else if xff.is_none() {
            real_ip_only(site, named("X-Real-IP"), first, &mut push);
        }
    }
    if let Some(x) = xff.filter(|x| value(x) == "$proxy_add_x_forwarded_for") {
        push(
            "proxy.forwarded_for",
            true,
            x,
            "X-Forwarded-For $proxy_add_x_forwarded_for appends what the client sent; OpenClaw 2026.8+ wants the proxy to overwrite it".into(),
            "proxy_set_header X-Forwarded-For $remote_addr;".into(),
        );
    }
}

/// A trusted peer that sends no `X-Forwarded-For`: only `X-Real-IP` with
/// `allowRealIpFallback: true` names the client.
fn real_ip_only(
    site: &Site,
    real_ip: Option<&Directive>,
    first: &Directive,
    push: &mut impl FnMut(&'static str, bool, &Directive, String, String),
) {
    match real_ip {
        Some(_) if site.gw.trusted.real_ip_fallback => {}
        Some(r) => push(
            "proxy.real_ip_only",
            false,
            r,
            "the proxy names the client only in X-Real-IP (no X-Forwarded-For), and gateway.allowRealIpFallback is not true: OpenClaw 2026.8+ finds no client address and refuses the upgrade (403 proxy_attribution_required)".into(),
            "proxy_set_header X-Forwarded-For $remote_addr; (or set gateway.allowRealIpFallback to true)".into(),
        ),
        None => push(
            "proxy.real_ip_only",
            false,
            first,
            "the proxy sends forwarding headers but neither X-Forwarded-For nor X-Real-IP: OpenClaw 2026.8+ finds no client address and refuses the upgrade (403 proxy_attribution_required)".into(),
            "proxy_set_header X-Forwarded-For $remote_addr;".into(),
        ),
    }
}

/// The attribution issue of one Caddy `reverse_proxy` to the gateway, when `trustedProxies`
/// is set (Caddy always sends X-Forwarded-For): an untrusted loopback peer.
pub fn caddy_peer(
    targets: &[String],
    port: u16,
    trusted: &Trusted,
) -> Option<(&'static str, bool, String, String)> {
    if !trusted.is_set() {
        return None;
    }
    let mut seen = Vec::new();
    let mut dials = "";
    for t in targets {
        let hostport = t.split_once("://").map_or(t.as_str(), |(_, r)| r);
        let host = match hostport.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h,
            _ => hostport,
        };
        let found = peers_of(host);
        if !found.is_empty() && dials.is_empty() {
            dials = t;
        }
        seen.extend(found);
    }
    let (id, certain, ip) = untrusted_peer(&seen, trusted)?;
    let instead = match trusted.trusts(Ipv4Addr::LOCALHOST.into()) {
        true => format!("reverse_proxy 127.0.0.1:{port}"),
        false => format!("reverse_proxy [::1]:{port}"),
    };
    let sends = "X-Forwarded-For (Caddy adds it)";
    let (message, hint) = untrusted_peer_words(dials, certain, ip, sends, &instead);
    Some((id, !certain || id == "proxy.forwarded_for", message, hint))
}

#[cfg(test)]
#[path = "attribution_tests.rs"]
mod tests;
