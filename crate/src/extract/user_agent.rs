//! HTTP user-agent strings: a run of `product/version` tokens and
//! parenthesised comments on one line, starting at a well-known product or
//! after a `User-Agent:` label.
//!
//! Without a label, only agents that start with a product in `KNOWN` are
//! found; a malware family's own agent string needs its label.
//!
//! An agent in a URL's query (`ua=Mozilla/5.0%20%28Windows%20NT...` or
//! `ua=Mozilla/5.0+(Windows+NT...`) is decoded: its value is the agent as
//! sent, its span the encoded text.

use super::scan::{before, ends_with_ci, is_word, line_before, Cx, Found, Scanner};
use super::url::Decoded;
use super::Kind;

/// Finds user-agent strings.
pub(crate) struct UserAgents;

impl Scanner for UserAgents {
    fn needs(&self) -> &'static [u8] {
        b"/"
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        let b = cx.b;
        let mut done = 0;
        for slash in memchr::memchr_iter(b'/', b) {
            if slash < done {
                continue;
            }
            let name = b[..slash]
                .iter()
                .rev()
                .take(32)
                .take_while(|&&c| is_token(c))
                .count();
            let start = slash - name;
            // A URL claims its text, but an agent may be the value of one
            // of its query parameters.
            if name == 0
                || before(b, start).is_some_and(is_word)
                || (cx.is_claimed(start, slash) && before(b, start) != Some(b'='))
            {
                continue;
            }
            let product = &b[start..slash];
            let label = line_before(b, start, 16);
            let labelled = [&b"user-agent:"[..], b"user agent:", b"useragent:", b"ua:"]
                .iter()
                .any(|l| ends_with_ci(label.trim_ascii_end(), l));
            if !labelled && !KNOWN.iter().any(|k| product.eq_ignore_ascii_case(k)) {
                continue;
            }
            let Some(plain) = agent_end(b, start) else {
                continue;
            };
            let (end, value) = match encoded_agent(b, start, plain) {
                Some((end, value)) => (end, value),
                None => (plain, cx.text[start..plain].to_owned()),
            };
            done = end;
            cx.push(Found::new(Kind::UserAgent, start, end, value));
            cx.claim(start, end);
        }
    }
}

/// Products that start a user agent without a label: browsers and the
/// command-line clients and libraries that malware and scanners use.
const KNOWN: &[&[u8]] = &[
    b"Mozilla",
    b"Opera",
    b"curl",
    b"Wget",
    b"python-requests",
    b"Python-urllib",
    b"Go-http-client",
    b"okhttp",
    b"Dalvik",
    b"WinHTTP",
    b"Microsoft-CryptoAPI",
    b"PowerShell",
    b"WindowsPowerShell",
];

/// Characters of an HTTP token (a product name or version).
fn is_token(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'+' | b'!' | b'~')
}

/// The end of the `product/version` at `i`, if one starts there. The
/// version must start with a digit, which keeps paths such as `and/or` out.
fn product_end(b: &[u8], i: usize) -> Option<usize> {
    let name = b[i..].iter().take(64).take_while(|&&c| is_token(c)).count();
    let slash = i + name;
    if name == 0
        || b.get(slash) != Some(&b'/')
        || !b.get(slash + 1).is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    let version = b[slash + 1..]
        .iter()
        .take(64)
        .take_while(|&&c| is_token(c))
        .count();
    let mut end = slash + 1 + version;
    while matches!(b[end - 1], b'.' | b'+') {
        end -= 1;
    }
    Some(end)
}

/// The end of a parenthesised comment at `i`, on the same line.
fn comment_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'(') {
        return None;
    }
    let mut depth = 0;
    for (j, &c) in b[i..].iter().enumerate().take(512) {
        match c {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + j + 1);
                }
            }
            b'\n' | b'\r' => return None,
            _ => {}
        }
    }
    None
}

/// The end of the agent that starts at `start`. It goes on while a space
/// is followed by another product or a comment, so it stops at the end of
/// the line and before words such as `TLP:AMBER`.
fn agent_end(b: &[u8], start: usize) -> Option<usize> {
    let mut end = product_end(b, start)?;
    loop {
        let next = end + b[end..].iter().take(4).take_while(|&&c| c == b' ').count();
        if next == end || end - start > 1024 {
            return Some(end);
        }
        match comment_end(b, next).or_else(|| product_end(b, next)) {
            Some(e) => end = e,
            None => return Some(end),
        }
    }
}

/// The end and the decoded value of a percent-encoded agent at `start`,
/// when the plain reading stops at `plain` right before an escape
/// (`Mozilla/5.0%20%28...`), or before a `+` in a query value
/// (`ua=Mozilla/5.0+(Windows+NT...`), and decoding finds more of the agent.
fn encoded_agent(b: &[u8], start: usize, plain: usize) -> Option<(usize, String)> {
    // In a query value, a `+` stands for a space.
    let form = before(b, start) == Some(b'=');
    match b.get(plain) {
        Some(b'%') => {}
        Some(b'+') if form => {}
        _ => return None,
    }
    // The query value: up to the next parameter, fragment, quote or space.
    let run = b[start..]
        .iter()
        .take(4096)
        .take_while(|&&c| !c.is_ascii_whitespace() && !b"&#\"'<>".contains(&c))
        .count();
    let mut decoded = Decoded::new(&b[start..start + run], form);
    let end = agent_end(&decoded.bytes, 0)?;
    if end <= plain - start {
        return None;
    }
    let encoded_end = start + decoded.source(end);
    decoded.bytes.truncate(end);
    let value = String::from_utf8(decoded.bytes).ok()?;
    Some((encoded_end, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agents(text: &str) -> Vec<String> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::UserAgent)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn ends() {
        let ua = concat!(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 ",
            "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
        );
        assert_eq!(agents(&format!("UA: {ua}\nThe next")), [ua]);
        assert_eq!(agents(&format!("{ua} The next")), [ua]);
        let ie = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)";
        assert_eq!(agents(&format!("{ie} TLP:AMBER")), [ie]);
        assert_eq!(agents("User-Agent: curl/8.4.0."), ["curl/8.4.0"]);
        assert_eq!(agents("User-Agent: Foo/1.2 bar"), ["Foo/1.2"]);
    }

    #[test]
    fn percent_encoded_in_a_query() {
        let text = concat!(
            "https://ads.example.com/search?q=1&ua=Mozilla/5.0%20%28Windows%20NT",
            "%2010.0%3B%20Win64%3B%20x64%29%20AppleWebKit/537.36&url=x"
        );
        let found = crate::Finder::new().find(text);
        let ua: Vec<_> = found
            .indicators
            .iter()
            .filter(|m| m.kind == Kind::UserAgent)
            .collect();
        assert_eq!(ua.len(), 1);
        assert_eq!(
            ua[0].value,
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
        );
        // The span is the encoded agent, up to the next parameter.
        assert_eq!(&text[ua[0].start..ua[0].end], &text[38..text.len() - 6]);
        // Spaces written as `+`, as forms send them; an escaped `+` stays.
        assert_eq!(
            agents(
                "/s?ua=Mozilla/5.0+(Windows+NT+10.0%3B+x64)+Gecko/20100101+Foo%2B/1&x"
            ),
            ["Mozilla/5.0 (Windows NT 10.0; x64) Gecko/20100101 Foo+/1"]
        );
        // Outside a query value, `+` is the text's own, and no version ends
        // in one.
        assert_eq!(agents("UA: curl/8.4.0+(x)"), ["curl/8.4.0"]);
        // An escape that decodes to no more of the agent changes nothing.
        assert_eq!(agents("ua=curl/8.4.0%26x"), ["curl/8.4.0"]);
        // Bytes that are not UTF-8 once decoded leave the plain reading.
        assert_eq!(agents("ua=Mozilla/5.0%20%28%FF%29"), ["Mozilla/5.0"]);
    }

    #[test]
    fn not_agents() {
        assert!(agents("and/or TCP/443 Foo/1.2 Mozilla/x").is_empty());
    }
}
