//! ssdeep fuzzy hashes: `blocksize:chunk:chunk`.

use super::scan::{before, is_word, Cx, Found, Scanner};
use super::Kind;

/// Finds ssdeep hashes.
pub(crate) struct Ssdeeps;

impl Scanner for Ssdeeps {
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
            if let Some(end) = ssdeep_at(b, colon) {
                let digits = b[..colon]
                    .iter()
                    .rev()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                let start = colon - digits;
                done = end;
                cx.push(Found::new(
                    Kind::Ssdeep,
                    start,
                    end,
                    cx.text[start..end].to_owned(),
                ));
            }
        }
    }
}

fn is_chunk(c: &u8) -> bool {
    c.is_ascii_alphanumeric() || *c == b'/' || *c == b'+'
}

/// The end of an ssdeep hash whose first colon is at `colon`.
fn ssdeep_at(b: &[u8], colon: usize) -> Option<usize> {
    let digits = b[..colon]
        .iter()
        .rev()
        .take(11)
        .take_while(|c| c.is_ascii_digit())
        .count();
    let start = colon - digits;
    if digits == 0 || digits > 10 || before(b, start).is_some_and(is_word) {
        return None;
    }
    // ssdeep block sizes are 3 times a power of two; that alone rules out
    // clock times and most ratios.
    let size: u64 = std::str::from_utf8(&b[start..colon]).ok()?.parse().ok()?;
    if size < 3 || size % 3 != 0 || !(size / 3).is_power_of_two() {
        return None;
    }
    let one = b[colon + 1..]
        .iter()
        .take(65)
        .take_while(|c| is_chunk(c))
        .count();
    let second = colon + 1 + one;
    if !(3..=64).contains(&one) || b.get(second) != Some(&b':') {
        return None;
    }
    let two = b[second + 1..]
        .iter()
        .take(65)
        .take_while(|c| is_chunk(c))
        .count();
    let end = second + 1 + two;
    let chunk = &b[colon + 1..second];
    if !(1..=64).contains(&two)
        || b.get(end).is_some_and(|&c| is_word(c))
        || !chunk.iter().any(u8::is_ascii_alphabetic)
    {
        return None;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_rejects() {
        let h = "1536:Kw3Fq2Lm9Zx8yHk4o5Jd2Wc7Vb1:Kw3Fq2Lm9Zx8yHk4o";
        let text = format!("ssdeep {h} matched");
        assert_eq!(ssdeep_at(text.as_bytes(), 11), Some(7 + h.len()));
        for s in ["12:30:45", "1000:abcdef:ghi", "24:ab:cd", "x24:abcd:ef"] {
            let colon = s.find(':').unwrap_or(0);
            assert_eq!(ssdeep_at(s.as_bytes(), colon), None, "{s}");
        }
    }
}
