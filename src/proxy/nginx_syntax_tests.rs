use super::*;

fn words(text: &str) -> Vec<String> {
    let d = parse_text(text, 0).unwrap();
    let mut out = vec![d[0].name.clone()];
    out.extend(d[0].args.iter().cloned());
    out
}

/// (line, column, message) of the error.
fn fails(text: &str) -> (usize, usize, String) {
    let e = parse_text(text, 0).unwrap_err();
    let (line, column) = LineStarts::new(text).position(text, e.offset);
    (line, column, e.message)
}

#[test]
fn parses_blocks_quotes_variables_and_spans() {
    let text = "http {\n  server {\n    server_name claw.example.org; # the app\n    location / {\n      proxy_pass http://127.0.0.1:18789;\n      proxy_set_header Connection \"upgrade\";\n      set $x \"a;b\";\n      return 200 '${x}';\n    }\n  }\n}\n";
    let d = parse_text(text, 0).unwrap();
    let server = &d[0].children()[0];
    assert_eq!(server.children()[0].args, vec!["claw.example.org"]);
    let location = &server.children()[1];
    assert_eq!(location.args, vec!["/"]);
    let pass = &location.children()[0];
    assert_eq!((pass.name.as_str(), pass.line), ("proxy_pass", 5));
    assert_eq!(
        &text[pass.span.clone()],
        "proxy_pass http://127.0.0.1:18789;"
    );
    assert_eq!(location.children()[1].args, vec!["Connection", "upgrade"]);
    assert_eq!(location.children()[2].args, vec!["$x", "a;b"]);
    assert_eq!(location.children()[3].args, vec!["200", "${x}"]);
    assert_eq!(&text[location.span.clone()][..12], "location / {");
    assert!(text[location.span.clone()].ends_with('}'));
}

#[test]
fn words_end_where_nginx_ends_them() {
    // `}`, `#` and quotes inside a word are ordinary bytes; `${` stays in the word.
    assert_eq!(words("add_header X a}b;"), ["add_header", "X", "a}b"]);
    assert_eq!(words("add_header X a#b;"), ["add_header", "X", "a#b"]);
    assert_eq!(
        words("add_header X a\"b c'd;"),
        ["add_header", "X", "a\"b", "c'd"]
    );
    assert_eq!(words("return 200 ${a}x;"), ["return", "200", "${a}x"]);
    // `)` may follow a closing quote, and starts the next word.
    assert_eq!(words("if ($a = \"b\") { }"), ["if", "($a", "=", "b", ")"]);
    // Escapes as nginx copies them.
    assert_eq!(
        words(r#"set $a "x\"y\\z\tq\w" \;b;"#),
        ["set", "$a", "x\"y\\z\tq\\w", "\\;b"]
    );
}

#[test]
fn what_nginx_refuses_is_an_error_at_its_line_and_column() {
    let (line, column, m) = fails("http {\n  server { listen 80 }\n}\n");
    assert_eq!((line, column), (2, 22));
    assert!(
        m.starts_with("unexpected \"}\"") && m.contains("\"listen\""),
        "{m}"
    );
    let (line, column, m) = fails("http {\n}\nworker_priority 0");
    assert_eq!((line, column), (3, 1));
    assert!(
        m.starts_with("unexpected end of file, expecting \";\" or \"}\""),
        "{m}"
    );
    let (line, column, m) = fails("http {\n  server {\n    listen 80;\n}\n");
    // The `}` closes `server`: `http` is the block left open.
    assert_eq!((line, column), (1, 6));
    assert!(m.contains("\"http\" block opened here"), "{m}");
    let (line, column, m) = fails("http { }\n}\n");
    assert_eq!((line, column), (2, 1));
    assert!(m.starts_with("unexpected \"}\""), "{m}");
    let (line, column, m) = fails("add_header X \"abc;\n}\n");
    assert_eq!((line, column), (1, 14));
    assert!(m.starts_with("unterminated quoted string"), "{m}");
    assert!(fails("add_header X 'abc;").2.starts_with("unterminated"));
    let (line, column, m) = fails("add_header X \"a\"b;");
    assert_eq!((line, column), (1, 17));
    assert!(m.starts_with("unexpected \"b\""), "{m}");
    assert!(
        fails("add_header X \"a\"}")
            .2
            .starts_with("unexpected \"}\"")
    );
    assert_eq!(fails("listen 80;;").2, "unexpected \";\"");
    assert_eq!(fails("{ listen 80; }").2, "unexpected \"{\"");
    // Columns count characters, not bytes.
    let (line, column, _) = fails("# é\nhttp { é }");
    assert_eq!((line, column), (2, 10));
}

#[test]
fn nginx_read_buffer_bounds_words_strings_and_comments() {
    let long = |n: usize| "a".repeat(n);
    assert!(parse_text(&format!("x {};\nhttp {{ }}\n", long(4095)), 0).is_ok());
    let (line, column, m) = fails(&format!("x {};\nhttp {{ }}\n", long(4096)));
    assert_eq!((line, column), (1, 3));
    assert!(m.starts_with("too long parameter"), "{m}");
    assert!(parse_text(&format!("x \"{}\";\nhttp {{ }}\n", long(4094)), 0).is_ok());
    assert!(parse_text(&format!("x \"{}\";\nhttp {{ }}\n", long(4095)), 0).is_err());
    assert!(parse_text(&format!("#{}\nhttp {{ }}\n", long(4094)), 0).is_ok());
    assert!(parse_text(&format!("#{}\nhttp {{ }}\n", long(4095)), 0).is_err());
    // A comment that ends the file fits when nginx never has to read past it.
    assert!(parse_text(&format!("#{}", long(4095)), 0).is_ok());
}

#[test]
fn lua_blocks_are_read_as_lua() {
    let text = "location / {\n  access_by_lua_block {\n    local s = \"}\" -- } here\n    --[[ } ]] local u = [==[ }]] ]==]\n    if #t > 1 then return end\n  }\n  set_by_lua_block $res { return '{' }\n  proxy_pass http://127.0.0.1:18789;\n}\n";
    let d = parse_text(text, 0).unwrap();
    let children = d[0].children();
    let names: Vec<&str> = children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["access_by_lua_block", "set_by_lua_block", "proxy_pass"]
    );
    assert_eq!(children[0].line, 2);
    assert!(children[0].block.is_none());
    assert!(children[0].args[0].contains("if #t > 1"));
    assert!(text[children[0].span.clone()].ends_with("end\n  }"));
    assert_eq!(children[1].args, vec!["$res", " return '{' "]);
    assert_eq!(children[2].line, 8);
    // The `}` closes the Lua block: `location` is left open.
    let (line, column, _) = fails("location / {\n  content_by_lua_block {\n    if x then\n}\n");
    assert_eq!((line, column), (1, 12));
    let (line, column, m) = fails("location / {\n  content_by_lua_block {\n    if x then\n");
    assert_eq!((line, column), (2, 24));
    assert!(m.contains("lua code block"), "{m}");
}

#[test]
fn nesting_is_bounded() {
    let nested = |depth: usize| format!("{}{}", "a {".repeat(depth), "}".repeat(depth));
    assert_eq!(parse_text(&nested(MAX_DEPTH), 0).unwrap().len(), 1);
    let e = parse_text(&nested(MAX_DEPTH + 1), 0).unwrap_err();
    assert_eq!(e.offset, MAX_DEPTH * 3 + 2);
    assert!(e.message.contains("nested more than"), "{}", e.message);
}
