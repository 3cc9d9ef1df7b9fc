//! The process scan on real processes. This test binary re-executes itself (the `child_role`
//! test, told what to be by `HOST_PROCFS_ROLE`) through a link named `openclaw-gateway`, so
//! the kernel gives the child the gateway's `comm` (`openclaw-gatewa`): a listening gateway, an
//! idle titled process (a CLI command), and a scanner run as another user (`setpriv`) to see
//! what a non-root doctor gets from a root-owned gateway. The `#[ignore]` tests start the real
//! OpenClaw gateways (2026.9.6 and 2026.2.26, installed by `scripts/test.sh`).

mod common;

use openclaw_doctor::host::HostRoot;
use openclaw_doctor::host::procfs::{Access, GatewayKind, ProcScan, Process, listeners_on, scan};
use openclaw_doctor::host::users::Users;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ROLE: &str = "HOST_PROCFS_ROLE";

/// Held while copying this binary and while spawning: a child forked by another test while a
/// copy is open for writing would keep it open, and running the copy would fail with ETXTBSY.
static SPAWN: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn spawn(cmd: &mut Command) -> Child {
    let _lock = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    cmd.spawn().expect("spawn")
}
const NOBODY: u32 = 65534;

/// Not a test of its own: what a re-executed copy of this binary does.
#[test]
fn child_role() {
    match std::env::var(ROLE).as_deref() {
        Ok("listen") => listen(),
        Ok("idle") => {
            println!("READY 0 0");
            std::thread::sleep(Duration::from_secs(120));
        }
        Ok("scan") => print_scan(),
        _ => {}
    }
}

/// A gateway: 127.0.0.1 and, when the host has IPv6, [::1] on the same free port.
fn listen() {
    let v4 = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = v4.local_addr().expect("addr").port();
    let v6 = TcpListener::bind(("::1", port)).ok();
    println!("READY {port} {}", u8::from(v6.is_some()));
    // Bounded, so a crashed test run leaves nothing behind for long.
    std::thread::sleep(Duration::from_secs(120));
    drop((v4, v6));
}

/// One line per pid of `HOST_PROCFS_PIDS` as this user's scan sees it, and the owners of
/// `HOST_PROCFS_PORT`.
fn print_scan() {
    let root = HostRoot::real();
    let s = scan(&root, &Users::read(&root));
    // Off the line libtest started (`test child_role ... `).
    println!();
    let pids = std::env::var("HOST_PROCFS_PIDS").unwrap_or_default();
    for pid in pids.split(',').filter_map(|p| p.parse::<u32>().ok()) {
        let Some(p) = s.gateways.iter().find(|p| p.pid == pid) else {
            println!("PID {pid} missing");
            continue;
        };
        let access = |a: &Access<()>| match a {
            Access::Read(()) => "read",
            Access::Denied => "denied",
            Access::Gone => "gone",
        };
        let unreadable = s
            .unreadable
            .iter()
            .find(|u| u.pid == pid)
            .map_or("-".to_string(), |u| u.reason().replace(' ', "_"));
        println!(
            "PID {pid} kind={:?} uid={} env={} cwd={} sockets={} unreadable={unreadable}",
            p.kind,
            p.uid,
            access(&p.env.clone().map(|_| ())),
            access(&p.cwd.clone().map(|_| ())),
            access(&p.listening.clone().map(|_| ())),
        );
    }
    if let Some(port) = std::env::var("HOST_PROCFS_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        let (owners, unknown) = listeners_on(&root, port);
        println!("PORT owners={} unknown={unknown}", owners.len());
    }
}

/// A copy of this binary in a directory everyone can read (so `nobody` can run it), and the
/// `openclaw-gateway` link to it.
struct Exe {
    dir: tempfile::TempDir,
}

impl Exe {
    fn new() -> Exe {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        let copy = dir.path().join("host-procfs-test");
        let _lock = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        std::fs::copy(std::env::current_exe().expect("exe"), &copy).expect("copy");
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::os::unix::fs::symlink(&copy, dir.path().join("openclaw-gateway")).expect("link");
        Exe { dir }
    }

    /// The command running `role`: through the title link for a gateway, as `nobody` with
    /// `as_nobody`.
    fn command(&self, role: &str, titled: bool, as_nobody: bool) -> Command {
        let name = if titled {
            "openclaw-gateway"
        } else {
            "host-procfs-test"
        };
        let program = self.dir.path().join(name);
        let mut cmd = if as_nobody {
            let mut c = Command::new("setpriv");
            c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
                .arg(&program);
            c
        } else {
            Command::new(&program)
        };
        cmd.args(["child_role", "--exact", "--nocapture", "--test-threads=1"])
            .env(ROLE, role)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        cmd
    }
}

/// A started child, killed when the test ends (also when it fails).
struct Running {
    child: Child,
    port: u16,
    v6: bool,
}

impl Running {
    /// Starts `cmd` and waits for its `READY port v6` line.
    fn start(mut cmd: Command) -> Running {
        let mut child = spawn(&mut cmd);
        let out = child.stdout.take().expect("stdout");
        let ready = BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            // libtest has printed `test child_role ... ` on the same line.
            .find_map(|l| l.split_once("READY ").map(|(_, r)| r.to_string()));
        let Some(ready) = ready else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child exited before it was ready");
        };
        let mut f = ready.split(' ');
        let port = f.next().and_then(|p| p.parse().ok()).expect("port");
        let v6 = f.next() == Some("1");
        Running { child, port, v6 }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn addrs(&self) -> Vec<SocketAddr> {
        let mut a = vec![SocketAddr::from(([127, 0, 0, 1], self.port))];
        if self.v6 {
            a.push(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, self.port)));
        }
        a
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn scan_here() -> ProcScan {
    let root = HostRoot::real();
    scan(&root, &Users::read(&root))
}

fn find(s: &ProcScan, pid: u32) -> &Process {
    s.gateways
        .iter()
        .find(|p| p.pid == pid)
        .unwrap_or_else(|| panic!("pid {pid} not among {:?}", s.gateways))
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and touches no memory.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn a_titled_gateway_with_its_sockets_environment_and_cwd() {
    let exe = Exe::new();
    let marker = format!("procfs-test-{}", std::process::id());
    let mut cmd = exe.command("listen", true, false);
    cmd.env("OPENCLAW_PROFILE", &marker);
    let gw = Running::start(cmd);
    let idle = Running::start(exe.command("idle", true, false));
    let s = scan_here();
    let p = find(&s, gw.pid());
    assert_eq!(p.kind, GatewayKind::Gateway);
    assert_eq!(p.comm, "openclaw-gatewa");
    assert!(p.argv[0].ends_with("/openclaw-gateway"), "{:?}", p.argv);
    assert_eq!(p.listening, Access::Read(gw.addrs()));
    let env = p.env.ok().expect("our own child's environ");
    assert!(env.contains(&("OPENCLAW_PROFILE".to_string(), marker)));
    assert_eq!(p.cwd, Access::Read(exe.dir.path().to_path_buf()));
    assert_eq!(p.ppid, std::process::id());
    assert!(p.start_ticks > 0);
    assert_eq!(p.other_netns, Some(false));
    assert!(p.root_dir.is_none());
    let me = Users::read(&HostRoot::real());
    assert_eq!(p.user, me.by_uid(p.uid).map(|u| u.name.clone()));
    let q = find(&s, idle.pid());
    assert_eq!(q.kind, GatewayKind::NotListening);
    assert_eq!(q.listening, Access::Read(Vec::new()));
    let at = |pid| s.gateways.iter().position(|p| p.pid == pid);
    assert!(at(gw.pid()) < at(idle.pid()), "a gateway sorts first");
    assert!(!s.unreadable.iter().any(|u| u.pid == gw.pid()));
    assert!(s.processes > 2);

    let (owners, unknown) = listeners_on(&HostRoot::real(), gw.port);
    assert!(
        owners.contains(&(gw.pid(), "openclaw-gatewa".to_string(), p.uid)),
        "{owners:?}"
    );
    assert!(!unknown || !is_root(), "root reads every process's fds");
}

#[test]
fn another_users_gateway_and_a_scan_by_another_user() {
    if !is_root() {
        eprintln!("skipped: needs root to start processes as nobody");
        return;
    }
    let exe = Exe::new();
    let mine = Running::start(exe.command("listen", true, false));
    let theirs = Running::start(exe.command("listen", true, true));

    // Root reads nobody's gateway whole.
    let s = scan_here();
    let p = find(&s, theirs.pid());
    assert_eq!((p.uid, p.kind), (NOBODY, GatewayKind::Gateway));
    let users = Users::read(&HostRoot::real());
    assert_eq!(p.user, users.by_uid(NOBODY).map(|u| u.name.clone()));
    assert_eq!(p.listening, Access::Read(theirs.addrs()));
    assert!(matches!(p.env, Access::Read(_)));

    // nobody reads its own gateway, and of root's only what every user may: no panic, and
    // an Unreadable entry that says what is missing.
    let mut cmd = exe.command("scan", false, true);
    cmd.env(
        "HOST_PROCFS_PIDS",
        format!("{},{}", mine.pid(), theirs.pid()),
    )
    .env("HOST_PROCFS_PORT", mine.port.to_string());
    cmd.stderr(Stdio::piped());
    let out = spawn(&mut cmd).wait_with_output().expect("scan as nobody");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let line = |pid: u32| -> String {
        let prefix = format!("PID {pid} ");
        text.lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no line for {pid} in {text}"))
            .to_string()
    };
    assert_eq!(
        line(mine.pid()),
        format!(
            "PID {} kind=Unverified uid=0 env=denied cwd=denied sockets=denied unreadable=cwd,_environ,_sockets:_permission_denied",
            mine.pid()
        )
    );
    assert_eq!(
        line(theirs.pid()),
        format!(
            "PID {} kind=Gateway uid={NOBODY} env=read cwd=read sockets=read unreadable=-",
            theirs.pid()
        )
    );
    assert!(
        text.contains("PORT owners=0 unknown=true"),
        "root's socket cannot be attributed by nobody: {text}"
    );
}

#[test]
#[ignore = "end-to-end: the real OpenClaw 2026.9.6 (OPENCLAW_E2E_BIN, scripts/test.sh)"]
fn the_real_2026_9_gateway_is_its_titled_process() {
    let gw = common::start_gateway(&common::bin("OPENCLAW_E2E_BIN"), true);
    let pid = gw.proc.child.id();
    let s = scan_here();
    let p = find(&s, pid);
    assert_eq!(p.kind, GatewayKind::Gateway);
    assert_eq!(
        (p.comm.as_str(), p.argv.clone()),
        ("openclaw-gatewa", vec!["openclaw-gateway".to_string()])
    );
    let port = gw.port;
    assert_eq!(
        p.listening,
        Access::Read(vec![
            SocketAddr::from(([127, 0, 0, 1], port)),
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port))
        ])
    );
    let state = gw.dir.path().join("state").display().to_string();
    let env = p.env.ok().expect("environ");
    assert!(
        env.contains(&("OPENCLAW_STATE_DIR".to_string(), state)),
        "{env:?}"
    );
    // Its workers (`node …/spawn-broker/worker.js`) are not gateways.
    assert!(
        !s.gateways.iter().any(|q| q.ppid == pid),
        "{:?}",
        s.gateways
    );
}

#[test]
#[ignore = "end-to-end: the real OpenClaw 2026.2.26 (OPENCLAW_E2E_BIN_2026_2, scripts/test.sh)"]
fn the_real_2026_2_gateway_is_the_child_of_openclaw() {
    let gw = common::start_gateway(&common::bin("OPENCLAW_E2E_BIN_2026_2"), true);
    let parent = gw.proc.child.id();
    let s = scan_here();
    assert!(
        !s.gateways.iter().any(|q| q.pid == parent),
        "{:?}",
        s.gateways
    );
    let children: Vec<&Process> = s.gateways.iter().filter(|q| q.ppid == parent).collect();
    assert_eq!(children.len(), 1, "{:?}", s.gateways);
    let p = children[0];
    assert_eq!(
        (p.kind, p.comm.as_str()),
        (GatewayKind::Gateway, "openclaw-gatewa")
    );
    let port = gw.port;
    let v4 = |port| SocketAddr::from(([127, 0, 0, 1], port));
    let Access::Read(listening) = &p.listening else {
        panic!("{:?}", p.listening)
    };
    for want in [
        v4(port),
        SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
        v4(port + 2),
        v4(port + 3),
    ] {
        assert!(listening.contains(&want), "{want} not in {listening:?}");
    }
    let env = p.env.ok().expect("environ");
    assert!(
        env.contains(&("OPENCLAW_NODE_OPTIONS_READY".to_string(), "1".to_string())),
        "{env:?}"
    );
}
