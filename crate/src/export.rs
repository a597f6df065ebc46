//! Exports of the results view: JSON, CSV and a STIX 2.1 bundle.
//!
//! The input is what the view holds for each indicator: its kind, its
//! normalised value and, per ThreatMiner section, the outcome the background
//! sent (the same `{state, count, view, results}` JSON that
//! [`crate::tm::Outcome`] serializes to). Sections still queued carry no
//! outcome and are exported as such.
//!
//! Everything here is pure: the caller passes the time and, for STIX, a seed
//! for the relationship ids, so the same input always gives the same file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::tm::{Cell, Endpoint, Section, SectionView};
use crate::Kind;

/// One indicator of the view, with the sections looked up for it.
#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    /// The indicator's kind.
    pub kind: Kind,
    /// The normalised (refanged) value.
    pub value: String,
    /// The sections, in the order the view shows them.
    #[serde(default)]
    pub sections: Vec<SectionEntry>,
}

/// One ThreatMiner section of an indicator and its answer, if any yet.
#[derive(Clone, Debug, Deserialize)]
pub struct SectionEntry {
    /// The endpoint asked.
    pub endpoint: Endpoint,
    /// The section's `rt`.
    pub rt: u8,
    /// The answer, absent while the section waits in the queue.
    #[serde(default)]
    pub outcome: Option<WireOutcome>,
}

/// An outcome as the background passes it on; unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireOutcome {
    /// `ok`, `empty` or `error`.
    pub state: String,
    /// How many items an `ok` section holds.
    pub count: Option<usize>,
    /// What the view drew, for `ok`.
    pub view: Option<SectionView>,
    /// ThreatMiner's `results`, as sent, for `ok`.
    pub results: Option<Value>,
    /// What the view said, for `empty` and `error`.
    pub message: Option<String>,
    /// The failure's kind, for `error`.
    pub kind: Option<String>,
}

impl SectionEntry {
    fn state(&self) -> &str {
        self.outcome
            .as_ref()
            .map_or("pending", |o| o.state.as_str())
    }

    fn view(&self) -> Option<&SectionView> {
        let outcome = self.outcome.as_ref().filter(|o| o.state == "ok")?;
        outcome.view.as_ref()
    }

    fn title(&self) -> String {
        self.endpoint.title(self.rt)
    }
}

// ---- JSON -------------------------------------------------------------------

/// The view as JSON: each indicator's normalised value and, per section, its
/// state, ThreatMiner's raw `results` and what the view made of them.
pub fn to_json(entries: &[Entry], exported_at_ms: f64) -> String {
    let indicators: Vec<Value> = entries.iter().map(entry_json).collect();
    let doc = json!({
        "generator": "ThreatMiner Lookup",
        "exported_at": timestamp(exported_at_ms),
        "indicators": indicators,
    });
    // Serializing a `Value` cannot fail: its keys are strings.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn entry_json(entry: &Entry) -> Value {
    let sections: Vec<Value> = entry
        .sections
        .iter()
        .map(|s| {
            let mut out = json!({
                "endpoint": s.endpoint.name(),
                "rt": s.rt,
                "title": s.title(),
                "state": s.state(),
            });
            if let Some(o) = &s.outcome {
                let extra = [
                    ("count", o.count.map(Value::from)),
                    ("results", o.results.clone()),
                    (
                        "view",
                        o.view.as_ref().and_then(|v| serde_json::to_value(v).ok()),
                    ),
                    ("message", o.message.clone().map(Value::from)),
                    ("error_kind", o.kind.clone().map(Value::from)),
                ];
                for (key, value) in extra {
                    if let Some(value) = value {
                        out[key] = value;
                    }
                }
            }
            out
        })
        .collect();
    json!({
        "kind": entry.kind.name(),
        "value": entry.value,
        "defanged": crate::defang(entry.kind, &entry.value),
        "sections": sections,
    })
}

// ---- CSV --------------------------------------------------------------------

/// The CSV header; one line per value the view shows.
pub const CSV_HEADER: [&str; 10] = [
    "indicator_kind",
    "indicator",
    "endpoint",
    "rt",
    "section",
    "state",
    "row",
    "field",
    "value",
    "pivot",
];

/// The view as CSV (RFC 4180, CRLF line ends), in a long form: one line per
/// value, so every section's shape fits the same columns.
///
/// A fact is a line per value with its label as `field` and no `row`; a
/// table cell is a line with its row number and column; a list item is a
/// line with its position. Sections without results get one line with their
/// state and message. `pivot` names the endpoint that looks the value up.
///
/// Values that a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) get a leading `'`: the values
/// come from ThreatMiner and pages, and must not execute when opened.
pub fn to_csv(entries: &[Entry]) -> String {
    let mut out = String::new();
    csv_line(&mut out, &CSV_HEADER);
    for entry in entries {
        for s in &entry.sections {
            let fixed = [
                entry.kind.name().to_string(),
                entry.value.clone(),
                s.endpoint.name().to_string(),
                s.rt.to_string(),
                s.title(),
                s.state().to_string(),
            ];
            let lines = section_lines(s);
            for (row, field, cell) in &lines {
                let pivot = cell.pivot.as_ref().map_or("", |p| p.endpoint.name());
                let mut line: Vec<&str> = fixed.iter().map(String::as_str).collect();
                line.extend([row.as_str(), field.as_str(), cell.text.as_str(), pivot]);
                csv_line(&mut out, &line);
            }
            if lines.is_empty() {
                let message = s.outcome.as_ref().and_then(|o| o.message.as_deref());
                let mut line: Vec<&str> = fixed.iter().map(String::as_str).collect();
                line.extend(["", "message", message.unwrap_or(""), ""]);
                csv_line(&mut out, &line);
            }
        }
    }
    out
}

/// `(row, field, cell)` for every value of a section with results.
fn section_lines(s: &SectionEntry) -> Vec<(String, String, &Cell)> {
    let Some(view) = s.view() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for fact in view.all_facts() {
        for cell in &fact.values {
            lines.push((String::new(), fact.label.clone(), cell));
        }
    }
    if let Some(table) = &view.table {
        for (i, row) in table.rows.iter().enumerate() {
            for (column, cell) in table.columns.iter().zip(row) {
                if !cell.text.is_empty() {
                    lines.push(((i + 1).to_string(), column.clone(), cell));
                }
            }
        }
    }
    let list_field = view.list_title.clone().unwrap_or_else(|| "value".into());
    for (i, cell) in view.list.iter().enumerate() {
        lines.push(((i + 1).to_string(), list_field.clone(), cell));
    }
    lines
}

fn csv_line(out: &mut String, fields: &[&str]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, field);
    }
    out.push_str("\r\n");
}

fn csv_field(out: &mut String, field: &str) {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula || field.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quote {
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

// ---- STIX 2.1 ---------------------------------------------------------------

/// The namespace STIX 2.1 (section 2.9) gives for the UUIDv5 of SCO ids.
const STIX_NAMESPACE: [u8; 16] = [
    0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15,
    0xa9, 0xb7,
];

/// An SCO being assembled: its type and its properties, sorted by name.
#[derive(Clone, Debug, PartialEq)]
struct Sco {
    kind: &'static str,
    props: BTreeMap<&'static str, Value>,
}

impl Sco {
    fn value(kind: &'static str, value: &str) -> Sco {
        let mut props = BTreeMap::new();
        props.insert("value", Value::from(value));
        Sco { kind, props }
    }

    fn file_hash(algorithm: &str, hash: &str) -> Sco {
        let mut props = BTreeMap::new();
        props.insert("hashes", json!({ algorithm: hash }));
        Sco {
            kind: "file",
            props,
        }
    }

    fn named(kind: &'static str, key: &'static str, value: &str) -> Sco {
        let mut props = BTreeMap::new();
        props.insert(key, Value::from(value));
        Sco { kind, props }
    }

    /// The id: `<type>--<UUIDv5>` over the canonical JSON of the properties
    /// the spec names as contributing, in name order.
    ///
    /// Of a file's hashes only one contributes, preferring MD5, then SHA-1,
    /// SHA-256 and SHA-512, as the spec's reference library does; that keeps
    /// a file's id when a later answer adds hashes it did not know.
    fn id(&self) -> String {
        let contributing: &[&str] = match self.kind {
            "file" => &["hashes", "name"],
            "mutex" => &["name"],
            "windows-registry-key" => &["key"],
            _ => &["value"],
        };
        let mut canonical = serde_json::Map::new();
        for key in contributing {
            let Some(value) = self.props.get(key) else {
                continue;
            };
            let value = match (*key, value) {
                ("hashes", Value::Object(hashes)) => one_hash(hashes),
                _ => value.clone(),
            };
            canonical.insert((*key).to_string(), value);
        }
        let name = canonical_json(&Value::Object(canonical));
        format!("{}--{}", self.kind, uuid_v5(&STIX_NAMESPACE, &name))
    }

    fn to_json(&self) -> Value {
        let mut obj = serde_json::Map::new();
        obj.insert("type".into(), Value::from(self.kind));
        obj.insert("spec_version".into(), Value::from("2.1"));
        obj.insert("id".into(), Value::from(self.id()));
        for (k, v) in &self.props {
            obj.insert((*k).to_string(), v.clone());
        }
        Value::Object(obj)
    }
}

fn one_hash(hashes: &serde_json::Map<String, Value>) -> Value {
    let preferred = ["MD5", "SHA-1", "SHA-256", "SHA-512"]
        .iter()
        .find_map(|k| hashes.get_key_value(*k))
        .or_else(|| hashes.iter().next());
    match preferred {
        Some((k, v)) => json!({ k.as_str(): v }),
        None => json!({}),
    }
}

/// JSON in the RFC 8785 form for the values used here: keys sorted, no
/// spaces, strings escaped as ECMAScript does. Numbers are only ever
/// integers in contributing properties, which print the same in both.
fn canonical_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            let parts: Vec<String> = keys
                .iter()
                .map(|k| {
                    let v = map.get(*k).map(canonical_json).unwrap_or_default();
                    format!("{}:{v}", Value::from(k.as_str()))
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

/// RFC 4122 UUID version 5: SHA-1 of namespace and name.
fn uuid_v5(namespace: &[u8; 16], name: &str) -> String {
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(namespace);
    hasher.update(name.as_bytes());
    uuid_from(hasher.digest().bytes(), 5)
}

/// A UUID of `version` made of the first 16 bytes of `bytes`.
fn uuid_from(bytes: [u8; 20], version: u8) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&bytes[..16]);
    b[6] = (b[6] & 0x0f) | (version << 4);
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    s
}

/// The SCO for an indicator, or `None` for kinds STIX has no observable for
/// here (URL paths, user-agents, CVEs, SHA-384) and for URLs without a
/// scheme, which are no URLs in the sense of RFC 3986.
fn indicator_sco(kind: Kind, value: &str) -> Option<Sco> {
    Some(match kind {
        Kind::Ipv4 => Sco::value("ipv4-addr", value),
        Kind::Ipv6 => Sco::value("ipv6-addr", value),
        Kind::Domain => Sco::value("domain-name", value),
        Kind::Email => Sco::value("email-addr", value),
        Kind::Url if value.contains("://") => Sco::value("url", value),
        Kind::Md5 => Sco::file_hash("MD5", value),
        Kind::Sha1 => Sco::file_hash("SHA-1", value),
        Kind::Sha256 => Sco::file_hash("SHA-256", value),
        Kind::Sha512 => Sco::file_hash("SHA-512", value),
        Kind::Ssdeep => Sco::file_hash("SSDEEP", value),
        Kind::Filename => Sco::named("file", "name", value),
        Kind::Mutex => Sco::named("mutex", "name", value),
        Kind::RegistryKey => Sco::named("windows-registry-key", "key", value),
        _ => return None,
    })
}

/// The SCO a pivot in an answer names: an address, a domain or a file.
fn pivot_sco(cell: &Cell) -> Option<Sco> {
    let pivot = cell.pivot.as_ref()?;
    let value = pivot.value.as_str();
    match pivot.endpoint {
        Endpoint::Host => match value.parse::<std::net::IpAddr>().ok()? {
            std::net::IpAddr::V4(_) => Some(Sco::value("ipv4-addr", value)),
            std::net::IpAddr::V6(_) => Some(Sco::value("ipv6-addr", value)),
        },
        Endpoint::Domain => Some(Sco::value("domain-name", value)),
        Endpoint::Sample => {
            let algorithm = match value.len() {
                32 => "MD5",
                40 => "SHA-1",
                64 => "SHA-256",
                128 => "SHA-512",
                _ => return None,
            };
            Some(Sco::file_hash(algorithm, value))
        }
        _ => None,
    }
}

/// A relationship to write: source, type, target and why, as ThreatMiner
/// said it.
struct Link {
    source: usize,
    kind: &'static str,
    target: usize,
    description: String,
    url: String,
}

/// SCOs by index, merged when the same object turns up twice.
#[derive(Default)]
struct Graph {
    scos: Vec<Sco>,
    links: Vec<Link>,
    /// Every id an SCO has had, to its index: a file keeps the id it had
    /// before its metadata added a name, so later pivots still find it.
    ids: std::collections::HashMap<String, usize>,
}

impl Graph {
    fn add(&mut self, sco: Sco) -> usize {
        let id = sco.id();
        if let Some(&at) = self.ids.get(&id) {
            return at;
        }
        self.scos.push(sco);
        self.ids.insert(id, self.scos.len() - 1);
        self.scos.len() - 1
    }

    /// Puts `sco` in place of the SCO at `at`, which answers to both ids.
    fn replace(&mut self, at: usize, sco: Sco) {
        self.ids.insert(sco.id(), at);
        self.scos[at] = sco;
    }

    fn link(
        &mut self,
        source: usize,
        kind: &'static str,
        target: usize,
        why: &str,
        url: &str,
    ) {
        let known = self
            .links
            .iter()
            .any(|l| l.source == source && l.kind == kind && l.target == target);
        if source != target && !known {
            self.links.push(Link {
                source,
                kind,
                target,
                description: why.to_string(),
                url: url.to_string(),
            });
        }
    }
}

/// The view as a STIX 2.1 bundle.
///
/// Indicators become SCOs (`domain-name`, `ipv4-addr`, `ipv6-addr`, `url`,
/// `email-addr`, `file` with its hashes, `mutex`, `windows-registry-key`)
/// with the UUIDv5 ids the spec prescribes, so the same value always gets
/// the same id. What ThreatMiner relates becomes relationships:
///
/// * passive DNS: a `domain-name` `resolves-to` an address, the one type
///   the spec defines between these SCOs;
/// * a sample's hosts, the samples related to a domain or an address, and an
///   e-mail's reverse-WHOIS domains: `related-to`, with a description that
///   says how. STIX defines no `communicates-with` from a `file` (only from
///   malware and infrastructure SDOs), and a bundle of observables should
///   not invent a malware object for every sample.
///
/// A sample's metadata section adds its other hashes, name and size to the
/// `file`. Relationship ids are UUIDv4-shaped, derived from `seed` and the
/// relationship, so one export is reproducible and two exports with fresh
/// seeds do not collide. Times are `now_ms`.
pub fn to_stix(entries: &[Entry], now_ms: f64, seed: &str) -> String {
    let mut graph = Graph::default();
    for entry in entries {
        let Some(sco) = indicator_sco(entry.kind, &entry.value) else {
            continue;
        };
        let me = graph.add(sco);
        for s in &entry.sections {
            let Some(view) = s.view() else {
                continue;
            };
            let url = s.endpoint.web_url(&entry.value);
            match s.endpoint.section(s.rt) {
                Some(Section::Metadata) if graph.scos[me].kind == "file" => {
                    let merged = with_metadata(&graph.scos[me], view);
                    graph.replace(me, merged);
                }
                Some(section) => {
                    relate(&mut graph, me, s.endpoint, section, view, &url)
                }
                None => {}
            }
        }
    }
    let time = timestamp(now_ms);
    let mut objects: Vec<Value> = graph.scos.iter().map(Sco::to_json).collect();
    for link in &graph.links {
        let source = graph.scos[link.source].id();
        let target = graph.scos[link.target].id();
        let name = format!("{seed}|{source}|{}|{target}", link.kind);
        objects.push(json!({
            "type": "relationship",
            "spec_version": "2.1",
            "id": format!("relationship--{}", derived_v4(&name)),
            "created": time,
            "modified": time,
            "relationship_type": link.kind,
            "source_ref": source,
            "target_ref": target,
            "description": link.description,
            "external_references": [{ "source_name": "ThreatMiner", "url": link.url }],
        }));
    }
    let bundle = json!({
        "type": "bundle",
        "id": format!("bundle--{}", derived_v4(&format!("{seed}|bundle"))),
        "objects": objects,
    });
    serde_json::to_string_pretty(&bundle).unwrap_or_default()
}

/// A UUIDv4-shaped id from the SHA-1 of `name`.
fn derived_v4(name: &str) -> String {
    uuid_from(sha1_smol::Sha1::from(name).digest().bytes(), 4)
}

/// `file` with the hashes, name and size of a sample's metadata section.
fn with_metadata(file: &Sco, view: &SectionView) -> Sco {
    let mut out = file.clone();
    let mut hashes = match out.props.get("hashes") {
        Some(Value::Object(h)) => h.clone(),
        _ => serde_json::Map::new(),
    };
    for fact in view.all_facts() {
        let Some(first) = fact.values.first() else {
            continue;
        };
        let text = first.text.trim();
        let algorithm = match fact.label.as_str() {
            "MD5" => "MD5",
            "SHA-1" => "SHA-1",
            "SHA-256" => "SHA-256",
            "SHA-512" => "SHA-512",
            "ssdeep" => "SSDEEP",
            "File name" => {
                out.props.insert("name", Value::from(text));
                continue;
            }
            "File size" => {
                let digits = text.split_whitespace().next().unwrap_or("");
                if let Ok(size) = digits.parse::<u64>() {
                    out.props.insert("size", Value::from(size));
                }
                continue;
            }
            _ => continue,
        };
        if !text.is_empty() {
            hashes.insert(algorithm.into(), Value::from(text));
        }
    }
    if !hashes.is_empty() {
        out.props.insert("hashes", Value::Object(hashes));
    }
    out
}

/// Adds the relationships one section states about the SCO `me`.
fn relate(
    graph: &mut Graph,
    me: usize,
    endpoint: Endpoint,
    section: Section,
    view: &SectionView,
    url: &str,
) {
    let cells = view
        .table
        .iter()
        .flat_map(|t| t.rows.iter().flatten())
        .chain(view.all_facts().flat_map(|f| f.values.iter()))
        .chain(view.list.iter());
    let others: Vec<Sco> = cells.filter_map(pivot_sco).collect();
    let my_kind = graph.scos[me].kind;
    for other in others {
        // Only values ThreatMiner relates in a way STIX can say join the
        // bundle: a WHOIS server or a report's domain would be noise.
        let Some((kind, forward, why)) =
            relation(endpoint, section, my_kind, other.kind)
        else {
            continue;
        };
        let them = graph.add(other);
        if forward {
            graph.link(me, kind, them, why, url);
        } else {
            graph.link(them, kind, me, why, url);
        }
    }
}

/// The relationship a section states between the looked-up SCO (of type
/// `mine`) and one of its values (of type `theirs`): its type, whether it
/// points from the looked-up SCO, and a description.
fn relation(
    endpoint: Endpoint,
    section: Section,
    mine: &str,
    theirs: &str,
) -> Option<(&'static str, bool, &'static str)> {
    const HOST: [&str; 3] = ["domain-name", "ipv4-addr", "ipv6-addr"];
    let address = |t: &str| matches!(t, "ipv4-addr" | "ipv6-addr");
    let resolved = "ThreatMiner's passive DNS saw the domain resolve to the address";
    Some(match section {
        Section::PassiveDns if mine == "domain-name" && address(theirs) => {
            ("resolves-to", true, resolved)
        }
        Section::PassiveDns if address(mine) && theirs == "domain-name" => {
            ("resolves-to", false, resolved)
        }
        Section::Samples if HOST.contains(&mine) && theirs == "file" => {
            let why = "ThreatMiner lists the sample as related to the host";
            ("related-to", false, why)
        }
        Section::SampleHosts if mine == "file" && HOST.contains(&theirs) => {
            let why = "ThreatMiner's sandbox saw the sample contact the host";
            ("related-to", true, why)
        }
        Section::Domains
            if endpoint == Endpoint::Email
                && mine == "email-addr"
                && theirs == "domain-name" =>
        {
            let why = "ThreatMiner's reverse WHOIS lists the address for the domain";
            ("related-to", true, why)
        }
        _ => return None,
    })
}

/// `YYYY-MM-DDTHH:MM:SS.sssZ` for milliseconds since 1970 (UTC).
fn timestamp(ms: f64) -> String {
    let ms = if ms.is_finite() {
        ms.max(0.0) as i64
    } else {
        0
    };
    let (secs, millis) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Year, month and day of a day count since 1970-01-01, counted in the
/// Gregorian calendar's 400-year cycles so that leap years fall out exactly.
fn civil(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let cycle = shifted.div_euclid(146_097);
    let day = shifted.rem_euclid(146_097);
    let year = (day - day / 1460 + day / 36_524 - day / 146_096) / 365;
    let yday = day - (365 * year + year / 4 - year / 100);
    let mp = (5 * yday + 2) / 153;
    let mday = yday - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (year + cycle * 400 + i64::from(month <= 2), month, mday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::build_view;

    fn section(endpoint: Endpoint, rt: u8, results: Value) -> SectionEntry {
        let list = results.as_array().cloned().unwrap_or_default();
        let view = build_view(endpoint, rt, &list).expect("the sample decodes");
        SectionEntry {
            endpoint,
            rt,
            outcome: Some(WireOutcome {
                state: "ok".into(),
                count: Some(view.len()),
                view: Some(view),
                results: Some(results),
                ..WireOutcome::default()
            }),
        }
    }

    fn vwrm() -> Entry {
        let pdns = json!([
            {"ip": "209.29.221.235", "first_seen": "2015-01-01 00:00:00", "last_seen": ""},
            {"ip": "2001:db8::1", "first_seen": "", "last_seen": ""}
        ]);
        Entry {
            kind: Kind::Domain,
            value: "vwrm.com".into(),
            sections: vec![
                section(Endpoint::Domain, 2, pdns),
                SectionEntry {
                    endpoint: Endpoint::Domain,
                    rt: 4,
                    outcome: Some(WireOutcome {
                        state: "empty".into(),
                        message: Some("ThreatMiner has no related samples.".into()),
                        ..WireOutcome::default()
                    }),
                },
                SectionEntry {
                    endpoint: Endpoint::Domain,
                    rt: 5,
                    outcome: None,
                },
            ],
        }
    }

    #[test]
    fn uuid_v5_matches_the_rfc_example() {
        // RFC 4122's DNS namespace and "www.example.com", as Python's uuid5.
        let dns = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0,
            0x4f, 0xd4, 0x30, 0xc8,
        ];
        assert_eq!(
            uuid_v5(&dns, "www.example.com"),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2"
        );
    }

    #[test]
    fn sco_ids_follow_the_spec() {
        // The ids the reference library (stix2 3.0) gives these values.
        let domain = Sco::value("domain-name", "example.com");
        assert_eq!(
            domain.id(),
            "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"
        );
        let file = Sco::file_hash("SHA-256", &"a".repeat(64));
        let mut with_md5 = file.clone();
        with_md5.props.insert(
            "hashes",
            json!({"SHA-256": "a".repeat(64), "MD5": "b".repeat(32)}),
        );
        assert_eq!(with_md5.id(), Sco::file_hash("MD5", &"b".repeat(32)).id());
        assert_ne!(file.id(), with_md5.id());
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        assert_eq!(timestamp(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(951_782_400_123.0), "2000-02-29T00:00:00.123Z");
        assert_eq!(timestamp(1_796_320_437_000.0), "2026-12-03T17:53:57.000Z");
    }

    #[test]
    fn stix_domain_resolves_to_its_passive_dns_addresses() {
        let bundle: Value =
            serde_json::from_str(&to_stix(&[vwrm()], 0.0, "seed")).expect("json");
        let objects = bundle["objects"].as_array().expect("objects");
        let types: Vec<&str> =
            objects.iter().filter_map(|o| o["type"].as_str()).collect();
        assert_eq!(
            types,
            [
                "domain-name",
                "ipv4-addr",
                "ipv6-addr",
                "relationship",
                "relationship"
            ]
        );
        let rel = &objects[3];
        assert_eq!(rel["relationship_type"], "resolves-to");
        assert_eq!(rel["source_ref"], objects[0]["id"]);
        assert_eq!(rel["target_ref"], objects[1]["id"]);
        assert_eq!(
            rel["external_references"][0]["url"],
            "https://www.threatminer.org/domain.php?q=vwrm.com"
        );
    }

    #[test]
    fn stix_is_reproducible_for_one_seed_only() {
        let a = to_stix(&[vwrm()], 5.0, "one");
        assert_eq!(a, to_stix(&[vwrm()], 5.0, "one"));
        assert_ne!(a, to_stix(&[vwrm()], 5.0, "two"));
    }

    #[test]
    fn stix_sample_metadata_adds_hashes_and_hosts_are_related() {
        let md5 = "e6ff1bf0821f00384cdd25efb9b1cc09";
        let meta = json!([{"md5": md5, "sha256": "c".repeat(64), "file_name": "a.exe",
            "file_size": "546304 bytes"}]);
        let hosts = json!([{"domains": [{"ip": "10.1.2.3", "domain": "evil.example"}],
            "hosts": ["10.1.2.3"]}]);
        let entry = Entry {
            kind: Kind::Md5,
            value: md5.into(),
            sections: vec![
                section(Endpoint::Sample, 1, meta),
                section(Endpoint::Sample, 3, hosts),
            ],
        };
        let bundle: Value =
            serde_json::from_str(&to_stix(&[entry], 0.0, "s")).expect("json");
        let objects = bundle["objects"].as_array().expect("objects");
        let file = &objects[0];
        assert_eq!(file["hashes"]["SHA-256"], "c".repeat(64));
        assert_eq!(file["size"], 546_304);
        // The name contributes to the id; of the hashes only the MD5 does.
        let mut expected = Sco::file_hash("MD5", md5);
        expected.props.insert("name", Value::from("a.exe"));
        assert_eq!(file["id"], expected.id());
        let rels: Vec<&Value> = objects
            .iter()
            .filter(|o| o["type"] == "relationship")
            .collect();
        assert_eq!(rels.len(), 2, "{rels:?}");
        assert!(rels.iter().all(|r| r["relationship_type"] == "related-to"));
        assert!(rels.iter().all(|r| r["source_ref"] == file["id"]));
    }

    #[test]
    fn values_without_a_stix_relation_stay_out_of_the_bundle() {
        let whois = json!([{"domain": "vwrm.com", "whois": {
            "nameservers": ["onyx.nbnet.nb.ca"], "whois_server": "whois.register.com"}}]);
        let subdomains = json!(["www.vwrm.com"]);
        let entry = Entry {
            kind: Kind::Domain,
            value: "vwrm.com".into(),
            sections: vec![
                section(Endpoint::Domain, 1, whois),
                section(Endpoint::Domain, 5, subdomains),
            ],
        };
        let bundle: Value =
            serde_json::from_str(&to_stix(&[entry], 0.0, "s")).expect("json");
        let values: Vec<&str> = bundle["objects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["value"].as_str())
            .collect();
        assert_eq!(values, ["vwrm.com"]);
    }

    #[test]
    fn kinds_without_an_observable_are_left_out() {
        let entry = |kind, value: &str| Entry {
            kind,
            value: value.into(),
            sections: Vec::new(),
        };
        let entries = [
            entry(Kind::Cve, "CVE-2020-0001"),
            entry(Kind::Url, "evil.example/a.php"),
            entry(Kind::Url, "https://evil.example/a.php"),
        ];
        let bundle: Value =
            serde_json::from_str(&to_stix(&entries, 0.0, "s")).expect("json");
        assert_eq!(bundle["objects"].as_array().map(Vec::len), Some(1));
        assert_eq!(bundle["objects"][0]["value"], "https://evil.example/a.php");
    }

    #[test]
    fn json_keeps_raw_results_and_states() {
        let doc: Value = serde_json::from_str(&to_json(&[vwrm()], 0.0)).expect("json");
        let sections = &doc["indicators"][0]["sections"];
        assert_eq!(doc["indicators"][0]["defanged"], "vwrm[.]com");
        assert_eq!(sections[0]["results"][0]["ip"], "209.29.221.235");
        assert_eq!(sections[1]["state"], "empty");
        assert_eq!(sections[2]["state"], "pending");
    }

    #[test]
    fn csv_has_a_line_per_value_and_one_per_unanswered_section() {
        let csv = to_csv(&[vwrm()]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert_eq!(
            lines[1],
            "domain,vwrm.com,domain,2,Passive DNS,ok,1,IP address,209.29.221.235,host"
        );
        assert!(lines
            .iter()
            .any(|l| l.ends_with(",2,IP address,2001:db8::1,host")));
        assert!(lines
            .iter()
            .any(|l| l.contains(",empty,,message,ThreatMiner has no")));
        assert!(lines.iter().any(|l| l.contains(",pending,,message,,")));
        assert_eq!(lines.last(), Some(&""));
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut out = String::new();
        csv_line(&mut out, &["a,b", "say \"hi\"", "=1+2", "-x", "plain"]);
        assert_eq!(
            out,
            "\"a,b\",\"say \"\"hi\"\"\",\"'=1+2\",\"'-x\",plain\r\n"
        );
    }
}
