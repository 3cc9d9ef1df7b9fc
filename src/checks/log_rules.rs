//! One rule per kind of counted log event: the finding it becomes, the words, the findings
//! it joins as evidence instead (docs/openclaw/log-templates.md §2 says what each line means).

use super::{Finding, Severity};
use crate::openclaw::log::Kind;

pub struct Rule {
    pub kind: Kind,
    pub id: &'static str,
    pub severity: Severity,
    /// Words for the evidence line and for the finding's own message.
    pub evidence: &'static str,
    pub message: &'static str,
    /// Findings this evidence joins; a predicate on the finding decides.
    pub joins: fn(&Finding) -> bool,
    pub path: Option<&'static str>,
    pub hint: &'static str,
}

fn none(_: &Finding) -> bool {
    false
}

fn proxy_findings(f: &Finding) -> bool {
    matches!(
        f.id,
        "probe.proxy_attribution" | "proxy.forwarded_for" | "gateway.remote_url.via_proxy"
    )
}

/// A probe that was itself refused for its credentials.
fn auth_probe(f: &Finding) -> bool {
    matches!(f.id, "probe.local" | "probe.external")
        && f.evidence.iter().any(|e| e.contains("→ auth_failed"))
}

pub const RULES: &[Rule] = &[
    Rule {
        kind: Kind::PairingRequired,
        id: "log.pairing_required",
        severity: Severity::Warning,
        evidence: "connections closed with 1008 pairing required",
        message: "connections closed with 1008 pairing required",
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
        kind: Kind::ScopeUpgrade,
        id: "log.scope_upgrade",
        severity: Severity::Info,
        evidence: "scope or role upgrade (repair) requests left for approval",
        message: "scope or role upgrade (repair) requests that were not auto-approved",
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
        kind: Kind::MetadataUpgrade,
        id: "log.metadata_upgrade",
        severity: Severity::Info,
        evidence: "device metadata re-approval requests",
        message: "device metadata re-approval requests (a paired device now claims another platform or device family)",
        joins: |f| f.id == "devices.pending_repair",
        path: None,
        hint: "check the device is the one you paired, then approve its request: openclaw devices list; openclaw devices approve <requestId>",
    },
    Rule {
        kind: Kind::Unattributable,
        id: "log.proxy_attribution",
        severity: Severity::Warning,
        evidence: "gateway runs that saw proxy-shaped traffic they cannot attribute (logged once per run; every such upgrade got 403)",
        message: "gateway runs that saw forwarding headers from a proxy they do not trust (logged once per run; each such request got 403)",
        joins: |f| f.id == "probe.proxy_attribution",
        path: Some("gateway.trustedProxies"),
        hint: "set gateway.trustedProxies to the proxy's address and make the proxy overwrite X-Forwarded-For with $remote_addr",
    },
    Rule {
        kind: Kind::ProxyHeadersUntrusted,
        id: "log.proxy_headers_untrusted",
        severity: Severity::Warning,
        evidence: "connections with proxy headers from an untrusted address (OpenClaw before 2026.8: treated as remote)",
        message: "connections with proxy headers from an address not in gateway.trustedProxies, treated as remote (OpenClaw before 2026.8 warns; 2026.8+ refuses with 403)",
        joins: proxy_findings,
        path: Some("gateway.trustedProxies"),
        hint: "set gateway.trustedProxies to the proxy's address (on 2026.2.x not 127.0.0.1 if local clients connect directly: it makes them remote); upgrading to 2026.8+ turns this into 403",
    },
    Rule {
        kind: Kind::HostHeaderNotLocal,
        id: "log.host_header_not_local",
        severity: Severity::Warning,
        evidence: "loopback connections with a non-local Host header (treated as remote)",
        message: "loopback connections with a non-local Host header, treated as remote (a proxy passing Host without forwarding headers)",
        joins: proxy_findings,
        path: Some("gateway.trustedProxies"),
        hint: "behind a reverse proxy: set gateway.trustedProxies to its address and have it send X-Forwarded-For $remote_addr",
    },
    Rule {
        kind: Kind::TokenMismatch,
        id: "log.token_mismatch",
        severity: Severity::Warning,
        evidence: "connections refused for a wrong gateway token",
        message: "connections were refused for a wrong gateway token",
        joins: auth_probe,
        path: None,
        hint: "a client uses an old token: compare gateway.auth.token with the clients' gateway.remote.token / OPENCLAW_GATEWAY_TOKEN",
    },
    Rule {
        kind: Kind::DeviceTokenMismatch,
        id: "log.device_token_mismatch",
        severity: Severity::Warning,
        evidence: "connections refused for a stale device token",
        message: "connections refused for a stale device token (the device's own token, not the gateway token)",
        joins: none,
        path: None,
        hint: "re-pair the device (openclaw devices list; remove and pair it again) — changing gateway.auth.token does not help",
    },
    Rule {
        kind: Kind::AuthRefused,
        id: "log.auth_refused",
        severity: Severity::Warning,
        evidence: "connections refused for a missing or wrong credential",
        message: "connections were refused for a missing or wrong credential",
        joins: auth_probe,
        path: Some("gateway.auth"),
        hint: "the reasons say which: token_missing (the client sends none), password_mismatch / password_missing (gateway.auth.password vs the clients' gateway.remote.password), *_missing_config (the gateway has none configured)",
    },
    Rule {
        kind: Kind::RateLimited,
        id: "log.rate_limited",
        severity: Severity::Warning,
        evidence: "connections refused while the client address was locked out after failed logins",
        message: "connections refused because the client address was locked out after failed authentication (even the right secret is refused until the lock-out expires)",
        joins: auth_probe,
        path: Some("gateway.auth.rateLimit"),
        hint: "stop the client sending the wrong secret, then wait for the lock-out to expire (gateway.auth.rateLimit); behind a proxy without trustedProxies every client shares the proxy's address",
    },
    Rule {
        kind: Kind::OriginNotAllowed,
        id: "log.origin_not_allowed",
        severity: Severity::Warning,
        evidence: "connections refused: origin not allowed",
        message: "connections refused because their Origin is not in gateway.controlUi.allowedOrigins",
        joins: none,
        path: Some("gateway.controlUi.allowedOrigins"),
        hint: "add the origins you open the Control UI from (listed in the details, e.g. \"https://claw.example.org\") to gateway.controlUi.allowedOrigins",
    },
    Rule {
        kind: Kind::ControlUiInsecure,
        id: "log.control_ui_insecure",
        severity: Severity::Warning,
        evidence: "Control UI connections refused outside a secure context",
        message: "Control UI connections refused over plain http from a non-localhost address (a device identity needs HTTPS or localhost)",
        joins: none,
        path: None,
        hint: "serve the Control UI over HTTPS (the reverse proxy), or open it from the gateway host on http://127.0.0.1:<port>",
    },
    Rule {
        kind: Kind::DeviceIdentityRequired,
        id: "log.device_identity_required",
        severity: Severity::Info,
        evidence: "connections refused: device identity required",
        message: "connections refused with neither a device identity nor a gateway secret",
        joins: auth_probe,
        path: None,
        hint: "give the client the gateway token (gateway.remote.token / OPENCLAW_GATEWAY_TOKEN), or use a client that pairs a device",
    },
    Rule {
        kind: Kind::DeviceAuthInvalid,
        id: "log.device_auth_invalid",
        severity: Severity::Warning,
        evidence: "connections refused for an invalid device signature, nonce or key",
        message: "connections refused for an invalid device signature, nonce or key (a broken client, or a clock far off)",
        joins: none,
        path: None,
        hint: "check the client's clock (device signatures expire) and its version; re-pair the device if it persists",
    },
    Rule {
        kind: Kind::ProtocolMismatch,
        id: "log.protocol_mismatch",
        severity: Severity::Warning,
        evidence: "connections refused for a protocol version mismatch",
        message: "connections refused for a protocol version the gateway does not speak (2026.2.x speaks 3 only; 2026.9 speaks 4 and accepts 3 for probes)",
        joins: none,
        path: None,
        hint: "upgrade the clients (or the gateway) so both are on the same OpenClaw release line",
    },
    Rule {
        kind: Kind::HandshakeTimeout,
        id: "log.handshake_timeout",
        severity: Severity::Info,
        evidence: "WebSocket connections that sent no connect frame before the handshake timeout",
        message: "WebSocket connections that sent no connect frame before the gateway's handshake timeout (15 s on 2026.9, 10 s on 2026.2) and were closed with 1000",
        joins: none,
        path: None,
        hint: "the addresses say who: a health checker or load balancer that opens the WebSocket and waits, a proxy that buffers, or a stuck client",
    },
    Rule {
        kind: Kind::InvalidHandshake,
        id: "log.invalid_handshake",
        severity: Severity::Info,
        evidence: "connections refused for an invalid first frame",
        message: "connections whose first frame is not an OpenClaw connect request (not an OpenClaw client, or a broken one)",
        joins: none,
        path: None,
        hint: "find the client by its address; only OpenClaw clients can use the gateway's WebSocket",
    },
    Rule {
        kind: Kind::AuthTokenGenerated,
        id: "log.auth_token_generated",
        severity: Severity::Warning,
        evidence: "starts without a configured token (the gateway generated one)",
        message: "gateway starts without gateway.auth.token: the gateway generated a token clients cannot know (2026.9: a new one each start; 2026.2: written into the config file)",
        joins: none,
        path: Some("gateway.auth.token"),
        hint: "set gateway.auth.mode \"token\" and gateway.auth.token (openssl rand -hex 32) in the config, and the same token in the clients",
    },
    Rule {
        kind: Kind::RestartLoop,
        id: "log.restart_loop",
        severity: Severity::Error,
        evidence: "restart-loop breaker trips",
        message: "restart-loop breaker trips: the gateway crashed at start-up repeatedly (channel and provider auto-start suppressed)",
        joins: none,
        path: None,
        hint: "fix the start-up crash first: openclaw gateway run in a terminal shows it",
    },
    Rule {
        kind: Kind::Throttled,
        id: "log.throttled",
        severity: Severity::Info,
        evidence: "requests throttled",
        message: "throttled requests (control-plane writes, or hook auth failures)",
        joins: none,
        path: None,
        hint: "hook auth: the caller sends the wrong hooks.token; control-plane writes: a client repeats config or update calls",
    },
];
