//! `/etc/passwd` of the host: the names behind process uids, and the homes of the users a
//! gateway may run as (their `~/.openclaw` and user units).

use super::HostRoot;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A passwd file larger than this is read only this far (a host has a few hundred lines).
const MAX_PASSWD: u64 = 4 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
    pub shell: String,
}

/// The parsed `/etc/passwd`, in file order.
#[derive(Debug, Clone, Default)]
pub struct Users {
    users: Vec<User>,
}

impl Users {
    /// `<root>/etc/passwd`; a missing or unreadable file gives no users.
    pub fn read(root: &HostRoot) -> Users {
        let mut text = Vec::new();
        if let Ok(f) = std::fs::File::open(root.path(Path::new("/etc/passwd"))) {
            let _ = f.take(MAX_PASSWD).read_to_end(&mut text);
        }
        Users::parse(&String::from_utf8_lossy(&text))
    }

    /// passwd(5) lines `name:password:uid:gid:gecos:home:shell`; comments, NIS `+`/`-` lines
    /// and lines without numeric ids are skipped.
    pub fn parse(text: &str) -> Users {
        let users = text
            .lines()
            .filter_map(|line| {
                let line = line.trim_end_matches('\r');
                if line.starts_with(['#', '+', '-']) {
                    return None;
                }
                let mut f = line.split(':');
                let name = f.next().filter(|n| !n.is_empty())?;
                let _password = f.next()?;
                let uid = f.next()?.trim().parse().ok()?;
                let gid = f.next()?.trim().parse().ok()?;
                let _gecos = f.next()?;
                let home = f.next()?;
                let shell = f.next().unwrap_or("");
                Some(User {
                    name: name.to_string(),
                    uid,
                    gid,
                    home: PathBuf::from(home),
                    shell: shell.to_string(),
                })
            })
            .collect();
        Users { users }
    }

    /// The first entry with this uid (as getpwuid returns it when several names share one).
    pub fn by_uid(&self, uid: u32) -> Option<&User> {
        self.users.iter().find(|u| u.uid == uid)
    }

    pub fn by_name(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    pub fn all(&self) -> &[User] {
        &self.users
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines() {
        let users = Users::parse(
            "root:x:0:0:root:/root:/bin/bash\n\
             # a comment\n\
             +nis::::::\n\
             app:x:1000:1000:App,,,:/home/app:/bin/sh\r\n\
             toor:x:0:0::/root2:/bin/sh\n\
             broken:x:notanumber:1:::\n\
             short:x:5\n\
             noshell:x:7:7::/var/empty\n\
             :x:9:9::/:/bin/sh\n",
        );
        let names: Vec<&str> = users.all().iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["root", "app", "toor", "noshell"]);
        let app = users.by_name("app").expect("app");
        assert_eq!((app.uid, app.gid), (1000, 1000));
        assert_eq!(app.home, Path::new("/home/app"));
        assert_eq!(app.shell, "/bin/sh");
        assert_eq!(users.by_uid(0).map(|u| u.name.as_str()), Some("root"));
        assert_eq!(users.by_uid(7).map(|u| u.shell.as_str()), Some(""));
        assert!(users.by_uid(4242).is_none());
        assert!(users.by_name("").is_none());
    }

    #[test]
    fn a_missing_or_binary_passwd_gives_what_it_can() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = HostRoot {
            root: dir.path().to_path_buf(),
        };
        assert!(Users::read(&root).all().is_empty());
        std::fs::create_dir_all(dir.path().join("etc")).expect("etc");
        let mut garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        garbage.extend_from_slice(b"\nok:x:12:34::/h:/s\n\xff:\xfe:1:1:::\n");
        std::fs::write(dir.path().join("etc/passwd"), garbage).expect("write");
        let users = Users::read(&root);
        assert_eq!(users.by_uid(12).map(|u| u.name.as_str()), Some("ok"));
    }
}
