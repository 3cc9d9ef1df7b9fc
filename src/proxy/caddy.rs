//! A minimal Caddyfile reader: site blocks, `reverse_proxy` targets and `header_up`, with
//! lines. Caddy passes WebSocket upgrades by itself, so what can break the gateway path is the
//! upstream address and the forwarded headers (Caddy adds X-Forwarded-For by default).

use super::analyze::ProxyIssue;

#[derive(Debug, Clone, PartialEq)]
pub struct ReverseProxy {
    pub sites: Vec<String>,
    pub targets: Vec<String>,
    pub header_up: Vec<(String, String)>,
    pub line: usize,
}

/// Splits a Caddyfile into (line, words) with `#` comments removed; braces are words.
fn lines(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = match raw
            .find(" #")
            .or_else(|| raw.trim_start().starts_with('#').then_some(0))
        {
            Some(p) => &raw[..p],
            None => raw,
        };
        let words: Vec<String> = line
            .replace('{', " { ")
            .replace('}', " } ")
            .split_whitespace()
            .map(|w| w.trim_matches('"').to_string())
            .collect();
        // `{remote_host}` placeholders were split by the brace padding: rejoin them.
        let mut joined: Vec<String> = Vec::new();
        let mut j = 0;
        while j < words.len() {
            if words[j] == "{"
                && j + 2 < words.len()
                && words[j + 1] != "}"
                && words[j + 2] == "}"
                && j > 0
            {
                joined.push(format!("{{{}}}", words[j + 1]));
                j += 3;
            } else {
                joined.push(words[j].clone());
                j += 1;
            }
        }
        if !joined.is_empty() {
            out.push((i + 1, joined));
        }
    }
    out
}

pub fn parse(text: &str) -> Vec<ReverseProxy> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut sites: Vec<String> = Vec::new();
    let mut current: Option<ReverseProxy> = None;
    let mut proxy_depth = 0usize;
    for (line, words) in lines(text) {
        if depth == 0 && words.last().map(String::as_str) == Some("{") {
            sites = words[..words.len() - 1]
                .iter()
                .map(|w| w.trim_end_matches(',').to_string())
                .collect();
        }
        if words.first().map(String::as_str) == Some("reverse_proxy") && current.is_none() {
            let targets: Vec<String> = words[1..]
                .iter()
                .filter(|w| *w != "{" && !w.starts_with('/'))
                .cloned()
                .collect();
            let rp = ReverseProxy {
                sites: sites.clone(),
                targets,
                header_up: vec![],
                line,
            };
            if words.last().map(String::as_str) == Some("{") {
                current = Some(rp);
                proxy_depth = depth + 1;
            } else {
                out.push(rp);
            }
        } else if let Some(rp) = current.as_mut()
            && words.first().map(String::as_str) == Some("header_up")
            && words.len() >= 3
        {
            rp.header_up.push((
                words[1].trim_start_matches('+').to_string(),
                words[2].clone(),
            ));
        }
        for w in &words {
            match w.as_str() {
                "{" => depth += 1,
                "}" => {
                    depth = depth.saturating_sub(1);
                    if current.is_some() && depth < proxy_depth {
                        out.extend(current.take());
                    }
                }
                _ => {}
            }
        }
    }
    out.extend(current);
    out
}

/// Whether a `reverse_proxy` targets the gateway's port, and whether its site is named for
/// the external host.
fn serves(rp: &ReverseProxy, port: u16, external_host: Option<&str>) -> (bool, bool) {
    let hits = rp.targets.iter().any(|t| {
        t.trim_start_matches("http://")
            .rsplit_once(':')
            .and_then(|(_, p)| crate::net::parse_port(p))
            == Some(port)
    });
    let named = external_host.is_some_and(|h| {
        rp.sites
            .iter()
            .any(|s| s.trim_start_matches("https://").split(':').next() == Some(h))
    });
    (hits, named)
}

/// How many `reverse_proxy` directives serve the gateway (none: nothing was checked).
pub fn selected(text: &str, port: u16, external_host: Option<&str>) -> usize {
    parse(text)
        .iter()
        .filter(|rp| serves(rp, port, external_host) != (false, false))
        .count()
}

/// Issues for the reverse_proxy directives that serve the gateway.
pub fn analyze(
    file: usize,
    path: &str,
    text: &str,
    port: u16,
    external_host: Option<&str>,
    trusted: &super::attribution::Trusted,
) -> Vec<ProxyIssue> {
    let mut out = Vec::new();
    for rp in parse(text) {
        let (hits, named) = serves(&rp, port, external_host);
        if !hits && !named {
            continue;
        }
        let issue = |id, warning, message: String, hint: String| ProxyIssue {
            id,
            warning,
            file,
            line: rp.line,
            message,
            hint,
            insert: vec![],
            insert_at: None,
        };
        if !hits {
            out.push(issue(
                "proxy.upstream",
                false,
                format!(
                    "{path}:{}: reverse_proxy {} serves {} but the gateway listens on port {port}",
                    rp.line,
                    rp.targets.join(" "),
                    rp.sites.join(" ")
                ),
                format!("reverse_proxy 127.0.0.1:{port}"),
            ));
        }
        let overwrites = rp
            .header_up
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("X-Forwarded-For") && v == "{remote_host}");
        if let Some((id, warning, message, hint)) =
            super::attribution::caddy_peer(&rp.targets, port, trusted)
        {
            out.push(issue(
                id,
                warning,
                format!("{path}:{}: {message}", rp.line),
                hint,
            ));
        }
        if !trusted.is_set() {
            out.push(issue(
                "proxy.forwarded_for",
                true,
                format!("{path}:{}: Caddy sends X-Forwarded-For by default but gateway.trustedProxies is not set: OpenClaw 2026.8+ refuses the upgrade (403)", rp.line),
                "set gateway.trustedProxies to [\"127.0.0.1\"]".into(),
            ));
        } else if !overwrites {
            out.push(issue(
                "proxy.forwarded_for",
                true,
                format!("{path}:{}: reverse_proxy appends to X-Forwarded-For; OpenClaw 2026.8+ wants the proxy to overwrite it", rp.line),
                "header_up X-Forwarded-For {remote_host}".into(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proxy::attribution::Trusted;

    fn loopback() -> Trusted {
        Trusted::new(&["127.0.0.1"], false)
    }

    #[test]
    fn reads_sites_targets_and_header_up() {
        let text = "# gateway\nclaw.example.org {\n\treverse_proxy 127.0.0.1:18789 {\n\t\theader_up X-Forwarded-For {remote_host}\n\t}\n}\n\nother.example.org {\n\treverse_proxy /api/* localhost:9000\n}\n";
        let rps = parse(text);
        assert_eq!(rps.len(), 2);
        assert_eq!(rps[0].sites, vec!["claw.example.org"]);
        assert_eq!(rps[0].targets, vec!["127.0.0.1:18789"]);
        assert_eq!(
            rps[0].header_up,
            vec![("X-Forwarded-For".to_string(), "{remote_host}".to_string())]
        );
        assert_eq!(rps[0].line, 3);
        assert_eq!(rps[1].targets, vec!["localhost:9000"]);
        assert!(
            analyze(
                0,
                "Caddyfile",
                text,
                18789,
                Some("claw.example.org"),
                &loopback()
            )
            .is_empty()
        );
        let wrong = analyze(
            0,
            "Caddyfile",
            &text.replace("18789", "18790"),
            18789,
            Some("claw.example.org"),
            &loopback(),
        );
        assert_eq!(
            wrong.iter().map(|i| i.id).collect::<Vec<_>>(),
            vec!["proxy.upstream"]
        );
        let untrusted = analyze(
            0,
            "Caddyfile",
            text,
            18789,
            Some("claw.example.org"),
            &Default::default(),
        );
        assert_eq!(
            untrusted.iter().map(|i| i.id).collect::<Vec<_>>(),
            vec!["proxy.forwarded_for"]
        );
    }
}
