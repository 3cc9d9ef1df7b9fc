//! Typed reads of the `gateway` keys over the merged config: what the checks, the probes and
//! the proxy analysis all need to know about the gateway a config describes.

use super::tree::NodeValue;
use super::{ConfigSet, Env, Located};
use std::borrow::Cow;

pub const DEFAULT_PORT: u16 = 18789;
/// `--dev` / profile `dev` moves the default port (facts §2).
pub const DEV_PORT: u16 = 19001;
pub const BIND_MODES: &[&str] = &["loopback", "lan", "tailnet", "auto", "custom"];
pub const GATEWAY_MODES: &[&str] = &["local", "remote"];

pub struct GatewayView<'a> {
    pub cfg: &'a ConfigSet,
    pub env: &'a Env,
    pub profile: Option<&'a str>,
    /// The local probe got `hello_ok`: a gateway runs on this host whatever `mode` says.
    pub gateway_answers_locally: bool,
    /// The port the running gateway of this config listens on (found on this host).
    pub listen_port: Option<u16>,
}

impl<'a> GatewayView<'a> {
    pub fn new(cfg: &'a ConfigSet, env: &'a Env, profile: Option<&'a str>) -> Self {
        GatewayView {
            cfg,
            env,
            profile,
            gateway_answers_locally: false,
            listen_port: None,
        }
    }

    /// The view of the config `discovered` found: its profile, and the port its running
    /// gateway listens on when one was found.
    pub fn of(cfg: &'a ConfigSet, env: &'a Env, discovered: &'a super::Discovered) -> Self {
        let mut view = GatewayView::new(cfg, env, discovered.profile.as_deref());
        view.listen_port = discovered.listen_port;
        view
    }

    pub fn get(&self, path: &str) -> Option<Located<'a>> {
        let keys: Vec<&str> = path.split('.').collect();
        self.cfg.get(&keys)
    }

    /// The value at `path` when it is a string, as OpenClaw reads it: `${VAR}` replaced
    /// from the environment (a missing variable stays as written).
    pub fn string(&self, path: &str) -> Option<(Cow<'a, str>, Located<'a>)> {
        let at = self.get(path)?;
        match &at.node.value {
            NodeValue::String { value, .. } if value.contains('$') => Some((
                Cow::Owned(super::merged::substitute_str(value, self.env)),
                at,
            )),
            NodeValue::String { value, .. } => Some((Cow::Borrowed(value.as_str()), at)),
            _ => None,
        }
    }

    pub fn bool(&self, path: &str) -> Option<bool> {
        match self.get(path)?.node.value {
            NodeValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn mode(&self) -> Option<String> {
        self.string("gateway.mode").map(|(s, _)| s.into_owned())
    }

    /// The port the gateway listens on, and where that number comes from: the running
    /// gateway's socket when it was found, else what OpenClaw resolves from the config.
    pub fn port(&self) -> (u16, &'static str) {
        match self.listen_port {
            Some(port) => (port, "the running gateway's socket"),
            None => self.config_port(),
        }
    }

    /// The port OpenClaw resolves from the environment and the config (what a client of
    /// this config dials).
    pub fn config_port(&self) -> (u16, &'static str) {
        if let Some(port) = self
            .env
            .get("OPENCLAW_GATEWAY_PORT")
            .and_then(crate::net::parse_port)
        {
            return (port, "OPENCLAW_GATEWAY_PORT");
        }
        if let Some(at) = self.get("gateway.port")
            && let NodeValue::Number { value: Some(v), .. } = at.node.value
            && v.fract() == 0.0
            && (1.0..=65535.0).contains(&v)
        {
            return (v as u16, "gateway.port");
        }
        if self.profile == Some("dev") {
            return (DEV_PORT, "the dev profile's default");
        }
        (DEFAULT_PORT, "the default")
    }

    /// Whether the gateway this config talks to runs on this host: `mode: "local"`, or a
    /// gateway answered the local probe.
    pub fn runs_here(&self) -> bool {
        self.mode().as_deref() == Some("local") || self.gateway_answers_locally
    }

    pub fn tls(&self) -> bool {
        self.bool("gateway.tls.enabled") == Some(true)
    }

    /// The URL a local client uses to reach this gateway: `ws://127.0.0.1:<port>`.
    pub fn local_url(&self) -> String {
        let scheme = if self.tls() { "wss" } else { "ws" };
        format!("{scheme}://127.0.0.1:{}", self.port().0)
    }

    /// Whether a shared secret is configured (file or environment), whatever its value.
    pub fn has_secret(&self) -> bool {
        let set = |path: &str| self.string(path).is_some_and(|(s, _)| !s.is_empty());
        set("gateway.auth.token")
            || set("gateway.auth.password")
            || self.env.get("OPENCLAW_GATEWAY_TOKEN").is_some()
            || self.env.get("OPENCLAW_GATEWAY_PASSWORD").is_some()
    }

    pub fn auth_mode(&self) -> Option<String> {
        self.string("gateway.auth.mode")
            .map(|(s, _)| s.into_owned())
    }
}
