//! Undoing the ways reports break indicators on purpose or by accident.
//!
//! The whole text is cleaned once, before any scanner runs: every defanged
//! form is rewritten to its plain form and invisible characters are removed.
//! The scanners then only ever see plain indicators, and [`Cleaned`] maps each
//! position in the cleaned text back to the original, so reported ranges
//! point at what the reader actually sees.
//!
//! Each rule is explicit and matches a whole marker (`[.]`, `hxxp` before a
//! scheme separator, ...). Nothing deletes brackets in general, so prose
//! such as `applications. [To be continued]` is left as written, and no rule
//! touches a word unless the word is followed by a scheme separator.

use std::borrow::Cow;

use super::tld;

/// One rewritten stretch: `orig_len` bytes at `orig` became `clean_len`
/// bytes at `clean`.
#[derive(Clone, Copy, Debug)]
struct Edit {
    clean: usize,
    clean_len: usize,
    orig: usize,
    orig_len: usize,
}

impl Edit {
    fn clean_end(&self) -> usize {
        self.clean + self.clean_len
    }

    fn orig_end(&self) -> usize {
        self.orig + self.orig_len
    }
}

/// A text with its defanged forms rewritten, and the way back to the
/// original's byte offsets.
#[derive(Debug)]
pub(crate) struct Cleaned<'a> {
    /// The cleaned text. Borrowed when nothing needed rewriting.
    pub(crate) text: Cow<'a, str>,
    edits: Vec<Edit>,
}

impl Cleaned<'_> {
    /// Cleaned offsets at which a defanged marker was rewritten (invisible
    /// characters, which are only removed, are not counted).
    pub(crate) fn rewritten(&self) -> Vec<usize> {
        self.edits
            .iter()
            .filter(|e| e.clean_len > 0)
            .map(|e| e.clean)
            .collect()
    }

    /// A mapper back to original offsets, fastest when asked about
    /// offsets in increasing order.
    pub(crate) fn mapper(&self) -> Mapper<'_> {
        Mapper {
            edits: &self.edits,
            idx: 0,
        }
    }
}

/// Maps cleaned offsets back to original ones. It remembers where the last
/// question was answered, so a run of nearby questions costs a few steps
/// each; a far jump falls back to binary search, which keeps any order of
/// questions at O(log n) each.
pub(crate) struct Mapper<'c> {
    edits: &'c [Edit],
    /// Number of edits starting at or before the last offset asked about.
    idx: usize,
}

impl Mapper<'_> {
    /// The number of edits that start at or before cleaned offset `p`.
    fn locate(&mut self, p: usize) -> usize {
        const WALK: usize = 16;
        let e = self.edits;
        let mut idx = self.idx.min(e.len());
        let mut steps = 0;
        while idx < e.len() && e[idx].clean <= p && steps < WALK {
            idx += 1;
            steps += 1;
        }
        while idx > 0 && e[idx - 1].clean > p && steps < WALK {
            idx -= 1;
            steps += 1;
        }
        let settled =
            (idx == e.len() || e[idx].clean > p) && (idx == 0 || e[idx - 1].clean <= p);
        if !settled {
            idx = e.partition_point(|x| x.clean <= p);
        }
        self.idx = idx;
        idx
    }

    /// The original offset of a match that starts at cleaned offset `p`.
    pub(crate) fn start(&mut self, p: usize) -> usize {
        let idx = self.locate(p);
        match idx.checked_sub(1).map(|i| self.edits[i]) {
            None => p,
            // A match cannot start halfway through a marker: it starts
            // where the marker starts.
            Some(e) if p < e.clean_end() => e.orig,
            Some(e) => e.orig_end() + (p - e.clean_end()),
        }
    }

    /// The original offset one past a match that ends at cleaned offset `p`.
    pub(crate) fn end(&mut self, p: usize) -> usize {
        let Some(last) = p.checked_sub(1) else {
            return 0;
        };
        let idx = self.locate(last);
        match idx.checked_sub(1).map(|i| self.edits[i]) {
            None => p,
            // A match that ends inside a marker takes all of the marker.
            Some(e) if last < e.clean_end() => e.orig_end(),
            Some(e) => e.orig_end() + (last - e.clean_end()) + 1,
        }
    }
}

/// Finds the bytes at which some rule may begin, with one vectorised
/// search per group of them; each group remembers its next hit, so every
/// byte of the text is searched once per group. Spelled-out dots are found
/// whole, in the three casings people write (` dot `, ` DOT `, ` Dot `).
struct Triggers<'a> {
    b: &'a [u8],
    /// The next hit of each group, `usize::MAX` once there is none.
    next: [usize; 6],
}

impl<'a> Triggers<'a> {
    fn new(b: &'a [u8]) -> Triggers<'a> {
        let mut next = [0; 6];
        for (g, slot) in next.iter_mut().enumerate() {
            *slot = Self::search(g, b).unwrap_or(usize::MAX);
        }
        Triggers { b, next }
    }

    fn search(group: usize, b: &[u8]) -> Option<usize> {
        match group {
            0 => memchr::memchr3(b'[', b'(', b'{', b),
            1 => memchr::memchr3(b'\\', b'x', b'X', b),
            2 => memchr::memchr3(0xE2, 0xEF, 0xC2, b),
            3 => memchr::memmem::find(b, b" dot "),
            4 => memchr::memmem::find(b, b" DOT "),
            _ => memchr::memmem::find(b, b" Dot "),
        }
    }

    /// The first trigger at or after `i`.
    fn from(&mut self, i: usize) -> Option<usize> {
        for g in 0..self.next.len() {
            if self.next[g] < i {
                let rest = self.b.get(i..).unwrap_or_default();
                self.next[g] = Self::search(g, rest).map_or(usize::MAX, |p| i + p);
            }
        }
        let first = self.next.iter().copied().min()?;
        (first != usize::MAX).then_some(first)
    }
}

/// Rewrites every defanged form in `text` and drops invisible characters.
pub(crate) fn clean(text: &str) -> Cleaned<'_> {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut edits = Vec::new();
    // Everything before `copied` has been handled already.
    let mut copied = 0;
    let mut triggers = Triggers::new(b);
    let mut pos = 0;
    while let Some(i) = triggers.from(pos) {
        pos = i + 1;
        let Some((start, end, with)) = rule_at(b, i) else {
            continue;
        };
        // A rule may reach back to bytes before `i` (the `h` of `hxxp`), but
        // never into text that is already written out.
        if start < copied {
            continue;
        }
        if out.capacity() == 0 {
            out.reserve(text.len());
        }
        out.push_str(&text[copied..start]);
        edits.push(Edit {
            clean: out.len(),
            clean_len: with.len(),
            orig: start,
            orig_len: end - start,
        });
        out.push_str(with);
        copied = end;
        pos = end;
    }
    if edits.is_empty() {
        return Cleaned {
            text: Cow::Borrowed(text),
            edits,
        };
    }
    out.push_str(&text[copied..]);
    Cleaned {
        text: Cow::Owned(out),
        edits,
    }
}

/// The rule that applies at `i`, as (start, end, replacement).
fn rule_at(b: &[u8], i: usize) -> Option<(usize, usize, &'static str)> {
    match b[i] {
        b'[' | b'(' | b'{' => bracket(b, i).or_else(|| optional_s(b, i)),
        b'\\' => escaped_dot(b, i),
        b'x' | b'X' => scheme(b, i),
        b' ' => spelled_dot(b, i),
        _ => invisible(b, i),
    }
}

/// Case-insensitive "does `b[i..]` start with `pat`" (`pat` is lower case).
fn at(b: &[u8], i: usize, pat: &[u8]) -> bool {
    b.get(i..i + pat.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(pat))
}

/// `[.]`, `(dot)`, `[:]`, `[at]` and the other bracketed markers.
fn bracket(b: &[u8], i: usize) -> Option<(usize, usize, &'static str)> {
    let close = match b.get(i)? {
        b'[' => b']',
        b'(' => b')',
        b'{' => b'}',
        _ => return None,
    };
    const INNER: &[(&[u8], &str)] = &[
        (b".", "."),
        (b"dot", "."),
        (b"://", "://"),
        (b":", ":"),
        (b"/", "/"),
        (b"at", "@"),
        (b"@", "@"),
    ];
    for (inner, with) in INNER {
        let end = i + 1 + inner.len();
        if at(b, i + 1, inner) && b.get(end) == Some(&close) {
            let paren = b[i] == b'(';
            // `(at)`, `(.)` and `(:)` also occur in ordinary prose; in
            // parentheses `(:)` is never taken and the others only when
            // glued to a word on both sides, as in `first.last(at)mail`,
            // or spaced between the parts of a host (see `spaced`).
            if paren && *inner == b":" {
                return None;
            }
            let joins = matches!(*inner, b"." | b"dot" | b"at" | b"@");
            if joins && spaced(b, i, end + 1, inner, paren) {
                return Some((i - 1, end + 2, with));
            }
            if paren && !glued(b, i, end + 1) {
                return None;
            }
            return Some((i, end + 1, with));
        }
    }
    None
}

/// Whether the marker at `start..end` stands between two words with one
/// space on each side (`user [at] mail [dot] ru`): the spaces go with it.
///
/// In brackets that is always a defang. In parentheses it is taken only
/// inside an address: an `(at)` before a host name that ends in a
/// top-level domain, and a `(dot)` within that host (`a (at) b (dot) ru`);
/// `meet (at) noon` stays prose.
fn spaced(b: &[u8], start: usize, end: usize, inner: &[u8], paren: bool) -> bool {
    let word = |p: Option<usize>| {
        p.and_then(|p| b.get(p))
            .is_some_and(u8::is_ascii_alphanumeric)
    };
    if start < 2
        || b[start - 1] != b' '
        || !word(Some(start - 2))
        || b.get(end) != Some(&b' ')
        || !word(Some(end + 1))
    {
        return false;
    }
    if !paren {
        return true;
    }
    // A spaced `(dot)` alone is as often prose (`the office (.) com team`):
    // it is taken only after an address's `@`, in `user (at) mail (dot) ru`.
    const DOTS: [&[u8]; 9] = [
        b" (dot) ", b" [dot] ", b" (.) ", b" [.] ", b"[dot]", b"(dot)", b"[.]", b"(.)",
        b".",
    ];
    if matches!(inner, b"." | b"dot") && !after_address(&b[..start - 1], &DOTS) {
        return false;
    }
    // The host that follows: labels joined by dots or dot markers, the
    // last one a top-level domain, after at least one dot for `(at)`.
    let mut pos = end + 1;
    let mut dots = usize::from(matches!(inner, b"." | b"dot"));
    for _ in 0..8 {
        let label_end = pos
            + b[pos..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
                .count();
        let next = DOTS
            .iter()
            .find(|m| at(b, label_end, m) && word(Some(label_end + m.len())));
        match next {
            Some(m) => {
                dots += 1;
                pos = label_end + m.len();
            }
            None => {
                let label = std::str::from_utf8(&b[pos..label_end]);
                return dots > 0 && label.is_ok_and(tld::is_tld);
            }
        }
    }
    false
}

/// Whether `before` ends in the host part of an address so far: labels
/// joined by `dots`, back to an `@` or an `(at)`.
fn after_address(before: &[u8], dots: &[&[u8]]) -> bool {
    let mut end = before.len();
    for _ in 0..8 {
        let label = before[..end]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        let rest = &before[..end - label];
        if [&b" (at) "[..], b" [at] ", b"(at)", b"[at]", b"@"]
            .iter()
            .any(|m| rest.ends_with(m))
        {
            return label > 0;
        }
        match dots.iter().find(|m| rest.ends_with(m)) {
            Some(m) if label > 0 => end = rest.len() - m.len(),
            _ => return false,
        }
    }
    false
}

/// Whether the marker at `start..end` has a word character on each side.
fn glued(b: &[u8], start: usize, end: usize) -> bool {
    let word = |c: &u8| c.is_ascii_alphanumeric();
    start
        .checked_sub(1)
        .and_then(|p| b.get(p))
        .is_some_and(word)
        && b.get(end).is_some_and(word)
}

/// `http[s]://` and `hxxp[s]://`: the bracketed `s` belongs to the scheme.
fn optional_s(b: &[u8], i: usize) -> Option<(usize, usize, &'static str)> {
    if !at(b, i, b"[s]") || i < 4 {
        return None;
    }
    let start = i - 4;
    let word = &b[start..i];
    if !(word.eq_ignore_ascii_case(b"http") || word.eq_ignore_ascii_case(b"hxxp"))
        || !word_start(b, start)
    {
        return None;
    }
    let sep = separator(b, i + 3)?;
    Some((start, i + 3 + sep, "https://"))
}

/// Whether a word starts at `i` (nothing alphanumeric right before it).
fn word_start(b: &[u8], i: usize) -> bool {
    i == 0 || !b[i - 1].is_ascii_alphanumeric()
}

/// The length of a scheme separator at `i`: `://`, `[:]//`, `[://]`, `(:)//`.
fn separator(b: &[u8], i: usize) -> Option<usize> {
    [&b"://"[..], b"[:]//", b"[://]", b"(:)//"]
        .into_iter()
        .find(|s| at(b, i, s))
        .map(<[u8]>::len)
}

/// `hxxp://`, `hXXps[:]//`, `fxp://`: defanged schemes. Triggered on the
/// first `x`, so the check looks one byte back for the `h` or `f`. The scheme
/// is only rewritten before a separator, so words such as `hxxpd` survive.
fn scheme(b: &[u8], i: usize) -> Option<(usize, usize, &'static str)> {
    let start = i.checked_sub(1)?;
    if !word_start(b, start) {
        return None;
    }
    let (rest, with, with_s) = match b[start].to_ascii_lowercase() {
        b'h' if at(b, i, b"xxp") => (i + 3, "http://", "https://"),
        b'f' if at(b, i, b"xp") => (i + 2, "ftp://", "ftps://"),
        _ => return None,
    };
    if let Some(len) = separator(b, rest) {
        return Some((start, rest + len, with));
    }
    let s_len = if at(b, rest, b"[s]") { 3 } else { 1 };
    if at(b, rest, b"s") || s_len == 3 {
        let len = separator(b, rest + s_len)?;
        return Some((start, rest + s_len + len, with_s));
    }
    None
}

/// `example\.com`: a dot escaped for a regex or a shell. Not taken inside a
/// Windows path or registry key, where `\.` is a separator before a name
/// that starts with a dot (`Microsoft\.NETFramework`).
fn escaped_dot(b: &[u8], i: usize) -> Option<(usize, usize, &'static str)> {
    if b.get(i + 1) != Some(&b'.') {
        return None;
    }
    let before = i.checked_sub(1).map(|p| b[p]);
    let after = b.get(i + 2);
    if !before.is_some_and(|c| c.is_ascii_alphanumeric())
        || !after.is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    // Look a short way each side, within the word, for a backslash that is
    // not escaping a dot: that makes the word a path.
    let lo = i.saturating_sub(128);
    let hi = (i + 130).min(b.len());
    let mut s = i;
    while s > lo && !b[s - 1].is_ascii_whitespace() {
        s -= 1;
    }
    let mut e = i + 2;
    while e < hi && !b[e].is_ascii_whitespace() {
        e += 1;
    }
    if b[s..e].windows(2).any(|w| w[0] == b'\\' && w[1] != b'.') {
        return None;
    }
    Some((i, i + 2, "."))
}

/// `example dot com`: a spelled-out dot, only between two labels and only
/// when the label after it is a top-level domain or is followed by another
/// dot, or between two short numbers, so that prose like "a dot on the map"
/// is left alone.
fn spelled_dot(b: &[u8], i: usize) -> Option<(usize, usize, &'static str)> {
    if !at(b, i, b" dot ") {
        return None;
    }
    let before = i.checked_sub(1).map(|p| b[p]);
    if !before.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    // "the dot com bubble" is prose. Only a short list of such words is
    // known; another ordinary word before "dot com" is still read as a
    // host, which is the price of taking spelled-out dots at all.
    let word = b[i.saturating_sub(8)..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b'.')
        .count();
    let word = &b[i - word..i];
    if [
        &b"the"[..],
        b"a",
        b"of",
        b"and",
        b"or",
        b"big",
        b"first",
        b"second",
        b"new",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
    {
        return None;
    }
    let next = i + 5;
    let len = b[next..]
        .iter()
        .take(64)
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
        .count();
    if len == 0 {
        return None;
    }
    let label = std::str::from_utf8(&b[next..next + len]).ok()?;
    let after = next + len;
    let more = at(b, after, b" dot ")
        || bracket(b, after).is_some_and(|(_, _, with)| with == ".")
        || (b.get(after) == Some(&b'.')
            && b.get(after + 1).is_some_and(|c| c.is_ascii_alphanumeric()));
    let ends_word = !b.get(after).is_some_and(|c| c.is_ascii_alphanumeric());
    // Between two short numbers it is an address written out.
    let octets = before.is_some_and(|c| c.is_ascii_digit())
        && len <= 3
        && label.bytes().all(|c| c.is_ascii_digit());
    ((tld::is_tld(label) && ends_word) || more || octets).then_some((i, i + 5, "."))
}

/// Zero-width space, joiners, word joiner, byte-order mark and soft hyphen:
/// pages put them inside long strings to let them wrap.
fn invisible(b: &[u8], i: usize) -> Option<(usize, usize, &'static str)> {
    let len = match b.get(i..) {
        Some([0xE2, 0x80, 0x8B..=0x8D, ..]) | Some([0xE2, 0x81, 0xA0, ..]) => 3,
        Some([0xEF, 0xBB, 0xBF, ..]) => 3,
        Some([0xC2, 0xAD, ..]) => 2,
        _ => return None,
    };
    Some((i, i + len, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        clean(s).text.into_owned()
    }

    #[test]
    fn bracketed_markers() {
        assert_eq!(c("a[.]b(.)c{.}d[dot]e(DOT)f"), "a.b.c.d.e.f");
        assert_eq!(c("2001[:]db8[:]:9"), "2001:db8::9");
        assert_eq!(c("ops[at]x[.]ru p[@]q"), "ops@x.ru p@q");
        assert_eq!(c("first.last(at)mailbox(.)org"), "first.last@mailbox.org");
        assert_eq!(c("http[://]a"), "http://a");
    }

    #[test]
    fn spaced_markers() {
        assert_eq!(c("user [at] mail [dot] ru"), "user@mail.ru");
        assert_eq!(
            c("evil [.] com and evil {dot} com"),
            "evil.com and evil.com"
        );
        assert_eq!(c("user (at) mail (dot) ru"), "user@mail.ru");
        assert_eq!(c("j (at) corp [.] example (.) org"), "j@corp.example.org");
        // Prose keeps its spaces and parentheses.
        for s in [
            "meet (at) noon (dot) that is all",
            "one (.) two",
            "x (at) y",
        ] {
            assert_eq!(c(s), s);
        }
    }

    #[test]
    fn schemes() {
        assert_eq!(
            c("hxxp://a hXXps://b HXXP://C"),
            "http://a https://b http://C"
        );
        assert_eq!(
            c("hxxps[:]//a http[s]://b hxxp[://]c"),
            "https://a https://b http://c"
        );
        assert_eq!(
            c("fxp://a FXP://b hxxp[s]://c"),
            "ftp://a ftp://b https://c"
        );
    }

    #[test]
    fn words_are_left_alone() {
        for s in [
            "the hotpocket and shotput crews",
            "many applications. [To be continued]",
            "hxxpd is not a scheme, nor is xhxxp://",
            "the team (at) the office (.) with a [s]",
            "a dot on the map",
            "the dot com bubble and the DOT COM era",
            "HKLM\\Software\\Microsoft\\.NETFramework",
        ] {
            assert_eq!(c(s), s);
        }
    }

    #[test]
    fn spelled_dots() {
        assert_eq!(c("evil dot com"), "evil.com");
        assert_eq!(c("smtp dot corp dot co dot uk"), "smtp.corp.co.uk");
        assert_eq!(c("evil\\.example\\.com"), "evil.example.com");
    }

    #[test]
    fn invisible_characters_go() {
        assert_eq!(c("ab\u{200b}cd\u{ad}e\u{feff}f\u{2060}g"), "abcdefg");
    }

    #[test]
    fn offsets_map_back() {
        let text = "x hxxp://a[.]b\u{200b}c y";
        let cl = clean(text);
        assert_eq!(cl.text, "x http://a.bc y");
        let s = cl.text.find("http").unwrap_or(0);
        let e = cl.text.find(" y").unwrap_or(0);
        let mut m = cl.mapper();
        assert_eq!(&text[m.start(s)..m.end(e)], "hxxp://a[.]b\u{200b}c");
        let dot = cl.text.find('.').unwrap_or(0);
        assert_eq!(&text[m.start(dot)..m.end(dot + 1)], "[.]");
    }
}
