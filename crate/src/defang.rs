//! Defanging: writing an indicator so that it cannot be clicked or resolved
//! by accident when pasted into a ticket or a chat, in the forms the finder
//! reads back.

use crate::extract::Kind;

/// `value` of `kind` defanged: `https://evil.com/a.b` becomes
/// `hxxps://evil[.]com/a.b`, `10.0.0.1` becomes `10.0.0[.]1`, an e-mail
/// `a@b.com` becomes `a[at]b[.]com`.
///
/// Only the parts that make a value live are changed: a URL's scheme and the
/// dots of its host, every dot of a domain, the last dot of an address. Other
/// kinds (hashes, file names, registry keys) are returned unchanged, since
/// nothing resolves or opens them.
pub fn defang(kind: Kind, value: &str) -> String {
    match kind {
        Kind::Domain => value.replace('.', "[.]"),
        Kind::Ipv4 => match value.rfind('.') {
            Some(i) => format!("{}[.]{}", &value[..i], &value[i + 1..]),
            None => value.to_owned(),
        },
        Kind::Ipv6 => value.replace(':', "[:]"),
        Kind::Email => match value.rsplit_once('@') {
            Some((local, domain)) => {
                format!("{local}[at]{}", domain.replace('.', "[.]"))
            }
            None => value.to_owned(),
        },
        Kind::Url => defang_url(value),
        _ => value.to_owned(),
    }
}

fn defang_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    // The host runs to the first '/', '?' or '#'; only its dots change.
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let host = host.replace('.', "[.]");
    match scheme {
        Some(s) => {
            let s = match s.to_ascii_lowercase().as_str() {
                "http" => "hxxp".to_owned(),
                "https" => "hxxps".to_owned(),
                "ftp" => "fxp".to_owned(),
                _ => s.to_owned(),
            };
            format!("{s}://{host}{tail}")
        }
        None => format!("{host}{tail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Finder;

    #[test]
    fn defangs_each_live_kind() {
        assert_eq!(
            defang(Kind::Domain, "evil.example.com"),
            "evil[.]example[.]com"
        );
        assert_eq!(defang(Kind::Ipv4, "203.0.113.7"), "203.0.113[.]7");
        assert_eq!(defang(Kind::Email, "a.b@mail.ru"), "a.b[at]mail[.]ru");
        assert_eq!(
            defang(Kind::Url, "https://evil.com/a.php?x=1.2"),
            "hxxps://evil[.]com/a.php?x=1.2"
        );
        assert_eq!(
            defang(Kind::Md5, "4aeebd4aa1cedd190731299c3810a5db"),
            "4aeebd4aa1cedd190731299c3810a5db"
        );
    }

    /// What is defanged here must be found again, with the same value.
    #[test]
    fn the_finder_reads_defanged_values_back() {
        let finder = Finder::new();
        let cases = [
            (Kind::Domain, "update-check.net"),
            (Kind::Ipv4, "198.51.100.61"),
            (Kind::Ipv6, "2001:db8::9"),
            (Kind::Email, "ops@bad-mailer.ru"),
            (Kind::Url, "https://files-drop.net/a/B/Loader.EXE?id=7"),
            (Kind::Url, "ftp://files.example.net/pub/a.bin"),
        ];
        for (kind, value) in cases {
            let text = format!("seen {} today", defang(kind, value));
            let found = finder.find(&text);
            assert!(
                found
                    .indicators
                    .iter()
                    .any(|m| m.kind == kind && m.value == value),
                "{kind:?} {value} not read back from {text:?}: {:?}",
                found.indicators
            );
        }
    }
}
