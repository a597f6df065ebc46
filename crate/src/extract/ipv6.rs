//! IPv6 addresses, checked by `std::net` and reported in their canonical
//! compressed form.

use std::net::Ipv6Addr;

use super::scan::{before, is_word, Cx, Found, Scanner};
use super::Kind;

/// Finds IPv6 addresses.
pub(crate) struct Ipv6s;

impl Scanner for Ipv6s {
    fn needs(&self) -> &'static [u8] {
        b":"
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        let b = cx.b;
        let mut done = 0;
        for colon in memchr::memchr_iter(b':', b) {
            if colon < done {
                continue;
            }
            let is_part = |c: &&u8| c.is_ascii_hexdigit() || **c == b':' || **c == b'.';
            let left = b[..colon].iter().rev().take(46).take_while(is_part).count();
            let right = b[colon..].iter().take(46).take_while(is_part).count();
            let (start, end) = (colon - left, colon + right);
            done = end;
            if let Some(addr) = address(cx, start, end) {
                let end = start + addr.1;
                cx.push(Found::new(Kind::Ipv6, start, end, addr.0.to_string()));
            }
        }
    }
}

/// Parses the run at `start..end`, returning the address and its length.
fn address(cx: &Cx<'_>, start: usize, end: usize) -> Option<(Ipv6Addr, usize)> {
    let b = cx.b;
    if end - start > 45
        || before(b, start).is_some_and(|c| is_word(c) || c == b':')
        || b.get(end).is_some_and(|&c| is_word(c))
        || cx.is_claimed(start, end)
    {
        return None;
    }
    let mut text = &cx.text[start..end];
    // A sentence may end right after an address, and a single colon after
    // it introduces something else.
    text = text.trim_end_matches('.');
    if text.ends_with(':') && !text.ends_with("::") {
        text = &text[..text.len() - 1];
    }
    // Times (`04:15:09`) fail to parse; short forms such as `a::b` parse but
    // are rarely addresses, so ask for at least three groups of digits or a
    // `::` with two groups, one of them longer than two digits.
    let groups = text.split(':').filter(|g| !g.is_empty()).count();
    let long = text.split(':').any(|g| g.len() >= 3);
    if groups < 3 && !(text.contains("::") && groups >= 2 && long) {
        return None;
    }
    let addr: Ipv6Addr = text.parse().ok()?;
    Some((addr, text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(text: &str) -> Vec<String> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::Ipv6)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(
            ips("at 2001:DB8:4f2::17 and [2001:db8::5]:8443."),
            ["2001:db8:4f2::17", "2001:db8::5"]
        );
        assert_eq!(ips("fe80:0:0:0:0:0:0:1: up"), ["fe80::1"]);
        assert_eq!(ips("::ffff:192.0.2.1"), ["::ffff:192.0.2.1"]);
    }

    #[test]
    fn not_addresses() {
        assert!(
            ips("at 04:15:09 and 23:59:58. 00:1a:2b:3c:4d:5e a::b std::vec").is_empty()
        );
    }
}
