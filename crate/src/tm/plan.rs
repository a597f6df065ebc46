//! Which requests to send for an indicator, and which other readings of it
//! to offer.

use std::net::IpAddr;

use serde::Serialize;

use super::endpoint::{report_web_url, search_web_url, Endpoint};
use super::request::{email_query, is_hex, Request, DEFAULT_BASE};
use crate::extract::Kind;

/// What to ask ThreatMiner about one indicator.
///
/// Serialized for the extension as
/// `{lookup_value, note, requests: [..], alternatives: [..], web_url}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The value looked up, as people should see it (a URL's host, an
    /// e-mail address rather than its hash).
    pub lookup_value: String,
    /// One sentence that explains the plan when it is not the obvious one,
    /// e.g. "Looked up through its host vwrm.com."
    pub note: Option<String>,
    /// The requests to send, in the order their sections should appear.
    pub requests: Vec<PlannedRequest>,
    /// Other ways to read the same value, offered as "look up as ..."; each
    /// one is [`plan_as`] with its endpoint and [`Plan::lookup_value`].
    pub alternatives: Vec<Alternative>,
    /// The value's page on ThreatMiner's web site.
    pub web_url: String,
}

/// One request of a [`Plan`], with its heading and its URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedRequest {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The section number.
    pub rt: u8,
    /// The value sent as `q`.
    pub q: String,
    /// The `y` parameter, for `report.php` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// The section's heading ("Passive DNS").
    pub title: String,
    /// The URL to fetch, built on [`DEFAULT_BASE`] until [`Plan::set_base`].
    pub url: String,
}

/// Another reading of the looked-up value ("Look up as an import hash").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alternative {
    /// The words on the button or menu entry.
    pub label: String,
    /// The endpoint to pass to [`plan_as`].
    pub endpoint: Endpoint,
}

impl PlannedRequest {
    fn new(request: Request) -> PlannedRequest {
        PlannedRequest {
            title: request.title(),
            url: request.url(DEFAULT_BASE),
            endpoint: request.endpoint,
            rt: request.rt,
            q: request.q,
            y: request.y,
        }
    }

    /// The bare request, for [`crate::tm::decode`] and for caching.
    pub fn request(&self) -> Request {
        Request {
            endpoint: self.endpoint,
            q: self.q.clone(),
            rt: self.rt,
            y: self.y.clone(),
        }
    }
}

impl Plan {
    /// Rebuilds every request URL on another API base (from the settings).
    pub fn set_base(&mut self, base: &str) {
        for r in &mut self.requests {
            r.url = r.request().url(base);
        }
    }
}

/// The plan for an indicator of `kind` found with `value`.
///
/// Never fails: kinds that ThreatMiner cannot look up (file names, mutexes,
/// registry keys, URL paths, user-agents, CVEs, SHA-384) get a full-text
/// search of its reports and a note that says so.
pub fn plan(kind: Kind, value: &str) -> Plan {
    let value = value.trim();
    match kind {
        Kind::Domain => plan_as(Endpoint::Domain, value),
        Kind::Ipv4 => plan_as(Endpoint::Host, value),
        Kind::Ipv6 => {
            let mut p = plan_as(Endpoint::Host, value);
            p.note = Some(
                "ThreatMiner accepts IPv6 addresses but has only ever answered \
                 \"no results\" for them."
                    .into(),
            );
            p
        }
        Kind::Url => plan_url(value),
        Kind::Md5 | Kind::Sha1 | Kind::Sha256 => plan_as(Endpoint::Sample, value),
        Kind::Sha512 => {
            let mut p = plan_as(Endpoint::Sample, value);
            p.note = Some(
                "Whether ThreatMiner looks samples up by SHA-512 is unconfirmed; \
                 no results may only mean that it does not."
                    .into(),
            );
            p
        }
        Kind::Email => plan_as(Endpoint::Email, value),
        Kind::Ssdeep => plan_as(Endpoint::Ssdeep, value),
        Kind::Filename
        | Kind::Mutex
        | Kind::RegistryKey
        | Kind::UrlPath
        | Kind::UserAgent
        | Kind::Cve
        | Kind::Sha384 => text_search(value, Some(kind)),
    }
}

/// The plan for reading `value` as what `endpoint` takes ("look up as ...").
///
/// Every section of the endpoint is asked for, except for `email.php`, whose
/// second section is unconfirmed, and `reports.php`, where only the
/// full-text search makes sense for a value. For `report.php` use
/// [`plan_report`], which also takes the year.
pub fn plan_as(endpoint: Endpoint, value: &str) -> Plan {
    let value = normalise(endpoint, value);
    match endpoint {
        Endpoint::Report => return plan_report(&value, ""),
        Endpoint::Reports => return text_search(&value, None),
        _ => {}
    }
    let q = match endpoint {
        Endpoint::Email => email_query(&value),
        _ => value.clone(),
    };
    let rts = match endpoint {
        Endpoint::Email => 1,
        _ => endpoint.sections().len(),
    };
    let requests = (1..=rts)
        .filter_map(|rt| u8::try_from(rt).ok())
        .map(|rt| PlannedRequest::new(Request::new(endpoint, q.clone(), rt)))
        .collect();
    let note = (endpoint == Endpoint::Email && q != value)
        .then(|| format!("ThreatMiner finds e-mail addresses by their SHA-1, {q}."));
    Plan {
        web_url: endpoint.web_url(&q),
        alternatives: alternatives(endpoint, &value),
        lookup_value: value,
        note,
        requests,
    }
}

/// The plan for an APT report: its domains, hosts, e-mails and samples.
///
/// `year` may be empty when it is not known; ThreatMiner then has to find
/// the report by file name alone, which is unconfirmed to work.
pub fn plan_report(filename: &str, year: &str) -> Plan {
    let filename = filename.trim();
    let year = year.trim();
    let requests = (1..=4)
        .map(|rt| {
            let mut r = Request::new(Endpoint::Report, filename, rt);
            r.y = (!year.is_empty()).then(|| year.to_string());
            PlannedRequest::new(r)
        })
        .collect();
    let note = year.is_empty().then(|| {
        "The report's year is not known, so ThreatMiner may not find it.".into()
    });
    Plan {
        lookup_value: filename.to_string(),
        note,
        requests,
        alternatives: Vec::new(),
        web_url: report_web_url(filename, year),
    }
}

/// A URL is looked up through its host, a domain or an IP address.
fn plan_url(url: &str) -> Plan {
    let Some(host) = url_host(url) else {
        return text_search(url, Some(Kind::Url));
    };
    let endpoint = match host.parse::<IpAddr>() {
        Ok(_) => Endpoint::Host,
        Err(_) => Endpoint::Domain,
    };
    let mut p = plan_as(endpoint, &host);
    p.note = Some(format!("Looked up through its host {host}."));
    p
}

/// The host of a URL, with or without a scheme, lower-cased.
///
/// Only as careful as an extracted, refanged URL needs: it does not resolve
/// percent-escapes or IDNA.
fn url_host(url: &str) -> Option<String> {
    let url = url.trim().replace("[.]", ".");
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url.strip_prefix("//").unwrap_or(&url),
    };
    let authority = rest.split(['/', '?', '#', '\\']).next()?;
    let host_port = authority.rsplit('@').next()?;
    // An IPv6 host sits in brackets because of the colons in it.
    let host = match host_port.strip_prefix('[') {
        Some(inner) => inner.split(']').next()?,
        None => host_port.split(':').next()?,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// The full-text search of reports, for values with no query endpoint.
fn text_search(value: &str, kind: Option<Kind>) -> Plan {
    let note = match kind.and_then(kind_words) {
        Some(words) => format!(
            "ThreatMiner cannot look up {words}; this searches the text of \
             its reports instead."
        ),
        None => "This searches the text of ThreatMiner's reports.".to_string(),
    };
    let request = Request::new(Endpoint::Reports, value, 1);
    Plan {
        lookup_value: value.to_string(),
        note: Some(note),
        requests: vec![PlannedRequest::new(request)],
        alternatives: vec![alternative(Endpoint::Av)],
        web_url: search_web_url(value),
    }
}

/// Plural words for the kinds that have no query endpoint.
fn kind_words(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Filename => "file names",
        Kind::Mutex => "mutexes",
        Kind::RegistryKey => "registry keys",
        Kind::UrlPath => "URL paths",
        Kind::UserAgent => "user-agents",
        Kind::Cve => "CVE identifiers",
        Kind::Sha384 => "SHA-384 hashes",
        Kind::Url => "a URL without a host",
        _ => return None,
    })
}

/// Cleans a value the way the endpoint expects it.
fn normalise(endpoint: Endpoint, value: &str) -> String {
    let value = value.trim();
    match endpoint {
        Endpoint::Domain => value.trim_end_matches('.').to_ascii_lowercase(),
        Endpoint::Host => value
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase(),
        Endpoint::Sample | Endpoint::Imphash | Endpoint::Ssl | Endpoint::Email => {
            value.to_ascii_lowercase()
        }
        Endpoint::Ssdeep | Endpoint::Av | Endpoint::Report | Endpoint::Reports => {
            value.to_string()
        }
    }
}

/// The other endpoints a value of this shape could be meant for.
///
/// 32 hex digits are a file MD5 or an import hash; 40 are a file SHA-1, a
/// certificate SHA-1 or an e-mail hash. ThreatMiner cannot tell them apart,
/// so the sample reading goes first and the rest are offered.
fn alternatives(current: Endpoint, value: &str) -> Vec<Alternative> {
    let readings: &[Endpoint] = if is_hex(value, 32) {
        &[Endpoint::Sample, Endpoint::Imphash]
    } else if is_hex(value, 40) {
        &[Endpoint::Sample, Endpoint::Ssl, Endpoint::Email]
    } else {
        &[]
    };
    if !readings.contains(&current) {
        return Vec::new();
    }
    readings
        .iter()
        .filter(|&&e| e != current)
        .map(|&e| alternative(e))
        .collect()
}

fn alternative(endpoint: Endpoint) -> Alternative {
    let label = match endpoint {
        Endpoint::Sample => "Look up as a file hash".to_string(),
        Endpoint::Ssl => "Look up as an SSL certificate's SHA-1".to_string(),
        Endpoint::Email => "Look up as an e-mail address hash".to_string(),
        e => format!("Look up as {}", e.describe()),
    };
    Alternative { label, endpoint }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints_and_rts(p: &Plan) -> Vec<(Endpoint, u8)> {
        p.requests.iter().map(|r| (r.endpoint, r.rt)).collect()
    }

    #[test]
    fn domain_asks_for_all_six_sections() {
        let p = plan(Kind::Domain, "VWRM.com.");
        assert_eq!(p.lookup_value, "vwrm.com");
        assert_eq!(p.requests.len(), 6);
        assert!(p.requests.iter().all(|r| r.endpoint == Endpoint::Domain));
        assert_eq!(p.requests[1].title, "Passive DNS");
        assert_eq!(
            p.requests[0].url,
            "https://api.threatminer.org/v2/domain.php?q=vwrm.com&rt=1"
        );
        assert_eq!(
            p.web_url,
            "https://www.threatminer.org/domain.php?q=vwrm.com"
        );
        assert!(p.note.is_none());
    }

    #[test]
    fn url_goes_through_its_host() {
        let p = plan(Kind::Url, "http://user@VWRM.com:8080/maps/x.zip?a=1");
        assert_eq!(p.lookup_value, "vwrm.com");
        assert_eq!(
            p.note.as_deref(),
            Some("Looked up through its host vwrm.com.")
        );
        let p = plan(Kind::Url, "https://[2001:db8::1]/x");
        assert_eq!(p.requests[0].endpoint, Endpoint::Host);
        assert_eq!(p.lookup_value, "2001:db8::1");
        let p = plan(Kind::Url, "10.1.2.3/admin");
        assert_eq!(endpoints_and_rts(&p)[5], (Endpoint::Host, 6));
    }

    #[test]
    fn hashes_offer_their_other_readings() {
        let md5 = "E6FF1BF0821F00384CDD25EFB9B1CC09";
        let p = plan(Kind::Md5, md5);
        assert_eq!(p.requests.len(), 7);
        let alt: Vec<Endpoint> = p.alternatives.iter().map(|a| a.endpoint).collect();
        assert_eq!(alt, [Endpoint::Imphash]);
        let p = plan_as(Endpoint::Imphash, md5);
        assert_eq!(
            endpoints_and_rts(&p),
            [(Endpoint::Imphash, 1), (Endpoint::Imphash, 2)]
        );
        assert_eq!(p.alternatives[0].endpoint, Endpoint::Sample);

        let sha1 = "16fd388151c0e73b074faa33698b9afc5c024b59";
        let alt: Vec<Endpoint> = plan(Kind::Sha1, sha1)
            .alternatives
            .iter()
            .map(|a| a.endpoint)
            .collect();
        assert_eq!(alt, [Endpoint::Ssl, Endpoint::Email]);
        assert!(plan(Kind::Sha256, &"a".repeat(64)).alternatives.is_empty());
    }

    #[test]
    fn email_is_hashed_and_asks_one_section() {
        let p = plan(Kind::Email, " Abc ");
        assert_eq!(p.lookup_value, "abc");
        assert_eq!(endpoints_and_rts(&p), [(Endpoint::Email, 1)]);
        assert_eq!(p.requests[0].q, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert!(p.note.is_some());
        let hash = plan_as(Endpoint::Email, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            hash.requests[0].q,
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn kinds_without_an_endpoint_search_reports() {
        for kind in [
            Kind::Filename,
            Kind::Mutex,
            Kind::RegistryKey,
            Kind::UrlPath,
            Kind::UserAgent,
            Kind::Cve,
            Kind::Sha384,
        ] {
            let p = plan(kind, "CVE-2017-0199");
            assert_eq!(endpoints_and_rts(&p), [(Endpoint::Reports, 1)], "{kind:?}");
            assert!(p
                .note
                .as_deref()
                .is_some_and(|n| n.contains("cannot look up")));
            assert!(p.web_url.starts_with("https://www.threatminer.org/"));
        }
    }

    #[test]
    fn sha512_and_ipv6_say_what_is_uncertain() {
        assert!(plan(Kind::Sha512, &"a".repeat(128)).note.is_some());
        let p = plan(Kind::Ipv6, "2001:DB8::1");
        assert_eq!(p.lookup_value, "2001:db8::1");
        assert!(p.note.as_deref().is_some_and(|n| n.contains("no results")));
    }

    #[test]
    fn report_plan_passes_the_year() {
        let p = plan_report("fireeye-operation-ke3chang.pdf", "2013");
        assert_eq!(p.requests.len(), 4);
        assert!(p.requests[3].url.ends_with("&rt=4&y=2013"));
        assert_eq!(
            p.web_url,
            "https://www.threatminer.org/report.php?q=fireeye-operation-ke3chang.pdf&y=2013"
        );
        assert!(plan_report("x.pdf", "").note.is_some());
    }

    #[test]
    fn set_base_rebuilds_urls() {
        let mut p = plan(Kind::Ssdeep, "3:a+b/c:d");
        p.set_base("http://localhost:9000/v2");
        assert_eq!(
            p.requests[0].url,
            "http://localhost:9000/v2/ssdeep.php?q=3%3Aa%2Bb%2Fc%3Ad&rt=1"
        );
    }

    #[test]
    fn plan_serialises_with_the_documented_keys() {
        let json = serde_json::to_value(plan(Kind::Md5, &"0".repeat(32)))
            .expect("plans serialise");
        let keys: Vec<&str> = json
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "alternatives",
                "lookup_value",
                "note",
                "requests",
                "web_url"
            ]
        );
        assert_eq!(json["requests"][0]["endpoint"], "sample");
        assert_eq!(json["alternatives"][0]["endpoint"], "imphash");
    }
}
