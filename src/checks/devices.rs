//! Pending pairing requests (facts §7): a repair request blocks sub-agents until approved;
//! one whose `remoteIp` is not loopback is evidence of the proxy hop.

use super::{Finding, Severity};
use crate::openclaw::devices::DeviceState;

fn describe(r: &crate::openclaw::devices::PendingRequest, now_ms: u64) -> String {
    let age = r
        .age_ms(now_ms)
        .map(|a| format!("{} s ago", a / 1000))
        .unwrap_or_else(|| "age unknown".into());
    let left = match r.expires_in_ms(now_ms) {
        Some(0) => "expired".to_string(),
        Some(ms) => format!("expires in {} s", ms / 1000),
        None => "expiry unknown".into(),
    };
    format!(
        "request {} from device {}… ({}{}) for [{}] from {}, {age}, {left}",
        r.request_id,
        r.short_device(),
        r.client_id.as_deref().unwrap_or("?"),
        r.client_mode
            .as_deref()
            .map(|m| format!("/{m}"))
            .unwrap_or_default(),
        r.scopes.join(", "),
        r.remote_ip.as_deref().unwrap_or("?"),
    )
}

pub fn check(devices: &Result<DeviceState, String>, now_ms: u64, out: &mut Vec<Finding>) {
    let state = match devices {
        Ok(state) => state,
        Err(message) => {
            out.push(
                Finding::new(
                    "devices.unavailable",
                    Severity::Info,
                    format!("could not list devices: {message}"),
                )
                .hint("pass --openclaw PATH when the openclaw CLI is not on PATH"),
            );
            return;
        }
    };
    let live: Vec<_> = state
        .pending
        .iter()
        .filter(|r| r.expires_in_ms(now_ms) != Some(0))
        .collect();
    let repairs: Vec<_> = live.iter().filter(|r| r.is_repair).collect();
    let new: Vec<_> = live.iter().filter(|r| !r.is_repair).collect();
    if !repairs.is_empty() {
        let mut f = Finding::new(
            "devices.pending_repair",
            Severity::Warning,
            format!(
                "{} repair request{} pending: an already paired device asks for more (sub-agents fail until it is approved)",
                repairs.len(),
                if repairs.len() == 1 { "" } else { "s" }
            ),
        )
        .hint("approve it before it expires: openclaw-doctor fix --approve-repairs (or openclaw devices approve <requestId>)");
        for r in &repairs {
            f = f.evidence(describe(r, now_ms));
        }
        let proxied: Vec<_> = repairs
            .iter()
            .filter(|r| r.remote_ip.is_some() && !r.is_loopback())
            .collect();
        if !proxied.is_empty()
            && let Some(via) = out
                .iter_mut()
                .find(|f| f.id == "gateway.remote_url.via_proxy")
        {
            for r in &proxied {
                via.evidence.push(format!(
                    "a repair request came from {} (not loopback): the device connected through the proxy",
                    r.remote_ip.as_deref().unwrap_or("?")
                ));
            }
        }
        out.push(f);
    }
    if !new.is_empty() {
        let mut f = Finding::new(
            "devices.pending_new",
            Severity::Info,
            format!(
                "{} new device{} waiting for pairing (never approved automatically)",
                new.len(),
                if new.len() == 1 { "" } else { "s" }
            ),
        )
        .hint("approve only devices you know: openclaw devices approve <requestId>");
        for r in &new {
            f = f.evidence(describe(r, now_ms));
        }
        out.push(f);
    }
}
