//! The frame of the results view and the popup list: indicator blocks,
//! section headings, progress and messages. Section contents are drawn by
//! `render`. Every string from a page or an answer becomes a text node.

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

use super::Target;
use crate::tm::SectionView;

/// The parts of a [`tm::Plan`] the frame draws, as they come back from JS.
#[derive(Debug, Deserialize)]
pub(crate) struct WirePlan {
    lookup_value: String,
    note: Option<String>,
    requests: Vec<WireRequest>,
    #[serde(default)]
    alternatives: Vec<WireAlternative>,
    web_url: String,
}

#[derive(Debug, Deserialize)]
struct WireRequest {
    endpoint: String,
    rt: u8,
    title: String,
}

/// The parts of a [`crate::tm::Outcome`] the frame draws, as the
/// background passed it on.
#[derive(Debug, Deserialize)]
pub(crate) struct WireOutcome {
    state: String,
    #[serde(default)]
    view: Option<SectionView>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireAlternative {
    label: String,
    endpoint: String,
}

fn document() -> Result<Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document: the frame draws only in pages"))
}

/// Creates `<tag class=class>text</tag>`; empty `class` or `text` are left out.
fn el(doc: &Document, tag: &str, class: &str, text: &str) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    Ok(e)
}

/// Appends `child` to `parent`.
fn append(parent: &Element, child: Element) -> Result<(), JsValue> {
    parent.append_child(&child)?;
    Ok(())
}

fn button(doc: &Document, action: &str, text: &str) -> Result<Element, JsValue> {
    let b = el(doc, "button", action, text)?;
    b.set_attribute("type", "button")?;
    b.set_attribute("data-action", action)?;
    Ok(b)
}

/// A link to ThreatMiner's web site, opened in a new tab. Only `https:`
/// links to threatminer.org are drawn; anything else becomes plain text.
fn external_link(doc: &Document, href: &str, text: &str) -> Result<Element, JsValue> {
    if !href.starts_with("https://www.threatminer.org/") {
        return el(doc, "span", "", text);
    }
    let a = el(doc, "a", "external", text)?;
    a.set_attribute("href", href)?;
    a.set_attribute("target", "_blank")?;
    a.set_attribute("rel", "noopener noreferrer")?;
    Ok(a)
}

/// The kind as people say it.
pub(crate) fn kind_label(kind: crate::Kind) -> &'static str {
    use crate::Kind::*;
    match kind {
        Ipv4 => "IPv4 address",
        Ipv6 => "IPv6 address",
        Domain => "Domain",
        Url => "URL",
        UrlPath => "URL path",
        Email => "E-mail address",
        Md5 => "MD5",
        Sha1 => "SHA-1",
        Sha256 => "SHA-256",
        Sha384 => "SHA-384",
        Sha512 => "SHA-512",
        Ssdeep => "ssdeep",
        Filename => "File name",
        Mutex => "Mutex",
        RegistryKey => "Registry key",
        UserAgent => "User-agent",
        Cve => "CVE",
    }
}

/// Draws one indicator's block at the end of `container`.
pub(crate) fn indicator(
    container: &Element,
    target: &Target,
    plan: &WirePlan,
) -> Result<Element, JsValue> {
    let doc = document()?;
    let article = el(&doc, "article", "indicator", "")?;
    article.set_attribute("data-kind", target.kind.name())?;
    article.set_attribute("data-indicator", &target.value)?;

    let header = el(&doc, "header", "", "")?;
    append(&header, el(&doc, "span", "kind", kind_label(target.kind))?)?;
    append(&header, el(&doc, "h2", "value", &target.value)?)?;
    if target.count > 1 {
        let seen = format!("seen {} times", target.count);
        append(&header, el(&doc, "span", "count", &seen)?)?;
    }
    // Every block has the same buttons: their accessible names say which
    // value they act on, so a screen reader's list of controls tells them apart.
    let value = &target.value;
    let actions = el(&doc, "div", "actions", "")?;
    let copy = button(&doc, "copy", "Copy")?;
    copy.set_attribute("aria-label", &format!("Copy {value}"))?;
    append(&actions, copy)?;
    let defanged = button(&doc, "copy-defanged", "Copy defanged")?;
    defanged.set_attribute("aria-label", &format!("Copy {value} defanged"))?;
    append(&actions, defanged)?;
    let open = external_link(&doc, &plan.web_url, "Open in ThreatMiner")?;
    open.set_attribute("aria-label", &format!("Open {value} in ThreatMiner"))?;
    append(&actions, open)?;
    header.append_child(&actions)?;
    article.append_child(&header)?;

    if let Some(note) = &plan.note {
        append(&article, el(&doc, "p", "note", note)?)?;
    }
    if target.value != plan.lookup_value && plan.note.is_none() {
        let via = format!("Looked up as {}.", plan.lookup_value);
        append(&article, el(&doc, "p", "note", &via)?)?;
    }
    if !plan.alternatives.is_empty() {
        let alts = el(&doc, "div", "alternatives", "")?;
        for alt in &plan.alternatives {
            let b = button(&doc, "look-up-as", &alt.label)?;
            b.set_attribute("data-endpoint", &alt.endpoint)?;
            alts.append_child(&b)?;
        }
        article.append_child(&alts)?;
    }
    for request in &plan.requests {
        append(&article, section(&doc, request, &target.value)?)?;
    }
    container.append_child(&article)?;
    Ok(article)
}

fn section(
    doc: &Document,
    request: &WireRequest,
    value: &str,
) -> Result<Element, JsValue> {
    let s = el(doc, "section", "section", "")?;
    s.set_attribute("data-endpoint", &request.endpoint)?;
    s.set_attribute("data-rt", &request.rt.to_string())?;
    s.set_attribute("data-state", "queued")?;
    let head = el(doc, "div", "section-head", "")?;
    append(&head, el(doc, "h3", "", &request.title)?)?;
    append(&head, el(doc, "span", "section-status", "Queued")?)?;
    let refresh = button(doc, "refresh", "Refresh")?;
    let what = format!("{} of {value}", request.title);
    refresh.set_attribute("aria-label", &format!("Refresh {what}"))?;
    append(&head, refresh)?;
    s.append_child(&head)?;
    append(&s, el(doc, "div", "section-body", "")?)?;
    let message = el(doc, "p", "section-message", "")?;
    message.set_attribute("role", "status")?;
    s.append_child(&message)?;
    let retry = button(doc, "retry", "Retry")?;
    retry.set_attribute("aria-label", &format!("Retry {what}"))?;
    append(&s, retry)?;
    Ok(s)
}

fn part(section: &Element, class: &str) -> Result<Element, JsValue> {
    section
        .query_selector(&format!(".{class}"))?
        .ok_or_else(|| JsValue::from_str("section drawn without its parts"))
}

/// Shows a section's progress.
pub(crate) fn status(
    section: &Element,
    state: &str,
    position: u32,
    eta_ms: f64,
    paused_until_ms: f64,
    now_ms: f64,
) -> Result<(), JsValue> {
    let text = match state {
        "queued" => queued_text(position, eta_ms, paused_until_ms, now_ms),
        _ => "Asking ThreatMiner…".to_owned(),
    };
    part(section, "section-status")?.set_text_content(Some(&text));
    Ok(())
}

/// "Queued: 3rd in line, leaves in about 12 s", with the pause explained.
pub(crate) fn queued_text(
    position: u32,
    eta_ms: f64,
    paused_until_ms: f64,
    now: f64,
) -> String {
    let wait = ((eta_ms - now) / 1000.0).ceil().max(0.0) as u64;
    let when = if wait == 0 {
        "leaves now".to_owned()
    } else {
        format!("leaves in about {wait} s")
    };
    let mut text = format!("Queued: number {position} in line, {when}");
    if paused_until_ms > now {
        text.push_str(
            ". ThreatMiner asked us to slow down, so every lookup waits a minute",
        );
    }
    text
}

/// Draws a section's answer, or says why there is none.
pub(crate) fn outcome(
    section: &Element,
    outcome: &WireOutcome,
    fetched_at_ms: f64,
    cached: bool,
    now_ms: f64,
) -> Result<(), JsValue> {
    let doc = document()?;
    let body = part(section, "section-body")?;
    let message = part(section, "section-message")?;
    let status = part(section, "section-status")?;
    body.replace_children_with_node_0();
    message.set_text_content(None);
    match (outcome.state.as_str(), &outcome.view) {
        ("ok", Some(view)) => {
            status.set_text_content(Some(&fetched_text(fetched_at_ms, cached, now_ms)));
            super::render::render_view(&doc, &body, view)?;
        }
        ("empty", _) => {
            status.set_text_content(Some(&fetched_text(fetched_at_ms, cached, now_ms)));
            let text = outcome
                .message
                .as_deref()
                .unwrap_or("ThreatMiner has no results.");
            message.set_text_content(Some(text));
        }
        _ => {
            status.set_text_content(Some("Failed"));
            let text = outcome
                .message
                .as_deref()
                .unwrap_or("The answer could not be read. Retry.");
            message.set_text_content(Some(text));
        }
    }
    Ok(())
}

/// "Fetched 5 min ago (from the cache)".
pub(crate) fn fetched_text(fetched_at_ms: f64, cached: bool, now_ms: f64) -> String {
    let mins = ((now_ms - fetched_at_ms) / 60_000.0).floor().max(0.0) as u64;
    let age = match mins {
        0 => "just now".to_owned(),
        1..=59 => format!("{mins} min ago"),
        _ => format!("{} h ago", mins / 60),
    };
    let from = if cached { " (from the cache)" } else { "" };
    format!("Fetched {age}{from}")
}

/// Fills the popup's list: one item per indicator, with a look-up button.
pub(crate) fn found_list(list: &Element, targets: &[Target]) -> Result<(), JsValue> {
    let doc = document()?;
    for t in targets {
        let li = el(&doc, "li", "", "")?;
        li.set_attribute("data-kind", t.kind.name())?;
        li.set_attribute("data-indicator", &t.value)?;
        append(&li, el(&doc, "span", "kind", kind_label(t.kind))?)?;
        append(&li, el(&doc, "span", "value", &t.value)?)?;
        let b = el(&doc, "button", "lookup", "Look up")?;
        b.set_attribute("type", "button")?;
        li.append_child(&b)?;
        list.append_child(&li)?;
    }
    Ok(())
}

/// Fills the popup's list grouped by kind: per kind a heading with the
/// number of distinct values and a button that looks them all up, then one
/// item per value with a checkbox (to look up several), how often the text
/// holds it, and its own look-up button.
///
/// Items keep the shape of [`found_list`]'s (`li[data-kind][data-indicator]`
/// with a `button.lookup`), nested one level down.
pub(crate) fn found_groups(list: &Element, targets: &[Target]) -> Result<(), JsValue> {
    let doc = document()?;
    let mut kinds: Vec<crate::Kind> = targets.iter().map(|t| t.kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let members: Vec<&Target> = targets.iter().filter(|t| t.kind == kind).collect();
        let group = el(&doc, "li", "group", "")?;
        group.set_attribute("data-group", kind.name())?;
        let head = el(&doc, "div", "group-head", "")?;
        let title = format!("{} ({})", kind_label(kind), members.len());
        let heading = el(&doc, "h3", "", &title)?;
        let heading_id = format!("group-{}", kind.name());
        heading.set_attribute("id", &heading_id)?;
        append(&head, heading)?;
        let all = el(&doc, "button", "lookup-group", "Look up these")?;
        all.set_attribute("type", "button")?;
        all.set_attribute("aria-label", &format!("Look up every {title}"))?;
        append(&head, all)?;
        group.append_child(&head)?;
        let items = el(&doc, "ul", "", "")?;
        items.set_attribute("aria-labelledby", &heading_id)?;
        for t in members {
            append(&items, found_item(&doc, t)?)?;
        }
        group.append_child(&items)?;
        list.append_child(&group)?;
    }
    Ok(())
}

fn found_item(doc: &Document, t: &Target) -> Result<Element, JsValue> {
    let li = el(doc, "li", "", "")?;
    li.set_attribute("data-kind", t.kind.name())?;
    li.set_attribute("data-indicator", &t.value)?;
    let pick = el(doc, "input", "pick", "")?;
    pick.set_attribute("type", "checkbox")?;
    pick.set_attribute("aria-label", &format!("Select {}", t.value))?;
    append(&li, pick)?;
    append(&li, el(doc, "span", "value", &t.value)?)?;
    if t.count > 1 {
        append(&li, el(doc, "span", "count", &format!("×{}", t.count))?)?;
    }
    let b = el(doc, "button", "lookup", "Look up")?;
    b.set_attribute("type", "button")?;
    b.set_attribute("aria-label", &format!("Look up {}", t.value))?;
    li.append_child(&b)?;
    Ok(li)
}

/// Says that nothing was found, quoting the start of what was searched and
/// naming what the finder looks for.
pub(crate) fn nothing_found_message(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return "Nothing to look up: the text was empty. Select a passage or \
                paste one into the search box."
            .to_owned();
    }
    let mut quoted: String = trimmed.chars().take(120).collect();
    if quoted.len() < trimmed.len() {
        quoted.push('…');
    }
    format!(
        "No indicators found in: “{quoted}”. Searched for IP addresses, domains, \
         URLs, e-mail addresses, hashes (MD5, SHA-1, SHA-256, SHA-384, SHA-512, \
         ssdeep), file names, mutexes, registry keys, user-agents and CVEs."
    )
}

/// "3 indicators: 1 domain, 2 IPv4 addresses".
pub(crate) fn summary_line(targets: &[Target]) -> String {
    let mut counts: Vec<(crate::Kind, usize)> = Vec::new();
    for t in targets {
        match counts.iter_mut().find(|(k, _)| *k == t.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((t.kind, 1)),
        }
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(k, n)| format!("{n} × {}", kind_label(*k)))
        .collect();
    let noun = if targets.len() == 1 {
        "indicator"
    } else {
        "indicators"
    };
    format!("{} {noun}: {}", targets.len(), parts.join(", "))
}
