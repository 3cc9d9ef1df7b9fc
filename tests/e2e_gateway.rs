//! End-to-end probes against the real OpenClaw gateway (two versions) behind the real nginx,
//! with real TLS from a test CA (facts §6, §8). Started by `scripts/test.sh`, which installs
//! nginx, Node 24, openclaw@2026.9.6 and openclaw@2026.2.26 and sets OPENCLAW_E2E_BIN and
//! OPENCLAW_E2E_BIN_2026_2; `cargo test` alone skips them (#[ignore]).

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// Everything one gateway version is checked against; `modern` = 2026.8+ behaviour.
fn scenarios(bin_path: &Path, modern: bool, summary: &mut Vec<String>) {
    let trusted = start_gateway(bin_path, true);
    // The same version without gateway.trustedProxies, for README's "forwarding headers, no
    // trustedProxies" row (403 on 2026.8+, accepted before).
    let untrusted = start_gateway(bin_path, false);
    let hello = check(&trusted, &[])["probes"][0].clone();
    summary.push(format!(
        "gateway {} (server.version {}, protocol {})",
        bin_path.display(),
        hello["server_version"],
        hello["protocol"]
    ));
    let expected = if modern { ("2026.9.6", 4) } else { ("dev", 3) };
    assert_eq!(
        (hello["server_version"].as_str(), hello["protocol"].as_u64()),
        (Some(expected.0), Some(expected.1)),
        "{hello:#}"
    );

    let dir = tempfile::tempdir().unwrap();
    let (ca, crt, key) = test_ca(dir.path());
    let dead = free_port();
    let [good, no_upgrade, dead_up, tls, attribution, expired] = [
        free_port(),
        free_port(),
        free_port(),
        free_port(),
        free_port(),
        free_port(),
    ];
    let mut servers = vec![
        format!(
            "    listen 127.0.0.1:{good};\n{}",
            location(trusted.port, &format!("{UPGRADE} {FORWARD_PUBLIC}"))
        ),
        format!(
            "    listen 127.0.0.1:{no_upgrade};\n{}",
            location(trusted.port, FORWARD_PUBLIC)
        ),
        format!(
            "    listen 127.0.0.1:{dead_up};\n{}",
            location(dead, &format!("{UPGRADE} {FORWARD_PUBLIC}"))
        ),
        format!(
            "    listen 127.0.0.1:{tls} ssl;\n    server_name claw.example.test;\n    ssl_certificate {};\n    ssl_certificate_key {};\n{}",
            crt.display(),
            key.display(),
            location(trusted.port, &format!("{UPGRADE} {FORWARD_PUBLIC}"))
        ),
        format!(
            "    listen 127.0.0.1:{expired} ssl;\n    server_name claw.example.test;\n    ssl_certificate {};\n    ssl_certificate_key {};\n{}",
            dir.path().join("expired.pem").display(),
            key.display(),
            location(trusted.port, &format!("{UPGRADE} {FORWARD_PUBLIC}"))
        ),
    ];
    servers.push(format!(
        "    listen 127.0.0.1:{attribution};\n{}",
        location(
            untrusted.port,
            &format!("{UPGRADE} proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
        )
    ));
    let ports = vec![good, no_upgrade, dead_up, tls, expired, attribution];
    let _nginx = start_nginx(&servers, &ports);
    let url = |port: u16| format!("ws://127.0.0.1:{port}");

    // Healthy, direct and through the proxy: exit 0.
    let r = check(&trusted, &["--url", &url(good)]);
    assert_eq!(probe(&r, "local", false)["outcome"], "hello_ok", "{r:#}");
    let ext = probe(&r, "external", false);
    summary.push(format!("healthy via nginx: {}", ext["outcome"]));
    assert_eq!(ext["outcome"], "hello_ok", "{r:#}");
    assert_eq!(
        (ext["server_version"].as_str(), ext["protocol"].as_u64()),
        (Some(expected.0), Some(expected.1)),
        "the same gateway through nginx: {ext:#}"
    );
    assert_eq!(r["exit_code"], 0, "{r:#}");

    // CI outputs against the real gateway, healthy and broken through nginx: JUnit (real XML
    // parser) and Prometheus (real exposition-format parser) show the failing check.
    for (port, healthy) in [(good, true), (no_upgrade, false)] {
        let u = url(port);
        let xml = doctor_text(&trusted, &["check", "--format", "junit", "--url", &u]);
        let (cases, _) = parse_junit(&xml);
        assert_eq!(cases["probe.local"], "pass");
        assert_eq!(
            cases["probe.proxy_upgrade"],
            if healthy { "pass" } else { "failure" },
            "{xml}"
        );
        let prom = doctor_text(&trusted, &["check", "--format", "prometheus", "--url", &u]);
        let scrape = prometheus_parse::Scrape::parse(prom.lines().map(|l| Ok(l.to_string())))
            .expect("valid exposition format");
        let sample = |metric: &str, key: &str, val: &str| {
            scrape
                .samples
                .iter()
                .find(|s| s.metric == metric && s.labels.get(key) == Some(val))
                .map(|s| match s.value {
                    prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
                    _ => f64::NAN,
                })
        };
        assert_eq!(
            sample("openclaw_doctor_probe_up", "target", "external"),
            Some(if healthy { 1.0 } else { 0.0 }),
            "{prom}"
        );
        assert_eq!(
            sample("openclaw_doctor_check", "id", "probe.proxy_upgrade"),
            Some(if healthy { 0.0 } else { 1.0 }),
            "{prom}"
        );
        // Probe-only, from a directory without any config, the token from the environment.
        let empty = tempfile::tempdir().unwrap();
        let out = common::run::bare()
            .args([
                "check",
                "--no-config",
                "--format",
                "json",
                "--token-env",
                "CI_TOKEN",
                "--url",
                &u,
            ])
            .current_dir(empty.path())
            .env_clear()
            // A host with no gateway: what runs on this machine must not change the result.
            .env(
                "OPENCLAW_DOCTOR_HOST_ROOT",
                "/nonexistent/openclaw-doctor-test-host",
            )
            .env("HOME", empty.path())
            .env("CI_TOKEN", TOKEN)
            .output()
            .unwrap();
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            out.status.code(),
            Some(if healthy { 0 } else { 1 }),
            "{r:#}"
        );
        assert_eq!(
            probe(&r, "external", false)["outcome"],
            if healthy {
                "hello_ok"
            } else {
                "upgrade_not_performed"
            }
        );
        summary.push(format!("probe-only via {u}: exit {:?}", out.status.code()));
    }

    // Real TLS with the test CA, the name sent to nginx with --resolve.
    let wss = format!("wss://claw.example.test:{tls}");
    let resolve = format!("claw.example.test:{tls}:127.0.0.1");
    let cacert = ca.display().to_string();
    let r = check(
        &trusted,
        &["--url", &wss, "--resolve", &resolve, "--cacert", &cacert],
    );
    assert_eq!(probe(&r, "external", false)["outcome"], "hello_ok", "{r:#}");
    let r = check(&trusted, &["--url", &wss, "--resolve", &resolve]);
    let p = probe(&r, "external", false);
    assert_eq!(p["outcome"], "tls_error", "{r:#}");
    assert!(
        p["detail"].as_str().unwrap().contains("unknown issuer"),
        "{p:#}"
    );
    assert!(ids(&r).contains(&"probe.tls".to_string()));
    let old = format!("wss://claw.example.test:{expired}");
    let old_resolve = format!("claw.example.test:{expired}:127.0.0.1");
    let r = check(
        &trusted,
        &[
            "--url",
            &old,
            "--resolve",
            &old_resolve,
            "--cacert",
            &cacert,
        ],
    );
    let p = probe(&r, "external", false);
    assert_eq!(p["outcome"], "tls_error", "{r:#}");
    assert!(p["detail"].as_str().unwrap().contains("expired"), "{p:#}");
    let wrong_name = format!("wss://127.0.0.1:{tls}");
    let r = check(&trusted, &["--url", &wrong_name, "--cacert", &cacert]);
    let p = probe(&r, "external", false);
    assert_eq!(p["outcome"], "tls_error", "{r:#}");
    assert!(
        p["detail"].as_str().unwrap().contains("name mismatch"),
        "{p:#}"
    );
    let r = check(
        &trusted,
        &["--url", &wss, "--resolve", &resolve, "--insecure"],
    );
    assert_eq!(probe(&r, "external", false)["outcome"], "hello_ok", "{r:#}");
    assert!(
        ids(&r).contains(&"probe.insecure".to_string()),
        "--insecure is said loudly"
    );

    // No Upgrade/Connection headers: nginx answers the Control UI page.
    let r = check(&trusted, &["--url", &url(no_upgrade)]);
    let p = probe(&r, "external", false);
    summary.push(format!(
        "no-upgrade proxy: {} (HTTP {})",
        p["outcome"], p["http_status"]
    ));
    assert_eq!(p["outcome"], "upgrade_not_performed", "{r:#}");
    if modern {
        assert_eq!(p["http_status"], 200, "the Control UI page: {p:#}");
    }
    assert!(
        ids(&r).contains(&"probe.proxy_upgrade".to_string()),
        "{r:#}"
    );
    assert_eq!(r["exit_code"], 1);

    // Dead upstream: 502 while the gateway is fine.
    let r = check(&trusted, &["--url", &url(dead_up)]);
    let p = probe(&r, "external", false);
    assert_eq!(
        (p["outcome"].as_str(), p["http_status"].as_u64()),
        (Some("http_error"), Some(502)),
        "{r:#}"
    );
    assert!(
        ids(&r).contains(&"probe.proxy_upstream".to_string()),
        "{r:#}"
    );

    // Untrusted forwarding headers (nginx appends to X-Forwarded-For, the gateway does not
    // list it in trustedProxies): 403 on 2026.8+; the seed's era has no attribution check and
    // accepts them (facts §8).
    let r = doctor(
        &untrusted,
        &["check", "--format", "json", "--url", &url(attribution)],
        &[],
    );
    let p = probe(&r, "external", false);
    summary.push(format!(
        "untrusted proxy: {} (HTTP {})",
        p["outcome"], p["http_status"]
    ));
    if modern {
        assert_eq!(p["outcome"], "proxy_attribution_required", "{r:#}");
        assert_eq!(p["http_status"], 403, "{r:#}");
        assert!(ids(&r).contains(&"probe.proxy_attribution".to_string()));
    } else {
        assert_eq!(p["outcome"], "hello_ok", "{r:#}");
        assert!(!ids(&r).contains(&"probe.proxy_attribution".to_string()));
    }

    // Wrong token.
    let wrong = dir.path().join("wrong.json");
    fs::write(
        &wrong,
        fs::read_to_string(trusted.config_path())
            .unwrap()
            .replace(TOKEN, "not-the-gateway-token-000"),
    )
    .unwrap();
    let r = doctor_with_config(&trusted, &wrong, &["check", "--format", "json"], &[]);
    let p = probe(&r, "local", false);
    summary.push(format!(
        "wrong token: {} ({})",
        p["outcome"], p["detail_code"]
    ));
    assert_eq!(p["outcome"], "auth_failed", "{r:#}");
    assert_eq!(p["detail_code"], "AUTH_TOKEN_MISMATCH", "{r:#}");
    assert!(ids(&r).contains(&"probe.local".to_string()));

    // Gateway down: nothing on the configured port; the proxy in front answers 502.
    let down = dir.path().join("down.json");
    fs::write(
        &down,
        fs::read_to_string(trusted.config_path())
            .unwrap()
            .replace(&format!("port: {}", trusted.port), &format!("port: {dead}")),
    )
    .unwrap();
    let r = doctor_with_config(
        &trusted,
        &down,
        &["check", "--format", "json", "--url", &url(dead_up)],
        &[],
    );
    assert_eq!(probe(&r, "local", false)["outcome"], "unreachable", "{r:#}");
    assert_eq!(probe(&r, "external", false)["http_status"], 502, "{r:#}");
    assert_eq!(r["exit_code"], 1);

    // --deep: a sub-agent's own connection over both paths.
    let path_env = format!(
        "{}:{}",
        trusted.bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let r = doctor(
        &trusted,
        &["check", "--format", "json", "--deep", "--url", &url(good)],
        &[("PATH", path_env)],
    );
    let direct = probe(&r, "local", true);
    let proxied = probe(&r, "external", true);
    summary.push(format!(
        "--deep: direct {} ({}), through nginx {} ({}); notes {}",
        direct["outcome"],
        direct["reason"],
        proxied["outcome"],
        proxied["pairing_reason"],
        r["notes"]
    ));
    if modern {
        assert_eq!(direct["outcome"], "hello_ok", "{r:#}");
        assert_eq!(proxied["outcome"], "pairing_required", "{r:#}");
        assert_eq!(proxied["pairing_reason"], "not-paired", "{r:#}");
        let id = proxied["request_id"].as_str().expect("a request id");
        let notes = r["notes"].to_string();
        assert!(
            notes.contains(&format!("rejected pairing request {id}")),
            "{notes}"
        );
    } else {
        // A fresh device needs pairing even on loopback; `openclaw devices reject` fails on
        // this version, so the doctor says each request expires instead.
        let notes = r["notes"].to_string();
        for p in [direct, proxied] {
            assert_eq!(p["outcome"], "pairing_required", "{r:#}");
            let id = p["request_id"].as_str().expect("a request id");
            assert!(
                notes.contains(&format!(
                    "pairing request {id} that --deep created expires in 5 minutes"
                )),
                "{notes}"
            );
        }
    }

    // The seed's own config, pointing remote.url at the TLS proxy: the doctor probes it.
    let seed = dir.path().join("seed.json");
    fs::write(
        &seed,
        format!(
            "{{ gateway: {{ mode: 'local', port: {}, bind: 'local', auth: {{ mode: 'token', token: '{TOKEN}' }}, remote: {{ url: 'https://claw.example.test:{tls}' }} }} }}",
            trusted.port
        ),
    )
    .unwrap();
    let r = doctor_with_config(
        &trusted,
        &seed,
        &[
            "check",
            "--format",
            "json",
            "--resolve",
            &resolve,
            "--cacert",
            &cacert,
        ],
        &[],
    );
    assert_eq!(
        probe(&r, "external", false)["url"],
        format!("wss://claw.example.test:{tls}")
    );
    for id in ["gateway.bind.invalid", "gateway.remote_url.via_proxy"] {
        assert!(ids(&r).contains(&id.to_string()), "{id}: {r:#}");
    }
}

#[test]
#[ignore = "needs the real OpenClaw 2026.9.6 and nginx: run scripts/test.sh"]
fn real_gateway_2026_9_6_behind_real_nginx() {
    let mut summary = Vec::new();
    scenarios(&bin("OPENCLAW_E2E_BIN"), true, &mut summary);
    eprintln!("{}", summary.join("\n"));
}

#[test]
#[ignore = "needs the real OpenClaw 2026.2.26 and nginx: run scripts/test.sh"]
fn real_gateway_2026_2_26_behind_real_nginx() {
    let mut summary = Vec::new();
    scenarios(&bin("OPENCLAW_E2E_BIN_2026_2"), false, &mut summary);
    eprintln!("{}", summary.join("\n"));
}

/// Issue #6's "done when": a broken YunoHost-style nginx conf (the app's location without the
/// upgrade headers, in an included file) in front of the real gateway: `check` names the file,
/// the line and the cause; `fix --apply-proxy --reload-proxy` repairs it (checked by the real
/// `nginx -t`) and the external probe passes.
#[test]
#[ignore = "needs the real OpenClaw 2026.9.6 and nginx: run scripts/test.sh"]
fn yunohost_style_proxy_is_diagnosed_and_repaired() {
    let gw = start_gateway(&bin("OPENCLAW_E2E_BIN"), true);
    let apps = tempfile::tempdir().unwrap();
    let app_dir = apps.path().join("conf.d/claw.example.test.d");
    fs::create_dir_all(&app_dir).unwrap();
    let app = app_dir.join("openclaw.conf");
    // As YunoHost writes an app's location, minus the WebSocket lines.
    fs::write(
        &app,
        format!(
            "#sub_path_only rewrite ^/$ / permanent;\nlocation / {{\n\n  proxy_pass http://127.0.0.1:{};\n  proxy_set_header Host $host;\n  proxy_set_header X-Forwarded-For 198.51.100.7;\n  proxy_set_header X-Real-IP 198.51.100.7;\n\n  # Include SSOWAT user panel.\n  #include conf.d/yunohost_panel.conf.inc;\n}}\n",
            gw.port
        ),
    )
    .unwrap();
    let port = free_port();
    let nginx = start_nginx(
        &[format!(
            "    listen 127.0.0.1:{port};\n    server_name claw.example.test;\n    include {}/*.conf;",
            app_dir.display()
        )],
        &[port],
    );
    let url = format!("ws://127.0.0.1:{port}");
    let conf = nginx.conf();
    let conf_arg = conf.to_str().unwrap();
    let r = check(&gw, &["--url", &url, "--proxy-config", conf_arg]);
    assert_eq!(
        probe(&r, "external", false)["outcome"],
        "upgrade_not_performed",
        "{r:#}"
    );
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "proxy.upgrade_headers")
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(finding["file"], app.to_str().unwrap(), "{finding:#}");
    assert_eq!(finding["line"], 4, "the proxy_pass line: {finding:#}");
    assert!(
        finding["evidence"]
            .to_string()
            .contains("upgrade_not_performed"),
        "joined with the probe: {finding:#}"
    );
    assert!(
        !ids(&r).contains(&"probe.proxy_upgrade".to_string()),
        "one finding, not two"
    );
    assert!(ids(&r).contains(&"proxy.http_version".to_string()));

    // fix shows the nginx diff, then applies it, tests it with nginx -t and reloads.
    let shown = doctor_text(&gw, &["fix", "--proxy-config", conf_arg]);
    assert!(
        shown.contains("+  proxy_set_header Upgrade $http_upgrade;"),
        "{shown}"
    );
    let out = common::run::bare()
        .args([
            "fix",
            "--apply-proxy",
            "--reload-proxy",
            "--proxy-config",
            conf_arg,
            "--format",
            "json",
            "--config",
        ])
        .arg(gw.config_path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", gw.dir.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("nginx -t) passed") && notes.contains("reloaded"),
        "{notes}"
    );
    // Issue #10: a repair that nginx -t accepts, with nothing else pending, exits 0 and lists
    // the file it wrote.
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(
        report["fix"]["pending"],
        serde_json::json!([]),
        "{report:#}"
    );
    assert!(
        report["fix"]["written"]
            .to_string()
            .contains(app.to_str().unwrap()),
        "{report:#}"
    );
    let patched = fs::read_to_string(&app).unwrap();
    assert!(patched.contains("  proxy_pass http://127.0.0.1:") && patched.contains(";\n  proxy_http_version 1.1;\n  proxy_set_header Upgrade $http_upgrade;\n  proxy_set_header Connection \"upgrade\";\n  proxy_set_header Host $host;"),
        "{patched}"
    );
    std::thread::sleep(Duration::from_millis(500));
    let r = check(&gw, &["--url", &url, "--proxy-config", conf_arg]);
    assert_eq!(probe(&r, "external", false)["outcome"], "hello_ok", "{r:#}");
    assert!(
        !ids(&r).contains(&"proxy.upgrade_headers".to_string()),
        "{r:#}"
    );
}
