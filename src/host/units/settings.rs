//! A unit's settings as its files set them, in order (systemd.exec(5), systemd.service(5)),
//! then its environment files and whether its command line runs a gateway.

use super::load::{Ctx, read_bounded};
use super::{EnvFile, EnvFileState, ExecCommand, HostRoot, Located, Scope, Unit, gateway};
use crate::host::unit_syntax::{self as syntax, Assignment, Specifiers, SyntaxError, UnitFile};
use std::path::{Path, PathBuf};

/// A unit's settings as its files set them, in order.
pub(super) struct Builder {
    pub(super) unit: Unit,
    spec: Specifiers,
    execs: Vec<Located<ExecCommand>>,
    has_exec_stop: bool,
    env_files: Vec<Located<String>>,
    /// A fatal setting just met: systemd stops reading the file there.
    stop: Option<String>,
}

impl Builder {
    pub(super) fn new(unit: Unit, spec: Specifiers) -> Self {
        Builder {
            unit,
            spec,
            execs: Vec::new(),
            has_exec_stop: false,
            env_files: Vec::new(),
            stop: None,
        }
    }

    pub(super) fn refuse(&mut self, why: String) {
        self.unit.refused.get_or_insert(why);
    }

    fn note(&mut self, a: &Assignment, file: &Path, what: &str) {
        self.unit
            .notes
            .push(format!("{}:{}: {}: {what}", file.display(), a.line, a.key));
    }

    /// A fatal setting: the rest of the file is not read; in the unit file itself systemd then
    /// refuses the unit, in a drop-in it loads the unit without the rest (its
    /// `unit_load_dropin` ignores the error).
    fn fail(&mut self, why: String) {
        self.stop.get_or_insert(why);
    }

    fn stopped(&mut self, why: String, dropin: bool) {
        if dropin {
            self.unit
                .notes
                .push(format!("{why}; systemd ignores the rest of this drop-in"));
        } else {
            self.refuse(why);
        }
    }

    /// One file's settings; `error` is the syntax error its reading stopped at.
    pub(super) fn apply_file(
        &mut self,
        parsed: &UnitFile,
        error: Option<SyntaxError>,
        dropin: bool,
    ) {
        for (section, line) in &parsed.sections {
            if !matches!(section.as_str(), "Unit" | "Service" | "Install")
                && !section.starts_with("X-")
            {
                self.unit.notes.push(format!(
                    "{}:{line}: unknown section [{section}], ignored by systemd",
                    parsed.path.display()
                ));
            }
        }
        self.unit.notes.extend(parsed.warnings.iter().cloned());
        for a in &parsed.assignments {
            match (a.section.as_str(), a.key.as_str()) {
                ("Unit", "Description") => self.unit.description = Some(a.value.clone()),
                ("Service", _) => self.apply(a, &parsed.path),
                _ => {}
            }
            if let Some(why) = self.stop.take() {
                return self.stopped(why, dropin);
            }
        }
        if let Some(e) = error {
            self.stopped(e.to_string(), dropin);
        }
    }

    fn located<T>(&self, value: T, a: &Assignment, file: &Path) -> Located<T> {
        Located {
            value,
            file: file.to_path_buf(),
            line: a.line,
        }
    }

    /// The value with its specifiers resolved; `None` (noted) for an unknown one.
    fn expanded(&mut self, a: &Assignment, file: &Path, value: &str) -> Option<String> {
        match self.spec.expand(value.as_bytes()) {
            Ok((text, _)) => Some(String::from_utf8_lossy(&text).into_owned()),
            Err(syntax::UnknownSpecifier(c)) => {
                self.note(a, file, &format!("unknown specifier %{c}, setting ignored"));
                None
            }
        }
    }

    fn apply(&mut self, a: &Assignment, file: &Path) {
        let v = a.value.as_str();
        match a.key.as_str() {
            "ExecStart" => self.exec_start(a, file),
            "ExecStop" => self.has_exec_stop |= !v.is_empty(),
            "Environment" => self.environment(a, file),
            "EnvironmentFile" if v.is_empty() => self.env_files.clear(),
            "EnvironmentFile" => {
                if let Some(path) = self.expanded(a, file, v) {
                    if path.trim_start_matches('-').starts_with('/') {
                        self.env_files.push(self.located(path, a, file));
                    } else {
                        self.note(a, file, "not an absolute path, ignored by systemd");
                    }
                }
            }
            "UnsetEnvironment" if v.is_empty() => self.unit.unset_environment.clear(),
            "UnsetEnvironment" => {
                let mut rest = v.as_bytes();
                while let Ok(Some((word, after))) = syntax::next_word(rest, false) {
                    rest = after;
                    let word = String::from_utf8_lossy(&word).into_owned();
                    self.unit
                        .unset_environment
                        .push(self.located(word, a, file));
                }
            }
            "User" | "Group" | "RootDirectory" | "Type" | "ProtectHome" => {
                let value = match (v, self.expanded(a, file, v)) {
                    ("", _) => None,
                    (_, Some(x)) => Some(self.located(x, a, file)),
                    // systemd refuses a user or group it cannot resolve; the rest keep theirs.
                    (_, None) if matches!(a.key.as_str(), "User" | "Group") => {
                        return self.fail(format!("{}:{}: {}={v}", file.display(), a.line, a.key));
                    }
                    (_, None) => return,
                };
                let slot = match a.key.as_str() {
                    "User" => &mut self.unit.user,
                    "Group" => &mut self.unit.group,
                    "RootDirectory" => &mut self.unit.root_directory,
                    "Type" => &mut self.unit.service_type,
                    _ => &mut self.unit.protect_home,
                };
                *slot = value;
            }
            "WorkingDirectory" => self.working_directory(a, file),
            "DynamicUser" | "PrivateTmp" => match syntax::parse_bool(v) {
                Some(on) if a.key == "DynamicUser" => self.unit.dynamic_user = on,
                Some(on) => self.unit.private_tmp = on,
                None => self.note(a, file, "not a boolean, ignored"),
            },
            _ => {}
        }
    }

    fn exec_start(&mut self, a: &Assignment, file: &Path) {
        if a.value.is_empty() {
            self.execs.clear();
            return;
        }
        let parsed = syntax::parse_exec(&a.value, &self.spec);
        for w in &parsed.warnings {
            self.note(a, file, w);
        }
        if let Some(why) = parsed.fatal {
            self.fail(format!("{}:{}: ExecStart: {why}", file.display(), a.line));
        }
        for cmd in parsed.commands {
            self.execs.push(self.located(cmd, a, file));
        }
    }

    fn environment(&mut self, a: &Assignment, file: &Path) {
        if a.value.is_empty() {
            self.unit.environment.clear();
            return;
        }
        let (vars, warnings) = syntax::parse_environment(&a.value, &self.spec);
        for w in &warnings {
            self.note(a, file, w);
        }
        for (k, v) in vars {
            let var = self.located((k, v), a, file);
            let env = &mut self.unit.environment;
            match env.iter_mut().find(|e| e.value.0 == var.value.0) {
                Some(slot) => *slot = var,
                None => env.push(var),
            }
        }
    }

    /// `WorkingDirectory=` (systemd's `config_parse_working_directory`): `-` makes a missing
    /// directory no error; `~` is resolved in `finish`, once `User=` is known.
    fn working_directory(&mut self, a: &Assignment, file: &Path) {
        let v = a.value.as_str();
        if v.is_empty() {
            self.unit.working_dir = None;
            return;
        }
        let optional = v.starts_with('-');
        let v = v.strip_prefix('-').unwrap_or(v);
        let path = if v == "~" {
            Some("~".to_string())
        } else {
            self.expanded(a, file, v)
        };
        match path {
            Some(p) if p == "~" || p.starts_with('/') => {
                self.unit.working_dir = Some(self.located(p, a, file));
            }
            Some(_) if optional => self.note(a, file, "not an absolute path, ignored"),
            Some(p) => self.fail(format!(
                "{}:{}: WorkingDirectory={p} is not an absolute path",
                file.display(),
                a.line
            )),
            None if optional => {}
            None => self.fail(format!(
                "{}:{}: WorkingDirectory: bad specifier",
                file.display(),
                a.line
            )),
        }
    }

    pub(super) fn finish(mut self, ctx: &Ctx) -> Unit {
        let oneshot = self
            .unit
            .service_type
            .as_ref()
            .is_some_and(|t| t.value == "oneshot");
        if self.execs.len() > 1 && !oneshot {
            self.refuse("more than one ExecStart= command, allowed only for Type=oneshot".into());
        }
        if self.execs.is_empty() && !self.has_exec_stop && !self.unit.masked {
            self.refuse("no ExecStart=".into());
        }
        let mut unit = self.unit;
        unit.exec_start = self.execs.into_iter().next();
        let home_user = match (&unit.user, ctx.scope) {
            (Some(u), _) => u.value.clone(),
            (None, Scope::User { user, .. }) => user.clone(),
            (None, Scope::System) => "root".to_string(),
        };
        if let Some(wd) = unit.working_dir.as_mut().filter(|w| w.value == "~")
            && let Some(home) = ctx.home_of(&home_user)
        {
            wd.value = home.display().to_string();
        }
        for line in self.env_files {
            let file = read_env_files(ctx.root, line, &mut unit.notes);
            unit.environment_files.push(file);
        }
        if let Some(exec) = &unit.exec_start {
            let env = unit.service_env(|u| ctx.home_of(u));
            let argv = exec.value.expanded_argv(&env);
            if let Some((args, why)) = gateway::gateway_in_argv(&argv, &env, &exec.file, exec.line)
            {
                unit.gateway = Some(args);
                unit.why = why;
            }
        }
        if unit.gateway.is_none() && gateway::named_as_openclaw_unit(&unit.name) {
            unit.gateway = Some(gateway::GatewayArgs::default());
            unit.why = format!("named {} (OpenClaw's own unit name)", unit.name);
        }
        unit
    }
}

/// One `EnvironmentFile=` line read: a glob (`*?[`) reads every match, in name order.
fn read_env_files(root: &HostRoot, line: Located<String>, notes: &mut Vec<String>) -> EnvFile {
    let optional = line.value.starts_with('-');
    let path = PathBuf::from(line.value.trim_start_matches('-'));
    let files: Vec<PathBuf> = if line.value.contains(['*', '?', '[']) {
        let pattern = root.path(&path).display().to_string();
        let mut found: Vec<PathBuf> = glob::glob(&pattern)
            .map(|paths| paths.flatten().collect())
            .unwrap_or_default();
        found.sort();
        let base = &root.root;
        found
            .into_iter()
            .map(|p| match (root.is_real(), p.strip_prefix(base)) {
                (false, Ok(rel)) => Path::new("/").join(rel),
                _ => p,
            })
            .collect()
    } else {
        vec![path.clone()]
    };
    let mut vars: Vec<Located<(String, String)>> = Vec::new();
    let mut state = None;
    for file in &files {
        match read_env_file(root, file, notes) {
            Ok(read) => vars.extend(read),
            Err(s) => {
                state.get_or_insert(s);
            }
        }
    }
    let state = match (state, files.is_empty()) {
        (Some(s), _) => s,
        (None, true) => EnvFileState::Missing,
        (None, false) => EnvFileState::Read(vars),
    };
    if state == EnvFileState::Missing {
        notes.push(if optional {
            format!("optional EnvironmentFile {} is missing", path.display())
        } else {
            format!(
                "EnvironmentFile {} is missing: systemd refuses to start the unit",
                path.display()
            )
        });
    }
    EnvFile {
        path,
        optional,
        at: (line.file, line.line),
        state,
    }
}

fn read_env_file(
    root: &HostRoot,
    file: &Path,
    notes: &mut Vec<String>,
) -> Result<Vec<Located<(String, String)>>, EnvFileState> {
    let bytes = match read_bounded(root, file) {
        Ok(b) => b,
        Err(_) if !root.path(file).exists() => return Err(EnvFileState::Missing),
        Err(why) => return Err(EnvFileState::Unreadable(why)),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(EnvFileState::Unreadable(
            "not UTF-8: systemd refuses to start the unit".to_string(),
        ));
    };
    let (vars, dropped) = syntax::parse_env_file(&text);
    notes.extend(dropped.iter().map(|d| format!("{}: {d}", file.display())));
    Ok(vars
        .into_iter()
        .map(|v| Located {
            value: (v.key, v.value),
            file: file.to_path_buf(),
            line: v.line,
        })
        .collect())
}
