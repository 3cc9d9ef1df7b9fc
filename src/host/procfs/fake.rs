//! A host tree for tests: `proc/<pid>/…` laid out as the kernel shows it, and `etc/passwd`.
//! A network namespace's socket tables live in `netns/<n>/` and every process in it links its
//! `net/` there, so processes of one namespace share their tables as they do on a host.

use crate::host::HostRoot;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

pub const TCP_HEADER: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

pub struct FakeHost {
    pub dir: tempfile::TempDir,
}

impl FakeHost {
    /// `proc/self` in namespace `net:[1]` with no listening socket; `etc/passwd` with root and
    /// app (1000).
    pub fn new() -> FakeHost {
        let host = FakeHost {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        host.write(
            "etc/passwd",
            b"root:x:0:0:root:/root:/bin/bash\napp:x:1000:1000::/home/app:/bin/sh\n",
        );
        let me = host.path("proc/self");
        fs::create_dir_all(me.join("ns")).expect("self");
        symlink("net:[1]", me.join("ns/net")).expect("ns");
        symlink(namespace(host.dir.path(), 1), me.join("net")).expect("net");
        host
    }

    pub fn root(&self) -> HostRoot {
        HostRoot {
            root: self.dir.path().to_path_buf(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
        fs::write(p, bytes).expect("write");
    }

    /// A process as `sleep` would look: uid 1000, started at tick `pid`, in our namespace and
    /// root, no sockets. Its files are then rewritten by the builder methods.
    pub fn process(&self, pid: u32) -> FakeProc {
        let dir = self.path(&format!("proc/{pid}"));
        fs::create_dir_all(dir.join("fd")).expect("fd");
        fs::create_dir_all(dir.join("ns")).expect("ns");
        symlink(self.dir.path(), dir.join("root")).expect("root");
        symlink("/", dir.join("cwd")).expect("cwd");
        let p = FakeProc {
            dir,
            pid,
            host: self.dir.path().to_path_buf(),
        };
        p.netns(1)
            .comm("sleep")
            .cmdline(&["sleep", "1000"])
            .uid(1000)
            .stat(1, u64::from(pid))
            .file(
                "cgroup",
                b"0::/user.slice/user-1000.slice/session-1.scope\n",
            )
            .file("environ", b"");
        p
    }
}

/// `netns/<n>` under `host`, with empty tables the first time.
fn namespace(host: &Path, n: u32) -> PathBuf {
    let dir = host.join(format!("netns/{n}"));
    if !dir.exists() {
        fs::create_dir_all(&dir).expect("netns");
        fs::write(dir.join("tcp"), TCP_HEADER).expect("tcp");
        fs::write(dir.join("tcp6"), TCP_HEADER).expect("tcp6");
    }
    dir
}

pub struct FakeProc {
    pub dir: PathBuf,
    pub pid: u32,
    host: PathBuf,
}

impl FakeProc {
    pub fn file(&self, name: &str, bytes: &[u8]) -> &Self {
        let p = self.dir.join(name);
        fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
        fs::write(p, bytes).expect("write");
        self
    }

    pub fn link(&self, name: &str, target: impl AsRef<Path>) -> &Self {
        let p = self.dir.join(name);
        let _ = fs::remove_file(&p);
        symlink(target, p).expect("link");
        self
    }

    /// In network namespace `n`: `ns/net` → `net:[n]`, `net/` → its tables.
    pub fn netns(&self, n: u32) -> &Self {
        self.link("ns/net", format!("net:[{n}]"))
            .link("net", namespace(&self.host, n))
    }

    /// Lines added to the `tcp` and `tcp6` tables of its namespace.
    pub fn tcp(&self, tcp: &str, tcp6: &str) -> &Self {
        for (name, lines) in [("net/tcp", tcp), ("net/tcp6", tcp6)] {
            let mut f = fs::OpenOptions::new()
                .append(true)
                .open(self.dir.join(name))
                .expect("table");
            std::io::Write::write_all(&mut f, lines.as_bytes()).expect("append");
        }
        self
    }

    pub fn comm(&self, comm: &str) -> &Self {
        self.file("comm", format!("{comm}\n").as_bytes())
    }

    pub fn cmdline(&self, argv: &[&str]) -> &Self {
        let mut raw = Vec::new();
        for a in argv {
            raw.extend_from_slice(a.as_bytes());
            raw.push(0);
        }
        self.file("cmdline", &raw)
    }

    pub fn uid(&self, uid: u32) -> &Self {
        let status = format!(
            "Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{0}\nPid:\t{0}\nPPid:\t1\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t{uid}\t{uid}\t{uid}\t{uid}\n",
            self.pid
        );
        self.file("status", status.as_bytes())
    }

    pub fn stat(&self, ppid: u32, start: u64) -> &Self {
        let stat = format!(
            "{} (x) S {ppid} 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 {start} 1000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
            self.pid
        );
        self.file("stat", stat.as_bytes())
    }

    pub fn environ(&self, vars: &[(&str, &str)]) -> &Self {
        let mut raw = Vec::new();
        for (k, v) in vars {
            raw.extend_from_slice(format!("{k}={v}").as_bytes());
            raw.push(0);
        }
        self.file("environ", &raw)
    }

    /// An open socket: `fd/<n>` → `socket:[inode]`.
    pub fn socket(&self, n: u32, inode: u64) -> &Self {
        self.link(&format!("fd/{n}"), format!("socket:[{inode}]"))
    }
}

/// A LISTEN line of `/proc/net/tcp` for 127.0.0.1:`port` (little-endian text).
pub fn listen_v4(inode: u64, port: u16) -> String {
    format!(
        "   0: 0100007F:{port:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 {inode} 1 0000000000000000 100 0 0 10 0\n"
    )
}

/// A LISTEN line of `/proc/net/tcp6` for [::1]:`port`.
pub fn listen_v6(inode: u64, port: u16) -> String {
    format!(
        "   0: 00000000000000000000000001000000:{port:04X} 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 {inode} 1 0000000000000000 100 0 0 10 0\n"
    )
}
