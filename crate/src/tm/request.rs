//! One API request and the URL it is sent to.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

use super::endpoint::Endpoint;

/// The API base used unless the settings name another.
pub const DEFAULT_BASE: &str = "https://api.threatminer.org/v2/";

/// Bytes left as they are in a query component: RFC 3986's unreserved set.
///
/// Everything else is escaped, `+` and `/` included, because ssdeep hashes
/// carry both and PHP would read a bare `+` as a space.
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `value` for use as one query-string value.
pub fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, QUERY_COMPONENT).to_string()
}

/// One request: an endpoint, a query value, a section number (`rt`) and,
/// for `report.php` only, the report's year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The value sent as `q`, exactly (e-mail addresses are already hashed).
    pub q: String,
    /// The section number.
    pub rt: u8,
    /// The `y` parameter (a report's year); `None` leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

impl Request {
    /// A request without a year.
    pub fn new(endpoint: Endpoint, q: impl Into<String>, rt: u8) -> Request {
        Request {
            endpoint,
            q: q.into(),
            rt,
            y: None,
        }
    }

    /// The full URL: `<base><endpoint>.php?q=<encoded q>&rt=<rt>[&y=<year>]`.
    ///
    /// `base` may lack its trailing slash; an empty base means
    /// [`DEFAULT_BASE`]. The base itself is used as given, not validated:
    /// it comes from the extension's own settings.
    pub fn url(&self, base: &str) -> String {
        let base = match base.trim() {
            "" => DEFAULT_BASE,
            b => b,
        };
        let slash = if base.ends_with('/') { "" } else { "/" };
        let mut url = format!(
            "{base}{slash}{}.php?q={}&rt={}",
            self.endpoint.name(),
            encode_component(&self.q),
            self.rt
        );
        if let Some(year) = &self.y {
            url.push_str("&y=");
            url.push_str(&encode_component(year));
        }
        url
    }

    /// The heading of the section this request asks for.
    pub fn title(&self) -> String {
        self.endpoint.title(self.rt)
    }
}

/// The `q` that `email.php` expects for an address: the SHA-1 hex of the
/// address, trimmed and lower-cased.
///
/// A value that already is 40 hex digits is taken to be that hash and is
/// returned lower-cased, so a hash found in a WHOIS record can be looked up
/// as it is.
pub fn email_query(address: &str) -> String {
    let address = address.trim().to_ascii_lowercase();
    if is_hex(&address, 40) {
        return address;
    }
    sha1_smol::Sha1::from(address.as_bytes())
        .digest()
        .to_string()
}

/// True when `s` is exactly `len` ASCII hex digits.
pub(crate) fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_adds_a_missing_slash_and_encodes_q() {
        let r = Request::new(Endpoint::Domain, "vwrm.com", 1);
        assert_eq!(
            r.url("https://example.test/v2"),
            "https://example.test/v2/domain.php?q=vwrm.com&rt=1"
        );
        assert_eq!(
            r.url(""),
            "https://api.threatminer.org/v2/domain.php?q=vwrm.com&rt=1"
        );
    }

    #[test]
    fn report_url_carries_the_year() {
        let mut r = Request::new(Endpoint::Report, "a&b.pdf", 2);
        r.y = Some("2013".into());
        assert_eq!(
            r.url(DEFAULT_BASE),
            "https://api.threatminer.org/v2/report.php?q=a%26b.pdf&rt=2&y=2013"
        );
    }

    #[test]
    fn email_query_hashes_the_normalised_address() {
        // The SHA-1 of "abc" is the FIPS 180 test vector.
        assert_eq!(
            email_query(" ABC "),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        let hash = "A9993E364706816ABA3E25717850C26C9CD0D89D";
        assert_eq!(
            email_query(hash),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
