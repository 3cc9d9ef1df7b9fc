//! Real-world proxy layouts (fixtures/proxy: YunoHost app conf, Debian sites-enabled vhost with
//! TLS, a conf.d tree with an upstream, a Caddyfile), each good and broken: the broken ones are
//! named at file:line, and every proposed nginx patch is applied and checked by the real
//! `nginx -t` (through `fix --apply-proxy`), after which the checks pass.

mod common;

use common::run;

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn copy_layout(layout: &str, kind: &str, dir: &Path) -> PathBuf {
    copy_layout_to(layout, kind, dir, "conf")
}

/// Copies fixtures/proxy/LAYOUT/KIND to DIR/SUB, `@DIR@` replaced by DIR (bytes kept as they
/// are otherwise), with a certificate and an openclaw.json in DIR; returns the main file.
fn copy_layout_to(layout: &str, kind: &str, dir: &Path, sub: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/proxy")
        .join(layout)
        .join(kind);
    let root = dir.join(sub);
    for entry in walk(&src) {
        let rel = entry.strip_prefix(&src).unwrap();
        let dest = root.join(rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::write(dest, with_dir(&fs::read(&entry).unwrap(), dir)).unwrap();
    }
    // A certificate for the TLS vhost (nginx -t loads it).
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["claw.example.test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    fs::write(dir.join("cert.pem"), cert.pem()).unwrap();
    fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
    fs::write(
        dir.join("openclaw.json"),
        "{ gateway: { mode: 'local', port: 18789, bind: 'loopback', trustedProxies: ['127.0.0.1'], auth: { token: 'proxy-test-token-123456' }, remote: { url: 'ws://127.0.0.1:18789' } } }",
    )
    .unwrap();
    let main = root.join("nginx.conf");
    if main.exists() {
        main
    } else {
        root.join("Caddyfile")
    }
}

fn with_dir(bytes: &[u8], dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while let Some(i) = rest.windows(5).position(|w| w == b"@DIR@") {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(dir.to_str().unwrap().as_bytes());
        rest = &rest[i + 5..];
    }
    out.extend_from_slice(rest);
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn doctor(dir: &Path, args: &[&str]) -> Value {
    let mut cmd = run::isolated(dir);
    cmd.args(args)
        .args(["--format", "json", "--config", "openclaw.json"]);
    run::Run::of(cmd).json()
}

fn proxy_findings(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"].as_str().unwrap().starts_with("proxy."))
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["file"]
                    .as_str()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn check(dir: &Path, main: &Path) -> Value {
    check_paths(dir, &[main])
}

/// `check --only proxy` with one `--proxy-config` per path.
fn check_paths(dir: &Path, paths: &[&Path]) -> Value {
    // The log directory is the empty test directory: this host's /tmp/openclaw stays out.
    let log_dir = dir.to_str().unwrap();
    let mut args: Vec<&str> = vec![
        "check",
        "--log",
        log_dir,
        // The config checks run too: a run that checks nothing at all is an error.
        "--only",
        "proxy,config",
        "--timeout",
        "1s",
        "--url",
        "ws://claw.example.test:9",
        "--resolve",
        "claw.example.test:9:127.0.0.1",
    ];
    for p in paths {
        args.extend(["--proxy-config", p.to_str().unwrap()]);
    }
    doctor(dir, &args)
}

#[test]
fn good_layouts_have_no_proxy_findings() {
    for layout in ["yunohost", "debian-tls", "confd-tree", "caddy"] {
        let dir = tempfile::tempdir().unwrap();
        let main = copy_layout(layout, "good", dir.path());
        let report = check(dir.path(), &main);
        assert_eq!(proxy_findings(&report), vec![], "{layout}: {report:#}");
        let status = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "proxy.upgrade_headers")
            .unwrap()["status"]
            .clone();
        assert_eq!(status, "pass", "{layout}: the proxy checks ran");
    }
}

#[test]
fn broken_layouts_are_named_at_file_and_line() {
    type Expected<'a> = &'a [(&'a str, &'a str, u64)];
    let cases: &[(&str, Expected)] = &[
        (
            "yunohost",
            &[
                ("proxy.http_version", "openclaw.conf", 4),
                ("proxy.upgrade_headers", "openclaw.conf", 4),
            ],
        ),
        (
            "debian-tls",
            &[
                ("proxy.http_version", "openclaw", 13),
                ("proxy.forwarded_for", "openclaw", 16),
                ("proxy.read_timeout", "openclaw", 17),
            ],
        ),
        ("confd-tree", &[("proxy.upstream", "claw.conf", 9)]),
        (
            "caddy",
            &[
                ("proxy.upstream", "Caddyfile", 3),
                ("proxy.forwarded_for", "Caddyfile", 3),
            ],
        ),
    ];
    for (layout, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let main = copy_layout(layout, "broken", dir.path());
        let report = check(dir.path(), &main);
        let found = proxy_findings(&report);
        let expected: Vec<(String, String, u64)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
            .collect();
        assert_eq!(found, expected, "{layout}: {report:#}");
    }
}

#[test]
fn every_proposed_nginx_patch_passes_the_real_nginx_test() {
    for layout in ["yunohost", "debian-tls"] {
        let dir = tempfile::tempdir().unwrap();
        let main = copy_layout(layout, "broken", dir.path());
        let main_arg = main.to_str().unwrap();
        // Shown first as a diff, nothing written.
        let shown = doctor(dir.path(), &["fix", "--proxy-config", main_arg]);
        let diff = shown["fix"]["files"].to_string();
        assert!(
            diff.contains("+") && diff.contains("proxy_http_version 1.1;"),
            "{layout}: {shown:#}"
        );
        // Applied: written with a backup, tested by nginx -t.
        let applied = doctor(
            dir.path(),
            &["fix", "--apply-proxy", "--proxy-config", main_arg],
        );
        let notes = applied["notes"].to_string();
        assert!(
            notes.contains("configuration test (nginx -t) passed"),
            "{layout}: {notes}"
        );
        let written = applied["fix"]["written"].to_string();
        assert!(
            written.contains("/.openclaw.conf.doctor-") || written.contains("/.openclaw.doctor-"),
            "{layout}: a hidden backup: {written}"
        );
        let after = check(dir.path(), &main);
        let left: Vec<String> = proxy_findings(&after)
            .into_iter()
            .map(|f| f.0)
            .filter(|id| id == "proxy.http_version" || id == "proxy.upgrade_headers")
            .collect();
        assert!(left.is_empty(), "{layout}: still {left:?}");
    }
}

/// Every file under `root` (path → bytes).
fn snapshot(root: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walk(root)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn a_patch_that_nginx_rejects_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let main = copy_layout("yunohost", "broken", dir.path());
    let root = dir.path().join("conf");
    // Break the server file in a way only nginx notices (a directive nginx does not know); the
    // doctor patches the app file it includes, then nginx -t refuses the whole.
    let server = root.join("conf.d/claw.example.test.conf");
    let text = fs::read_to_string(&server).unwrap();
    fs::write(
        &server,
        text.replace("server_name", "no_such_directive x;\n    server_name"),
    )
    .unwrap();
    let before = snapshot(&root);
    let out = common::run::bare()
        .args([
            "fix",
            "--apply-proxy",
            "--proxy-config",
            main.to_str().unwrap(),
            "--config",
            "openclaw.json",
        ])
        .current_dir(dir.path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // nginx really ran on the patched files and refused them: its own emerg line, naming the
    // directive and where it is, which no message of the doctor's can produce.
    // (`… [emerg] PID#TID: unknown directive "no_such_directive" in FILE:3`)
    let emerg = format!(
        ": unknown directive \"no_such_directive\" in {}:3",
        server.display()
    );
    let at = stderr.find(&emerg).unwrap_or_else(|| panic!("{stderr}"));
    let tag = stderr[..at].rsplit_once("[emerg] ").map(|(_, t)| t);
    let ids = |t: &str| {
        t.split('#')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    assert!(tag.is_some_and(ids), "{stderr}");
    // The patch was written (its backup is there) and then undone: every file is back, byte
    // for byte, and nothing but the hidden backup was left.
    let after = snapshot(&root);
    let (backups, files): (Vec<_>, Vec<_>) = after.into_iter().partition(|(p, _)| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".openclaw.conf.doctor-"))
    });
    assert_eq!(
        backups.len(),
        1,
        "one backup: {:?}",
        backups.iter().map(|b| &b.0).collect::<Vec<_>>()
    );
    let after: std::collections::BTreeMap<_, _> = files.into_iter().collect();
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &before {
        assert!(
            after.get(path) == Some(bytes),
            "{} was not restored",
            path.display()
        );
    }
}

#[test]
fn a_caddyfile_finding_names_its_own_file_among_several() {
    // nginx and two Caddyfiles, the broken one last: each finding names the file it is in.
    let dir = tempfile::tempdir().unwrap();
    let nginx = copy_layout_to("yunohost", "good", dir.path(), "nginx");
    let good = copy_layout_to("caddy", "good", dir.path(), "caddy-good");
    let broken = copy_layout_to("caddy", "broken", dir.path(), "caddy-broken");
    let report = check_paths(dir.path(), &[&nginx, &good, &broken]);
    let found: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"].as_str().unwrap().starts_with("proxy."))
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let broken = broken.display().to_string();
    assert_eq!(
        found,
        vec![
            ("proxy.upstream".to_string(), broken.clone(), 3),
            ("proxy.forwarded_for".to_string(), broken, 3),
        ],
        "{report:#}"
    );
}

/// Runs the doctor in DIR with ARGS (and `--config openclaw.json`): exit code, stdout, stderr.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = run::isolated(dir);
    cmd.args(args).args(["--config", "openclaw.json"]);
    let out = run::Run::of(cmd);
    (out.code, out.stdout, out.stderr)
}

fn status_of(report: &Value, id: &str) -> (String, String) {
    let c = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}: {report:#}"));
    (
        c["status"].as_str().unwrap_or("").to_string(),
        c["reason"].as_str().unwrap_or("").to_string(),
    )
}

const OPENCLAW_JSON: &str = "{ gateway: { mode: 'local', port: 18789, bind: 'loopback', trustedProxies: ['127.0.0.1'], auth: { token: 'proxy-test-token-123456' }, remote: { url: 'ws://127.0.0.1:18789' } } }";

/// A Debian layout: /etc/nginx/sites-enabled/claw (no extension) including
/// `snippets/ws.conf`, which nginx resolves against /etc/nginx, not sites-enabled.
fn debian_sites(dir: &Path, site_name: &str) -> PathBuf {
    fs::write(dir.join("openclaw.json"), OPENCLAW_JSON).unwrap();
    let etc = dir.join("etc-nginx");
    fs::create_dir_all(etc.join("sites-enabled")).unwrap();
    fs::create_dir_all(etc.join("snippets")).unwrap();
    fs::write(
        etc.join("snippets/ws.conf"),
        "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection \"upgrade\";\nproxy_set_header X-Forwarded-For $remote_addr;\nproxy_read_timeout 3600s;\n",
    )
    .unwrap();
    let site = etc.join("sites-enabled").join(site_name);
    fs::write(
        &site,
        "server {\n  listen 80;\n  server_name claw.example.test;\n  location / {\n    proxy_pass http://127.0.0.1:18789;\n    include snippets/ws.conf;\n  }\n}\n",
    )
    .unwrap();
    site
}

#[test]
fn a_relative_include_in_sites_enabled_is_resolved_against_the_nginx_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let site = debian_sites(dir.path(), "claw.conf");
    let report = check(dir.path(), &site);
    assert_eq!(proxy_findings(&report), vec![], "{report:#}");
    assert_eq!(status_of(&report, "proxy.upgrade_headers").0, "pass");
}

#[test]
fn a_sites_enabled_directory_of_extensionless_files_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let site = debian_sites(dir.path(), "claw");
    // A backup and a dot file beside it are not read (they would be broken).
    let enabled = site.parent().unwrap();
    fs::write(enabled.join("claw.bak"), "server {").unwrap();
    fs::write(enabled.join(".claw.swp"), "server {").unwrap();
    let report = check(dir.path(), enabled);
    assert_eq!(proxy_findings(&report), vec![], "{report:#}");
    assert_eq!(status_of(&report, "proxy.upgrade_headers").0, "pass");
    // The same site without the include: the missing lines are found in the extension-less file.
    fs::write(
        &site,
        "server {\n  server_name claw.example.test;\n  location / {\n    proxy_pass http://127.0.0.1:18789;\n  }\n}\n",
    )
    .unwrap();
    let report = check(dir.path(), enabled);
    let ids: Vec<String> = proxy_findings(&report).into_iter().map(|f| f.0).collect();
    assert!(
        ids.contains(&"proxy.upgrade_headers".to_string()),
        "{report:#}"
    );
}

#[test]
fn a_directory_with_no_nginx_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), OPENCLAW_JSON).unwrap();
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    fs::write(empty.join("old.bak"), "server {").unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "check",
            "--offline",
            "--proxy-config",
            empty.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: no nginx configuration file in it",
            empty.display()
        )),
        "{stderr}"
    );
}

#[test]
fn an_include_of_a_missing_file_is_refused_a_missing_glob_is_not() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), OPENCLAW_JSON).unwrap();
    let site = dir.path().join("site.conf");
    fs::write(
        &site,
        "server {\n  include /nonexistent/d/*.conf;\n  location / {\n    proxy_pass http://127.0.0.1:18789;\n      include snippets/none.conf;\n  }\n}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "check",
            "--offline",
            "--proxy-config",
            site.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:5:7: include snippets/none.conf: no such file; nginx refuses the configuration",
            site.display()
        )),
        "{stderr}"
    );
}

const PROXY_CHECKS: [&str; 6] = [
    "proxy.upstream",
    "proxy.http_version",
    "proxy.upgrade_headers",
    "proxy.forwarded_for",
    "proxy.read_timeout",
    "proxy.sso",
];

#[test]
fn without_a_config_the_proxy_checks_are_skipped_not_passed() {
    let dir = tempfile::tempdir().unwrap();
    let main = copy_layout("yunohost", "broken", dir.path());
    let out = common::run::bare()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--timeout",
            "1s",
        ])
        .args([
            "--url",
            "ws://127.0.0.1:1/",
            "--log",
            dir.path().to_str().unwrap(),
        ])
        .args(["--proxy-config", main.to_str().unwrap()])
        .current_dir(dir.path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for id in PROXY_CHECKS {
        assert_eq!(
            status_of(&report, id),
            (
                "skipped".to_string(),
                "--no-config: the gateway's port is unknown".to_string()
            ),
            "{id}"
        );
    }
}

#[test]
fn with_no_location_for_the_gateway_the_proxy_checks_are_skipped_not_passed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openclaw.json"), OPENCLAW_JSON).unwrap();
    let site = dir.path().join("other.conf");
    fs::write(
        &site,
        "server {\n  server_name other.example;\n  location / {\n    proxy_pass http://127.0.0.1:3000;\n  }\n}\n",
    )
    .unwrap();
    let report = check(dir.path(), &site);
    assert_eq!(proxy_findings(&report), vec![], "{report:#}");
    for id in PROXY_CHECKS {
        assert_eq!(
            status_of(&report, id),
            (
                "skipped".to_string(),
                format!(
                    "no location in {} proxies to the gateway (port 18789)",
                    site.display()
                )
            ),
            "{id}"
        );
    }
}

/// A vhost (not nginx.conf) that lacks the upgrade lines, with openclaw.json beside it.
fn broken_vhost(dir: &Path) -> PathBuf {
    fs::write(dir.join("openclaw.json"), OPENCLAW_JSON).unwrap();
    let site = dir.join("openclaw.conf");
    fs::write(
        &site,
        "server {\n  listen 80;\n  server_name claw.example.test;\n  location / {\n    proxy_pass http://127.0.0.1:18789;\n  }\n}\n",
    )
    .unwrap();
    site
}

/// `fix --apply-proxy --proxy-config SITE` (plus EXTRA) with PATH starting at PATH_FIRST.
fn apply_proxy(
    dir: &Path,
    site: &Path,
    path_first: Option<&Path>,
    extra: &[&str],
) -> (Option<i32>, String, String) {
    let path = match path_first {
        Some(p) => format!(
            "{}:{}",
            p.display(),
            std::env::var("PATH").unwrap_or_default()
        ),
        None => std::env::var("PATH").unwrap_or_default(),
    };
    let out = common::run::bare()
        .args([
            "fix",
            "--apply-proxy",
            "--format",
            "json",
            "--config",
            "openclaw.json",
        ])
        .args(["--proxy-config", site.to_str().unwrap()])
        .args(extra)
        .current_dir(dir)
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", dir)
        .env("PATH", path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A stand-in nginx in DIR/bin: `-T` dumps MAIN and SITE (so SITE is part of what it reads),
/// `-t` passes, `-s reload` fails as it does with no master process running.
fn fake_nginx(dir: &Path, main: &Path, site: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(main, format!("http {{ include {}; }}\n", site.display())).unwrap();
    let script = format!(
        "#!/bin/sh\ncase \" $* \" in\n  *\" -T \"*) echo '# configuration file {m}:'; cat '{m}'; echo '# configuration file {s}:'; cat '{s}'; exit 0;;\n  *\" -s \"*) echo 'nginx: [error] invalid PID number \"\" in \"/run/nginx.pid\"' >&2; exit 1;;\nesac\nexit 0\n",
        m = main.display(),
        s = site.display()
    );
    let nginx = bin.join("nginx");
    fs::write(&nginx, script).unwrap();
    fs::set_permissions(&nginx, fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[test]
fn a_vhost_outside_the_configuration_nginx_tests_is_refused_before_any_write() {
    let dir = tempfile::tempdir().unwrap();
    let site = broken_vhost(dir.path());
    let before = fs::read(&site).unwrap();
    // The real nginx: its main file (or its failing -T) does not include this file.
    let (code, stdout, stderr) = apply_proxy(dir.path(), &site, None, &[]);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    let expected = format!(
        "{} is not part of the configuration nginx -t reads (",
        site.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(
        stderr.contains("; name the main file: --proxy-config /etc/nginx/nginx.conf"),
        "{stderr}"
    );
    assert_eq!(
        fs::read(&site).unwrap(),
        before,
        "the file is byte-identical"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "nothing added"
    );
}

#[test]
fn a_vhost_that_nginx_reads_is_patched_and_a_failed_reload_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let site = broken_vhost(dir.path());
    let bin = fake_nginx(dir.path(), &dir.path().join("main.conf"), &site);
    // The dump names the vhost: written, tested.
    let (code, stdout, stderr) = apply_proxy(dir.path(), &site, Some(&bin), &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        report["notes"]
            .to_string()
            .contains("configuration test (nginx -t) passed"),
        "{report:#}"
    );
    assert!(
        fs::read_to_string(&site)
            .unwrap()
            .contains("proxy_http_version 1.1;")
    );
    // Again from the broken file, with --reload-proxy, and nginx cannot reload: not exit 0.
    let site = broken_vhost(dir.path());
    let (code, stdout, stderr) = apply_proxy(dir.path(), &site, Some(&bin), &["--reload-proxy"]);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("nginx: reload failed: ")
            && stderr.contains("invalid PID number")
            && stderr.contains("the new configuration is written and tested but not live"),
        "{stderr}"
    );
    // Written and tested: kept, not rolled back.
    assert!(
        fs::read_to_string(&site)
            .unwrap()
            .contains("proxy_http_version 1.1;")
    );
}

#[test]
fn a_directory_holding_a_caddyfile_reads_it_as_a_caddyfile() {
    let dir = tempfile::tempdir().unwrap();
    copy_layout_to("caddy", "broken", dir.path(), "caddy");
    let report = check(dir.path(), &dir.path().join("caddy"));
    let ids: Vec<String> = proxy_findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(ids, ["proxy.upstream", "proxy.forwarded_for"], "{report:#}");
}
