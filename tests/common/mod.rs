//! Shared harness for the end-to-end tests: the real OpenClaw gateway and the real nginx,
//! started in isolated temporary directories on free ports, killed (whole process group) on
//! drop.
#![allow(dead_code)]

pub mod run;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const TOKEN: &str = "e2e-gateway-token-5f0c2a9d81b3";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_for_port(port: u16, limit: Duration) -> bool {
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
pub struct Proc {
    pub child: Child,
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
    /// Owns `child` (started with `process_group(0)`): its group is killed on drop.
    pub fn new(child: Child, name: &str, log: PathBuf) -> Proc {
        Proc {
            child,
            name: name.to_string(),
            log,
        }
    }

    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        format!(
            "--- {} log ---\n{}",
            self.name,
            lines[lines.len().saturating_sub(30)..].join("\n")
        )
    }
}

pub struct Gateway {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub proc: Proc,
    pub bin: PathBuf,
}

impl Gateway {
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("openclaw.json")
    }
}

/// Starts `openclaw gateway run` in an isolated HOME and state dir and waits for hello-ok.
pub fn start_gateway(bin: &Path, trusted_proxies: bool) -> Gateway {
    let trusted = if trusted_proxies {
        "trustedProxies: [\"127.0.0.1\"],"
    } else {
        ""
    };
    start_gateway_with(bin, trusted)
}

/// `start_gateway` with `trusted` (JSON5 keys, e.g. `trustedProxies: [...],`) in `gateway`.
pub fn start_gateway_with(bin: &Path, trusted: &str) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
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
        // A first start of 2026.2.26 on a loaded 2-core machine took over 90 s once.
        wait_for_port(port, Duration::from_secs(180)),
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

pub struct Nginx {
    _dir: tempfile::TempDir,
    _proc: Proc,
}

/// Starts the real nginx with `servers` (each a `server { … }` body) inside an http block.
impl Nginx {
    /// The main configuration file.
    pub fn conf(&self) -> PathBuf {
        self._dir.path().join("nginx.conf")
    }
}

pub fn start_nginx(servers: &[String], ports: &[u16]) -> Nginx {
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

pub const UPGRADE: &str = "proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";";
/// nginx overwrites the forwarded address with a public one, as for a real visitor.
pub const FORWARD_PUBLIC: &str =
    "proxy_set_header X-Forwarded-For 198.51.100.7; proxy_set_header X-Real-IP 198.51.100.7;";

pub fn location(upstream: u16, extra: &str) -> String {
    format!("    location / {{ proxy_pass http://127.0.0.1:{upstream}; {extra} }}")
}

/// A test CA and a certificate for `claw.example.test` signed by it (rcgen).
pub fn test_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
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
pub fn doctor(gw: &Gateway, args: &[&str], env: &[(&str, String)]) -> Value {
    doctor_with_config(gw, &gw.config_path(), args, env)
}

/// `check --format json` with extra arguments, on the gateway's own config.
pub fn check(gw: &Gateway, args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    doctor(gw, &all, &[])
}

pub fn doctor_with_config(
    gw: &Gateway,
    config: &Path,
    args: &[&str],
    env: &[(&str, String)],
) -> Value {
    eprintln!("[e2e] openclaw-doctor {}", args.join(" "));
    let mut cmd = run::bare();
    cmd.args(args)
        .arg("--config")
        .arg(config)
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", gw.dir.path())
        .env("OPENCLAW_STATE_DIR", gw.dir.path().join("state"))
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run::Run::of(cmd);
    out.never_shows(TOKEN);
    out.json()
}

pub fn probe<'a>(report: &'a Value, target: &str, deep: bool) -> &'a Value {
    report["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["target"] == target && p["deep"] == deep)
        .unwrap_or_else(|| panic!("no {target} probe (deep {deep}) in {report:#}"))
}

pub fn ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

pub fn bin(var: &str) -> PathBuf {
    PathBuf::from(
        std::env::var(var).unwrap_or_else(|_| {
            panic!("{var} must name the openclaw CLI (scripts/test.sh sets it)")
        }),
    )
}

/// testcase name → ("failure" | "skipped" | "pass"), and the suite names, from real XML parsing.
pub fn parse_junit(xml: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let mut reader = Reader::from_str(xml);
    let mut cases = BTreeMap::new();
    let mut suites = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let attr = |key: &str| {
                    e.attributes()
                        .filter_map(Result::ok)
                        .find(|a| a.key.as_ref() == key.as_bytes())
                        .map(|a| a.unescape_value().unwrap().into_owned())
                };
                match name.as_str() {
                    "testsuite" => suites.push(attr("name").unwrap()),
                    "testcase" => {
                        let n = attr("name").unwrap();
                        cases.insert(n.clone(), "pass".to_string());
                        current = Some(n);
                    }
                    "failure" | "skipped" => {
                        let n = current.clone().expect("inside a testcase");
                        cases.insert(n, name);
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (cases, suites)
}

/// The doctor's stdout as text (JUnit, Prometheus), with the gateway's config.
pub fn doctor_text(gw: &Gateway, args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("openclaw-doctor")
        .unwrap()
        .args(args)
        .arg("--config")
        .arg(gw.config_path())
        .env_clear()
        // A host with no gateway: what runs on this machine must not change the result.
        .env(
            "OPENCLAW_DOCTOR_HOST_ROOT",
            "/nonexistent/openclaw-doctor-test-host",
        )
        .env("HOME", gw.dir.path())
        .env("OPENCLAW_STATE_DIR", gw.dir.path().join("state"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!stdout.contains(TOKEN), "token leaked");
    stdout
}
