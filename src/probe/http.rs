//! The HTTP step: `GET /healthz` (≥ 2026.3.1 answers 200 `{"ok":true,"status":"live"}`;
//! older gateways answer the Control UI page or 404, which is not a failure).

use super::{Health, ProbeSettings, ProbeTarget};
use std::time::Instant;

pub async fn health(target: &ProbeTarget, settings: &ProbeSettings, deadline: Instant) -> Health {
    let failed = Health {
        status: None,
        kind: "failed",
    };
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return failed;
    }
    let scheme = if target.tls { "https" } else { "http" };
    let host = if target.host.contains(':') {
        format!("[{}]", target.host)
    } else {
        target.host.clone()
    };
    let url = format!("{scheme}://{host}:{}/healthz", target.port);
    let tls = if target.verify_tls && !settings.insecure {
        (*settings.tls).clone()
    } else {
        super::tls::insecure_config()
    };
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(remaining)
        .connect_timeout(remaining);
    for (host, port, addr) in &settings.resolve {
        if host.eq_ignore_ascii_case(&target.host) && *port == target.port {
            builder = builder.resolve(host, *addr);
        }
    }
    let Ok(client) = builder.build() else {
        return failed;
    };
    let Ok(response) = client.get(&url).send().await else {
        return failed;
    };
    let status = response.status().as_u16();
    let html = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    // Read at most 64 KiB: enough for the health JSON, bounded for anything else.
    let mut body = Vec::new();
    let mut response = response;
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() > 64 * 1024 {
            break;
        }
    }
    let live = status == 200
        && serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .is_some_and(|v| {
                v.get("ok").and_then(|b| b.as_bool()) == Some(true)
                    || v.get("status").and_then(|s| s.as_str()) == Some("live")
            });
    let kind = match (status, live, html) {
        (_, true, _) => "live",
        (200, _, true) => "ui_page",
        (404, _, _) => "not_found",
        _ => "other",
    };
    Health {
        status: Some(status),
        kind,
    }
}
