//! Listening TCP sockets of our own network namespace from the kernel's sock_diag netlink
//! interface (what `ss -ltn` uses). Reading `/proc/net/tcp` instead costs a walk of the whole
//! established hash per `read` (2.4 ms each on the 2-core test VM, more on hosts with more
//! memory), even with no connection at all; a LISTEN-only dump walks the listening hash alone.
//! Unprivileged. Any failure gives `None` and the caller reads the `/proc` tables.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

// linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
const NLMSG_ERROR: u16 = 0x2;
const NLMSG_DONE: u16 = 0x3;
const TCP_LISTEN: u32 = 10;
const NLMSG_HDRLEN: usize = 16;
/// `struct inet_diag_msg`: family, state, timer, retrans, sockid (48), expires, rqueue,
/// wqueue, uid, inode.
const DIAG_MSG_LEN: usize = 72;

/// Listening TCP sockets (IPv4 and IPv6) of the namespace we run in, by socket inode.
pub fn listening() -> Option<HashMap<u64, SocketAddr>> {
    // SAFETY: socket(2) takes no pointers; a non-negative result is a new fd we own.
    let fd = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            libc::NETLINK_SOCK_DIAG,
        )
    };
    if fd < 0 {
        return None;
    }
    // SAFETY: `fd` was just created and nothing else owns it.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    set_receive_timeout(&fd);
    let mut out = HashMap::new();
    for family in [libc::AF_INET, libc::AF_INET6] {
        dump(&fd, family as u8, &mut out)?;
    }
    Some(out)
}

/// The kernel answers a dump at once; the timeout only bounds a kernel that never ends one.
fn set_receive_timeout(fd: &OwnedFd) {
    let tv = libc::timeval {
        tv_sec: 1,
        tv_usec: 0,
    };
    // SAFETY: `tv` is a valid timeval for the length given and outlives the call.
    unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            (&raw const tv).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        );
    }
}

/// One `SOCK_DIAG_BY_FAMILY` dump of LISTEN sockets of `family`, added to `out`.
fn dump(fd: &OwnedFd, family: u8, out: &mut HashMap<u64, SocketAddr>) -> Option<()> {
    let req = request(family);
    // SAFETY: `req` is readable for its length; the kernel is the destination (no address).
    let sent = unsafe { libc::send(fd.as_raw_fd(), req.as_ptr().cast(), req.len(), 0) };
    if usize::try_from(sent).ok()? != req.len() {
        return None;
    }
    // 32 KiB: the largest datagram a dump sends. Not zeroed: recv fills what it returns.
    let mut buf: Vec<u8> = Vec::with_capacity(32 << 10);
    loop {
        buf.clear();
        // SAFETY: the buffer is writable for its capacity and we own it.
        let n = unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.capacity(), 0) };
        let n = usize::try_from(n).ok().filter(|n| *n > 0)?;
        // SAFETY: recv initialised the first `n` bytes (clamped to the capacity).
        unsafe { buf.set_len(n.min(buf.capacity())) };
        if parse(&buf, out)? {
            return Some(());
        }
    }
}

/// `nlmsghdr` + `inet_diag_req_v2` asking for TCP sockets in state LISTEN.
fn request(family: u8) -> [u8; NLMSG_HDRLEN + 56] {
    const LEN: usize = NLMSG_HDRLEN + 56;
    let mut req = [0u8; LEN];
    req[0..4].copy_from_slice(&(LEN as u32).to_ne_bytes());
    req[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    req[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    // seq 0, pid 0 (the kernel)
    req[16] = family;
    req[17] = libc::IPPROTO_TCP as u8;
    // ext 0, pad 0, then the states bit mask; the socket id stays zero (no filter).
    req[20..24].copy_from_slice(&(1u32 << TCP_LISTEN).to_ne_bytes());
    req
}

/// The messages of one `recv`: `Some(true)` at the end of the dump, `None` on an error.
pub(super) fn parse(mut buf: &[u8], out: &mut HashMap<u64, SocketAddr>) -> Option<bool> {
    while buf.len() >= NLMSG_HDRLEN {
        let len = u32::from_ne_bytes(buf[0..4].try_into().ok()?) as usize;
        let kind = u16::from_ne_bytes(buf[4..6].try_into().ok()?);
        if len < NLMSG_HDRLEN || len > buf.len() {
            return None;
        }
        match kind {
            NLMSG_DONE => return Some(true),
            NLMSG_ERROR => return None,
            SOCK_DIAG_BY_FAMILY => {
                if let Some((inode, addr)) = diag_msg(&buf[NLMSG_HDRLEN..len]) {
                    out.insert(inode, addr);
                }
            }
            _ => {}
        }
        // NLMSG_ALIGN: messages start on 4-byte boundaries.
        let next = (len + 3) & !3;
        buf = buf.get(next..).unwrap_or(&[]);
    }
    Some(false)
}

/// `inet_diag_msg` → (inode, local address). Ports and addresses are in network order.
fn diag_msg(m: &[u8]) -> Option<(u64, SocketAddr)> {
    if m.len() < DIAG_MSG_LEN || u32::from(m[1]) != TCP_LISTEN {
        return None;
    }
    let port = u16::from_be_bytes([m[4], m[5]]);
    let src: [u8; 16] = m[8..24].try_into().ok()?;
    let inode = u64::from(u32::from_ne_bytes(m[68..72].try_into().ok()?));
    let addr = match i32::from(m[0]) {
        libc::AF_INET => {
            let ip = Ipv4Addr::new(src[0], src[1], src[2], src[3]);
            SocketAddr::V4(SocketAddrV4::new(ip, port))
        }
        libc::AF_INET6 => SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::from(src), port, 0, 0)),
        _ => return None,
    };
    Some((inode, addr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&((NLMSG_HDRLEN + payload.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0; 10]);
        m.extend_from_slice(payload);
        while m.len() % 4 != 0 {
            m.push(0);
        }
        m
    }

    fn diag(family: i32, state: u8, port: u16, src: [u8; 16], inode: u32) -> Vec<u8> {
        let mut d = vec![0u8; DIAG_MSG_LEN];
        d[0] = family as u8;
        d[1] = state;
        d[4..6].copy_from_slice(&port.to_be_bytes());
        d[8..24].copy_from_slice(&src);
        d[68..72].copy_from_slice(&inode.to_ne_bytes());
        d
    }

    #[test]
    fn dump_messages() {
        let mut v4 = [0u8; 16];
        v4[..4].copy_from_slice(&[127, 0, 0, 1]);
        let v6 = Ipv6Addr::LOCALHOST.octets();
        let mut buf = message(SOCK_DIAG_BY_FAMILY, &diag(libc::AF_INET, 10, 18789, v4, 41));
        buf.extend(message(
            SOCK_DIAG_BY_FAMILY,
            &diag(libc::AF_INET6, 10, 18789, v6, 42),
        ));
        // Not LISTEN, an unknown family, a short message: skipped.
        buf.extend(message(
            SOCK_DIAG_BY_FAMILY,
            &diag(libc::AF_INET, 1, 80, v4, 43),
        ));
        buf.extend(message(SOCK_DIAG_BY_FAMILY, &diag(99, 10, 80, v4, 44)));
        buf.extend(message(SOCK_DIAG_BY_FAMILY, &[10; 20]));
        let mut out = HashMap::new();
        assert_eq!(parse(&buf, &mut out), Some(false));
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[&41], "127.0.0.1:18789".parse().expect("v4"));
        assert_eq!(out[&42], "[::1]:18789".parse().expect("v6"));
        assert_eq!(parse(&message(NLMSG_DONE, &[0; 4]), &mut out), Some(true));
        assert_eq!(parse(&message(NLMSG_ERROR, &[0; 20]), &mut out), None);
        // A length past the buffer, or below a header.
        let mut bad = message(SOCK_DIAG_BY_FAMILY, &[0; 8]);
        bad[0] = 200;
        assert_eq!(parse(&bad, &mut out), None);
        bad[0] = 3;
        assert_eq!(parse(&bad, &mut out), None);
        assert_eq!(parse(&[1, 2, 3], &mut out), Some(false));
    }

    /// The kernel's dump agrees with `/proc/self/net/tcp{,6}` on sockets we hold.
    #[test]
    fn the_dump_agrees_with_proc() {
        let v4 = std::net::TcpListener::bind("127.0.0.1:0").expect("v4");
        let v6 = std::net::TcpListener::bind("[::1]:0").ok();
        let ours: Vec<SocketAddr> = std::iter::once(&v4)
            .chain(v6.as_ref())
            .map(|l| l.local_addr().expect("addr"))
            .collect();
        let Some(dump) = listening() else {
            eprintln!("skipped: no sock_diag here");
            return;
        };
        let proc = super::super::listening(std::path::Path::new("/proc/self/net"));
        for addr in &ours {
            let find =
                |t: &HashMap<u64, SocketAddr>| t.iter().find(|(_, a)| *a == addr).map(|(i, _)| *i);
            let inode = find(&proc).expect("in /proc/self/net");
            assert_eq!(find(&dump), Some(inode), "{addr}");
        }
    }
}
