//! Findings from the reverse proxy's configuration (`proxy.*`), each at `file:line`; joined
//! with the probes: an external `upgrade_not_performed` plus a location without the upgrade
//! headers becomes one finding with the file, the line and the lines to add.

use super::{Finding, Location, Severity};
use crate::config::view::GatewayView;
use crate::proxy::ProxyFacts;
use crate::proxy::analyze::{Found, GatewayAddress, analyze_found};

pub fn check(
    view: Option<&GatewayView>,
    proxy: &Result<ProxyFacts, String>,
    probed: &[String],
    out: &mut Vec<Finding>,
) {
    let facts = match proxy {
        Ok(f) => f,
        Err(_) => return,
    };
    let Some(view) = view else { return };
    let found = issues(view, facts, probed);
    // The finding that absorbs the probe's symptom: the missing headers, else HTTP/1.0.
    let join_id = if found.iter().any(|i| i.id == "proxy.upgrade_headers") {
        "proxy.upgrade_headers"
    } else {
        "proxy.http_version"
    };
    for issue in found {
        let path = facts
            .path_of(issue.file)
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let mut f = Finding::new(
            issue.id,
            if issue.warning {
                Severity::Warning
            } else {
                Severity::Error
            },
            issue.message.clone(),
        )
        .at(Some(Location {
            file: path,
            line: issue.line,
            column: 1,
        }))
        .hint(if issue.insert.is_empty() {
            issue.hint.clone()
        } else {
            format!(
                "add after proxy_pass: {} (fix --apply-proxy does it and checks with nginx -t)",
                issue
                    .insert
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        });
        // The probe that saw the symptom and this cause become one finding.
        if issue.id == join_id
            && let Some(i) = out.iter().position(|f| f.id == "probe.proxy_upgrade")
        {
            let probe = out.remove(i);
            f.evidence.extend(probe.evidence);
            f.message = format!(
                "{} — this is why the external probe got no WebSocket upgrade",
                f.message
            );
        }
        out.push(f);
    }
}

/// The proxy issues for this config's gateway.
pub fn issues(
    view: &GatewayView,
    facts: &ProxyFacts,
    probed: &[String],
) -> Vec<crate::proxy::analyze::ProxyIssue> {
    analyze_all(view, facts, probed).issues
}

/// Why the proxy checks, with no finding, did not pass: without a config the gateway's port
/// is unknown; with one, no `location` (nor Caddy `reverse_proxy`) was taken as the gateway's.
pub fn why_not_run(facts: &super::Facts, proxy: &ProxyFacts) -> Option<String> {
    let Some(cfg) = facts.config else {
        let why = if facts.discovered.source == "--no-config" {
            "--no-config"
        } else {
            "no config"
        };
        return Some(format!("{why}: the gateway's port is unknown"));
    };
    let view = GatewayView::of(cfg, facts.env, facts.discovered);
    let probed: Vec<String> = facts
        .probes
        .map(|ps| {
            ps.iter()
                .filter(|p| p.target == crate::probe::Side::External)
                .map(|p| p.url.clone())
                .collect()
        })
        .unwrap_or_default();
    let found = analyze_all(&view, proxy, &probed);
    (found.selected == 0).then(|| {
        let what = if proxy.caddy.is_empty() {
            "no location"
        } else {
            "no location or reverse_proxy"
        };
        format!(
            "{what} in {} proxies to the gateway (port {})",
            proxy.source,
            view.port().0
        )
    })
}

/// The issues, and how many locations were taken as the gateway's.
fn analyze_all(view: &GatewayView, facts: &ProxyFacts, probed: &[String]) -> Found {
    let host_of = |u: &str| {
        crate::net::split_url(u).map(|p| {
            p.host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string()
        })
    };
    let mut hosts: Vec<String> = probed.iter().filter_map(|u| host_of(u)).collect();
    hosts.extend(
        view.string("gateway.remote.url")
            .and_then(|(u, _)| host_of(&u)),
    );
    if let Some(at) = view.get("gateway.controlUi.allowedOrigins")
        && let crate::config::tree::NodeValue::Array(items) = &at.node.value
    {
        hosts.extend(
            items
                .iter()
                .filter_map(|i| i.value.as_str())
                .filter_map(host_of),
        );
    }
    hosts.retain(|h| !crate::net::is_loopback_host(h));
    let bind = view
        .string("gateway.bind")
        .map(|(b, _)| b)
        .unwrap_or("loopback".into());
    let gw = GatewayAddress {
        port: view.port().0,
        loopback_only: matches!(bind.as_ref(), "loopback" | "auto"),
        external_hosts: &hosts,
        trusted: super::attribution::trusted(view),
    };
    let mut found = analyze_found(&facts.tree, &gw);
    let host = hosts.first().map(String::as_str);
    for (i, (path, text)) in facts.caddy.iter().enumerate() {
        let mut more = crate::proxy::caddy::analyze(
            facts.caddy_index(i),
            &path.display().to_string(),
            text,
            gw.port,
            host,
            &gw.trusted,
        );
        found.issues.append(&mut more);
        found.selected += crate::proxy::caddy::selected(text, gw.port, host);
    }
    found
}
