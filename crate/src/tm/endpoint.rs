//! ThreatMiner's endpoints and the sections (`rt` values) each one answers.

use serde::{Deserialize, Serialize};

use super::request::encode_component;

/// Where "open in ThreatMiner" links point: the web pages, not the API.
pub const WEB_BASE: &str = "https://www.threatminer.org/";

/// A ThreatMiner API endpoint.
///
/// Serialized as its file name without `.php` (`"domain"`, `"report"`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `domain.php`: a domain or host name.
    Domain,
    /// `host.php`: an IP address.
    Host,
    /// `sample.php`: the MD5, SHA-1 or SHA-256 of a file.
    Sample,
    /// `imphash.php`: an import hash.
    Imphash,
    /// `ssdeep.php`: an ssdeep fuzzy hash.
    Ssdeep,
    /// `ssl.php`: the SHA-1 of a certificate.
    Ssl,
    /// `email.php`: the SHA-1 of an e-mail address.
    Email,
    /// `av.php`: an antivirus detection name.
    Av,
    /// `report.php`: an APT report's file name, with its year.
    Report,
    /// `reports.php`: free-text search of the reports, or a year.
    Reports,
}

/// One kind of answer: what an endpoint sends back for one `rt` value.
///
/// Several endpoints share a section (every "report tagging" looks alike), so
/// the decoder and the view work on sections, not on endpoint and `rt` pairs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// WHOIS record of a domain.
    DomainWhois,
    /// Network registration of an IP address.
    HostWhois,
    /// Passive DNS: IPs of a domain, or domains of an IP.
    PassiveDns,
    /// URIs seen on a domain or IP.
    Uris,
    /// Hashes of samples related to the queried value.
    Samples,
    /// Domain names: subdomains, reverse-WHOIS domains, report domains.
    Domains,
    /// IP addresses: hosts that served a certificate, report hosts.
    Hosts,
    /// SHA-1s of the certificates an IP served.
    Certificates,
    /// E-mail addresses named in a report.
    Emails,
    /// Reports that mention the value, or that a search found.
    Reports,
    /// File metadata of a sample.
    Metadata,
    /// HTTP requests a sample made.
    HttpTraffic,
    /// Domains and IPs a sample contacted.
    SampleHosts,
    /// Mutexes a sample created.
    Mutexes,
    /// Registry keys a sample touched.
    RegistryKeys,
    /// What antivirus engines call a sample.
    AvDetections,
}

impl Endpoint {
    /// Every endpoint, in the order the API documentation lists them.
    pub const ALL: [Endpoint; 10] = [
        Endpoint::Domain,
        Endpoint::Host,
        Endpoint::Sample,
        Endpoint::Imphash,
        Endpoint::Ssdeep,
        Endpoint::Ssl,
        Endpoint::Email,
        Endpoint::Av,
        Endpoint::Report,
        Endpoint::Reports,
    ];

    /// The endpoint's name as used in URLs and JSON, without `.php`.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Domain => "domain",
            Endpoint::Host => "host",
            Endpoint::Sample => "sample",
            Endpoint::Imphash => "imphash",
            Endpoint::Ssdeep => "ssdeep",
            Endpoint::Ssl => "ssl",
            Endpoint::Email => "email",
            Endpoint::Av => "av",
            Endpoint::Report => "report",
            Endpoint::Reports => "reports",
        }
    }

    /// Parses a name as returned by [`Endpoint::name`].
    pub fn from_name(name: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.name() == name)
    }

    /// What the endpoint takes as `q`, in words for a menu ("an import hash").
    pub fn describe(self) -> &'static str {
        match self {
            Endpoint::Domain => "a domain",
            Endpoint::Host => "an IP address",
            Endpoint::Sample => "a file hash",
            Endpoint::Imphash => "an import hash",
            Endpoint::Ssdeep => "an ssdeep hash",
            Endpoint::Ssl => "an SSL certificate",
            Endpoint::Email => "an e-mail address",
            Endpoint::Av => "an antivirus detection name",
            Endpoint::Report => "a report",
            Endpoint::Reports => "report text",
        }
    }

    /// The sections the endpoint answers, where `rt` is the index plus one.
    ///
    /// `email.php` rt=2 and `reports.php` rt=2 are listed though no answer of
    /// theirs has been seen; their shapes are assumed from their siblings.
    pub fn sections(self) -> &'static [Section] {
        use Section::*;
        match self {
            Endpoint::Domain => {
                &[DomainWhois, PassiveDns, Uris, Samples, Domains, Reports]
            }
            Endpoint::Host => {
                &[HostWhois, PassiveDns, Uris, Samples, Certificates, Reports]
            }
            Endpoint::Sample => &[
                Metadata,
                HttpTraffic,
                SampleHosts,
                Mutexes,
                RegistryKeys,
                AvDetections,
                Reports,
            ],
            Endpoint::Imphash | Endpoint::Ssdeep | Endpoint::Av => &[Samples, Reports],
            Endpoint::Ssl => &[Hosts, Reports],
            Endpoint::Email => &[Domains, Reports],
            Endpoint::Report => &[Domains, Hosts, Emails, Samples],
            Endpoint::Reports => &[Reports, Reports],
        }
    }

    /// The section answered for `rt`, or `None` when the endpoint has none.
    pub fn section(self, rt: u8) -> Option<Section> {
        let index = usize::from(rt).checked_sub(1)?;
        self.sections().get(index).copied()
    }

    /// The heading people see for a section of this endpoint ("Passive DNS").
    ///
    /// Falls back to "Section N" for an `rt` the endpoint does not have, so
    /// that a caller never has to handle a missing title.
    pub fn title(self, rt: u8) -> String {
        let title = match (self, rt) {
            (Endpoint::Email, 1) => "Domains (reverse WHOIS)",
            (Endpoint::Imphash | Endpoint::Ssdeep | Endpoint::Av, 1) => "Samples",
            (Endpoint::Report, 1) => "Domains",
            (Endpoint::Report, 4) => "Samples",
            (Endpoint::Ssl, 1) => "Hosts serving the certificate",
            (Endpoint::Reports, 1) => "Report search",
            (Endpoint::Reports, 2) => "Reports of the year",
            _ => match self.section(rt) {
                Some(section) => section.title(),
                None => return format!("Section {rt}"),
            },
        };
        title.to_string()
    }

    /// The ThreatMiner web page for `q` ("open in ThreatMiner").
    ///
    /// The domain, host and sample pages are confirmed; the others follow the
    /// legacy API's URL form and are inferred. `report.php` needs a year, so
    /// it has its own builder, [`report_web_url`]; for it and for `reports`
    /// this returns the site's search page.
    pub fn web_url(self, q: &str) -> String {
        match self {
            Endpoint::Report | Endpoint::Reports => search_web_url(q),
            _ => format!("{WEB_BASE}{}.php?q={}", self.name(), encode_component(q)),
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Section {
    /// The heading people see for the section.
    pub fn title(self) -> &'static str {
        match self {
            Section::DomainWhois | Section::HostWhois => "WHOIS",
            Section::PassiveDns => "Passive DNS",
            Section::Uris => "URIs",
            Section::Samples => "Related samples",
            Section::Domains => "Subdomains",
            Section::Hosts => "Hosts",
            Section::Certificates => "SSL certificates",
            Section::Emails => "E-mail addresses",
            Section::Reports => "Report tagging",
            Section::Metadata => "Metadata",
            Section::HttpTraffic => "HTTP traffic",
            Section::SampleHosts => "Hosts",
            Section::Mutexes => "Mutexes",
            Section::RegistryKeys => "Registry keys",
            Section::AvDetections => "AV detections",
        }
    }
}

/// The ThreatMiner web page of a report, found by file name and year.
pub fn report_web_url(filename: &str, year: &str) -> String {
    format!(
        "{WEB_BASE}report.php?q={}&y={}",
        encode_component(filename),
        encode_component(year)
    )
}

/// The ThreatMiner web search for free text.
///
/// The site's search page address is inferred, not confirmed by any saved
/// answer; it only ever opens a page on threatminer.org.
pub fn search_web_url(text: &str) -> String {
    format!("{WEB_BASE}search.php?q={}", encode_component(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_round_trips_its_name() {
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::from_name(e.name()), Some(e));
        }
        assert_eq!(Endpoint::from_name("nope"), None);
    }

    #[test]
    fn section_counts_match_the_api_table() {
        let counts: Vec<usize> =
            Endpoint::ALL.iter().map(|e| e.sections().len()).collect();
        assert_eq!(counts, [6, 6, 7, 2, 2, 2, 2, 2, 4, 2]);
        assert_eq!(Endpoint::Domain.section(0), None);
        assert_eq!(Endpoint::Domain.section(7), None);
    }

    #[test]
    fn titles_read_like_headings() {
        assert_eq!(Endpoint::Domain.title(1), "WHOIS");
        assert_eq!(Endpoint::Domain.title(5), "Subdomains");
        assert_eq!(Endpoint::Host.title(5), "SSL certificates");
        assert_eq!(Endpoint::Sample.title(4), "Mutexes");
        assert_eq!(Endpoint::Sample.title(7), "Report tagging");
        assert_eq!(Endpoint::Host.title(9), "Section 9");
    }

    #[test]
    fn web_urls_encode_the_value() {
        assert_eq!(
            Endpoint::Ssdeep.web_url("3:a+b/c"),
            "https://www.threatminer.org/ssdeep.php?q=3%3Aa%2Bb%2Fc"
        );
        assert_eq!(
            report_web_url("a b.pdf", "2013"),
            "https://www.threatminer.org/report.php?q=a%20b.pdf&y=2013"
        );
    }
}
