//! The gateway the host really runs (#13), with the real OpenClaw 2026.9.6 gateway: started as
//! another user (`setpriv`) with its own HOME, state dir and `--port`, found by a doctor run
//! from another HOME with no flags; two at once (`check --all`); restarted through the CLI,
//! through a service manager, and not restarted at all (the old gateway is never taken for a
//! new one). Run by scripts/test.sh (`--ignored`, one test at a time: they read the host).

mod common;

use common::run::Run;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "e2e-host-token-8c1f04d7a2b9";
const STALE: &str = "e2e-stale-env-token-55aa01";

/// A real gateway started the way a service manager starts one: as `user` (or root), with an
/// environment of its own, `--port` on its command line.
struct Gateway {
    dir: tempfile::TempDir,
    port: u16,
    _proc: common::Proc,
}

impl Gateway {
    fn state(&self) -> PathBuf {
        self.dir.path().join("home/.openclaw")
    }

    fn config(&self) -> PathBuf {
        self.state().join("openclaw.json")
    }

    /// The gateway's own pid: the process titled openclaw-gateway whose HOME is ours.
    fn pid(&self) -> u32 {
        let home = format!("HOME={}", self.dir.path().join("home").display());
        for e in fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let comm = fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let env = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let has_home = env.split(|b| *b == 0).any(|v| v == home.as_bytes());
            if comm.trim() == "openclaw-gatewa" && has_home {
                return pid;
            }
        }
        panic!("no gateway process with {home}")
    }
}

struct Start<'a> {
    user: Option<&'a str>,
    extra_env: &'a [(&'a str, &'a str)],
    args: &'a [&'a str],
    /// `(config port, run port)`: `--port` given when they differ.
    ports: (u16, u16),
}

fn bin() -> PathBuf {
    common::bin("OPENCLAW_E2E_BIN")
}

/// The gateway's command, as a unit's ExecStart would run it.
fn command(dir: &Path, s: &Start) -> Command {
    let mut cmd = match s.user {
        Some(u) => {
            let mut c = Command::new("setpriv");
            c.args(["--reuid", u, "--regid", u, "--clear-groups", "--"]);
            // setpriv execs: the pid is the gateway's.
            c.arg(bin());
            c
        }
        None => Command::new(bin()),
    };
    cmd.args(["gateway", "run"]);
    if s.ports.0 != s.ports.1 {
        cmd.args(["--port", &s.ports.1.to_string()]);
    }
    cmd.args(s.args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.join("home"))
        .env("OPENCLAW_STATE_DIR", dir.join("home/.openclaw"))
        .env("NO_COLOR", "1");
    for (k, v) in s.extra_env {
        cmd.env(k, v);
    }
    cmd
}

fn start(s: Start) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("home/.openclaw");
    fs::create_dir_all(&state).unwrap();
    fs::write(
        state.join("openclaw.json"),
        format!(
            "{{\n  // a host's gateway\n  gateway: {{ mode: \"local\", port: {}, bind: \"loopback\", auth: {{ mode: \"token\", token: \"{TOKEN}\" }} }},\n}}\n",
            s.ports.0
        ),
    )
    .unwrap();
    if let Some(user) = s.user {
        // The temporary directory is root's: hand the gateway's part to its user.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let status = Command::new("chown")
            .args(["-R", &format!("{user}:{user}")])
            // numeric: Debian's nobody has group nogroup
            .arg(dir.path().join("home"))
            .status()
            .unwrap();
        assert!(status.success());
    }
    let log = dir.path().join("gateway.out");
    let child = command(dir.path(), &s)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&log).unwrap())
        .stderr(fs::File::create(dir.path().join("gateway.err")).unwrap())
        .process_group(0)
        .spawn()
        .expect("the gateway starts");
    let proc = common::Proc::new(child, "gateway", log);
    let gw = Gateway {
        dir,
        port: s.ports.1,
        _proc: proc,
    };
    wait_hello(gw.port, Duration::from_secs(180));
    gw
}

/// The doctor's own probe of `port` with `token`, without config or host: its JSON report.
fn probe_only(port: u16, token: &str, timeout: &str) -> Value {
    let out = common::run::bare()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--timeout",
            timeout,
        ])
        .arg("--url")
        .arg(format!("ws://127.0.0.1:{port}"))
        .args(["--token-env", "E2E_TOKEN"])
        .env_clear()
        .env("E2E_TOKEN", token)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// Waits for hello-ok on `port`.
fn wait_hello(port: u16, limit: Duration) {
    let start = Instant::now();
    loop {
        let v = probe_only(port, TOKEN, "3s");
        if v["probes"][0]["outcome"] == "hello_ok" {
            return;
        }
        assert!(start.elapsed() < limit, "no hello-ok on {port}: {v:#}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// The doctor as an admin runs it: its own HOME, no flags naming a config.
fn doctor(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = common::run::bare();
    cmd.args(args)
        .current_dir(home)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .timeout(Duration::from_secs(240));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = Run::of(cmd);
    run.never_shows(TOKEN).never_shows(STALE);
    run
}

fn ids(report: &Value) -> Vec<String> {
    common::ids(report)
}

fn finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {report:#}"))
}

#[test]
#[ignore]
fn a_gateway_of_another_user_with_its_own_home_and_port_is_found_from_another_home() {
    let (config_port, port) = (common::free_port(), common::free_port());
    let gw = start(Start {
        user: Some("65534"),
        extra_env: &[
            ("OPENCLAW_GATEWAY_TOKEN", STALE),
            ("OPENCLAW_GATEWAY_BIND", "lan"),
        ],
        args: &[],
        ports: (config_port, port),
    });
    let pid = gw.pid();
    let admin = tempfile::tempdir().unwrap();
    let run = doctor(admin.path(), &["check", "--format", "json"], &[]);
    let report = run.json();
    assert_eq!(report["config"]["path"], gw.config().to_str().unwrap());
    assert_eq!(report["config"]["source"], "process", "{report:#}");
    let reason = report["config"]["reason"].as_str().unwrap();
    assert!(
        reason.contains(&format!("pid {pid}")) && reason.contains("user nobody"),
        "{reason}"
    );
    assert_eq!(report["gateway"]["pid"], pid);
    assert_eq!(report["gateway"]["user"], "nobody");
    assert_eq!(report["gateway"]["port"], port);
    // The probe goes where the gateway really listens, not to the config's port.
    let local = common::probe(&report, "local", false);
    assert_eq!(local["url"], format!("ws://127.0.0.1:{port}"));
    assert_eq!(local["outcome"], "hello_ok", "{report:#}");
    // The port override, named with both ports and fixable in the config.
    let over = finding(&report, "host.port_override");
    let msg = over["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!("port {port}")) && msg.contains(&format!("port {config_port}")),
        "{msg}"
    );
    assert_eq!(over["fix"]["to"], port);
    // What the unit set that OpenClaw ignores, and the stale token beside the config's.
    assert_eq!(
        finding(&report, "host.env_ignored")["path"],
        "env:OPENCLAW_GATEWAY_BIND"
    );
    let token = finding(&report, "host.token_env");
    assert_eq!(
        token["severity"], "warning",
        "2026.9.6 clients read the config first"
    );
    // Its own log, which its user wrote.
    let files = report["log"]["files"].as_array().unwrap();
    assert!(!files.is_empty(), "{report:#}");
    for f in files {
        let meta = fs::metadata(f.as_str().unwrap()).unwrap();
        assert_eq!(meta.uid(), 65534, "{f} is nobody's log");
    }
    assert!(
        report["log"]["locations"][0]["why"]
            .as_str()
            .unwrap()
            .contains("user nobody (uid 65534)"),
        "{report:#}"
    );
    // The text says it too.
    let text = doctor(admin.path(), &["check", "--color", "never"], &[]).stdout;
    assert!(
        text.contains(&format!(
            "config of the running gateway, pid {pid}, user nobody"
        )) && text.contains(&format!("listens on port {port}")),
        "{text}"
    );

    // Run as a third user, the doctor cannot read nobody's process: a note, never a crash.
    let other = tempfile::tempdir().unwrap();
    fs::set_permissions(other.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let exe = assert_cmd::cargo::cargo_bin("openclaw-doctor");
    let out = Command::new("setpriv")
        .args([
            "--reuid",
            "65533",
            "--regid",
            "65533",
            "--clear-groups",
            "--",
        ])
        .arg(&exe)
        .args(["check", "--offline", "--format", "json"])
        .env_clear()
        .env("HOME", other.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap();
    let run = Run::from(out);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let report = run.json();
    let notes = report["notes"].to_string();
    assert!(
        notes.contains(&format!("gateway pid {pid} (nobody)"))
            && notes.contains("run as root or as nobody"),
        "{report:#}"
    );
}

#[test]
#[ignore]
fn two_gateways_are_each_reported_with_all() {
    let pa = common::free_port();
    let pb = common::free_port();
    let a = start(Start {
        user: None,
        extra_env: &[],
        args: &[],
        ports: (pa, pa),
    });
    let b = start(Start {
        user: Some("65534"),
        extra_env: &[],
        args: &[],
        ports: (pb, pb),
    });
    let (pid_a, pid_b) = (a.pid(), b.pid());
    let admin = tempfile::tempdir().unwrap();
    // Without --all: one is checked, the other named.
    let report = doctor(admin.path(), &["check", "--format", "json"], &[]).json();
    let checked = report["gateway"]["pid"].as_u64().unwrap() as u32;
    let other = if checked == pid_a { pid_b } else { pid_a };
    assert!(checked == pid_a || checked == pid_b, "{report:#}");
    let others = finding(&report, "host.other_gateways")["message"]
        .as_str()
        .unwrap();
    assert!(others.contains(&format!("pid {other}")), "{others}");
    assert!(ids(&report).iter().all(|id| id != "host.port_conflict"));

    let run = doctor(admin.path(), &["check", "--all", "--format", "json"], &[]);
    let report = run.json();
    assert_eq!(report["all"], true);
    let pids: Vec<u64> = report["gateways"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["gateway"]["pid"].as_u64().unwrap_or(0))
        .collect();
    assert!(
        pids.contains(&u64::from(pid_a)) && pids.contains(&u64::from(pid_b)),
        "{pids:?}"
    );
    let mut unique = pids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        pids.len(),
        "one section per gateway: {pids:?}"
    );
    for g in report["gateways"].as_array().unwrap() {
        if g["gateway"]["pid"] == pid_a || g["gateway"]["pid"] == pid_b {
            assert_eq!(
                common::probe(g, "local", false)["outcome"],
                "hello_ok",
                "{g:#}"
            );
        }
    }

    let text = doctor(admin.path(), &["check", "--all", "--color", "never"], &[]).stdout;
    assert!(
        text.contains(&format!("pid {pid_a}")) && text.contains(&format!("pid {pid_b}")),
        "{text}"
    );
    assert!(
        text.contains("── gateway 1 of") && text.contains("── gateway 2 of"),
        "{text}"
    );

    let prom = doctor(
        admin.path(),
        &["check", "--all", "--format", "prometheus"],
        &[],
    )
    .stdout;
    let lines = prom.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("valid exposition format");
    for pid in [pid_a, pid_b] {
        let name = format!("pid {pid}");
        let up = scrape
            .samples
            .iter()
            .find(|s| {
                s.metric == "openclaw_doctor_probe_up"
                    && s.labels.get("gateway") == Some(name.as_str())
            })
            .unwrap_or_else(|| panic!("no probe_up for {name}:\n{prom}"));
        assert_eq!(up.value, prometheus_parse::Value::Gauge(1.0));
    }
    // One HELP line per family, whatever the number of gateways.
    assert_eq!(prom.matches("# HELP openclaw_doctor_check ").count(), 1);

    let xml = doctor(admin.path(), &["check", "--all", "--format", "junit"], &[]).stdout;
    let (cases, suites) = common::parse_junit(&xml);
    assert!(
        suites.iter().any(|s| s == &format!("pid {pid_a}: probes")),
        "{suites:?}"
    );
    assert!(
        suites.iter().any(|s| s == &format!("pid {pid_b}: probes")),
        "{suites:?}"
    );
    assert!(!cases.is_empty());
}

#[test]
#[ignore]
fn a_restart_is_proven_by_a_new_gateway_and_an_unrestarted_one_is_not_taken_for_it() {
    let port = common::free_port();
    let gw = start(Start {
        user: None,
        extra_env: &[],
        args: &[],
        ports: (port, port),
    });
    let admin = tempfile::tempdir().unwrap();
    // A restart command that restarts nothing: the gateway answering is the old one.
    let run = doctor(
        admin.path(),
        &[
            "fix",
            "--apply",
            "--restart",
            "--restart-cmd",
            "true",
            "--timeout",
            "6s",
            "--format",
            "json",
        ],
        &[],
    );
    let report = run.json();
    assert_eq!(run.code, Some(1), "{report:#}");
    let restart = &report["fix"]["restart"];
    assert_eq!(restart["came_back"], false, "{report:#}");
    assert!(
        restart["detail"]
            .as_str()
            .unwrap()
            .contains("still the one from before the restart"),
        "{restart:#}"
    );
    assert_eq!(restart["before"]["boot_id"], restart["after"]["boot_id"]);

    // The openclaw CLI restarts it (in place on this machine): a new boot answers.
    let run = doctor(
        admin.path(),
        &[
            "fix",
            "--apply",
            "--restart",
            "--timeout",
            "120s",
            "--format",
            "json",
            "--openclaw",
            bin().to_str().unwrap(),
        ],
        &[],
    );
    let report = run.json();
    let restart = &report["fix"]["restart"];
    assert_eq!(restart["manager"], "openclaw gateway restart", "{report:#}");
    assert_eq!(restart["came_back"], true, "{report:#}");
    assert!(restart["before"]["boot_id"].is_string(), "{restart:#}");
    assert_ne!(restart["before"]["boot_id"], restart["after"]["boot_id"]);
    assert_eq!(run.code, Some(0), "{report:#}");
    drop(gw);
}

/// A system unit's gateway: the unit file (read through `SYSTEMD_UNIT_PATH`, as systemd reads
/// it), the process placed in the unit's cgroup as systemd places it, and a `systemctl` that
/// does what systemd would do on `restart` (this machine runs no systemd: pid 1 is not it).
#[test]
#[ignore]
fn a_system_unit_is_restarted_through_systemctl_and_a_new_process_answers() {
    let port = common::free_port();
    let unit = format!("claw-e2e-{port}.service");
    let gw = start(Start {
        user: Some("65534"),
        extra_env: &[],
        args: &[],
        ports: (port, port),
    });
    let cgroup = PathBuf::from(format!("/sys/fs/cgroup/systemd/system.slice/{unit}"));
    fs::create_dir_all(&cgroup).expect("the name=systemd cgroup hierarchy (cgroup v1)");
    let _cleanup = Cleanup(cgroup.clone());
    let pid = gw.pid();
    fs::write(cgroup.join("cgroup.procs"), pid.to_string()).unwrap();
    let units = tempfile::tempdir().unwrap();
    let home = gw.dir.path().join("home");
    fs::write(
        units.path().join(&unit),
        format!(
            "[Unit]\nDescription=OpenClaw (e2e)\n\n[Service]\nUser=nobody\nEnvironment=HOME={h}\nEnvironment=OPENCLAW_STATE_DIR={h}/.openclaw\nExecStart={bin} gateway --port {port}\nRestart=always\n",
            h = home.display(),
            bin = bin().display()
        ),
    )
    .unwrap();
    // systemctl restart UNIT: stop the unit's processes, start ExecStart again in its cgroup.
    let fake = tempfile::tempdir().unwrap();
    let calls = fake.path().join("calls");
    let script = format!(
        "#!/bin/sh\necho \"$@\" >> {calls}\n[ \"$1\" = restart ] || exit 1\nfor p in $(cat {cg}/cgroup.procs); do kill $p; done\nwhile [ -n \"$(cat {cg}/cgroup.procs)\" ]; do sleep 0.2; done\ncd {dir} && setsid sh -c 'echo $$ > {cg}/cgroup.procs; exec setpriv --reuid 65534 --regid 65534 --clear-groups -- env -i PATH=\"$PATH\" HOME={h} OPENCLAW_STATE_DIR={h}/.openclaw NO_COLOR=1 {bin} gateway run --port {port}' >/dev/null 2>&1 < /dev/null &\n",
        calls = calls.display(),
        cg = cgroup.display(),
        dir = gw.dir.path().display(),
        h = home.display(),
        bin = bin().display(),
    );
    let systemctl = fake.path().join("systemctl");
    fs::write(&systemctl, script).unwrap();
    fs::set_permissions(&systemctl, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        fake.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let admin = tempfile::tempdir().unwrap();
    let env = [
        ("SYSTEMD_UNIT_PATH", units.path().to_str().unwrap()),
        ("PATH", path.as_str()),
    ];
    let report = doctor(admin.path(), &["check", "--format", "json"], &env).json();
    assert_eq!(report["gateway"]["unit"], unit.as_str(), "{report:#}");
    assert_eq!(report["gateway"]["unit_scope"], "system");
    assert_eq!(report["gateway"]["pid"], pid);

    let run = doctor(
        admin.path(),
        &[
            "fix",
            "--apply",
            "--restart",
            "--timeout",
            "180s",
            "--format",
            "json",
        ],
        &env,
    );
    let report = run.json();
    let restart = &report["fix"]["restart"];
    assert_eq!(
        restart["manager"],
        format!("systemd system unit {unit}"),
        "{report:#}"
    );
    assert_eq!(restart["command"], format!("systemctl restart {unit}"));
    assert_eq!(
        fs::read_to_string(&calls).unwrap().trim(),
        format!("restart {unit}")
    );
    assert_eq!(restart["came_back"], true, "{report:#}");
    assert_eq!(restart["before"]["pid"], pid);
    let new_pid = restart["after"]["pid"].as_u64().unwrap();
    assert_ne!(new_pid, u64::from(pid), "a new process answers");
    assert_eq!(run.code, Some(0), "{report:#}");
    // The new process belongs to the unit too; stop it with the test.
    for p in fs::read_to_string(cgroup.join("cgroup.procs"))
        .unwrap_or_default()
        .lines()
    {
        let _ = Command::new("kill").arg(p).status();
    }
}

/// Removes a cgroup directory once its processes are gone.
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let procs = fs::read_to_string(self.0.join("cgroup.procs")).unwrap_or_default();
            for p in procs.lines() {
                let _ = Command::new("kill").args(["-9", p]).status();
            }
            if fs::remove_dir(&self.0).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Started with `--bind lan` while its config says loopback: it listens on every interface.
#[test]
#[ignore]
fn a_gateway_listening_elsewhere_than_its_bind_says_is_named() {
    let port = common::free_port();
    let gw = start(Start {
        user: None,
        extra_env: &[],
        args: &["--bind", "lan"],
        ports: (port, port),
    });
    let admin = tempfile::tempdir().unwrap();
    let report = doctor(admin.path(), &["check", "--format", "json"], &[]).json();
    assert_eq!(report["gateway"]["pid"], gw.pid(), "{report:#}");
    let f = finding(&report, "host.bind_mismatch");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!("0.0.0.0:{port}")) && msg.contains("\"loopback\""),
        "{msg}"
    );
    assert_eq!(f["path"], "gateway.bind");
    // No restart is pending until the config changes after the gateway's boot.
    assert!(
        !ids(&report).contains(&"host.restart_pending".to_string()),
        "{report:#}"
    );
    let later = Command::new("touch")
        .args(["-d", "+2 minutes"])
        .arg(gw.config())
        .status()
        .unwrap();
    assert!(later.success());
    let report = doctor(admin.path(), &["check", "--format", "json"], &[]).json();
    let pending = finding(&report, "host.restart_pending");
    assert!(
        pending["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{} changed", gw.config().display())),
        "{pending:#}"
    );
}

/// A gateway in a network namespace of its own (as in a container) bound to its loopback,
/// while a `docker-proxy` on the host publishes its port: nothing answers there.
#[test]
#[ignore]
fn a_gateway_in_a_container_on_its_own_loopback_behind_docker_proxy() {
    let port = common::free_port();
    let ns = format!("claw-e2e-{port}");
    let ip = |args: &[&str]| {
        let ok = Command::new("ip").args(args).status().unwrap().success();
        assert!(ok, "ip {args:?}");
    };
    ip(&["netns", "add", &ns]);
    let _ns = NetnsCleanup(ns.clone());
    ip(&["netns", "exec", &ns, "ip", "link", "set", "lo", "up"]);
    // The gateway, started in the namespace.
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("home/.openclaw");
    fs::create_dir_all(&state).unwrap();
    fs::write(
        state.join("openclaw.json"),
        format!("{{ gateway: {{ mode: \"local\", port: {port}, bind: \"loopback\", auth: {{ mode: \"token\", token: \"{TOKEN}\" }} }} }}"),
    )
    .unwrap();
    let log = dir.path().join("gateway.out");
    let child = Command::new("ip")
        .args(["netns", "exec", &ns])
        .arg(bin())
        .args(["gateway", "run"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path().join("home"))
        .env("OPENCLAW_STATE_DIR", &state)
        .env("NO_COLOR", "1")
        .stdout(fs::File::create(&log).unwrap())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let _gw = common::Proc::new(child, "gateway in a namespace", log);
    // docker-proxy on the host: a listener whose executable is named docker-proxy (comm
    // follows the name it was run by), with docker's arguments.
    let bin_dir = tempfile::tempdir().unwrap();
    let proxy_exe = bin_dir.path().join("docker-proxy");
    let python = ["/usr/bin/python3", "/usr/local/bin/python3"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("python3");
    std::os::unix::fs::symlink(python, &proxy_exe).unwrap();
    let script = format!(
        "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(('0.0.0.0',{port}))\ns.listen(8)\ntime.sleep(600)"
    );
    let port_s = port.to_string();
    let proxy = Command::new(&proxy_exe)
        .args([
            "-c",
            &script,
            "-proto",
            "tcp",
            "-host-ip",
            "0.0.0.0",
            "-host-port",
            &port_s,
        ])
        .args(["-container-ip", "172.17.0.2", "-container-port", &port_s])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let proxy_pid = proxy.id();
    let _proxy = common::Proc::new(proxy, "docker-proxy", bin_dir.path().join("none"));
    // The gateway listens inside its namespace when the namespace's loopback answers.
    let start = Instant::now();
    loop {
        let ok = Command::new("ip")
            .args(["netns", "exec", &ns, "bash", "-c"])
            .arg(format!("exec 3<>/dev/tcp/127.0.0.1/{port}"))
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "the namespaced gateway never listened"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let admin = tempfile::tempdir().unwrap();
    let report = doctor(
        admin.path(),
        &["check", "--format", "json", "--timeout", "2s"],
        &[],
    )
    .json();
    // `ip netns exec` gives it a mount namespace of its own too: its files are read through
    // /proc/PID/root.
    let pid = report["gateway"]["pid"].as_u64().unwrap_or(0);
    assert_eq!(
        report["config"]["path"],
        format!("/proc/{pid}/root{}", state.join("openclaw.json").display()),
        "{report:#}"
    );
    let f = finding(&report, "host.container_loopback");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!("docker-proxy (pid {proxy_pid})"))
            && msg.contains(&format!("127.0.0.1:{port}"))
            && msg.contains(&format!("172.17.0.2:{port}")),
        "{msg}"
    );
    assert_eq!(f["severity"], "error");
    // The probe from the host reaches docker-proxy, not the gateway.
    assert_ne!(
        common::probe(&report, "local", false)["outcome"],
        "hello_ok"
    );
}

/// Deletes a network namespace.
struct NetnsCleanup(String);

impl Drop for NetnsCleanup {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// A service with `PrivateTmp=` writes its log into a /tmp of its own: the doctor reads it
/// through /proc/PID/root (the gateway here gets a private /tmp/openclaw in a mount namespace
/// of its own, as systemd gives a private /tmp).
#[test]
#[ignore]
fn the_log_of_a_gateway_with_a_private_tmp_is_read_through_its_root() {
    let port = common::free_port();
    // Its files outside /tmp, which the private one hides.
    let dir = tempfile::tempdir_in("/var/tmp").unwrap();
    let state = dir.path().join("home/.openclaw");
    fs::create_dir_all(&state).unwrap();
    fs::write(
        state.join("openclaw.json"),
        format!("{{ gateway: {{ mode: \"local\", port: {port}, bind: \"loopback\", auth: {{ mode: \"token\", token: \"{TOKEN}\" }} }} }}"),
    )
    .unwrap();
    let log = dir.path().join("gateway.out");
    let child = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        // Its log directory is private (a whole private /tmp would also hide this checkout
        // and its Node when they live under /tmp).
        .arg("mkdir -p /tmp/openclaw && mount -t tmpfs -o mode=0700 tmpfs /tmp/openclaw && exec \"$0\" gateway run")
        .arg(bin())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path().join("home"))
        .env("OPENCLAW_STATE_DIR", &state)
        .env("NO_COLOR", "1")
        .stdout(fs::File::create(&log).unwrap())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let _gw = common::Proc::new(child, "gateway with a private /tmp", log);
    wait_hello(port, Duration::from_secs(180));
    let admin = tempfile::tempdir().unwrap();
    let cfg = state.join("openclaw.json");
    let report = doctor(
        admin.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            cfg.to_str().unwrap(),
        ],
        &[],
    )
    .json();
    let pid = report["gateway"]["pid"].as_u64().unwrap();
    let files: Vec<&str> = report["log"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let private = format!("/proc/{pid}/root/tmp/openclaw/openclaw-");
    assert!(
        !files.is_empty() && files.iter().all(|f| f.starts_with(&private)),
        "{report:#}"
    );
    assert!(
        report["log"]["locations"][0]["why"]
            .as_str()
            .unwrap()
            .contains(&format!("read through /proc/{pid}/root")),
        "{report:#}"
    );
    // Its start was read from its own log.
    assert!(report["log"]["starts"].as_u64().unwrap() >= 1, "{report:#}");
}

/// Two gateways of one user write one default log: each is judged by the lines of its own
/// port, and the report says the log is shared.
#[test]
#[ignore]
fn a_log_shared_by_two_gateways_is_told_apart_by_port() {
    let (pa, pb) = (common::free_port(), common::free_port());
    let a = start(Start {
        user: None,
        extra_env: &[],
        args: &[],
        ports: (pa, pa),
    });
    let b = start(Start {
        user: None,
        extra_env: &[],
        args: &[],
        ports: (pb, pb),
    });
    // A wrong token against B only: B's log lines name B's port.
    let v = probe_only(pb, "not-the-token-000", "5s");
    assert_eq!(v["probes"][0]["outcome"], "auth_failed", "{v:#}");
    std::thread::sleep(Duration::from_secs(2));
    let run = |gw: &Gateway| -> Value {
        let admin = tempfile::tempdir().unwrap();
        let cfg = gw.config();
        doctor(
            admin.path(),
            &[
                "check",
                "--format",
                "json",
                "--config",
                cfg.to_str().unwrap(),
            ],
            &[],
        )
        .json()
    };
    let count = |r: &Value| {
        r["log_evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "token_mismatch")
            .map_or(0, |e| e["count"].as_u64().unwrap())
    };
    let ra = run(&a);
    let rb = run(&b);
    assert_eq!(ra["log"]["port"], pa, "{ra:#}");
    assert!(
        ra["log"]["shared_with"]
            .to_string()
            .contains(&format!("pid {}", b.pid())),
        "{ra:#}"
    );
    assert!(
        ra["log"]["other_port_lines"].as_u64().unwrap() >= 1,
        "{ra:#}"
    );
    assert_eq!(count(&ra), 0, "B's refused connection is not A's: {ra:#}");
    assert!(count(&rb) >= 1, "{rb:#}");
}
