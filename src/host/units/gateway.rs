//! Whether a command line runs an OpenClaw gateway, and with which arguments. OpenClaw's own
//! test (`gateway-process-argv`): an argument ends with `dist/index.js`, `dist/entry.js`,
//! `openclaw.mjs`, `scripts/run-node.mjs`, `src/entry.ts` or `src/index.ts`, or argv[0] is
//! `openclaw` (or ends with `/openclaw`). Here the command after OpenClaw's root options must
//! also be `gateway` or `gateway run` followed only by flags: `openclaw gateway status` is a
//! CLI command, not a gateway.

use super::Located;
use crate::host::unit_syntax::env_name_is_valid;
use std::path::Path;

/// A secret read from a unit (`--token`): its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for a probe or the redactor; never for the report.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// What a gateway command line sets, each value located at its `ExecStart=` line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayArgs {
    /// The OpenClaw command found (inside `sh -c '…'`, the command split from the script),
    /// `--token`/`--password` values replaced by `<redacted>`.
    pub argv: Vec<String>,
    /// Found inside a shell script.
    pub via_shell: bool,
    /// `gateway run` rather than `gateway`.
    pub run: bool,
    pub port: Option<Located<u16>>,
    pub bind: Option<Located<String>>,
    pub profile: Option<Located<String>>,
    /// `--dev`, before `gateway` (the dev profile) or after it.
    pub dev: bool,
    pub token: Option<Located<Secret>>,
    pub token_file: Option<Located<String>>,
    pub password: Option<Located<Secret>>,
    pub password_file: Option<Located<String>>,
    pub auth: Option<Located<String>>,
    pub allow_unconfigured: bool,
    /// `env K=V …`, or `K=V …` in a shell script: variables for this command alone.
    pub command_env: Vec<(String, String)>,
    /// A `--port` that is no port, a shell variable resolved…
    pub notes: Vec<String>,
}

const SHELLS: [&str; 7] = ["sh", "bash", "dash", "zsh", "ash", "ksh", "mksh"];

/// `openclaw-gateway.service`, `openclaw-gateway-<profile>.service`, `openclaw.service`: the
/// names `openclaw gateway install` gives its unit (the last one in older releases).
pub fn named_as_openclaw_unit(name: &str) -> bool {
    name == "openclaw-gateway.service"
        || name == "openclaw.service"
        || name
            .strip_prefix("openclaw-gateway-")
            .is_some_and(|rest| rest.len() > ".service".len() && rest.ends_with(".service"))
}

/// The gateway `argv` (after systemd's `$VAR` substitution) runs, and why it counts: directly,
/// after `env`/`nohup`, under a Node-like runtime, or inside `sh -c '…'`. `env` is the unit's
/// environment (for shell variables in flag values); `file:line` is the `ExecStart=` line.
pub fn gateway_in_argv(
    argv: &[String],
    env: &[(String, String)],
    file: &Path,
    line: usize,
) -> Option<(GatewayArgs, String)> {
    let mut command_env = Vec::new();
    let words = strip_wrappers(argv, false, &mut command_env);
    let at = Where { file, line, env };
    if let Some((shell, script)) = shell_script(words) {
        for command in shell_commands(script)? {
            let mut local = command_env.clone();
            let words = strip_wrappers(&command, true, &mut local);
            if let Some(mut g) = parse_openclaw(words, &at, true) {
                g.via_shell = true;
                g.command_env = local;
                let why = format!("ExecStart runs `{}` inside `{shell} -c`", shown(&g));
                return Some((g, why));
            }
        }
        return None;
    }
    let mut g = parse_openclaw(words, &at, false)?;
    g.command_env = command_env;
    let why = format!("ExecStart runs `{}`", shown(&g));
    Some((g, why))
}

fn shown(g: &GatewayArgs) -> &'static str {
    if g.run {
        "openclaw gateway run"
    } else {
        "openclaw gateway"
    }
}

struct Where<'a> {
    file: &'a Path,
    line: usize,
    env: &'a [(String, String)],
}

impl Where<'_> {
    fn at<T>(&self, value: T) -> Located<T> {
        Located {
            value,
            file: self.file.to_path_buf(),
            line: self.line,
        }
    }
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The command after `exec`, `env [-i] [-u NAME] K=V…`, `nohup` and (in a shell) `K=V`
/// assignments, which are collected.
fn strip_wrappers<'a>(
    mut words: &'a [String],
    shell: bool,
    env: &mut Vec<(String, String)>,
) -> &'a [String] {
    let assignment = |w: &str| {
        w.split_once('=')
            .filter(|(k, _)| env_name_is_valid(k))
            .map(|(k, v)| (k.to_string(), v.to_string()))
    };
    let mut after_env = false;
    while let Some((first, rest)) = words.split_first() {
        let name = basename(first);
        if after_env && (first == "-u" || first == "-C" || first == "--unset" || first == "--chdir")
        {
            words = rest.get(1..).unwrap_or_default();
        } else if after_env && first.starts_with('-') {
            words = rest;
        } else if let Some(pair) = assignment(first).filter(|_| shell || after_env) {
            env.push(pair);
            words = rest;
        } else if name == "env" {
            after_env = true;
            words = rest;
        } else if name == "nohup" || (shell && first == "exec") {
            words = rest;
        } else {
            break;
        }
    }
    words
}

/// `(shell, script)` for `sh -c 'script' …` (options such as `-l`, `-e`, `-o pipefail`
/// allowed before it); `None` for anything else, a shell running a script file too.
fn shell_script(words: &[String]) -> Option<(&str, &str)> {
    let (first, rest) = words.split_first()?;
    let shell = basename(first);
    if !SHELLS.contains(&shell) {
        return None;
    }
    let mut has_c = false;
    let mut args = rest.iter();
    while let Some(arg) = args.next() {
        if arg == "-o" || arg == "+o" {
            args.next();
        } else if let Some(flags) = arg.strip_prefix('-').filter(|f| !f.starts_with('-')) {
            has_c |= flags.contains('c');
        } else if arg.starts_with('+') || arg.starts_with("--") {
        } else {
            return has_c.then_some((shell, arg.as_str()));
        }
    }
    None
}

/// The simple commands of a shell script, split at `;`, `&`, `|`, parentheses and newlines
/// outside quotes, each split into words with the shell's quoting (`shell-words`). `None` when
/// the quoting is unbalanced.
fn shell_commands(script: &str) -> Option<Vec<Vec<String>>> {
    let mut spaced = String::with_capacity(script.len() + 16);
    let mut quote: Option<char> = None;
    let mut chars = script.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (Some('\''), _) => {}
            (_, '\\') => {
                spaced.push(c);
                spaced.extend(chars.next());
                continue;
            }
            (None, ';' | '&' | '|' | '(' | ')' | '\n') => {
                spaced.push_str(" ; ");
                continue;
            }
            _ => {}
        }
        spaced.push(c);
    }
    let words = shell_words::split(&spaced).ok()?;
    let commands = words
        .split(|w| w == ";")
        .filter(|c| !c.is_empty())
        .map(<[String]>::to_vec)
        .collect();
    Some(commands)
}

/// Where the OpenClaw entry is in `words`: argv[0] `openclaw`, or the script a runtime runs.
fn entry(words: &[String]) -> Option<usize> {
    let first = words.first()?;
    if first == "openclaw" || first.ends_with("/openclaw") {
        return Some(0);
    }
    let runtime = matches!(
        basename(first),
        "node"
            | "nodejs"
            | "bun"
            | "deno"
            | "tsx"
            | "npx"
            | "pnpx"
            | "bunx"
            | "pnpm"
            | "npm"
            | "yarn"
    );
    words.iter().position(|w| {
        crate::host::OPENCLAW_ENTRIES.iter().any(|s| w.ends_with(s))
            || (runtime
                && (w == "openclaw" || w.starts_with("openclaw@") || w.ends_with("/openclaw")))
    })
}

/// `words` with the values of `--token` and `--password` blanked.
fn redacted(words: &[String]) -> Vec<String> {
    let secret = |flag: &str| flag == "--token" || flag == "--password";
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        let after_flag = out.last().is_some_and(|prev| secret(prev));
        match w.split_once('=') {
            _ if after_flag => out.push("<redacted>".to_string()),
            Some((flag, _)) if secret(flag) => out.push(format!("{flag}=<redacted>")),
            _ => out.push(w.clone()),
        }
    }
    out
}

/// `openclaw [root options] gateway [run] [flags]`, or the `openclaw-gateway` title.
fn parse_openclaw(words: &[String], at: &Where, shell: bool) -> Option<GatewayArgs> {
    let mut g = GatewayArgs {
        argv: redacted(words),
        ..GatewayArgs::default()
    };
    if words
        .first()
        .is_some_and(|w| basename(w) == "openclaw-gateway")
    {
        gateway_flags(words.get(1..).unwrap_or_default(), &mut g, at, shell);
        return Some(g);
    }
    let mut i = entry(words)? + 1;
    loop {
        let w = words.get(i)?.as_str();
        match w {
            "gateway" => break,
            "--profile" => {
                g.profile = Some(at.at(value_of(words.get(i + 1)?, at, shell, &mut g.notes)));
                i += 2;
            }
            "--log-level" | "--container" => i += 2,
            "--dev" => {
                g.dev = true;
                i += 1;
            }
            _ if w.starts_with("--profile=") => {
                let v = w.trim_start_matches("--profile=").to_string();
                g.profile = Some(at.at(value_of(&v, at, shell, &mut g.notes)));
                i += 1;
            }
            _ if w.starts_with('-') => i += 1,
            _ => return None,
        }
    }
    i += 1;
    match words.get(i).map(String::as_str) {
        Some("run") => {
            g.run = true;
            i += 1;
        }
        Some(w) if !w.starts_with('-') => return None,
        _ => {}
    }
    gateway_flags(&words[i..], &mut g, at, shell);
    Some(g)
}

/// A flag value; in a shell, `$NAME`/`${NAME}` taken from the unit's environment.
fn value_of(v: &str, at: &Where, shell: bool, notes: &mut Vec<String>) -> String {
    let name = v
        .strip_prefix("${")
        .and_then(|n| n.strip_suffix('}'))
        .or_else(|| v.strip_prefix('$'));
    match name.filter(|n| shell && env_name_is_valid(n)) {
        Some(n) => {
            let found = at
                .env
                .iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone());
            notes.push(format!(
                "{v} is a shell variable, taken from the unit's environment"
            ));
            found.unwrap_or_default()
        }
        None => v.to_string(),
    }
}

fn gateway_flags(rest: &[String], g: &mut GatewayArgs, at: &Where, shell: bool) {
    let mut i = 0;
    while let Some(word) = rest.get(i) {
        i += 1;
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (word.as_str(), None),
        };
        let value = match (crate::host::GATEWAY_RUN_VALUE_FLAGS.contains(&flag), inline) {
            (false, _) => None,
            (true, Some(v)) => Some(v),
            (true, None) => {
                i += 1;
                rest.get(i - 1).cloned()
            }
        };
        let value = value.map(|v| value_of(&v, at, shell, &mut g.notes));
        match (flag, value) {
            ("--port", Some(v)) => match v.parse::<u16>() {
                Ok(port) if port > 0 => g.port = Some(at.at(port)),
                _ => g.notes.push(format!("--port {v:?} is not a port")),
            },
            ("--bind", Some(v)) => g.bind = Some(at.at(v)),
            ("--auth", Some(v)) => g.auth = Some(at.at(v)),
            ("--token", Some(v)) => g.token = Some(at.at(Secret(v))),
            ("--password", Some(v)) => g.password = Some(at.at(Secret(v))),
            ("--token-file", Some(v)) => g.token_file = Some(at.at(v)),
            ("--password-file", Some(v)) => g.password_file = Some(at.at(v)),
            ("--dev", _) => g.dev = true,
            ("--allow-unconfigured", _) => g.allow_unconfigured = true,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(words: &[&str], env: &[(&str, &str)]) -> Option<(GatewayArgs, String)> {
        let argv: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        gateway_in_argv(&argv, &env, Path::new("/u.service"), 4)
    }

    fn port(words: &[&str]) -> Option<u16> {
        run(words, &[])?.0.port.map(|p| p.value)
    }

    #[test]
    fn gateway_commands_and_cli_commands() {
        assert!(run(&["openclaw", "gateway"], &[]).is_some());
        assert_eq!(
            port(&["/usr/bin/openclaw", "gateway", "run", "--port", "1"]),
            Some(1)
        );
        assert!(
            run(&["/usr/bin/openclaw", "gateway", "run"], &[])
                .unwrap()
                .0
                .run
        );
        assert!(run(&["openclaw", "gateway", "status"], &[]).is_none());
        assert!(run(&["openclaw", "gateway", "install", "--port", "1"], &[]).is_none());
        assert!(run(&["openclaw", "health"], &[]).is_none());
        assert!(run(&["openclaw"], &[]).is_none());
        assert!(run(&["openclaw-gateway"], &[]).is_some());
        assert!(run(&["/usr/bin/python3", "/etc/openclaw", "gateway"], &[]).is_none());
        assert!(run(&["/opt/start.sh", "/etc/openclaw", "gateway"], &[]).is_none());
    }

    #[test]
    fn runtimes_and_wrappers() {
        assert_eq!(
            port(&["node", "/x/dist/index.js", "gateway", "--port=7"]),
            Some(7)
        );
        assert_eq!(
            port(&[
                "bun",
                "/src/openclaw/src/entry.ts",
                "gateway",
                "--port",
                "8"
            ]),
            Some(8)
        );
        assert!(run(&["npx", "-y", "openclaw@2026.9.6", "gateway"], &[]).is_some());
        assert!(run(&["node", "/usr/local/bin/openclaw", "gateway"], &[]).is_some());
        let (g, _) = run(
            &[
                "/usr/bin/env",
                "-i",
                "-u",
                "X",
                "OPENCLAW_GATEWAY_PORT=5",
                "nohup",
                "openclaw",
                "gateway",
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            g.command_env,
            [("OPENCLAW_GATEWAY_PORT".to_string(), "5".to_string())]
        );
        // Outside a shell and without env, K=V is a program name, not an assignment.
        assert!(run(&["A=1", "openclaw", "gateway"], &[]).is_none());
    }

    #[test]
    fn root_options_before_gateway_and_flags_after() {
        let words = [
            "openclaw",
            "--profile",
            "work",
            "--dev",
            "--log-level",
            "debug",
            "gateway",
        ];
        let (g, why) = run(&words, &[]).unwrap();
        assert_eq!(g.profile.unwrap().value, "work");
        assert!(g.dev);
        assert_eq!(why, "ExecStart runs `openclaw gateway`");
        let words = [
            "openclaw",
            "--profile=ops",
            "gateway",
            "--bind=lan",
            "--token=abc",
            "--auth",
            "token",
            "--password",
            "pw",
            "--allow-unconfigured",
            "--verbose",
            "--tailscale",
            "serve",
        ];
        let (g, _) = run(&words, &[]).unwrap();
        assert_eq!(g.profile.as_ref().unwrap().value, "ops");
        assert_eq!(g.bind.as_ref().unwrap().value, "lan");
        assert_eq!(g.token.as_ref().unwrap().value.expose(), "abc");
        assert_eq!(g.password.as_ref().unwrap().value.expose(), "pw");
        assert_eq!(g.auth.as_ref().unwrap().value, "token");
        assert!(g.allow_unconfigured);
        assert_eq!(
            (
                g.bind.as_ref().unwrap().file.as_path(),
                g.bind.as_ref().unwrap().line
            ),
            (Path::new("/u.service"), 4)
        );
        assert!(g.argv.contains(&"--token=<redacted>".to_string()));
        assert_eq!(g.argv[7..9], ["--password", "<redacted>"]);
        assert!(!format!("{g:?}").contains("abc") && !format!("{g:?}").contains("\"pw\""));
        let (g, _) = run(&["openclaw", "gateway", "--port", "0"], &[]).unwrap();
        assert_eq!(g.port, None);
        assert_eq!(g.notes, ["--port \"0\" is not a port"]);
    }

    #[test]
    fn shell_scripts() {
        let script =
            "export X=1; cd /srv && exec /opt/openclaw/openclaw.mjs gateway --port \"$PORT\"";
        let (g, why) = run(&["/bin/bash", "-lc", script], &[("PORT", "7")]).unwrap();
        assert!(g.via_shell);
        assert_eq!(g.port.unwrap().value, 7);
        assert_eq!(why, "ExecStart runs `openclaw gateway` inside `bash -c`");
        assert_eq!(
            g.notes,
            ["$PORT is a shell variable, taken from the unit's environment"]
        );
        let (g, _) = run(
            &[
                "sh",
                "-c",
                "openclaw gateway status || OPENCLAW_PROFILE=x openclaw gateway --port 3",
            ],
            &[],
        )
        .unwrap();
        assert_eq!(g.port.unwrap().value, 3);
        assert_eq!(
            g.command_env,
            [("OPENCLAW_PROFILE".to_string(), "x".to_string())]
        );
        let multi = "set -e\nopenclaw doctor\nopenclaw gateway run --port 9";
        assert_eq!(
            run(&["sh", "-euc", multi], &[])
                .unwrap()
                .0
                .port
                .unwrap()
                .value,
            9
        );
        // A `;` inside quotes does not split.
        assert!(run(&["sh", "-c", "echo 'a; openclaw gateway'"], &[]).is_none());
        assert!(run(&["bash", "/opt/start.sh"], &[]).is_none());
        assert!(run(&["sh", "-c", "openclaw gateway 'unbalanced"], &[]).is_none());
    }

    #[test]
    fn openclaw_unit_names() {
        for yes in [
            "openclaw-gateway.service",
            "openclaw-gateway-work.service",
            "openclaw.service",
        ] {
            assert!(named_as_openclaw_unit(yes), "{yes}");
        }
        for no in [
            "openclaw-gateway-.service",
            "openclaw-node.service",
            "myclaw.service",
            "openclaw-gateway.socket",
        ] {
            assert!(!named_as_openclaw_unit(no), "{no}");
        }
    }
}
