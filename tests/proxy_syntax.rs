//! The nginx reader accepts what the real `nginx -t` accepts and refuses what it refuses.
//! Each fixtures/proxy/syntax/*.conf says on its first two lines what the doctor and nginx make
//! of it (`ok`, or the error: the doctor's `line:column message`, nginx's `emerg` text); both
//! are run on it. A refused file named by --proxy-config exits 2 with one line naming
//! file:line:column. Lua blocks need ngx_lua, which nginx-light lacks: their nginx side runs
//! when ngx_lua is there (Debian's libnginx-mod-http-lua installed, or unpacked without
//! installing under $OPENCLAW_DOCTOR_TEST_NGX_LUA_ROOT: `apt-get download
//! libnginx-mod-http-lua libnginx-mod-http-ndk lua-resty-core lua-resty-lrucache
//! libluajit2-5.1-2 libpcre3` then `dpkg -x` each there), and is skipped with a note otherwise.

mod common;

use common::run;

use openclaw_doctor::proxy::attribution::Trusted;
use openclaw_doctor::proxy::nginx_bin;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/proxy/syntax")
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

/// ngx_lua's `load_module` lines and `lua_package_path`, when it can be loaded here.
fn ngx_lua() -> Option<(String, String)> {
    let (root, path) = match std::env::var("OPENCLAW_DOCTOR_TEST_NGX_LUA_ROOT") {
        Ok(root) => (
            PathBuf::from(&root),
            format!("lua_package_path \"{root}/usr/share/lua/5.1/?.lua;;\";\n"),
        ),
        Err(_) => (PathBuf::from("/"), String::new()),
    };
    let modules = root.join("usr/lib/nginx/modules");
    let lua = modules.join("ngx_http_lua_module.so");
    lua.exists().then(|| {
        let ndk = modules.join("ndk_http_module.so");
        (
            format!(
                "load_module {};\nload_module {};\n",
                ndk.display(),
                lua.display()
            ),
            path,
        )
    })
}

fn doctor(dir: &Path, args: &[&str]) -> std::process::Output {
    fs::write(
        dir.join("openclaw.json"),
        "{ gateway: { mode: 'local', port: 18789, bind: 'loopback', trustedProxies: ['127.0.0.1'], auth: { token: 'proxy-test-token-123456' } } }",
    )
    .unwrap();
    run::isolated(dir)
        .args(args)
        .args(["--config", "openclaw.json"])
        .output()
        .unwrap()
}

fn check(dir: &Path, conf: &Path) -> std::process::Output {
    // The log directory is the empty test directory: this host's /tmp/openclaw stays out.
    let log_dir = dir.to_str().unwrap();
    doctor(
        dir,
        &[
            "check",
            "--format",
            "json",
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
            "--proxy-config",
            conf.to_str().unwrap(),
        ],
    )
}

fn nginx_t(conf: &Path) -> (bool, String) {
    let bin = nginx_bin::find().expect("these tests need nginx (Debian: nginx-light)");
    let mut cmd = Command::new(bin);
    // The unpacked ngx_lua packages bring their own libluajit and libpcre3.
    if let Ok(root) = std::env::var("OPENCLAW_DOCTOR_TEST_NGX_LUA_ROOT") {
        let libs = ["usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu"]
            .map(|l| Path::new(&root).join(l).display().to_string());
        cmd.env("LD_LIBRARY_PATH", libs.join(":"));
    }
    let out = cmd.args(["-t", "-q", "-c"]).arg(conf).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The expectations after `# doctor:` and `# nginx…:` on the first two lines, and the
/// proxy findings (`id:line …`) after `# findings:` on the third, when it says.
fn expectations(bytes: &[u8]) -> (String, String, Option<String>) {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines();
    let mut next = |prefix: &str| {
        let line = lines.next().unwrap_or_default();
        line.starts_with(prefix)
            .then(|| line.split_once(": ").unwrap().1.to_string())
    };
    let doctor = next("# doctor:").expect("line 1: # doctor: …");
    let nginx = next("# nginx").expect("line 2: # nginx: …");
    (doctor, nginx, next("# findings:"))
}

fn proxy_findings(report: &serde_json::Value) -> String {
    let ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"].as_str().unwrap_or("").starts_with("proxy."))
        .map(|f| format!("{}:{}", f["id"].as_str().unwrap_or(""), f["line"]))
        .collect();
    ids.join(" ")
}

#[test]
fn the_reader_and_nginx_agree_on_every_syntax_fixture() {
    let lua = ngx_lua();
    let mut seen = 0;
    for entry in fs::read_dir(fixtures()).unwrap() {
        let src = entry.unwrap().path();
        let name = src.file_name().unwrap().to_str().unwrap().to_string();
        let dir = tempfile::tempdir().unwrap();
        let bytes = fs::read(&src).unwrap();
        let (for_doctor, for_nginx, findings) = expectations(&bytes);
        let conf = dir.path().join(&name);
        fs::write(&conf, with_dir(&bytes, dir.path())).unwrap();
        let (main, http) = lua.clone().unwrap_or_default();
        fs::write(dir.path().join("lua-main.conf"), main).unwrap();
        fs::write(dir.path().join("lua-http.conf"), http).unwrap();

        let out = check(dir.path(), &conf);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if for_doctor == "ok" {
            assert!(matches!(out.status.code(), Some(0 | 1)), "{name}: {stderr}");
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            // A location was taken as the gateway's (else the checks are skipped, saying
            // so), and what it lacks is named: an accepted fixture states its findings.
            let ran = report["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == "proxy.upgrade_headers" && c["status"] != "skipped");
            assert!(ran, "{name}: a location proxies to the gateway: {report:#}");
            let findings = findings.unwrap_or_else(|| panic!("{name}: line 3: # findings: …"));
            assert!(
                !findings.is_empty(),
                "{name}: # findings: names at least one"
            );
            assert_eq!(proxy_findings(&report), findings, "{name}");
        } else {
            let (position, message) = for_doctor.split_once(' ').unwrap();
            assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
            assert_eq!(
                stderr,
                format!(
                    "openclaw-doctor: error: {}:{position}: nginx syntax: {message}\n",
                    conf.display()
                ),
                "{name}"
            );
        }

        if name.contains("lua") && lua.is_none() {
            // scripts/test.sh unpacks ngx_lua: in CI a missing module is a failure, not a skip.
            assert!(
                std::env::var_os("CI").is_none(),
                "{name}: no ngx_lua (scripts/install-e2e.sh unpacks it into e2e/ngx-lua)"
            );
            eprintln!("{name}: no ngx_lua here, nginx -t not run on it");
            seen += 1;
            continue;
        }
        let (ok, emerg) = nginx_t(&conf);
        if for_nginx == "ok" {
            assert!(ok, "{name}: nginx -t refused it: {emerg}");
        } else {
            let expected = for_nginx.replace("@FILE@", conf.to_str().unwrap());
            assert!(!ok && emerg.contains("[emerg]"), "{name}: {emerg}");
            assert!(emerg.contains(&expected), "{name}: {emerg}");
        }
        seen += 1;
    }
    assert_eq!(seen, 11, "every fixture was checked");
}

/// A minimal main file around `line` (inside `http { server { … } }`).
fn main_with(dir: &Path, name: &str, line: &str) -> PathBuf {
    let d = dir.display();
    let conf = dir.join(name);
    fs::write(
        &conf,
        format!(
            "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ }}\nhttp {{\n    access_log off;\n    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n    server {{\n        listen 127.0.0.1:8099;\n{line}\n    }}\n}}\n"
        ),
    )
    .unwrap();
    conf
}

#[test]
fn nginx_read_buffer_bound_is_where_nginx_puts_it() {
    // nginx 1.22 reads a word, a quoted string (with the byte after it) or a comment in a
    // 4096-byte buffer: one byte more is "too long parameter".
    let long = |n: usize| "a".repeat(n);
    let cases = [
        ("word-4095", format!("add_header X-A {};", long(4095)), true),
        (
            "word-4096",
            format!("add_header X-A {};", long(4096)),
            false,
        ),
        (
            "quoted-4094",
            format!("add_header X-A \"{}\";", long(4094)),
            true,
        ),
        (
            "quoted-4095",
            format!("add_header X-A \"{}\";", long(4095)),
            false,
        ),
        ("comment-4095", format!("#{}", long(4094)), true),
        ("comment-4096", format!("#{}", long(4095)), false),
    ];
    for (name, line, accepted) in cases {
        let dir = tempfile::tempdir().unwrap();
        let conf = main_with(dir.path(), &format!("{name}.conf"), &line);
        let (ok, emerg) = nginx_t(&conf);
        assert_eq!(ok, accepted, "{name}: nginx -t: {emerg}");
        assert!(accepted || emerg.contains("too long parameter"), "{emerg}");
        let out = check(dir.path(), &conf);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if accepted {
            assert!(matches!(out.status.code(), Some(0 | 1)), "{name}: {stderr}");
        } else {
            assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
            let at = format!("{}:9:", conf.display());
            assert!(
                stderr.contains(&at) && stderr.contains("too long parameter"),
                "{name}: {stderr}"
            );
        }
    }
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

#[test]
fn a_fifo_named_or_included_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.conf");
    mkfifo(&fifo);
    let caddy = dir.path().join("Caddyfile");
    mkfifo(&caddy);
    fs::create_dir(dir.path().join("sites")).unwrap();
    mkfifo(&dir.path().join("sites/claw.conf"));
    let main = main_with(dir.path(), "nginx.conf", "include sites/*.conf;");
    for (named, what, kind) in [
        (&fifo, &fifo, "an nginx configuration file"),
        (&caddy, &caddy, "a Caddyfile"),
        (
            &main,
            &dir.path().join("sites/claw.conf"),
            "an nginx configuration file",
        ),
    ] {
        let started = std::time::Instant::now();
        let out = check(dir.path(), named);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "openclaw-doctor: error: {}: not a regular file (a FIFO), not {kind}\n",
                what.display()
            )
        );
    }
}

#[test]
fn a_patch_to_a_latin1_file_keeps_its_bytes_and_passes_nginx() {
    use openclaw_doctor::proxy::analyze::{GatewayAddress, analyze, patch};
    let dir = tempfile::tempdir().unwrap();
    let bytes = with_dir(
        &fs::read(fixtures().join("accepted-latin1.conf")).unwrap(),
        dir.path(),
    );
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture is not UTF-8"
    );
    let conf = dir.path().join("nginx.conf");
    fs::write(&conf, &bytes).unwrap();
    let facts = openclaw_doctor::proxy::load_paths(std::slice::from_ref(&conf)).unwrap();
    let gw = GatewayAddress {
        port: 18789,
        loopback_only: true,
        external_hosts: &[],
        trusted: Trusted::new(&["127.0.0.1"], false),
    };
    let issues = analyze(&facts.tree, &gw);
    let (old, new) = patch(&facts.tree, &issues, 0).unwrap();
    assert_eq!(old, bytes);
    // Every byte but the inserted lines is the file's.
    let inserted = b"\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";";
    let at = new
        .windows(inserted.len())
        .position(|w| w == inserted)
        .unwrap();
    assert_eq!([&new[..at], &new[at + inserted.len()..]].concat(), bytes);
    fs::write(&conf, &new).unwrap();
    let (ok, emerg) = nginx_t(&conf);
    assert!(ok, "{emerg}");
    let facts = openclaw_doctor::proxy::load_paths(&[conf]).unwrap();
    assert!(analyze(&facts.tree, &gw).is_empty());
}

#[test]
fn a_real_nginx_dump_gives_back_every_file_exactly() {
    // `nginx -T` (as discover() runs it, through nginx_bin) prints each file and a newline.
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sites")).unwrap();
    let site = dir.path().join("sites/caf\u{e9}.conf");
    fs::write(
        &site,
        b"location /caf\xe9 { return 204; } # no newline at the end",
    )
    .unwrap();
    let main = main_with(dir.path(), "nginx.conf", "include sites/*.conf;");
    let dump = nginx_bin::output(Some(&main), &["-T", "-q"]).unwrap();
    let tree = openclaw_doctor::proxy::nginx::Tree::from_dump(&dump).unwrap();
    let paths: Vec<&Path> = tree.files.iter().map(|f| f.path.as_path()).collect();
    assert_eq!(paths, [main.as_path(), site.as_path()]);
    for f in &tree.files {
        assert_eq!(
            f.bytes(),
            fs::read(&f.path).unwrap(),
            "{}",
            f.path.display()
        );
    }
}
