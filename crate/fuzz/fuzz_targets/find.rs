//! Feeds arbitrary bytes to the finder, as the CLI does (`find_bytes`: every
//! valid UTF-8 stretch separately). The finder must not panic, and every
//! match must point at a real, ordered, in-range slice of the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tmlookup::Finder;

fuzz_target!(|data: &[u8]| {
    let found = Finder::new().find_bytes(data);
    let mut last_start = 0;
    for (i, m) in found.indicators.iter().enumerate() {
        assert!(m.start <= m.end && m.end <= data.len(), "range out of input");
        let raw = std::str::from_utf8(&data[m.start..m.end]).expect("range on char boundaries");
        assert_eq!(m.raw, raw, "raw is the text of the range");
        assert!(m.start >= last_start, "matches sorted by start");
        last_start = m.start;
        if let Some(p) = m.derived_from {
            assert!(p < found.indicators.len() && p != i, "parent index valid");
        }
        assert!(!m.value.is_empty(), "empty value");
    }
});
