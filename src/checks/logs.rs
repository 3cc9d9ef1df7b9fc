//! Evidence from the gateway log, joined to the finding it explains; a finding of its own
//! when nothing else reports the problem.

use super::{Finding, Severity};
use crate::openclaw::log::LogEvidence;

fn attach(out: &mut [Finding], ids: &[&str], line: &str) -> bool {
    match out.iter_mut().find(|f| ids.contains(&f.id)) {
        Some(f) => {
            f.evidence.push(line.to_string());
            true
        }
        None => false,
    }
}

pub fn check(ev: &LogEvidence, window: &str, out: &mut Vec<Finding>) {
    let files = ev
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let read = format!(
        "from {files}{}",
        if ev.truncated {
            " (stopped at the byte limit)"
        } else {
            ""
        }
    );
    if ev.pairing_required.count > 0 {
        let line = format!(
            "log: {} {read}",
            ev.pairing_required.sentence(
                "connections closed with 1008 pairing required",
                window,
                "forwarded from"
            )
        );
        if !attach(
            out,
            &[
                "gateway.remote_url.via_proxy",
                "probe.pairing_required",
                "devices.pending_repair",
            ],
            &line,
        ) {
            out.push(
                Finding::new("log.pairing_required", Severity::Warning, ev.pairing_required.sentence("connections closed with 1008 pairing required", window, "forwarded from"))
                    .hint("connections through the proxy are remote: clients on the gateway's host must use ws://127.0.0.1:<port>; approve known devices with openclaw-doctor fix --approve-repairs")
                    .evidence(line),
            );
        }
    }
    if ev.scope_upgrade.count > 0 {
        let line = format!(
            "log: {} {read}",
            ev.scope_upgrade
                .sentence("scope-upgrade (repair) requests", window, "from")
        );
        if !attach(
            out,
            &["devices.pending_repair", "gateway.remote_url.via_proxy"],
            &line,
        ) {
            out.push(
                Finding::new("log.scope_upgrade", Severity::Info, ev.scope_upgrade.sentence("devices asked for more scopes (scope-upgrade repair requests)", window, "from"))
                    .hint("pending repair requests expire after 5 minutes: openclaw-doctor fix --approve-repairs --watch 5m")
                    .evidence(line),
            );
        }
    }
    if ev.unattributable.count > 0 {
        let line = format!(
            "log: {} {read}",
            ev.unattributable.sentence(
                "requests with unattributable proxy headers",
                window,
                "from"
            )
        );
        if !attach(out, &["probe.proxy_attribution"], &line) {
            out.push(
                Finding::new("log.proxy_attribution", Severity::Warning, ev.unattributable.sentence("requests arrived with forwarding headers from a proxy the gateway does not trust", window, "from"))
                    .path("gateway.trustedProxies")
                    .hint("set gateway.trustedProxies to the proxy's address and make the proxy overwrite X-Forwarded-For with $remote_addr")
                    .evidence(line),
            );
        }
    }
    if ev.token_mismatch.count > 0 {
        let line = format!(
            "log: {} {read}",
            ev.token_mismatch
                .sentence("connections refused for a wrong token", window, "from")
        );
        // Only a probe that was itself refused for its token is explained by these lines.
        let refused = out.iter_mut().find(|f| {
            matches!(f.id, "probe.local" | "probe.external")
                && f.evidence.iter().any(|e| e.contains("→ auth_failed"))
        });
        if let Some(f) = refused {
            f.evidence.push(line);
        } else {
            out.push(
                Finding::new("log.token_mismatch", Severity::Warning, ev.token_mismatch.sentence("connections were refused for a wrong gateway token", window, "from"))
                    .hint("a client uses an old token: compare gateway.auth.token with the clients' gateway.remote.token / OPENCLAW_GATEWAY_TOKEN")
                    .evidence(line),
            );
        }
    }
}
