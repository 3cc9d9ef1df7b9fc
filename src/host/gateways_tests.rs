//! The join of processes, units and configs on host trees (the fake `/proc` of
//! `procfs::fake`): which config a gateway is believed to read, the order of the gateways, and
//! a CLI command beside a gateway.

use super::*;
use crate::host::procfs::fake::{FakeHost, listen_v4};
use std::os::unix::fs::MetadataExt;

const CONFIG: &str =
    "{ gateway: { mode: 'local', port: 18789, auth: { token: 't-0123456789abcdef' } } }";

/// A host with app's config (owned by app, uid 1000: the tests run as root), and a process
/// titled like a gateway run as `uid` with app's HOME, listening on `port` when given.
fn host_with(uid: u32, port: Option<u16>) -> (FakeHost, u32) {
    let host = FakeHost::new();
    host.write("home/app/.openclaw/openclaw.json", CONFIG.as_bytes());
    std::os::unix::fs::chown(
        host.path("home/app/.openclaw/openclaw.json"),
        Some(1000),
        Some(1000),
    )
    .expect("the tests run as root (chown)");
    let owner = std::fs::metadata(host.path("home/app/.openclaw/openclaw.json"))
        .unwrap()
        .uid();
    let p = host.process(100);
    p.comm("openclaw-gatewa")
        .uid(if uid == u32::MAX { owner } else { uid })
        .environ(&[("HOME", "/home/app")]);
    if let Some(port) = port {
        p.tcp(&listen_v4(7001, port), "").socket(20, 7001);
    }
    (host, owner)
}

#[test]
fn a_process_is_believed_only_about_its_own_users_config() {
    // Its own user's file: its config, its port.
    let (host, _) = host_with(u32::MAX, Some(18800));
    let found = super::scan(&host.root(), &Env::default(), false);
    let g = &found.gateways[0];
    assert!(
        g.config_path()
            .is_some_and(|p| p.ends_with("home/app/.openclaw/openclaw.json"))
    );
    assert_eq!(g.listen_port(), Some(18800));
    assert!(found.notes.is_empty(), "{:?}", found.notes);

    // Another user's process naming that file: not its config, and said so.
    let (host, owner) = host_with(4242, Some(18800));
    let found = super::scan(&host.root(), &Env::default(), false);
    let g = &found.gateways[0];
    assert_eq!(g.config_path(), None);
    assert!(
        found
            .notes
            .iter()
            .any(|n| n.contains(&format!("belongs to uid {owner}"))),
        "{:?}",
        found.notes
    );
    assert_eq!(found.first_with_config(), None);
}

#[test]
fn a_cli_command_beside_the_gateway_is_neither_a_second_gateway_nor_a_conflict() {
    let (host, _) = host_with(u32::MAX, Some(18800));
    // `openclaw gateway status` gets the same title and environment, and listens on nothing.
    let owner = std::fs::metadata(host.path("home/app/.openclaw/openclaw.json"))
        .unwrap()
        .uid();
    host.process(200)
        .comm("openclaw-gatewa")
        .uid(owner)
        .environ(&[("HOME", "/home/app")])
        .stat(1, 300);
    let found = super::scan(&host.root(), &Env::default(), false);
    assert_eq!(
        found.gateways.len(),
        1,
        "{:?}",
        found.gateways.iter().map(|g| g.label()).collect::<Vec<_>>()
    );
    assert_eq!(found.gateways[0].pid(), Some(100));
}

#[test]
fn units_come_after_processes_and_a_users_unit_is_named_with_its_user() {
    let (host, _) = host_with(u32::MAX, Some(18800));
    host.write(
        "etc/systemd/system/zz-claw.service",
        b"[Service]\nUser=app\nEnvironment=HOME=/home/other\nExecStart=/usr/bin/openclaw gateway --port 18801\n",
    );
    host.write("home/other/.openclaw/openclaw.json", CONFIG.as_bytes());
    std::os::unix::fs::chown(
        host.path("home/other/.openclaw/openclaw.json"),
        Some(1000),
        Some(1000),
    )
    .expect("chown");
    host.write(
        "home/app/.config/systemd/user/openclaw-gateway.service",
        b"[Service]\nExecStart=/usr/bin/openclaw gateway\n",
    );
    let found = super::scan(&host.root(), &Env::default(), false);
    let labels: Vec<String> = found.gateways.iter().map(|g| g.label()).collect();
    assert!(labels[0].starts_with("pid 100"), "{labels:?}");
    assert!(
        found.gateways.iter().any(|g| g.name() == "zz-claw.service"),
        "{labels:?}"
    );
    // The user unit's config is the running process's (same file): one entry, the process.
    assert!(
        !found
            .gateways
            .iter()
            .any(|g| g.name() == "openclaw-gateway.service@app"),
        "{labels:?}"
    );
    // Two gateways with --port 18801 and 18800: ports compared, no conflict.
    assert!(
        found.gateways.iter().all(|g| g.port.is_some()),
        "{labels:?}"
    );
}
