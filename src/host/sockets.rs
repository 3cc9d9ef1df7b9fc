//! Listening TCP sockets: the table of a network namespace (our own from sock_diag, `diag`;
//! another's, or a test tree's, from `<proc>/<pid>/net/tcp{,6}`) and the socket inodes a
//! process holds (`<proc>/<pid>/fd/*` → `socket:[N]`). Joining the two tells which addresses a
//! process listens on.

use super::procfs::{Access, dir};
use std::collections::HashMap;
use std::io::Read;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::path::Path;

mod diag;

/// Listening TCP sockets of the namespace we run in, by inode, from the kernel's sock_diag
/// interface (fast; `None` where it is not available: read `<proc>/self/net` then).
pub fn listening_here() -> Option<HashMap<u64, SocketAddr>> {
    diag::listening()
}

/// A socket table is read at most this far (a host with 100,000 connections prints ~15 MB,
/// but the listening sockets come first, see `read_table`).
const MAX_TABLE: u64 = 16 << 20;
/// A process holding more sockets than this has the rest ignored (a gateway holds a few).
const MAX_SOCKETS: usize = 1 << 16;
/// TCP_LISTEN in the `st` column.
const LISTEN: &str = "0A";

/// Listening TCP sockets of the namespace `proc_pid_net` (`<proc>/<pid>/net`) shows, by socket
/// inode. A missing or unreadable table gives none.
pub fn listening(proc_pid_net: &Path) -> HashMap<u64, SocketAddr> {
    let mut out = HashMap::new();
    for name in ["tcp", "tcp6"] {
        read_table(&proc_pid_net.join(name), &mut |inode, addr| {
            out.insert(inode, addr);
        });
    }
    out
}

/// Listening sockets on `port` (any address) in the namespace of `proc_pid_net`: their inodes.
pub fn listening_on(proc_pid_net: &Path, port: u16) -> Vec<u64> {
    let mut out = Vec::new();
    for name in ["tcp", "tcp6"] {
        read_table(&proc_pid_net.join(name), &mut |inode, addr| {
            if addr.port() == port {
                out.push(inode);
            }
        });
    }
    out
}

/// Calls `each` for every LISTEN line of a `/proc/net/tcp`-style table. The kernel prints the
/// listening hash before the established one (`tcp_seq_start`), so reading stops at the first
/// socket in another state: a busy host's connections are never read. Each `read` of these
/// files walks the whole established hash (milliseconds), so none is made past the end: a
/// seq_file read stops only when the next line does not fit in its page (4 KiB or more), so a
/// read that left room for one more line was the last (a regular file's short read is its end
/// too).
fn read_table(path: &Path, each: &mut dyn FnMut(u64, SocketAddr)) {
    const ROOM: usize = 4096 - 512;
    let Ok(mut file) = std::fs::File::open(path) else {
        return;
    };
    let mut buf = vec![0u8; 64 << 10];
    let (mut carry, mut total, mut header) = (Vec::new(), 0u64, true);
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        total += n as u64;
        carry.extend_from_slice(&buf[..n]);
        let complete = carry.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        for line in carry[..complete].split(|&b| b == b'\n') {
            if line.is_empty() || std::mem::take(&mut header) {
                continue;
            }
            match parse_line(&String::from_utf8_lossy(line)) {
                Some((LISTEN, inode, Some(addr))) => each(inode, addr),
                Some((LISTEN, _, None)) | None => {}
                Some(_) => return,
            }
        }
        carry.drain(..complete);
        if n < ROOM || total >= MAX_TABLE {
            break;
        }
    }
    // A last line without its newline.
    if let (false, Some((LISTEN, inode, Some(addr)))) =
        (header, parse_line(&String::from_utf8_lossy(&carry)))
    {
        each(inode, addr);
    }
}

/// `sl local rem st tx:rx tr:when retrnsmt uid timeout inode …` → (st, inode, local address).
fn parse_line(line: &str) -> Option<(&str, u64, Option<SocketAddr>)> {
    let mut f = line.split_ascii_whitespace();
    let _sl = f.next()?;
    let local = f.next()?;
    let _rem = f.next()?;
    let st = f.next()?;
    let inode = f.nth(5)?.parse().ok()?;
    Some((st, inode, parse_addr(local)))
}

/// `0100007F:1F90` or `00000000000000000000000001000000:1F90`. The kernel prints each 32-bit
/// word of the address as a number in host byte order (`%08X` of the in-memory word), the
/// port as a plain number. IPv4-mapped addresses of `tcp6` stay IPv6.
pub fn parse_addr(field: &str) -> Option<SocketAddr> {
    let (ip, port) = field.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |i: usize| -> Option<[u8; 4]> {
        let hex = ip.get(i * 8..i * 8 + 8)?;
        Some(u32::from_str_radix(hex, 16).ok()?.to_ne_bytes())
    };
    if !ip.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match ip.len() {
        8 => Some(SocketAddrV4::new(Ipv4Addr::from(word(0)?), port).into()),
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            Some(SocketAddrV6::new(Ipv6Addr::from(bytes), port, 0, 0).into())
        }
        _ => None,
    }
}

/// The socket inodes `proc_pid` (`<proc>/<pid>`) holds open: `fd/*` links `socket:[N]`.
/// Another user's process gives `Denied` (unless we are root), a vanished one `Gone`.
pub fn socket_inodes(proc_pid: &Path) -> Access<Vec<u64>> {
    let fds = match dir::open_dir(&proc_pid.join("fd")) {
        Ok(d) => d,
        Err(e) => return Access::from_error(&e),
    };
    let mut out = Vec::new();
    let mut link = [0u8; 64];
    dir::each_name(&fds, |name| {
        if out.len() >= MAX_SOCKETS {
            return;
        }
        // An fd closed since the listing has no link: skipped.
        if let Some(inode) = dir::link_at(&fds, name, &mut link).and_then(socket_inode) {
            out.push(inode);
        }
    });
    Access::Read(out)
}

/// `socket:[12345]` → 12345.
pub fn socket_inode(link: &[u8]) -> Option<u64> {
    let digits = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    // Little-endian text (x86, arm64). Captured from a host running a 2026.2.26 gateway on 18852 (and +2, +3), an IPv6
    // wildcard listener, a v4-mapped listener and established connections after them.
    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 27 1 00000000840f35bc 100 0 0 10 0
   1: 0100007F:49A4 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61234 1 0000000000000000 100 0 0 10 0
   2: 0100007F:49A6 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61240 1 0000000000000000 100 0 0 10 0
   3: 0100007F:49A7 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61241 1 0000000000000000 100 0 0 10 0
   4: 0A00A8C0:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 500 1 0000000000000000 100 0 0 10 0
   5: 0100007F:49A4 0100007F:9962 01 00000000:00000000 00:00000000 00000000  1000        0 61250 1 0000000000000000 20 4 30 10 -1
   6: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1 0000000000000000 100 0 0 10 0
";
    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:49A4 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61235 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 700 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:2382 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 701 1 0000000000000000 100 0 0 10 0
   3: 000080FE00000000FF005452EFA3CDFE:0017 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 702 1 0000000000000000 100 0 0 10 0
";

    fn table(tcp: &str, tcp6: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("tcp"), tcp).expect("tcp");
        fs::write(dir.path().join("tcp6"), tcp6).expect("tcp6");
        dir
    }

    fn addr(s: &str) -> SocketAddr {
        s.parse().expect("address")
    }

    #[test]
    fn listening_sockets_of_a_namespace() {
        let dir = table(TCP, TCP6);
        let l = listening(dir.path());
        assert_eq!(l.get(&27), Some(&addr("0.0.0.0:2024")));
        assert_eq!(l.get(&61234), Some(&addr("127.0.0.1:18852")));
        assert_eq!(l.get(&61240), Some(&addr("127.0.0.1:18854")));
        assert_eq!(l.get(&61241), Some(&addr("127.0.0.1:18855")));
        assert_eq!(l.get(&500), Some(&addr("192.168.0.10:80")));
        assert_eq!(l.get(&61235), Some(&addr("[::1]:18852")));
        assert_eq!(l.get(&700), Some(&addr("[::]:22")));
        assert_eq!(l.get(&701), Some(&addr("[::ffff:127.0.0.1]:9090")));
        assert_eq!(l.get(&702), Some(&addr("[fe80::5254:ff:fecd:a3ef]:23")));
        // An established socket, and what the kernel would never print after it.
        assert!(!l.contains_key(&61250) && !l.contains_key(&999), "{l:?}");
        assert_eq!(l.len(), 9);
        let mut on = listening_on(dir.path(), 18852);
        on.sort_unstable();
        assert_eq!(on, [61234, 61235]);
    }

    #[test]
    fn long_tables_and_a_last_line_without_newline() {
        let mut tcp = String::new();
        for i in 0..1000u64 {
            tcp.push_str(&format!(
                "{i:4}: 0100007F:{:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 {} 1 0000000000000000 100 0 0 10 0\n",
                10000 + i,
                100 + i
            ));
        }
        let last = "   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 100 0 0 10 0";
        let dir = table(&format!("header\n{tcp}"), &format!("header\n{last}"));
        let l = listening(dir.path());
        assert_eq!(l.len(), 1001);
        assert_eq!(l.get(&1099), Some(&addr("127.0.0.1:10999")));
        assert_eq!(l.get(&77), Some(&addr("[::1]:80")));
    }

    #[test]
    fn missing_or_garbage_tables_give_nothing() {
        assert!(listening(Path::new("/nonexistent/net")).is_empty());
        let junk: String = (0..3000u32)
            .map(|i| char::from_u32(i % 0x7f + 1).unwrap_or('x'))
            .collect();
        let dir = table(
            &junk,
            "header\n 0: zz:zz zz 0A a b c d e f\n 1: 0100007F: x 0A\n",
        );
        assert!(listening(dir.path()).is_empty());
        for bad in [
            "",
            ":",
            "0100007F",
            "0100007F:",
            "0100007F:1FFFF",
            "0100007G:0050",
            "01000:0050",
            "+100007F:0050",
            "00000000000000000000000001000000",
            "0000000000000000000000000100000é:1",
        ] {
            assert_eq!(parse_addr(bad), None, "{bad}");
        }
    }

    #[test]
    fn socket_links() {
        assert_eq!(socket_inode(b"socket:[42090]"), Some(42090));
        for bad in [
            &b"pipe:[42090]"[..],
            b"socket:[]",
            b"socket:[-1]",
            b"socket:[1",
            b"/dev/null",
            b"socket:[\xff]",
        ] {
            assert_eq!(socket_inode(bad), None);
        }
    }

    #[test]
    fn a_process_socket_inodes_from_its_fd_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fd = dir.path().join("fd");
        fs::create_dir(&fd).expect("fd");
        for (n, target) in [
            ("0", "/dev/null"),
            ("3", "socket:[61234]"),
            ("4", "pipe:[5]"),
            ("7", "socket:[61235]"),
        ] {
            std::os::unix::fs::symlink(target, fd.join(n)).expect("link");
        }
        let Access::Read(mut inodes) = socket_inodes(dir.path()) else {
            panic!("fd unreadable");
        };
        inodes.sort_unstable();
        assert_eq!(inodes, [61234, 61235]);
        assert!(matches!(
            socket_inodes(&dir.path().join("gone")),
            Access::Gone
        ));
    }
}
