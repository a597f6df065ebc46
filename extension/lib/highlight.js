// On-page highlighting, on demand from the popup after a page scan. The
// popup injects `highlightOnPage` into the scanned tab: it marks every
// occurrence of the indicators found with the CSS Custom Highlight API (no
// change to the page's DOM), and a click on a marked value opens a small card
// in a closed shadow root (the page's scripts and styles cannot reach into it)
// with the value and a button that looks it up.
//
// The function is serialized into the page, so it must not use anything from
// this module's scope. It reaches the extension only by sending one message,
// LOOKUP_FROM_PAGE, which lib/entry.js handles.

/** The name of the highlight in the page's registry. */
export const HIGHLIGHT_NAME = 'tmlookup-indicator';

/** Styles for the highlight: a constant, inserted with scripting.insertCSS. */
export const HIGHLIGHT_CSS = `::highlight(${HIGHLIGHT_NAME}) { background-color: #ffe08a; color: #1b1f24; }`;

/** Page → background: look up `{kind, value}` seen on the page. */
export const LOOKUP_FROM_PAGE = 'lookup-from-page';

/**
 * Runs in the page. `items` is `[{kind, label, value, raws}]`: each indicator
 * with the spellings the finder met it in (defanged, upper case …). Returns
 * `{supported, marked}`.
 *
 * Only occurrences inside one text node are marked; a value split by markup
 * (`evil<b>.</b>com`) is found by the scan but not marked.
 */
export function highlightOnPage(items, names) {
  if (!globalThis.CSS?.highlights || typeof Highlight !== 'function') {
    return { supported: false, marked: 0 };
  }
  const bySpelling = new Map();
  for (const item of items) for (const raw of item.raws) bySpelling.set(raw, item);
  const spellings = [...bySpelling.keys()].filter((s) => s.length > 0);
  const ranges = [];
  const owner = new Map();
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (skip.has(n.parentElement?.tagName) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data;
    for (const spelling of spellings) {
      for (let at = text.indexOf(spelling); at >= 0; at = text.indexOf(spelling, at + spelling.length)) {
        const range = new Range();
        range.setStart(node, at);
        range.setEnd(node, at + spelling.length);
        ranges.push(range);
        owner.set(range, bySpelling.get(spelling));
      }
    }
  }
  CSS.highlights.set(names.highlight, new Highlight(...ranges));

  // One card per page: a second run replaces the listeners' data only.
  const state = globalThis.__tmlookupCard ?? (globalThis.__tmlookupCard = makeCard());
  state.ranges = ranges;
  state.owner = owner;
  return { supported: true, marked: ranges.length };

  function makeCard() {
    const host = document.createElement('tmlookup-card');
    host.style.cssText = 'position:absolute;z-index:2147483647;display:none;';
    const root = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = `
      .card { font: 13px/1.4 system-ui, sans-serif; background: #fff; color: #1b1f24;
        border: 1px solid #7a8594; border-radius: 6px; padding: 8px 10px; max-width: 360px;
        box-shadow: 0 2px 8px rgba(0,0,0,.2); }
      .kind { color: #5a6472; font-size: 12px; }
      .value { font-family: ui-monospace, monospace; word-break: break-all; margin: 2px 0 6px; }
      button { font: inherit; margin-right: 6px; padding: 2px 10px; border: 1px solid #7a8594;
        border-radius: 4px; background: #fff; color: #1b1f24; cursor: pointer; }
      button:focus-visible { outline: 2px solid #1f5fa8; outline-offset: 1px; }`;
    const card = document.createElement('div');
    card.className = 'card';
    card.setAttribute('role', 'dialog');
    card.setAttribute('aria-label', 'ThreatMiner Lookup');
    const kind = document.createElement('div');
    kind.className = 'kind';
    const value = document.createElement('div');
    value.className = 'value';
    const look = document.createElement('button');
    look.type = 'button';
    look.textContent = 'Look up on ThreatMiner';
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Close';
    card.append(kind, value, look, close);
    root.append(style, card);
    document.documentElement.append(host);

    const s = { ranges: [], owner: new Map(), current: null };
    const hide = () => {
      host.style.display = 'none';
      s.current = null;
    };
    look.addEventListener('click', () => {
      if (!s.current) return;
      chrome.runtime.sendMessage({ type: names.message, kind: s.current.kind, value: s.current.value });
      hide();
    });
    close.addEventListener('click', hide);
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') hide();
    });
    document.addEventListener('click', (event) => {
      if (event.composedPath().includes(host)) return;
      const hit = rangeAt(s.ranges, event.clientX, event.clientY);
      if (!hit) {
        hide();
        return;
      }
      s.current = s.owner.get(hit);
      kind.textContent = s.current.label;
      value.textContent = s.current.value;
      const box = hit.getBoundingClientRect();
      host.style.left = `${Math.max(0, box.left + scrollX)}px`;
      host.style.top = `${box.bottom + scrollY + 4}px`;
      host.style.display = 'block';
      look.focus();
    });
    return s;
  }

  function rangeAt(list, x, y) {
    const caret = document.caretPositionFromPoint?.(x, y);
    const node = caret ? caret.offsetNode : document.caretRangeFromPoint?.(x, y)?.startContainer;
    const offset = caret ? caret.offset : document.caretRangeFromPoint?.(x, y)?.startOffset;
    if (!node) return null;
    return list.find((r) => r.startContainer === node && r.startOffset <= offset && offset <= r.endOffset) ?? null;
  }
}
