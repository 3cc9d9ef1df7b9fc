//! Which of a found gateway's claims the doctor believes: a process names only configs of its
//! own user (or runs as root), a user unit only its user's; a path read through another root
//! must not leave it by a symbolic link. Files are told apart by (device, inode), whatever
//! path or namespace reaches them.

use super::gateways::FoundGateway;
use super::units::Scope;
use std::path::Path;

/// A file's identity (device, inode): the same file whatever path (or namespace) reaches it.
pub fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Why a found gateway's config is not taken as its own, if it is not: a process names only
/// configs of its own user (or is root's), a user unit only its user's; and a path read
/// through another root must not leave it by a symlink.
pub(super) fn distrust(g: &FoundGateway) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let path = g.config_path()?;
    if let Some(prefix) = &g.prefix
        && path.starts_with(prefix)
        && crosses_symlink(prefix, path)
    {
        return Some(format!(
            "{}: its config {} is reached through a symbolic link inside its root; not followed",
            g.label(),
            path.display()
        ));
    }
    let owner = std::fs::metadata(path).ok()?.uid();
    let runs_as = match (&g.process, &g.unit) {
        (Some(p), _) => Some(p.uid),
        (None, Some(u)) => match &u.scope {
            Scope::User { uid, .. } => Some(*uid),
            Scope::System => None,
        },
        _ => None,
    };
    match runs_as {
        Some(uid) if uid != 0 && uid != owner => Some(format!(
            "{} names {} as its config, but that file belongs to uid {owner}, not to the gateway's user: not taken as its config",
            g.label(),
            path.display()
        )),
        _ => None,
    }
}

/// Whether a component of `path` below `prefix` is a symbolic link.
fn crosses_symlink(prefix: &Path, path: &Path) -> bool {
    let Ok(rest) = path.strip_prefix(prefix) else {
        return false;
    };
    let mut at = prefix.to_path_buf();
    rest.components().any(|c| {
        at.push(c);
        std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
    })
}
