//! E-mail addresses. Each yields its domain as a derived match.
//!
//! Quoted local parts and addresses in non-ASCII scripts are not found. A
//! message identifier (`<id@host>`) is told from an address only when its
//! line labels it `Message-ID`; then only its host is reported.

use super::domain::valid_domain;
use super::scan::{contains_ci, inside_word, is_host, line_before, Cx, Found, Scanner};
use super::Kind;

/// Finds e-mail addresses.
pub(crate) struct Emails;

impl Scanner for Emails {
    fn needs(&self) -> &'static [u8] {
        b"@"
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        for at in memchr::memchr_iter(b'@', cx.b) {
            // An `@` inside a URL separates its user information.
            if !cx.is_claimed(at, at + 1) {
                email_at(cx, at);
            }
        }
    }
}

/// What a local part is made of. Leaving out `=`, `:` and `/` keeps header
/// prefixes such as `smtp.mailfrom=` out of the address.
fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn email_at(cx: &mut Cx<'_>, at: usize) {
    let b = cx.b;
    // One byte more than the longest local part tells an overlong run.
    let local = b[..at]
        .iter()
        .rev()
        .take(65)
        .take_while(|&&c| is_local(c))
        .count();
    if local > 64 {
        return;
    }
    let mut start = at - local;
    // Dashes and dots before an address are decoration (`-----a@b.c`).
    while start < at && matches!(b[start], b'.' | b'-') {
        start += 1;
    }
    let host_len = b[at + 1..]
        .iter()
        .take(254)
        .take_while(|&&c| is_host(c))
        .count();
    let mut end = at + 1 + host_len;
    while end > at + 1 && matches!(b[end - 1], b'.' | b'-' | b'_') {
        end -= 1;
    }
    if start == at
        || b[at - 1] == b'.'
        || inside_word(cx.text, start, end)
        || !valid_domain(&cx.text[at + 1..end])
    {
        return;
    }
    let domain = cx.text[at + 1..end].to_ascii_lowercase();
    cx.claim(start, end);
    if contains_ci(line_before(b, start, 24), b"message-id") {
        cx.push(Found::new(Kind::Domain, at + 1, end, domain));
        return;
    }
    let value = format!("{}@{}", &cx.text[start..at], domain);
    let email = cx.push(Found::new(Kind::Email, start, end, value));
    cx.push(Found::new(Kind::Domain, at + 1, end, domain).parent(Some(email)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(text: &str) -> Vec<String> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::Email)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(emails("-----a@Mon-Svc.NET-----"), ["a@mon-svc.net"]);
        assert_eq!(emails("smtp.mailfrom=b@pay.net"), ["b@pay.net"]);
        assert_eq!(
            emails("from p[at]hr[.]com (at) q(at)x(.)org"),
            ["p@hr.com", "q@x.org"]
        );
        assert_eq!(emails("First.Last@x.com."), ["First.Last@x.com"]);
    }

    #[test]
    fn message_ids_give_their_host() {
        let text = "Message-ID: <20240824091450.A5E62A@mail.example.de>\n\
                    From: <a@example.org>";
        assert_eq!(emails(text), ["a@example.org"]);
        let found = crate::Finder::new().find(text).indicators;
        assert!(found
            .iter()
            .any(|m| m.kind == Kind::Domain && m.value == "mail.example.de"));
    }

    #[test]
    fn not_emails() {
        for text in [
            "a@b",
            "@x.com",
            "user@host.invalidtld",
            "a.@x.com",
            "http://u:p@x.com/",
        ] {
            assert!(emails(text).is_empty(), "{text}");
        }
    }
}
