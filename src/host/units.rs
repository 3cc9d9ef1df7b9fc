//! The systemd units that run an OpenClaw gateway: the system manager's and each user
//! manager's search paths (systemd.unit(5)), the unit a name resolves to (the first directory
//! wins; a link to `/dev/null` masks it), its drop-ins, `Environment=`/`EnvironmentFile=`,
//! `User=` and `ExecStart=`, and the gateway arguments in that command line.
//!
//! Every path is read through a `HostRoot`. Cost: `check` runs this every time, so the vendor
//! directories (`/usr/lib/systemd/…`, hundreds of units) are only listed, and only units named
//! `openclaw…` or named by the caller are read there; every unit in the administrator's
//! directories (`/etc/systemd/…`, `~/.config/systemd/user`, YunoHost's units) is read, but
//! parsed only when its text mentions `gateway`.

mod gateway;
mod load;
mod settings;

pub use crate::host::unit_syntax::{ExecCommand, SyntaxError, UnitFile, parse_unit};
pub use gateway::{GatewayArgs, Secret, gateway_in_argv, named_as_openclaw_unit};

use crate::host::HostRoot;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Which manager runs a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    #[default]
    System,
    User {
        user: String,
        uid: u32,
    },
}

/// A value and the unit-file line that set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub file: PathBuf,
    pub line: usize,
}

/// One unit as its manager would load it: the unit file, then its drop-ins in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unit {
    pub name: String,
    pub scope: Scope,
    /// The unit file read (a link followed), or the masking link.
    pub path: PathBuf,
    pub dropins: Vec<PathBuf>,
    /// Linked to `/dev/null` (or empty): systemd will not start it. The other fields then
    /// describe the unit it masks, when there is one.
    pub masked: bool,
    pub description: Option<String>,
    /// `Type=`.
    pub service_type: Option<Located<String>>,
    pub user: Option<Located<String>>,
    pub group: Option<Located<String>>,
    pub dynamic_user: bool,
    /// `WorkingDirectory=`, `~` replaced by the home when it is known.
    pub working_dir: Option<Located<String>>,
    pub root_directory: Option<Located<String>>,
    /// `ProtectHome=` as written (`yes`, `read-only`, `tmpfs`…).
    pub protect_home: Option<Located<String>>,
    pub private_tmp: bool,
    /// `Environment=` in effect order: a variable set twice keeps its first place.
    pub environment: Vec<Located<(String, String)>>,
    pub unset_environment: Vec<Located<String>>,
    pub environment_files: Vec<EnvFile>,
    /// The command `ExecStart=` runs (the first, when there are several), as written: it may
    /// hold a `--token`, which `secrets` lists for the redactor.
    pub exec_start: Option<Located<ExecCommand>>,
    /// Set when the unit runs an OpenClaw gateway.
    pub gateway: Option<GatewayArgs>,
    /// Why it counts as a gateway unit ("ExecStart runs `openclaw gateway`"); empty otherwise.
    pub why: String,
    /// Why systemd refuses to load the unit (a fatal setting), if it does.
    pub refused: Option<String>,
    /// Unknown specifiers, ignored lines, files skipped as too big…
    pub notes: Vec<String>,
}

/// One `EnvironmentFile=` line and what reading it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFile {
    /// The file (or glob) as the line names it, without its `-`.
    pub path: PathBuf,
    /// `-`: a missing file is no error.
    pub optional: bool,
    /// The unit line that names it.
    pub at: (PathBuf, usize),
    pub state: EnvFileState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvFileState {
    /// Its variables in order; each located in the environment file.
    Read(Vec<Located<(String, String)>>),
    /// Not there: without `-`, systemd refuses to start the unit.
    Missing,
    /// There but not read (permissions, too big, not UTF-8…).
    Unreadable(String),
}

impl Unit {
    /// The environment systemd gives the service: `USER`, `LOGNAME` and `HOME` of `User=`
    /// (or of the user manager's user), then `Environment=`, then `EnvironmentFile=` (whose
    /// settings win, systemd.exec(5)), less `UnsetEnvironment=`. `home_of` gives a user's home
    /// (`/etc/passwd`). Not here: `SHELL`, `PATH` and the manager's own variables.
    pub fn service_env(&self, home_of: impl Fn(&str) -> Option<PathBuf>) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = Vec::new();
        let who = match (&self.scope, &self.user) {
            (_, Some(u)) if !self.dynamic_user => Some(u.value.clone()),
            (Scope::User { user, .. }, _) => Some(user.clone()),
            _ => None,
        };
        if let Some(user) = who {
            if let Some(home) = home_of(&user) {
                set_var(&mut env, "HOME", &home.display().to_string());
            }
            set_var(&mut env, "LOGNAME", &user);
            set_var(&mut env, "USER", &user);
        }
        for var in &self.environment {
            set_var(&mut env, &var.value.0, &var.value.1);
        }
        for file in &self.environment_files {
            if let EnvFileState::Read(vars) = &file.state {
                for var in vars {
                    set_var(&mut env, &var.value.0, &var.value.1);
                }
            }
        }
        for unset in &self.unset_environment {
            let u = unset.value.as_str();
            env.retain(|(k, v)| k != u && format!("{k}={v}") != u);
        }
        env
    }

    /// The secrets this unit holds (gateway `--token`/`--password`, and the values of
    /// variables with secret names), for the report's redactor.
    pub fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(g) = &self.gateway {
            out.extend(
                g.token
                    .iter()
                    .chain(&g.password)
                    .map(|s| s.value.expose().to_string()),
            );
        }
        let files = self
            .environment_files
            .iter()
            .filter_map(|f| match &f.state {
                EnvFileState::Read(vars) => Some(vars.iter()),
                _ => None,
            });
        for var in self.environment.iter().chain(files.flatten()) {
            if crate::redact::is_secret_key(&var.value.0) && !var.value.1.is_empty() {
                out.push(var.value.1.clone());
            }
        }
        out
    }
}

/// Sets in place (keeping the first place) or appends, as systemd's `strv_env_replace`.
fn set_var(env: &mut Vec<(String, String)>, key: &str, value: &str) {
    match env.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value.to_string(),
        None => env.push((key.to_string(), value.to_string())),
    }
}

/// The units of this host that run an OpenClaw gateway (masked ones too), plus every unit
/// named `openclaw…` and every unit in `extra_names` (names seen in running processes'
/// cgroups), in the system manager and in the user managers of `users` (name, uid, home)
/// that have units of their own, linger or run.
pub fn scan(
    root: &HostRoot,
    users: &[(String, u32, PathBuf)],
    extra_names: &[String],
) -> Vec<Unit> {
    scan_with_path(root, users, extra_names, None)
}

/// `scan`, with the system manager's search path replaced as systemd does for
/// `SYSTEMD_UNIT_PATH` (colon-separated; a trailing colon appends the usual directories).
pub fn scan_with_path(
    root: &HostRoot,
    users: &[(String, u32, PathBuf)],
    extra_names: &[String],
    unit_path: Option<&str>,
) -> Vec<Unit> {
    let mut lister = Lister::new(root);
    let mut out = Vec::new();
    let system = match unit_path.filter(|p| !p.is_empty()) {
        Some(p) => {
            let mut dirs: Vec<SearchDir> = p
                .split(':')
                .filter(|d| d.starts_with('/'))
                .map(|d| SearchDir {
                    path: PathBuf::from(d),
                    read_all: true,
                })
                .collect();
            if p.ends_with(':') {
                dirs.extend(search_dirs(None));
            }
            dirs
        }
        None => search_dirs(None),
    };
    scan_scope(
        &mut lister,
        &Scope::System,
        &system,
        None,
        users,
        extra_names,
        &mut out,
    );
    let linger = lister.names(Path::new("/var/lib/systemd/linger"));
    let running = lister.names(Path::new("/run/user"));
    for (user, uid, home) in users {
        let dirs = search_dirs(Some((*uid, home)));
        let own = dirs
            .iter()
            .filter(|d| d.path.starts_with(home))
            .any(|d| lister.listing(&d.path).is_some());
        if !(own || linger.contains(user) || running.contains(&uid.to_string())) {
            continue;
        }
        let scope = Scope::User {
            user: user.clone(),
            uid: *uid,
        };
        scan_scope(
            &mut lister,
            &scope,
            &dirs,
            Some(home),
            users,
            extra_names,
            &mut out,
        );
    }
    out
}

/// One directory of a search path; `read_all`: every unit in it is read (an administrator's
/// directory), else only the `openclaw…` and asked-for names (a vendor directory).
#[derive(Debug, Clone)]
struct SearchDir {
    path: PathBuf,
    read_all: bool,
}

/// The search path of the system manager (`None`) or of a user's manager, highest priority
/// first (systemd.unit(5), "Unit file load path"; generator directories left out).
fn search_dirs(user: Option<(u32, &Path)>) -> Vec<SearchDir> {
    let dir = |p: &str, read_all| SearchDir {
        path: PathBuf::from(p),
        read_all,
    };
    let Some((uid, home)) = user else {
        return vec![
            dir("/etc/systemd/system.control", true),
            dir("/run/systemd/system.control", true),
            dir("/run/systemd/transient", true),
            dir("/etc/systemd/system", true),
            dir("/run/systemd/system", true),
            dir("/usr/local/lib/systemd/system", false),
            dir("/usr/lib/systemd/system", false),
            dir("/lib/systemd/system", false),
        ];
    };
    let run = format!("/run/user/{uid}/systemd");
    vec![
        SearchDir {
            path: home.join(".config/systemd/user.control"),
            read_all: true,
        },
        dir(&format!("{run}/user.control"), true),
        dir(&format!("{run}/transient"), true),
        SearchDir {
            path: home.join(".config/systemd/user"),
            read_all: true,
        },
        dir("/etc/xdg/systemd/user", true),
        dir("/etc/systemd/user", true),
        dir(&format!("{run}/user"), true),
        dir("/run/systemd/user", true),
        SearchDir {
            path: home.join(".local/share/systemd/user"),
            read_all: true,
        },
        dir("/usr/local/share/systemd/user", false),
        dir("/usr/share/systemd/user", false),
        dir("/usr/local/lib/systemd/user", false),
        dir("/usr/lib/systemd/user", false),
    ]
}

/// What one directory holds: unit names (files and links) and drop-in directories.
#[derive(Debug, Default)]
struct Listing {
    units: HashSet<String>,
    dropin_dirs: HashSet<String>,
}

/// Directory listings, each read once per scan; a directory reached twice (`/lib` is
/// `/usr/lib` on merged-/usr systems) is listed as absent the second time.
struct Lister<'a> {
    root: &'a HostRoot,
    cache: HashMap<PathBuf, Option<Rc<Listing>>>,
    seen: HashSet<(u64, u64)>,
}

impl<'a> Lister<'a> {
    fn new(root: &'a HostRoot) -> Self {
        Lister {
            root,
            cache: HashMap::new(),
            seen: HashSet::new(),
        }
    }

    fn listing(&mut self, dir: &Path) -> Option<Rc<Listing>> {
        if let Some(hit) = self.cache.get(dir) {
            return hit.clone();
        }
        let listing = self.read(dir).map(Rc::new);
        self.cache.insert(dir.to_path_buf(), listing.clone());
        listing
    }

    fn read(&mut self, dir: &Path) -> Option<Listing> {
        use std::os::unix::fs::MetadataExt;
        let host = self.root.path(dir);
        let meta = std::fs::metadata(&host).ok()?;
        if !meta.is_dir() || !self.seen.insert((meta.dev(), meta.ino())) {
            return None;
        }
        let mut listing = Listing::default();
        for entry in std::fs::read_dir(&host).ok()?.flatten() {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let is_dir = entry
                .file_type()
                .is_ok_and(|t| t.is_dir() || t.is_symlink());
            if name.ends_with(".d") && is_dir {
                listing.dropin_dirs.insert(name);
            } else if name.ends_with(".service") {
                listing.units.insert(name);
            }
        }
        Some(listing)
    }

    /// File names in a directory (`/var/lib/systemd/linger`), empty when it is not there.
    fn names(&self, dir: &Path) -> HashSet<String> {
        std::fs::read_dir(self.root.path(dir))
            .map(|rd| {
                rd.flatten()
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Whether a unit is reported whatever it runs.
fn named_like_openclaw(name: &str) -> bool {
    name.starts_with("openclaw")
}

fn scan_scope(
    lister: &mut Lister,
    scope: &Scope,
    dirs: &[SearchDir],
    home: Option<&Path>,
    users: &[(String, u32, PathBuf)],
    extra_names: &[String],
    out: &mut Vec<Unit>,
) {
    let listed: Vec<(PathBuf, Rc<Listing>)> = dirs
        .iter()
        .filter_map(|d| lister.listing(&d.path).map(|l| (d.path.clone(), l)))
        .collect();
    let mut names: BTreeSet<&str> = extra_names
        .iter()
        .map(String::as_str)
        .filter(|n| n.ends_with(".service"))
        .collect();
    for d in dirs {
        let Some((_, listing)) = listed.iter().find(|(p, _)| *p == d.path) else {
            continue;
        };
        let wanted = |n: &&String| d.read_all || named_like_openclaw(n);
        // A template (`x@.service`) runs nothing itself; its instances come from the caller.
        names.extend(
            listing
                .units
                .iter()
                .filter(wanted)
                .map(String::as_str)
                .filter(|n| !n.contains("@.")),
        );
    }
    let ctx = load::Ctx {
        root: lister.root,
        scope,
        dirs: &listed,
        home,
        users,
    };
    for name in names {
        let asked = extra_names.iter().any(|n| n == name);
        let Some(unit) = load::load_unit(&ctx, name, asked || named_like_openclaw(name)) else {
            continue;
        };
        if unit.gateway.is_some() || asked || named_like_openclaw(name) {
            out.push(unit);
        }
    }
}
