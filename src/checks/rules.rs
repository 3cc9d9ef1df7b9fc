//! OpenClaw's validation rules that its published JSON schema cannot express (zod refinements
//! and the checks `validateConfigObjectRaw` runs after the schema, 2026.9.6): `config
//! validate` rejects a config that breaks one, with these words, at these paths. Each is a
//! `schema.rule` error. Rules about channels, plugins and agents that the doctor does not
//! mirror are listed in README.

use serde_json::Value;

/// One broken rule: OpenClaw's path and message.
pub struct Broken {
    pub path: &'static str,
    pub message: String,
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

/// Every rule the merged config breaks. Rules run only on a config the schema accepts, as
/// OpenClaw's do (the caller passes `schema_ok`); the refinements inside the schema run
/// whenever their value is there.
pub fn broken(config: &Value, schema_ok: bool) -> Vec<Broken> {
    let mut out = Vec::new();
    refinements(config, &mut out);
    if schema_ok {
        tailscale(config, &mut out);
    }
    out
}

fn tailscale(config: &Value, out: &mut Vec<Broken>) {
    let mode = str_at(config, &["gateway", "tailscale", "mode"]).unwrap_or("off");
    if mode != "serve" && mode != "funnel" {
        return;
    }
    let bind = str_at(config, &["gateway", "bind"]).unwrap_or("loopback");
    let custom_loopback = bind == "custom"
        && str_at(config, &["gateway", "customBindHost"])
            .is_some_and(|h| canonical_ipv4(h).is_some_and(|ip| ip.is_loopback()));
    if bind != "loopback" && !custom_loopback {
        out.push(Broken {
            path: "gateway.bind",
            message: format!(
                "gateway.bind must resolve to loopback when gateway.tailscale.mode={mode} (use gateway.bind=\"loopback\" or gateway.bind=\"custom\" with gateway.customBindHost=\"127.0.0.1\")"
            ),
        });
    }
    if str_at(config, &["gateway", "auth", "mode"]) == Some("none") {
        out.push(Broken {
            path: "gateway.auth.mode",
            message: if mode == "funnel" {
                "gateway.tailscale.mode=funnel requires gateway.auth.mode=password; auth.mode=none cannot be used when exposing the gateway through Tailscale Funnel".into()
            } else {
                format!("gateway.auth.mode=none cannot be used with gateway.tailscale.mode={mode}; configure token, password, or trusted-proxy auth before exposing the gateway through Tailscale")
            },
        });
    }
}

/// `a.b.c.d` with no leading zeros, each 0–255 (OpenClaw's `isCanonicalDottedDecimalIPv4`).
pub fn canonical_ipv4(host: &str) -> Option<std::net::Ipv4Addr> {
    let parts: Vec<&str> = host.split('.').collect();
    let canonical = parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        });
    canonical.then(|| host.parse().ok()).flatten()
}

/// The refinements of the gateway schema (`zod-schema`, `secret-input`).
fn refinements(config: &Value, out: &mut Vec<Broken>) {
    let Some(gateway) = config.get("gateway") else {
        return;
    };
    if let Some(origin) = gateway.get("publicOrigin").and_then(Value::as_str)
        && !public_origin_ok(origin)
    {
        out.push(Broken {
            path: "gateway.publicOrigin",
            message: "gateway.publicOrigin must be a bare HTTPS origin; HTTP is allowed only for localhost, 127.0.0.1, or [::1]".into(),
        });
    }
    portals(gateway, out);
    for (path, keys) in [
        ("gateway.auth.token", ["auth", "token"]),
        ("gateway.auth.password", ["auth", "password"]),
        ("gateway.remote.token", ["remote", "token"]),
        ("gateway.remote.password", ["remote", "password"]),
    ] {
        if let Some(r) = keys.iter().try_fold(gateway, |v, k| v.get(k)) {
            secret_ref(path, r, out);
        }
    }
}

fn public_origin_ok(origin: &str) -> bool {
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    let bare = matches!(url.scheme(), "http" | "https")
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    let host = url.host_str().unwrap_or_default();
    bare && (url.scheme() == "https" || matches!(host, "localhost" | "127.0.0.1" | "[::1]"))
}

fn portals(gateway: &Value, out: &mut Vec<Broken>) {
    let Some(ingress) = gateway.pointer("/portals/ingress") else {
        return;
    };
    if let Some(domain) = ingress.get("domain").and_then(Value::as_str) {
        if !portal_domain_ok(domain) {
            out.push(Broken {
                path: "gateway.portals.ingress.domain",
                message: "Portal ingress domain must be a bare DNS domain".into(),
            });
        }
        let origins = gateway
            .get("publicOrigin")
            .into_iter()
            .chain(
                gateway
                    .pointer("/controlUi/allowedOrigins")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .filter_map(Value::as_str);
        let suffix = domain.to_ascii_lowercase();
        let conflicts = origins
            .filter_map(|o| url::Url::parse(o).ok())
            .filter_map(|u| u.host_str().map(str::to_ascii_lowercase))
            .any(|h| h == suffix || h.ends_with(&format!(".{suffix}")));
        if conflicts {
            out.push(Broken {
                path: "gateway.portals.ingress.domain",
                message:
                    "Portal ingress must use a separate domain from Gateway and Control UI origins"
                        .into(),
            });
        }
    }
    let gateway_port = gateway
        .get("port")
        .and_then(Value::as_f64)
        .unwrap_or(18789.0);
    if ingress.get("port").and_then(Value::as_f64) == Some(gateway_port) {
        out.push(Broken {
            path: "gateway.portals.ingress.port",
            message: "Portal ingress port must differ from the Gateway port".into(),
        });
    }
}

/// OpenClaw's `isValidPortalIngressDomain`: a DNS name with a dot, not an IP, labels of
/// letters, digits and inner hyphens, at most 220 characters.
fn portal_domain_ok(domain: &str) -> bool {
    domain.len() <= 220
        && domain.contains('.')
        && domain.parse::<std::net::IpAddr>().is_err()
        && domain.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// A SecretRef's `id` rule for its source (the schema only has the env and store patterns).
fn secret_ref(path: &'static str, r: &Value, out: &mut Vec<Broken>) {
    let (Some(source), Some(id)) = (
        r.get("source").and_then(Value::as_str),
        r.get("id").and_then(Value::as_str),
    ) else {
        return;
    };
    let message = match source {
        "file" if !file_ref_id_ok(id) => {
            "File secret reference id must be an absolute JSON pointer (example: \"/providers/openai/apiKey\"), or \"value\" for singleValue mode."
        }
        "exec" if !exec_ref_id_ok(id) => {
            "Exec secret reference id must match /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,255}$/ and must not include \".\" or \"..\" path segments"
        }
        _ => return,
    };
    out.push(Broken {
        path: match path {
            "gateway.auth.token" => "gateway.auth.token.id",
            "gateway.auth.password" => "gateway.auth.password.id",
            "gateway.remote.token" => "gateway.remote.token.id",
            _ => "gateway.remote.password.id",
        },
        message: message.into(),
    });
}

fn file_ref_id_ok(id: &str) -> bool {
    // `/a/b~1c`: every segment `~` only as `~0` or `~1`.
    id == "value"
        || id.strip_prefix('/').is_some_and(|rest| {
            rest.split('/').all(|seg| {
                let mut chars = seg.chars();
                while let Some(c) = chars.next() {
                    if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
                        return false;
                    }
                }
                true
            })
        })
}

fn exec_ref_id_ok(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 256
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"._:/#-".contains(c))
        && !id.split('/').any(|s| s == "." || s == "..")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(v: Value) -> Vec<&'static str> {
        broken(&v, true).into_iter().map(|b| b.path).collect()
    }

    #[test]
    fn each_rule_fires_on_its_case_only() {
        assert_eq!(
            paths(json!({"gateway": {"tailscale": {"mode": "serve"}, "bind": "lan"}})),
            ["gateway.bind"]
        );
        assert!(paths(json!({"gateway": {"tailscale": {"mode": "serve"}}})).is_empty());
        assert!(paths(json!({"gateway": {"tailscale": {"mode": "funnel"}, "bind": "custom", "customBindHost": "127.0.0.1"}})).is_empty());
        assert_eq!(
            paths(
                json!({"gateway": {"tailscale": {"mode": "funnel"}, "bind": "custom", "customBindHost": "127.000.0.1"}})
            ),
            ["gateway.bind"]
        );
        assert_eq!(
            paths(json!({"gateway": {"tailscale": {"mode": "serve"}, "auth": {"mode": "none"}}})),
            ["gateway.auth.mode"]
        );
        assert_eq!(
            paths(json!({"gateway": {"publicOrigin": "http://claw.example.org"}})),
            ["gateway.publicOrigin"]
        );
        assert!(paths(json!({"gateway": {"publicOrigin": "http://localhost:8080"}})).is_empty());
        assert_eq!(
            paths(json!({"gateway": {"publicOrigin": "https://claw.example.org/x"}})),
            ["gateway.publicOrigin"]
        );
        assert_eq!(
            paths(
                json!({"gateway": {"portals": {"ingress": {"domain": "localhost", "port": 8443}}}})
            ),
            ["gateway.portals.ingress.domain"]
        );
        assert_eq!(
            paths(
                json!({"gateway": {"controlUi": {"allowedOrigins": ["https://a.claw.example.org"]}, "portals": {"ingress": {"domain": "claw.example.org", "port": 18789}}}})
            ),
            [
                "gateway.portals.ingress.domain",
                "gateway.portals.ingress.port"
            ]
        );
        assert_eq!(
            paths(
                json!({"gateway": {"auth": {"token": {"source": "file", "provider": "default", "id": "~/x"}}}})
            ),
            ["gateway.auth.token.id"]
        );
        assert!(paths(json!({"gateway": {"auth": {"token": {"source": "file", "provider": "default", "id": "/a/b~1c"}}}})).is_empty());
        assert_eq!(
            paths(
                json!({"gateway": {"auth": {"token": {"source": "exec", "provider": "default", "id": "a/../b"}}}})
            ),
            ["gateway.auth.token.id"]
        );
    }
}
