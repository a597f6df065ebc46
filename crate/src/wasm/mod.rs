//! The one module that speaks wasm-bindgen: converts arguments with
//! serde-wasm-bindgen, calls the core and converts back.

mod frame;
mod net;
mod render;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::extract::{Extraction, Finder, Kind};
use crate::tm::{self, Endpoint, Request};

/// Sends panics to the console, so that a bug shows as an error there and
/// the view can show its error state instead of hanging.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Serializes for JS as plain objects (not `Map`s), so the values pass
/// through `postMessage` and extension storage unchanged.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(JsValue::from)
}

/// Hands a large value to JS as JSON text parsed by the engine: building
/// tens of thousands of objects field by field across the boundary is many
/// times slower than one `JSON.parse`, and its cost grew faster than the
/// input. [`extract`] and [`targets`] hand over columns instead, faster
/// still, and come here only for what the columns cannot carry.
fn to_js_bulk<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|err| JsValue::from_str(&format!("serializing failed: {err}")))?;
    js_sys::JSON::parse(&text)
}

fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(JsValue::from)
}

thread_local! {
    // One finder serves every call.
    static FINDER: Finder = Finder::new();
}

fn find(text: &str) -> Extraction {
    FINDER.with(|f| f.find(text))
}

/// Finds the indicators in `text`: `{indicators, truncated, scanned_bytes}`,
/// the JSON of `tmlookup extract --json` without its `groups` (see
/// [`targets`] for the values grouped). Offsets are in UTF-8 bytes, as the
/// command line's are; `raw` is the text they cover. A text that is not a
/// string throws a `TypeError`.
///
/// The text comes as the JS string itself, not only its UTF-8 copy: each
/// match's `raw` is then a slice of it, which costs the engine next to
/// nothing, where decoding every raw text from UTF-8 took a tenth of the
/// call in Chromium.
#[wasm_bindgen]
pub fn extract(text: &JsValue) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Out<'a> {
        indicators: &'a [crate::Match],
        truncated: bool,
        scanned_bytes: usize,
    }
    let Some(copy) = text.as_string() else {
        return Err(js_sys::TypeError::new("extract() takes a string").into());
    };
    let found = find(&copy);
    let Some(indicators) = pack_matches(text, &copy, &found.indicators) else {
        return to_js_bulk(&Out {
            indicators: &found.indicators,
            truncated: found.truncated,
            scanned_bytes: found.scanned_bytes,
        });
    };
    result_object(
        ("indicators", indicators),
        found.truncated,
        found.scanned_bytes,
    )
}

/// `{<list>, truncated, scanned_bytes}`, the list under the key that
/// [`extract`] or [`targets`] gives it.
fn result_object(
    list: (&str, JsValue),
    truncated: bool,
    scanned_bytes: usize,
) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    let set =
        |key: &str, value: &JsValue| js_sys::Reflect::set(&out, &key.into(), value);
    set(list.0, &list.1)?;
    set("truncated", &truncated.into())?;
    set("scanned_bytes", &(scanned_bytes as f64).into())?;
    Ok(out.into())
}

/// One indicator to look up: a kind and a normalised value.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Target {
    kind: Kind,
    value: String,
    #[serde(default = "one")]
    count: usize,
    /// Other readings with a kind of their own (`report.zip` as a domain).
    #[serde(default)]
    alternatives: Vec<Kind>,
    /// Other readings without one (`imphash` for 32 hex digits).
    #[serde(default)]
    also: Vec<String>,
}

fn one() -> usize {
    1
}

/// What the results view and the popup look up in `text`:
/// `{targets, truncated, scanned_bytes}`.
///
/// One target per distinct indicator, in order of first appearance. Values
/// read out of another match (a URL's host and path, an e-mail's domain)
/// are left out: their match is looked up through them. A target's `count`
/// is left out when it is 1, and its `alternatives` and `also` when they
/// are empty (the defaults [`Target`] reads back).
#[wasm_bindgen]
pub fn targets(text: &str) -> Result<JsValue, JsValue> {
    let mut set = TargetSet::new();
    set.add(text);
    set.result()
}

/// The targets of a text that comes in pieces, as [`targets`] gives them
/// for the whole: a page scan [`add`](TargetSet::add)s each piece of the
/// page as it arrives, in order, and the set counts the values as it goes.
/// A piece must end where no indicator runs on, at a line break.
#[wasm_bindgen]
#[derive(Default)]
pub struct TargetSet {
    // An index by (kind, value) in order of first appearance: a page scan
    // can hold tens of thousands of distinct values, and a linear search
    // per match made this quadratic. foldhash rather than the default
    // SipHash, which took a fifth of the time of a scan; it is still seeded
    // per instance, so a page cannot choose values that collide.
    seen: indexmap::IndexMap<(Kind, String), Tally, foldhash::fast::RandomState>,
    truncated: bool,
    scanned_bytes: usize,
}

/// How often a target was seen, and what its first match said of it.
struct Tally {
    count: usize,
    alternatives: Vec<Kind>,
    also: Vec<&'static str>,
}

#[wasm_bindgen]
impl TargetSet {
    /// An empty set.
    #[wasm_bindgen(constructor)]
    pub fn new() -> TargetSet {
        TargetSet::default()
    }

    /// Finds the indicators in `text`, the next piece, and counts them in.
    pub fn add(&mut self, text: &str) {
        let found = find(text);
        self.truncated |= found.truncated;
        self.scanned_bytes += found.scanned_bytes;
        for m in found.indicators {
            if m.derived_from.is_some() {
                continue;
            }
            self.seen
                .entry((m.kind, m.value))
                .and_modify(|t| t.count += 1)
                .or_insert(Tally {
                    count: 1,
                    alternatives: m.alternatives,
                    also: m.also,
                });
        }
    }

    /// `{targets, truncated, scanned_bytes}` of all the pieces added.
    pub fn result(&self) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct Out<'a> {
            targets: Vec<TargetView<'a>>,
            truncated: bool,
            scanned_bytes: usize,
        }
        let list: Vec<TargetView<'_>> = self
            .seen
            .iter()
            .map(|((kind, value), t)| TargetView {
                kind: *kind,
                value,
                count: t.count,
                alternatives: &t.alternatives,
                also: &t.also,
            })
            .collect();
        let Some(packed) = pack_targets(&list) else {
            return to_js_bulk(&Out {
                targets: list,
                truncated: self.truncated,
                scanned_bytes: self.scanned_bytes,
            });
        };
        result_object(("targets", packed), self.truncated, self.scanned_bytes)
    }
}

// The result objects are built on the JS side (extension/lib/unpack.js)
// from columns: the strings as one text, a line each, and the numbers in
// typed arrays. On a page of tens of thousands of values this took a third
// of the time of decoding and parsing the same list as JSON, and leaves no
// JSON text for the collector. The path is relative to pkg/tmlookup.js.
#[wasm_bindgen(raw_module = "../lib/unpack.js")]
extern "C" {
    fn unpack_targets(
        kinds: &JsValue,
        kind_of: &[u8],
        counts: &[u32],
        values: &str,
        extras: &JsValue,
        extra_of: &[u32],
    ) -> JsValue;

    #[allow(clippy::too_many_arguments)]
    fn unpack_matches(
        text: &JsValue,
        kinds: &JsValue,
        kind_of: &[u8],
        spans: &[u32],
        units: &[u32],
        parents: &[u32],
        values: &str,
        extras: &JsValue,
        extra_of: &[u32],
    ) -> JsValue;
}

/// Numbers the kinds in the order they first occur, for the columns.
#[derive(Default)]
struct KindTable(Vec<Kind>);

impl KindTable {
    fn number(&mut self, kind: Kind) -> u8 {
        let i = self.0.iter().position(|&k| k == kind).unwrap_or_else(|| {
            self.0.push(kind);
            self.0.len() - 1
        });
        i as u8
    }
}

/// Adds `line` to `text` as its next line.
fn push_line(text: &mut String, first: bool, line: &str) {
    if !first {
        text.push('\n');
    }
    text.push_str(line);
}

/// What some matches carry besides the columns: alternatives, other
/// readings and a label.
type Extra<'a> = (&'a [Kind], &'a [&'static str], Option<&'static str>);

/// Numbers the distinct extras, from 1 (0 is a match with none). There are
/// only a few combinations of them, and every MD5 and SHA-1 has one, so
/// the table crosses to JS once instead of a list per match.
#[derive(Default)]
struct ExtraTable<'a>(Vec<Extra<'a>>);

impl<'a> ExtraTable<'a> {
    fn number(&mut self, extra: Extra<'a>) -> u32 {
        if extra.0.is_empty() && extra.1.is_empty() && extra.2.is_none() {
            return 0;
        }
        let i = self.0.iter().position(|e| *e == extra).unwrap_or_else(|| {
            self.0.push(extra);
            self.0.len() - 1
        });
        i as u32 + 1
    }
}

/// Whether `s` holds a line break, which the one-text-a-line column cannot
/// carry. Values are short, so a plain loop beats a vectorised search's
/// set-up.
fn has_line_break(s: &str) -> bool {
    s.bytes().any(|c| c == b'\n')
}

/// The matches as JS objects, built by `unpack_matches` from `js_text`,
/// the JS string that `text` was copied from; `None` when a value that
/// differs from its raw text holds a line break, a span does not fall on
/// character boundaries, or an offset does not fit in 32 bits, which the
/// columns cannot carry.
fn pack_matches(
    js_text: &JsValue,
    text: &str,
    list: &[crate::Match],
) -> Option<JsValue> {
    let mut kinds = KindTable::default();
    let mut kind_of = Vec::with_capacity(list.len());
    let mut spans = Vec::with_capacity(2 * list.len());
    let mut units = Vec::with_capacity(2 * list.len());
    let mut parents = Vec::with_capacity(list.len());
    let mut values = String::new();
    let mut extras = ExtraTable::default();
    let mut extra_of = Vec::with_capacity(list.len());
    let mut utf16 = Utf16Offsets::new(text);
    for (i, m) in list.iter().enumerate() {
        if m.raw.is_empty() || m.raw.len() != m.end - m.start {
            return None;
        }
        // An empty line: the value is the raw text, which JS slices.
        let value = if m.raw == m.value { "" } else { &m.value };
        if has_line_break(value) {
            return None;
        }
        kind_of.push(kinds.number(m.kind));
        spans.push(u32::try_from(m.start).ok()?);
        spans.push(u32::try_from(m.end).ok()?);
        let start = utf16.at(m.start);
        units.push(u32::try_from(start).ok()?);
        units.push(u32::try_from(start + utf16_len(m.raw.as_bytes())).ok()?);
        parents.push(match m.derived_from {
            Some(p) => u32::try_from(p + 1).ok()?,
            None => 0,
        });
        push_line(&mut values, i == 0, value);
        extra_of.push(extras.number((&m.alternatives, &m.also, m.label)));
    }
    let kinds = to_js(&kinds.0).ok()?;
    let extras = to_js(&extras.0).ok()?;
    Some(unpack_matches(
        js_text, &kinds, &kind_of, &spans, &units, &parents, &values, &extras,
        &extra_of,
    ))
}

/// The UTF-16 offsets (what JS strings count in) of byte offsets of a
/// text, asked for in increasing order, so that the text is read once.
struct Utf16Offsets<'a> {
    b: &'a [u8],
    byte: usize,
    unit: usize,
}

impl<'a> Utf16Offsets<'a> {
    fn new(text: &'a str) -> Self {
        Utf16Offsets {
            b: text.as_bytes(),
            byte: 0,
            unit: 0,
        }
    }

    /// The UTF-16 offset of byte offset `p`, a character boundary.
    fn at(&mut self, p: usize) -> usize {
        if p < self.byte {
            // Never in the finder's order; correct, only slower.
            (self.byte, self.unit) = (0, 0);
        }
        self.unit += utf16_len(&self.b[self.byte..p]);
        self.byte = p;
        self.unit
    }
}

/// How many UTF-16 code units the whole characters in `b` take: one for
/// each byte that starts a character, and one more for each that starts a
/// four-byte one. No branches, so the loop runs on vectors.
fn utf16_len(b: &[u8]) -> usize {
    b.iter()
        .map(|&c| usize::from(c & 0xC0 != 0x80) + usize::from(c >= 0xF0))
        .sum()
}

/// The targets as JS objects, built by `unpack_targets`; `None` when a
/// value holds a line break, which the columns cannot carry.
fn pack_targets(list: &[TargetView<'_>]) -> Option<JsValue> {
    let mut kinds = KindTable::default();
    let mut kind_of = Vec::with_capacity(list.len());
    let mut counts = Vec::with_capacity(list.len());
    let mut values =
        String::with_capacity(list.iter().map(|t| t.value.len() + 1).sum());
    let mut extras = ExtraTable::default();
    let mut extra_of = Vec::with_capacity(list.len());
    for (i, t) in list.iter().enumerate() {
        if has_line_break(t.value) {
            return None;
        }
        kind_of.push(kinds.number(t.kind));
        counts.push(u32::try_from(t.count).unwrap_or(u32::MAX));
        push_line(&mut values, i == 0, t.value);
        extra_of.push(extras.number((t.alternatives, t.also, None)));
    }
    let kinds = to_js(&kinds.0).ok()?;
    let extras = to_js(&extras.0).ok()?;
    Some(unpack_targets(
        &kinds, &kind_of, &counts, &values, &extras, &extra_of,
    ))
}

/// A [`Target`] borrowed from the matches, serialized the same way but for
/// the defaults it leaves out.
#[derive(Serialize)]
struct TargetView<'a> {
    kind: Kind,
    value: &'a str,
    #[serde(skip_serializing_if = "is_one")]
    count: usize,
    #[serde(skip_serializing_if = "<[Kind]>::is_empty")]
    alternatives: &'a [Kind],
    #[serde(skip_serializing_if = "<[&str]>::is_empty")]
    also: &'a [&'static str],
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

/// Reads `kind:value` strings (the results page's `i=` parameters); those
/// with an unknown kind or an empty value are skipped.
#[wasm_bindgen]
pub fn parse_targets(items: Vec<String>) -> Result<JsValue, JsValue> {
    let targets: Vec<Target> = items
        .iter()
        .filter_map(|item| {
            let (kind, value) = item.split_once(':')?;
            let kind: Kind = serde_json::from_value(kind.into()).ok()?;
            let value = value.trim();
            (!value.is_empty()).then(|| Target {
                kind,
                value: value.to_owned(),
                count: 1,
                alternatives: Vec::new(),
                also: Vec::new(),
            })
        })
        .collect();
    to_js(&targets)
}

/// What to tell the user when `text` holds no indicator.
#[wasm_bindgen]
pub fn nothing_found_message(text: &str) -> String {
    frame::nothing_found_message(text)
}

/// One line that counts the indicators by kind.
#[wasm_bindgen]
pub fn summary_line(targets: JsValue) -> Result<String, JsValue> {
    let targets: Vec<Target> = from_js(targets)?;
    Ok(frame::summary_line(&targets))
}

/// The requests to send for an indicator of `kind`.
#[wasm_bindgen]
pub fn plan(kind: &str, value: &str) -> Result<JsValue, JsValue> {
    let kind: Kind = serde_json::from_value(kind.into())
        .map_err(|_| JsValue::from_str(&format!("unknown indicator kind {kind}")))?;
    to_js(&tm::plan(kind, value))
}

/// The plan for reading `value` as a query of `endpoint` (`imphash`,
/// `ssl`, …); for `report`, `year` names the report's year.
#[wasm_bindgen]
pub fn plan_as(
    endpoint: &str,
    value: &str,
    year: Option<String>,
) -> Result<JsValue, JsValue> {
    let endpoint = Endpoint::from_name(endpoint)
        .ok_or_else(|| JsValue::from_str(&format!("unknown endpoint {endpoint}")))?;
    let plan = match (endpoint, year) {
        (Endpoint::Report, Some(y)) => tm::plan_report(value, &y),
        _ => tm::plan_as(endpoint, value),
    };
    to_js(&plan)
}

/// `value` of `kind` defanged, for pasting where it must not become live.
#[wasm_bindgen]
pub fn defang(kind: &str, value: &str) -> String {
    match serde_json::from_value::<Kind>(kind.into()) {
        Ok(kind) => crate::defang(kind, value),
        Err(_) => value.to_owned(),
    }
}

/// The earliest time (ms) a request may leave so that no rolling window of
/// `window_ms` holds more than `limit` requests sent at `sent_at`.
#[wasm_bindgen]
pub fn next_slot(sent_at: Vec<f64>, now_ms: f64, limit: u32, window_ms: f64) -> f64 {
    tm::budget::next_slot(&sent_at, now_ms, limit, window_ms)
}

/// Sends one request to ThreatMiner and says how it went. Failures of the
/// service come back as an outcome in the `error` state; the promise
/// rejects only when `request` is not a request.
#[wasm_bindgen]
pub async fn fetch_outcome(
    base: String,
    request: JsValue,
    timeout_ms: u32,
) -> Result<JsValue, JsValue> {
    let request: Request = from_js(request)?;
    let outcome = net::fetch_outcome(&base, &request, timeout_ms).await;
    to_js(&outcome)
}

/// Draws one indicator's block, with a section per planned request, at the
/// end of `container`. Returns the block.
#[wasm_bindgen]
pub fn render_indicator(
    container: &Element,
    target: JsValue,
    plan: JsValue,
) -> Result<Element, JsValue> {
    let target: Target = from_js(target)?;
    let plan: frame::WirePlan = from_js(plan)?;
    frame::indicator(container, &target, &plan)
}

/// Shows a section's progress: `queued` (with its place in line and when it
/// may leave) or `loading`.
#[wasm_bindgen]
pub fn render_status(
    section: &Element,
    state: &str,
    position: u32,
    eta_ms: f64,
    paused_until_ms: f64,
    now_ms: f64,
) -> Result<(), JsValue> {
    frame::status(section, state, position, eta_ms, paused_until_ms, now_ms)
}

/// Draws a section's answer, as the background's outcome for it.
#[wasm_bindgen]
pub fn render_outcome(
    section: &Element,
    outcome: JsValue,
    fetched_at_ms: f64,
    cached: bool,
    now_ms: f64,
) -> Result<(), JsValue> {
    let outcome: frame::WireOutcome = from_js(outcome)?;
    frame::outcome(section, &outcome, fetched_at_ms, cached, now_ms)
}

/// The kind as people say it ("IPv4 address"); the name itself when unknown.
#[wasm_bindgen]
pub fn kind_label(kind: &str) -> String {
    match serde_json::from_value::<Kind>(kind.into()) {
        Ok(kind) => frame::kind_label(kind).to_owned(),
        Err(_) => kind.to_owned(),
    }
}

/// Fills the popup's list of a page's indicators, grouped by kind.
#[wasm_bindgen]
pub fn render_found_groups(list: &Element, targets: JsValue) -> Result<(), JsValue> {
    let targets: Vec<Target> = from_js(targets)?;
    frame::found_groups(list, &targets)
}

/// Fills the popup's list of found indicators.
#[wasm_bindgen]
pub fn render_found_list(list: &Element, targets: JsValue) -> Result<(), JsValue> {
    let targets: Vec<Target> = from_js(targets)?;
    frame::found_list(list, &targets)
}

/// The view's indicators and their sections' outcomes, as the results page
/// collects them for export: `[{kind, value, sections: [{endpoint, rt,
/// outcome?}]}]`.
fn export_entries(entries: JsValue) -> Result<Vec<crate::export::Entry>, JsValue> {
    from_js(entries)
}

/// The view as JSON: normalised values with ThreatMiner's raw answers.
#[wasm_bindgen]
pub fn export_json(entries: JsValue, now_ms: f64) -> Result<String, JsValue> {
    Ok(crate::export::to_json(&export_entries(entries)?, now_ms))
}

/// The view as CSV, one line per value shown.
#[wasm_bindgen]
pub fn export_csv(entries: JsValue) -> Result<String, JsValue> {
    Ok(crate::export::to_csv(&export_entries(entries)?))
}

/// The view as a STIX 2.1 bundle; `seed` makes the relationship ids (pass a
/// fresh random UUID).
#[wasm_bindgen]
pub fn export_stix(
    entries: JsValue,
    now_ms: f64,
    seed: &str,
) -> Result<String, JsValue> {
    Ok(crate::export::to_stix(
        &export_entries(entries)?,
        now_ms,
        seed,
    ))
}
