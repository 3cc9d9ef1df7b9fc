//! Where the host's facts are read: the real `/` (and its `/proc`), or a tree laid out like a
//! host for tests (`OPENCLAW_DOCTOR_HOST_ROOT`). Every read of `/proc`, `/etc/passwd` and the
//! systemd unit directories goes through `HostRoot::path`.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRoot {
    pub root: PathBuf,
}

impl Default for HostRoot {
    fn default() -> Self {
        HostRoot::real()
    }
}

impl HostRoot {
    /// This host: `/`.
    pub fn real() -> HostRoot {
        HostRoot {
            root: PathBuf::from("/"),
        }
    }

    /// `OPENCLAW_DOCTOR_HOST_ROOT` when set (a test tree), else this host.
    pub fn from_env(env: &crate::config::Env) -> HostRoot {
        match env.get("OPENCLAW_DOCTOR_HOST_ROOT") {
            Some(dir) => HostRoot {
                root: PathBuf::from(dir),
            },
            None => HostRoot::real(),
        }
    }

    /// Whether this is the real host (paths are used as they are).
    pub fn is_real(&self) -> bool {
        self.root == Path::new("/")
    }

    /// `/proc` of this root.
    pub fn proc(&self) -> PathBuf {
        self.path(Path::new("/proc"))
    }

    /// An absolute host path read under this root (`/etc/passwd` → `<root>/etc/passwd`); a
    /// relative path is taken as relative to the root.
    pub fn path(&self, abs: &Path) -> PathBuf {
        if self.is_real() {
            return abs.to_path_buf();
        }
        let rel = abs.strip_prefix("/").unwrap_or(abs);
        self.root.join(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_a_test_root() {
        let real = HostRoot::real();
        assert_eq!(
            real.path(Path::new("/etc/passwd")),
            Path::new("/etc/passwd")
        );
        assert_eq!(real.proc(), Path::new("/proc"));
        let t = HostRoot {
            root: PathBuf::from("/tmp/host"),
        };
        assert_eq!(
            t.path(Path::new("/etc/passwd")),
            Path::new("/tmp/host/etc/passwd")
        );
        assert_eq!(t.proc(), Path::new("/tmp/host/proc"));
        let env = crate::config::Env::from_pairs([("OPENCLAW_DOCTOR_HOST_ROOT", "/tmp/h")]);
        assert_eq!(HostRoot::from_env(&env).root, Path::new("/tmp/h"));
    }
}
