//! `%` specifiers (systemd.unit(5), "Specifiers"; systemd 252's `unit_full_printf` table).

use super::hex_value;
use std::path::Path;

/// What a `%` specifier is worth in one unit (systemd.unit(5), "Specifiers").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Specifiers {
    /// The full unit name, `openclaw-gateway.service`.
    pub unit_name: String,
    /// The unit file (`%y`).
    pub fragment: String,
    /// The user whose manager runs the unit (name, uid, home); `None` for the system manager.
    /// `%h`, `%u`, `%U` name the *manager's* user, never `User=` (systemd.unit(5)).
    pub user_manager: Option<(String, u32, String)>,
}

/// A specifier systemd does not know: it refuses the setting (`Invalid slot`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownSpecifier(pub char);

impl Specifiers {
    /// `s` with its specifiers replaced (systemd's `specifier_printf`): `%%` is `%`, a `%`
    /// before a non-alphanumeric character or at the end stays. Specifiers that depend on the
    /// running host (`%H`, `%m`, `%b`…) are left as written and listed in the second value.
    pub fn expand(&self, s: &[u8]) -> Result<(Vec<u8>, Vec<char>), UnknownSpecifier> {
        let mut out = Vec::with_capacity(s.len());
        let mut unresolved = Vec::new();
        let mut bytes = s.iter();
        while let Some(&b) = bytes.next() {
            if b != b'%' {
                out.push(b);
                continue;
            }
            let Some(&c) = bytes.next() else {
                out.push(b'%');
                break;
            };
            match self.lookup(c) {
                Lookup::Text(text) => out.extend_from_slice(text.as_bytes()),
                Lookup::Host => {
                    out.extend_from_slice(&[b'%', c]);
                    unresolved.push(char::from(c));
                }
                Lookup::Unknown => return Err(UnknownSpecifier(char::from(c))),
                Lookup::Literal => out.extend_from_slice(&[b'%', c]),
            }
        }
        Ok((out, unresolved))
    }

    fn lookup(&self, c: u8) -> Lookup {
        let name = self.unit_name.as_str();
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        let (prefix, instance) = match stem.split_once('@') {
            Some((p, i)) => (p, Some(i)),
            None => (stem, None),
        };
        let last = prefix.rsplit_once('-').map_or(prefix, |(_, l)| l);
        let text = match c {
            b'%' => "%".to_string(),
            b'n' => name.to_string(),
            b'N' => stem.to_string(),
            b'p' => prefix.to_string(),
            b'P' => unescape_name(prefix),
            b'i' => instance.unwrap_or("").to_string(),
            b'I' => unescape_name(instance.unwrap_or("")),
            b'j' => last.to_string(),
            b'J' => unescape_name(last),
            b'f' => format!(
                "/{}",
                unescape_name(instance.unwrap_or(prefix)).trim_start_matches('/')
            ),
            b'y' => self.fragment.clone(),
            b'Y' => Path::new(&self.fragment)
                .parent()
                .map_or(String::new(), |p| p.display().to_string()),
            b'T' => "/tmp".to_string(),
            b'V' => "/var/tmp".to_string(),
            _ => return self.lookup_manager(c),
        };
        Lookup::Text(text)
    }

    /// The specifiers that depend on whose manager runs the unit. systemd 252's user manager:
    /// `%S` and `%E` are `~/.config`, `%L` is `~/.config/log` (its systemd.unit(5)).
    fn lookup_manager(&self, c: u8) -> Lookup {
        let text = match (&self.user_manager, c) {
            (None, b'h') => "/root".to_string(),
            (None, b'u' | b'g') => "root".to_string(),
            (None, b'U' | b'G') => "0".to_string(),
            (None, b's') => "/bin/sh".to_string(),
            (None, b't') => "/run".to_string(),
            (None, b'S') => "/var/lib".to_string(),
            (None, b'C') => "/var/cache".to_string(),
            (None, b'L') => "/var/log".to_string(),
            (None, b'E') => "/etc".to_string(),
            (Some((_, _, home)), b'h') => home.clone(),
            (Some((user, _, _)), b'u') => user.clone(),
            (Some((_, uid, _)), b'U') => uid.to_string(),
            (Some((_, uid, _)), b't') => format!("/run/user/{uid}"),
            (Some((_, _, home)), b'S' | b'E') => format!("{home}/.config"),
            (Some((_, _, home)), b'C') => format!("{home}/.cache"),
            (Some((_, _, home)), b'L') => format!("{home}/.config/log"),
            (Some(_), b'g' | b'G' | b's') => return Lookup::Host,
            (_, b'a' | b'A' | b'b' | b'B' | b'H' | b'l' | b'm' | b'M' | b'o' | b'q' | b'v') => {
                return Lookup::Host;
            }
            (_, b'w' | b'W' | b'd' | b'c' | b'r' | b'R') => return Lookup::Host,
            (_, c) if c.is_ascii_alphanumeric() => return Lookup::Unknown,
            _ => return Lookup::Literal,
        };
        Lookup::Text(text)
    }
}

enum Lookup {
    Text(String),
    /// Known to systemd but read from the running host: left as written.
    Host,
    Unknown,
    /// `%` before a character that is not a specifier: kept.
    Literal,
}

/// A unit-name part unescaped (systemd's `unit_name_unescape`): `-` is `/`, `\xNN` a byte.
fn unescape_name(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'-' => out.push(b'/'),
            b'\\' if bytes.get(i + 1) == Some(&b'x') => {
                if let Some(v) = bytes.get(i + 2..i + 4).and_then(hex_value) {
                    out.push(u8::try_from(v).unwrap_or(b'?'));
                    i += 4;
                    continue;
                }
                out.push(b'\\');
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(spec: &Specifiers, s: &str) -> Result<String, UnknownSpecifier> {
        spec.expand(s.as_bytes())
            .map(|(t, _)| String::from_utf8(t).unwrap())
    }

    #[test]
    fn system_user_and_name_specifiers() {
        let system = Specifiers {
            unit_name: "foo-bar@a-b\\x2dc.service".into(),
            fragment: "/etc/systemd/system/foo-bar@.service".into(),
            user_manager: None,
        };
        let all = "%n|%N|%p|%P|%i|%I|%j|%J|%f|%y|%Y|%h|%u|%U|%t|%S|%C|%L|%E|%T|%V|%%|%-|%";
        assert_eq!(
            expand(&system, all).unwrap(),
            "foo-bar@a-b\\x2dc.service|foo-bar@a-b\\x2dc|foo-bar|foo/bar|a-b\\x2dc|a/b-c|bar|bar|/a/b-c\
             |/etc/systemd/system/foo-bar@.service|/etc/systemd/system|/root|root|0|/run|/var/lib\
             |/var/cache|/var/log|/etc|/tmp|/var/tmp|%|%-|%"
        );
        let user = Specifiers {
            unit_name: "openclaw-gateway.service".into(),
            fragment: String::new(),
            user_manager: Some(("claw".into(), 1501, "/home/claw".into())),
        };
        assert_eq!(
            expand(&user, "%h %u %U %t %S %C %L %E %i").unwrap(),
            "/home/claw claw 1501 /run/user/1501 /home/claw/.config /home/claw/.cache /home/claw/.config/log /home/claw/.config "
        );
        assert_eq!(expand(&user, "a%zb"), Err(UnknownSpecifier('z')));
        let (text, host) = user.expand(b"%H-%m-%g").unwrap();
        assert_eq!(
            (text.as_slice(), host),
            (&b"%H-%m-%g"[..], vec!['H', 'm', 'g'])
        );
    }
}
