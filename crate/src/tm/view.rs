//! What the results page draws for one decoded section: facts, a table and a
//! list of cells, where every indicator in an answer is a pivot.
//!
//! Building a view is pure and tested natively; `wasm::render` only turns a
//! [`SectionView`] into DOM nodes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::endpoint::{report_web_url, Endpoint, Section};
use super::request::{encode_component, is_hex};

/// One section, ready to draw.
///
/// Serialized as `{title, facts: [..], table: {columns, rows} | null,
/// list: [..], list_title}`. A section may use any of the three parts; the
/// renderer draws facts, then the table, then the list. Missing fields read
/// back as empty, so a view stored by an older version still draws.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SectionView {
    /// The section's heading ("Passive DNS").
    pub title: String,
    /// Label and value pairs, most useful first.
    pub facts: Vec<Fact>,
    /// Further pairs that the view folds away until asked for (the long
    /// tail of a WHOIS record).
    pub more_facts: Vec<Fact>,
    /// Records with the same fields, one row each.
    pub table: Option<Table>,
    /// Single values such as hashes or domain names.
    pub list: Vec<Cell>,
    /// A heading for the list when the section also has a table.
    pub list_title: Option<String>,
}

/// A label with one or more values (a domain has several name servers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// What the values are, for people ("Registrar").
    pub label: String,
    /// The values; never empty.
    pub values: Vec<Cell>,
}

/// Rows of cells under column headings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The column headings.
    pub columns: Vec<String>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

/// One value as drawn: text, and at most one of a pivot or a web link.
///
/// `pivot` and `href` are left out of the JSON when absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The text shown; untrusted, so it only ever becomes a text node.
    pub text: String,
    /// A lookup of this value inside the extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pivot: Option<Pivot>,
    /// A page on ThreatMiner's web site; always `https://` and threatminer.org.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

/// A value the extension can look up in turn, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pivot {
    /// The endpoint that takes the value.
    pub endpoint: Endpoint,
    /// The value to look up.
    pub value: String,
    /// A report's year, for `report` pivots only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// The in-extension link, `results.html?q=<value>&as=<endpoint>[&y=..]`.
    pub href: String,
}

impl Pivot {
    /// A pivot to `endpoint` for `value`, with its in-extension link.
    pub fn new(endpoint: Endpoint, value: &str, y: Option<&str>) -> Pivot {
        let mut href = format!(
            "results.html?q={}&as={}",
            encode_component(value),
            endpoint.name()
        );
        if let Some(year) = y {
            href.push_str("&y=");
            href.push_str(&encode_component(year));
        }
        Pivot {
            endpoint,
            value: value.to_string(),
            y: y.map(str::to_string),
            href,
        }
    }
}

impl Cell {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }

    /// A value that is looked up with `endpoint` when clicked.
    pub fn pivot(endpoint: Endpoint, value: &str) -> Cell {
        Cell {
            text: value.to_string(),
            pivot: Some(Pivot::new(endpoint, value, None)),
            href: None,
        }
    }

    /// Text linking to `url`, or plain text when `url` is not a ThreatMiner
    /// page (see [`threatminer_page`]).
    pub fn link(text: impl Into<String>, url: &str) -> Cell {
        Cell {
            text: text.into(),
            pivot: None,
            href: threatminer_page(url),
        }
    }
}

impl SectionView {
    /// How many things the section holds: rows plus list items, or one for
    /// a record made only of facts.
    pub fn len(&self) -> usize {
        let items = self.table.as_ref().map_or(0, |t| t.rows.len()) + self.list.len();
        if items == 0 && self.all_facts().next().is_some() {
            1
        } else {
            items
        }
    }

    /// Every fact, the folded ones after the others.
    pub fn all_facts(&self) -> impl Iterator<Item = &Fact> {
        self.facts.iter().chain(&self.more_facts)
    }

    /// True when there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `url` if it is a page on ThreatMiner's web site, else `None`.
///
/// Answers carry links (a report's `URL`); only `https://` pages of
/// threatminer.org are kept, so the view never links where a user would not
/// expect to go.
pub fn threatminer_page(url: &str) -> Option<String> {
    let url = url.trim();
    let ok_prefix = ["https://www.threatminer.org/", "https://threatminer.org/"]
        .iter()
        .any(|p| url.starts_with(p));
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    (ok_prefix && clean).then(|| url.to_string())
}

/// Builds the view of one section from the answer's `results` list.
///
/// Tolerant of missing, empty and unknown fields. Fails, with a lower-case
/// reason, only when the answer cannot be read as the section at all.
pub fn build(
    endpoint: Endpoint,
    rt: u8,
    results: &[Value],
) -> Result<SectionView, String> {
    let mut view = match endpoint.section(rt) {
        Some(section) => build_section(section, endpoint, results)?,
        None => SectionView {
            list: results.iter().map(|v| Cell::text(text(v))).collect(),
            ..SectionView::default()
        },
    };
    view.title = endpoint.title(rt);
    Ok(view)
}

fn build_section(
    section: Section,
    endpoint: Endpoint,
    results: &[Value],
) -> Result<SectionView, String> {
    let list = |f: fn(&str) -> Cell| SectionView {
        list: strings(results).map(|s| f(&s)).collect(),
        ..SectionView::default()
    };
    Ok(match section {
        Section::DomainWhois => domain_whois(first_record(results)?),
        Section::HostWhois => host_whois(first_record(results)?),
        Section::Metadata => metadata(first_record(results)?),
        Section::PassiveDns => with_table(passive_dns(endpoint, results)?),
        Section::Uris => with_table(uris(results)?),
        Section::Reports => with_table(reports(results)?),
        Section::HttpTraffic => with_table(http_traffic(results)?),
        Section::AvDetections => with_table(av_detections(results)?),
        Section::SampleHosts => sample_hosts(results),
        Section::Samples => list(hash_cell),
        Section::Domains | Section::Hosts => list(host_cell),
        Section::Certificates => list(certificate_cell),
        Section::Emails => list(email_cell),
        Section::Mutexes => text_list(results, "mutants"),
        Section::RegistryKeys => text_list(results, "registry_keys"),
    })
}

fn with_table(table: Table) -> SectionView {
    SectionView {
        table: Some(table),
        ..SectionView::default()
    }
}

// ---- reading values -------------------------------------------------------

/// A value as text: strings trimmed (WHOIS values often start with a
/// space), numbers and booleans written out, lists joined, `null` empty.
fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_string(),
        Value::Array(items) => {
            let parts: Vec<String> =
                items.iter().map(text).filter(|s| !s.is_empty()).collect();
            parts.join(", ")
        }
        Value::Object(_) => match last_updated(v) {
            Some(date) => date,
            None => v.to_string(),
        },
        other => other.to_string(),
    }
}

/// The text of `obj[key]`, empty when missing.
fn field(obj: &Map<String, Value>, key: &str) -> String {
    obj.get(key).map(text).unwrap_or_default()
}

/// The items of a results list as text, without blanks.
///
/// Lists are bare strings in every answer seen. The report sections' shape
/// is unconfirmed, so a record is read through the first field that names
/// an indicator, and anything else is shown as its JSON rather than dropped.
fn strings(results: &[Value]) -> impl Iterator<Item = String> + '_ {
    const NAMED: [&str; 8] = [
        "domain", "ip", "host", "email", "sha256", "sha1", "md5", "hash",
    ];
    results
        .iter()
        .map(|v| match v.as_object() {
            Some(obj) => NAMED
                .iter()
                .map(|k| field(obj, k))
                .find(|s| !s.is_empty())
                .unwrap_or_else(|| text(v)),
            None => text(v),
        })
        .filter(|s| !s.is_empty())
}

/// The one record of a WHOIS or metadata answer.
fn first_record(results: &[Value]) -> Result<&Map<String, Value>, String> {
    results
        .iter()
        .find_map(Value::as_object)
        .ok_or_else(|| "the record is not an object".to_string())
}

/// Every record of a table section; an error when there are items but none
/// is a record.
fn records<'a>(items: &[&'a Value]) -> Result<Vec<&'a Map<String, Value>>, String> {
    let found: Vec<_> = items.iter().filter_map(|v| v.as_object()).collect();
    if found.is_empty() && !items.is_empty() {
        return Err("the results are not records".into());
    }
    Ok(found)
}

/// Items of a sample section: ThreatMiner wraps them as
/// `[{"<key>": [..]}]`; a flat list is accepted too.
fn unwrap_items<'a>(results: &'a [Value], key: &str) -> Vec<&'a Value> {
    let mut items = Vec::new();
    for v in results {
        match v.get(key) {
            Some(Value::Array(inner)) => items.extend(inner),
            Some(_) => {}
            None => items.push(v),
        }
    }
    items
}

/// `{"sec":..,"usec":..}` (a MongoDB date as re-serialised) as a UTC date.
fn last_updated(v: &Value) -> Option<String> {
    let secs = v.get("sec")?.as_i64()?;
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    Some(format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    ))
}

/// Year, month and day of a count of days since 1970-01-01 (proleptic
/// Gregorian), counting in 400-year eras so leap rules fall out exactly.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524
        - day_of_era / 146_096)
        / 365;
    let day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `Postal_Code` → `postal code`.
fn humanise(key: &str) -> String {
    key.replace('_', " ").to_lowercase()
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---- cells ------------------------------------------------------------------

/// A domain or IP address as a pivot; anything else as text.
fn host_cell(value: &str) -> Cell {
    let value = value.trim();
    if value.parse::<std::net::IpAddr>().is_ok() {
        Cell::pivot(Endpoint::Host, value)
    } else if looks_like_domain(value) {
        Cell::pivot(
            Endpoint::Domain,
            &value.trim_end_matches('.').to_lowercase(),
        )
    } else {
        Cell::text(value)
    }
}

/// Loose on purpose: a dot, no spaces or slashes. ThreatMiner itself says
/// which fields hold domains; this only keeps junk from becoming a link.
fn looks_like_domain(value: &str) -> bool {
    value.contains('.')
        && !value.starts_with('.')
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// A file hash (MD5, SHA-1, SHA-256 or SHA-512) as a sample pivot.
fn hash_cell(value: &str) -> Cell {
    if [32, 40, 64, 128].iter().any(|&n| is_hex(value, n)) {
        Cell::pivot(Endpoint::Sample, &value.to_ascii_lowercase())
    } else {
        Cell::text(value)
    }
}

fn certificate_cell(value: &str) -> Cell {
    if is_hex(value, 40) {
        Cell::pivot(Endpoint::Ssl, &value.to_ascii_lowercase())
    } else {
        Cell::text(value)
    }
}

/// An address, or the SHA-1 that stands for one, as an e-mail pivot.
fn email_cell(value: &str) -> Cell {
    let plausible = is_hex(value, 40) || (value.contains('@') && !value.contains(' '));
    if plausible {
        Cell::pivot(Endpoint::Email, &value.to_lowercase())
    } else {
        Cell::text(value)
    }
}

fn pivot_or_text(endpoint: Endpoint, value: &str) -> Cell {
    if value.is_empty() {
        Cell::default()
    } else {
        Cell::pivot(endpoint, value)
    }
}

// ---- facts ------------------------------------------------------------------

/// Collects facts, dropping those whose values are all blank.
#[derive(Default)]
struct Facts(Vec<Fact>);

impl Facts {
    fn push(&mut self, label: &str, values: Vec<Cell>) {
        let values: Vec<Cell> =
            values.into_iter().filter(|c| !c.text.is_empty()).collect();
        if !values.is_empty() {
            self.0.push(Fact {
                label: label.to_string(),
                values,
            });
        }
    }

    fn text(&mut self, label: &str, value: String) {
        self.push(label, vec![Cell::text(value)]);
    }

    /// Fields of `obj` not named in `known`, so that new data still shows.
    fn rest(&mut self, prefix: &str, obj: &Map<String, Value>, known: &[&str]) {
        for (key, value) in obj {
            if known.contains(&key.as_str()) {
                continue;
            }
            let label = capitalise(&format!("{prefix}{}", humanise(key)));
            match value {
                Value::Object(inner) if last_updated(value).is_none() => {
                    self.rest(&format!("{label} "), inner, &[]);
                }
                _ => self.text(&label, text(value)),
            }
        }
    }
}

/// Distinct, non-blank texts in first-seen order.
fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for v in values {
        if !v.is_empty() && !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen
}

/// WHOIS contact blocks, in the order an analyst reads them.
const CONTACTS: [(&str, &str); 5] = [
    ("registrant_info", "Registrant"),
    ("admin_info", "Admin"),
    ("tech_info", "Tech"),
    ("billing_info", "Billing"),
    ("reg_info", "Registration"),
];

/// Fields of the WHOIS record read by name; the others show after them.
const WHOIS_KNOWN: [&str; 15] = [
    "registrar",
    "creation_date",
    "expiration_date",
    "updated_date",
    "nameservers",
    "emails",
    "email_hashes",
    "whois_server",
    "date_checked",
    "whois_md5",
    "registrant_info",
    "admin_info",
    "tech_info",
    "billing_info",
    "reg_info",
];

fn domain_whois(record: &Map<String, Value>) -> SectionView {
    let empty = Map::new();
    let whois = record
        .get("whois")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut facts = Facts::default();
    whois_first(&mut facts, record, whois);
    // Contacts' addresses and the registry's bookkeeping are seldom what an
    // analyst came for: they fold away behind the key facts.
    let mut rest = Facts::default();
    whois_rest(&mut rest, record, whois);
    SectionView {
        facts: facts.0,
        more_facts: rest.0,
        ..SectionView::default()
    }
}

/// What an analyst reads first: who registered the domain, when, and
/// where it points.
fn whois_first(
    facts: &mut Facts,
    record: &Map<String, Value>,
    whois: &Map<String, Value>,
) {
    let empty = Map::new();
    let registrant = whois
        .get("registrant_info")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    facts.push("Domain", vec![host_cell(&field(record, "domain"))]);
    facts.text("Registrar", field(whois, "registrar"));
    facts.text("Created", field(whois, "creation_date"));
    facts.text("Expires", field(whois, "expiration_date"));
    facts.text("Updated", field(whois, "updated_date"));
    facts.text("Registrant organization", field(registrant, "Organization"));
    facts.text("Registrant country", field(registrant, "Country"));
    let servers = whois.get("nameservers").and_then(Value::as_array);
    let servers = servers
        .map(|s| distinct(s.iter().map(text)))
        .unwrap_or_default();
    let servers = servers.iter().map(|s| host_cell(s)).collect();
    facts.push("Name servers", servers);
    let emails = contact_values(whois, "emails", email_cell);
    facts.push("Contact e-mails", emails);
    let hashes = contact_values(whois, "email_hashes", email_cell);
    facts.push("E-mail hashes", hashes);
}

/// Everything else, contact blocks last, unknown fields included.
fn whois_rest(
    facts: &mut Facts,
    record: &Map<String, Value>,
    whois: &Map<String, Value>,
) {
    let root = field(record, "root_domain");
    facts.push("Root domain", vec![host_cell(&root)]);
    if let Some(sub) = record.get("is_subdomain").and_then(Value::as_bool) {
        facts.text("Subdomain", if sub { "yes" } else { "no" }.into());
    }
    let server = field(whois, "whois_server");
    facts.push("WHOIS server", vec![host_cell(&server)]);
    facts.text("Checked", field(whois, "date_checked"));
    facts.text("Last updated", field(record, "last_updated"));
    facts.text("WHOIS MD5", field(whois, "whois_md5"));
    for (key, label) in CONTACTS {
        let Some(block) = whois.get(key).and_then(Value::as_object) else {
            continue;
        };
        // The registrant's organization and country are already shown.
        let shown: &[&str] = match key {
            "registrant_info" => &["Organization", "Country"],
            _ => &[],
        };
        facts.rest(&format!("{label} "), block, shown);
    }
    facts.rest("", whois, &WHOIS_KNOWN);
    let top = [
        "domain",
        "whois",
        "root_domain",
        "is_subdomain",
        "last_updated",
    ];
    facts.rest("", record, &top);
}

/// The distinct values of a WHOIS `{registrant, admin, tech, billing}` map.
fn contact_values(
    whois: &Map<String, Value>,
    key: &str,
    cell: fn(&str) -> Cell,
) -> Vec<Cell> {
    let Some(map) = whois.get(key).and_then(Value::as_object) else {
        return Vec::new();
    };
    let order = ["registrant", "admin", "tech", "billing"];
    let ordered = order.iter().filter_map(|k| map.get(*k));
    let others = map.iter().filter(|(k, _)| !order.contains(&k.as_str()));
    let all = ordered.chain(others.map(|(_, v)| v)).map(text);
    distinct(all).iter().map(|v| cell(v)).collect()
}

fn host_whois(record: &Map<String, Value>) -> SectionView {
    let mut facts = Facts::default();
    facts.text("Organization", field(record, "org_name"));
    facts.text("ASN", field(record, "asn"));
    facts.text("AS name", field(record, "asn_name"));
    facts.text("Country", field(record, "cc"));
    facts.text("BGP prefix", field(record, "bgp_prefix"));
    facts.text("Reverse name", field(record, "reverse_name"));
    facts.text("Registry", field(record, "register"));
    let known = [
        "org_name",
        "asn",
        "asn_name",
        "cc",
        "bgp_prefix",
        "reverse_name",
        "register",
    ];
    facts.rest("", record, &known);
    SectionView {
        facts: facts.0,
        ..SectionView::default()
    }
}

fn metadata(record: &Map<String, Value>) -> SectionView {
    let mut facts = Facts::default();
    facts.text("File name", field(record, "file_name"));
    for (key, label) in [
        ("md5", "MD5"),
        ("sha1", "SHA-1"),
        ("sha256", "SHA-256"),
        ("sha512", "SHA-512"),
    ] {
        facts.push(label, vec![hash_cell(&field(record, key))]);
    }
    let ssdeep = field(record, "ssdeep");
    facts.push("ssdeep", vec![pivot_or_text(Endpoint::Ssdeep, &ssdeep)]);
    let imphash = field(record, "imphash").to_ascii_lowercase();
    facts.push("Imphash", vec![pivot_or_text(Endpoint::Imphash, &imphash)]);
    facts.text("File type", field(record, "file_type"));
    facts.text("File size", field(record, "file_size"));
    facts.text("Architecture", field(record, "architecture"));
    facts.text("Authentihash", field(record, "authentihash"));
    facts.text("Analysed", field(record, "date_analysed"));
    let known = [
        "file_name",
        "md5",
        "sha1",
        "sha256",
        "sha512",
        "ssdeep",
        "imphash",
        "file_type",
        "file_size",
        "architecture",
        "authentihash",
        "date_analysed",
    ];
    facts.rest("", record, &known);
    SectionView {
        facts: facts.0,
        ..SectionView::default()
    }
}

// ---- tables -----------------------------------------------------------------

fn table(columns: &[&str], rows: Vec<Vec<Cell>>) -> Table {
    Table {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// Sorts records newest first by `last_seen`, then `first_seen`.
///
/// ThreatMiner's dates are `YYYY-MM-DD HH:MM:SS`, so text order is time
/// order, and a blank date sorts last.
fn newest_first(rows: &mut [&Map<String, Value>]) {
    rows.sort_by(|a, b| {
        let key =
            |r: &Map<String, Value>| (field(r, "last_seen"), field(r, "first_seen"));
        key(b).cmp(&key(a))
    });
}

fn passive_dns(endpoint: Endpoint, results: &[Value]) -> Result<Table, String> {
    let items: Vec<&Value> = results.iter().collect();
    let mut rows = records(&items)?;
    newest_first(&mut rows);
    let column = match endpoint {
        Endpoint::Host => "Domain",
        _ => "IP address",
    };
    // Domain answers carry `ip` and host answers `domain`; either is read so
    // that a mixed list still shows every entry.
    let rows = rows
        .into_iter()
        .map(|r| {
            let target = match field(r, "ip") {
                ip if !ip.is_empty() => ip,
                _ => field(r, "domain"),
            };
            vec![
                host_cell(&target),
                Cell::text(field(r, "first_seen")),
                Cell::text(field(r, "last_seen")),
            ]
        })
        .collect();
    Ok(table(&[column, "First seen", "Last seen"], rows))
}

fn uris(results: &[Value]) -> Result<Table, String> {
    let items: Vec<&Value> = results.iter().collect();
    let mut rows = records(&items)?;
    newest_first(&mut rows);
    // The URI stays text: it is a place malware was served from.
    let rows = rows
        .into_iter()
        .map(|r| {
            vec![
                Cell::text(field(r, "uri")),
                host_cell(&field(r, "domain")),
                host_cell(&field(r, "ip")),
                Cell::text(field(r, "last_seen")),
            ]
        })
        .collect();
    Ok(table(&["URI", "Domain", "IP address", "Last seen"], rows))
}

fn reports(results: &[Value]) -> Result<Table, String> {
    let items: Vec<&Value> = results.iter().collect();
    let rows = records(&items)?.into_iter().map(report_row).collect();
    Ok(table(&["Report", "Year", "On ThreatMiner"], rows))
}

fn report_row(r: &Map<String, Value>) -> Vec<Cell> {
    let filename = field(r, "filename");
    let year = field(r, "year");
    let report = if filename.is_empty() {
        Cell::default()
    } else {
        let y = (!year.is_empty()).then_some(year.as_str());
        Cell {
            text: filename.clone(),
            pivot: Some(Pivot::new(Endpoint::Report, &filename, y)),
            href: None,
        }
    };
    let given = r.get("URL").or_else(|| r.get("url")).map(text);
    let page = match given.as_deref().and_then(threatminer_page) {
        Some(url) => Some(url),
        None if !filename.is_empty() => Some(report_web_url(&filename, &year)),
        None => None,
    };
    let page = match page {
        Some(url) => Cell::link("Report page", &url),
        None => Cell::default(),
    };
    vec![report, Cell::text(year), page]
}

fn http_traffic(results: &[Value]) -> Result<Table, String> {
    let items = unwrap_items(results, "http_traffic");
    let rows = records(&items)?
        .into_iter()
        .map(|r| {
            vec![
                Cell::text(field(r, "method")),
                host_cell(&field(r, "domain")),
                host_cell(&field(r, "ip")),
                Cell::text(field(r, "url")),
                Cell::text(field(r, "user_agent")),
                Cell::text(field(r, "source")),
            ]
        })
        .collect();
    let columns = [
        "Method",
        "Host",
        "IP address",
        "URL",
        "User-agent",
        "Source",
    ];
    Ok(table(&columns, rows))
}

fn av_detections(results: &[Value]) -> Result<Table, String> {
    let items = unwrap_items(results, "av_detections");
    let rows = records(&items)?
        .into_iter()
        .map(|r| {
            let name = field(r, "detection");
            vec![
                Cell::text(field(r, "av")),
                pivot_or_text(Endpoint::Av, &name),
            ]
        })
        .collect();
    Ok(table(&["Vendor", "Detection"], rows))
}

fn sample_hosts(results: &[Value]) -> SectionView {
    let pairs = unwrap_items(results, "domains");
    let rows: Vec<Vec<Cell>> = pairs
        .iter()
        .filter_map(|v| v.as_object())
        .map(|r| vec![host_cell(&field(r, "domain")), host_cell(&field(r, "ip"))])
        .collect();
    let hosts = results.iter().filter_map(|v| v.get("hosts")?.as_array());
    let hosts = distinct(hosts.flatten().map(text));
    SectionView {
        table: (!rows.is_empty()).then(|| table(&["Domain", "IP address"], rows)),
        list: hosts.iter().map(|h| host_cell(h)).collect(),
        list_title: Some("Hosts contacted".into()),
        ..SectionView::default()
    }
}

/// A list of names with no query endpoint (mutexes, registry keys).
fn text_list(results: &[Value], key: &str) -> SectionView {
    let items = unwrap_items(results, key);
    SectionView {
        list: distinct(items.into_iter().map(|v| strip_quotes(&text(v))))
            .into_iter()
            .map(Cell::text)
            .collect(),
        ..SectionView::default()
    }
}

/// ThreatMiner writes mutex names inside literal double quotes.
fn strip_quotes(s: &str) -> String {
    let inner = s.strip_prefix('"').and_then(|s| s.strip_suffix('"'));
    inner.unwrap_or(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn results(v: Value) -> Vec<Value> {
        v.as_array().cloned().unwrap_or_default()
    }

    #[test]
    fn mongo_dates_become_utc_text() {
        let v = json!({"sec": 1573985686, "usec": 632000});
        assert_eq!(text(&v), "2019-11-17 10:14:46");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn only_threatminer_https_pages_become_links() {
        let ok = "https://www.threatminer.org/report.php?q=a.pdf&y=2013";
        assert_eq!(threatminer_page(ok).as_deref(), Some(ok));
        for bad in [
            "http://www.threatminer.org/report.php",
            "https://www.threatminer.org.evil.test/",
            "javascript:alert(1)",
            "https://evil.test/?https://www.threatminer.org/",
            "https://www.threatminer.org/a b",
        ] {
            assert_eq!(threatminer_page(bad), None, "{bad}");
        }
    }

    #[test]
    fn pivot_links_stay_inside_the_extension() {
        let p = Pivot::new(Endpoint::Report, "a b&c.pdf", Some("2013"));
        assert_eq!(p.href, "results.html?q=a%20b%26c.pdf&as=report&y=2013");
    }

    #[test]
    fn passive_dns_is_newest_first() {
        let r = results(json!([
            {"ip": "1.1.1.1", "first_seen": "2010-01-01 00:00:00", "last_seen": ""},
            {"ip": "2.2.2.2", "first_seen": "2011-01-01 00:00:00",
             "last_seen": "2016-01-01 00:00:00"},
            {"ip": "3.3.3.3", "first_seen": "2012-01-01 00:00:00",
             "last_seen": "2019-01-01 00:00:00"}
        ]));
        let v = build(Endpoint::Domain, 2, &r).expect("passive DNS builds");
        let rows = v.table.expect("a table").rows;
        let ips: Vec<&str> = rows.iter().map(|r| r[0].text.as_str()).collect();
        assert_eq!(ips, ["3.3.3.3", "2.2.2.2", "1.1.1.1"]);
        assert_eq!(
            rows[0][0].pivot.as_ref().map(|p| p.endpoint),
            Some(Endpoint::Host)
        );
    }

    #[test]
    fn unknown_fields_still_show() {
        let r = results(json!([{"org_name": "X", "new_field": " value "}]));
        let v = build(Endpoint::Host, 1, &r).expect("host WHOIS builds");
        let last = v.facts.last().expect("facts");
        assert_eq!(
            (last.label.as_str(), last.values[0].text.as_str()),
            ("New field", "value")
        );
    }

    #[test]
    fn a_list_of_strings_is_not_a_whois_record() {
        assert!(build(Endpoint::Domain, 1, &results(json!(["x"]))).is_err());
        assert!(build(Endpoint::Domain, 2, &results(json!([1, 2]))).is_err());
    }

    #[test]
    fn list_items_that_are_records_are_kept() {
        let r =
            results(json!([{"domain": "a.example", "x": 1}, {"other": true}, 7, ""]));
        let v = build(Endpoint::Report, 1, &r).expect("report domains build");
        let texts: Vec<&str> = v.list.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["a.example", r#"{"other":true}"#, "7"]);
        assert!(v.list[0].pivot.is_some());
    }

    #[test]
    fn junk_does_not_become_a_pivot() {
        assert!(host_cell("not a domain").pivot.is_none());
        assert!(hash_cell("xyz").pivot.is_none());
        assert!(email_cell("no at sign").pivot.is_none());
        assert_eq!(host_cell("WWW.Example.COM").text, "www.example.com");
    }
}
