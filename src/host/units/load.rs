//! One unit as its manager loads it: the file its name resolves to (links followed, masks
//! seen) and its drop-ins; `settings` applies what they say.

use super::settings::Builder;
use super::{HostRoot, Listing, Scope, Unit};
use crate::host::unit_syntax::{MAX_FILE_BYTES, Specifiers, parse_unit_partial};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

pub(super) struct Ctx<'a> {
    pub root: &'a HostRoot,
    pub scope: &'a Scope,
    /// The listed directories of the search path, highest priority first.
    pub dirs: &'a [(PathBuf, Rc<Listing>)],
    /// The user manager's home (`None` for the system manager).
    pub home: Option<&'a Path>,
    pub users: &'a [(String, u32, PathBuf)],
}

impl Ctx<'_> {
    pub(super) fn home_of(&self, user: &str) -> Option<PathBuf> {
        let found = self
            .users
            .iter()
            .find(|(n, uid, _)| n == user || uid.to_string() == user);
        match found {
            Some((_, _, home)) => Some(home.clone()),
            None => (user == "root" || user == "0").then(|| PathBuf::from("/root")),
        }
    }
}

/// What a unit name leads to.
enum Resolved {
    /// A link to `/dev/null`, or an empty file.
    Masked,
    File(PathBuf),
    Gone,
}

/// The unit `name` in this scope, or `None` when no directory has it or, unless `wanted`, its
/// text never mentions `gateway` (the cheap test that keeps `check` fast).
pub(super) fn load_unit(ctx: &Ctx, name: &str, wanted: bool) -> Option<Unit> {
    let mut unit = Unit {
        name: name.to_string(),
        scope: ctx.scope.clone(),
        ..Unit::default()
    };
    let file = fragment(ctx, name, &mut unit)?;
    let (dropins, mut notes) = dropins(ctx, name);
    unit.notes.append(&mut notes);
    let mut texts = vec![(file.clone(), read_bounded(ctx.root, &file))];
    texts.extend(
        dropins
            .iter()
            .map(|d| (d.clone(), read_bounded(ctx.root, d))),
    );
    let mentions = |t: &Result<Vec<u8>, String>| {
        t.as_ref()
            .is_ok_and(|b| memchr::memmem::find(b, b"gateway").is_some())
    };
    if !wanted && !texts.iter().any(|(_, t)| mentions(t)) {
        return None;
    }
    unit.path = if unit.masked { unit.path } else { file };
    unit.dropins = dropins;
    let spec = Specifiers {
        unit_name: name.to_string(),
        fragment: unit.path.display().to_string(),
        user_manager: match (ctx.scope, ctx.home) {
            (Scope::User { user, uid }, Some(home)) => {
                Some((user.clone(), *uid, home.display().to_string()))
            }
            _ => None,
        },
    };
    let mut b = Builder::new(unit, spec);
    for (index, (path, text)) in texts.into_iter().enumerate() {
        match text {
            Ok(t) => {
                let (parsed, error) = parse_unit_partial(&t, &path);
                b.apply_file(&parsed, error, index > 0);
            }
            Err(why) => b.unit.notes.push(format!("{}: {why}", path.display())),
        }
    }
    Some(b.finish(ctx))
}

/// The file the name resolves to: an instance's own file in any directory first, then its
/// template's; the first directory that has the name wins, a mask too (then the file below
/// it is what the other fields describe). `None` when there is none.
fn fragment(ctx: &Ctx, name: &str, unit: &mut Unit) -> Option<PathBuf> {
    let template = instance_template(name);
    let candidates = std::iter::once(name.to_string()).chain(template);
    for candidate in candidates {
        for (dir, listing) in ctx.dirs {
            if !listing.units.contains(&candidate) {
                continue;
            }
            let path = dir.join(&candidate);
            match resolve(ctx.root, &path) {
                Resolved::Masked if !unit.masked => {
                    unit.masked = true;
                    unit.path = path;
                }
                Resolved::Masked | Resolved::Gone => {}
                Resolved::File(file) => {
                    if unit.masked {
                        unit.notes
                            .push(format!("masked; it masks {}", file.display()));
                    }
                    let base = file
                        .file_name()
                        .and_then(|f| f.to_str())
                        .unwrap_or_default();
                    if base != candidate {
                        unit.notes.push(format!("an alias of {base}"));
                    }
                    return Some(file);
                }
            }
        }
    }
    // A mask over nothing: reported as such (the caller asked for the name, or it is OpenClaw's).
    unit.masked.then(|| unit.path.clone())
}

/// `foo@.service` for an instance `foo@bar.service`.
fn instance_template(name: &str) -> Option<String> {
    let (prefix, rest) = name.split_once('@')?;
    let (instance, suffix) = rest.rsplit_once('.')?;
    (!instance.is_empty()).then(|| format!("{prefix}@.{suffix}"))
}

/// Follows links (at most 8) inside the host root; a link to `/dev/null` masks.
fn resolve(root: &HostRoot, path: &Path) -> Resolved {
    let mut current = path.to_path_buf();
    for _ in 0..8 {
        let host = root.path(&current);
        let Ok(meta) = std::fs::symlink_metadata(&host) else {
            return Resolved::Gone;
        };
        if !meta.file_type().is_symlink() {
            return match (meta.is_file(), meta.len()) {
                (true, 0) => Resolved::Masked,
                (true, _) => Resolved::File(current),
                _ => Resolved::Gone,
            };
        }
        let Ok(target) = std::fs::read_link(&host) else {
            return Resolved::Gone;
        };
        if target == Path::new("/dev/null") {
            return Resolved::Masked;
        }
        let parent = current.parent().unwrap_or(Path::new("/"));
        current = normalize(&parent.join(target));
    }
    Resolved::Gone
}

/// `..` and `.` resolved by name (the path stays inside the host root).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(part) => out.push(part),
            _ => {}
        }
    }
    out
}

/// A file's bytes, refused over `MAX_FILE_BYTES`.
pub(super) fn read_bounded(root: &HostRoot, path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(root.path(path)).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err("over 1 MiB, skipped".to_string());
    }
    Ok(bytes)
}

/// The drop-in directory names systemd tries for a unit, most specific first (its
/// `unit_file_find_dirs`): the name, an instance's template, then the name cut after each
/// dash (`openclaw-gateway-work.service` → `openclaw-gateway-.service`, `openclaw-.service`).
fn dropin_dir_names(name: &str, out: &mut Vec<String>) {
    out.push(format!("{name}.d"));
    let Some((stem, suffix)) = name.rsplit_once('.') else {
        return;
    };
    let (prefix, instance) = match stem.split_once('@') {
        Some((p, i)) => (p, Some(i).filter(|i| !i.is_empty())),
        None => (stem, None),
    };
    if let Some(template) = instance_template(name) {
        dropin_dir_names(&template, out);
    }
    let mut cut = prefix.to_string();
    let mut chopped = false;
    loop {
        let Some(dash) = cut.rfind('-').filter(|d| *d > 0) else {
            return;
        };
        if dash + 1 < cut.len() || chopped {
            cut.truncate(dash + 1);
            break;
        }
        cut.truncate(dash);
        chopped = true;
    }
    let built = match instance {
        Some(i) => format!("{cut}@{i}.{suffix}"),
        None => format!("{cut}.{suffix}"),
    };
    dropin_dir_names(&built, out);
}

/// The drop-ins of a unit, in the order they apply: `*.conf` from each drop-in directory of
/// every search directory (the type-wide `service.d` last); a name seen in a higher directory
/// hides the same name below; then sorted by file name (systemd.unit(5)). A drop-in linked to
/// `/dev/null` is masked.
fn dropins(ctx: &Ctx, name: &str) -> (Vec<PathBuf>, Vec<String>) {
    let mut names = Vec::new();
    dropin_dir_names(name, &mut names);
    let mut dirs = Vec::new();
    for (dir, listing) in ctx.dirs {
        dirs.extend(
            names
                .iter()
                .filter(|n| listing.dropin_dirs.contains(*n))
                .map(|n| dir.join(n)),
        );
    }
    for (dir, listing) in ctx.dirs {
        if listing.dropin_dirs.contains("service.d") {
            dirs.push(dir.join("service.d"));
        }
    }
    let mut chosen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(ctx.root.path(&dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(file) = entry.file_name().into_string() else {
                continue;
            };
            if file.ends_with(".conf") && !file.starts_with('.') {
                chosen
                    .entry(file.clone())
                    .or_insert_with(|| dir.join(&file));
            }
        }
    }
    let mut notes = Vec::new();
    let mut out = Vec::new();
    for path in chosen.into_values() {
        match resolve(ctx.root, &path) {
            Resolved::File(_) => out.push(path),
            Resolved::Masked => notes.push(format!("drop-in {} is masked", path.display())),
            Resolved::Gone => {}
        }
    }
    (out, notes)
}
