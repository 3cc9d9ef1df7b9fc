//! End-to-end probes against the real OpenClaw gateway (two versions) behind the real nginx,
//! with real TLS from a test CA (facts §6, §8). Started by `scripts/test.sh`, which installs
//! nginx, Node 24, openclaw@2026.9.6 and openclaw@2026.2.26 and sets OPENCLAW_E2E_BIN and
//! OPENCLAW_E2E_BIN_2026_2; `cargo test` alone skips them (#[ignore]).

use serde_json::Value;
use std::fs;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "e2e-gateway-token-5f0c2a9d81b3";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Kills the whole process group on drop (the CLI starts node, which may start more).
struct Proc {
    child: Child,
    name: String,
    log: PathBuf,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let pid = self.child.id();
        let _ = Command::new("kill")
            .args(["-s", "TERM", "--", &format!("-{pid}")])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{pid}")])
            .status();
        let _ = self.child.wait();
    }
}

impl Proc {
    fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        format!(
            "--- {} log ---\n{}",
            self.name,
            lines[lines.len().saturating_sub(30)..].join("\n")
        )
    }
}

struct Gateway {
    dir: tempfile::TempDir,
    port: u16,
    proc: Proc,
    bin: PathBuf,
}

impl Gateway {
    fn config_path(&self) -> PathBuf {
        self.dir.path().join("openclaw.json")
    }
}

/// Starts `openclaw gateway run` in an isolated HOME and state dir and waits for hello-ok.
fn start_gateway(bin: &Path, trusted_proxies: bool) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let trusted = if trusted_proxies {
        "trustedProxies: [\"127.0.0.1\"],"
    } else {
        ""
    };
    let config = format!(
        "{{\n  // end-to-end gateway\n  gateway: {{\n    mode: \"local\",\n    port: {port},\n    bind: \"loopback\",\n    {trusted}\n    auth: {{ mode: \"token\", token: \"{TOKEN}\" }},\n  }},\n}}\n"
    );
    fs::write(dir.path().join("openclaw.json"), config).unwrap();
    fs::create_dir_all(dir.path().join("state")).unwrap();
    let log = dir.path().join("gateway.log");
    let child = Command::new(bin)
        .args(["gateway", "run"])
        .env("HOME", dir.path())
        .env("OPENCLAW_STATE_DIR", dir.path().join("state"))
        .env("OPENCLAW_CONFIG_PATH", dir.path().join("openclaw.json"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(fs::File::create(&log).unwrap())
        .stderr(fs::File::create(dir.path().join("gateway.err")).unwrap())
        .process_group(0)
        .spawn()
        .expect("openclaw starts");
    let gw = Gateway {
        port,
        proc: Proc {
            child,
            name: format!("gateway {}", bin.display()),
            log,
        },
        bin: bin.to_path_buf(),
        dir,
    };
    assert!(
        wait_for_port(port, Duration::from_secs(90)),
        "the gateway never listened\n{}",
        gw.proc.log_tail()
    );
    // Listening is not ready (1013 gateway starting): wait for the doctor's own hello-ok.
    let start = Instant::now();
    loop {
        let report = check(&gw, &["--timeout", "3s"]);
        if report["probes"][0]["outcome"] == "hello_ok" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "no hello-ok: {report:#}\n{}",
            gw.proc.log_tail()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    gw
}

struct Nginx {
    _dir: tempfile::TempDir,
    _proc: Proc,
}

/// Starts the real nginx with `servers` (each a `server { … }` body) inside an http block.
fn start_nginx(servers: &[String], ports: &[u16]) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let conf = format!(
        "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n{}\n}}\n",
        servers
            .iter()
            .map(|s| format!("  server {{\n{s}\n  }}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    let nginx = ["/usr/sbin/nginx", "nginx"]
        .iter()
        .find(|p| Path::new(p).exists())
        .copied()
        .unwrap_or("nginx");
    let log = dir.path().join("error.log");
    let child = Command::new(nginx)
        .args([
            "-p",
            &d.to_string(),
            "-c",
            &format!("{d}/nginx.conf"),
            "-g",
            "daemon off;",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(dir.path().join("stderr.log")).unwrap())
        .process_group(0)
        .spawn()
        .expect("nginx (Debian package nginx-light) is installed");
    let proc = Proc {
        child,
        name: "nginx".into(),
        log,
    };
    for port in ports {
        assert!(
            wait_for_port(*port, Duration::from_secs(10)),
            "nginx did not listen on {port}\n{}",
            proc.log_tail()
        );
    }
    Nginx {
        _dir: dir,
        _proc: proc,
    }
}

const UPGRADE: &str = "proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";";
/// nginx overwrites the forwarded address with a public one, as for a real visitor.
const FORWARD_PUBLIC: &str =
    "proxy_set_header X-Forwarded-For 198.51.100.7; proxy_set_header X-Real-IP 198.51.100.7;";

fn location(upstream: u16, extra: &str) -> String {
    format!("    location / {{ proxy_pass http://127.0.0.1:{upstream}; {extra} }}")
}

/// A test CA and a certificate for `claw.example.test` signed by it (rcgen).
fn test_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "openclaw-doctor test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["claw.example.test".to_string()]).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let cert = params.signed_by(&key, &issuer).unwrap();
    // The same name, signed by the same CA, but expired in 2021.
    let mut old = CertificateParams::new(vec!["claw.example.test".to_string()]).unwrap();
    old.not_before = rcgen::date_time_ymd(2020, 1, 1);
    old.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let expired = old.signed_by(&key, &issuer).unwrap();
    let (ca, crt, k) = (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    );
    fs::write(&ca, ca_cert.pem()).unwrap();
    fs::write(&crt, cert.pem()).unwrap();
    fs::write(dir.join("expired.pem"), expired.pem()).unwrap();
    fs::write(&k, key.serialize_pem()).unwrap();
    (ca, crt, k)
}

/// Runs the doctor with the gateway's config; returns the JSON report.
fn doctor(gw: &Gateway, args: &[&str], env: &[(&str, String)]) -> Value {
    doctor_with_config(gw, &gw.config_path(), args, env)
}

/// `check --format json` with extra arguments, on the gateway's own config.
fn check(gw: &Gateway, args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    doctor(gw, &all, &[])
}

fn doctor_with_config(gw: &Gateway, config: &Path, args: &[&str], env: &[(&str, String)]) -> Value {
    eprintln!("[e2e] openclaw-doctor {}", args.join(" "));
    let mut cmd = assert_cmd::Command::cargo_bin("openclaw-doctor").unwrap();
    cmd.args(args)
        .arg("--config")
        .arg(config)
        .env_clear()
        .env("HOME", gw.dir.path())
        .env("OPENCLAW_STATE_DIR", gw.dir.path().join("state"))
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains(TOKEN) && !String::from_utf8_lossy(&out.stderr).contains(TOKEN),
        "token leaked"
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn probe<'a>(report: &'a Value, target: &str, deep: bool) -> &'a Value {
    report["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["target"] == target && p["deep"] == deep)
        .unwrap_or_else(|| panic!("no {target} probe (deep {deep}) in {report:#}"))
}

fn ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

fn bin(var: &str) -> PathBuf {
    PathBuf::from(
        std::env::var(var).unwrap_or_else(|_| {
            panic!("{var} must name the openclaw CLI (scripts/test.sh sets it)")
        }),
    )
}

/// Everything one gateway version is checked against; `modern` = 2026.8+ behaviour.
fn scenarios(bin_path: &Path, modern: bool, summary: &mut Vec<String>) {
    let trusted = start_gateway(bin_path, true);
    let untrusted = if modern {
        Some(start_gateway(bin_path, false))
    } else {
        None
    };
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
    let mut ports = vec![good, no_upgrade, dead_up, tls, expired];
    if let Some(u) = &untrusted {
        servers.push(format!(
            "    listen 127.0.0.1:{attribution};\n{}",
            location(
                u.port,
                &format!("{UPGRADE} proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
            )
        ));
        ports.push(attribution);
    }
    let _nginx = start_nginx(&servers, &ports);
    let url = |port: u16| format!("ws://127.0.0.1:{port}");

    // Healthy, direct and through the proxy: exit 0.
    let r = check(&trusted, &["--url", &url(good)]);
    assert_eq!(probe(&r, "local", false)["outcome"], "hello_ok", "{r:#}");
    let ext = probe(&r, "external", false);
    summary.push(format!("healthy via nginx: {}", ext["outcome"]));
    assert_eq!(ext["outcome"], "hello_ok", "{r:#}");
    assert_eq!(r["exit_code"], 0, "{r:#}");

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
    assert!(
        ids(&r).contains(&"probe.proxy_upgrade".to_string()),
        "{r:#}"
    );
    assert_eq!(r["exit_code"], 1);

    // Dead upstream: 502 while the gateway is fine.
    let r = check(&trusted, &["--url", &url(dead_up)]);
    assert_eq!(probe(&r, "external", false)["http_status"], 502, "{r:#}");
    assert!(
        ids(&r).contains(&"probe.proxy_upstream".to_string()),
        "{r:#}"
    );

    // Untrusted forwarding headers: 403 on 2026.8+.
    if let Some(u) = &untrusted {
        let r = doctor(
            u,
            &["check", "--format", "json", "--url", &url(attribution)],
            &[],
        );
        let p = probe(&r, "external", false);
        summary.push(format!(
            "untrusted proxy: {} (HTTP {})",
            p["outcome"], p["http_status"]
        ));
        assert_eq!(p["outcome"], "proxy_attribution_required", "{r:#}");
        assert!(ids(&r).contains(&"probe.proxy_attribution".to_string()));
    } else {
        // The seed's era has no attribution check: forwarding headers from an untrusted
        // proxy are accepted (facts §8). Report what it does.
        let r = check(&trusted, &["--url", &url(good)]);
        summary.push(format!(
            "untrusted-proxy headers on this version: {}",
            probe(&r, "external", false)["outcome"]
        ));
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
        // Report honestly; both paths must at least end in a classified outcome.
        assert_ne!(direct["outcome"], "timeout", "{r:#}");
        assert_ne!(proxied["outcome"], "timeout", "{r:#}");
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
