//! The indicator finder.
//!
//! [`Finder::find`] works in three steps. The text is cleaned once
//! (`refang`): defanged markers become plain characters and invisible
//! characters go, with a map back to the original offsets. Then each kind's
//! scanner (one private file per kind, behind the `Scanner` trait) looks for
//! its trigger bytes and checks only around them. Finally the matches are
//! mapped back to the original text, sorted and tied to the matches they
//! were derived from.
//!
//! Scanners that run earlier claim their spans (a URL, an e-mail address, a
//! registry key), so later ones do not read parts of them as something else:
//! the local part of `j.doe@example.com` is not a domain, nor is the user
//! name in `http://admin:pw@host/`.

mod cve;
mod domain;
mod email;
mod filename;
mod hash;
mod ipv4;
mod ipv6;
mod mutex;
mod refang;
mod registry;
mod scan;
mod ssdeep;
mod tld;
mod url;
mod url_path;
mod user_agent;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use scan::{Cx, Found, Scanner};

/// The kind of an indicator. The names are those of the extraction cases and
/// of `tmlookup extract --json`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
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

impl Kind {
    /// The kind's name as in the JSON output and the extraction cases.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Domain => "domain",
            Kind::Url => "url",
            Kind::UrlPath => "url_path",
            Kind::Email => "email",
            Kind::Md5 => "md5",
            Kind::Sha1 => "sha1",
            Kind::Sha256 => "sha256",
            Kind::Sha384 => "sha384",
            Kind::Sha512 => "sha512",
            Kind::Ssdeep => "ssdeep",
            Kind::Filename => "filename",
            Kind::Mutex => "mutex",
            Kind::RegistryKey => "registry_key",
            Kind::UserAgent => "user_agent",
            Kind::Cve => "cve",
        }
    }
}

/// One indicator found in the text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Match {
    /// What the indicator most likely is.
    pub kind: Kind,
    /// The normalised value: refanged, with the case rules of its kind
    /// (domains, hashes and e-mail domains lower case; in URLs only the
    /// scheme and host).
    pub value: String,
    /// The text the value was read from, exactly as written.
    pub raw: String,
    /// Byte offset of the first byte of the raw text.
    pub start: usize,
    /// Byte offset one past the last byte of the raw text.
    pub end: usize,
    /// Other kinds the same text could be, most likely first: `report.zip`
    /// is a filename that could also be a domain.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Kind>,
    /// Readings that have no [`Kind`] of their own, most likely first: a
    /// 32-digit hex value may be an `imphash`, a 40-digit one a
    /// `certificate_sha1` or `email_sha1`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<&'static str>,
    /// The reading the surrounding text names, when it names one of
    /// [`also`](Match::also): `imphash` for a value on a line labelled
    /// "Imphash". A label moves that reading to the front of `also`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'static str>,
    /// The index of the match this one was read out of: a URL's host or
    /// path, an e-mail address's domain, a URL nested in a URL's query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<usize>,
}

/// A value with how often it was found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Group {
    /// The kind of the value.
    pub kind: Kind,
    /// The normalised value.
    pub value: String,
    /// How many matches have this kind and value.
    pub count: usize,
    /// The alternatives of the first match with this value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Kind>,
}

/// A [`Group`] that borrows its value, serialized the same way.
#[derive(serde::Serialize)]
struct GroupView<'a> {
    kind: Kind,
    value: &'a str,
    count: usize,
    #[serde(skip_serializing_if = "<[Kind]>::is_empty")]
    alternatives: &'a [Kind],
}

/// Everything found in one text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extraction {
    /// The matches, in order of their start (longer first on a tie).
    pub indicators: Vec<Match>,
    /// Whether the text was longer than the finder's limit, so that only
    /// its first [`scanned_bytes`](Extraction::scanned_bytes) were read.
    pub truncated: bool,
    /// How many bytes of the text were read.
    pub scanned_bytes: usize,
}

impl Extraction {
    /// The distinct (kind, value) pairs with their counts, in order of
    /// first appearance.
    pub fn groups(&self) -> Vec<Group> {
        self.group_views()
            .into_iter()
            .map(|g| Group {
                kind: g.kind,
                value: g.value.to_owned(),
                count: g.count,
                alternatives: g.alternatives.to_vec(),
            })
            .collect()
    }

    /// [`groups`](Extraction::groups) borrowing from the matches: the JSON
    /// output needs no copies, and most values occur only once, so copying
    /// them cost as much as grouping.
    fn group_views(&self) -> Vec<GroupView<'_>> {
        // foldhash: much faster than SipHash here, and seeded per map.
        let mut index: foldhash::HashMap<(Kind, &str), usize> =
            foldhash::HashMap::with_capacity_and_hasher(
                self.indicators.len(),
                Default::default(),
            );
        let mut groups: Vec<GroupView<'_>> = Vec::new();
        for m in &self.indicators {
            let slot = *index.entry((m.kind, &m.value)).or_insert_with(|| {
                groups.push(GroupView {
                    kind: m.kind,
                    value: &m.value,
                    count: 0,
                    alternatives: &m.alternatives,
                });
                groups.len() - 1
            });
            groups[slot].count += 1;
        }
        groups
    }

    /// Appends the matches of `other`, which was found in a text that starts
    /// at byte `base` of the text this extraction covers.
    ///
    /// This is how a caller combines the results for the valid stretches of
    /// input that is not all UTF-8.
    pub fn append(&mut self, other: Extraction, base: usize) {
        let shift = self.indicators.len();
        self.truncated |= other.truncated;
        self.scanned_bytes = base + other.scanned_bytes;
        self.indicators
            .extend(other.indicators.into_iter().map(|mut m| {
                m.start += base;
                m.end += base;
                m.derived_from = m.derived_from.map(|i| i + shift);
                m
            }));
    }
}

impl Serialize for Extraction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Extraction", 4)?;
        st.serialize_field("indicators", &self.indicators)?;
        st.serialize_field("truncated", &self.truncated)?;
        st.serialize_field("scanned_bytes", &self.scanned_bytes)?;
        st.serialize_field("groups", &self.group_views())?;
        st.end()
    }
}

/// Finds indicators in text. Build it once and reuse it.
#[derive(Clone, Debug)]
pub struct Finder {
    limit: usize,
}

impl Default for Finder {
    fn default() -> Self {
        Finder::new()
    }
}

/// The scanners, in the order they run: those whose spans hide parts that
/// look like other kinds go first.
static SCANNERS: &[&(dyn Scanner + Sync)] = &[
    &url::Urls,
    &email::Emails,
    &registry::RegistryKeys,
    &mutex::Mutexes,
    &user_agent::UserAgents,
    &filename::Filenames,
    &domain::Domains,
    &ipv4::Ipv4s,
    &ipv6::Ipv6s,
    &hash::Hashes,
    &ssdeep::Ssdeeps,
    &cve::Cves,
    &url_path::RequestLines,
];

impl Finder {
    /// The default limit on how much of a text is read: 64 MiB.
    pub const DEFAULT_LIMIT: usize = 64 << 20;

    /// Builds a finder with every kind enabled and the default size limit.
    pub fn new() -> Finder {
        Finder {
            limit: Self::DEFAULT_LIMIT,
        }
    }

    /// Builds a finder that reads at most `bytes` bytes of each text and
    /// reports the rest as truncated.
    ///
    /// The cut moves back from the limit to the end of a line or a space
    /// (within 64 KiB), so that an indicator straddling it is left out, not
    /// read in part; `Extraction::scanned_bytes` says where the cut fell.
    pub fn with_limit(bytes: usize) -> Finder {
        Finder { limit: bytes }
    }

    /// The most bytes of one text this finder reads.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Finds every indicator in `text`.
    ///
    /// Never fails: text that holds no indicator gives an empty extraction.
    /// Time and memory grow linearly with the text, up to the limit.
    ///
    /// Prose runs at a few hundred MB/s natively, but indicator lists with
    /// a match every 50 bytes or so run at about 50 MB/s, half the
    /// 100 MB/s goal. There no single check dominates any more: about a
    /// tenth of the time is the allocations each match needs (its value
    /// and raw text), a good part is the kernel handing over fresh memory
    /// for the results, and the rest is spread over the scanners. Matches
    /// that borrow their raw text, and one pass that feeds all scanners,
    /// are what is left to close the gap.
    pub fn find(&self, text: &str) -> Extraction {
        let mut cut = self.read_end(text.as_bytes());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let truncated = cut < text.len();
        let text = &text[..cut];
        let cleaned = refang::clean(text);
        let mut cx = Cx::new(&cleaned.text, cleaned.rewritten());
        for scanner in SCANNERS {
            if scan::wanted(scanner.needs(), cx.b) {
                scanner.scan(&mut cx);
            }
        }
        Extraction {
            indicators: assemble(cx.into_found(), &cleaned, text),
            truncated,
            scanned_bytes: cut,
        }
    }

    /// Finds every indicator in `input`, taken as UTF-8 text in which each
    /// valid stretch is read on its own, as a file of mixed text and binary
    /// is. Offsets are those of `input`, and the size limit cuts `input`
    /// itself, in the same clean place as [`Finder::find`] would.
    pub fn find_bytes(&self, input: &[u8]) -> Extraction {
        let cut = self.read_end(input);
        let mut all = Extraction::default();
        let mut base = 0;
        for chunk in input[..cut].utf8_chunks() {
            let valid = chunk.valid();
            if !valid.is_empty() {
                all.append(self.find(valid), base);
            }
            base += valid.len() + chunk.invalid().len();
        }
        all.scanned_bytes = cut;
        all.truncated = cut < input.len();
        all
    }

    /// Where reading `b` stops: its end, or a clean cut before the limit.
    fn read_end(&self, b: &[u8]) -> usize {
        match b.len() <= self.limit {
            true => b.len(),
            false => clean_cut(b, self.limit),
        }
    }
}

/// Moves a cut at the size limit back to the end of a line, or failing
/// that to a space, within the last 64 KiB, so that the indicator in
/// progress there is left out rather than reported half: a URL cut to
/// `https://evi` would be an invented value.
fn clean_cut(b: &[u8], cut: usize) -> usize {
    let floor = cut.saturating_sub(64 * 1024);
    let window = &b[floor..cut];
    match memchr::memrchr(b'\n', window).or_else(|| memchr::memrchr(b' ', window)) {
        Some(i) => floor + i + 1,
        None => cut,
    }
}

/// Maps the found values back to the original text, sorts them, drops
/// repeats (the same kind over the same span, which two rules of one
/// scanner may both report) and turns parent links into indices of the
/// sorted list.
fn assemble(
    found: Vec<Found>,
    cleaned: &refang::Cleaned<'_>,
    text: &str,
) -> Vec<Match> {
    // Sorting by cleaned offsets gives the same order as by original ones
    // (the map only ever moves offsets forward), and mapping in that order
    // lets the mapper walk instead of search.
    let key = |i: usize| {
        (
            found[i].start,
            std::cmp::Reverse(found[i].end),
            found[i].kind,
        )
    };
    // The keys are copied out first: sorting small contiguous records is
    // much faster than sorting indices that point into `found`. Each
    // scanner reports in (nearly) increasing order, so `found` is a few
    // long sorted runs one after another: the stable sort finds and merges
    // those runs, where the unstable one partitions them all over again
    // (the index makes every key distinct, so both give the same order).
    let mut keyed: Vec<_> = (0..found.len()).map(|i| (key(i), i)).collect();
    keyed.sort();
    let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    let mut spans = vec![(0, 0); found.len()];
    let (mut starts, mut ends) = (cleaned.mapper(), cleaned.mapper());
    for &i in &order {
        spans[i] = (starts.start(found[i].start), ends.end(found[i].end));
    }
    // `rank[i]`: where found value `i` (or the first of its repeats) ends up.
    let mut rank = vec![0; found.len()];
    let mut kept: Vec<usize> = Vec::with_capacity(order.len());
    for &i in &order {
        match kept.last() {
            Some(&last) if key(last) == key(i) => rank[i] = rank[last],
            _ => {
                rank[i] = kept.len();
                kept.push(i);
            }
        }
    }
    // Each kept value is visited once, so its strings can be taken out of
    // `found` instead of copying the records around.
    let mut found = found;
    kept.iter()
        .map(|&i| {
            let f = &mut found[i];
            let (start, end) = spans[i];
            Match {
                kind: f.kind,
                value: std::mem::take(&mut f.value),
                raw: text.get(start..end).unwrap_or_default().to_owned(),
                start,
                end,
                alternatives: std::mem::take(&mut f.alternatives),
                also: std::mem::take(&mut f.also),
                label: f.label,
                derived_from: f.parent.map(|p| rank[p]),
            }
        })
        .collect()
}
