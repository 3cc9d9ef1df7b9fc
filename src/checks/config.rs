//! Checks about the config file itself: where it was found, its format, duplicate keys,
//! types of the keys the doctor checks, legacy keys and variables.

use super::{Facts, Finding, Location, Severity};
use crate::config::discovery::LEGACY_ENV;
use crate::config::set::INCLUDE_KEY;
use crate::config::tree::{Node, NodeValue};
use crate::config::view::{BIND_MODES, GatewayView};
use crate::config::{ConfigSet, EditValue, Format, Lookup};

/// Keys whose type the doctor relies on, with the type OpenClaw's schema wants.
const TYPED_KEYS: &[(&str, Kind)] = &[
    ("gateway", Kind::Object),
    ("gateway.mode", Kind::String),
    ("gateway.port", Kind::Port),
    ("gateway.bind", Kind::String),
    ("gateway.customBindHost", Kind::String),
    ("gateway.auth", Kind::Object),
    ("gateway.auth.mode", Kind::String),
    ("gateway.auth.token", Kind::Secret),
    ("gateway.auth.password", Kind::Secret),
    ("gateway.tls", Kind::Object),
    ("gateway.tls.enabled", Kind::Bool),
    ("gateway.remote", Kind::Object),
    ("gateway.remote.url", Kind::String),
    ("gateway.remote.token", Kind::Secret),
    ("gateway.remote.password", Kind::Secret),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Object,
    String,
    Bool,
    Port,
    /// A string, or a SecretRef object (`{ source: "env", id: … }`) the schema check judges.
    Secret,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::String => "a string",
            Kind::Bool => "a boolean",
            Kind::Port => "a port number (1-65535)",
            Kind::Secret => "a string or a SecretRef object",
        }
    }

    fn matches(self, value: &NodeValue) -> bool {
        match (self, value) {
            (Kind::Object, NodeValue::Object(_)) => true,
            (Kind::String, NodeValue::String { .. }) => true,
            (Kind::Bool, NodeValue::Bool(_)) => true,
            (Kind::Secret, NodeValue::String { .. } | NodeValue::Object(_)) => true,
            (Kind::Port, NodeValue::Number { value: Some(v), .. }) => {
                v.fract() == 0.0 && (1.0..=65535.0).contains(v)
            }
            _ => false,
        }
    }
}

pub fn check(facts: &Facts, out: &mut Vec<Finding>) {
    legacy_env(facts, out);
    let Some(cfg) = facts.config else {
        out.push(not_found(facts));
        return;
    };
    let main = cfg.main();
    if let Some(legacy) = &facts.discovered.legacy {
        out.push(
            Finding::new(
                "config.legacy_location",
                Severity::Warning,
                format!("the config was found in a {legacy}, a former project name"),
            )
            .at(Some(start_of(&main.path)))
            .hint("move it to ~/.openclaw/openclaw.json; old names are only found on old installs"),
        );
    }
    for doc in cfg.docs.iter().filter(|d| d.format == Format::Toml) {
        out.push(
            Finding::new(
                "config.toml_not_loaded",
                Severity::Info,
                format!(
                    "{} is TOML: the doctor checks it, but OpenClaw itself loads only JSON5",
                    doc.path.display()
                ),
            )
            .at(Some(start_of(&doc.path)))
            .hint("OpenClaw reads openclaw.json (JSON5); keep the two in step"),
        );
    }
    for (id, doc) in cfg.docs.iter().enumerate() {
        duplicates(cfg, id, &doc.root, &mut Vec::new(), out);
    }
    type_errors(facts, cfg, out);
    if let Some(at) = cfg.get(&["gateway", "token"]) {
        let view = GatewayView::of(cfg, facts.env, facts.discovered);
        out.push(
            Finding::new(
                "config.legacy_key",
                Severity::Error,
                "gateway.token is a legacy key: OpenClaw 2026.9 rejects the whole config (unrecognized key), older versions ignore it; the gateway's token is gateway.auth.token",
            )
            .path("gateway.token")
            .at(Some(view.location(&at)))
            .hint("move the value to gateway.auth.token (with auth.mode \"token\") and delete gateway.token"),
        );
    }
}

fn start_of(file: &std::path::Path) -> Location {
    Location {
        file: file.to_path_buf(),
        line: 1,
        column: 1,
    }
}

fn legacy_env(facts: &Facts, out: &mut Vec<Finding>) {
    for name in LEGACY_ENV {
        if facts.env.get(name).is_some() {
            let new = name.replace("CLAWDBOT_", "OPENCLAW_");
            out.push(
                Finding::new(
                    "config.legacy_env",
                    Severity::Warning,
                    format!(
                        "{name} is set, but OpenClaw ignores CLAWDBOT_* variables since 2026.3.22"
                    ),
                )
                .path(&format!("env:{name}"))
                .hint(format!(
                    "rename it to {new} where it is set (shell profile, service unit, .env)"
                )),
            );
        }
    }
}

/// "looked in A, B for x.json, y.json": the directories once, the names once.
fn not_found(facts: &Facts) -> Finding {
    let mut dirs: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for p in &facts.discovered.searched {
        let dir = p
            .parent()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Finding::new(
        "config.not_found",
        Severity::Error,
        format!("no OpenClaw config found ({})", facts.discovered.reason),
    )
    .hint(format!(
        "looked in {} for {}; name the file with --config or OPENCLAW_CONFIG_PATH",
        dirs.join(", "),
        names.join(", ")
    ))
}

fn duplicates(
    cfg: &ConfigSet,
    doc: usize,
    node: &Node,
    path: &mut Vec<String>,
    out: &mut Vec<Finding>,
) {
    match &node.value {
        NodeValue::Object(entries) => {
            for (i, entry) in entries.iter().enumerate() {
                let later = entries[i + 1..].iter().any(|e| e.key == entry.key);
                let first = !entries[..i].iter().any(|e| e.key == entry.key);
                if first && later {
                    let all: Vec<_> = entries.iter().filter(|e| e.key == entry.key).collect();
                    let d = &cfg.docs[doc];
                    let lines: Vec<String> = all
                        .iter()
                        .map(|e| d.position(e.key_span.start).0.to_string())
                        .collect();
                    let last = all[all.len() - 1];
                    let (line, column) = d.position(last.key_span.start);
                    let mut key_path = path.clone();
                    key_path.push(entry.key.clone());
                    let key_path = key_path.join(".");
                    out.push(
                        Finding::new(
                            "config.duplicate_key",
                            Severity::Warning,
                            format!(
                                "{key_path} is defined {} times (lines {}); JSON5 and OpenClaw keep the last one (line {line})",
                                all.len(),
                                lines.join(", ")
                            ),
                        )
                        .path(&key_path)
                        .at(Some(Location { file: d.path.clone(), line, column }))
                        .hint("delete the earlier definitions so the file says what OpenClaw uses"),
                    );
                }
            }
            for entry in entries {
                if entry.key == INCLUDE_KEY {
                    continue;
                }
                path.push(entry.key.clone());
                duplicates(cfg, doc, &entry.value, path, out);
                path.pop();
            }
        }
        NodeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                duplicates(cfg, doc, item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn type_errors(facts: &Facts, cfg: &ConfigSet, out: &mut Vec<Finding>) {
    let view = GatewayView::of(cfg, facts.env, facts.discovered);
    if let Lookup::NotAnObject { at, depth: 0 } = cfg.lookup(&["gateway"]) {
        out.push(
            Finding::new(
                "config.type_error",
                Severity::Error,
                format!(
                    "the config must be an object, found {}",
                    at.node.value.type_name()
                ),
            )
            .at(Some(view.value_location(&at))),
        );
        return;
    }
    for &(path, kind) in TYPED_KEYS {
        let Some(at) = view.get(path) else { continue };
        if kind.matches(&at.node.value) {
            continue;
        }
        let found = at.node.value.type_name();
        let (to, why) = match (path, &at.node.value) {
            ("gateway.bind", _) => {
                let mode = if view.has_secret() { "lan" } else { "loopback" };
                (
                    Some(EditValue::String(mode.into())),
                    format!(" (one of {})", BIND_MODES.join(", ")),
                )
            }
            ("gateway.port", NodeValue::String { value, .. }) => {
                let port = crate::net::parse_port(value);
                (port.map(|p| EditValue::Integer(p.into())), String::new())
            }
            ("gateway.tls.enabled", NodeValue::String { value, .. }) => {
                let b = match value.trim() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                };
                (b.map(EditValue::Bool), String::new())
            }
            _ => (None, String::new()),
        };
        let shown = if path.ends_with("token") || path.ends_with("password") {
            "<redacted>".to_string()
        } else {
            at.node.value.display()
        };
        let message = format!(
            "{path} must be {}{why}, found {found} {shown}; OpenClaw rejects the whole config",
            kind.name(),
        );
        let fix = to.and_then(|to| view.proposal(path, to));
        let hint = match &fix {
            Some(p) => format!("set it to {}", p.to),
            None => format!("set {path} to {}", kind.name()),
        };
        out.push(
            Finding::new("config.type_error", Severity::Error, message)
                .path(path)
                .at(Some(view.location(&at)))
                .hint(hint)
                .fix(fix),
        );
    }
}
