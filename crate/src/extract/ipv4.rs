//! IPv4 addresses in dotted-quad form, checked by `std::net`.

use std::net::Ipv4Addr;

use super::scan::{before, ends_with_ci, is_word, line_before, Cx, Found, Scanner};
use super::Kind;

/// Finds IPv4 addresses.
pub(crate) struct Ipv4s;

impl Scanner for Ipv4s {
    fn needs(&self) -> &'static [u8] {
        b"."
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        let b = cx.b;
        let mut done = 0;
        for dot in memchr::memchr_iter(b'.', b) {
            if dot < done {
                continue;
            }
            let digits = b[..dot]
                .iter()
                .rev()
                .take(4)
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 0 {
                continue;
            }
            let start = dot - digits;
            let Some(end) = quad_end(b, start) else {
                continue;
            };
            done = end;
            // std's parser accepts only the canonical form (no leading
            // zeros), so the text is already the normalised value.
            if address(cx, start, end).is_some() {
                let value = cx.text[start..end].to_owned();
                cx.push(Found::new(Kind::Ipv4, start, end, value));
            }
        }
    }
}

/// The end of four dot-separated runs of digits starting at `start`.
fn quad_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    for part in 0..4 {
        if part > 0 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let n = b[i..]
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n == 0 {
            return None;
        }
        i += n;
    }
    Some(i)
}

/// Applies the boundary rules to the quad at `start..end` and parses it.
fn address(cx: &Cx<'_>, start: usize, end: usize) -> Option<Ipv4Addr> {
    let b = cx.b;
    let prev = before(b, start);
    // No address starts inside a longer number or word (`1256.10.10.10`,
    // `x1.2.3.4`), or after `digit.` (the tail of a longer dotted run).
    if prev.is_some_and(is_word)
        || (prev == Some(b'.')
            && before(b, start - 1).is_some_and(|c| c.is_ascii_digit()))
    {
        return None;
    }
    // `Chrome/124.0.0.0`: a version after a product name.
    if prev == Some(b'/')
        && before(b, start - 1).is_some_and(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    if b.get(end).is_some_and(|&c| is_word(c)) {
        return None;
    }
    // A fifth number: netstat writes `address.port`, so a number above 255
    // is a port; a small one makes the whole run a version (`4.12.3.9.2`).
    // An address with a port of 255 or less (`10.0.0.1.80`) is therefore
    // dropped as a version.
    if b.get(end) == Some(&b'.') {
        let n = b[end + 1..]
            .iter()
            .take(6)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n > 0 {
            let after = end + 1 + n;
            let more = b.get(after) == Some(&b'.')
                && b.get(after + 1).is_some_and(u8::is_ascii_digit);
            let port = cx.text[end + 1..after].parse::<u32>().unwrap_or(0) > 255;
            if more || !port || b.get(after).is_some_and(|&c| is_word(c)) {
                return None;
            }
        }
    }
    if cx.is_claimed(start, end) || ends_with_ci(line_before(b, start, 10), b"version ")
    {
        return None;
    }
    cx.text[start..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(text: &str) -> Vec<String> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::Ipv4)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn boundaries() {
        assert!(ips("1256.10.10.10 4.12.3.9.2 10.1.1.1234 a1.2.3.4").is_empty());
        assert_eq!(ips("tcp 192.0.2.15.4444 x"), ["192.0.2.15"]);
        assert_eq!(ips("(10.0.0.1), 10.0.0.2."), ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(ips("198.51.100.23:8443"), ["198.51.100.23"]);
        assert!(ips("256.1.1.1 Chrome/124.0.0.0 Version 2.4.1.7").is_empty());
    }
}
