//! Which nginx `location`s carry the gateway, and what in them breaks the gateway path
//! (facts §6). Pure: a parsed tree and the gateway's address in, issues with file, line and
//! the exact lines to add out.

use super::nginx::{Directive, Tree};
use crate::config::edit::Splice;

#[derive(Debug, Clone, PartialEq)]
pub struct ProxyIssue {
    pub id: &'static str,
    pub warning: bool,
    pub file: usize,
    pub line: usize,
    pub message: String,
    pub hint: String,
    /// Lines to insert after `proxy_pass` (already indented), when the fix is an insertion.
    pub insert: Vec<String>,
    /// Where to insert them (just after the `proxy_pass …;` directive).
    pub insert_at: Option<usize>,
}

/// The gateway as the proxy should reach it.
pub struct GatewayAddress<'a> {
    pub port: u16,
    /// Loopback-only bind (then only 127.0.0.1/localhost/::1 reach it).
    pub loopback_only: bool,
    /// The external URLs' hosts (remote.url, allowed origins, probed URLs), to match
    /// `server_name`.
    pub external_hosts: &'a [String],
    /// `gateway.trustedProxies` and `allowRealIpFallback`.
    pub trusted: super::attribution::Trusted,
}

/// Upstream blocks: name → its servers (host, port).
type Upstreams = Vec<(String, Vec<(String, Option<u16>)>)>;

struct Frame<'a> {
    directives: &'a [Directive],
}

fn find<'a>(frames: &[Frame<'a>], name: &str) -> Option<&'a Directive> {
    // The innermost level that has it (nginx inheritance).
    frames
        .iter()
        .rev()
        .find_map(|f| f.directives.iter().rev().find(|d| d.name == name))
}

/// `proxy_set_header` is inherited only by levels that define none of their own.
fn headers<'a>(frames: &[Frame<'a>]) -> (Vec<&'a Directive>, usize) {
    for (i, f) in frames.iter().enumerate().rev() {
        let here: Vec<&Directive> = f
            .directives
            .iter()
            .filter(|d| d.name == "proxy_set_header")
            .collect();
        if !here.is_empty() {
            return (here, i);
        }
    }
    (Vec::new(), 0)
}

/// `http://127.0.0.1:18789/x` → ("127.0.0.1", Some(18789)); an upstream name has no port.
fn upstream(url: &str) -> Option<(String, Option<u16>)> {
    let parts = crate::net::split_url(url).filter(|p| matches!(p.scheme, "http" | "https"))?;
    let host = crate::net::unbracket(parts.host).to_string();
    Some((host, parts.port.and_then(crate::net::parse_port)))
}

fn parse_seconds(v: &str) -> Option<u64> {
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let n: u64 = v[..split].parse().ok()?;
    Some(match &v[split..] {
        "" | "s" => n,
        "ms" => n / 1000,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return None,
    })
}

pub fn analyze(tree: &Tree, gw: &GatewayAddress) -> Vec<ProxyIssue> {
    analyze_found(tree, gw).issues
}

/// What the analysis found: the issues, and how many `location`s were taken as the gateway's
/// (none: nothing was checked, and no check may pass).
#[derive(Debug, Default)]
pub struct Found {
    pub issues: Vec<ProxyIssue>,
    pub selected: usize,
}

pub fn analyze_found(tree: &Tree, gw: &GatewayAddress) -> Found {
    let mut upstreams: Upstreams = Vec::new();
    collect_upstreams(&tree.directives, &mut upstreams);
    let mut out = Found::default();
    let mut frames = vec![Frame {
        directives: &tree.directives,
    }];
    walk(
        tree,
        &tree.directives,
        &mut frames,
        &upstreams,
        gw,
        &mut Vec::new(),
        &mut out,
    );
    out
}

fn collect_upstreams(ds: &[Directive], out: &mut Upstreams) {
    for d in ds {
        if d.name == "upstream" {
            let servers = d
                .children()
                .iter()
                .filter(|s| s.name == "server")
                .filter_map(|s| s.args.first())
                .filter_map(|a| upstream(&format!("http://{a}")))
                .collect();
            out.push((d.args.first().cloned().unwrap_or_default(), servers));
        }
        collect_upstreams(d.children(), out);
    }
}

fn walk<'a>(
    tree: &Tree,
    ds: &'a [Directive],
    frames: &mut Vec<Frame<'a>>,
    upstreams: &Upstreams,
    gw: &GatewayAddress,
    server_names: &mut Vec<String>,
    out: &mut Found,
) {
    for d in ds {
        let Some(children) = d.block.as_deref() else {
            continue;
        };
        let saved = server_names.len();
        if d.name == "server" {
            for n in children.iter().filter(|c| c.name == "server_name") {
                server_names.extend(n.args.iter().cloned());
            }
        }
        frames.push(Frame {
            directives: children,
        });
        if d.name == "location" {
            check_location(tree, d, frames, upstreams, gw, server_names, out);
        }
        walk(tree, children, frames, upstreams, gw, server_names, out);
        frames.pop();
        server_names.truncate(saved);
    }
}

/// One gateway location being checked: where its `proxy_pass` is, and the lines to insert
/// after it.
pub(super) struct Site<'a> {
    tree: &'a Tree,
    frames: &'a [Frame<'a>],
    pub(super) gw: &'a GatewayAddress<'a>,
    pub(super) pass: &'a Directive,
    /// `location ARGS`, for messages.
    loc: String,
    /// The indentation of the proxy_pass line, for inserted lines.
    indent: String,
    insert: Vec<String>,
    /// False once a line to copy holds bytes that are not UTF-8: it cannot be copied exactly,
    /// so no insertion is proposed (the hint still says what to add).
    exact: bool,
}

impl Site<'_> {
    /// `file:line` of a directive, in its own file.
    fn at(&self, d: &Directive) -> String {
        let path = self.tree.files.get(d.file).map(|f| f.path.display());
        match path {
            Some(p) => format!("{p}:{}", d.line),
            None => format!("line {}", d.line),
        }
    }

    pub(super) fn issue(
        &self,
        id: &'static str,
        warning: bool,
        d: &Directive,
        message: String,
    ) -> ProxyIssue {
        ProxyIssue {
            id,
            warning,
            file: d.file,
            line: d.line,
            message: format!("{}: {message}", self.at(d)),
            hint: String::new(),
            insert: vec![],
            insert_at: None,
        }
    }
}

fn check_location<'a>(
    tree: &'a Tree,
    location: &'a Directive,
    frames: &'a [Frame<'a>],
    upstreams: &Upstreams,
    gw: &'a GatewayAddress<'a>,
    server_names: &[String],
    found: &mut Found,
) {
    let Some(pass) = location.children().iter().find(|c| c.name == "proxy_pass") else {
        return;
    };
    let Some(target) = pass.args.first() else {
        return;
    };
    let Some((host, port)) = upstream(target) else {
        return;
    };
    let targets: Vec<(String, Option<u16>)> = match upstreams.iter().find(|(n, _)| *n == host) {
        Some((_, servers)) if port.is_none() => servers.clone(),
        _ => vec![(
            host.clone(),
            port.or(Some(if target.starts_with("https") { 443 } else { 80 })),
        )],
    };
    let hits_gateway = targets.iter().any(|(_, p)| *p == Some(gw.port));
    let named_for_gateway = gw.external_hosts.iter().any(|h| {
        server_names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(h) || (n.starts_with("*.") && h.ends_with(&n[1..])))
    });
    if !hits_gateway && !named_for_gateway {
        return;
    }
    found.selected += 1;
    let out = &mut found.issues;
    let text = &tree.files[pass.file].text;
    let line_start = text[..pass.span.start]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let mut site = Site {
        tree,
        frames,
        gw,
        pass,
        loc: format!("location {}", location.args.join(" ")),
        indent: text[line_start..pass.span.start]
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect(),
        insert: Vec::new(),
        exact: true,
    };
    let loopback = targets.iter().any(|(h, _)| crate::net::is_loopback_host(h));
    let upstream = if !hits_gateway {
        Some(format!(
            "{} (server_name {}) proxies to {target}, but the gateway listens on port {}",
            site.loc,
            server_names.join(" "),
            gw.port
        ))
    } else if gw.loopback_only && !loopback {
        Some(format!(
            "{} proxies to {target}, but the gateway's bind is loopback: only 127.0.0.1 reaches it",
            site.loc
        ))
    } else {
        None
    };
    if let Some(message) = upstream {
        let mut i = site.issue("proxy.upstream", false, pass, message);
        i.hint = format!("proxy_pass http://127.0.0.1:{};", gw.port);
        out.push(i);
    }
    http_version(&mut site, out);
    let set_headers = upgrade_headers(&mut site, out);
    super::attribution::nginx_location(&site, &targets, &set_headers, out);
    read_timeout_and_sso(&site, out);

    if !site.insert.is_empty() && site.exact {
        // The insertion belongs to the first issue that needs it (http_version or headers).
        if let Some(issue) = out.iter_mut().rev().find(|i| {
            (i.id == "proxy.upgrade_headers" || i.id == "proxy.http_version")
                && i.file == pass.file
                && i.insert.is_empty()
                && i.insert_at.is_none()
        }) {
            issue.insert = site.insert;
            issue.insert_at = Some(pass.span.end);
        }
    }
}

fn http_version(site: &mut Site, out: &mut Vec<ProxyIssue>) {
    let version = find(site.frames, "proxy_http_version");
    if version.and_then(|v| v.args.first()).map(String::as_str) == Some("1.1") {
        return;
    }
    site.insert
        .push(format!("{}proxy_http_version 1.1;", site.indent));
    let message = format!(
        "{} proxies the gateway over HTTP/1.0 (no proxy_http_version 1.1), which cannot carry a WebSocket upgrade",
        site.loc
    );
    // At the directive when it is in the location's file, else at proxy_pass (where the fix
    // goes); the message names the directive where it is.
    let mut i = match version {
        Some(v) if v.file == site.pass.file => site.issue("proxy.http_version", false, v, message),
        Some(v) => {
            let mut i = site.issue("proxy.http_version", false, site.pass, String::new());
            i.message = format!("{}: {message}", site.at(v));
            i
        }
        None => site.issue("proxy.http_version", false, site.pass, message),
    };
    i.hint = "proxy_http_version 1.1;".into();
    out.push(i);
}

/// The `proxy_set_header`s in force; an issue when Upgrade / Connection are missing.
fn upgrade_headers<'a>(site: &mut Site<'a>, out: &mut Vec<ProxyIssue>) -> Vec<&'a Directive> {
    let (set_headers, level) = headers(site.frames);
    let header = |name: &str| {
        set_headers
            .iter()
            .find(|d| d.args.first().is_some_and(|a| a.eq_ignore_ascii_case(name)))
            .and_then(|d| d.args.get(1))
            .cloned()
    };
    let upgrade_ok = header("Upgrade").is_some_and(|v| v == "$http_upgrade");
    let connection_ok = header("Connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("upgrade") || v == "$connection_upgrade");
    if upgrade_ok && connection_ok {
        return set_headers;
    }
    // A location that gets its headers from a parent level loses them all once it has its
    // own: copy the inherited ones along.
    if level + 1 < site.frames.len() {
        for d in &set_headers {
            let name = d.args.first().map(String::as_str).unwrap_or("");
            if !name.eq_ignore_ascii_case("Upgrade") && !name.eq_ignore_ascii_case("Connection") {
                let from = &site.tree.files[d.file];
                site.exact &= !from.has_replaced(&d.span);
                site.insert
                    .push(format!("{}{}", site.indent, &from.text[d.span.clone()]));
            }
        }
    }
    if !upgrade_ok {
        site.insert.push(format!(
            "{}proxy_set_header Upgrade $http_upgrade;",
            site.indent
        ));
    }
    if !connection_ok {
        site.insert.push(format!(
            "{}proxy_set_header Connection \"upgrade\";",
            site.indent
        ));
    }
    let missing: Vec<&str> = [
        (!upgrade_ok).then_some("Upgrade $http_upgrade"),
        (!connection_ok).then_some("Connection \"upgrade\""),
    ]
    .into_iter()
    .flatten()
    .collect();
    let message = format!(
        "{} does not pass the WebSocket upgrade to the gateway (missing proxy_set_header {})",
        site.loc,
        missing.join(" and ")
    );
    let mut i = site.issue("proxy.upgrade_headers", false, site.pass, message);
    i.hint =
        "proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";".into();
    out.push(i);
    set_headers
}

fn read_timeout_and_sso(site: &Site, out: &mut Vec<ProxyIssue>) {
    if let Some(t) = find(site.frames, "proxy_read_timeout")
        && let Some(secs) = t.args.first().and_then(|a| parse_seconds(a))
        && secs < 60
    {
        let message = format!(
            "proxy_read_timeout {secs}s is shorter than 60 s: idle gateway connections (30 s tick) get cut"
        );
        let mut i = site.issue("proxy.read_timeout", true, t, message);
        i.hint = "proxy_read_timeout 3600s;".into();
        out.push(i);
    }
    // SSOwat hooks `access_by_lua_file`; any `access_by_lua*` (block, file, string) and
    // `auth_request` put an auth layer in front. Each is inherited on its own, the innermost
    // one winning: `auth_request off;` in the location turns an outer one off.
    let innermost = |pick: &dyn Fn(&str) -> bool| {
        site.frames
            .iter()
            .rev()
            .find_map(|f| f.directives.iter().find(|d| pick(&d.name)))
    };
    let auth_request =
        innermost(&|n| n == "auth_request").filter(|d| d.args.first().is_none_or(|a| a != "off"));
    let sso = auth_request.or_else(|| innermost(&|n| n.starts_with("access_by_lua")));
    if let Some(sso) = sso {
        let message = format!(
            "{} puts an SSO / auth layer in front of the gateway's WebSocket (YunoHost SSOwat answers with a redirect to its portal)",
            sso.name
        );
        let mut i = site.issue("proxy.sso", true, sso, message);
        i.hint = "let the gateway's path through without the portal, or make clients connect directly on loopback".into();
        out.push(i);
    }
}

/// The file's bytes as read, and with each issue's lines inserted after its `proxy_pass`;
/// `None` when nothing is inserted in it. Every byte outside the insertions is kept, UTF-8 or
/// not (the splices' offsets are byte offsets into the file).
pub fn patch(tree: &Tree, issues: &[ProxyIssue], file: usize) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut splices = splices(tree, issues, file);
    if splices.is_empty() {
        return None;
    }
    splices.sort_by_key(|s| (s.range.start, s.range.end));
    let old = tree.files.get(file)?.bytes();
    let mut new = Vec::with_capacity(old.len() + 256);
    let mut pos = 0;
    for s in &splices {
        let start = s.range.start.clamp(pos, old.len());
        new.extend_from_slice(&old[pos..start]);
        new.extend_from_slice(s.text.as_bytes());
        pos = s.range.end.clamp(start, old.len());
    }
    new.extend_from_slice(&old[pos..]);
    Some((old, new))
}

/// The splices that insert each issue's lines after its `proxy_pass` (one per location).
pub fn splices(tree: &Tree, issues: &[ProxyIssue], file: usize) -> Vec<Splice> {
    let text = &tree.files[file].text;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    issues
        .iter()
        .filter(|i| i.file == file)
        .filter_map(|i| {
            i.insert_at.map(|at| {
                Splice::insert(
                    at,
                    i.insert.iter().map(|l| format!("{newline}{l}")).collect(),
                )
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "analyze_tests.rs"]
mod tests;
