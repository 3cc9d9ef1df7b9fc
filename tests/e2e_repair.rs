//! End-to-end repair loop against the real OpenClaw gateway behind the real nginx (facts §7):
//! a device paired locally with operator.read asks for operator.admin through the proxy,
//! which raises a real repair request; `fix --approve-repairs --yes` approves exactly it, and
//! afterwards the same device connects with operator.admin. A new device is left alone.

mod common;

use common::*;
use openclaw_doctor::probe::deep::DeviceIdentity;
use openclaw_doctor::probe::targets::{Auth, ProbeTarget, Side};
use openclaw_doctor::probe::ws::ConnectAs;
use openclaw_doctor::probe::{ProbeResult, ProbeSettings};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn connect(port: u16, side: Side, who: &ConnectAs) -> ProbeResult {
    let target = ProbeTarget {
        side,
        url: format!("ws://127.0.0.1:{port}"),
        host: "127.0.0.1".into(),
        port,
        tls: false,
        verify_tls: false,
        auth: Some(Auth::Token(TOKEN.into())),
        source: "test".into(),
        optional: false,
    };
    let settings = ProbeSettings {
        timeout: Duration::from_secs(10),
        tls: Arc::new(openclaw_doctor::probe::tls::insecure_config()),
        resolve: vec![],
        insecure: false,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(openclaw_doctor::probe::connect_as(target, settings, who))
}

fn as_device(
    identity: &Arc<DeviceIdentity>,
    client: &str,
    mode: &str,
    scopes: &[&str],
) -> ConnectAs {
    ConnectAs {
        client_id: client.into(),
        mode: mode.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        identity: Some(identity.clone()),
    }
}

fn openclaw_json(gw: &Gateway, args: &[&str]) -> Value {
    let out = std::process::Command::new(&gw.bin)
        .args(args)
        .env("HOME", gw.dir.path())
        .env("OPENCLAW_STATE_DIR", gw.dir.path().join("state"))
        .env("OPENCLAW_CONFIG_PATH", gw.config_path())
        .output()
        .unwrap();
    openclaw_doctor::openclaw::cli::parse_json_output(&String::from_utf8_lossy(&out.stdout))
        .unwrap_or_else(|| {
            panic!(
                "{:?}: {}{}",
                args,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
}

fn doctor_json(gw: &Gateway, args: &[&str]) -> (Value, String) {
    let out = assert_cmd::Command::cargo_bin("openclaw-doctor")
        .unwrap()
        .args(args)
        .arg("--openclaw")
        .arg(&gw.bin)
        .arg("--config")
        .arg(gw.config_path())
        .env_clear()
        .env("HOME", gw.dir.path())
        .env("OPENCLAW_STATE_DIR", gw.dir.path().join("state"))
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stdout.contains(TOKEN) && !stderr.contains(TOKEN),
        "token leaked"
    );
    let v =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("JSON ({e}): {stdout}\n{stderr}"));
    (v, stderr)
}

fn repair_flow(bin_path: &Path, modern: bool, summary: &mut Vec<String>) {
    let gw = start_gateway(bin_path, true);
    let proxy = free_port();
    let _nginx = start_nginx(
        &[format!(
            "    listen 127.0.0.1:{proxy};\n{}",
            location(gw.port, &format!("{UPGRADE} {FORWARD_PUBLIC}"))
        )],
        &[proxy],
    );
    let device = Arc::new(DeviceIdentity::from_seed([7u8; 32]));
    // 1. Paired locally with operator.read (silently on 2026.9.6; approved by hand if the
    //    version asks).
    let first = connect(
        gw.port,
        Side::Local,
        &as_device(&device, "cli", "cli", &["operator.read"]),
    );
    summary.push(format!(
        "local cli/operator.read: {} ({})",
        first.outcome.name(),
        first.detail
    ));
    if first.outcome.name() == "pairing_required" {
        let id = first.request_id.clone().expect("request id");
        openclaw_json(&gw, &["devices", "approve", &id, "--json"]);
        let again = connect(
            gw.port,
            Side::Local,
            &as_device(&device, "cli", "cli", &["operator.read"]),
        );
        summary.push(format!("local after approval: {}", again.outcome.name()));
    }
    // 2. The same device asks for operator.admin through nginx, as a sub-agent does.
    let admin = as_device(&device, "gateway-client", "backend", &["operator.admin"]);
    let upgrade = connect(proxy, Side::External, &admin);
    summary.push(format!(
        "through nginx as a sub-agent: {} (reason {:?}, request {:?})",
        upgrade.outcome.name(),
        upgrade.pairing_reason,
        upgrade.request_id
    ));
    assert_eq!(upgrade.outcome.name(), "pairing_required", "{upgrade:?}");
    // 3. A new, never-paired device through nginx: its request must be left alone.
    let stranger_as = ConnectAs::sub_agent();
    let stranger_device = stranger_as.identity.as_ref().unwrap().device_id();
    let stranger = connect(proxy, Side::External, &stranger_as);
    assert_eq!(stranger.outcome.name(), "pairing_required", "{stranger:?}");

    // check --devices reports both, the repair one as evidence of the proxy hop.
    let (report, _) = doctor_json(&gw, &["check", "--format", "json", "--devices"]);
    let devices = &report["devices"];
    summary.push(format!(
        "check --devices: source {}, {} pending",
        devices["source"],
        devices["pending"].as_array().map(|a| a.len()).unwrap_or(0)
    ));
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"devices.pending_repair"), "{report:#}");
    assert!(ids.contains(&"devices.pending_new"), "{report:#}");

    // 4. fix --approve-repairs --yes approves exactly the repair request.
    let (report, stderr) = doctor_json(
        &gw,
        &["fix", "--approve-repairs", "--yes", "--format", "json"],
    );
    let approved = report["fix"]["approved"].as_array().unwrap();
    summary.push(format!(
        "fix --approve-repairs: approved {approved:?}; left alone {}; verdict {}",
        report["fix"]["left_alone"].as_array().unwrap().len(),
        report["fix"]["verification"]["verdict"]
    ));
    let _ = stderr;
    {
        let _ = modern;
        assert_eq!(approved.len(), 1, "{report:#}");
        assert_eq!(approved[0]["ok"], true, "{report:#}");
        assert_eq!(approved[0]["device_id"], device.device_id(), "{report:#}");
        // The new device is listed, never approved (on 2026.2.26 the CLI's own device also
        // waits for pairing: its `devices list` hits "pairing required" too).
        let left = report["fix"]["left_alone"].as_array().unwrap();
        assert!(
            left.iter()
                .any(|l| l["device_id"] == stranger_device.as_str()),
            "{report:#}"
        );
        assert!(
            left.iter()
                .all(|l| l["device_id"] != device.device_id().as_str()),
            "{report:#}"
        );
        // 5. The same device now connects through nginx with operator.admin.
        let after = connect(proxy, Side::External, &admin);
        summary.push(format!(
            "through nginx after approval: {}",
            after.outcome.name()
        ));
        assert_eq!(after.outcome.name(), "hello_ok", "{after:?}");
        let list = openclaw_json(&gw, &["devices", "list", "--json"]);
        let stranger_id = stranger.request_id.clone().unwrap_or_default();
        let pending = list["pending"].to_string();
        // Request ids may be superseded, the device is what counts.
        assert!(
            pending.contains(&stranger_id) || pending.contains("\"isRepair\":false"),
            "the new device is still pending: {list}"
        );
    }
}

#[test]
#[ignore = "needs the real OpenClaw 2026.9.6 and nginx: run scripts/test.sh"]
fn repair_loop_2026_9_6() {
    let mut summary = Vec::new();
    repair_flow(&bin("OPENCLAW_E2E_BIN"), true, &mut summary);
    eprintln!("{}", summary.join("\n"));
}

#[test]
#[ignore = "needs the real OpenClaw 2026.2.26 and nginx: run scripts/test.sh"]
fn repair_loop_2026_2_26() {
    let mut summary = Vec::new();
    repair_flow(&bin("OPENCLAW_E2E_BIN_2026_2"), false, &mut summary);
    eprintln!("{}", summary.join("\n"));
}
