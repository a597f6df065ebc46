//! Feeds arbitrary bytes to the finder, as the CLI does: every valid UTF-8
//! stretch separately. The finder must not panic, and every match must
//! point at a real, ordered, in-range slice of its text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tmlookup::Finder;

fuzz_target!(|data: &[u8]| {
    let finder = Finder::new();
    for chunk in data.utf8_chunks() {
        let text = chunk.valid();
        let found = finder.find(text);
        let mut last_start = 0;
        for (i, m) in found.indicators.iter().enumerate() {
            assert!(m.start <= m.end && m.end <= text.len(), "range out of text");
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            assert_eq!(m.raw, text[m.start..m.end], "raw is the text of the range");
            assert!(m.start >= last_start, "matches sorted by start");
            last_start = m.start;
            if let Some(p) = m.derived_from {
                assert!(p < found.indicators.len() && p != i, "parent index valid");
            }
            assert!(!m.value.is_empty(), "empty value");
        }
    }
});
