//! Hex digests: MD5, SHA-1, SHA-256, SHA-384 and SHA-512, told apart by
//! length alone.
//!
//! A hex identifier of a digest's length is not always a digest. These
//! are told apart and left out:
//! - a label of a longer host name (`<hex>.tunnel.example.com`);
//! - a value labelled as a certificate's serial number or as an ID
//!   (`Serial number:`, `DECRYPTION ID:`, `Victim ID`);
//! - a query parameter named for a click, a token, a session or a time
//!   (`&eng_click=<hex>`, `?_ts=<hex>`);
//! - a folder of a Windows path (`C:\ProgramData\<hex>\x.ocx`).
//!
//! Other identifiers (a hex path segment of a URL, which analysis
//! services' links also use for real digests) are still reported.
//!
//! A label (`Imphash:`, `Serial number:`) is read on the value's own line,
//! or on the line just above when the value starts its line. A label
//! further up, past a blank line or at the head of a table's column, is
//! not read.

use super::domain::{last_label, valid_domain};
use super::scan::{
    before, contains_ci, ends_with_ci, is_host, is_word, line_before, Cx, Found,
    Scanner,
};
use super::{filename, Kind};

/// Finds hex digests.
pub(crate) struct Hashes;

impl Scanner for Hashes {
    fn needs(&self) -> &'static [u8] {
        b""
    }

    fn scan(&self, cx: &mut Cx<'_>) {
        let b = cx.b;
        // Only runs of at least 32 hex digits matter. Any such run that
        // starts at or after `i` holds byte `i + 31`, so when that byte is
        // not hex the search can jump past it: in prose most bytes are
        // never looked at.
        let mut i = 0;
        while i + SHORTEST <= b.len() {
            let probe = i + SHORTEST - 1;
            if !is_hex(b[probe]) {
                i = probe + 1;
                continue;
            }
            // The run cannot start before i: `b[i - 1]` is either not hex
            // or the end of a run already read.
            let start = run_start(b, i, probe);
            let end = run_end(b, probe + 1);
            if let Some(f) = digest(cx, start, end) {
                cx.push(f);
            }
            i = end;
        }
    }
}

/// Whether `c` is a hex digit, without branches.
fn is_hex(c: u8) -> bool {
    (c.wrapping_sub(b'0') < 10) | ((c | 0x20).wrapping_sub(b'a') < 6)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each of the eight bytes in `word` that is not a hex
/// digit, all in a few arithmetic steps instead of a branch per byte: a
/// digest is read forwards and backwards eight bytes at a time.
fn not_hex(word: u64) -> u64 {
    // Bytes below 0x80 only: adding 0x80 - n sets a byte's high bit
    // exactly when it is at least n, and no sum carries into the next.
    let ascii = !word & HIGH;
    let x = word & !HIGH;
    let at_least = |v: u64, n: u8| v.wrapping_add(ONES * u64::from(0x80 - n)) & HIGH;
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    let folded = x | (ONES * 0x20);
    let letter = at_least(folded, b'a') & !at_least(folded, b'f' + 1);
    !(ascii & (digit | letter)) & HIGH
}

/// Where the run of hex digits that ends just before `end` starts, going
/// back no further than `floor`.
fn run_start(b: &[u8], floor: usize, mut start: usize) -> usize {
    while let Some(&bytes) = b[floor..start].last_chunk::<8>() {
        let word = u64::from_le_bytes(bytes);
        // The last byte is the word's highest.
        let hex = (not_hex(word).leading_zeros() / 8) as usize;
        start -= hex;
        if hex < 8 {
            return start;
        }
    }
    while start > floor && is_hex(b[start - 1]) {
        start -= 1;
    }
    start
}

/// Where the run of hex digits that goes on at `end` stops.
fn run_end(b: &[u8], mut end: usize) -> usize {
    while let Some(&bytes) = b[end..].first_chunk::<8>() {
        let word = u64::from_le_bytes(bytes);
        let hex = (not_hex(word).trailing_zeros() / 8) as usize;
        end += hex;
        if hex < 8 {
            return end;
        }
    }
    while end < b.len() && is_hex(b[end]) {
        end += 1;
    }
    end
}

/// The length of the shortest digest, MD5.
const SHORTEST: usize = 32;

/// The kind a run of `len` hex digits would be.
fn kind_of(len: usize) -> Option<Kind> {
    Some(match len {
        32 => Kind::Md5,
        40 => Kind::Sha1,
        64 => Kind::Sha256,
        96 => Kind::Sha384,
        128 => Kind::Sha512,
        _ => return None,
    })
}

fn digest(cx: &Cx<'_>, start: usize, end: usize) -> Option<Found> {
    let b = cx.b;
    let kind = kind_of(end - start)?;
    // A digest is a whole hex run: a letter, digit or `_` on either side
    // makes it part of a longer token, so it cannot be a digest.
    if before(b, start).is_some_and(is_word) || b.get(end).is_some_and(|&c| is_word(c))
    {
        return None;
    }
    // Long runs of only digits or only letters are numbers or words.
    let run = &b[start..end];
    if run.iter().all(u8::is_ascii_digit) || run.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let context = label_context(b, start);
    let has = |w: &str| contains_ci(context, w.as_bytes());
    if host_label(cx.text, start, end)
        || labelled_identifier(context)
        || identifier_parameter(b, start)
        || (before(b, start) == Some(b'\\') && b.get(end) == Some(&b'\\'))
    {
        return None;
    }
    let mut found =
        Found::new(kind, start, end, cx.text[start..end].to_ascii_lowercase());
    match kind {
        // An import hash is an MD5 of a different input; a label says which.
        Kind::Md5 => {
            found.also = vec!["imphash"];
            if has("imphash") {
                found.label = Some("imphash");
            }
        }
        // Certificates and mail are often identified by their SHA-1.
        Kind::Sha1 => {
            found.also = vec!["certificate_sha1", "email_sha1"];
            if has("thumbprint") || has("certificate") || has("cert ") {
                found.label = Some("certificate_sha1");
            } else if has("email") || has("e-mail") {
                found.also = vec!["email_sha1", "certificate_sha1"];
                found.label = Some("email_sha1");
            }
        }
        _ => {}
    }
    Some(found)
}

/// The text that may label the digest at `start`: up to 48 bytes of its
/// own line before it, or, when the digest starts its line, the line just
/// above if that is a label: short and ending in a colon (`Imphash:`), or
/// a few words alone, as a table copied out of a page gives them
/// (`Imphash`, then the value on the next line).
fn label_context(b: &[u8], start: usize) -> &[u8] {
    let own = line_before(b, start, 48);
    let bare = |c: &u8| c.is_ascii_whitespace() || b"-*|>`".contains(c);
    let line_start = start - own.len();
    if !own.iter().all(bare) || line_start == 0 {
        return own;
    }
    let above = line_before(b, line_start - 1, 48);
    let whole = line_start - 1 - above.len();
    let label = above.trim_ascii_end();
    let words = label.len() <= 24
        && label
            .iter()
            .all(|c| c.is_ascii_alphabetic() || b" -".contains(c));
    if (whole == 0 || b[whole - 1] == b'\n') && (label.ends_with(b":") || words) {
        label
    } else {
        own
    }
}

/// Whether the text before a value labels it a serial number
/// (`Serial number: `, `serial=`), as a certificate's often is, or an ID
/// that a ransom note or a bot gives its victim (`Personal ID:`).
fn labelled_identifier(context: &[u8]) -> bool {
    let end = context
        .iter()
        .rposition(|c| !b" \t:=`|'\"".contains(c))
        .map_or(0, |p| p + 1);
    let label = &context[..end];
    [
        &b"serial"[..],
        b"serial number",
        b"serialnumber",
        b"serial no",
        b"decryption id",
        b"personal id",
        b"victim id",
        b"machine id",
        b"bot id",
        b"botid",
        b"hwid",
        b"campaign id",
        b"client id",
        b"user id",
        b"session id",
        b"device id",
        b"guid",
        b"uuid",
    ]
    .iter()
    .any(|w| {
        ends_with_ci(label, w)
            && !label
                .len()
                .checked_sub(w.len() + 1)
                .is_some_and(|i| label[i].is_ascii_alphanumeric())
    })
}

/// Whether the value at `start` is a query parameter's (`?name=` or
/// `&name=`, also percent-encoded inside another URL: `%26name=`) whose
/// name says it is a click, a token, a session, a nonce or a time, none of
/// which is a digest. Other names keep it: analysis services pass real
/// digests as `?q=`, `?hash=` or `?resource=`.
fn identifier_parameter(b: &[u8], start: usize) -> bool {
    if before(b, start) != Some(b'=') {
        return false;
    }
    let eq = start - 1;
    let mut from = eq;
    while from > 0
        && (b[from - 1].is_ascii_alphanumeric() || b"_-.%".contains(&b[from - 1]))
    {
        from -= 1;
    }
    let encoded = |at: usize| {
        [&b"%26"[..], b"%3f", b"%3b"]
            .iter()
            .any(|sep| b.len() >= at + 3 && b[at..at + 3].eq_ignore_ascii_case(sep))
    };
    // The last separator before the name, plain or encoded.
    let name_start = (from..eq.saturating_sub(2))
        .rev()
        .find(|&at| encoded(at))
        .map(|at| at + 3);
    let from = match name_start {
        Some(at) => at,
        None if from > 0 && b"?&;".contains(&b[from - 1]) => from,
        None => return false,
    };
    let name = String::from_utf8_lossy(&b[from..eq])
        .to_ascii_lowercase()
        .replace("%5f", "_");
    let name = name.as_bytes();
    let name = name.strip_prefix(b"_").unwrap_or(name);
    const PARTS: [&[u8]; 4] = [b"click", b"token", b"session", b"nonce"];
    const NAMES: [&[u8]; 11] = [
        b"ts", b"sid", b"cid", b"uid", b"guid", b"uuid", b"gclid", b"fbclid",
        b"msclkid", b"cb", b"state",
    ];
    PARTS.iter().any(|w| contains_ci(name, w))
        || NAMES.contains(&name)
        || name.starts_with(b"utm_")
}

/// Whether the hex run `start..end` is one label of a longer host name:
/// DNS tunnels and generated subdomains put hex labels before a real
/// domain. A file named by its digest (`<md5>.exe`, `<md5>.zip`) keeps
/// the digest.
fn host_label(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    if before(b, start) == Some(b'.') && start >= 2 && is_host(b[start - 2]) {
        return true;
    }
    if b.get(end) != Some(&b'.') {
        return false;
    }
    let mut stop = end + 1;
    while stop < b.len() && is_host(b[stop]) {
        stop += 1;
    }
    let name = text[start..stop].trim_end_matches(['.', '-']);
    name.len() > end - start + 1
        && valid_domain(name)
        && !filename::is_extension(last_label(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(text: &str) -> Vec<(Kind, String, Option<&'static str>)> {
        crate::Finder::new()
            .find(text)
            .indicators
            .into_iter()
            .map(|m| (m.kind, m.value, m.label))
            .collect()
    }

    #[test]
    fn lengths_and_case() {
        let md5 = "4AEEBD4AA1CEDD190731299C3810A5DB";
        assert_eq!(hashes(md5), [(Kind::Md5, md5.to_ascii_lowercase(), None)]);
        let sha1 = "5ba90955e311777b29eaa752e3ede9c602cd4f43";
        assert_eq!(hashes(sha1)[0].0, Kind::Sha1);
        assert!(hashes(&format!("{md5}a")).is_empty());
        assert!(hashes(&format!("x{md5}")).is_empty());
        assert!(hashes(&"1".repeat(32)).is_empty());
    }

    #[test]
    fn host_labels_and_serials_are_not_digests() {
        let md5 = "ead7b06da12ff1ad3601bc0e58d8378b";
        for text in [
            format!("DNS query for {md5}.tunnel.example.com"),
            format!("x.{md5}.example.com"),
            format!("Serial number: {md5}"),
            format!("serial={md5}"),
            format!(
                ">>>> Your personal DECRYPTION ID: {}",
                md5.to_ascii_uppercase()
            ),
            format!("Victim ID {md5}"),
            format!("https://ads.example.com/c?lptoken=17e2&eng_click={md5}&x=1"),
            format!("https://x.example.org/billing?_ts={md5}"),
            format!("https://x.example.org/a?utm_content={md5}"),
            format!(
                "hxxps[:]//go-thru-3[.]org/Mh?currency=USD%26eng%5Fclick={md5}\
                 %26eng%5fcreative=1"
            ),
            format!(
                r"C:\ProgramData\{}\yKQeKcEeweN.ocx",
                md5.to_ascii_uppercase()
            ),
        ] {
            assert!(hashes(&text).iter().all(|h| h.0 != Kind::Md5), "{text}");
        }
        for text in [
            format!("{md5}.exe"),
            format!("{md5}.zip"),
            format!("{md5}."),
            format!("WinRAR.Incl.Serial.zip | {md5}"),
            format!("https://www.threatminer.org/sample.aspx?q={md5}"),
            format!("https://example.com/lookup?hash={md5}&session=1"),
            format!(
                "https://a.example/r?u=https%3A%2F%2Fb.example%2Fs%3Fq%3D1%26md5={md5}"
            ),
            format!("https://cdn.example.com/player/ext/20210119/{md5}.exe"),
            format!("hxxps[:]//panel[.]com/d8/00/23/{md5}.js"),
            format!(r"C:\Users\Public\{md5}.exe"),
            format!("Sample ID: {md5}"),
            format!("hybrid ID: {md5}"),
        ] {
            assert!(hashes(&text).iter().any(|h| h.0 == Kind::Md5), "{text}");
        }
    }

    #[test]
    fn hex_runs_by_the_word_agree_with_each_byte() {
        let mut bytes: Vec<u8> = (0..=255).collect();
        bytes.extend(b"0123456789abcdefABCDEF/:@`Gg\x7f\xc3\xa9");
        for window in bytes.windows(8) {
            let word = u64::from_le_bytes(window.try_into().unwrap());
            for (k, &c) in window.iter().enumerate() {
                let flagged = not_hex(word) >> (8 * k + 7) & 1 == 1;
                assert_eq!(flagged, !c.is_ascii_hexdigit(), "{c:#x}");
            }
        }
        let text = b"zz0123456789abcdefABCDEF0123456789abcdef!";
        assert_eq!(run_start(text, 0, 30), 2);
        assert_eq!(run_start(text, 5, 30), 5);
        assert_eq!(run_end(text, 2), text.len() - 1);
    }

    #[test]
    fn labels() {
        let text = "Imphash: f34d5f2d4577ed6d9ceec516c1f5a744";
        assert_eq!(hashes(text)[0].2, Some("imphash"));
        let md5 = "f34d5f2d4577ed6d9ceec516c1f5a744";
        let sha1 = "5ba90955e311777b29eaa752e3ede9c602cd4f43";
        // A label on the line above, when the value starts its line.
        assert_eq!(hashes(&format!("Imphash:\n{md5}"))[0].2, Some("imphash"));
        let text = format!("Signer\nCertificate thumbprint:\r\n  {sha1}");
        assert_eq!(hashes(&text)[0].2, Some("certificate_sha1"));
        assert_eq!(hashes(&format!("Imphash:\n- {md5}"))[0].2, Some("imphash"));
        assert_eq!(hashes(&format!("Imphash\n{md5}"))[0].2, Some("imphash"));
        // Not when the line above is prose, another value, or the value
        // shares its line with other text.
        for text in [
            format!("The imphash is listed below\n{md5}"),
            format!("Imphash (PE import table)\n{md5}"),
            format!("Imphash:\n{sha1}\n{md5}"),
            format!("Imphash:\nsample {md5}"),
            format!("A long line that says imphash and ends in a colon:\n{md5}"),
        ] {
            assert!(hashes(&text).iter().all(|h| h.2.is_none()), "{text}");
        }
        // A serial number labelled above is still not a digest.
        assert!(hashes(&format!("Serial number:\n{md5}")).is_empty());
        let text = "Thumbprint 5ba90955e311777b29eaa752e3ede9c602cd4f43";
        assert_eq!(hashes(text)[0].2, Some("certificate_sha1"));
    }
}
