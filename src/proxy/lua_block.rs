//! The body of an OpenResty / ngx_lua `*_by_lua_block { … }` directive is Lua, not nginx
//! syntax. ngx_lua finds its end with a lexer of its own (`ngx_http_lua_lex`): at each byte it
//! looks for the leftmost of `--[=*[` (a long comment), `--` (a comment to the end of the
//! line), `[=*[` (a long string), a `"…"` or `'…'` string on one line (a backslash escapes any
//! byte but a newline), `{` and `}`; a quote that opens no complete string is an ordinary
//! byte. The `}` that brings the brace level back to zero ends the block.

/// The directives whose `{ … }` holds Lua.
pub fn is_lua_block(name: &str) -> bool {
    name.ends_with("_by_lua_block")
}

/// From just after the block's `{`: the offset of the `}` that closes it. `Err` carries the
/// offset to report (the block's `{`, or an unclosed long bracket) and the reason.
pub fn find_close(b: &[u8], from: usize) -> Result<usize, (usize, String)> {
    let mut level = 1usize;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = match long_open(b, i + 2) {
                    Some((eq, body)) => long_close(b, i, eq, body)?,
                    None => memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n),
                };
            }
            b'[' => {
                i = match long_open(b, i) {
                    Some((eq, body)) => long_close(b, i, eq, body)?,
                    None => i + 1,
                };
            }
            b'"' | b'\'' => i = short_string(b, i).unwrap_or(i + 1),
            b'{' => {
                level += 1;
                i += 1;
            }
            b'}' => {
                level -= 1;
                if level == 0 {
                    return Ok(i);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Err((
        from.saturating_sub(1),
        "unexpected end of file, expecting terminating characters for lua code block".into(),
    ))
}

/// `[`, `=`×n, `[` at `i`: (n, the offset after it).
fn long_open(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let eq = b[i + 1..].iter().take_while(|&&c| c == b'=').count();
    (b.get(i + 1 + eq) == Some(&b'[')).then_some((eq, i + eq + 2))
}

/// The offset after the `]`, `=`×eq, `]` that closes the long bracket opened at `open` (its
/// `[`, or the `--` of a long comment).
fn long_close(b: &[u8], open: usize, eq: usize, body: usize) -> Result<usize, (usize, String)> {
    let mut closing = Vec::with_capacity(eq + 2);
    closing.push(b']');
    closing.extend(std::iter::repeat_n(b'=', eq));
    closing.push(b']');
    memchr::memmem::find(&b[body..], &closing)
        .map(|n| body + n + closing.len())
        .ok_or_else(|| {
            (
                open,
                format!(
                    "Lua code block missing the closing long bracket \"{}\"",
                    String::from_utf8_lossy(&closing)
                ),
            )
        })
}

/// The offset after the string that opens at `i`, if it closes on the same line.
fn short_string(b: &[u8], i: usize) -> Option<usize> {
    let quote = b[i];
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'\n' => return None,
            b'\\' => {
                if matches!(b.get(j + 1), None | Some(b'\n')) {
                    return None;
                }
                j += 2;
            }
            c if c == quote => return Some(j + 1),
            _ => j += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(body: &str) -> Result<usize, (usize, String)> {
        let text = format!("{{{body}");
        find_close(text.as_bytes(), 1).map(|i| i - 1)
    }

    #[test]
    fn braces_in_strings_comments_and_long_brackets_do_not_count() {
        let body = "\n  local s = \"}\" -- a } here\n  local t = { a = '{' }\n  --[[ } long\n  comment } ]]\n  local u = [==[ }]] } ]==]\n  if #t > 1 then ngx.exit(403) end\n}";
        assert_eq!(close(body), Ok(body.len() - 1));
        assert_eq!(close("local s = 'it\\'s }' }"), Ok(20));
        assert_eq!(close("local s = x\"}\" }"), Ok(15));
    }

    #[test]
    fn a_quote_that_opens_no_string_on_its_line_is_an_ordinary_byte() {
        // ngx_lua: the `}` on the next line closes the block.
        assert_eq!(close("local s = \"a\n}\" }"), Ok(13));
        assert_eq!(close("local s = \"a\\\n}\" }"), Ok(14));
    }

    #[test]
    fn unclosed_blocks_and_long_brackets_are_errors() {
        assert!(close("if x then return end").is_err());
        // Offsets in the text that starts with the block's `{`.
        let (at, message) = close("--[==[ never closed ]] }").unwrap_err();
        assert_eq!(at, 1);
        assert!(message.contains("\"]==]\""), "{message}");
        assert!(close("local a = [[ x }").is_err());
    }
}
