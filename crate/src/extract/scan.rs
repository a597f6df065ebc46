//! What every kind's scanner shares: the trait, the working state, and the
//! character classes and boundary rules that several kinds use.

use super::Kind;

/// One kind's (or one family's) search over the cleaned text.
pub(crate) trait Scanner {
    /// Bytes of which at least one must occur in the text for this scanner
    /// to find anything; empty when there is no such byte. The finder skips
    /// the scanner when none occurs.
    fn needs(&self) -> &'static [u8];

    /// Adds what it finds to `cx`.
    fn scan(&self, cx: &mut Cx<'_>);
}

/// A value found in the cleaned text, before it is mapped back.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) value: String,
    pub(crate) alternatives: Vec<Kind>,
    pub(crate) also: Vec<&'static str>,
    pub(crate) label: Option<&'static str>,
    /// Index, in the order found, of the match this one was read out of.
    pub(crate) parent: Option<usize>,
}

impl Found {
    pub(crate) fn new(kind: Kind, start: usize, end: usize, value: String) -> Found {
        Found {
            kind,
            start,
            end,
            value,
            alternatives: Vec::new(),
            also: Vec::new(),
            label: None,
            parent: None,
        }
    }

    pub(crate) fn alternative(mut self, kind: Kind) -> Found {
        self.alternatives.push(kind);
        self
    }

    pub(crate) fn parent(mut self, parent: Option<usize>) -> Found {
        self.parent = parent;
        self
    }
}

/// The scanners' shared state: the cleaned text, what has been found, and
/// which bytes earlier scanners have claimed.
pub(crate) struct Cx<'t> {
    pub(crate) text: &'t str,
    pub(crate) b: &'t [u8],
    found: Vec<Found>,
    /// One bit per byte of text.
    claimed: Vec<u64>,
    /// Sorted offsets where a defanged marker was rewritten.
    defanged: Vec<usize>,
    /// The dotted tokens, once a scanner has asked for them.
    tokens: Option<Vec<(usize, usize)>>,
}

impl<'t> Cx<'t> {
    pub(crate) fn new(text: &'t str, defanged: Vec<usize>) -> Cx<'t> {
        Cx {
            text,
            b: text.as_bytes(),
            found: Vec::new(),
            claimed: vec![0; text.len() / 64 + 1],
            defanged,
            tokens: None,
        }
    }

    /// Records `f` and returns its index, for the matches derived from it.
    pub(crate) fn push(&mut self, f: Found) -> usize {
        self.found.push(f);
        self.found.len() - 1
    }

    /// Marks `start..end` as read, so later scanners leave it alone.
    pub(crate) fn claim(&mut self, start: usize, end: usize) {
        for (word, mask) in bit_words(start, end) {
            self.claimed[word] |= mask;
        }
    }

    /// Whether any byte of `start..end` is claimed.
    pub(crate) fn is_claimed(&self, start: usize, end: usize) -> bool {
        bit_words(start, end).any(|(word, mask)| self.claimed[word] & mask != 0)
    }

    /// Whether the writer defanged something in `start..end`: a sign that
    /// they meant it as a live indicator, not as a file name or prose.
    pub(crate) fn was_defanged(&self, start: usize, end: usize) -> bool {
        let i = self.defanged.partition_point(|&p| p < start);
        self.defanged.get(i).is_some_and(|&p| p < end)
    }

    /// The runs of host characters that hold a dot (see
    /// [`dotted_tokens`](super::domain::dotted_tokens)), found once for the
    /// file-name and domain scanners, which both read them.
    pub(crate) fn dotted(&mut self) -> Vec<(usize, usize)> {
        let b = self.b;
        self.tokens
            .get_or_insert_with(|| super::domain::dotted_tokens(b).collect())
            .clone()
    }

    pub(crate) fn into_found(self) -> Vec<Found> {
        self.found
    }
}

/// The words of a one-bit-per-byte set that `start..end` touches, each
/// with the mask of its bits in the range: a URL's span is one or two
/// words, where a bit at a time took a step per byte.
fn bit_words(start: usize, end: usize) -> impl Iterator<Item = (usize, u64)> {
    let last = end.saturating_sub(1) / 64;
    (start / 64..last + 1)
        .filter(move |_| start < end)
        .map(move |word| {
            let lo = start.max(word * 64) - word * 64;
            let hi = end.min(word * 64 + 64) - word * 64;
            // Bits lo..hi of the word; `hi - lo` is 1 to 64.
            (word, (u64::MAX >> (64 - (hi - lo))) << lo)
        })
}

/// Whether one of the bytes a scanner needs occurs in `b` (or it needs
/// none): the cheap pre-scan that skips scanners with nothing to find.
/// A byte that occurs is usually found within the first few hundred bytes;
/// only an absent one costs a full vectorised pass.
pub(crate) fn wanted(needs: &[u8], b: &[u8]) -> bool {
    needs.is_empty() || needs.iter().any(|&c| memchr::memchr(c, b).is_some())
}

/// Offsets where `upper` or `lower` (the same word in two casings) occurs,
/// in order. Two vectorised searches for a word are much cheaper than
/// stopping at every `h` or `c` of the text; mixed casings such as `Hk`
/// are not found.
pub(crate) fn find_either(b: &[u8], upper: &[u8], lower: &[u8]) -> Vec<usize> {
    let mut hits: Vec<usize> = memchr::memmem::find_iter(b, upper)
        .chain(memchr::memmem::find_iter(b, lower))
        .collect();
    hits.sort_unstable();
    hits
}

/// Letters, digits and `_`: what continues a word.
pub(crate) fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// What a host name is made of (with `_`, which DNS allows outside host
/// names and which `_dmarc` records and some API hosts use).
pub(crate) fn is_host(c: u8) -> bool {
    HOST[usize::from(c)]
}

/// [`is_host`] as a table: one load where the ranges took several
/// branches, in the loops that walk every dotted token of a text.
static HOST: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
        c += 1;
    }
    table
};

/// Whether a letter or digit of any script touches `start..end` from
/// outside: then the ASCII run is only part of a longer word (`bücher.de`
/// holds no domain `cher.de`). Curly quotes and other punctuation do not
/// count.
pub(crate) fn inside_word(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| !c.is_ascii() && c.is_alphanumeric();
    text[..start].chars().next_back().is_some_and(word)
        || text[end..].chars().next().is_some_and(word)
}

/// The byte before `i`, if any.
pub(crate) fn before(b: &[u8], i: usize) -> Option<u8> {
    i.checked_sub(1).map(|p| b[p])
}

/// Shortens `start..end` past trailing sentence punctuation and closing
/// brackets or quotes that have no partner inside the span.
///
/// Prose puts a full stop, a comma or a closing parenthesis straight after
/// an indicator; a URL such as `.../Worm_(malware)` keeps its own pair.
pub(crate) fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start {
        let c = b[end - 1];
        let drop = match c {
            b'.' | b',' | b':' | b';' | b'!' | b'?' | b'*' | b'\'' | b'"' | b'`' => {
                true
            }
            b')' => unbalanced(&b[start..end], b'(', b')'),
            b']' => unbalanced(&b[start..end], b'[', b']'),
            b'}' => unbalanced(&b[start..end], b'{', b'}'),
            b'>' => unbalanced(&b[start..end], b'<', b'>'),
            _ => false,
        };
        if !drop {
            break;
        }
        end -= 1;
    }
    end
}

/// Whether `s` closes more `close` than it opens `open`.
fn unbalanced(s: &[u8], open: u8, close: u8) -> bool {
    let opens = s.iter().filter(|&&c| c == open).count();
    let closes = s.iter().filter(|&&c| c == close).count();
    closes > opens
}

/// Up to `n` bytes of the same line before `i`: where labels such as
/// "Imphash:" or "User-Agent:" sit.
pub(crate) fn line_before(b: &[u8], i: usize, n: usize) -> &[u8] {
    let lo = i.saturating_sub(n);
    let from = b[lo..i]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(lo, |p| lo + p + 1);
    &b[from..i]
}

/// Whether `hay` ends with `suffix`, ignoring ASCII case.
pub(crate) fn ends_with_ci(hay: &[u8], suffix: &[u8]) -> bool {
    hay.len() >= suffix.len()
        && hay[hay.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Whether `hay` contains `needle`, ignoring ASCII case.
pub(crate) fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(s: &str) -> &str {
        &s[..trim_end(s.as_bytes(), 0, s.len())]
    }

    #[test]
    fn trailing_punctuation_goes_balanced_brackets_stay() {
        assert_eq!(trimmed("a/b)."), "a/b");
        assert_eq!(trimmed("a/Worm_(malware)"), "a/Worm_(malware)");
        assert_eq!(trimmed("a/x>."), "a/x");
        assert_eq!(trimmed("a/i.sh`"), "a/i.sh");
        assert_eq!(trimmed("a/[b]]"), "a/[b]");
    }

    #[test]
    fn claims() {
        let mut cx = Cx::new(
            "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz",
            Vec::new(),
        );
        cx.claim(60, 70);
        assert!(cx.is_claimed(69, 75));
        assert!(cx.is_claimed(50, 61));
        assert!(!cx.is_claimed(70, 72));
        assert!(!cx.is_claimed(0, 60));
        assert!(!cx.is_claimed(65, 65));
        cx.claim(0, 0);
        assert!(!cx.is_claimed(0, 1));
        cx.claim(0, 128);
        assert!(cx.is_claimed(127, 128) && cx.is_claimed(0, 1));
    }

    #[test]
    fn line_before_stops_at_newline() {
        assert_eq!(line_before(b"x\nImphash: ab", 11, 40), b"Imphash: ");
    }
}
