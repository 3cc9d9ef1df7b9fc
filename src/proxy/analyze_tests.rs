use super::*;
use crate::proxy::attribution::Trusted;
use crate::proxy::nginx::{File, parse_text};

fn tree(bytes: &[u8]) -> Tree {
    let file = File::new("site.conf".into(), bytes.to_vec());
    let directives = parse_text(&file.text, 0).unwrap();
    Tree {
        files: vec![file],
        directives,
    }
}

fn gateway() -> GatewayAddress<'static> {
    GatewayAddress {
        port: 18789,
        loopback_only: true,
        external_hosts: &[],
        trusted: Trusted::new(&["127.0.0.1"], false),
    }
}

#[test]
fn every_access_by_lua_form_is_the_sso_hook() {
    for (sso, line) in [
        (
            "access_by_lua_block {\n  if ngx.var.x == \"}\" then return end -- }\n}",
            3,
        ),
        ("access_by_lua_file /usr/share/ssowat/access.lua;", 3),
        ("access_by_lua 'ngx.exit(403)';", 3),
    ] {
        let text = format!(
            "server {{\n  location / {{\n  {sso}\n    proxy_pass http://127.0.0.1:18789;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n  }}\n}}\n"
        );
        let issues = analyze(&tree(text.as_bytes()), &gateway());
        let ids: Vec<(&str, usize)> = issues.iter().map(|i| (i.id, i.line)).collect();
        assert_eq!(ids, vec![("proxy.sso", line)], "{sso}");
        let name = sso.split_whitespace().next().unwrap_or_default();
        assert!(issues[0].message.contains(name), "{}", issues[0].message);
    }
}

#[test]
fn auth_request_off_in_the_location_turns_an_outer_one_off() {
    let site = |outer: &str, inner: &str| {
        format!(
            "server {{\n  {outer}\n  location / {{\n    {inner}\n    proxy_pass http://127.0.0.1:18789;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n  }}\n}}\n"
        )
    };
    let ids = |text: String| -> Vec<(&'static str, usize)> {
        analyze(&tree(text.as_bytes()), &gateway())
            .iter()
            .map(|i| (i.id, i.line))
            .collect()
    };
    assert_eq!(ids(site("auth_request /auth;", "")), vec![("proxy.sso", 2)]);
    assert_eq!(
        ids(site("auth_request /auth;", "auth_request off;")),
        vec![]
    );
    assert_eq!(ids(site("", "auth_request off;")), vec![]);
    // `auth_request off` does not turn SSOwat's access hook off.
    assert_eq!(
        ids(site(
            "access_by_lua_file /usr/share/ssowat/access.lua;",
            "auth_request off;"
        )),
        vec![("proxy.sso", 2)]
    );
}

const LATIN1: &[u8] = b"# caf\xe9 cr\xe8me\nserver {\n  server_name caf\xe9.example;\n  location / {\n    proxy_pass http://127.0.0.1:18789; # \xff\n  }\n}\n";

#[test]
fn a_patch_keeps_every_byte_that_is_not_utf8() {
    let t = tree(LATIN1);
    let issues = analyze(&t, &gateway());
    let (old, new) = patch(&t, &issues, 0).unwrap();
    assert_eq!(old, LATIN1);
    let at = b"proxy_pass http://127.0.0.1:18789;".len()
        + LATIN1.windows(10).position(|w| w == b"proxy_pass").unwrap();
    let inserted = "\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";";
    let mut expected = LATIN1[..at].to_vec();
    expected.extend_from_slice(inserted.as_bytes());
    expected.extend_from_slice(&LATIN1[at..]);
    assert_eq!(new, expected);
    assert!(patch(&t, &[], 0).is_none());
}

#[test]
fn an_inherited_line_that_is_not_utf8_is_not_copied_into_a_patch() {
    let text = b"server {\n  proxy_set_header X-Name caf\xe9;\n  location / {\n    proxy_pass http://127.0.0.1:18789;\n    proxy_http_version 1.1;\n  }\n}\n";
    let t = tree(text);
    let issues = analyze(&t, &gateway());
    assert!(issues.iter().any(|i| i.id == "proxy.upgrade_headers"));
    assert!(patch(&t, &issues, 0).is_none());
    // The same with UTF-8: copied along.
    let utf8 = String::from_utf8_lossy(text).replace('\u{fffd}', "é");
    let t = tree(utf8.as_bytes());
    let (_, new) = patch(&t, &analyze(&t, &gateway()), 0).unwrap();
    assert!(
        String::from_utf8_lossy(&new)
            .contains("    proxy_set_header X-Name café;\n    proxy_set_header Upgrade")
    );
}

#[test]
fn an_inherited_directive_is_named_at_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("nginx.conf");
    std::fs::write(
        &main,
        "http {\n  proxy_read_timeout 30s;\n  access_by_lua_file /usr/share/ssowat/access.lua;\n  proxy_http_version 1.0;\n  include site.conf;\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("site.conf"),
        "server {\n  location / {\n    proxy_pass http://127.0.0.1:18789;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection upgrade;\n  }\n}\n",
    )
    .unwrap();
    let t = Tree::load(&main, dir.path()).unwrap();
    let issues = analyze(&t, &gateway());
    let named: Vec<(&str, usize, usize, bool)> = issues
        .iter()
        .map(|i| {
            let at = format!("{}:{}: ", t.files[i.file].path.display(), i.line);
            (i.id, i.file, i.line, i.message.starts_with(&at))
        })
        .collect();
    assert_eq!(
        named,
        vec![
            // Where the fix goes: after proxy_pass, in site.conf.
            ("proxy.http_version", 1, 3, false),
            ("proxy.read_timeout", 0, 2, true),
            ("proxy.sso", 0, 3, true),
        ]
    );
    // The message names the directive where it is.
    let main = main.display().to_string();
    assert!(
        issues[0].message.starts_with(&format!("{main}:4: ")),
        "{}",
        issues[0].message
    );
    assert!(issues[0].insert_at.is_some());
}
