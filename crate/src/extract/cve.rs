//! CVE identifiers: `CVE-YYYY-NNNN` with four to seven digits at the end.

use super::scan::{before, find_either, is_word, Cx, Found, Scanner};
use super::Kind;

/// Finds CVE identifiers.
pub(crate) struct Cves;

impl Scanner for Cves {
    fn needs(&self) -> &'static [u8] {
        b"-"
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        let b = cx.b;
        for i in find_either(b, b"CVE-", b"cve-") {
            if let Some(end) = cve_at(b, i) {
                let value = cx.text[i..end].to_ascii_uppercase();
                cx.push(Found::new(Kind::Cve, i, end, value));
            }
        }
    }
}

fn cve_at(b: &[u8], i: usize) -> Option<usize> {
    let head = b.get(i..i + 4)?;
    if !head.eq_ignore_ascii_case(b"cve-") || before(b, i).is_some_and(is_word) {
        return None;
    }
    let digits = |from: usize| {
        b[from..]
            .iter()
            .take(8)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let year = i + 4;
    if digits(year) != 4 || b.get(year + 4) != Some(&b'-') {
        return None;
    }
    let n = digits(year + 5);
    let end = year + 5 + n;
    if !(4..=7).contains(&n) || b.get(end).is_some_and(|&c| is_word(c)) {
        return None;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(cve_at(b"CVE-2023-4966.", 0), Some(13));
        assert_eq!(cve_at(b"cve-2021-44228", 0), Some(14));
        for (s, i) in [
            ("CVE-23-4966", 0),
            ("CVE-2023-496", 0),
            ("CVE-2023-12345678", 0),
            ("XCVE-2023-4966", 1),
        ] {
            assert_eq!(cve_at(s.as_bytes(), i), None, "{s}");
        }
    }
}
