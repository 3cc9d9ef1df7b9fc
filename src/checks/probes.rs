//! Diagnosis: the probes' outcomes joined with the config into findings with a concrete fix
//! (facts §5–§6). Local `hello_ok` + an external failure points at the proxy hop.

use super::{Finding, Severity};
use crate::config::view::GatewayView;
use crate::probe::{Outcome, ProbeResult, Side};

const NGINX_UPGRADE: &str = "proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";";

fn evidence(p: &ProbeResult) -> String {
    let deep = if p.deep {
        " (--deep, as a sub-agent)"
    } else {
        ""
    };
    let via = p
        .address
        .as_ref()
        .map(|a| format!(" via {a}"))
        .unwrap_or_default();
    format!(
        "{} {}{via}{deep} → {}: {} [{} ms]",
        p.target.name(),
        p.url,
        p.outcome.name(),
        p.detail,
        p.elapsed_ms
    )
}

pub fn check(
    view: Option<&GatewayView>,
    probes: &[ProbeResult],
    insecure: bool,
    out: &mut Vec<Finding>,
) {
    if insecure {
        out.push(
            Finding::new("probe.insecure", Severity::Warning, "--insecure: TLS certificates were NOT verified; a wss:// hello-ok proves nothing about the certificate users see")
                .hint("drop --insecure, or add the proxy's CA with --cacert PEM"),
        );
    }
    let local = probes.iter().find(|p| p.target == Side::Local && !p.deep);
    let local_ok = local.is_some_and(|p| p.outcome == Outcome::HelloOk);
    let local_version = local.and_then(|p| p.server_version.clone());
    if let Some(p) = local.filter(|p| p.outcome != Outcome::HelloOk && !p.optional) {
        out.push(local_finding(view, p));
    }
    for p in probes
        .iter()
        .filter(|p| p.target == Side::External && !p.deep)
    {
        if p.outcome == Outcome::HelloOk {
            continue;
        }
        let finding = external_finding(view, p, local_ok, local_version.as_deref(), out);
        out.push(finding);
    }
    deep_findings(probes, out);
}

/// Why probe check `id` without findings did not pass: the probe it judges did not run, or
/// did not get far enough to judge it (a proxy that was never reached has not passed).
pub fn why_not_run(id: &str, probes: Option<&[ProbeResult]>) -> Option<String> {
    let Some(probes) = probes else {
        return Some("probes not run".into());
    };
    let external: Vec<&ProbeResult> = probes
        .iter()
        .filter(|p| p.target == Side::External && !p.deep)
        .collect();
    let no_external = || {
        Some(
            "no external URL (--url, a non-loopback gateway.remote.url or an https:// allowed origin)"
                .to_string(),
        )
    };
    let outcomes = |ps: &[&ProbeResult]| {
        ps.iter()
            .map(|p| p.outcome.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match id {
        "probe.local" => match probes.iter().find(|p| p.target == Side::Local && !p.deep) {
            None => Some("no local probe (no config)".into()),
            Some(p) if p.optional && p.outcome != Outcome::HelloOk => Some(format!(
                "gateway.mode \"remote\": no gateway answers on this host ({})",
                p.outcome.name()
            )),
            Some(_) => None,
        },
        "probe.insecure" => probes.is_empty().then(|| "nothing was probed".into()),
        "probe.pairing_required" => (!probes.iter().any(got_past_tls)).then(|| {
            format!(
                "no probe reached a server ({})",
                outcomes(&probes.iter().collect::<Vec<_>>())
            )
        }),
        "probe.external" => external.is_empty().then(no_external).flatten(),
        "probe.tls" => {
            let wss: Vec<&ProbeResult> = external
                .iter()
                .copied()
                .filter(|p| p.url.to_ascii_lowercase().starts_with("wss://"))
                .collect();
            if external.is_empty() {
                no_external()
            } else if wss.is_empty() {
                Some("no wss:// URL was probed".into())
            } else if !wss.iter().any(|p| got_past_tls(p)) {
                Some(format!(
                    "no wss:// probe got as far as TLS ({})",
                    outcomes(&wss)
                ))
            } else {
                None
            }
        }
        // The proxy checks: only an answer from the proxy can pass them.
        _ => {
            if external.is_empty() {
                no_external()
            } else if !external.iter().any(|p| got_past_tls(p)) {
                Some(format!(
                    "no external probe reached the proxy ({})",
                    outcomes(&external)
                ))
            } else {
                None
            }
        }
    }
}

/// The probe reached an HTTP server (through TLS when `wss://`).
fn got_past_tls(p: &ProbeResult) -> bool {
    !matches!(
        p.outcome,
        Outcome::DnsError
            | Outcome::Unreachable
            | Outcome::Timeout
            | Outcome::TlsError
            | Outcome::ProbeFailed
    )
}

fn local_finding(view: Option<&GatewayView>, p: &ProbeResult) -> Finding {
    let addr = p.address.clone().unwrap_or_else(|| p.url.clone());
    let restart =
        "openclaw gateway restart (a system unit such as YunoHost's: systemctl restart <unit>)";
    let (message, hint) = match p.outcome {
        Outcome::Unreachable => (
            format!("nothing answers at {addr}: the gateway is down or listens elsewhere"),
            format!("start or restart it: {restart}; it should listen where its config says ({})", target_source(view)),
        ),
        Outcome::Timeout => (
            format!("{} accepts connections but does not complete the handshake in time", p.url),
            format!("the gateway may be overloaded or hung: {restart}"),
        ),
        Outcome::AuthFailed => (
            format!("the gateway at {} refuses the shared secret: {}", p.url, p.reason.clone().unwrap_or_default()),
            "gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN) must match the running gateway's; a changed token needs a restart".to_string(),
        ),
        Outcome::GatewayStarting => (
            format!("the gateway at {} is still starting", p.url),
            "wait a few seconds and run the check again".to_string(),
        ),
        Outcome::NotOpenclaw => (
            format!("something that is not an OpenClaw gateway answers at {}: {}", p.url, p.detail),
            "another service holds the gateway's port: check gateway.port and what listens there (ss -ltnp)".to_string(),
        ),
        Outcome::ProbeFailed => (
            format!("the local probe of {} failed inside the doctor: {}", p.url, p.detail),
            "run the check again; if it repeats, report it with the output of -v".to_string(),
        ),
        Outcome::PairingRequired => (
            format!("the gateway at {} requires pairing even on loopback: {}", p.url, p.detail),
            "approve the request: openclaw devices list, then openclaw devices approve <requestId>".to_string(),
        ),
        _ => (
            format!("the local probe of {} ended with {}: {}", p.url, p.outcome.name(), p.detail),
            format!("check the gateway's log (/tmp/openclaw/openclaw-YYYY-MM-DD.log); {restart}"),
        ),
    };
    Finding::new("probe.local", Severity::Error, message)
        .hint(hint)
        .evidence(evidence(p))
}

fn target_source(view: Option<&GatewayView>) -> String {
    match view {
        Some(v) => {
            let (port, src) = v.port();
            let bind = v
                .string("gateway.bind")
                .map(|(s, _)| s.to_string())
                .unwrap_or_else(|| "loopback (default)".into());
            format!("bind {bind}, port {port} from {src}")
        }
        None => "no config".into(),
    }
}

fn local_target(view: Option<&GatewayView>) -> String {
    view.map(|v| format!("127.0.0.1:{}", v.port().0))
        .unwrap_or_else(|| "the gateway's loopback port".into())
}

fn external_finding(
    view: Option<&GatewayView>,
    p: &ProbeResult,
    local_ok: bool,
    version: Option<&str>,
    out: &mut [Finding],
) -> Finding {
    let url = &p.url;
    let finding = match p.outcome {
        Outcome::UpgradeNotPerformed => Finding::new(
            "probe.proxy_upgrade",
            Severity::Error,
            format!(
                "{url} answers the WebSocket upgrade with HTTP {} instead of 101{}: the proxy does not pass the Upgrade/Connection headers",
                p.http_status.map(|s| s.to_string()).unwrap_or_else(|| "2xx".into()),
                if local_ok { " while the gateway itself answers hello-ok" } else { "" }
            ),
        )
        .hint(format!("in the nginx location that proxies to the gateway add: {NGINX_UPGRADE} then reload nginx")),
        Outcome::ProxyAttributionRequired => {
            let trusted = view.and_then(|v| v.get("gateway.trustedProxies")).is_some();
            Finding::new(
                "probe.proxy_attribution",
                Severity::Error,
                format!(
                    "{url} is refused with 403 proxy_attribution_required: the gateway (2026.8+) sees forwarding headers from a proxy it does not trust{}",
                    if trusted { ", or a forwarded client address that is loopback" } else { " (gateway.trustedProxies is not set)" }
                ),
            )
            .path("gateway.trustedProxies")
            .hint("set gateway.trustedProxies to the proxy's address as the gateway sees it (e.g. [\"127.0.0.1\"]) and make nginx overwrite the forwarded address: proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Real-IP $remote_addr;")
        }
        Outcome::HttpError if matches!(p.http_status, Some(502) | Some(504)) && local_ok => Finding::new(
            "probe.proxy_upstream",
            Severity::Error,
            format!(
                "{url} answers HTTP {}: the proxy cannot reach the gateway, which itself answers on {}",
                p.http_status.unwrap_or(502),
                local_target(view)
            ),
        )
        .hint(format!("point the proxy at the gateway: proxy_pass http://{}; then reload nginx", local_target(view))),
        Outcome::Redirected => Finding::new(
            "probe.proxy_redirect",
            Severity::Error,
            format!(
                "{url} redirects the WebSocket to {}: an SSO or auth layer stands in front of the gateway",
                p.location.as_deref().unwrap_or("(no Location)")
            ),
        )
        .hint("let the gateway's path through without the portal (YunoHost: make the app's WebSocket path public), or have clients connect directly on loopback"),
        Outcome::TlsError => Finding::new("probe.tls", Severity::Error, format!("TLS to {url} fails: {}", p.detail))
            .hint("renew or fix the proxy's certificate; for a private CA pass --cacert PEM"),
        Outcome::PairingRequired => {
            // The proxy hop makes the connection remote: evidence for the via-proxy finding.
            let note = match version {
                Some(v) if older_than(v, (2026, 8)) => " (up to ~2026.7 a proxied scope upgrade closes with 1008 pairing required)",
                _ => "",
            };
            if let Some(f) = out.iter_mut().find(|f| f.id == "gateway.remote_url.via_proxy") {
                f.evidence.push(evidence(p));
            }
            Finding::new(
                "probe.pairing_required",
                Severity::Warning,
                format!("through {url} the gateway asks for pairing{note}: connections through the proxy are remote, so devices need approval there"),
            )
            .hint("clients on this host should connect on loopback (gateway.remote.url ws://127.0.0.1:<port>); approve remote devices with openclaw devices approve <requestId>")
        }
        _ => {
            let (message, hint) = match p.outcome {
                Outcome::HttpError => (
                    format!("{url} answers HTTP {} to the WebSocket upgrade", p.http_status.map(|s| s.to_string()).unwrap_or_default()),
                    if local_ok { "check the proxy's location for the gateway".to_string() } else { "the gateway itself does not answer: see probe.local".to_string() },
                ),
                Outcome::DnsError => (format!("{url}: {}", p.detail), "check the host name, or test the proxy on this host with --resolve HOST:PORT:127.0.0.1".to_string()),
                Outcome::Unreachable => (format!("{url}: {}", p.detail), "is the proxy running and listening on that port?".to_string()),
                Outcome::AuthFailed => (
                    format!("through {url} the gateway refuses the shared secret: {}", p.reason.clone().unwrap_or_default()),
                    "the token the doctor sent is the config's; the gateway behind this URL uses another one".to_string(),
                ),
                Outcome::TokenWithheld => (format!("{url}: {}", p.detail), "probe the wss:// URL users reach".to_string()),
                _ => (format!("{url} ended with {}: {}", p.outcome.name(), p.detail), "compare with the local probe: the difference is the proxy hop".to_string()),
            };
            let severity = if p.outcome == Outcome::TokenWithheld { Severity::Warning } else { Severity::Error };
            Finding::new("probe.external", severity, message).hint(hint)
        }
    };
    finding.evidence(evidence(p))
}

/// `--deep`: a sub-agent's own connection over both paths. Direct hello-ok and proxied
/// pairing-required is the proof that the proxy hop is what breaks sub-agents.
fn deep_findings(probes: &[ProbeResult], out: &mut Vec<Finding>) {
    let deep_local = probes.iter().find(|p| p.deep && p.target == Side::Local);
    for p in probes.iter().filter(|p| p.deep) {
        if p.outcome == Outcome::ProbeFailed {
            // A sub-agent probe that vanished learnt nothing: an error, never a pass.
            let id = match p.target {
                Side::Local => "probe.local",
                Side::External => "probe.external",
            };
            out.push(
                Finding::new(
                    id,
                    Severity::Error,
                    format!(
                        "the --deep probe of {} failed inside the doctor: {}",
                        p.url, p.detail
                    ),
                )
                .hint("run the check again; if it repeats, report it with the output of -v")
                .evidence(evidence(p)),
            );
            continue;
        }
        if p.outcome != Outcome::PairingRequired {
            continue;
        }
        let request = p.request_id.as_deref().unwrap_or("?");
        if p.target == Side::External && deep_local.is_some_and(|l| l.outcome == Outcome::HelloOk) {
            let line = format!(
                "--deep: a sub-agent's connection gets hello-ok directly but {} through {} (request {request})",
                p.reason.as_deref().unwrap_or("pairing required"),
                p.url
            );
            if let Some(f) = out
                .iter_mut()
                .find(|f| f.id == "gateway.remote_url.via_proxy")
            {
                f.evidence.push(line);
                f.evidence.push(evidence(p));
                continue;
            }
            out.push(
                Finding::new(
                    "probe.pairing_required",
                    Severity::Info,
                    format!("{line}: sub-agents must keep connecting on loopback"),
                )
                .hint("gateway.remote.url must stay ws://127.0.0.1:<port> on the gateway's host")
                .evidence(evidence(p)),
            );
        } else {
            out.push(
                Finding::new(
                    "probe.pairing_required",
                    Severity::Warning,
                    format!(
                        "a sub-agent's connection to {} needs pairing ({}, request {request})",
                        p.url,
                        p.pairing_reason.as_deref().unwrap_or("not-paired")
                    ),
                )
                .hint(format!(
                    "approve it before it expires (5 minutes): openclaw devices approve {request}"
                ))
                .evidence(evidence(p)),
            );
        }
    }
}

/// `2026.7.3` < (2026, 8); a version that is not numbers ("dev") is not known to be older.
fn older_than(version: &str, (year, minor): (u32, u32)) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>());
    match (parts.next(), parts.next()) {
        (Some(Ok(y)), Some(Ok(m))) => (y, m) < (year, minor),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::ProbeTarget;

    fn failed(side: Side, deep: bool) -> ProbeResult {
        let target = ProbeTarget {
            side,
            url: "ws://127.0.0.1:18789".into(),
            host: "127.0.0.1".into(),
            port: 18789,
            tls: false,
            verify_tls: false,
            auth: None,
            source: "test".into(),
            optional: false,
        };
        let mut r = ProbeResult::new(&target, deep);
        r.outcome = Outcome::ProbeFailed;
        r.detail = "the probe failed inside the doctor (a panic)".into();
        r
    }

    #[test]
    fn a_failed_probe_is_an_error_finding_deep_or_not() {
        for (side, deep, id) in [
            (Side::Local, false, "probe.local"),
            (Side::External, false, "probe.external"),
            (Side::Local, true, "probe.local"),
            (Side::External, true, "probe.external"),
        ] {
            let mut out = Vec::new();
            check(None, &[failed(side, deep)], false, &mut out);
            let f = out.iter().find(|f| f.id == id);
            assert!(
                f.is_some_and(|f| f.severity == Severity::Error && f.message.contains("panic")),
                "{side:?} deep={deep}: {out:?}"
            );
        }
    }
}
