use super::classify::*;
use super::fake::{FakeHost, listen_v4, listen_v6};
use super::*;

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("address")
}

fn scan_of(host: &FakeHost) -> ProcScan {
    let root = host.root();
    scan(&root, &Users::read(&root))
}

fn by_pid(scan: &ProcScan, pid: u32) -> Option<&Process> {
    scan.gateways.iter().find(|p| p.pid == pid)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_2026_9_gateway_by_its_title_and_not_its_workers() {
    let host = FakeHost::new();
    host.process(100)
        .comm("openclaw-gatewa")
        .file("cmdline", b"openclaw-gateway\0\0\0   \0  ")
        .environ(&[
            ("HOME", "/home/app"),
            ("OPENCLAW_STATE_DIR", "/home/app/.openclaw"),
            ("EMPTY", ""),
            ("A", "b=c"),
        ])
        .link("cwd", "/home/app")
        .file(
            "cgroup",
            b"0::/user.slice/user-1000.slice/user@1000.service/app.slice/openclaw-gateway.service\n",
        )
        .tcp(
            &format!("{}{}", listen_v4(5000, 18789), listen_v4(5009, 9999)),
            &listen_v6(5001, 18789),
        )
        .socket(20, 5000)
        .socket(21, 5001)
        .link("fd/0", "/dev/null");
    host.process(101)
        .comm("node")
        .cmdline(&[
            "node",
            "/usr/lib/node_modules/openclaw/dist/spawn-broker/worker.js",
        ])
        .stat(100, 200);
    host.process(102).comm("bash").cmdline(&["bash"]);
    let scan = scan_of(&host);
    assert_eq!(scan.processes, 3);
    assert_eq!(scan.gateways.len(), 1, "{:?}", scan.gateways);
    let gw = &scan.gateways[0];
    assert_eq!(
        (gw.pid, gw.ppid, gw.uid, gw.start_ticks),
        (100, 1, 1000, 100)
    );
    assert_eq!(gw.kind, GatewayKind::Gateway);
    assert_eq!(gw.user.as_deref(), Some("app"));
    assert_eq!(gw.comm, "openclaw-gatewa");
    assert_eq!(gw.argv, ["openclaw-gateway"]);
    assert_eq!(gw.cwd, Access::Read(PathBuf::from("/home/app")));
    let env = gw.env.ok().expect("environ");
    assert_eq!(env[0], ("HOME".into(), "/home/app".into()));
    assert_eq!(env[2], ("EMPTY".into(), String::new()));
    assert_eq!(env[3], ("A".into(), "b=c".into()));
    assert_eq!(
        gw.listening,
        Access::Read(vec![addr("127.0.0.1:18789"), addr("[::1]:18789")])
    );
    assert_eq!(
        gw.unit,
        Some(CgroupUnit {
            name: "openclaw-gateway.service".into(),
            user_manager: Some(1000)
        })
    );
    assert!(!gw.container);
    assert_eq!(gw.other_netns, Some(false));
    assert_eq!(gw.root_dir, None);
    assert!(scan.unreadable.is_empty());
}

#[test]
fn a_2026_2_gateway_is_the_titled_child_not_its_parent() {
    let host = FakeHost::new();
    host.process(200).comm("openclaw").cmdline(&["openclaw"]);
    let tcp = [
        listen_v4(61234, 18852),
        listen_v4(61240, 18854),
        listen_v4(61241, 18855),
    ]
    .concat();
    let child = host.process(201);
    child
        .comm("openclaw-gatewa")
        .cmdline(&["openclaw-gateway"])
        .stat(200, 300)
        .environ(&[("OPENCLAW_NODE_OPTIONS_READY", "1")])
        .file("cgroup", b"0::/system.slice/openclaw.service\n")
        .tcp(&tcp, &listen_v6(61235, 18852));
    for (fd, inode) in [(20, 61234), (21, 61235), (22, 61240), (23, 61241)] {
        child.socket(fd, inode);
    }
    let scan = scan_of(&host);
    assert_eq!(scan.gateways.len(), 1, "{:?}", scan.gateways);
    let gw = &scan.gateways[0];
    assert_eq!((gw.pid, gw.ppid, gw.kind), (201, 200, GatewayKind::Gateway));
    assert_eq!(
        gw.listening,
        Access::Read(
            [
                "127.0.0.1:18852",
                "127.0.0.1:18854",
                "127.0.0.1:18855",
                "[::1]:18852"
            ]
            .map(addr)
            .to_vec()
        )
    );
    assert_eq!(
        gw.unit,
        Some(CgroupUnit {
            name: "openclaw.service".into(),
            user_manager: None
        })
    );
}

#[test]
fn cli_commands_and_argv_gateways() {
    let host = FakeHost::new();
    // `openclaw gateway status` on 2026.9: titled too, listens on nothing.
    host.process(300)
        .comm("openclaw-gatewa")
        .cmdline(&["openclaw-gateway"])
        .stat(1, 900);
    // An untitled gateway (older OpenClaw, or run from a checkout) that listens, on Node 24.
    host.process(301)
        .comm("MainThread")
        .cmdline(&["node", "/x/openclaw.mjs", "gateway", "--port", "1234"])
        .stat(1, 500)
        .tcp(&listen_v4(7001, 1234), "")
        .socket(3, 7001);
    // The same argv listening on nothing: not reported (a parent, or still starting).
    host.process(302).comm("node").cmdline(&[
        "node",
        "/x/openclaw.mjs",
        "gateway",
        "--port",
        "1234",
    ]);
    // `openclaw gateway install` is a CLI command even when it holds a listening socket.
    host.process(303)
        .comm("openclaw")
        .cmdline(&["openclaw", "gateway", "install"])
        .tcp(&listen_v4(7002, 4321), "")
        .socket(3, 7002);
    // A titled process by argv[0] only (`exec -a openclaw-gateway node …`).
    host.process(304)
        .comm("node")
        .cmdline(&["openclaw-gateway"])
        .stat(1, 100);
    // Titled, its argv already gone (exiting): the title is in comm alone.
    host.process(305)
        .comm("openclaw-gatewa")
        .file("cmdline", b"")
        .stat(1, 950);
    let scan = scan_of(&host);
    let order: Vec<(u32, GatewayKind)> = scan.gateways.iter().map(|p| (p.pid, p.kind)).collect();
    assert_eq!(
        order,
        [
            (301, GatewayKind::Gateway),
            (304, GatewayKind::NotListening),
            (300, GatewayKind::NotListening),
            (305, GatewayKind::NotListening)
        ]
    );
    assert_eq!(
        by_pid(&scan, 301).map(|p| p.listening.clone()),
        Some(Access::Read(vec![addr("127.0.0.1:1234")]))
    );
}

#[test]
fn openclaw_argv_rules() {
    let yes: &[&[&str]] = &[
        &["node", "/x/openclaw.mjs", "gateway", "--port", "1234"],
        &["openclaw", "gateway"],
        &["/usr/local/bin/openclaw", "gateway", "run", "--force"],
        &[
            "node",
            "--max-old-space-size=4096",
            "/app/dist/index.js",
            "gateway",
        ],
        &[
            "node",
            "/app/dist/entry.js",
            "--profile",
            "work",
            "gateway",
            "--bind=lan",
        ],
        &["bun", "C:\\app\\DIST\\Index.js", "Gateway", "Run"],
        &["openclaw.cmd", "gateway", "--token", "status"],
        &["tsx", "src/entry.ts", "gateway", "--verbose", "--dev"],
    ];
    for argv in yes {
        assert!(gateway_argv(&strings(argv)), "{argv:?}");
    }
    let no: &[&[&str]] = &[
        &[],
        &["openclaw"],
        &["openclaw", "gateway", "status"],
        &["openclaw", "gateway", "install", "--port", "1"],
        &["openclaw", "gateway", "--port", "1", "restart"],
        &["openclaw", "--profile", "gateway", "health"],
        &["node", "/app/dist/spawn-broker/worker.js", "gateway"],
        &["node", "server.js", "gateway"],
        &["openclaw-gateway"],
        &["openclaw", "agent", "gateway"],
        &["python3", "openclaw", "gateway"],
    ];
    for argv in no {
        assert!(!gateway_argv(&strings(argv)), "{argv:?}");
    }
    assert!(titled_argv(&strings(&["openclaw-gateway", "x"])));
    assert!(titled_argv(&strings(&["/tmp/t/openclaw-gateway"])));
    assert!(!titled_argv(&strings(&["openclaw", "gateway"])));
    assert_eq!(
        split_cmdline(b"openclaw-gateway\0 \0\0--x \0"),
        ["openclaw-gateway", "--x"]
    );
    assert_eq!(
        split_cmdline(b"openclaw-gateway        "),
        ["openclaw-gateway"]
    );
    assert_eq!(candidate(b"openclaw-gatewa"), Some(Candidate::Titled));
    assert_eq!(candidate(b"nodejs"), Some(Candidate::Runtime));
    assert_eq!(candidate(b"docker-proxy"), Some(Candidate::DockerProxy));
    assert_eq!(candidate(b"sleep"), None);
    assert_eq!(candidate(b""), None);
}

#[test]
fn docker_proxies() {
    let host = FakeHost::new();
    host.process(400).comm("docker-proxy").cmdline(&[
        "/usr/bin/docker-proxy",
        "-proto",
        "tcp",
        "-host-ip",
        "0.0.0.0",
        "-host-port",
        "18789",
        "-container-ip",
        "172.17.0.2",
        "-container-port",
        "18789",
        "-use-listen-fd",
    ]);
    host.process(401).comm("docker-proxy").cmdline(&[
        "docker-proxy",
        "-proto=udp",
        "-host-ip=0.0.0.0",
        "-host-port=53",
        "-container-ip=172.17.0.3",
        "-container-port=53",
    ]);
    host.process(402).comm("docker-proxy").cmdline(&[
        "docker-proxy",
        "--host-ip=::",
        "--host-port",
        "8080",
        "-container-ip",
        "[fd00::2]",
        "-container-port",
        "80",
    ]);
    host.process(403).comm("docker-proxy").cmdline(&[
        "docker-proxy",
        "-host-port",
        "1",
        "-container-port",
    ]);
    let mut proxies = scan_of(&host).docker_proxies;
    proxies.sort_by_key(|p| p.pid);
    assert_eq!(
        proxies,
        [
            DockerProxy {
                pid: 400,
                host: addr("0.0.0.0:18789"),
                container: addr("172.17.0.2:18789")
            },
            DockerProxy {
                pid: 402,
                host: addr("[::]:8080"),
                container: addr("[fd00::2]:80")
            }
        ]
    );
}

#[test]
fn cgroup_units() {
    let unit = |s: &str| cgroup_unit(s).map(|u| (u.name, u.user_manager));
    assert_eq!(
        unit("0::/system.slice/openclaw.service\n"),
        Some(("openclaw.service".into(), None))
    );
    assert_eq!(
        unit("0::/user.slice/user-1000.slice/user@1000.service/app.slice/openclaw-gateway.service"),
        Some(("openclaw-gateway.service".into(), Some(1000)))
    );
    // cgroup v1: the name=systemd line, whatever the controllers say.
    let v1 = "12:memory:/system.slice/other.service\n3:cpu,cpuacct:/\n1:name=systemd:/system.slice/myapp.service\n0::/\n";
    assert_eq!(unit(v1), Some(("myapp.service".into(), None)));
    // A delegated sub-cgroup still belongs to its service.
    assert_eq!(
        unit("0::/system.slice/openclaw.service/payload"),
        Some(("openclaw.service".into(), None))
    );
    for none in [
        "0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope",
        "0::/user.slice/user-1000.slice/session-3.scope",
        "0::/user.slice/user-1000.slice/user@1000.service/init.scope",
        "0::/user.slice/user-1000.slice/user@1000.service/app.slice/vte-spawn-1.scope",
        "0::/docker/0123456789ab",
        "0::/",
        "",
        "garbage",
    ] {
        assert_eq!(unit(none), None, "{none}");
    }
    let docker = "0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n";
    assert!(container_scope(docker));
    assert!(container_scope(
        "0::/machine.slice/libpod-0123456789abcdef.scope"
    ));
    assert!(!container_scope("0::/system.slice/docker.service"));
    assert!(!container_scope("0::/user.slice/session-3.scope"));
}

#[test]
fn containers_other_roots_and_namespaces() {
    let host = FakeHost::new();
    let elsewhere = host.path("var/lib/docker/overlay/merged");
    std::fs::create_dir_all(&elsewhere).expect("merged");
    host.process(500)
        .comm("openclaw-gatewa")
        .cmdline(&["openclaw-gateway"])
        .netns(2)
        .link("root", &elsewhere)
        .file("cgroup", b"0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n")
        .tcp(&listen_v4(9000, 18789), "")
        .socket(3, 9000);
    // A container on the host's network (`--network host`): our namespace, its own root.
    host.process(501)
        .comm("openclaw-gatewa")
        .cmdline(&["openclaw-gateway"])
        .link("root", &elsewhere)
        .file("cgroup", b"0::/system.slice/docker-fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.scope\n")
        .tcp(&listen_v4(9001, 18790), "")
        .socket(3, 9001);
    // On the host.
    host.process(502)
        .comm("openclaw-gatewa")
        .cmdline(&["openclaw-gateway"])
        .tcp(&listen_v4(9002, 18791), "")
        .socket(3, 9002);
    let scan = scan_of(&host);
    let gw = by_pid(&scan, 500).expect("found");
    assert_eq!(gw.kind, GatewayKind::Gateway);
    assert!(gw.container);
    assert_eq!(gw.other_netns, Some(true));
    assert_eq!(gw.root_dir, Some(host.path("proc/500/root")));
    assert_eq!(gw.unit, None);
    let listening = |pid| by_pid(&scan, pid).map(|p| p.listening.clone());
    assert_eq!(
        listening(500),
        Some(Access::Read(vec![addr("127.0.0.1:18789")]))
    );
    assert_eq!(
        listening(501),
        Some(Access::Read(vec![addr("127.0.0.1:18790")]))
    );
    assert_eq!(
        listening(502),
        Some(Access::Read(vec![addr("127.0.0.1:18791")]))
    );
    let host_net = by_pid(&scan, 501).expect("501");
    assert!(host_net.container);
    assert_eq!(host_net.other_netns, Some(false));
    assert!(host_net.root_dir.is_some());
    let plain = by_pid(&scan, 502).expect("502");
    assert!(!plain.container && plain.root_dir.is_none());
}

#[test]
fn vanished_and_garbage_processes() {
    let host = FakeHost::new();
    // Only comm left: the process exited between the two reads.
    host.write("proc/600/comm", b"openclaw-gatewa\n");
    // A directory with nothing in it, and a name that is not a pid.
    std::fs::create_dir_all(host.path("proc/601")).expect("601");
    std::fs::create_dir_all(host.path("proc/+602")).expect("+602");
    // Every file garbage.
    let junk: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let p = host.process(603);
    p.comm("openclaw-gatewa");
    for f in [
        "cmdline", "stat", "status", "environ", "cgroup", "net/tcp", "net/tcp6",
    ] {
        p.file(f, &junk);
    }
    p.link("fd/3", "socket:[")
        .link("fd/4", "socket:[99999999999999999999999]");
    // Plausible files but unparsable numbers.
    host.process(604)
        .comm("openclaw-gatewa")
        .file("stat", b"604 (a) b) c) S x")
        .file("status", b"Uid:\tnope\n");
    let scan = scan_of(&host);
    assert_eq!(scan.processes, 4);
    assert!(
        scan.gateways.iter().all(|p| p.pid == 603),
        "{:?}",
        scan.gateways
    );
    assert!(listeners_on(&host.root(), 80).0.is_empty());
}

#[test]
fn stat_status_environ_parsing() {
    assert_eq!(
        parse_stat(b"77 (a) b (c)) S 12 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 4242 1\n"),
        Some((12, 4242))
    );
    assert_eq!(parse_stat(b"77 (a) S 12"), None);
    assert_eq!(parse_stat(b""), None);
    assert_eq!(parse_status_uid(b"Name:\tx\nUid:\t33\t0\t0\t0\n"), Some(33));
    assert_eq!(parse_status_uid(b"Name:\tx\n"), None);
    assert_eq!(
        split_environ(b"A=1\0=x\0NOEQ\0B=\xff\0\0C=a=b"),
        [
            ("A".to_string(), "1".to_string()),
            ("B".to_string(), "\u{fffd}".to_string()),
            ("C".to_string(), "a=b".to_string())
        ]
    );
}

#[test]
fn access_from_errors() {
    use std::io::Error;
    let of = |code| Access::<()>::from_error(&Error::from_raw_os_error(code));
    assert_eq!(of(libc::EACCES), Access::Denied);
    assert_eq!(of(libc::EPERM), Access::Denied);
    assert_eq!(of(libc::ENOENT), Access::Gone);
    assert_eq!(of(libc::ESRCH), Access::Gone);
    let u = Unreadable {
        pid: 1,
        uid: 0,
        user: None,
        what: vec!["environ", "sockets"],
    };
    assert_eq!(u.reason(), "environ, sockets: permission denied");
}

#[test]
fn owners_of_a_port() {
    let host = FakeHost::new();
    host.process(700)
        .comm("nginx")
        .uid(0)
        .tcp(&listen_v4(8800, 8080), &listen_v6(8801, 8080))
        .socket(6, 8800)
        .socket(7, 8801);
    // The same port in another namespace (a container) is not ours.
    host.process(703)
        .netns(2)
        .comm("node")
        .tcp(&listen_v4(8802, 8080), "")
        .socket(3, 8802);
    host.process(701).comm("nginx").uid(33).socket(6, 8800);
    host.process(702).comm("sshd").uid(0).socket(3, 1);
    let (mut owners, unknown) = listeners_on(&host.root(), 8080);
    owners.sort_unstable();
    assert_eq!(
        owners,
        [
            (700, "nginx".to_string(), 0),
            (701, "nginx".to_string(), 33)
        ]
    );
    assert!(!unknown);
    assert!(listeners_on(&host.root(), 8081).0.is_empty());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Whatever a candidate's files hold, the scan returns.
    #[test]
    fn any_file_contents(
        comm in proptest::sample::select(vec!["openclaw-gatewa", "node", "docker-proxy", "openclaw"]),
        files in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..400), 8),
        link in "[ -~]{1,40}",
    ) {
        let host = FakeHost::new();
        let p = host.process(42);
        p.comm(comm).link("fd/3", &link).link("ns/net", &link);
        for (name, bytes) in ["cmdline", "stat", "status", "environ", "cgroup", "net/tcp", "net/tcp6"]
            .iter()
            .zip(&files)
        {
            p.file(name, bytes);
        }
        host.write("etc/passwd", &files[7]);
        let scan = scan_of(&host);
        proptest::prop_assert_eq!(scan.processes, 1);
    }
}
