//! Builds the results view's DOM from decoded ThreatMiner sections.
//!
//! Every string from an answer becomes a text node; the only attributes set
//! are classes, `data-*` values and links built by `tm` (in-extension pivots
//! and `https://` pages of threatminer.org). Nothing here parses HTML.

use std::cell::Cell as Counter;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::tm::{threatminer_page, Cell, Fact, Pivot, SectionView};

/// Rows or items drawn at once; a "Show more" button adds the next page.
///
/// Related-sample and passive-DNS lists of popular hosts run to thousands of
/// entries, and drawing them all at once freezes the page for seconds.
const PAGE: usize = 200;

/// Draws `view` at the end of `container`: facts as a `<dl>`, the table as a
/// `<table>`, then the list as a `<ul>`.
///
/// Long tables and lists show [`PAGE`] entries and a button for the next.
pub(crate) fn render_view(
    doc: &Document,
    container: &Element,
    view: &SectionView,
) -> Result<(), JsValue> {
    if !view.facts.is_empty() {
        let dl = facts(doc, &view.facts)?;
        container.append_child(&dl)?;
    }
    if !view.more_facts.is_empty() {
        // A native disclosure: keyboard and screen readers handle it as is.
        let details = element(doc, "details", "section-more")?;
        let summary = element(doc, "summary", "")?;
        let n = view.more_facts.len();
        summary.set_text_content(Some(&format!("{n} more fields")));
        details.append_child(&summary)?;
        let dl = facts(doc, &view.more_facts)?;
        details.append_child(&dl)?;
        container.append_child(&details)?;
    }
    if let Some(table) = &view.table {
        let wrap = element(doc, "div", "section-table-wrap")?;
        let t = element(doc, "table", "section-table")?;
        let head = element(doc, "thead", "")?;
        let tr = element(doc, "tr", "")?;
        for column in &table.columns {
            let th = element(doc, "th", "")?;
            th.set_attribute("scope", "col")?;
            th.set_text_content(Some(column));
            tr.append_child(&th)?;
        }
        head.append_child(&tr)?;
        t.append_child(&head)?;
        let body = element(doc, "tbody", "")?;
        t.append_child(&body)?;
        wrap.append_child(&t)?;
        container.append_child(&wrap)?;
        paged(doc, &wrap, &body, table.rows.clone(), row)?;
    }
    if !view.list.is_empty() {
        if let (Some(title), true) = (&view.list_title, view.table.is_some()) {
            let h = element(doc, "h4", "section-list-title")?;
            h.set_text_content(Some(title));
            container.append_child(&h)?;
        }
        let wrap = element(doc, "div", "section-list-wrap")?;
        let ul = element(doc, "ul", "section-list")?;
        wrap.append_child(&ul)?;
        container.append_child(&wrap)?;
        paged(doc, &wrap, &ul, view.list.clone(), item)?;
    }
    Ok(())
}

/// `<dl>` with one `<dt>` per fact and one `<dd>` per value.
fn facts(doc: &Document, facts: &[Fact]) -> Result<Element, JsValue> {
    let dl = element(doc, "dl", "section-facts")?;
    for fact in facts {
        let dt = element(doc, "dt", "")?;
        dt.set_text_content(Some(&fact.label));
        dl.append_child(&dt)?;
        for value in &fact.values {
            let dd = element(doc, "dd", "")?;
            dd.append_child(&cell(doc, value)?)?;
            dl.append_child(&dd)?;
        }
    }
    Ok(dl)
}

/// One table row.
// `paged` draws entries of any type through `fn(&Document, &T)`, and a row
// is a `Vec<Cell>`, so the slice form clippy prefers does not fit.
#[allow(clippy::ptr_arg)]
fn row(doc: &Document, cells: &Vec<Cell>) -> Result<Element, JsValue> {
    let tr = element(doc, "tr", "")?;
    for c in cells {
        let td = element(doc, "td", "")?;
        td.append_child(&cell(doc, c)?)?;
        tr.append_child(&td)?;
    }
    Ok(tr)
}

/// One list item.
fn item(doc: &Document, c: &Cell) -> Result<Element, JsValue> {
    let li = element(doc, "li", "")?;
    li.append_child(&cell(doc, c)?)?;
    Ok(li)
}

/// A cell: a pivot link, a ThreatMiner link, or plain text.
fn cell(doc: &Document, c: &Cell) -> Result<web_sys::Node, JsValue> {
    if let Some(pivot) = &c.pivot {
        let a = element(doc, "a", "pivot")?;
        // Rebuilt rather than taken from the view, which may have made a
        // trip through JS: the link is always relative and in-extension,
        // with the value percent-encoded.
        let href = Pivot::new(pivot.endpoint, &pivot.value, pivot.y.as_deref()).href;
        a.set_attribute("href", &href)?;
        a.set_attribute("data-pivot-kind", pivot.endpoint.name())?;
        a.set_attribute("data-pivot-value", &pivot.value)?;
        if let Some(year) = &pivot.y {
            a.set_attribute("data-pivot-year", year)?;
        }
        a.set_text_content(Some(&c.text));
        return Ok(a.into());
    }
    // Checked again here: a view may come back from JS, not from `tm`.
    if let Some(href) = c.href.as_deref().and_then(threatminer_page) {
        let a = element(doc, "a", "external")?;
        a.set_attribute("href", &href)?;
        a.set_attribute("target", "_blank")?;
        a.set_attribute("rel", "noopener noreferrer")?;
        a.set_text_content(Some(&c.text));
        return Ok(a.into());
    }
    Ok(doc.create_text_node(&c.text).into())
}

/// Appends the first page of `entries` to `parent` and, when there are more,
/// a "Show more" button after it (inside `wrap`) that appends the next page.
fn paged<T: 'static>(
    doc: &Document,
    wrap: &Element,
    parent: &Element,
    entries: Vec<T>,
    draw: fn(&Document, &T) -> Result<Element, JsValue>,
) -> Result<(), JsValue> {
    let shown = Rc::new(Counter::new(0));
    append_page(doc, parent, &entries, &shown, draw)?;
    if shown.get() >= entries.len() {
        return Ok(());
    }
    let button = element(doc, "button", "show-more")?;
    button.set_attribute("type", "button")?;
    set_more_label(&button, shown.get(), entries.len());
    wrap.append_child(&button)?;

    let (doc, parent, target) = (doc.clone(), parent.clone(), button.clone());
    let on_click = Closure::<dyn FnMut()>::new(move || {
        // A failed append leaves the rows drawn so far; there is nobody to
        // report the error to from a click handler.
        let _ = append_page(&doc, &parent, &entries, &shown, draw);
        if shown.get() >= entries.len() {
            target.remove();
        } else {
            set_more_label(&target, shown.get(), entries.len());
        }
    });
    button
        .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    // The handler must live as long as the button, which the page owns;
    // leaking it costs one closure per long section drawn.
    on_click.forget();
    Ok(())
}

fn append_page<T>(
    doc: &Document,
    parent: &Element,
    entries: &[T],
    shown: &Counter<usize>,
    draw: fn(&Document, &T) -> Result<Element, JsValue>,
) -> Result<(), JsValue> {
    let start = shown.get();
    let end = entries.len().min(start + PAGE);
    for entry in entries.get(start..end).unwrap_or_default() {
        let drawn = draw(doc, entry)?;
        parent.append_child(&drawn)?;
    }
    shown.set(end);
    Ok(())
}

fn set_more_label(button: &Element, shown: usize, total: usize) {
    let next = (total - shown).min(PAGE);
    let text = format!("Show {next} more ({shown} of {total} shown)");
    button.set_text_content(Some(&text));
}

/// `<tag class=class>`; an empty class is left out.
fn element(doc: &Document, tag: &str, class: &str) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    if !class.is_empty() {
        e.set_attribute("class", class)?;
    }
    Ok(e)
}
