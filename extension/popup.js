// The toolbar popup: a search box, a scan of the current page, and the recent
// lookups. It lists the indicators found and opens the results view for one,
// several or all of them.
import init, * as core from './pkg/tmlookup.js';
import { api } from './lib/browser.js';
import { whenAccessible } from './lib/access.js';
import { clearHistory, loadHistory } from './lib/history.js';
import {
  HIGHLIGHT_CSS, HIGHLIGHT_NAME, LOOKUP_FROM_PAGE, highlightOnPage,
} from './lib/highlight.js';

const query = document.getElementById('query');
const found = document.getElementById('found');
const message = document.getElementById('message');
const lookupAll = document.getElementById('lookup-all');
const pickActions = document.getElementById('pick-actions');
const lookupSelected = document.getElementById('lookup-selected');
const ready = init();
// The last page scanned: `{tabId, text}`, for highlighting.
let lastScan = null;

// The page text a scan reads at most: enough for any report, and well under
// the finder's own limit, so a huge page costs a bounded copy.
const MAX_PAGE_CHARS = 50_000_000;

// Say at once when the browser keeps the extension from ThreatMiner.
whenAccessible(document.getElementById('access'));
showHistory();

document.getElementById('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  search();
});

// Enter searches; Shift+Enter keeps its usual meaning, a new line.
query.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    search();
  }
});

async function search() {
  await ready;
  const text = query.value;
  const { targets } = core.targets(text);
  showFound(targets, text, core.render_found_list);
}

/** Lists `targets` with `render`, or says that `text` held none. */
function showFound(targets, text, render) {
  found.replaceChildren();
  pickActions.hidden = true;
  if (targets.length === 0) {
    say(core.nothing_found_message(text));
    lookupAll.hidden = true;
    return;
  }
  message.hidden = true;
  render(found, targets);
  lookupAll.hidden = targets.length < 2;
  lookupAll.textContent = `Look up all ${targets.length}`;
}

function say(text) {
  message.textContent = text;
  message.hidden = false;
}

// --- Scanning a page ---------------------------------------------------------

document.getElementById('scan-page').addEventListener('click', () => {
  scanPage().catch((err) => {
    say(`This page cannot be scanned: ${err?.message ?? err}. Browser pages and the web store are closed to extensions; select text there and paste it above.`);
  });
});

/**
 * The tab to scan. The toolbar popup scans the active tab of its window.
 * `popup.html?tab=<id>` names another: tests open the popup as a tab, and
 * then the active tab would be the popup itself. The parameter only ever
 * narrows what the popup reads to a tab the extension may script anyway
 * (through activeTab, granted by opening the popup on that tab, or a host
 * permission), so honouring it grants nothing; and popup.html is not a
 * web-accessible resource, so no web page can open it with a tab of its
 * choosing.
 */
async function tabToScan() {
  const named = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(named) && named > 0) return named;
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  if (!tab) throw new Error('no active tab');
  return tab.id;
}

/** Runs in the page: its visible text, cut at `max` characters. */
function pageText(max) {
  const text = document.body?.innerText ?? '';
  return text.length > max ? text.slice(0, max) : text;
}

async function scanPage() {
  await ready;
  const tabId = await tabToScan();
  say('Reading the page…');
  const started = performance.now();
  const [injection] = await api.scripting.executeScript({
    target: { tabId },
    func: pageText,
    args: [MAX_PAGE_CHARS],
  });
  const text = typeof injection?.result === 'string' ? injection.result : '';
  const scan = core.targets(text);
  lastScan = { tabId, text };
  showFound(scan.targets, text, core.render_found_groups);
  const ms = Math.round(performance.now() - started);
  document.body.dataset.scanMs = String(ms);
  if (scan.targets.length === 0) return;
  const cut = text.length >= MAX_PAGE_CHARS || scan.truncated;
  say(`${scan.targets.length} indicators on this page${cut ? ' (the page is longer than the scan reads; only its start was searched)' : ''}.`);
  pickActions.hidden = false;
  updatePicked();
}

// --- Highlighting ------------------------------------------------------------

document.getElementById('highlight').addEventListener('click', () => {
  highlight().catch((err) => say(`The page could not be marked: ${err?.message ?? err}.`));
});

/**
 * Marks the scanned page's indicators where they stand, each in the spellings
 * the finder met (defanged, upper case), so the page finds them verbatim.
 */
async function highlight() {
  if (!lastScan) return;
  const byValue = new Map();
  for (const m of core.extract(lastScan.text).indicators) {
    if (m.derived_from != null) continue;
    const key = `${m.kind}:${m.value}`;
    if (!byValue.has(key)) {
      byValue.set(key, { kind: m.kind, label: core.kind_label(m.kind), value: m.value, raws: [] });
    }
    const item = byValue.get(key);
    if (!item.raws.includes(m.raw)) item.raws.push(m.raw);
  }
  const target = { tabId: lastScan.tabId };
  await api.scripting.insertCSS({ target, css: HIGHLIGHT_CSS });
  const [injection] = await api.scripting.executeScript({
    target,
    func: highlightOnPage,
    args: [[...byValue.values()], { highlight: HIGHLIGHT_NAME, message: LOOKUP_FROM_PAGE }],
  });
  const { supported, marked } = injection?.result ?? {};
  say(supported
    ? `Marked ${marked} places on the page. Click one for its card and a lookup.`
    : 'This browser cannot mark text on pages (no CSS Custom Highlight API).');
}

// --- Opening lookups ---------------------------------------------------------

found.addEventListener('click', (event) => {
  const group = event.target.closest('button.lookup-group');
  if (group) {
    open([...group.closest('li.group').querySelectorAll('li[data-indicator]')]);
    return;
  }
  const item = event.target.closest('li[data-indicator]');
  if (item && event.target.closest('button.lookup')) open([item]);
});

found.addEventListener('change', updatePicked);

function picked() {
  return [...found.querySelectorAll('input.pick:checked')].map((box) => box.closest('li'));
}

function updatePicked() {
  const n = picked().length;
  lookupSelected.disabled = n === 0;
  lookupSelected.textContent = n ? `Look up ${n} selected` : 'Look up selected';
}

lookupSelected.addEventListener('click', () => open(picked()));

lookupAll.addEventListener('click', () => {
  open([...found.querySelectorAll('li[data-indicator]')]);
});

/**
 * Opens the results view for the listed items. Each goes as `i=kind:value`
 * so that kinds found only from context (a mutex after "Mutex:") keep it.
 */
async function open(items) {
  if (items.length === 0) return;
  const params = new URLSearchParams();
  for (const li of items) params.append('i', `${li.dataset.kind}:${li.dataset.indicator}`);
  await openPage('results.html?' + params);
}

async function openPage(path) {
  await api.tabs.create({ url: api.runtime.getURL(path) });
  // Only the real toolbar popup closes itself; popup.html opened in a tab
  // (as tests do) stays.
  if (api.extension?.getViews?.({ type: 'popup' }).includes(window)) window.close();
}

// --- Recent lookups ----------------------------------------------------------

const recent = document.getElementById('recent');
const historyList = document.getElementById('history');

async function showHistory() {
  const entries = await loadHistory();
  historyList.replaceChildren();
  for (const entry of entries) {
    // Only results pages of this extension are ever recorded; check anyway.
    if (typeof entry?.url !== 'string' || !entry.url.startsWith('results.html?')) continue;
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = api.runtime.getURL(entry.url);
    a.textContent = String(entry.label);
    a.dataset.path = entry.url;
    li.append(a);
    historyList.append(li);
  }
  recent.hidden = historyList.childElementCount === 0;
}

historyList.addEventListener('click', (event) => {
  const a = event.target.closest('a[data-path]');
  if (!a) return;
  event.preventDefault();
  openPage(a.dataset.path);
});

document.getElementById('clear-history').addEventListener('click', async () => {
  await clearHistory();
  await showHistory();
  query.focus();
});
