//! URLs, with a scheme (`https://host/path`) or without one when the host is
//! a real domain followed by a path (`dl-mirror.net/bin/upd.exe`). Each URL
//! also yields its host and path as derived matches, and a URL written
//! percent-encoded in its query as a nested one.

use std::net::{Ipv4Addr, Ipv6Addr};

use memchr::memmem;

use super::domain::valid_domain;
use super::scan::{before, inside_word, is_host, trim_end, Cx, Found, Scanner};
use super::Kind;

/// Finds URLs.
pub(crate) struct Urls;

impl Scanner for Urls {
    fn needs(&self) -> &'static [u8] {
        b"/"
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        with_scheme(cx);
        schemeless(cx);
    }
}

/// Schemes worth reporting. Others (`c://`, `javascript://`) are too often
/// something else.
const SCHEMES: &[&str] = &[
    "ftp", "ftps", "http", "https", "rtsp", "sftp", "smb", "ssh", "tcp", "udp", "ws",
    "wss",
];

/// The longest URL read; a longer run of URL characters is cut there, which
/// also bounds the work per candidate.
const MAX_URL: usize = 4096;

/// A URL's parts as byte ranges of the text it was read from.
#[derive(Debug)]
struct Parsed {
    start: usize,
    end: usize,
    /// End of the scheme and its `://`, or `start` without a scheme.
    after_scheme: usize,
    /// Where the authority starts: past `after_scheme` only when the
    /// writer put extra slashes there (`https:///host/`), which the value
    /// leaves out, as browsers do.
    authority: usize,
    host: (usize, usize),
    host_kind: Option<Kind>,
    path: (usize, usize),
    query: Option<(usize, usize)>,
}

impl Parsed {
    /// The normalised URL: scheme and host lower case, everything else as
    /// written.
    fn value(&self, b: &[u8]) -> String {
        // Only a URL decoded from a query can be invalid UTF-8; the check
        // for valid text is much faster than the lossy conversion's own.
        let raw = &b[self.start..self.end];
        let mut v = match std::str::from_utf8(raw) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(raw).into_owned(),
        };
        let at = |i: usize| i - self.start;
        let (scheme, host) =
            (at(self.after_scheme), (at(self.host.0), at(self.host.1)));
        v[..scheme].make_ascii_lowercase();
        v[host.0..host.1].make_ascii_lowercase();
        v.replace_range(scheme..at(self.authority), "");
        v
    }
}

/// Characters of a URL after the host. Quotes, angle brackets, backticks,
/// pipes, backslashes and commas end a URL: they surround URLs in prose,
/// code, Markdown tables and CSV far more often than they occur in them.
/// So does `[`, which a path may not hold unescaped and which AsciiDoc
/// puts straight after a link (`https://host/page[title]`).
///
/// A URL that really holds a comma, a quote or a `[` is cut there; that can
/// change once the markup around a URL is known to the finder.
fn is_url(c: u8) -> bool {
    c > b' '
        && c < 0x7f
        && !matches!(
            c,
            b'"' | b'\'' | b'<' | b'>' | b'`' | b'|' | b'\\' | b',' | b'^' | b'['
        )
}

/// The length of the URL character at `i`, or 0 where the URL ends. Beyond
/// ASCII, letters and digits belong to a path or query as browsers show
/// them (`/путь/файл.exe`, `?name=café`). Other characters, such as `”` or
/// an emoji, end the URL, since far more often they are the prose around
/// it. So do the letters of scripts written without spaces between words
/// (Chinese, Japanese, Thai and their neighbours): there the prose often
/// follows a URL with no space, and a path written in them is cut.
fn url_char(b: &[u8], i: usize) -> usize {
    let c = b[i];
    if c < 0x80 {
        return usize::from(is_url(c));
    }
    let n = match c {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    let letter = b
        .get(i..i + n)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.chars().next())
        .is_some_and(|ch| ch.is_alphanumeric() && !spaceless_script(ch));
    if letter {
        n
    } else {
        0
    }
}

/// Whether `ch` belongs to a script written without spaces between words,
/// or to the full-width forms used beside them.
fn spaceless_script(ch: char) -> bool {
    matches!(ch,
        '\u{0E00}'..='\u{0EFF}' // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{2E80}'..='\u{9FFF}' // CJK radicals, kana, ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FF00}'..='\u{FFEF}' // full-width and half-width forms
        | '\u{20000}'..='\u{3FFFF}' // more ideographs
    )
}

/// Characters of a URL's authority (user information, host and port).
fn is_authority(c: u8) -> bool {
    is_host(c)
        || matches!(
            c,
            b':' | b'@' | b'[' | b']' | b'%' | b'~' | b'!' | b'$' | b'&' | b'+' | b'='
        )
}

fn with_scheme(cx: &mut Cx<'_>) {
    let b = cx.b;
    let mut done = 0;
    for sep in memmem::find_iter(b, b"://") {
        if sep < done {
            continue;
        }
        let scheme_len = b[..sep]
            .iter()
            .rev()
            .take(6)
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let start = sep - scheme_len;
        let scheme = &cx.text[start..sep];
        if (before(b, start).is_some_and(|c| c.is_ascii_alphanumeric())
            && !after_escape(b, start))
            || !SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme))
        {
            continue;
        }
        // A doubled scheme (`http://http://host/`, a slip when pasting)
        // is left out: the URL starts at the inner one, whose host is real.
        if scheme_follows(b, sep + 3) {
            continue;
        }
        if let Some(p) = parse(b, start, sep + 3) {
            done = p.end;
            emit(cx, &p, None);
        }
    }
}

/// Whether one of [`SCHEMES`] and its `://` start at `i`, after at most
/// [`EXTRA_SLASHES`] slashes.
fn scheme_follows(b: &[u8], i: usize) -> bool {
    let rest = &b[i..];
    let rest = &rest[rest
        .iter()
        .take(EXTRA_SLASHES)
        .take_while(|&&c| c == b'/')
        .count()..];
    let name = rest
        .iter()
        .take(7)
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    rest[name..].starts_with(b"://")
        && SCHEMES
            .iter()
            .any(|s| s.as_bytes().eq_ignore_ascii_case(&rest[..name]))
}

/// Whether a percent escape (`%22`, `%3D`) ends right before `i`: a URL
/// quoted inside an encoded query or tag (`src=%22https://...`) starts
/// there, though the escape's last byte is a letter or digit.
fn after_escape(b: &[u8], i: usize) -> bool {
    i >= 3 && b[i - 3] == b'%' && b[i - 2..i].iter().all(u8::is_ascii_hexdigit)
}

/// Slashes after a scheme's `://` that a browser skips: a writer who
/// defangs `https://` by hand sometimes leaves one too many.
const EXTRA_SLASHES: usize = 2;

fn schemeless(cx: &mut Cx<'_>) {
    let b = cx.b;
    let mut done = 0;
    for slash in memchr::memchr_iter(b'/', b) {
        if slash < done || cx.is_claimed(slash, slash + 1) {
            continue;
        }
        let host_len = b[..slash]
            .iter()
            .rev()
            .take(254)
            .take_while(|&&c| is_host(c))
            .count();
        let start = slash - host_len;
        // The host must start the word: after `@`, `/`, `:` or `\` it is
        // part of something else (an address, a path, an antivirus name).
        let starts_word = before(b, start).map_or(true, |c| {
            c.is_ascii_whitespace() || b"\"'(<[{=,;`*".contains(&c)
        });
        if host_len == 0
            || !starts_word
            || inside_word(cx.text, start, slash)
            || !b.get(slash + 1).is_some_and(|&c| is_url(c))
            || !valid_domain(&cx.text[start..slash])
            || cx.is_claimed(start, slash)
        {
            continue;
        }
        if let Some(p) = parse(b, start, start) {
            done = p.end;
            emit(cx, &p, None);
        }
    }
}

/// Reads a URL whose scheme (if any) spans `start..after_scheme`.
fn parse(b: &[u8], start: usize, after_scheme: usize) -> Option<Parsed> {
    let limit = (start + MAX_URL).min(b.len());
    let authority = if after_scheme > start {
        after_scheme
            + b[after_scheme..limit]
                .iter()
                .take(EXTRA_SLASHES)
                .take_while(|&&c| c == b'/')
                .count()
    } else {
        after_scheme
    };
    // Brackets belong to the authority only around an IPv6 host; after a
    // name, `[` starts AsciiDoc's link text (`https://host[title]`).
    let mut auth_end = authority;
    let mut bracketed = false;
    while auth_end < limit && is_authority(b[auth_end]) {
        match b[auth_end] {
            b'[' if auth_end == authority || b[auth_end - 1] == b'@' => {
                bracketed = true
            }
            b'[' => break,
            b']' if !bracketed => break,
            _ => {}
        }
        auth_end += 1;
    }
    let mark = opener(b, start);
    // The host is checked before the path is read, so that a flood of
    // candidates with bad hosts costs no more than their authorities.
    let bare = close(b, start, auth_end, mark);
    // User information ends at the last `@` of the authority.
    let host_start = b[authority..bare]
        .iter()
        .rposition(|&c| c == b'@')
        .map_or(authority, |p| authority + p + 1);
    let (host, host_kind) = host(b, host_start, bare)?;
    let mut end = auth_end;
    if end < limit && matches!(b[end], b'/' | b'?' | b'#') {
        // A character that the length limit would cut is left out whole.
        while end < limit {
            match url_char(b, end) {
                n if n > 0 && end + n <= limit => end += n,
                _ => break,
            }
        }
    }
    let end = close(b, start, end, mark).max(host.1);
    let auth_end = auth_end.min(end);
    let path_end = b[auth_end..end]
        .iter()
        .position(|&c| c == b'?' || c == b'#')
        .map_or(end, |p| auth_end + p);
    let query = (path_end < end && b[path_end] == b'?').then_some((path_end + 1, end));
    Some(Parsed {
        start,
        end,
        after_scheme,
        authority,
        host,
        host_kind,
        path: (auth_end, path_end),
        query,
    })
}

/// The mark that opens the text right before `start` and would close it
/// after the URL, if any.
///
/// AsciiDoc, common in published indicator lists, marks literal text with
/// `+`, `++` or `+++` on both sides (`++https://host/a.php++`); an encoded
/// query quotes with `%22` or `%27`. A path may hold either, so only a
/// closing mark that mirrors the opening one is dropped.
fn opener(b: &[u8], start: usize) -> &[u8] {
    let pluses = b[..start]
        .iter()
        .rev()
        .take(3)
        .take_while(|&&c| c == b'+')
        .count();
    if pluses > 0 {
        return &b[start - pluses..start];
    }
    match after_escape(b, start) && matches!(&b[start - 3..start], b"%22" | b"%27") {
        true => &b[start - 3..start],
        false => &[],
    }
}

/// The end of `start..end` once trailing punctuation (see [`trim_end`]),
/// encoded spaces and a closing `mark` are dropped.
///
/// A URL copied out of an encoded page or a log often ends in the `%20`
/// that stood for the space after it; no indicator ends in one.
fn close(b: &[u8], start: usize, end: usize, mark: &[u8]) -> usize {
    let mut end = trim_end(b, start, end);
    while end >= start + 3 && b[end - 3..end] == *b"%20" {
        end = trim_end(b, start, end - 3);
    }
    let n = mark.len();
    match n > 0 && end >= start + n && b[end - n..end] == *mark {
        true => trim_end(b, start, end - n),
        false => end,
    }
}

/// The host of an authority and what kind it is: a domain, an address, or
/// (for a name that is neither, such as `localhost`) no kind at all.
fn host(b: &[u8], start: usize, end: usize) -> Option<((usize, usize), Option<Kind>)> {
    let text = std::str::from_utf8(&b[start..end]).ok()?;
    if let Some(rest) = text.strip_prefix('[') {
        let close = rest.find(']')?;
        rest[..close].parse::<Ipv6Addr>().ok()?;
        return Some(((start + 1, start + 1 + close), Some(Kind::Ipv6)));
    }
    let name = text.split(':').next().unwrap_or_default();
    let name = name.trim_end_matches('.');
    let span = (start, start + name.len());
    if name.parse::<Ipv4Addr>().is_ok() {
        return Some((span, Some(Kind::Ipv4)));
    }
    if valid_domain(name) {
        return Some((span, Some(Kind::Domain)));
    }
    // A name under no known TLD is still a host when a scheme says so, but
    // a bare number or an empty name is not.
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
        && name.bytes().any(|c| c.is_ascii_alphabetic());
    plain.then_some((span, None))
}

/// Records a URL with its derived host and path, and any URL nested in its
/// query.
fn emit(cx: &mut Cx<'_>, p: &Parsed, parent: Option<usize>) {
    let b = cx.b;
    let url = cx.push(Found::new(Kind::Url, p.start, p.end, p.value(b)).parent(parent));
    cx.claim(p.start, p.end);
    if let Some(kind) = p.host_kind {
        let text = &cx.text[p.host.0..p.host.1];
        let value = match kind {
            Kind::Ipv6 => text
                .parse::<Ipv6Addr>()
                .map(|a| a.to_string())
                .unwrap_or_default(),
            _ => text.to_ascii_lowercase(),
        };
        cx.push(Found::new(kind, p.host.0, p.host.1, value).parent(Some(url)));
    }
    if p.path.1 > p.path.0 + 1 {
        let path = cx.text[p.path.0..p.path.1].to_owned();
        cx.push(Found::new(Kind::UrlPath, p.path.0, p.path.1, path).parent(Some(url)));
    }
    if let Some(q) = p.query {
        nested(cx, q, url);
    }
}

/// Finds a URL nested in a query, written plainly (`?u=https://...`),
/// percent-encoded (`?u=http%3A%2F%2F...`) or half of each (`%3A//`).
/// A decoded URL and its host are reported over the encoded text they came
/// from. Only the first nested URL of a query is read.
fn nested(cx: &mut Cx<'_>, (start, end): (usize, usize), url: usize) {
    let query = &cx.b[start..end];
    let plain = memmem::find(query, b"://");
    let encoded = match memchr::memchr(b'%', query) {
        None => None,
        Some(_) => {
            let lower = query.to_ascii_lowercase();
            [&b"%3a%2f%2f"[..], b"%3a//"]
                .iter()
                .filter_map(|sep| memmem::find(&lower, sep))
                .min()
        }
    };
    let Some(at) = [plain, encoded].into_iter().flatten().min() else {
        return;
    };
    let vstart = start
        + query[..at]
            .iter()
            .rposition(|&c| c == b'=' || c == b'&')
            .map_or(0, |p| p + 1);
    let vend = start
        + at
        + query[at..]
            .iter()
            .position(|&c| c == b'&' || c == b'#')
            .unwrap_or(query.len() - at);
    let unescaped = Decoded::new(&cx.b[vstart..vend], false);
    let decoded = &unescaped.bytes;
    let Some(sep) = memmem::find(decoded, b"://") else {
        return;
    };
    let scheme = decoded[..sep]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if !SCHEMES.iter().any(|s| {
        s.as_bytes()
            .eq_ignore_ascii_case(&decoded[sep - scheme..sep])
    }) {
        return;
    }
    let Some(p) = parse(decoded, sep - scheme, sep + 3) else {
        return;
    };
    let value = p.value(decoded);
    let span = |(s, e)| (vstart + unescaped.source(s), vstart + unescaped.source(e));
    let (s, e) = span((p.start, p.end));
    let inner = cx.push(Found::new(Kind::Url, s, e, value).parent(Some(url)));
    if let (Some(kind @ (Kind::Domain | Kind::Ipv4)), Ok(host)) = (
        p.host_kind,
        std::str::from_utf8(&decoded[p.host.0..p.host.1]),
    ) {
        let (s, e) = span(p.host);
        let found = Found::new(kind, s, e, host.to_ascii_lowercase());
        cx.push(found.parent(Some(inner)));
    }
}

/// Text with its `%XX` escapes decoded, and where each decoded byte came
/// from, so that ranges in it map back to the text.
pub(super) struct Decoded {
    pub(super) bytes: Vec<u8>,
    /// For each decoded byte, the offset just past the text it came from.
    ends: Vec<usize>,
}

impl Decoded {
    /// Decodes `%XX` escapes in `s`; anything else is kept as it is, but
    /// for a `+`, which becomes a space when `plus_is_space` (a query value
    /// as a form sends it). An escaped `%2B` stays a `+` either way.
    pub(super) fn new(s: &[u8], plus_is_space: bool) -> Decoded {
        let hex = |c: Option<&u8>| c.and_then(|&c| (c as char).to_digit(16));
        let mut bytes = Vec::with_capacity(s.len());
        let mut ends = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match (s[i], hex(s.get(i + 1)), hex(s.get(i + 2))) {
                (b'%', Some(h), Some(l)) => {
                    bytes.push((h * 16 + l) as u8);
                    i += 3;
                }
                (b'+', _, _) if plus_is_space => {
                    bytes.push(b' ');
                    i += 1;
                }
                (c, _, _) => {
                    bytes.push(c);
                    i += 1;
                }
            }
            ends.push(i);
        }
        Decoded { bytes, ends }
    }

    /// The offset in the text of decoded offset `i`.
    pub(super) fn source(&self, i: usize) -> usize {
        i.checked_sub(1).map_or(0, |j| self.ends[j])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<String> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .filter(|m| m.kind == Kind::Url)
            .map(|m| m.value)
            .collect()
    }

    #[test]
    fn case_rules() {
        assert_eq!(
            urls("HTTPS://Host.EXAMPLE.com/A/b?C=D"),
            ["https://host.example.com/A/b?C=D"]
        );
        assert_eq!(
            urls("http://Admin:PW@Host.com/"),
            ["http://Admin:PW@host.com/"]
        );
    }

    #[test]
    fn doubled_scheme() {
        let found =
            crate::Finder::new().find("see hxxp://hxxps://evil-site[.]com/a now");
        let values: Vec<(Kind, &str)> = found
            .indicators
            .iter()
            .map(|m| (m.kind, m.value.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                (Kind::Url, "https://evil-site.com/a"),
                (Kind::Domain, "evil-site.com"),
                (Kind::UrlPath, "/a"),
            ]
        );
        assert_eq!(found.indicators[0].raw, "hxxps://evil-site[.]com/a");
        // A scheme-like word in a path is no scheme.
        assert_eq!(urls("http://a.example/http/x"), ["http://a.example/http/x"]);
    }

    #[test]
    fn ends() {
        assert_eq!(
            urls("(https://a.example.net/g/) now"),
            ["https://a.example.net/g/"]
        );
        assert_eq!(
            urls("see <http://s.example.org/x>."),
            ["http://s.example.org/x"]
        );
        assert_eq!(
            urls("[t](https://a.example.com/p)"),
            ["https://a.example.com/p"]
        );
        assert_eq!(
            urls("'http://a.example.com/s.ps1');"),
            ["http://a.example.com/s.ps1"]
        );
        assert_eq!(
            urls("u,https://a.example.com/r/A,b"),
            ["https://a.example.com/r/A"]
        );
    }

    #[test]
    fn asciidoc_plus_markup() {
        assert_eq!(
            urls("`++https://a.example.com/b.asp++`"),
            ["https://a.example.com/b.asp"]
        );
        assert_eq!(urls("+http://a.example.com+"), ["http://a.example.com"]);
        assert_eq!(
            urls("+++http://a.example.com/x+++."),
            ["http://a.example.com/x"]
        );
        // Without an opening run, a path's pluses are its own.
        assert_eq!(
            urls("https://a.example.com/c++ and +https://a.example.com/d++"),
            ["https://a.example.com/c++", "https://a.example.com/d+"]
        );
    }

    #[test]
    fn brackets_after_a_host_are_link_text() {
        assert_eq!(
            urls("The https://www.example.org[MISP] event"),
            ["https://www.example.org"]
        );
        assert_eq!(
            urls("http://u@[2001:db8::1]:80/x"),
            ["http://u@[2001:db8::1]:80/x"]
        );
    }

    #[test]
    fn after_a_percent_escape() {
        assert_eq!(
            urls("GET /t.php?tag=%3Cscript%20src=%22https://cdn.example.com/j/%22"),
            ["https://cdn.example.com/j/"]
        );
        assert!(urls("x2https://a.example.com/").is_empty());
    }

    #[test]
    fn encoded_spaces_at_the_end() {
        assert_eq!(urls("hxxp://80.77.23[.]154%20"), ["http://80.77.23.154"]);
        assert_eq!(
            urls("http://a.example.com/b%20c.php%20%20."),
            ["http://a.example.com/b%20c.php"]
        );
    }

    #[test]
    fn extra_slashes_after_the_scheme() {
        assert_eq!(
            urls("hxxps[:]///a.example.com/x"),
            ["https://a.example.com/x"]
        );
        assert_eq!(urls("http:////A.example.com"), ["http://a.example.com"]);
        assert!(urls("http://///a.example.com/x").is_empty());
    }

    #[test]
    fn hosts() {
        assert_eq!(
            urls("http://[2001:db8::1]:80/x"),
            ["http://[2001:db8::1]:80/x"]
        );
        assert_eq!(urls("http://localhost:8080/x"), ["http://localhost:8080/x"]);
        assert!(urls("http://1234/x").is_empty());
        assert!(urls("c://x.com/").is_empty());
    }

    #[test]
    fn schemeless_needs_a_real_domain() {
        assert_eq!(
            urls("at x-mirror.net/bin/a.exe"),
            ["x-mirror.net/bin/a.exe"]
        );
        assert!(urls("10.0.0.0/8 and/or W32/Agent.AB a.b/c").is_empty());
    }

    #[test]
    fn letters_of_any_script() {
        assert_eq!(
            urls("get hxxps://evil[.]com/dl?name=café&x=1 now"),
            ["https://evil.com/dl?name=café&x=1"]
        );
        assert_eq!(
            urls("https://example.com/путь/файл.exe，然后"),
            ["https://example.com/путь/файл.exe"]
        );
        // Other characters end it: quotes, emoji, and the scripts that
        // need no space before the prose goes on.
        assert_eq!(
            urls("请访问 https://example.com/download获取样本"),
            ["https://example.com/download"]
        );
        let thai = "ที่ https://example.com/aที่นี่";
        assert_eq!(urls(thai), ["https://example.com/a"]);
        assert_eq!(urls("“https://example.com/a”"), ["https://example.com/a"]);
        assert_eq!(urls("https://example.com/a😀"), ["https://example.com/a"]);
    }

    #[test]
    fn nested_in_a_query() {
        for outer in [
            "https://t.example.com/r?u=https://x.example.org/y",
            "https://t.example.com/r?u=https%3A//x.example.org/y",
            "https://t.example.com/r?u=https%3a%2f%2fx.example.org%2fy",
            "https://t.example.com/r?url=hxxps://x[.]example[.]org/y",
        ] {
            let found = crate::Finder::new().find(outer).indicators;
            let values: Vec<_> =
                found.iter().map(|m| (m.kind, m.value.as_str())).collect();
            assert!(
                values.contains(&(Kind::Url, "https://x.example.org/y")),
                "{outer}: {values:?}"
            );
            assert!(
                values.contains(&(Kind::Domain, "x.example.org")),
                "{outer}: {values:?}"
            );
        }
        // A plain one is found over its own bytes.
        let text = "see https://t.example.com/r?u=https://x.example.org/y now";
        let found = crate::Finder::new().find(text).indicators;
        let inner = found
            .iter()
            .find(|m| m.value == "https://x.example.org/y")
            .unwrap();
        assert_eq!(&text[inner.start..inner.end], "https://x.example.org/y");
        // An encoded one, and its host, over the text they were decoded from.
        let text =
            "https://t.example.com/r?u=x%3Dhttps%3A%2F%2Fx%2Eexample.org%2Fy&t=1";
        let found = crate::Finder::new().find(text).indicators;
        let raw = |value: &str| {
            let m = found.iter().find(|m| m.value == value).unwrap();
            &text[m.start..m.end]
        };
        assert_eq!(
            raw("https://x.example.org/y"),
            "https%3A%2F%2Fx%2Eexample.org%2Fy"
        );
        assert_eq!(raw("x.example.org"), "x%2Eexample.org");
        // Not every `://` in a query starts a URL.
        let found =
            crate::Finder::new().find("https://t.example.com/r?x=c://x.example.org/y");
        assert_eq!(
            found
                .indicators
                .iter()
                .filter(|m| m.kind == Kind::Url)
                .count(),
            1
        );
    }

    #[test]
    fn decodes_percent() {
        let d = Decoded::new(b"a%3A%2f%zz", false);
        assert_eq!(d.bytes, b"a:/%zz");
        assert_eq!(d.ends, [1, 4, 7, 8, 9, 10]);
        assert_eq!(Decoded::new(b"a+b%2B", true).bytes, b"a b+");
        assert_eq!(Decoded::new(b"a+b", false).bytes, b"a+b");
    }
}
