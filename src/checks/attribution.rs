//! Proxy attribution (facts §11): `proxy.trusted_all` — a `gateway.trustedProxies` entry so
//! wide that the clients' own addresses are trusted, so no `X-Forwarded-For` hop is left to
//! name the client — and what every finding that predicts a 403 `proxy_attribution_required`
//! shares: the version (before 2026.8 the gateway only warns) and the join with the probe
//! that met the 403. The proxy side is in `proxy/attribution.rs`.

use super::{Finding, Location, Severity};
use crate::config::tree::NodeValue;
use crate::config::view::GatewayView;
use crate::proxy::attribution::Trusted;

/// The checks whose findings can predict a 403 proxy_attribution_required.
const IDS: &[&str] = &[
    "proxy.forwarded_for",
    "proxy.trusted_all",
    "proxy.trusted_ipv6_loopback",
    "proxy.real_ip_only",
];

/// A finding that predicts the refusal (the appended-X-Forwarded-For advice does not).
fn predicts_403(f: &Finding) -> bool {
    IDS.contains(&f.id) && f.message.contains("403")
}

/// The string entries of `gateway.trustedProxies` (`${VAR}` replaced), where each is written.
fn items(view: &GatewayView) -> Vec<(String, Location)> {
    let Some(at) = view.get("gateway.trustedProxies") else {
        return vec![];
    };
    let NodeValue::Array(items) = &at.node.value else {
        return vec![];
    };
    let doc = &view.cfg.docs[at.doc];
    items
        .iter()
        .filter_map(|item| {
            let NodeValue::String { value, .. } = &item.value else {
                return None;
            };
            let text = crate::config::merged::substitute_str(value, view.env);
            let (line, column) = doc.position(item.span.start);
            let file = doc.path.clone();
            Some((text, Location { file, line, column }))
        })
        .collect()
}

/// `gateway.trustedProxies` and `gateway.allowRealIpFallback` as the gateway reads them.
pub(super) fn trusted(view: &GatewayView) -> Trusted {
    let texts: Vec<String> = items(view).into_iter().map(|(t, _)| t).collect();
    Trusted::new(
        &texts,
        view.bool("gateway.allowRealIpFallback") == Some(true),
    )
}

pub(super) fn check(view: Option<&GatewayView>, running: Option<&str>, out: &mut Vec<Finding>) {
    if let Some(view) = view {
        trusted_all(view, out);
    }
    let older = running.filter(|v| super::startup::version(v).is_some_and(|v| v < (2026, 8, 0)));
    if let Some(v) = older {
        for f in out.iter_mut().filter(|f| predicts_403(f)) {
            f.severity = f.severity.min(Severity::Warning);
            f.message = format!(
                "{} — but OpenClaw {v} is older than 2026.8: it only logs \"Proxy headers detected from untrusted address\" and treats such clients as remote; from 2026.8 on it refuses them with this 403",
                f.message
            );
        }
    }
    join_probe(out);
}

/// Entries that trust every address of a family (error), or a wide part of it (warning):
/// a client there is a trusted hop, and the right-most untrusted hop does not exist.
fn trusted_all(view: &GatewayView, out: &mut Vec<Finding>) {
    let listed = items(view);
    let trusted = trusted(view);
    for (entry, (_, at)) in trusted.entries.iter().zip(listed) {
        let Some((family, len)) = entry.range.and_then(|r| r.width()) else {
            continue;
        };
        let wide = if family == "IPv4" { 8 } else { 16 };
        if len >= wide {
            continue;
        }
        let (mut severity, what) = if len == 0 {
            (Severity::Error, format!("every {family} address"))
        } else {
            (
                Severity::Warning,
                format!("1/{} of all {family} addresses", 1u64 << len),
            )
        };
        let mut message = format!(
            "gateway.trustedProxies entry \"{}\" trusts {what}: OpenClaw 2026.8+ takes the client from the right-most X-Forwarded-For hop that is not trusted, finds none for a client there, and refuses the upgrade with 403 proxy_attribution_required (a direct client there too: a trusted peer without X-Forwarded-For is unattributable)",
            entry.text
        );
        if trusted.real_ip_fallback {
            severity = Severity::Warning;
            message.push_str("; with allowRealIpFallback such clients are attributed only by X-Real-IP, when the proxy sends it");
        }
        out.push(
            Finding::new("proxy.trusted_all", severity, message)
                .path("gateway.trustedProxies")
                .at(Some(at))
                .hint(format!(
                    "list only the proxies themselves: remove \"{}\"; a proxy on this host is [\"127.0.0.1\", \"::1\"]",
                    entry.text
                )),
        );
    }
}

/// The probe that met the 403 gets the predicted causes as evidence, and each cause the
/// probe's observation.
fn join_probe(out: &mut [Finding]) {
    let Some(pi) = out.iter().position(|f| f.id == "probe.proxy_attribution") else {
        return;
    };
    let seen = out[pi].evidence.clone();
    let mut causes = Vec::new();
    for f in out.iter_mut().filter(|f| predicts_403(f)) {
        let at = f
            .location
            .as_ref()
            .map(|l| format!(" at {}:{}", l.file.display(), l.line))
            .unwrap_or_default();
        causes.push(format!("cause: {}{at}: {}", f.id, f.message));
        f.evidence.extend(seen.iter().cloned());
        f.message = format!("{} — the external probe met this 403", f.message);
    }
    out[pi].evidence.extend(causes);
}
