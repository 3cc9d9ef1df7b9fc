//! The gateway this host really runs against its config (#13): the port and addresses it
//! listens on, the environment its unit or process gives it, the other gateways beside it.
//! Pure over the host scan; the scan itself is `crate::host`.

use super::{Finding, Location, Severity};
use crate::config::view::GatewayView;
use crate::config::{EditValue, Env};
use crate::host::gateways::{EnvSource, FoundGateway, HostScan};
use crate::host::procfs::GatewayKind;
use std::net::{IpAddr, SocketAddr};

/// What the host checks look at.
pub struct HostView<'a> {
    pub scan: &'a HostScan,
    /// The gateway this config belongs to.
    pub gateway: &'a FoundGateway,
    /// The config as the gateway reads it (its environment).
    pub view: &'a GatewayView<'a>,
    /// This user's environment: what local clients run from this shell send and dial.
    pub client_env: &'a Env,
    /// The OpenClaw version judged against (hello-ok, `meta.lastTouchedVersion`, the schema's).
    pub version: Option<(u32, u32, u32)>,
    /// The newest modification of the config's files (ms since the epoch) and that file.
    pub config_changed: Option<(u64, std::path::PathBuf)>,
}

/// Variables named like OpenClaw's that it does not read (2026.9.6's `dist/` names every
/// `OPENCLAW_GATEWAY_*` it reads; wrappers and compose files set these believing otherwise).
const GATEWAY_VARS_READ: &[&str] = &[
    "OPENCLAW_GATEWAY_TOKEN",
    "OPENCLAW_GATEWAY_PASSWORD",
    "OPENCLAW_GATEWAY_PORT",
    "OPENCLAW_GATEWAY_URL",
    "OPENCLAW_GATEWAY_SECRET",
    "OPENCLAW_GATEWAY_STARTUP_TRACE",
    "OPENCLAW_GATEWAY_SERVICE_PID",
    "OPENCLAW_GATEWAY_RESTART_TRACE",
    "OPENCLAW_GATEWAY_RESTART_TRACE_STARTED_AT_MS",
    "OPENCLAW_GATEWAY_RESTART_TRACE_LAST_AT_MS",
    "OPENCLAW_GATEWAY_DISCOVERY_ADVERTISE_TIMEOUT_MS",
];
/// Names outside `OPENCLAW_GATEWAY_*` seen in wrappers; none is read by OpenClaw 2026.9.6.
const WRAPPER_VARS: &[&str] = &[
    "OPENCLAW_BIND",
    "OPENCLAW_PORT",
    "OPENCLAW_HOST",
    "OPENCLAW_TOKEN",
    "OPENCLAW_AUTH_TOKEN",
    "OPENCLAW_TRUSTED_PROXIES",
];

pub fn check(h: &HostView, out: &mut Vec<Finding>) {
    port_override(h, out);
    bind_mismatch(h, out);
    container_loopback(h, out);
    env_ignored(h, out);
    super::host_env::token_env(h, out);
    super::host_env::env_file_missing(h, out);
    others(h, out);
    restart_pending(h, out);
}

/// Where a unit line is, as a finding's location.
pub(super) fn unit_line(file: &std::path::Path, line: usize) -> Location {
    Location {
        file: file.to_path_buf(),
        line,
        column: 1,
    }
}

/// The port the gateway really uses: where it listens, else its unit's `--port`.
fn real_port(g: &FoundGateway) -> Option<(u16, String)> {
    if let Some(port) = g.listen_port() {
        let why = match g.port_arg() {
            Some((p, at)) if p == port => format!("--port {p} in its unit's ExecStart, {at}"),
            _ if g.var("OPENCLAW_GATEWAY_PORT").is_some() => {
                format!("OPENCLAW_GATEWAY_PORT={port} in its environment")
            }
            _ => "seen on its socket: a --port on its command line leaves no other trace".into(),
        };
        return Some((port, why));
    }
    g.port_arg()
        .map(|(p, at)| (p, format!("--port {p} in its unit's ExecStart, {at}")))
}

fn port_override(h: &HostView, out: &mut Vec<Finding>) {
    let Some((real, why)) = real_port(h.gateway) else {
        return;
    };
    let client = GatewayView::new(h.view.cfg, h.client_env, h.view.profile);
    let (dialled, source) = client.port();
    if dialled == real {
        return;
    }
    let fix =
        (source == "gateway.port" || source == "the default" || source.starts_with("the dev"))
            .then(|| {
                h.view
                    .proposal("gateway.port", EditValue::Integer(i64::from(real)))
            })
            .flatten();
    out.push(
        Finding::new(
            "host.port_override",
            Severity::Warning,
            format!(
                "the gateway {} {} port {real} ({why}), but this config's clients dial port {dialled} ({source}): `openclaw` commands run with this config (devices approve, gateway status, health) miss the gateway",
                h.gateway.label(),
                if h.gateway.running() { "listens on" } else { "starts on" }
            ),
        )
        .path("gateway.port")
        .hint(format!(
            "make them agree: set gateway.port to {real} (fix does), or drop the override and restart the gateway"
        ))
        .fix(fix),
    );
}

/// The addresses the gateway's own port is listened on.
fn ws_addresses(g: &FoundGateway) -> Vec<SocketAddr> {
    let Some(port) = g.listen_port() else {
        return Vec::new();
    };
    g.listening()
        .iter()
        .filter(|a| a.port() == port)
        .copied()
        .collect()
}

fn bind_mismatch(h: &HostView, out: &mut Vec<Finding>) {
    let addrs = ws_addresses(h.gateway);
    if addrs.is_empty() {
        return;
    }
    let bind = h
        .view
        .string("gateway.bind")
        .map(|(b, _)| b.into_owned())
        .unwrap_or_else(|| "loopback".into());
    let wildcard = addrs.iter().any(|a| a.ip().is_unspecified());
    let all_loopback = addrs.iter().all(|a| a.ip().is_loopback());
    let expected_ok = match bind.as_str() {
        "loopback" => all_loopback,
        "lan" => wildcard,
        "custom" => match h
            .view
            .string("gateway.customBindHost")
            .and_then(|(c, _)| c.trim().parse::<IpAddr>().ok())
        {
            Some(ip) => addrs.iter().any(|a| a.ip() == ip),
            None => wildcard,
        },
        // auto: loopback, else (in a container) every interface; tailnet: its 100.64/10
        // address, else loopback.
        "auto" | "tailnet" => true,
        // An invalid value is gateway.bind.invalid's.
        _ => true,
    };
    if expected_ok {
        return;
    }
    let shown: Vec<String> = addrs.iter().map(|a| a.to_string()).collect();
    let arg = h
        .gateway
        .unit
        .as_ref()
        .and_then(|u| u.gateway.as_ref())
        .and_then(|a| a.bind.as_ref());
    let why = match arg {
        Some(b) => format!(
            "its unit starts it with --bind {} ({}:{})",
            b.value,
            b.file.display(),
            b.line
        ),
        None => "it was started with --bind, or before the config last changed".into(),
    };
    let at = h.view.get("gateway.bind").map(|at| h.view.location(&at));
    out.push(
        Finding::new(
            "host.bind_mismatch",
            Severity::Warning,
            format!(
                "the gateway {} listens on {}, not where gateway.bind {bind:?} puts it: {why}",
                h.gateway.label(),
                shown.join(", ")
            ),
        )
        .path("gateway.bind")
        .at(at)
        .hint("restart the gateway so it binds as its config says, or remove --bind from its unit"),
    );
}

fn container_loopback(h: &HostView, out: &mut Vec<Finding>) {
    let g = h.gateway;
    let Some(p) = &g.process else {
        return;
    };
    let isolated = p.container || p.other_netns == Some(true);
    let addrs = ws_addresses(g);
    if !isolated || addrs.is_empty() || !addrs.iter().all(|a| a.ip().is_loopback()) {
        return;
    }
    let Some(port) = g.listen_port() else {
        return;
    };
    let Some(proxy) = h
        .scan
        .docker_proxies
        .iter()
        .find(|d| d.container.port() == port)
    else {
        return;
    };
    let fix = h.view.has_secret().then(|| {
        h.view
            .proposal("gateway.bind", EditValue::String("lan".into()))
    });
    out.push(
        Finding::new(
            "host.container_loopback",
            Severity::Error,
            format!(
                "the gateway {} runs in a container and listens only on its own loopback ({}); docker-proxy (pid {}) publishes {} to {}, where nothing listens: connections through the published port fail",
                g.label(),
                addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "),
                proxy.pid,
                proxy.host,
                proxy.container
            ),
        )
        .path("gateway.bind")
        .hint("bind the gateway to the container's interfaces: gateway.bind \"lan\" (it needs a token or password), then restart the container")
        .fix(fix.flatten()),
    );
}

fn env_ignored(h: &HostView, out: &mut Vec<Finding>) {
    let g = h.gateway;
    let Some(env) = &g.env else {
        return;
    };
    if g.env_source == EnvSource::Doctor {
        return;
    }
    for (name, _) in env.iter() {
        let ignored = (name.starts_with("OPENCLAW_GATEWAY_")
            && !GATEWAY_VARS_READ.contains(&name)
            && !name.starts_with("OPENCLAW_GATEWAY_SECRET_REF_PROBE_"))
            || WRAPPER_VARS.contains(&name);
        if !ignored {
            continue;
        }
        let (at, where_) = super::host_env::set_where(g, name);
        let instead = match name {
            n if n.contains("BIND") => "gateway.bind in the config (or --bind)",
            n if n.contains("TRUSTED") => "gateway.trustedProxies in the config",
            n if n.contains("PORT") => "OPENCLAW_GATEWAY_PORT or gateway.port",
            n if n.contains("TOKEN") => "OPENCLAW_GATEWAY_TOKEN or gateway.auth.token",
            n if n.contains("HOST") => "gateway.bind / gateway.customBindHost in the config",
            _ => "the config key it stands for",
        };
        out.push(
            Finding::new(
                "host.env_ignored",
                Severity::Warning,
                format!(
                    "{name} is set for the gateway ({where_}) but OpenClaw does not read it: it has no effect"
                ),
            )
            .path(&format!("env:{name}"))
            .at(at)
            .hint(format!("use {instead}, and remove {name}")),
        );
    }
}

fn others(h: &HostView, out: &mut Vec<Finding>) {
    let me = h.gateway;
    let my_port = real_port(me)
        .map(|(p, _)| p)
        .or_else(|| Some(h.view.port().0));
    let mut others = Vec::new();
    for g in h.scan.gateways.iter().filter(|g| !std::ptr::eq(*g, me)) {
        if g.profile_dir.is_some() {
            continue;
        }
        // A titled process listening on nothing is an `openclaw gateway …` CLI command or a
        // start: named, never a conflict.
        if g.process
            .as_ref()
            .is_some_and(|p| p.kind == GatewayKind::NotListening)
        {
            others.push(format!(
                "{} (listening on nothing: starting, or an openclaw CLI command)",
                g.label()
            ));
            continue;
        }
        // Gateways in their own network namespaces may share port numbers.
        let separate = g
            .process
            .as_ref()
            .is_some_and(|p| p.other_netns == Some(true))
            || me
                .process
                .as_ref()
                .is_some_and(|p| p.other_netns == Some(true));
        let same_port = !separate && g.port.as_ref().is_some_and(|(p, _)| Some(*p) == my_port);
        if same_port {
            out.push(
                Finding::new(
                    "host.port_conflict",
                    Severity::Error,
                    format!(
                        "{} also uses port {} ({}): only one gateway can listen on it, the other fails to start",
                        g.label(),
                        my_port.unwrap_or_default(),
                        g.port.as_ref().map(|(_, w)| w.as_str()).unwrap_or("")
                    ),
                )
                .path("gateway.port")
                .hint("give each gateway its own port (gateway.port, or --port in its unit)"),
            );
        }
        others.push(g.label());
    }
    if !others.is_empty() {
        out.push(Finding::new(
            "host.other_gateways",
            Severity::Info,
            format!(
                "{} other gateway{} on this host: {} (this report checks {}; check them all with `check --all`)",
                others.len(),
                if others.len() == 1 { "" } else { "s" },
                others.join("; "),
                me.label()
            ),
        ));
    }
}

fn restart_pending(h: &HostView, out: &mut Vec<Finding>) {
    let Some(started) = h.gateway.started_at_ms else {
        return;
    };
    let changed = h.config_changed.clone();
    // OpenClaw itself may touch the file right after it starts: a little slack.
    let Some((ms, path)) = changed.filter(|(ms, _)| *ms > started + 10_000) else {
        return;
    };
    out.push(
        Finding::new(
            "host.restart_pending",
            Severity::Info,
            format!(
                "{} changed {} s after the gateway {} started: changes to gateway.* take effect after a restart",
                path.display(),
                (ms - started) / 1000,
                h.gateway.label()
            ),
        )
        .hint("restart the gateway: fix --apply --restart, or restart it the way it runs"),
    );
}
