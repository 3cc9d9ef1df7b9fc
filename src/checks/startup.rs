//! The gateway's start-up guards (OpenClaw 2026.9.6, `openclaw gateway run`; mined from its
//! code and each confirmed on the real gateway, docs/openclaw/startup-guards.md): a config the
//! validator accepts can still be refused at start. Each guard is an error finding that says
//! the gateway will refuse to start and quotes OpenClaw's words. Pure: the config as OpenClaw
//! reads it, the environment the gateway would have, and the host facts.

use super::auth::{Auth, Mode};
use crate::host::{HostFacts, PathKind};
use serde_json::Value;

/// A guard that trips: its id, the key path it is about, OpenClaw's words, what to do.
pub struct Tripped {
    pub id: &'static str,
    pub path: String,
    pub words: String,
    pub hint: String,
}

fn str_at<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn trip(
    id: &'static str,
    path: &str,
    words: impl Into<String>,
    hint: impl Into<String>,
) -> Tripped {
    Tripped {
        id,
        path: path.to_string(),
        words: words.into(),
        hint: hint.into(),
    }
}

/// Every guard the config trips, in the order the start path meets them. `running` is the
/// OpenClaw version judged against (`meta.lastTouchedVersion` newer than it refuses).
pub fn tripped(
    cfg: &Value,
    auth: &Auth,
    host: &HostFacts,
    running: &str,
    allow_older: bool,
) -> Vec<Tripped> {
    let mut out = Vec::new();
    future_version(cfg, running, allow_older, &mut out);
    mode(cfg, &mut out);
    auth_guards(auth, &mut out);
    bind(cfg, auth, host, &mut out);
    trusted_proxy(cfg, auth, &mut out);
    tailscale(cfg, auth, host, &mut out);
    hooks(cfg, &mut out);
    files(cfg, host, &mut out);
    out
}

fn future_version(cfg: &Value, running: &str, allow_older: bool, out: &mut Vec<Tripped>) {
    let Some(touched) = str_at(cfg, "/meta/lastTouchedVersion") else {
        return;
    };
    let newer = match (version(touched), version(running)) {
        (Some(t), Some(r)) => t > r,
        _ => false,
    };
    if newer && !allow_older {
        out.push(trip(
            "startup.future_version",
            "meta.lastTouchedVersion",
            format!("Refusing to run automatic gateway startup migrations because this OpenClaw binary ({running}) is older than the config last written by OpenClaw {touched}."),
            "run the newer openclaw binary (check `openclaw --version` and `which openclaw`), or set OPENCLAW_ALLOW_OLDER_BINARY_DESTRUCTIVE_ACTIONS=1 for an intentional downgrade",
        ));
    }
}

pub use crate::openclaw::version::parse as version;

fn mode(cfg: &Value, out: &mut Vec<Tripped>) {
    match cfg.pointer("/gateway/mode") {
        None | Some(Value::Null) => out.push(trip(
            "startup.mode_missing",
            "gateway.mode",
            "Gateway start blocked: existing config is missing gateway.mode. Treat this as suspicious or clobbered config.",
            "set gateway.mode to \"local\" on the host that runs the gateway",
        )),
        Some(Value::String(m)) if m == "local" => {}
        Some(other) => {
            let shown = other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string());
            out.push(trip(
                "startup.mode_not_local",
                "gateway.mode",
                format!("Gateway start blocked: set gateway.mode=local (current: {shown}) or pass --allow-unconfigured."),
                "\"remote\" is for a client of another host's gateway; the host that runs the gateway needs \"local\"",
            ));
        }
    }
}

fn auth_guards(auth: &Auth, out: &mut Vec<Tripped>) {
    if auth.mode == Mode::Password && !auth.has_password() {
        out.push(trip(
            "startup.password_missing",
            "gateway.auth.password",
            "Gateway auth is set to password, but no password is configured.",
            "set gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD), or use auth.mode \"token\"",
        ));
    }
    if auth.mode_unset && auth.file_token_set && auth.file_password_set {
        out.push(trip(
            "startup.auth_ambiguous",
            "gateway.auth.mode",
            "Invalid config: gateway.auth.token and gateway.auth.password are both configured, but gateway.auth.mode is unset. Set gateway.auth.mode to token or password.",
            "set gateway.auth.mode to \"token\" or \"password\"",
        ));
    }
    let (kind, path, value) = match auth.mode {
        Mode::Token => ("token", "gateway.auth.token", auth.token_for_checks()),
        Mode::Password => (
            "password",
            "gateway.auth.password",
            auth.password_for_checks(),
        ),
        _ => return,
    };
    if auth.unavailable_ref(auth.mode) {
        out.push(trip(
            "startup.secrets_unavailable",
            path,
            "Startup failed: required secrets are unavailable.",
            format!("set the environment variable the gateway {kind} refers to, for the gateway's service too"),
        ));
        return;
    }
    let Some(value) = value else { return };
    if is_redaction_sentinel(&value) {
        out.push(trip(
            "startup.secret_sentinel",
            path,
            format!("Gateway auth {kind} is a known redaction sentinel, not a credential."),
            format!("the {kind} was copied from redacted output: put the real secret back"),
        ));
    } else if is_weak(&value, auth.mode) {
        out.push(trip(
            "startup.secret_weak",
            path,
            format!("Invalid config: gateway auth {kind} is blank, a published example placeholder, or the literal string undefined/null."),
            "generate a real secret (openssl rand -hex 32)",
        ));
    }
}

/// OpenClaw's redaction sentinels (`redact-sentinel`): whole values, trimmed.
pub fn is_redaction_sentinel(v: &str) -> bool {
    [
        "__OPENCLAW_REDACTED__",
        "REDACTED",
        "xoxb-REDACTED",
        "xapp-REDACTED",
        "***",
        "[redacted]",
        "[REDACTED]",
        "<redacted>",
        "[REDACTED_PRIVATE_KEY]",
        "[REDACTED CREDENTIAL]",
    ]
    .contains(&v.trim())
}

/// Blank, `undefined`, `null`, or a placeholder from OpenClaw's examples.
fn is_weak(v: &str, mode: Mode) -> bool {
    let t = v.trim();
    let placeholders: &[&str] = match mode {
        Mode::Token => &["change-me-to-a-long-random-token", "change-me-now"],
        _ => &["change-me-to-a-strong-password"],
    };
    matches!(t, "" | "undefined" | "null") || placeholders.contains(&t)
}

/// The bind mode and the address it resolves to on this host (`resolveGatewayBindHost`).
pub fn bind_host(cfg: &Value, host: &HostFacts) -> (String, std::net::Ipv4Addr) {
    use std::net::Ipv4Addr;
    let tailscale_on = matches!(
        str_at(cfg, "/gateway/tailscale/mode"),
        Some("serve" | "funnel")
    );
    let bind = match str_at(cfg, "/gateway/bind").map(str::trim) {
        Some(b) if !b.is_empty() => b.to_string(),
        // The default: `auto` in a container, `loopback` elsewhere (and with Tailscale).
        _ if host.container && !tailscale_on => "auto".to_string(),
        _ => "loopback".to_string(),
    };
    let any = Ipv4Addr::UNSPECIFIED;
    let ip = match bind.as_str() {
        "loopback" => Ipv4Addr::LOCALHOST,
        "tailnet" => host.tailnet.unwrap_or(if host.loopback_bindable {
            Ipv4Addr::LOCALHOST
        } else {
            any
        }),
        "custom" => {
            match str_at(cfg, "/gateway/customBindHost").and_then(|h| h.trim().parse().ok()) {
                Some(ip) if host.custom_host_bindable == Some(true) => ip,
                _ => any,
            }
        }
        "auto" if !host.container && host.loopback_bindable => Ipv4Addr::LOCALHOST,
        _ => any,
    };
    (bind, ip)
}

fn bind(cfg: &Value, auth: &Auth, host: &HostFacts, out: &mut Vec<Tripped>) {
    let (bind, ip) = bind_host(cfg, host);
    if bind == "custom" {
        let custom = str_at(cfg, "/gateway/customBindHost")
            .map(str::trim)
            .unwrap_or_default();
        if let Ok(requested) = custom.parse::<std::net::Ipv4Addr>()
            && !requested.is_unspecified()
            && host.custom_host_bindable == Some(false)
        {
            out.push(trip(
                "startup.bind_unavailable",
                "gateway.customBindHost",
                format!("gateway bind=custom requested {requested} but resolved 0.0.0.0; refusing fallback"),
                "use an address of this host (ip -4 addr), or bind \"lan\" / \"loopback\"",
            ));
        }
    }
    let exposed = !crate::net::is_loopback_ip(ip.into());
    if exposed && auth.mode != Mode::TrustedProxy && !auth.has_secret_for_mode() {
        out.push(trip(
            "gateway.auth.missing",
            "gateway.auth",
            format!("Refusing to bind gateway to {bind} without auth."),
            if host.container && str_at(cfg, "/gateway/bind").is_none() {
                "this host is a container, where OpenClaw's default bind is auto (0.0.0.0): set gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN), or gateway.bind \"loopback\"".to_string()
            } else {
                "set gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN / a password), or gateway.bind \"loopback\"".to_string()
            },
        ));
    }
}

fn trusted_proxy(cfg: &Value, auth: &Auth, out: &mut Vec<Tripped>) {
    if auth.mode != Mode::TrustedProxy {
        return;
    }
    let tp = cfg.pointer("/gateway/auth/trustedProxy");
    let words = match tp {
        None => Some(
            "gateway auth mode is trusted-proxy, but no trustedProxy config was provided (set gateway.auth.trustedProxy)",
        ),
        Some(t)
            if t.get("userHeader")
                .and_then(Value::as_str)
                .is_some_and(|h| h.trim().is_empty()) =>
        {
            Some(
                "gateway auth mode is trusted-proxy, but trustedProxy.userHeader is empty (set gateway.auth.trustedProxy.userHeader)",
            )
        }
        _ if auth.has_token() => Some(
            "gateway auth mode is trusted-proxy, but a shared token is also configured; remove gateway.auth.token / OPENCLAW_GATEWAY_TOKEN because trusted-proxy and token auth are mutually exclusive",
        ),
        _ => None,
    };
    if let Some(w) = words {
        out.push(trip(
            "startup.trusted_proxy",
            "gateway.auth",
            w,
            "complete gateway.auth.trustedProxy, and drop the shared token",
        ));
    }
    let proxies = cfg
        .pointer("/gateway/trustedProxies")
        .and_then(Value::as_array);
    if proxies.is_none_or(|p| p.is_empty()) {
        out.push(trip(
            "startup.trusted_proxy",
            "gateway.trustedProxies",
            "gateway auth mode=trusted-proxy requires gateway.trustedProxies to be configured with at least one proxy IP",
            "list the proxy's address in gateway.trustedProxies (OPENCLAW_GATEWAY_TRUSTED_PROXIES is not read)",
        ));
    }
}

fn tailscale(cfg: &Value, auth: &Auth, host: &HostFacts, out: &mut Vec<Tripped>) {
    let mode = str_at(cfg, "/gateway/tailscale/mode").unwrap_or("off");
    if mode == "funnel" && auth.mode != Mode::Password {
        out.push(trip(
            "startup.tailscale",
            "gateway.auth.mode",
            "tailscale funnel requires gateway auth mode=password (set gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD)",
            "use auth.mode \"password\" with a password for Funnel",
        ));
        return;
    }
    if matches!(mode, "serve" | "funnel") && !host.tailscale_binary {
        out.push(trip(
            "startup.tailscale",
            "gateway.tailscale.mode",
            "Command failed with ENOENT: tailscale serve status --json",
            "install Tailscale on this host (the gateway runs `tailscale serve`), or set gateway.tailscale.mode \"off\"",
        ));
    }
}

fn hooks(cfg: &Value, out: &mut Vec<Tripped>) {
    let Some(h) = cfg.get("hooks") else { return };
    if h.get("enabled") != Some(&Value::Bool(true)) {
        return;
    }
    let hint = "see `openclaw config schema` for hooks";
    if h.get("token")
        .and_then(Value::as_str)
        .is_none_or(|t| t.trim().is_empty())
    {
        out.push(trip(
            "startup.hooks",
            "hooks.token",
            "hooks.enabled requires hooks.token",
            "set hooks.token to a secret",
        ));
        return;
    }
    if h.get("path")
        .and_then(Value::as_str)
        .is_some_and(|p| p.trim() == "/")
    {
        out.push(trip(
            "startup.hooks",
            "hooks.path",
            "hooks.path may not be '/'",
            "use a path such as \"/hooks\"",
        ));
    }
    let prefixes: Option<Vec<&str>> = h
        .get("allowedSessionKeyPrefixes")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect());
    let default_key = h.get("defaultSessionKey").and_then(Value::as_str);
    if let Some(prefixes) = prefixes {
        match default_key {
            None if !prefixes.contains(&"hook:") => out.push(trip(
                "startup.hooks",
                "hooks.allowedSessionKeyPrefixes",
                "hooks.allowedSessionKeyPrefixes must include 'hook:' when hooks.defaultSessionKey is unset",
                hint,
            )),
            Some(k) if !prefixes.iter().any(|p| k.starts_with(p)) => out.push(trip(
                "startup.hooks",
                "hooks.defaultSessionKey",
                "hooks.defaultSessionKey must match hooks.allowedSessionKeyPrefixes",
                hint,
            )),
            _ => {}
        }
    }
}

fn files(cfg: &Value, host: &HostFacts, out: &mut Vec<Tripped>) {
    for (w, kind) in &host.workspaces {
        if matches!(kind, PathKind::File { .. } | PathKind::Other) {
            out.push(trip(
                "startup.workspace",
                "agents.defaults.workspace",
                "OpenClaw startup migrations did not complete cleanly; refusing to report the gateway ready.",
                format!("{w} must be a directory (or not exist yet)"),
            ));
        }
    }
    if let Some(files) = &host.tls {
        tls(cfg, files, out);
    }
}

/// `loadGatewayTlsServerRuntime`: with both files missing and `autoGenerate` on, OpenClaw
/// makes a self-signed pair; otherwise both must exist and load, and so must `caPath`.
fn tls(cfg: &Value, files: &crate::host::TlsFiles, out: &mut Vec<Tripped>) {
    let auto = cfg.pointer("/gateway/tls/autoGenerate") != Some(&Value::Bool(false));
    let exists = |k: PathKind| matches!(k, PathKind::File { .. });
    let generated = auto && !exists(files.cert) && !exists(files.key);
    if !generated && (!exists(files.cert) || !exists(files.key)) {
        out.push(trip(
            "startup.tls",
            "gateway.tls",
            "gateway tls: cert/key missing",
            "point gateway.tls.certPath and keyPath at existing PEM files, or remove both and let autoGenerate make them",
        ));
        return;
    }
    let unusable = |k: PathKind| matches!(k, PathKind::File { usable: false });
    let bad_files = !generated && (unusable(files.cert) || unusable(files.key));
    let bad_ca = files.ca.is_some_and(|k| !exists(k) || unusable(k));
    if bad_files || bad_ca {
        out.push(trip(
            "startup.tls",
            "gateway.tls",
            "gateway tls: failed to load cert",
            "the certificate, key and CA files must be readable PEM",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::version;

    #[test]
    fn versions_compare_as_openclaw_does() {
        assert!(version("2026.9.7") > version("2026.9.6"));
        assert!(version("2099.1.1") > version("2026.9.6"));
        assert!(version("2026.10.0") > version("2026.9.6"));
        assert_eq!(version("2026.9.6-beta.2"), version("2026.9.6"));
        assert_eq!(version("dev"), None);
        assert_eq!(version("1.2.3.4"), None);
    }
}
