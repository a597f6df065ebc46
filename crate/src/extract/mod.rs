//! The indicator finder.

use serde::Serialize;

/// The kind of an indicator. The names are those of the extraction cases and
/// of `tmlookup extract --json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// A domain or host name.
    Domain,
    /// A URL, with or without its scheme.
    Url,
    /// The path of a URL or an HTTP request line.
    UrlPath,
    /// An e-mail address.
    Email,
    /// 32 hex digits.
    Md5,
    /// 40 hex digits.
    Sha1,
    /// 64 hex digits.
    Sha256,
    /// 96 hex digits.
    Sha384,
    /// 128 hex digits.
    Sha512,
    /// An ssdeep fuzzy hash.
    Ssdeep,
    /// A file name or path.
    Filename,
    /// A mutex name.
    Mutex,
    /// A Windows registry key.
    RegistryKey,
    /// An HTTP user-agent string.
    UserAgent,
    /// A CVE identifier.
    Cve,
}

/// One indicator found in the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Match {
    /// What the indicator is.
    pub kind: Kind,
    /// The normalised value: refanged, with the case rules of its kind.
    pub value: String,
    /// Byte offset of the first byte of the raw text.
    pub start: usize,
    /// Byte offset one past the last byte of the raw text.
    pub end: usize,
}

/// Everything found in one text.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Extraction {
    /// The matches, in order of their start.
    pub indicators: Vec<Match>,
}

/// Finds indicators in text. Build it once and reuse it.
#[derive(Debug, Default)]
pub struct Finder {}

impl Finder {
    /// Builds a finder with every kind enabled.
    pub fn new() -> Finder {
        Finder {}
    }

    /// Finds every indicator in `text`.
    pub fn find(&self, _text: &str) -> Extraction {
        Extraction::default()
    }
}
