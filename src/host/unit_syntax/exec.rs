//! `ExecStart=` command lines as systemd 252 parses them (systemd.service(5), "Command lines";
//! its `config_parse_exec`), and the `$VAR` substitution it applies when it starts the
//! process (`replace_env_argv`).

use super::{Specifiers, UnknownSpecifier, WHITESPACE, Word, WordError, next_word, trim_start};

/// One command of an `ExecStart=` line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecCommand {
    /// The program: absolute, or a bare name systemd looks up in its fixed search path.
    pub path: String,
    /// argv as systemd stores it: specifiers resolved, `$VAR` not yet (see `expanded_argv`).
    pub argv: Vec<String>,
    /// `-`: a failure is ignored (and so is a bad command line).
    pub ignore_failure: bool,
    /// `@`: the second word is argv[0].
    pub argv0_given: bool,
    /// `:`: no `$VAR` substitution.
    pub no_env_expand: bool,
    /// `+`: full privileges, no `User=` or sandboxing.
    pub privileged: bool,
    /// `!`: `User=`/`Group=` not applied by systemd.
    pub no_setuid: bool,
    /// `!!`: `User=` applied only with ambient capabilities.
    pub ambient: bool,
}

/// What one `ExecStart=` line holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecLine {
    pub commands: Vec<ExecCommand>,
    pub warnings: Vec<String>,
    /// Why systemd refuses the unit over this line (a bad command not prefixed with `-`).
    pub fatal: Option<String>,
}

/// An `ExecStart=` value (not empty: that resets the list, for the caller), split into its
/// `;`-separated commands the way systemd does.
pub fn parse_exec(value: &str, spec: &Specifiers) -> ExecLine {
    let mut out = ExecLine::default();
    let mut rest = value.as_bytes();
    loop {
        // A bad first word ends the line without making the unit bad (systemd returns 0).
        let Ok(Some((first, after))) = word_and_warn(rest, &mut out.warnings) else {
            return out;
        };
        rest = after;
        if first == b";" {
            continue;
        }
        let (mut cmd, program) = prefixes(&first);
        let ignore = cmd.ignore_failure;
        match command(program, &mut rest, spec, &mut cmd, &mut out.warnings) {
            Ok(semicolon) => {
                out.commands.push(cmd);
                if !semicolon {
                    return out;
                }
            }
            Err(why) if ignore => {
                out.warnings.push(format!("{why}, ignored (`-`)"));
                return out;
            }
            Err(why) => {
                out.fatal = Some(why);
                return out;
            }
        }
    }
}

/// The `-@:+!` prefixes of the first word, each at most once, in any order.
fn prefixes(first: &[u8]) -> (ExecCommand, &[u8]) {
    let mut c = ExecCommand::default();
    let mut f = first;
    loop {
        let privileged = c.privileged || c.no_setuid || c.ambient;
        match f.first() {
            Some(b'-') if !c.ignore_failure => c.ignore_failure = true,
            Some(b'@') if !c.argv0_given => c.argv0_given = true,
            Some(b':') if !c.no_env_expand => c.no_env_expand = true,
            Some(b'+') if !privileged => c.privileged = true,
            Some(b'!') if !privileged => c.no_setuid = true,
            Some(b'!') if !c.privileged && !c.ambient => {
                c.no_setuid = false;
                c.ambient = true;
            }
            _ => return (c, f),
        }
        f = &f[1..];
    }
}

/// The program and its arguments up to a `;` or the end; `Ok(true)` when a `;` follows.
fn command(
    program: &[u8],
    rest: &mut &[u8],
    spec: &Specifiers,
    cmd: &mut ExecCommand,
    warnings: &mut Vec<String>,
) -> Result<bool, String> {
    let shown = String::from_utf8_lossy(program).into_owned();
    let (path, _) = spec
        .expand(program)
        .map_err(|UnknownSpecifier(c)| format!("unknown specifier %{c} in '{shown}'"))?;
    let path = String::from_utf8_lossy(&path).into_owned();
    if path.is_empty() {
        return Err("empty path in command line".to_string());
    }
    if !string_is_safe(&path) {
        return Err(format!(
            "executable name contains special characters: {path}"
        ));
    }
    if path.ends_with('/') {
        return Err(format!("executable path specifies a directory: {path}"));
    }
    if !path.starts_with('/') && !filename_is_valid(&path) {
        return Err(format!(
            "neither a valid executable name nor an absolute path: {path}"
        ));
    }
    if !cmd.argv0_given {
        cmd.argv.push(path.clone());
    }
    cmd.path = simplify(&path);
    let mut semicolon = false;
    while !rest.is_empty() {
        let separated = |n: usize| rest.get(n).is_none_or(|b| WHITESPACE.contains(b));
        if rest[0] == b';' && separated(1) {
            *rest = trim_start(&rest[1..]);
            semicolon = true;
            break;
        }
        // `\;` alone is a literal `;` argument (and `"\;"`, `\\;` are not this case).
        if rest.starts_with(b"\\;") && separated(2) {
            *rest = trim_start(&rest[2..]);
            cmd.argv.push(";".to_string());
            continue;
        }
        let Some((word, after)) =
            word_and_warn(rest, warnings).map_err(|_| "unbalanced quoting".to_string())?
        else {
            break;
        };
        *rest = after;
        let (word, _) = spec.expand(&word).map_err(|UnknownSpecifier(c)| {
            format!(
                "unknown specifier %{c} in '{}'",
                String::from_utf8_lossy(&word)
            )
        })?;
        cmd.argv.push(String::from_utf8_lossy(&word).into_owned());
    }
    if cmd.argv.is_empty() {
        return Err("empty executable name or zero length argument".to_string());
    }
    Ok(semicolon)
}

/// systemd's `extract_first_word_and_warn`: strict first, then relaxed (an unknown escape is
/// kept as written, with a warning); an error only for unbalanced quotes.
fn word_and_warn<'a>(s: &'a [u8], warnings: &mut Vec<String>) -> Result<Word<'a>, WordError> {
    match next_word(s, false) {
        Err(WordError::BadEscape | WordError::Unbalanced) => {
            let relaxed = next_word(s, true).map_err(|_| WordError::Unbalanced)?;
            if let Some((word, _)) = &relaxed {
                warnings.push(format!(
                    "unknown escape sequences kept as written: {}",
                    String::from_utf8_lossy(word)
                ));
            }
            Ok(relaxed)
        }
        ok => ok,
    }
}

/// systemd's `string_is_safe`: no control characters, quotes or backslashes.
fn string_is_safe(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_ascii_control() || matches!(c, '"' | '\'' | '\\'))
}

/// systemd's `filename_is_valid`.
fn filename_is_valid(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains('/') && s.len() <= 255
}

/// `//` and `/./` collapsed and a trailing `/` dropped (systemd's `path_simplify`).
fn simplify(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    match (path.starts_with('/'), parts.is_empty()) {
        (true, true) => "/".to_string(),
        (true, false) => format!("/{}", parts.join("/")),
        (false, _) => parts.join("/"),
    }
}

impl ExecCommand {
    /// argv as the process gets it (systemd.service(5)): a word that is exactly `$NAME` becomes
    /// the variable's value split at blanks (quotes respected; nothing when unset), `${NAME}`
    /// anywhere in a word its exact value (empty when unset), `$$` a `$`. Not with `:`.
    pub fn expanded_argv(&self, env: &[(String, String)]) -> Vec<String> {
        if self.no_env_expand {
            return self.argv.clone();
        }
        let get = |name: &str| {
            env.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let mut out = Vec::with_capacity(self.argv.len());
        for arg in &self.argv {
            let whole = arg.strip_prefix('$').filter(|n| !n.starts_with(['{', '$']));
            match whole {
                Some(name) => out.extend(get(name).map(split_relaxed).unwrap_or_default()),
                None => out.push(replace_braced(arg, &get)),
            }
        }
        out
    }
}

/// `${NAME}` and `$$` in one word (systemd's `replace_env` without its optional forms:
/// `${A:-b}` stays as written).
fn replace_braced<'a>(arg: &str, get: &impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            match body.find(['}', ':']) {
                Some(end) if body.as_bytes()[end] == b'}' => {
                    out.push_str(get(&body[..end]).unwrap_or(""));
                    rest = &body[end + 1..];
                }
                _ => {
                    out.push_str("${");
                    rest = body;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A variable's value split into words for a lone `$NAME` (`EXTRACT_RELAX|EXTRACT_UNQUOTE`):
/// quotes removed (an unclosed one runs to the end), a backslash keeps the next character.
fn split_relaxed(value: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        let blank = c.is_ascii() && WHITESPACE.contains(&(c as u8));
        match c {
            '\\' => {
                let w = word.get_or_insert_with(String::new);
                w.extend(chars.next());
            }
            c if Some(c) == quote => quote = None,
            '\'' | '"' if quote.is_none() => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            _ if blank && quote.is_none() => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: &str) -> ExecLine {
        parse_exec(v, &Specifiers::default())
    }

    #[test]
    fn prefixes_and_commands() {
        let line = parse("-@/bin/sh sh -c 'exec openclaw gateway' ; !!/bin/b x \\; \"y\"");
        assert_eq!(line.fatal, None);
        let [a, b] = line.commands.as_slice() else {
            panic!("{line:?}");
        };
        assert_eq!(
            (a.path.as_str(), a.argv.as_slice()),
            (
                "/bin/sh",
                &[
                    "sh".to_string(),
                    "-c".into(),
                    "exec openclaw gateway".into()
                ][..]
            )
        );
        assert!(a.ignore_failure && a.argv0_given && !a.privileged);
        assert_eq!(b.argv, ["/bin/b", "x", ";", "y"]);
        assert!(b.ambient && !b.no_setuid);
        assert!(parse(":+/bin/x").commands[0].privileged);
        // `+` then `!` is not a prefix pair: "!/bin/x" is no program.
        assert!(parse("+!/bin/x").fatal.is_some());
        assert!(parse("./x").fatal.is_some());
        assert!(parse("/bin/x/").fatal.is_some());
        assert!(parse("/bin/x \"a").fatal.is_some());
        assert!(parse("/bin/x %z").fatal.is_some());
        let ignored = parse("-/bin/x %z");
        assert!(
            ignored.fatal.is_none() && ignored.commands.is_empty() && ignored.warnings.len() == 1
        );
        let relaxed = parse("/bin/x a\\qb");
        assert_eq!(relaxed.commands[0].argv, ["/bin/x", "a\\qb"]);
        assert_eq!(relaxed.warnings.len(), 1);
        assert_eq!(parse("//bin/./x").commands[0].path, "/bin/x");
    }

    #[test]
    fn variables_at_exec_time() {
        let cmd = parse("/bin/x $A ${A}b $A/b $B $$ $ ${A:-z} ${U}")
            .commands
            .remove(0);
        let env = vec![
            ("A".to_string(), "1 '2 3'".to_string()),
            ("B".to_string(), "\\\"q".to_string()),
        ];
        assert_eq!(
            cmd.expanded_argv(&env),
            ["/bin/x", "1", "2 3", "1 '2 3'b", "\"q", "$", "${A:-z}", ""]
        );
    }
}
