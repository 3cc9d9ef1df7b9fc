//! How the gateway resolves its auth at start-up (OpenClaw 2026.9.6, `resolveGatewayAuth`,
//! confirmed case by case in fixtures/oracle): the mode (`gateway.auth.mode`, else password
//! when a password is configured, else token), and the secrets from the file, the environment
//! and SecretRefs. A `${VAR}` secret or a SecretRef counts as configured; the file's value wins
//! over the environment unless it is blank; `gateway.remote.token` is a fallback local token.

use crate::config::Env;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Token,
    Password,
    None,
    TrustedProxy,
    /// A value that is none of these (the schema check reports it).
    Other,
}

/// One secret as written.
#[derive(Debug, Clone, PartialEq)]
enum Secret {
    Absent,
    /// A string (after `${VAR}` substitution).
    Text(String),
    /// `${VAR}` whose variable is unset: configured, but its value is not known.
    UnsetVar,
    /// A SecretRef object; `resolved` for an `env` source whose variable is set, and
    /// `unavailable` for an `env` source whose variable is not.
    Ref {
        resolved: Option<String>,
        unavailable: bool,
    },
}

impl Secret {
    fn read(raw: Option<&Value>, merged: Option<&Value>, env: &Env) -> Secret {
        match (raw, merged) {
            (Some(Value::String(r)), Some(Value::String(m))) => {
                let unresolved = r.contains("${") && m == r && !r.contains("$${");
                if unresolved {
                    Secret::UnsetVar
                } else {
                    Secret::Text(m.clone())
                }
            }
            (_, Some(Value::Object(o))) => {
                let env_source = o.get("source").and_then(Value::as_str) == Some("env");
                let id = o.get("id").and_then(Value::as_str).unwrap_or_default();
                let resolved = env_source
                    .then(|| env.get(id).map(str::to_string))
                    .flatten();
                Secret::Ref {
                    unavailable: env_source && resolved.is_none(),
                    resolved,
                }
            }
            _ => Secret::Absent,
        }
    }

    /// Configured: a non-blank string, a `${VAR}`, or a SecretRef.
    fn configured(&self) -> bool {
        match self {
            Secret::Absent => false,
            Secret::Text(t) => !t.trim().is_empty(),
            Secret::UnsetVar | Secret::Ref { .. } => true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Auth {
    pub mode: Mode,
    /// `gateway.auth.mode` is not set (the mode was inferred).
    pub mode_unset: bool,
    /// Both set in the file (for the "both configured, mode unset" guard).
    pub file_token_set: bool,
    pub file_password_set: bool,
    token: Secret,
    password: Secret,
    remote_token: Secret,
    env_token: Option<String>,
    env_password: Option<String>,
}

impl Auth {
    /// From the merged config as written (`raw`) and as OpenClaw reads it (`merged`,
    /// `${VAR}` replaced), and the environment the gateway has.
    pub fn resolve(raw: &Value, merged: &Value, env: &Env) -> Auth {
        let secret = |p: &str| Secret::read(raw.pointer(p), merged.pointer(p), env);
        let token = secret("/gateway/auth/token");
        let password = secret("/gateway/auth/password");
        let env_token = env.raw("OPENCLAW_GATEWAY_TOKEN").map(str::to_string);
        let env_password = env.raw("OPENCLAW_GATEWAY_PASSWORD").map(str::to_string);
        let mut auth = Auth {
            mode: Mode::Token,
            mode_unset: true,
            file_token_set: token.configured(),
            file_password_set: password.configured(),
            token,
            password,
            remote_token: secret("/gateway/remote/token"),
            env_token,
            env_password,
        };
        auth.mode = match merged.pointer("/gateway/auth/mode").and_then(Value::as_str) {
            Some(m) => {
                auth.mode_unset = false;
                match m {
                    "token" => Mode::Token,
                    "password" => Mode::Password,
                    "none" => Mode::None,
                    "trusted-proxy" => Mode::TrustedProxy,
                    _ => Mode::Other,
                }
            }
            None if auth.has_password() => Mode::Password,
            None => Mode::Token,
        };
        auth
    }

    fn non_blank(v: &Option<String>) -> bool {
        v.as_deref().is_some_and(|s| !s.trim().is_empty())
    }

    pub fn has_token(&self) -> bool {
        self.token.configured() || Self::non_blank(&self.env_token)
    }

    pub fn has_password(&self) -> bool {
        self.password.configured() || Self::non_blank(&self.env_password)
    }

    /// A shared secret for the resolved mode (what `bind-without-auth` looks for).
    pub fn has_secret_for_mode(&self) -> bool {
        match self.mode {
            Mode::Token => self.has_token() || self.remote_token.configured(),
            Mode::Password => self.has_password(),
            _ => false,
        }
    }

    /// The value the weak-secret guards look at: the file's when not blank, else the
    /// environment's, else the file's blank string; `None` when there is none or it is not
    /// known (an unset `${VAR}`: the gateway makes a runtime token).
    fn for_checks(file: &Secret, env: &Option<String>) -> Option<String> {
        match file {
            Secret::Text(t) if !t.trim().is_empty() => Some(t.clone()),
            Secret::Ref { resolved, .. } => resolved.clone(),
            Secret::UnsetVar => None,
            _ if Self::non_blank(env) => env.clone(),
            Secret::Text(t) => Some(t.clone()),
            Secret::Absent => None,
        }
    }

    pub fn token_for_checks(&self) -> Option<String> {
        Self::for_checks(&self.token, &self.env_token)
    }

    pub fn password_for_checks(&self) -> Option<String> {
        Self::for_checks(&self.password, &self.env_password)
    }

    /// The mode's secret cannot be resolved at start: an `env` SecretRef whose variable is
    /// unset, or (password) an unset `${VAR}`.
    pub fn unavailable_ref(&self, mode: Mode) -> bool {
        match mode {
            Mode::Token => matches!(
                self.token,
                Secret::Ref {
                    unavailable: true,
                    ..
                }
            ),
            Mode::Password => matches!(
                self.password,
                Secret::Ref {
                    unavailable: true,
                    ..
                } | Secret::UnsetVar
            ),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn auth(cfg: Value, env: &[(&str, &str)]) -> Auth {
        let env = Env::from_pairs(env.iter().copied());
        Auth::resolve(&cfg, &cfg, &env)
    }

    #[test]
    fn mode_and_secrets_resolve_as_the_gateway_does() {
        let a = auth(json!({"gateway": {"auth": {"password": "p"}}}), &[]);
        assert_eq!((a.mode, a.mode_unset), (Mode::Password, true));
        let a = auth(json!({"gateway": {"remote": {"token": "t"}}}), &[]);
        assert!(a.mode == Mode::Token && a.has_secret_for_mode() && !a.has_token());
        let a = auth(
            json!({"gateway": {"auth": {"mode": "token", "token": ""}}}),
            &[("OPENCLAW_GATEWAY_TOKEN", "e")],
        );
        assert_eq!(a.token_for_checks().as_deref(), Some("e"));
        let a = auth(
            json!({"gateway": {"auth": {"token": "change-me-now"}}}),
            &[("OPENCLAW_GATEWAY_TOKEN", "e")],
        );
        assert_eq!(a.token_for_checks().as_deref(), Some("change-me-now"));
        let a = auth(json!({"gateway": {"auth": {"token": ""}}}), &[]);
        assert_eq!(a.token_for_checks().as_deref(), Some(""));
        let a = auth(
            json!({"gateway": {"auth": {"mode": "password", "password": ""}}}),
            &[],
        );
        assert!(!a.has_password());
        let a = auth(
            json!({"gateway": {"auth": {"token": {"source": "env", "provider": "default", "id": "T"}}}}),
            &[],
        );
        assert!(a.has_token() && a.unavailable_ref(Mode::Token));
        let a = auth(
            json!({"gateway": {"auth": {"token": {"source": "env", "provider": "default", "id": "T"}}}}),
            &[("T", "x")],
        );
        assert!(!a.unavailable_ref(Mode::Token) && a.token_for_checks().as_deref() == Some("x"));
    }

    #[test]
    fn an_unset_variable_is_configured_but_unknown() {
        let raw = json!({"gateway": {"auth": {"mode": "password", "password": "${P}"}}});
        let a = Auth::resolve(&raw, &raw, &Env::default());
        assert!(a.has_password() && a.unavailable_ref(Mode::Password));
        assert_eq!(a.password_for_checks(), None);
    }
}
