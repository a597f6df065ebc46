//! Domain names written on their own (hosts inside URLs and e-mail
//! addresses are reported by those scanners, tied to their parent).
//!
//! Internationalised names are found only in their `xn--` form; one written
//! in Unicode (`пример.рф`) is not, which needs Unicode labels and IDNA
//! conversion to change.

use super::scan::{before, inside_word, is_host, Cx, Found, Scanner};
use super::{filename, tld, Kind};

/// Finds bare domain names.
pub(crate) struct Domains;

impl Scanner for Domains {
    fn needs(&self) -> &'static [u8] {
        b"."
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        for (start, end) in cx.dotted() {
            if let Some(f) = domain_at(cx, start, end) {
                cx.push(f);
            }
        }
    }
}

fn domain_at(cx: &Cx<'_>, start: usize, end: usize) -> Option<Found> {
    let b = cx.b;
    if cx.is_claimed(start, end) || inside_word(cx.text, start, end) {
        return None;
    }
    // After `/` or `\` the token is part of a path, or of an antivirus name
    // such as `W32/Emotet.BN!tr` or `Trojan:Win32/Qakbot.RK!MTB`; the `!`
    // suffix of those names marks them too. After `@` it is an e-mail
    // address's domain, which the e-mail scanner reports. A network path's
    // host is the exception.
    let attached = || {
        matches!(
            before(b, start),
            Some(b'/' | b'\\' | b'@' | b':' | b'$' | b'%')
        ) || matches!(b.get(end), Some(b'!' | b'@' | b'(' | b'\\' | b'='))
    };
    if attached() && !network_path_host(b, start, end) {
        return None;
    }
    let token = &cx.text[start..end];
    if !valid_domain(token) || is_product(token) || is_av_name(token) {
        return None;
    }
    let found = Found::new(Kind::Domain, start, end, token.to_ascii_lowercase());
    let ext = last_label(token);
    Some(if filename::is_extension(ext) {
        found.alternative(Kind::Filename)
    } else {
        found
    })
}

/// Whether `start..end` is the host of a network path: a UNC path
/// (`\\files.example.com\share`) or a WebDAV one, which puts `@SSL` or
/// `@port` after the host (`\\host@SSL\DavWWWRoot\`,
/// `file://host@80/`). Lures open such paths straight from the network, so
/// their hosts are indicators like any other.
///
/// `\\` counts only where a path can start: not inside a path written
/// with doubled separators (`C:\\Users\\a.b`), nor after a drive letter.
fn network_path_host(b: &[u8], start: usize, end: usize) -> bool {
    let rest = &b[end..];
    let webdav = rest.first() == Some(&b'@')
        && (rest.get(1).is_some_and(u8::is_ascii_digit)
            || rest
                .get(1..4)
                .is_some_and(|r| r.eq_ignore_ascii_case(b"ssl")));
    let after_pair = |c: u8| start >= 2 && b[start - 2] == c && b[start - 1] == c;
    if after_pair(b'/') {
        return webdav;
    }
    if !after_pair(b'\\') {
        return false;
    }
    let lead = before(b, start - 2);
    let drive = lead == Some(b':')
        && start >= 4
        && b[start - 4].is_ascii_alphabetic()
        && (start == 4 || !b[start - 5].is_ascii_alphanumeric());
    let path_starts = lead.map_or(true, |c| {
        c.is_ascii_whitespace() || b"\"'`([<=,;:|>".contains(&c)
    });
    path_starts
        && !drive
        && (webdav || !matches!(rest.first(), Some(b'!' | b'@' | b'(' | b'=')))
}

/// Dotted antivirus names, `Category.Platform.Family.variant`, such as
/// `Trojan.Win32.Agent.xyz`: their last label is often a real TLD. A name
/// counts as one when its first label is a malware category and its second
/// a platform; real host names almost never start that way.
fn is_av_name(token: &str) -> bool {
    const CATEGORIES: [&str; 16] = [
        "trojan",
        "backdoor",
        "worm",
        "virus",
        "exploit",
        "hacktool",
        "riskware",
        "adware",
        "downloader",
        "dropper",
        "ransom",
        "rootkit",
        "spyware",
        "packed",
        "pua",
        "heur",
    ];
    const PLATFORMS: [&str; 17] = [
        "win32",
        "win64",
        "w32",
        "w64",
        "msil",
        "linux",
        "androidos",
        "android",
        "osx",
        "macos",
        "unix",
        "html",
        "js",
        "vbs",
        "java",
        "msoffice",
        "multi",
    ];
    let mut labels = token.split('.');
    let (Some(first), Some(second)) = (labels.next(), labels.next()) else {
        return false;
    };
    // `Trojan-Downloader`, `Net-Worm`: either part may name the category.
    let category = first
        .split('-')
        .any(|part| CATEGORIES.iter().any(|c| c.eq_ignore_ascii_case(part)));
    category && PLATFORMS.iter().any(|p| p.eq_ignore_ascii_case(second))
}

/// Product names that are valid domains but, written as they are, name a
/// framework (`ASP.NET`). Their lower-case forms stay domains.
fn is_product(token: &str) -> bool {
    ["ASP.NET", "VB.NET", "ADO.NET"].contains(&token)
}

/// Every maximal run of host characters that holds a dot, trimmed of the
/// dots and hyphens that prose puts around it. Each byte is visited a fixed
/// number of times, so a megabyte of dots costs a megabyte of work.
pub(crate) fn dotted_tokens(b: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let dot = from + memchr::memchr(b'.', b.get(from..)?)?;
        let mut start = dot;
        while start > from && is_host(b[start - 1]) {
            start -= 1;
        }
        let mut end = dot + 1;
        while end < b.len() && is_host(b[end]) {
            end += 1;
        }
        from = end;
        while start < end && matches!(b[start], b'.' | b'-') {
            start += 1;
        }
        while end > start && matches!(b[end - 1], b'.' | b'-' | b'_') {
            end -= 1;
        }
        if b[start..end].contains(&b'.') {
            return Some((start, end));
        }
    })
}

/// Whether `s` is a syntactically valid domain name under a real TLD.
///
/// Labels are letters, digits, `-` and `_` (the last for `_dmarc` and
/// similar records), 1 to 63 long, not starting or ending with `-`; the name
/// has at least two labels and at most 253 bytes; the last label is a TLD.
pub(crate) fn valid_domain(s: &str) -> bool {
    if s.len() > 253 {
        return false;
    }
    let last = last_label(s);
    // Most dotted tokens in prose end in a number or a one-letter part
    // (`3.5`, `e.g`): reject those before looking at every label.
    let tld_like = last.len() >= 2
        && (last.bytes().all(|c| c.is_ascii_alphabetic()) || last.starts_with("xn--"));
    if !tld_like || !tld::is_tld(last) {
        return false;
    }
    // A name needs at least two labels: the TLD and what is before its dot.
    let Some(rest) = s
        .get(..s.len() - last.len())
        .and_then(|r| r.strip_suffix('.'))
    else {
        return false;
    };
    // Underscores occur inside host names (`_dmarc.`, `a_b.`), but a label
    // must hold a letter or digit and end with one, and the label before the
    // TLD, which is registered, holds none: `_.es`, `a_.com` and `my_site.com`
    // are not names, and random bytes make them often.
    let registered = last_label(rest);
    for label in rest.split('.') {
        let bytes = label.as_bytes();
        if bytes.is_empty()
            || bytes.len() > 63
            || bytes[0] == b'-'
            || matches!(bytes[bytes.len() - 1], b'-' | b'_')
            || !bytes
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        {
            return false;
        }
    }
    !registered.contains('_')
}

/// The part of `s` after its last dot, or all of `s` without one. A byte
/// search: the `char` pattern of `rsplit` costs several times as much on
/// the short tokens this is asked about.
pub(crate) fn last_label(s: &str) -> &str {
    memchr::memrchr(b'.', s.as_bytes()).map_or(s, |dot| &s[dot + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::Domain)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn underscores() {
        assert_eq!(
            found("_dmarc.example.com and a_b.example.org"),
            ["_dmarc.example.com", "a_b.example.org"]
        );
        assert!(found("_.es and x._.com and host a_.com or my_site.com").is_empty());
    }

    #[test]
    fn network_path_hosts() {
        let text = r"net use \\files.example.com\c$ and
            file[:]\\drop-share[.]example[.]org@80\s\a.msi and
            file://dav-host.trycloudflare[.]com@SSL/DavWWWRoot/a.lnk and
            \\share.example.net@SSL@443\DavWWWRoot\b.lnk";
        assert_eq!(
            found(text),
            [
                "files.example.com",
                "drop-share.example.org",
                "dav-host.trycloudflare.com",
                "share.example.net"
            ]
        );
        // Doubled separators inside a path, a drive root and a mail address
        // name no host.
        let text =
            r"C:\\Users\\Public\\update.com and C:\\setup.com and \\x\\a.com@b.com";
        assert!(
            found(text).iter().all(|d| d == "b.com"),
            "{:?}",
            found(text)
        );
    }

    #[test]
    fn dotted_antivirus_names_are_not_domains() {
        let text = "flagged Trojan.Win32.Agent.xyz, Backdoor.Win32.Agent.abc and \
                    Trojan-Downloader.Win32.Agent.top; C2 at trojan.example.com";
        assert_eq!(found(text), ["trojan.example.com"]);
    }

    #[test]
    fn validity() {
        assert!(valid_domain("example.com"));
        assert!(valid_domain("_dmarc.x.co.uk"));
        assert!(valid_domain("xn--pple-43d.com"));
        assert!(!valid_domain("example.exe"));
        assert!(!valid_domain("-bad.com"));
        assert!(!valid_domain("a..com"));
        assert!(!valid_domain("com"));
    }

    #[test]
    fn bare_domains() {
        assert_eq!(found("see (docs-portal.com for"), ["docs-portal.com"]);
        assert_eq!(
            found("query badhost.example.org. done"),
            ["badhost.example.org"]
        );
        assert_eq!(found("EVIL-CDN.EXAMPLE.NET"), ["evil-cdn.example.net"]);
        assert_eq!(found("...evil.com..."), ["evil.com"]);
        assert_eq!(found("\u{201c}evil.com\u{201d}"), ["evil.com"]);
    }

    #[test]
    fn not_domains() {
        for text in [
            "W32/Emotet.BN!tr",
            "Trojan:Win32/Qakbot.RK!MTB",
            "Win32/Agent.ABC",
            "many applications. [To be continued]",
            "call document.write(x)",
            "version 1.2.3.4",
            "B\u{fc}cher.de and \u{444}oo.ru",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn tokens_are_linear_on_dot_floods() {
        let dots = ".".repeat(1 << 20);
        assert_eq!(dotted_tokens(dots.as_bytes()).count(), 0);
    }
}
