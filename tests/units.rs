//! The systemd unit reader (`src/host/units.rs`, `src/host/unit_syntax.rs`) on real unit
//! texts (`fixtures/units/`, see its README), and against systemd 252 itself:
//! `systemd-analyze verify` on the fixtures, `systemd --test` (which dumps every unit as
//! systemd parsed it) on generated units, and systemd's environment.d generator (the same
//! file parser as `EnvironmentFile=`) on generated environment files.

use openclaw_doctor::host::HostRoot;
use openclaw_doctor::host::unit_syntax;
use openclaw_doctor::host::units::{self, EnvFileState, Scope, Unit};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/units")
}

fn root_at(dir: &Path) -> HostRoot {
    HostRoot {
        root: dir.to_path_buf(),
    }
}

/// Writes `text` at the host path `at` under `root`.
fn put(root: &Path, at: &str, text: &str) {
    let path = root.join(at.trim_start_matches('/'));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn fixture(rel: &str) -> String {
    fs::read_to_string(fixtures().join(rel)).unwrap()
}

fn find<'a>(units: &'a [Unit], name: &str) -> &'a Unit {
    units
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no unit {name} in {:?}", names(units)))
}

fn names(units: &[Unit]) -> Vec<&str> {
    units.iter().map(|u| u.name.as_str()).collect()
}

fn env_of(unit: &Unit) -> Vec<(String, String)> {
    unit.environment.iter().map(|v| v.value.clone()).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn claw() -> Vec<(String, u32, PathBuf)> {
    vec![("claw".to_string(), 1501, PathBuf::from("/home/claw"))]
}

fn home_of(users: &[(String, u32, PathBuf)]) -> impl Fn(&str) -> Option<PathBuf> + '_ {
    move |name| {
        users
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, h)| h.clone())
    }
}

#[test]
fn yunohost_unit_runs_a_gateway_as_its_app_user() {
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "/etc/systemd/system/openclaw.service",
        &fixture("yunohost/openclaw.service"),
    );
    let users = vec![(
        "openclaw".to_string(),
        1001,
        PathBuf::from("/home/openclaw"),
    )];
    let found = units::scan(&root_at(dir.path()), &users, &[]);
    assert_eq!(names(&found), ["openclaw.service"]);
    let u = &found[0];
    let file = Path::new("/etc/systemd/system/openclaw.service");
    assert_eq!(u.scope, Scope::System);
    assert_eq!(u.path, file);
    assert_eq!(u.refused, None, "{:?}", u.notes);
    let user = u.user.as_ref().unwrap();
    assert_eq!(
        (user.value.as_str(), user.file.as_path(), user.line),
        ("openclaw", file, 8)
    );
    let g = u.gateway.as_ref().expect("a gateway");
    let port = g.port.as_ref().unwrap();
    assert_eq!(
        (port.value, port.file.as_path(), port.line),
        (18789, file, 17)
    );
    assert_eq!(u.why, "ExecStart runs `openclaw gateway`");
    assert_eq!(
        u.working_dir.as_ref().unwrap().value,
        "/home/openclaw/.openclaw"
    );
    let env = u.service_env(home_of(&users));
    assert!(
        env.contains(&("HOME".into(), "/home/openclaw".into())),
        "{env:?}"
    );
    assert!(env.contains(&("USER".into(), "openclaw".into())), "{env:?}");
    assert!(
        env.contains(&(
            "OPENCLAW_STATE_DIR".into(),
            "/home/openclaw/.openclaw".into()
        )),
        "{env:?}"
    );
    let state = u
        .environment
        .iter()
        .find(|v| v.value.0 == "OPENCLAW_STATE_DIR")
        .unwrap();
    assert_eq!(state.line, 12);
}

#[test]
fn yunohost_template_before_substitution_has_no_port() {
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "/etc/systemd/system/openclaw-tpl.service",
        &fixture("yunohost/systemd.service"),
    );
    let found = units::scan(&root_at(dir.path()), &[], &[]);
    let g = found[0].gateway.as_ref().unwrap();
    assert_eq!(g.port, None);
    assert!(
        g.notes.iter().any(|n| n.contains("__PORT__")),
        "{:?}",
        g.notes
    );
}

#[test]
fn units_written_by_openclaw_gateway_install() {
    let users = claw();
    for (case, name) in [
        ("default", "openclaw-gateway.service"),
        ("profile-work", "openclaw-gateway-work.service"),
        ("env-file", "openclaw-gateway.service"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let at = format!("/home/claw/.config/systemd/user/{name}");
        put(
            dir.path(),
            &at,
            &fixture(&format!("openclaw-install/{case}/{name}")),
        );
        let found = units::scan(&root_at(dir.path()), &users, &[]);
        assert_eq!(names(&found), [name], "{case}");
        let u = &found[0];
        assert_eq!(
            u.scope,
            Scope::User {
                user: "claw".into(),
                uid: 1501
            }
        );
        assert_eq!(u.refused, None, "{case}: {:?}", u.notes);
        let exec = u.exec_start.as_ref().unwrap();
        assert_eq!(exec.line, 9, "{case}");
        assert_eq!(
            exec.value.argv[..3],
            [
                "/usr/local/bin/node",
                "--max-old-space-size=8192",
                "/usr/local/lib/node_modules/openclaw/dist/index.js"
            ]
        );
        let g = u.gateway.as_ref().unwrap();
        assert_eq!(g.port.as_ref().map(|p| p.value), Some(18789), "{case}");
        let env = u.service_env(home_of(&users));
        assert!(
            env.contains(&("NODE_OPTIONS".into(), String::new())),
            "{env:?}"
        );
        assert!(
            env.contains(&(
                "OPENCLAW_WINDOWS_TASK_NAME".into(),
                "OpenClaw Gateway".into()
            )) || case == "profile-work"
        );
        assert!(env.contains(&("HOME".into(), "/home/claw".into())));
        if case == "profile-work" {
            assert!(env.contains(&("OPENCLAW_PROFILE".into(), "work".into())));
            assert_eq!(
                u.description.as_deref(),
                Some("OpenClaw Gateway (profile: work)")
            );
        }
    }
}

#[test]
fn the_environment_file_openclaw_writes_is_read_when_there() {
    let users = claw();
    let unit = fixture("openclaw-install/env-file/openclaw-gateway.service");
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "/home/claw/.config/systemd/user/openclaw-gateway.service",
        &unit,
    );
    let found = units::scan(&root_at(dir.path()), &users, &[]);
    let files = &found[0].environment_files;
    assert_eq!(files.len(), 1);
    assert_eq!(
        files[0].path,
        Path::new("/home/claw/.openclaw/gateway.systemd.env")
    );
    assert!(files[0].optional);
    assert_eq!(files[0].state, EnvFileState::Missing);
    assert!(found[0].notes.iter().any(|n| n.contains("optional")));

    put(
        dir.path(),
        "/home/claw/.openclaw/gateway.systemd.env",
        &fixture("openclaw-install/env-file/gateway.systemd.env"),
    );
    let found = units::scan(&root_at(dir.path()), &users, &[]);
    let EnvFileState::Read(vars) = &found[0].environment_files[0].state else {
        panic!("{:?}", found[0].environment_files);
    };
    assert_eq!(
        vars[0].value,
        ("OPENAI_API_KEY".into(), "<redacted>".into())
    );
    assert_eq!(vars[0].line, 1);
    assert!(found[0].secrets().contains(&"<redacted>".to_string()));
    let env = found[0].service_env(home_of(&users));
    assert!(env.contains(&("OPENAI_API_KEY".into(), "<redacted>".into())));
}

/// The hand-written edge cases, read from their host tree as they are in the repository.
fn edge_units() -> Vec<Unit> {
    let extra = [
        "claw-status.service".to_string(),
        "claw-bad.service".to_string(),
    ];
    units::scan(&root_at(&fixtures().join("edge/host")), &claw(), &extra)
}

#[test]
fn a_dropin_replaces_exec_start_and_resets_environment() {
    let all = edge_units();
    let u = find(&all, "claw-dropin.service");
    let d = Path::new("/etc/systemd/system/claw-dropin.service.d");
    assert_eq!(u.dropins, [d.join("10-port.conf"), d.join("20-env.conf")]);
    let g = u.gateway.as_ref().unwrap();
    assert!(g.run);
    let port = g.port.as_ref().unwrap();
    assert_eq!(
        (port.value, port.file.clone(), port.line),
        (18791, d.join("10-port.conf"), 3)
    );
    assert_eq!(g.bind.as_ref().unwrap().value, "lan");
    assert_eq!(u.why, "ExecStart runs `openclaw gateway run`");
    assert_eq!(env_of(u), pairs(&[("OPENCLAW_STATE_DIR", "/srv/claw")]));
    assert_eq!(u.environment[0].file, d.join("20-env.conf"));
}

#[test]
fn continuation_lines_join_and_skip_comments() {
    let all = edge_units();
    let u = find(&all, "claw-continued.service");
    let exec = u.exec_start.as_ref().unwrap();
    assert_eq!(exec.line, 2);
    assert_eq!(
        exec.value.argv,
        [
            "/usr/bin/node",
            "/opt/openclaw/dist/index.js",
            "gateway",
            "--port=18792",
            "--allow-unconfigured"
        ]
    );
    let g = u.gateway.as_ref().unwrap();
    assert_eq!(g.port.as_ref().unwrap().value, 18792);
    assert!(g.allow_unconfigured);
    assert_eq!(
        env_of(u),
        pairs(&[
            ("OPENCLAW_PROFILE", "ops"),
            ("OPENCLAW_GATEWAY_PORT", "18792")
        ])
    );
    assert_eq!(u.environment[1].line, 7);
}

#[test]
fn quoted_environment_and_a_token_kept_secret() {
    let all = edge_units();
    let u = find(&all, "claw-quoted.service");
    assert_eq!(
        env_of(u),
        pairs(&[
            ("OPENCLAW_GATEWAY_TOKEN", "tok en"),
            ("GREETING", "hello world"),
            ("TAB", "a\tb"),
            ("PERCENT", "100%"),
            ("UNIT", "claw-quoted.service"),
            ("NOQUOTE", "abc"),
        ])
    );
    let g = u.gateway.as_ref().unwrap();
    assert_eq!(g.token.as_ref().unwrap().value.expose(), "s3cret value");
    assert_eq!(g.auth.as_ref().unwrap().value, "token");
    let shown = format!("{g:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    let secrets = u.secrets();
    assert!(secrets.contains(&"s3cret value".to_string()), "{secrets:?}");
    assert!(secrets.contains(&"tok en".to_string()), "{secrets:?}");
}

#[test]
fn home_specifier_and_tilde() {
    let all = edge_units();
    // %h is the manager's user's home: /root for a system unit, whatever User= says.
    let u = find(&all, "claw-home.service");
    assert_eq!(u.working_dir.as_ref().unwrap().value, "/root/.openclaw");
    assert_eq!(
        u.gateway.as_ref().unwrap().profile,
        None,
        "--profile after gateway"
    );
    // ~ is User='s home.
    let u = find(&all, "claw-tilde.service");
    assert_eq!(u.working_dir.as_ref().unwrap().value, "/home/claw");
    assert_eq!(
        u.gateway.as_ref().unwrap().profile.as_ref().unwrap().value,
        "work"
    );
    // In a user unit %h is that user's home; a prefix drop-in applies.
    let u = find(&all, "openclaw-gateway-work.service");
    assert!(matches!(&u.scope, Scope::User { user, .. } if user == "claw"));
    assert_eq!(
        u.working_dir.as_ref().unwrap().value,
        "/home/claw/.openclaw-work"
    );
    assert_eq!(
        u.exec_start.as_ref().unwrap().value.path,
        "/home/claw/.local/bin/openclaw"
    );
    assert_eq!(
        u.gateway.as_ref().unwrap().port.as_ref().unwrap().value,
        18795
    );
    assert_eq!(env_of(u), pairs(&[("FROM_PREFIX_DROPIN", "1")]));
    assert_eq!(
        u.dropins,
        [PathBuf::from(
            "/home/claw/.config/systemd/user/openclaw-gateway-.service.d/50-common.conf"
        )]
    );
}

#[test]
fn a_masked_unit_is_reported_as_masked() {
    let all = edge_units();
    let u = find(&all, "openclaw-old.service");
    assert!(u.masked);
    assert_eq!(
        u.path,
        Path::new("/etc/systemd/system/openclaw-old.service")
    );
    assert_eq!(
        u.gateway.as_ref().unwrap().port.as_ref().unwrap().value,
        18700
    );
    assert!(
        u.notes
            .iter()
            .any(|n| n.contains("masks /usr/lib/systemd/system/openclaw-old.service"))
    );
}

#[test]
fn a_gateway_inside_sh_c_and_a_cli_command_that_is_none() {
    let all = edge_units();
    let u = find(&all, "claw-shell.service");
    let g = u.gateway.as_ref().unwrap();
    assert!(g.via_shell);
    assert_eq!(g.port.as_ref().unwrap().value, 18790);
    assert_eq!(g.argv, ["openclaw", "gateway", "--port", "18790"]);
    assert_eq!(u.why, "ExecStart runs `openclaw gateway` inside `sh -c`");
    let u = find(&all, "claw-status.service");
    assert_eq!(u.gateway, None);
    assert_eq!(u.why, "");
    // Not asked for, not named openclaw, not a gateway: not reported.
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "/etc/systemd/system/claw-status.service",
        &fs::read_to_string(fixtures().join("edge/host/etc/systemd/system/claw-status.service"))
            .unwrap(),
    );
    assert!(units::scan(&root_at(dir.path()), &[], &[]).is_empty());
}

#[test]
fn environment_files_missing_optional_and_read() {
    let all = edge_units();
    let u = find(&all, "claw-envfile.service");
    let states: Vec<(&Path, bool, &EnvFileState)> = u
        .environment_files
        .iter()
        .map(|f| (f.path.as_path(), f.optional, &f.state))
        .collect();
    assert_eq!(
        states[0],
        (
            Path::new("/etc/claw/missing.env"),
            false,
            &EnvFileState::Missing
        )
    );
    assert_eq!(
        states[1],
        (
            Path::new("/etc/claw/optional-missing.env"),
            true,
            &EnvFileState::Missing
        )
    );
    assert!(
        u.notes
            .iter()
            .any(|n| n.contains("missing.env is missing: systemd refuses"))
    );
    assert!(
        u.notes
            .iter()
            .any(|n| n.contains("optional EnvironmentFile /etc/claw/optional-missing.env"))
    );
    let EnvFileState::Read(vars) = states[2].2 else {
        panic!("{:?}", states[2]);
    };
    let read: Vec<(String, String)> = vars.iter().map(|v| v.value.clone()).collect();
    assert_eq!(
        read,
        pairs(&[
            ("OPENCLAW_GATEWAY_PORT", "18793"),
            ("QUOTED", "two wordstail"),
            ("SINGLE", "its"),
            ("CONTINUED", "ab"),
            ("SPACED", "value with spaces"),
        ])
    );
    assert_eq!(vars[4].line, 9);
    // EnvironmentFile= beats Environment=, and ExecStart's ${VAR} takes the result.
    let env = u.service_env(|_| None);
    assert!(
        env.contains(&("OPENCLAW_GATEWAY_PORT".into(), "18793".into())),
        "{env:?}"
    );
    assert_eq!(
        u.gateway.as_ref().unwrap().port.as_ref().unwrap().value,
        18793
    );
}

#[test]
fn a_unit_systemd_refuses() {
    let all = edge_units();
    let u = find(&all, "claw-bad.service");
    assert!(
        u.refused.as_ref().unwrap().contains("unbalanced quoting"),
        "{u:?}"
    );
    assert_eq!(u.gateway, None);
    let u = find(&all, "claw-bad-header.service");
    assert!(
        u.refused
            .as_ref()
            .unwrap()
            .contains("invalid section header"),
        "{u:?}"
    );
}

/// Whether `systemd-analyze verify` refuses the unit file `file` (with its `.d` drop-ins);
/// `None` without systemd-analyze. A missing executable is not a refusal here.
fn systemd_refuses(file: &Path) -> Option<bool> {
    let tmp = tempfile::tempdir().unwrap();
    let name = file.file_name().unwrap();
    fs::copy(file, tmp.path().join(name)).unwrap();
    let dropins = file.with_file_name(format!("{}.d", name.to_str().unwrap()));
    if dropins.is_dir() {
        let to = tmp.path().join(dropins.file_name().unwrap());
        fs::create_dir(&to).unwrap();
        for e in fs::read_dir(&dropins).unwrap() {
            let e = e.unwrap();
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(tmp.path().join(name))
        .output()
        .ok()?;
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    Some(text.contains("bad unit file setting") || text.contains("failed to load properly"))
}

#[test]
fn systemd_analyze_verify_agrees_on_which_units_load() {
    let dir = fixtures().join("edge/host/etc/systemd/system");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "service") && !p.is_symlink())
        .collect();
    files.sort();
    files.push(fixtures().join("yunohost/openclaw.service"));
    files.push(fixtures().join("openclaw-install/default/openclaw-gateway.service"));
    files.push(fixtures().join("openclaw-install/profile-work/openclaw-gateway-work.service"));
    let mut checked = 0;
    for file in &files {
        let Some(refused) = systemd_refuses(file) else {
            eprintln!("systemd-analyze is not installed: verify not compared");
            return;
        };
        let name = file.file_name().unwrap().to_str().unwrap().to_string();
        let tmp = tempfile::tempdir().unwrap();
        put(
            tmp.path(),
            &format!("/etc/systemd/system/{name}"),
            &fs::read_to_string(file).unwrap(),
        );
        let dropins = file.with_file_name(format!("{name}.d"));
        if dropins.is_dir() {
            for e in fs::read_dir(&dropins).unwrap() {
                let e = e.unwrap();
                let at = format!(
                    "/etc/systemd/system/{name}.d/{}",
                    e.file_name().to_str().unwrap()
                );
                put(tmp.path(), &at, &fs::read_to_string(e.path()).unwrap());
            }
        }
        let found = units::scan(&root_at(tmp.path()), &[], std::slice::from_ref(&name));
        let ours = find(&found, &name).refused.is_some();
        assert_eq!(
            ours, refused,
            "{name}: systemd refuses: {refused}, the doctor: {ours}"
        );
        checked += 1;
    }
    assert!(checked >= 12, "{checked}");
}

#[test]
fn exec_start_variables_as_systemd_service_5_says() {
    // The two examples of systemd.service(5), "Command lines".
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "/etc/systemd/system/openclaw-a.service",
        "[Service]\nEnvironment=\"ONE=one\" 'TWO=two two'\nExecStart=echo $ONE $TWO ${TWO}\n",
    );
    put(
        dir.path(),
        "/etc/systemd/system/openclaw-b.service",
        "[Service]\nType=oneshot\nEnvironment=ONE='one' \"TWO='two two' too\" THREE=\nExecStart=/bin/echo ${ONE} ${TWO} ${THREE}\n",
    );
    put(
        dir.path(),
        "/etc/systemd/system/openclaw-c.service",
        "[Service]\nEnvironment=ONE='one' \"TWO='two two' too\" THREE=\nExecStart=/bin/echo $ONE $TWO $THREE $$ $NONE :${NONE}:\n",
    );
    put(
        dir.path(),
        "/etc/systemd/system/openclaw-d.service",
        "[Service]\nEnvironment=ONE=1\nExecStart=:/bin/echo $ONE ${ONE}\n",
    );
    let found = units::scan(&root_at(dir.path()), &[], &[]);
    let argv = |name: &str| {
        let u = find(&found, name);
        let env = u.service_env(|_| None);
        u.exec_start.as_ref().unwrap().value.expanded_argv(&env)
    };
    assert_eq!(
        argv("openclaw-a.service"),
        ["echo", "one", "two", "two", "two two"]
    );
    // systemd.service(5) says "'one'" here, but systemd 252 removes quotes inside a word
    // (`ONE='one'` is `one`, as `systemd --test` shows): the real systemd is followed.
    assert_eq!(
        argv("openclaw-b.service"),
        ["/bin/echo", "one", "'two two' too", ""]
    );
    assert_eq!(
        argv("openclaw-c.service"),
        ["/bin/echo", "one", "two two", "too", "$", "::"]
    );
    assert_eq!(argv("openclaw-d.service"), ["/bin/echo", "$ONE", "${ONE}"]);
}

#[test]
fn vendor_directories_are_read_only_for_openclaw_names() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[Service]\nExecStart=/usr/bin/openclaw gateway --port 18800\n";
    put(dir.path(), "/usr/lib/systemd/system/other.service", text);
    put(
        dir.path(),
        "/usr/lib/systemd/system/openclaw-x.service",
        text,
    );
    put(dir.path(), "/etc/systemd/system/mine.service", text);
    let found = units::scan(&root_at(dir.path()), &[], &[]);
    assert_eq!(names(&found), ["mine.service", "openclaw-x.service"]);
    // A name the caller saw in a process's cgroup is read wherever it is.
    let found = units::scan(&root_at(dir.path()), &[], &["other.service".to_string()]);
    assert_eq!(
        names(&found),
        ["mine.service", "openclaw-x.service", "other.service"]
    );
    // The first directory that has a name wins.
    put(
        dir.path(),
        "/etc/systemd/system/openclaw-x.service",
        "[Service]\nExecStart=/usr/bin/openclaw gateway --port 18801\n",
    );
    let found = units::scan(&root_at(dir.path()), &[], &[]);
    let u = find(&found, "openclaw-x.service");
    assert_eq!(
        u.gateway.as_ref().unwrap().port.as_ref().unwrap().value,
        18801
    );
}

#[test]
fn user_units_only_for_users_that_have_a_manager_or_units() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[Service]\nExecStart=/usr/bin/openclaw gateway --port 18802\n";
    put(
        dir.path(),
        "/etc/systemd/user/openclaw-gateway.service",
        text,
    );
    let users = vec![
        ("ann".to_string(), 2001, PathBuf::from("/home/ann")),
        ("bob".to_string(), 2002, PathBuf::from("/home/bob")),
    ];
    assert!(units::scan(&root_at(dir.path()), &users, &[]).is_empty());
    put(dir.path(), "/var/lib/systemd/linger/bob", "");
    let found = units::scan(&root_at(dir.path()), &users, &[]);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].scope,
        Scope::User {
            user: "bob".into(),
            uid: 2002
        }
    );
}

#[test]
fn files_over_one_mebibyte_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = "[Service]\nExecStart=/usr/bin/openclaw gateway --port 1\n".to_string();
    text.push_str(&"#".repeat(1 << 20));
    put(
        dir.path(),
        "/etc/systemd/system/openclaw-big.service",
        &text,
    );
    let found = units::scan(&root_at(dir.path()), &[], &[]);
    assert_eq!(found[0].exec_start, None);
    assert!(
        found[0].notes.iter().any(|n| n.contains("over 1 MiB")),
        "{:?}",
        found[0].notes
    );
}

/// The scan on this machine (the real `/`), timed; printed for the README's figures.
#[test]
fn scan_of_this_host_is_fast() {
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    let users: Vec<(String, u32, PathBuf)> = passwd
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            Some((
                f.first()?.to_string(),
                f.get(2)?.parse().ok()?,
                PathBuf::from(f.get(5)?),
            ))
        })
        .collect();
    let root = HostRoot::real();
    let mut times: Vec<std::time::Duration> = (0..31)
        .map(|_| {
            let start = std::time::Instant::now();
            std::hint::black_box(units::scan(&root, &users, &[]));
            start.elapsed()
        })
        .collect();
    times.sort();
    eprintln!(
        "unit scan of this host: median {:?} ({} users)",
        times[15],
        users.len()
    );
    assert!(
        times[15] < std::time::Duration::from_millis(10),
        "{:?}",
        times[15]
    );
}

// ---------------------------------------------------------------------------------------
// Against systemd itself.

/// A small deterministic generator (xorshift64*), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Pieces of values: plain text, blanks, quotes, every escape form (valid and not), and
/// specifiers systemd resolves the same way on any host (not `%H`, `%m`…, nor `%y`, which
/// names the temporary directory).
const VALUE_PIECES: &[&str] = &[
    "a",
    "b",
    "Z9",
    "x_y",
    " ",
    "  ",
    "\t",
    "\\t",
    "\\x41",
    "\\x00",
    "\\x4",
    "\\101",
    "\\0",
    "\\u00e9",
    "\\uD800",
    "\\U0001F600",
    "\\U00110000",
    "\\s",
    "\\\\",
    "\\\"",
    "\\'",
    "\\q",
    "\\a",
    "\\v",
    "\\177",
    "é",
    "%%",
    "%n",
    "%N",
    "%p",
    "%P",
    "%i",
    "%I",
    "%j",
    "%J",
    "%f",
    "%h",
    "%u",
    "%U",
    "%t",
    "%S",
    "%C",
    "%L",
    "%E",
    "%T",
    "%V",
    "%z",
    "%-",
    "$",
    "=",
    "\"",
    "'",
    ";",
    "\\;",
    "#",
    ",",
    "\"q q\"",
    "'s s'",
    "/",
    ":",
];

const NAMES: &[&str] = &["A", "B_2", "_c", "1bad", "bad-name", "", "T", "ÄB"];

fn value(rng: &mut Rng, extra: &[&str]) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(5) {
        if !extra.is_empty() && rng.chance(15) {
            s.push_str(rng.pick(extra));
        } else {
            s.push_str(rng.pick(VALUE_PIECES));
        }
    }
    s
}

fn environment_line(rng: &mut Rng) -> String {
    if rng.chance(8) {
        return "Environment=".to_string();
    }
    let mut words = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let body = if rng.chance(90) {
            format!("{}={}", rng.pick(NAMES), value(rng, &[]))
        } else {
            value(rng, &[])
        };
        let word = match rng.below(4) {
            0 => format!("\"{body}\""),
            1 => format!("'{body}'"),
            _ => body,
        };
        words.push(word);
    }
    let sep = rng.pick(&[" ", "  ", "\t"]);
    format!("Environment={}", words.join(sep))
}

fn exec_line(rng: &mut Rng) -> String {
    if rng.chance(8) {
        return "ExecStart=".to_string();
    }
    let prefix = rng.pick(&[
        "", "", "-", "@", ":", "+", "!", "!!", "-@", "@-", "+!", "!-", "::", "--",
    ]);
    let good = [
        "/bin/echo",
        "echo",
        "/usr/bin/openclaw",
        "\"/bin/with space\"",
        "a%%b",
        "%h/bin/x",
    ];
    let bad = ["./rel", "rel/x", "/bin/e\\\"x", "%z/x", "", "/bin//./echo/"];
    let program = if rng.chance(80) {
        rng.pick(&good)
    } else {
        rng.pick(&bad)
    };
    let mut line = format!("ExecStart={prefix}{program}");
    if prefix.contains('@') {
        line.push_str(" argv0");
    }
    let args = [
        "$A", "${B}", "$$", ";", "\\;", "\"x;\"", "\\n", "gateway", "--port",
    ];
    for _ in 0..rng.below(5) {
        line.push(' ');
        line.push_str(&value(rng, &args));
    }
    line
}

/// A unit text, sometimes with continuations, comments, odd sections and broken headers.
fn unit_text(rng: &mut Rng) -> String {
    let mut lines: Vec<String> = Vec::new();
    if rng.chance(3) {
        lines.push("Environment=A=before-any-section".into());
    }
    lines.push("[Unit]".into());
    lines.push("Description=generated".into());
    lines.push("[Service]".into());
    if rng.chance(50) {
        lines.push("Type=oneshot".into());
    }
    for _ in 0..1 + rng.below(5) {
        let line = match rng.below(10) {
            0..=3 => environment_line(rng),
            4..=6 => exec_line(rng),
            7 => format!(
                "EnvironmentFile={}",
                rng.pick(&[
                    "/etc/x.env",
                    "-/etc/y%%.env",
                    "-%h/e.env",
                    "rel.env",
                    "%z/x",
                    "",
                    "-/e/%n"
                ])
            ),
            8 => format!("User={}", rng.pick(&["claw", "%u", "0", "", "%z"])),
            _ => rng
                .pick(&[
                    "# comment",
                    "; comment",
                    "",
                    "NoEquals",
                    " = novalue",
                    "[X-Mine]\nEnvironment=T=ignored\n[Service]",
                    "[Foo]\nExecStart=/bin/ignored\n[Service]",
                ])
                .to_string(),
        };
        lines.push(line);
    }
    if rng.chance(3) {
        lines.push("[Broken".into());
    }
    let mut text = String::new();
    for line in lines {
        // Continue a line at a blank, sometimes with a comment line between.
        match line.find(' ').filter(|_| rng.chance(20)) {
            Some(at) => {
                text.push_str(&line[..at]);
                text.push_str("\\\n");
                if rng.chance(50) {
                    text.push_str("# inside\n");
                }
                text.push_str(&line[at..]);
            }
            None => text.push_str(&line),
        }
        text.push('\n');
    }
    text
}

/// One unit as `systemd --test` dumps it.
#[derive(Debug, Default)]
struct Dumped {
    load_state: String,
    environment: Vec<String>,
    environment_files: Vec<String>,
    commands: Vec<Vec<String>>,
    user: Option<String>,
}

/// Undoes the quoting of a dumped command line (systemd's `quote_command_line`).
fn unquote_command_line(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' {
            i += 1;
            continue;
        }
        let mut word = Vec::new();
        if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' && i + 1 < bytes.len() {
                    i += 1;
                    let c = bytes[i];
                    let simple = match c {
                        b'a' => Some(7),
                        b'b' => Some(8),
                        b'f' => Some(12),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'v' => Some(11),
                        b'0'..=b'3' => None,
                        other => Some(other),
                    };
                    match simple {
                        Some(b) => word.push(b),
                        None => {
                            let oct = std::str::from_utf8(&bytes[i..i + 3]).unwrap();
                            word.push(u8::from_str_radix(oct, 8).unwrap());
                            i += 2;
                        }
                    }
                } else {
                    word.push(bytes[i]);
                }
                i += 1;
            }
            i += 1;
        } else {
            while i < bytes.len() && bytes[i] != b' ' {
                word.push(bytes[i]);
                i += 1;
            }
        }
        words.push(String::from_utf8_lossy(&word).into_owned());
    }
    words
}

fn parse_dump(text: &str) -> std::collections::HashMap<String, Dumped> {
    let mut out = std::collections::HashMap::new();
    let mut current: Option<String> = None;
    let mut in_exec_start = false;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("\t-> Unit ") {
            current = Some(name.trim_end_matches(':').to_string());
            continue;
        }
        let Some(name) = &current else { continue };
        let d: &mut Dumped = out.entry(name.clone()).or_default();
        if let Some(v) = line.strip_prefix("\t\tUnit Load State: ") {
            d.load_state = v.to_string();
        } else if let Some(v) = line.strip_prefix("\t\tEnvironment: ") {
            d.environment.push(v.to_string());
        } else if let Some(v) = line.strip_prefix("\t\tEnvironmentFile: ") {
            d.environment_files.push(v.to_string());
        } else if let Some(v) = line.strip_prefix("\t\tUser: ") {
            d.user = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("\t\t-> ") {
            in_exec_start = v == "ExecStart:";
        } else if let Some(v) = line.strip_prefix("\t\t\tCommand Line: ") {
            if in_exec_start {
                d.commands.push(unquote_command_line(v));
            }
        } else if !line.starts_with("\t\t\t") {
            in_exec_start = false;
        }
    }
    out
}

fn systemd_binary() -> Option<PathBuf> {
    ["/lib/systemd/systemd", "/usr/lib/systemd/systemd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// `systemd --test --system` over the units in `dir` (before the usual search path), pulled
/// in by `all.target`; `None` when systemd cannot run here. Run as `nobody` when we are root
/// (systemd refuses test mode as root), with `HOME=/root` as in PID 1.
fn systemd_test_dump(dir: &Path) -> Option<String> {
    let systemd = systemd_binary()?;
    let mut cmd = if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&systemd);
        c
    } else {
        Command::new(&systemd)
    };
    cmd.args([
        "--test",
        "--system",
        "--unit=all.target",
        "--no-pager",
        "--log-target=null",
    ])
    .env_clear()
    .env("HOME", "/root")
    .env("PATH", "/usr/bin:/bin")
    .env("SYSTEMD_UNIT_PATH", format!("{}:", dir.display()));
    let out = cmd.output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.contains("-> Unit all.target").then_some(text)
}

fn chmod_world_readable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walk(dir) {
        let mode = if entry.is_dir() { 0o755 } else { 0o644 };
        if !entry.is_symlink() {
            fs::set_permissions(&entry, fs::Permissions::from_mode(mode)).unwrap();
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn environment_and_exec_start_parse_as_systemd_does() {
    let seed = std::env::var("UNITS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_u64);
    let mut rng = Rng(seed);
    let tmp = tempfile::tempdir().unwrap();
    let host = tmp.path();
    let unit_dir = host.join("etc/systemd/system");
    fs::create_dir_all(&unit_dir).unwrap();
    let mut names = Vec::new();
    for i in 0..500 {
        let name = match i % 10 {
            0 => format!("ga-b-{i}.service"),
            1 => format!("tpl{i}@x-y.service"),
            2 if rng.chance(30) => {
                let name = format!("masked{i}.service");
                std::os::unix::fs::symlink("/dev/null", unit_dir.join(&name)).unwrap();
                names.push(name);
                continue;
            }
            _ => format!("g{i}.service"),
        };
        let file = match name.split_once('@') {
            Some((p, _)) => format!("{p}@.service"),
            None => name.clone(),
        };
        fs::write(unit_dir.join(&file), unit_text(&mut rng)).unwrap();
        if rng.chance(30) {
            let d = unit_dir.join(format!("{name}.d"));
            fs::create_dir_all(&d).unwrap();
            for n in 0..1 + rng.below(2) {
                let mut text = "[Service]\n".to_string();
                for _ in 0..1 + rng.below(3) {
                    let line = if rng.chance(50) {
                        environment_line(&mut rng)
                    } else {
                        exec_line(&mut rng)
                    };
                    text.push_str(&line);
                    text.push('\n');
                }
                fs::write(d.join(format!("{n}-x.conf")), text).unwrap();
            }
        }
        names.push(name);
    }
    fs::write(
        unit_dir.join("all.target"),
        format!("[Unit]\nWants={}\n", names.join(" ")),
    )
    .unwrap();
    chmod_world_readable(host);
    let Some(dump) = systemd_test_dump(&unit_dir) else {
        eprintln!("systemd --test cannot run here: no comparison with systemd");
        return;
    };
    let dumped = parse_dump(&dump);
    let ours = units::scan(&root_at(host), &[], &names);
    let mut compared = (0, 0);
    for name in &names {
        let d = dumped
            .get(name)
            .unwrap_or_else(|| panic!("{name} not in systemd's dump"));
        let u = find(&ours, name);
        let mut text =
            fs::read_to_string(unit_dir.join(name.replace("@x-y", "@"))).unwrap_or_default();
        for dropin in u.dropins.iter() {
            let body = fs::read_to_string(host.join(dropin.strip_prefix("/").unwrap())).unwrap();
            text.push_str(&format!("--- {}\n{body}", dropin.display()));
        }
        let context = format!("seed {seed:#x}, {name}:\n{text}\nsystemd: {d:?}\nours: {u:#?}");
        assert_eq!(u.masked, d.load_state == "masked", "{context}");
        if u.masked {
            continue;
        }
        let refused = matches!(d.load_state.as_str(), "bad-setting" | "error");
        assert_eq!(u.refused.is_some(), refused, "{context}");
        if refused {
            compared.1 += 1;
            continue;
        }
        let env: Vec<String> = u
            .environment
            .iter()
            .map(|v| format!("{}={}", v.value.0, v.value.1))
            .collect();
        assert_eq!(env, d.environment, "{context}");
        let files: Vec<String> = u
            .environment_files
            .iter()
            .map(|f| format!("{}{}", if f.optional { "-" } else { "" }, f.path.display()))
            .collect();
        assert_eq!(files, d.environment_files, "{context}");
        let argv = u.exec_start.as_ref().map(|e| e.value.argv.clone());
        assert_eq!(argv, d.commands.first().cloned(), "{context}");
        assert_eq!(
            u.user.as_ref().map(|v| v.value.clone()),
            d.user,
            "{context}"
        );
        compared.0 += 1;
    }
    eprintln!(
        "compared with systemd: {} loaded units, {} refused",
        compared.0, compared.1
    );
    assert!(compared.0 > 80 && compared.1 > 20, "{compared:?}");
}

/// Pieces of environment-file text: every state of systemd's parser, no `$` (environment.d
/// expands variables, `EnvironmentFile=` does not).
const ENV_FILE_PIECES: &[&str] = &[
    "T_A=",
    "T_B =",
    " T_C= ",
    "T_1=x",
    "export T_D=",
    "1T=",
    "T-X=",
    "t_e=",
    "a",
    "b c",
    " ",
    "\t",
    "\"",
    "'",
    "\\",
    "\\\n",
    "\n",
    "\n",
    "\n",
    "\r\n",
    "#",
    ";",
    "=",
    "\\\"",
    "\\`",
    "\\t",
    "é",
    "'q q'",
    "\"d d\"",
    "# c \\\n",
    "\\n",
];

fn env_file_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..3 + rng.below(12) {
        s.push_str(rng.pick(ENV_FILE_PIECES));
    }
    s
}

/// systemd's environment.d generator on one file: its `KEY=VALUE` lines (values decoded).
fn environment_d(generator: &Path, text: &str) -> Vec<(String, String)> {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("environment.d")).unwrap();
    fs::write(tmp.path().join("environment.d/50-t.conf"), text).unwrap();
    let out = Command::new(generator)
        .env_clear()
        .env("XDG_CONFIG_HOME", tmp.path())
        .env("XDG_CONFIG_DIRS", "/nonexistent")
        .env("XDG_DATA_DIRS", "/nonexistent")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut vars = Vec::new();
    let mut lines = stdout.split('\n').peekable();
    while let Some(line) = lines.next() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let mut v = v.to_string();
        // A quoted value may hold newlines: read on to its closing quote.
        while v.starts_with('"') && !closed(&v) {
            let Some(more) = lines.next() else { break };
            v.push('\n');
            v.push_str(more);
        }
        let value = if v.starts_with('"') {
            unquote_command_line(&v).concat()
        } else {
            v
        };
        vars.push((k.to_string(), value));
    }
    vars
}

/// Whether a `"…` value has its closing quote (not escaped).
fn closed(v: &str) -> bool {
    let body = &v[1..];
    let mut escaped = false;
    for c in body.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return true,
            _ => {}
        }
    }
    false
}

#[test]
fn environment_files_parse_as_systemd_does() {
    let generator = Path::new(
        "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator",
    );
    if !generator.exists() {
        eprintln!("no systemd environment.d generator: EnvironmentFile parsing not compared");
        return;
    }
    let baseline: Vec<String> = environment_d(generator, "")
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let mut rng = Rng(0x0e4f_11e5);
    let mut compared = 0;
    for _ in 0..500 {
        let text = env_file_text(&mut rng);
        // environment.d refuses an empty value, which EnvironmentFile= takes: compare the rest.
        let (ours, _) = unit_syntax::parse_env_file(&text);
        let ours: Vec<(String, String)> = ours
            .into_iter()
            .filter(|v| !v.value.is_empty() && !baseline.contains(&v.key))
            .map(|v| (v.key, v.value))
            .collect();
        let theirs: Vec<(String, String)> = environment_d(generator, &text)
            .into_iter()
            .filter(|(k, _)| !baseline.contains(k))
            .collect();
        assert_eq!(ours, theirs, "env file {text:?}");
        compared += usize::from(!theirs.is_empty());
    }
    assert!(compared > 100, "{compared}");
}

#[test]
fn no_panic_on_any_input() {
    use proptest::prelude::*;
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 2000,
        ..Default::default()
    });
    let spec = unit_syntax::Specifiers {
        unit_name: "x@y.service".into(),
        fragment: "/etc/x".into(),
        user_manager: None,
    };
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..200), |bytes| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let _ = unit_syntax::parse_unit_bytes(&bytes, Path::new("/x"));
            let _ = unit_syntax::parse_env_file(&text);
            let _ = unit_syntax::parse_environment(&text, &spec);
            let line = unit_syntax::parse_exec(&text, &spec);
            for c in &line.commands {
                let _ = c.expanded_argv(&[("A".into(), text.clone())]);
            }
            let words: Vec<String> = text.split(' ').map(str::to_string).collect();
            let _ = units::gateway_in_argv(&words, &[], Path::new("/x"), 1);
            let sh = vec!["sh".to_string(), "-c".to_string(), text.clone()];
            let _ = units::gateway_in_argv(&sh, &[], Path::new("/x"), 1);
            Ok(())
        })
        .unwrap();
}
