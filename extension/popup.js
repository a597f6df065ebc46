// The toolbar popup: a search box, a scan of the current page, and the recent
// lookups. It lists the indicators found and opens the results view for one,
// several or all of them.
import init, * as core from './pkg/tmlookup.js';
import { api } from './lib/browser.js';
import { whenAccessible } from './lib/access.js';
import { clearHistory, loadHistory, watchHistory } from './lib/history.js';
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
// The last page scanned: `{tabId, pieces}` (its text), for highlighting.
let lastScan = null;
// Everything listed last, `[{kind, value, …}]`, shown or not yet: "Look up
// all" and a group's "Look up these" take their values from here.
let listed = [];
// A page scan's groups by kind: `{targets, shown}`.
let groups = new Map();

// A page can hold tens of thousands of indicators, and drawing them all
// took seconds: a group shows its first FIRST_PER_GROUP values, and each
// "Show more" the next MORE_PER_CLICK.
const FIRST_PER_GROUP = 25;
const MORE_PER_CLICK = 200;
// A page scan reads the page in slices of about this many milliseconds and
// lets the page run between them, so it never stalls the page for long.
const READ_SLICE_MS = 15;
// The read text comes back in pieces of at most this many characters, one
// injection each: the browser copies an injection's result on the page's
// main thread, and 5 MB in one piece stalled the page for over 80 ms. The
// popup searches each piece as it arrives; pieces of a million characters
// kept it waiting longer for the first (about 15 ms more a scan).
const READ_PIECE_CHARS = 1 << 19;

// The page text a scan reads at most: enough for any report. Each piece is
// well under the finder's own limit, so only this cut ever applies.
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
  listed = targets;
  groups = new Map();
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

const scanButton = document.getElementById('scan-page');
scanButton.addEventListener('click', () => {
  // One scan at a time: a click while one runs is ignored.
  if (scanButton.getAttribute('aria-disabled') === 'true') return;
  scanButton.setAttribute('aria-disabled', 'true');
  scanPage().finally(() => scanButton.removeAttribute('aria-disabled')).catch((err) => {
    say(`This page cannot be scanned: ${err?.message ?? err}. Browser pages and the web store `
      + 'are closed to extensions; select text there and paste it above.');
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

/**
 * Runs in the page: reads its text, cut at `max` characters, into pieces of
 * at most `pieceChars`, each ending at a line break where there is one. It
 * keeps them in the extension's isolated world under `key`, where
 * {@link takePiece} hands each over as soon as it is cut, while the read
 * goes on. Returns `{pieces, ms, longest}`: how many, the time it took in
 * the page, and its longest stretch without letting the page run.
 *
 * It reads the text nodes rather than `innerText`, which makes the browser
 * lay out the whole page first (over a second for a page of a few MB, all
 * of it blocking the page). A line break goes before and after each block
 * element (a paragraph, a cell, a list item) so that values in neighbouring
 * blocks never run together; scripts, styles, form fields and elements
 * marked `hidden` are skipped. Unlike `innerText`, text hidden by CSS alone
 * is read too. Every `sliceMs` it yields to the page.
 */
async function pageText(max, sliceMs, pieceChars, key) {
  const BLOCKS = new Set(['address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd',
    'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre',
    'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul']);
  const SKIP = new Set(['script', 'style', 'noscript', 'template', 'textarea', 'select',
    'iframe', 'object', 'head']);
  // A task of its own, queued behind the page's: `scheduler.yield()` would
  // go ahead of them, and the page's own scripts waited for the whole read.
  const yieldToPage = () => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
  // Shared with takePiece, which may have run first and made it. Each scan
  // has its own: two scans of one page never mix. A scan's entry stays
  // when it is done, its text gone, so that a late request is answered.
  const reads = (globalThis.tmPageText ??= new Map());
  if (!reads.has(key)) reads.set(key, { pieces: [], done: false, waiting: [] });
  const kept = reads.get(key);
  const wake = () => {
    const waiting = kept.waiting;
    kept.waiting = [];
    for (const resolve of waiting) resolve();
  };
  const started = performance.now();
  let sliceStart = started;
  let longest = 0;
  const root = document.body;
  let parts = [];
  // Characters read, and of those not yet in pieces.
  let length = 0;
  let loose = 0;
  // Where a piece of `text` ends: after the last line break within
  // `pieceChars`, or failing that the last space, so that each piece can be
  // searched on its own; a hard cut only in a run of over half a piece
  // with neither.
  const pieceEnd = (text) => {
    if (text.length <= pieceChars) return text.length;
    for (const sep of ['\n', ' ']) {
      const at = text.lastIndexOf(sep, pieceChars - 1);
      if (at >= pieceChars / 2) return at + 1;
    }
    return pieceChars;
  };
  // Moves the text read so far into pieces; all of it at the end, else
  // only whole pieces.
  const cut = (all) => {
    let text = parts.join('');
    while (text.length > pieceChars || (all && text.length > 0)) {
      const end = pieceEnd(text);
      kept.pieces.push(text.slice(0, end));
      text = text.slice(end);
    }
    parts = text ? [text] : [];
    loose = text.length;
    wake();
  };
  const add = (text) => {
    if (length + text.length > max) {
      // The last text read ends at the line break before `max`.
      const room = text.slice(0, max - length);
      text = room.slice(0, room.lastIndexOf('\n') + 1);
      length = max;
    } else {
      length += text.length;
    }
    parts.push(text);
    loose += text.length;
    if (loose > pieceChars) cut(false);
  };
  try {
    let node = root?.firstChild ?? null;
    let visited = 0;
    while (node && length < max) {
      if (node.nodeType === Node.TEXT_NODE) {
        add(node.data);
      } else if (node.nodeType === Node.ELEMENT_NODE && !SKIP.has(node.localName) && !node.hidden) {
        if (BLOCKS.has(node.localName)) add('\n');
        if (node.firstChild) {
          node = node.firstChild;
          continue;
        }
      }
      // On to the next sibling, closing the blocks climbed out of.
      while (node && node !== root && !node.nextSibling) {
        node = node.parentNode;
        if (node && node !== root && BLOCKS.has(node.localName)) add('\n');
      }
      // A node taken out of the page while the reader yielded has no
      // parent: the read ends there.
      node = node && node !== root ? node.nextSibling : null;
      if ((++visited & 511) === 0 && performance.now() - sliceStart > sliceMs) {
        longest = Math.max(longest, performance.now() - sliceStart);
        await yieldToPage();
        sliceStart = performance.now();
      }
    }
    cut(true);
  } finally {
    kept.done = true;
    wake();
  }
  const ended = performance.now();
  return {
    pieces: kept.pieces.length,
    ms: ended - started,
    longest: Math.max(longest, ended - sliceStart),
  };
}

/**
 * Runs in the page: hands over piece `i` that {@link pageText} keeps under
 * `key`, waiting until it is cut; null once the read has ended with fewer
 * pieces, or when the piece was taken before. The text is forgotten piece
 * by piece as it is taken.
 */
async function takePiece(key, i) {
  const reads = (globalThis.tmPageText ??= new Map());
  if (!reads.has(key)) reads.set(key, { pieces: [], done: false, waiting: [] });
  const kept = reads.get(key);
  while (i >= kept.pieces.length && !kept.done) {
    await new Promise((resolve) => kept.waiting.push(resolve));
  }
  const piece = kept.pieces[i] ?? null;
  kept.pieces[i] = null;
  return piece;
}

/**
 * The text of tab `tabId`, read as {@link pageText} says, in pieces:
 * `{pieces, pageMs, longest}`. `onPiece(piece)` is called with each piece,
 * in page order, as soon as it and those before it have arrived, while the
 * page is still being read; never once the read has ended or failed.
 */
async function readTab(tabId, onPiece) {
  const key = crypto.randomUUID();
  const run = async (func, args) => {
    const [injection] = await api.scripting.executeScript({ target: { tabId }, func, args });
    return injection?.result;
  };
  const reading = run(pageText, [MAX_PAGE_CHARS, READ_SLICE_MS, READ_PIECE_CHARS, key]);
  const pieces = [];
  let asked = 0;
  let passed = 0;
  let settled = false;
  // Asks for the pieces in order until one is past the end; two callers
  // keep a second request on its way while the first piece travels.
  const take = async () => {
    for (;;) {
      const i = asked++;
      const piece = await run(takePiece, [key, i]);
      if (typeof piece !== 'string' || settled) return;
      pieces[i] = piece;
      for (; pieces[passed] !== undefined; passed++) onPiece(pieces[passed]);
    }
  };
  let read;
  try {
    [read] = await Promise.all([reading, take(), take()]);
  } finally {
    settled = true;
  }
  // Every piece passed on: none missing, none after the last.
  if (passed !== read?.pieces || pieces.length !== passed) {
    throw new Error('the page changed while it was read');
  }
  return { pieces, pageMs: read?.ms, longest: read?.longest };
}

// Speed (scripts/bench-view): a 5 MB page took 220–245 ms from click to
// list on the test machine when the popup read it whole and then searched
// it. Searching each piece as it arrives, while the page is still being
// read, brought that to 190–200 ms in the same runs; the first scan of a
// freshly opened popup takes about 300–380 ms, before the engine has
// optimised the core. The reader holds the page for about 15–25 ms at a
// time; now and then one stretch runs to about 50 ms.
async function scanPage() {
  await ready;
  const tabId = await tabToScan();
  say('Reading the page…');
  const started = performance.now();
  // Each piece is searched as it comes and counted into one set, in the
  // pieces' order; a piece can be searched alone because no indicator runs
  // over a line break, and a label counts on its own line.
  const set = new core.TargetSet();
  let targets;
  let pieces;
  let pageMs;
  let longest;
  let read;
  let searching = 0;
  try {
    ({ pieces, pageMs, longest } = await readTab(tabId, (piece) => {
      const t0 = performance.now();
      set.add(piece);
      searching += performance.now() - t0;
    }));
    read = performance.now();
    ({ targets } = set.result());
  } finally {
    set.free();
  }
  const searched = performance.now();
  const chars = pieces.reduce((n, piece) => n + piece.length, 0);
  lastScan = { tabId, pieces };
  // The text itself is only quoted when nothing was found.
  showFound(targets, targets.length ? '' : pieces.join(''), showGroups);
  const drawn = performance.now();
  // Where the time went, for scripts/bench-view: reading the page (the
  // injection, the walk in the page and the text's trip here, with the
  // pieces searched meanwhile), of that the searching, listing the targets
  // found, drawing the list.
  Object.assign(document.body.dataset, {
    scanReadMs: (read - started).toFixed(1),
    scanPageMs: Number(pageMs ?? NaN).toFixed(1),
    scanPageLongestMs: Number(longest ?? NaN).toFixed(1),
    scanFindMs: searching.toFixed(1),
    scanListMs: (searched - read).toFixed(1),
    scanRenderMs: (drawn - searched).toFixed(1),
    scanChars: String(chars),
  });
  const ms = Math.round(drawn - started);
  document.body.dataset.scanMs = String(ms);
  if (targets.length === 0) return;
  const cut = chars >= MAX_PAGE_CHARS;
  const note = cut ? ' (the page is longer than the scan reads; only its start was searched)' : '';
  say(`${targets.length} indicators on this page${note}.`);
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
  for (const m of core.extract(lastScan.pieces.join('')).indicators) {
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
  const more = event.target.closest('button.show-more');
  if (more) {
    showMore(more);
    return;
  }
  const group = event.target.closest('button.lookup-group');
  if (group) {
    const kind = group.closest('li.group').dataset.group;
    open(groups.get(kind)?.targets ?? itemsOf(group.closest('li.group')));
    return;
  }
  const item = event.target.closest('li[data-indicator]');
  if (item && event.target.closest('button.lookup')) open(itemsOf(item));
});

/** The values listed at or inside `el`, as `{kind, value}`. */
function itemsOf(el) {
  const lis = el.matches('li[data-indicator]') ? [el] : [...el.querySelectorAll('li[data-indicator]')];
  return lis.map((li) => ({ kind: li.dataset.kind, value: li.dataset.indicator }));
}

// --- The grouped list, a page at a time ------------------------------------

/**
 * Lists a page scan's `targets` grouped by kind, each group with its first
 * FIRST_PER_GROUP values and, when it has more, a "Show more" button. The
 * core draws the values; the heading counts every value of the kind.
 */
function showGroups(list, targets) {
  for (const t of targets) {
    if (!groups.has(t.kind)) groups.set(t.kind, { targets: [], shown: 0 });
    groups.get(t.kind).targets.push(t);
  }
  const first = [];
  for (const group of groups.values()) {
    group.shown = Math.min(FIRST_PER_GROUP, group.targets.length);
    first.push(...group.targets.slice(0, group.shown));
  }
  core.render_found_groups(list, first);
  // "Look up all" takes them in the order shown: kind by kind.
  listed = [...list.querySelectorAll('li.group')].flatMap((li) => groups.get(li.dataset.group)?.targets ?? []);
  for (const li of list.querySelectorAll('li.group')) {
    const group = groups.get(li.dataset.group);
    if (!group || group.shown >= group.targets.length) continue;
    // The core titled the group by what it was given; it holds more.
    const title = `${core.kind_label(li.dataset.group)} (${group.targets.length})`;
    li.querySelector('h3').textContent = title;
    li.querySelector('button.lookup-group')?.setAttribute('aria-label', `Look up every ${title}`);
    const more = document.createElement('button');
    more.type = 'button';
    more.className = 'show-more';
    li.append(more);
    labelMore(more, group);
  }
}

function labelMore(button, group) {
  const next = Math.min(MORE_PER_CLICK, group.targets.length - group.shown);
  button.textContent = `Show ${next} more (${group.shown} of ${group.targets.length} shown)`;
}

/** Adds the next values of the group holding `button`. */
function showMore(button) {
  const li = button.closest('li.group');
  const group = groups.get(li.dataset.group);
  if (!group) return;
  const next = group.targets.slice(group.shown, group.shown + MORE_PER_CLICK);
  const scratch = document.createElement('ul');
  core.render_found_groups(scratch, next);
  const added = [...scratch.querySelectorAll('li[data-indicator]')];
  li.querySelector('ul').append(...added);
  group.shown += next.length;
  if (group.shown < group.targets.length) {
    labelMore(button, group);
  } else {
    // The button goes; the keyboard carries on at the first value added.
    button.remove();
    added[0]?.querySelector('input.pick')?.focus();
  }
}

found.addEventListener('change', updatePicked);

function picked() {
  return [...found.querySelectorAll('input.pick:checked')].flatMap((box) => itemsOf(box.closest('li')));
}

function updatePicked() {
  const n = picked().length;
  lookupSelected.disabled = n === 0;
  lookupSelected.textContent = n ? `Look up ${n} selected` : 'Look up selected';
}

lookupSelected.addEventListener('click', () => open(picked()));

lookupAll.addEventListener('click', () => open(listed));

/**
 * Opens the results view for `items` (`[{kind, value}]`). Each goes as
 * `i=kind:value` so that kinds found only from context (a mutex after
 * "Mutex:") keep it.
 */
async function open(items) {
  if (items.length === 0) return;
  const params = new URLSearchParams();
  for (const { kind, value } of items) params.append('i', `${kind}:${value}`);
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

// A view opened from this popup records itself a moment later: show it.
watchHistory(showHistory);

document.getElementById('clear-history').addEventListener('click', async () => {
  await clearHistory();
  await showHistory();
  query.focus();
});
