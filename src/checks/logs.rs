//! Evidence from the gateway log, joined to the finding it explains; a finding of its own
//! when nothing else reports the problem.

use super::{Finding, Severity};
use crate::openclaw::log::{LogEvidence, Tally};

/// One kind of log event: how it reads as evidence, which findings it explains, and the
/// finding it becomes when none of them is there.
struct Rule<'e> {
    tally: &'e Tally,
    id: &'static str,
    severity: Severity,
    /// Words for the evidence line and for the finding's own message.
    evidence: &'static str,
    message: &'static str,
    /// "from" or "forwarded from".
    source: &'static str,
    /// Findings this evidence joins; a predicate on the finding decides.
    joins: fn(&Finding) -> bool,
    path: Option<&'static str>,
    hint: &'static str,
}

pub fn check(ev: &LogEvidence, window: &str, out: &mut Vec<Finding>) {
    let files = ev
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let truncated = if ev.truncated {
        " (stopped at the byte limit)"
    } else {
        ""
    };
    let rules = [
        Rule {
            tally: &ev.pairing_required,
            id: "log.pairing_required",
            severity: Severity::Warning,
            evidence: "connections closed with 1008 pairing required",
            message: "connections closed with 1008 pairing required",
            source: "forwarded from",
            joins: |f| {
                matches!(
                    f.id,
                    "gateway.remote_url.via_proxy"
                        | "probe.pairing_required"
                        | "devices.pending_repair"
                )
            },
            path: None,
            hint: "connections through the proxy are remote: clients on the gateway's host must use ws://127.0.0.1:<port>; approve known devices with openclaw-doctor fix --approve-repairs",
        },
        Rule {
            tally: &ev.scope_upgrade,
            id: "log.scope_upgrade",
            severity: Severity::Info,
            evidence: "scope-upgrade (repair) requests",
            message: "devices asked for more scopes (scope-upgrade repair requests)",
            source: "from",
            joins: |f| {
                matches!(
                    f.id,
                    "devices.pending_repair" | "gateway.remote_url.via_proxy"
                )
            },
            path: None,
            hint: "pending repair requests expire after 5 minutes: openclaw-doctor fix --approve-repairs --watch 5m",
        },
        Rule {
            tally: &ev.unattributable,
            id: "log.proxy_attribution",
            severity: Severity::Warning,
            evidence: "requests with unattributable proxy headers",
            message: "requests arrived with forwarding headers from a proxy the gateway does not trust",
            source: "from",
            joins: |f| f.id == "probe.proxy_attribution",
            path: Some("gateway.trustedProxies"),
            hint: "set gateway.trustedProxies to the proxy's address and make the proxy overwrite X-Forwarded-For with $remote_addr",
        },
        Rule {
            tally: &ev.token_mismatch,
            id: "log.token_mismatch",
            severity: Severity::Warning,
            evidence: "connections refused for a wrong token",
            message: "connections were refused for a wrong gateway token",
            source: "from",
            // Only a probe that was itself refused for its token is explained by these lines.
            joins: |f| {
                matches!(f.id, "probe.local" | "probe.external")
                    && f.evidence.iter().any(|e| e.contains("→ auth_failed"))
            },
            path: None,
            hint: "a client uses an old token: compare gateway.auth.token with the clients' gateway.remote.token / OPENCLAW_GATEWAY_TOKEN",
        },
    ];
    for rule in rules {
        if rule.tally.count == 0 {
            continue;
        }
        let line = format!(
            "log: {} from {files}{truncated}",
            rule.tally.sentence(rule.evidence, window, rule.source)
        );
        if let Some(f) = out.iter_mut().find(|f| (rule.joins)(f)) {
            f.evidence.push(line);
            continue;
        }
        let mut f = Finding::new(
            rule.id,
            rule.severity,
            rule.tally.sentence(rule.message, window, rule.source),
        )
        .hint(rule.hint)
        .evidence(line);
        if let Some(path) = rule.path {
            f = f.path(path);
        }
        out.push(f);
    }
}
