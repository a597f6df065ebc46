//! Hostile and oversized input: the finder must not panic, must stay
//! linear (these inputs would take minutes if any scanner were quadratic),
//! and must say when it stopped early.

use tmlookup::{Finder, Kind};

const MIB: usize = 1 << 20;

#[test]
fn size_limit_is_reported() {
    let text = "see 203.0.113.7 now. ".repeat(1000);
    let found = Finder::with_limit(95).find(&text);
    assert!(found.truncated);
    // The cut at 95 falls inside the fifth address; it moves back to the
    // space before it.
    assert_eq!(found.scanned_bytes, 88);
    assert_eq!(found.indicators.len(), 4);
    let whole = Finder::new().find(&text);
    assert!(!whole.truncated);
    assert_eq!(whole.scanned_bytes, text.len());
    assert_eq!(whole.indicators.len(), 1000);
}

/// A URL cut by the limit was reported as `https://evi`, a value that is
/// nowhere in the text.
#[test]
fn limit_never_reports_half_an_indicator() {
    let text = "Beacon to hxxps://evil[.]com/a ok.\n".repeat(10);
    for limit in 1..text.len() {
        let found = Finder::with_limit(limit).find(&text);
        for m in &found.indicators {
            assert!(
                ["https://evil.com/a", "evil.com", "/a"].contains(&m.value.as_str()),
                "limit {limit}: {m:?}"
            );
        }
    }
}

#[test]
fn limit_inside_a_character_cuts_before_it() {
    let found = Finder::with_limit(2).find("éé 1.2.3.4");
    assert!(found.truncated);
    assert_eq!(found.scanned_bytes, 2);
}

#[test]
fn floods_of_markers_do_not_hang() {
    for unit in [
        ".",
        "[.]",
        "a.",
        "a[.]",
        "@",
        "a@",
        "://",
        "http://",
        "http://-/",
        "http://a.b/",
        "hxxp[://]x[.]",
        "\\",
        ":",
        "a:",
        "/",
        "[",
        "0",
    ] {
        let text = unit.repeat(MIB / unit.len());
        let found = Finder::new().find(&text);
        assert!(found.indicators.len() <= text.len(), "{unit}");
    }
}

#[test]
fn a_megabyte_of_hex_is_no_hash() {
    let text = "0123456789abcdef".repeat(MIB / 16);
    assert!(Finder::new().find(&text).indicators.is_empty());
}

#[test]
fn binary_junk_does_not_panic() {
    // A cheap deterministic generator: bytes that mix markers, digits and
    // invalid UTF-8, split the way the CLI splits them.
    let mut x: u32 = 2463534242;
    let bytes: Vec<u8> = (0..4 * MIB)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            b"0a.:/@[]()\\ \n\xe2\x80\x8b\xff"[x as usize % 16]
        })
        .collect();
    for chunk in bytes.utf8_chunks() {
        for m in Finder::new().find(chunk.valid()).indicators {
            assert!(m.end <= chunk.valid().len());
        }
    }
}

#[test]
fn fifty_megabytes_of_report_text() {
    let para = "Beacons to 203.0.113[.]77 and hXXps://cdn-sync[.]com/a.php; \
                MD5 4aeebd4aa1cedd190731299c3810a5db. Nothing else here.\n";
    let text = para.repeat(50 * MIB / para.len());
    let found = Finder::new().find(&text);
    assert!(!found.truncated);
    let ips = found
        .indicators
        .iter()
        .filter(|m| m.kind == Kind::Ipv4)
        .count();
    assert_eq!(ips, 50 * MIB / para.len());
}

/// Bytes read as a file is: the limit cut the input itself, in the middle
/// of `evil-domain.com`, and `evil-domain.co` was reported.
#[test]
fn bytes_are_cut_where_text_is() {
    let mut input = b"x\xff ".repeat(30);
    input.extend_from_slice(b"c2 evil-domain.com end\n");
    let after = input.windows(4).position(|w| w == b" end").unwrap();
    for limit in 1..input.len() {
        let found = Finder::with_limit(limit).find_bytes(&input);
        assert!(found.truncated);
        assert!(
            found
                .indicators
                .iter()
                .all(|m| m.value == "evil-domain.com"),
            "limit {limit}: {:?}",
            found.indicators
        );
        // Whole once the space after it is inside the limit, and not before.
        assert_eq!(
            found.indicators.len(),
            usize::from(limit > after),
            "limit {limit}"
        );
    }
}
