use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn entries_match_as_openclaws_is_ip_in_cidr() {
    // (entry, address, trusted) — read off dist/ip-*.mjs `isIpInCidr`.
    for (entry, addr, want) in [
        ("127.0.0.1", "127.0.0.1", true),
        ("127.0.0.1", "::1", false),
        ("::1", "::1", true),
        ("[::1]", "::1", true),
        ("127.0.0.1", "::ffff:127.0.0.1", true),
        ("127.0.0.0/8", "127.0.0.2", true),
        ("0.0.0.0/0", "198.51.100.7", true),
        ("0.0.0.0/0", "2001:db8::1", false),
        ("::/0", "2001:db8::1", true),
        // An IPv4 client compared with an IPv6 range that is not mapped: never.
        ("::/0", "198.51.100.7", false),
        ("::ffff:0:0/96", "198.51.100.7", true),
        ("::ffff:10.0.0.0/104", "10.1.2.3", true),
        ("::ffff:10.0.0.0/104", "11.1.2.3", false),
        ("10.0.0.0/8", "10.255.0.1", true),
        ("10.0.0.0/8", "11.0.0.1", false),
        ("10.0.0.0/33", "10.0.0.1", false),
        ("not an address", "10.0.0.1", false),
        (" 127.0.0.1 ", "127.0.0.1", true),
    ] {
        let t = Trusted::new(&[entry], false);
        assert_eq!(t.trusts(ip(addr)), want, "{entry} vs {addr}");
    }
    assert!(!Trusted::new::<&str>(&[], false).is_set());
}

#[test]
fn peers_of_a_dialed_host() {
    assert_eq!(peers_of("127.0.0.1"), vec![(ip("127.0.0.1"), true)]);
    assert_eq!(peers_of("::1"), vec![(ip("::1"), true)]);
    assert_eq!(peers_of("[::1]"), vec![(ip("::1"), true)]);
    assert_eq!(
        peers_of("localhost"),
        vec![(ip("127.0.0.1"), false), (ip("::1"), false)]
    );
    assert!(peers_of("10.0.0.5").is_empty());
    assert!(peers_of("gateway.internal").is_empty());
}

#[test]
fn caddy_to_localhost_without_ipv6_loopback_trusted() {
    let v4 = Trusted::new(&["127.0.0.1"], false);
    let both = Trusted::new(&["127.0.0.1", "::1"], false);
    let (id, warning, message, _) =
        caddy_peer(&["localhost:18789".to_string()], 18789, &v4).expect("an issue");
    assert_eq!((id, warning), ("proxy.trusted_ipv6_loopback", true));
    assert!(message.contains("403"), "{message}");
    let (id, warning, _, _) =
        caddy_peer(&["[::1]:18789".to_string()], 18789, &v4).expect("an issue");
    assert_eq!((id, warning), ("proxy.trusted_ipv6_loopback", false));
    assert!(caddy_peer(&["localhost:18789".to_string()], 18789, &both).is_none());
    assert!(caddy_peer(&["127.0.0.1:18789".to_string()], 18789, &v4).is_none());
    // Unset: proxy.forwarded_for says so already.
    assert!(caddy_peer(&["[::1]:18789".to_string()], 18789, &Trusted::default()).is_none());
}
