// The results view: finds the indicators it was given, asks the background
// for their ThreatMiner sections and lets the wasm core draw what comes
// back. This file only wires events; every string from a page or an answer
// reaches the DOM through the core's renderer, as text nodes.
//
// The URL says what to look up:
//   ?q=<text>                  free text for the finder (context menu)
//   ?i=<kind>:<value>&i=…      indicators already found (the popup's list)
//   ?q=<value>&as=<endpoint>   one value read as an endpoint's query (pivots)
//     [&y=<year>]              a report's year, with as=report
//   ?selection=<key>           a long selection left in session storage
//
// Speed: the frame (header, summary, one block per indicator with its
// sections queued) should paint within about 100 ms of opening. Each module
// a page imports costs a few milliseconds before any script runs, so only
// what the frame needs is imported here; the rest is loaded once it is
// drawn (`later`). lib/boot.js compiles the wasm while these load.
import init, * as core from './pkg/tmlookup.js';
import { currentTrail, drawTrail } from './lib/trail.js';

// The modules needed only after the frame is drawn, loaded then.
let later = null;
function loadLater() {
  later ??= Promise.all([
    import('./lib/messages.js'),
    import('./lib/lookups.js'),
    import('./lib/access.js'),
    import('./lib/download.js'),
    import('./lib/history.js'),
  ]).then(([msg, lookups, access, download, history]) => ({ msg, lookups, access, download, history }));
  return later;
}
// The message types, once loaded (progress arrives only after that).
let msg = null;

// Blocks drawn before the first paint: a screenful and then some. The rest
// follow in slices of about SLICE_MS, so a view of hundreds of indicators
// shows its first blocks at once and stays responsive while it fills in.
const FIRST_BLOCKS = 8;
const SLICE_MS = 12;

const $ = (sel) => document.querySelector(sel);

// Sections by the id the page gave their request.
const sections = new Map();
// The blocks the user scrolls to: their queued sections go ahead of the
// rest, since at ten requests a minute a long view fills in over minutes.
const inView = new IntersectionObserver(onSeen);
const wanted = [];
let nextId = 1;
let lookups = null;

performance.mark('tmlookup-start');
main().catch((err) => {
  console.error('[tmlookup]', err);
  showMessage(`The results view failed to start (${err?.message ?? err}). Reload the page.`);
  document.body.dataset.state = 'failed';
});

async function main() {
  await init({ module_or_path: await wasmModule() });
  performance.mark('tmlookup-wasm-ready');
  const params = new URLSearchParams(location.search);
  const { text, blocks } = await readBlocks(params);
  const label = trailLabel(params, blocks);
  drawTrail($('#trail'), currentTrail(label));
  if (blocks.length === 0) {
    document.body.dataset.state = 'nothing-found';
    showMessage(core.nothing_found_message(text));
    return;
  }
  document.title = `ThreatMiner Lookup: ${blocks.map((b) => b.target.value).join(', ')}`;
  $('#summary').textContent = core.summary_line(blocks.map((b) => b.target));
  const list = $('#indicators');
  list.addEventListener('click', onClick);
  blocks.slice(0, FIRST_BLOCKS).forEach((block) => addIndicator(list, block.target, planOf(block)));
  performance.mark('tmlookup-first-blocks');
  const modules = loadLater();
  const remembered = rememberLookup(label, params, blocks, modules);
  for (let i = FIRST_BLOCKS; i < blocks.length;) {
    await yieldToBrowser();
    const until = performance.now() + SLICE_MS;
    for (; i < blocks.length && performance.now() < until; i++) {
      addIndicator(list, blocks[i].target, planOf(blocks[i]));
    }
  }
  $('#view-actions').addEventListener('click', onViewAction);
  $('#view-actions').hidden = false;
  // For the tests' speed figure: every block is drawn, before any answer.
  performance.mark('tmlookup-frame-drawn');
  // Ready once the history entry is on its way to the background too:
  // closing the view then no longer loses it.
  await remembered;
  document.body.dataset.state = 'ready';
  const { access, lookups: port } = await modules;
  msg = (await modules).msg;
  // Sections stay queued until the browser lets us reach ThreatMiner.
  await access.whenAccessible($('#access'));
  lookups = port.connectLookups(onProgress);
  lookups.want(wanted.splice(0));
}

/** Lets the browser paint and handle input before the next slice of work. */
function yieldToBrowser() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The core's module as lib/boot.js compiled it while this script loaded, or
 * undefined (then `init` fetches and compiles it itself).
 */
async function wasmModule() {
  try {
    return await globalThis.tmlookupWasm;
  } catch (err) {
    console.warn('[tmlookup] early wasm compile failed; loading it again', err);
    return undefined;
  }
}

/**
 * Has the background add this page to the popup's recent lookups (the
 * promise resolves once that is asked), unless it is a reload or a
 * step back or forward. The entry names the indicators (`i=kind:value`),
 * never the text they were found in: a selection may hold far more than
 * its indicators, and the history should keep no more than the lookups.
 */
function rememberLookup(label, params, blocks, modules) {
  const [nav] = performance.getEntriesByType('navigation');
  if (nav && nav.type !== 'navigate') return Promise.resolve();
  let search = location.search;
  if (!params.has('as')) {
    const named = new URLSearchParams();
    for (const { target } of blocks) named.append('i', `${target.kind}:${target.value}`);
    search = '?' + named;
  }
  const lost = (err) => console.error('[tmlookup] the history was not saved', err);
  // Resolves once the message is sent, not when it is answered.
  return modules.then(({ history }) => {
    history.askToRecord(label, 'results.html' + search).catch(lost);
  }, lost);
}

/** What the trail calls this page: the value looked up, or the first and a count. */
function trailLabel(params, blocks) {
  const as = params.get('as');
  if (as) return `${params.get('q') ?? ''} (${as})`;
  if (blocks.length === 0) return 'Nothing found';
  const first = blocks[0].target.value;
  return blocks.length === 1 ? first : `${first} and ${blocks.length - 1} more`;
}

/** Works out the blocks to draw from the URL: `{text, blocks: [{target, plan?}]}`. */
async function readBlocks(params) {
  const as = params.get('as');
  if (as) {
    const value = params.get('q') ?? '';
    const plan = core.plan_as(as, value, params.get('y') ?? undefined);
    return { text: value, blocks: [{ target: { kind: asKind(as, value), value }, plan }] };
  }
  const named = params.getAll('i');
  if (named.length) {
    const targets = core.parse_targets(named);
    return { text: named.join('\n'), blocks: targets.map((target) => ({ target })) };
  }
  const text = await readText(params);
  const found = core.targets(text);
  if (found.truncated) {
    showMessage(`The text is longer than the finder reads at once; it read the first ${found.scanned_bytes} bytes.`);
  }
  return { text, blocks: found.targets.map((target) => ({ target })) };
}

/** A block's plan, worked out when the block is drawn (not all up front). */
function planOf(block) {
  block.plan ??= core.plan(block.target.kind, block.target.value);
  return block.plan;
}

/** The kind shown for a pivot: what the value looks like, or its endpoint. */
function asKind(endpoint, value) {
  const [first] = core.targets(value).targets;
  if (first && first.value === value) return first.kind;
  return { domain: 'domain', host: 'ipv4', email: 'email', ssdeep: 'ssdeep' }[endpoint] ?? 'md5';
}

/** The free text to search: `?q=`, or a long selection from session storage. */
async function readText(params) {
  const key = params.get('selection');
  if (key && key.startsWith('selection:')) {
    const { api } = await import('./lib/browser.js');
    const { [key]: text } = await api.storage.session.get(key);
    return typeof text === 'string' ? text : '';
  }
  return params.get('q') ?? '';
}

function showMessage(text) {
  const el = $('#message');
  el.textContent = text;
  el.hidden = false;
}

/** Draws one indicator's block and asks for each of its sections. */
function addIndicator(list, target, plan) {
  const article = core.render_indicator(list, target, plan);
  const items = [];
  article.querySelectorAll('section.section').forEach((section, i) => {
    const request = plan.requests[i];
    const id = nextId++;
    section.dataset.id = String(id);
    sections.set(id, { section, request });
    items.push({ id, request });
  });
  article.querySelector('.actions')?.append(exportMenu('Export', `Export ${target.value}`));
  if (lookups) lookups.want(items);
  else wanted.push(...items);
  inView.observe(article);
  return article;
}

/** Moves the queued sections of blocks that came into view to the front. */
function onSeen(entries) {
  // Before the view is connected its blocks are asked for in page order,
  // which puts the first screenful first anyway.
  if (!lookups) return;
  const ids = entries
    .filter((e) => e.isIntersecting)
    .flatMap((e) => [...e.target.querySelectorAll('section.section[data-state="queued"]')])
    .map((section) => Number(section.dataset.id));
  if (ids.length > 0) lookups.front(ids);
}

/** Applies a progress message from the background to its section. */
function onProgress(m) {
  const entry = sections.get(m.id);
  if (!entry) return;
  const { section } = entry;
  if (m.type === msg.QUEUED) {
    section.dataset.state = 'queued';
    core.render_status(section, 'queued', m.position, m.eta, m.pausedUntil ?? 0, Date.now());
  } else if (m.type === msg.LOADING) {
    section.dataset.state = 'loading';
    core.render_status(section, 'loading', 0, 0, 0, Date.now());
  } else if (m.type === msg.DONE) {
    core.render_outcome(section, m.outcome, m.fetchedAt, m.cached, Date.now());
    section.dataset.state = m.outcome.state;
    entry.outcome = m.outcome;
  }
}

/** Buttons inside the blocks: retry, refresh, copy, look up as …. */
async function onClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const action = button.dataset.action;
  const section = button.closest('section.section');
  const article = button.closest('article.indicator');
  if ((action === 'retry' || action === 'refresh') && section && lookups) {
    const id = Number(section.dataset.id);
    const { request } = sections.get(id);
    section.dataset.state = 'queued';
    // The user is waiting on this one: it jumps the line.
    lookups.want([{ id, request, bypassCache: true, front: true }]);
  } else if (action === 'copy' || action === 'copy-defanged') {
    const { kind, indicator } = article.dataset;
    const text = action === 'copy' ? indicator : core.defang(kind, indicator);
    await navigator.clipboard.writeText(text);
    flash(button, 'Copied');
  } else if (action === 'export') {
    exportView(button.dataset.format, [article]);
    closeMenu(button);
  } else if (action === 'look-up-as') {
    const plan = core.plan_as(button.dataset.endpoint, article.dataset.indicator);
    const target = { kind: article.dataset.kind, value: article.dataset.indicator };
    const added = addIndicator($('#indicators'), target, plan);
    article.after(added);
    button.disabled = true;
  }
}

function flash(button, text) {
  const before = button.textContent;
  button.textContent = text;
  setTimeout(() => (button.textContent = before), 1200);
}

addEventListener('pagehide', () => lookups?.close());

// --- Export and copy-all -----------------------------------------------------

/** A disclosure with one button per export format, for one block or the view. */
function exportMenu(label, name) {
  const details = document.createElement('details');
  details.className = 'export';
  const summary = document.createElement('summary');
  summary.textContent = label;
  summary.setAttribute('aria-label', name);
  const menu = document.createElement('div');
  menu.className = 'export-menu';
  for (const [format, text] of [['json', 'JSON'], ['csv', 'CSV'], ['stix', 'STIX 2.1']]) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.action = 'export';
    b.dataset.format = format;
    b.textContent = text;
    b.setAttribute('aria-label', `${name} as ${text}`);
    menu.append(b);
  }
  details.append(summary, menu);
  return details;
}

/** Closes the export menu holding `el` and gives its summary the focus back. */
function closeMenu(el) {
  const details = el.closest('details');
  if (!details) return;
  details.open = false;
  details.querySelector('summary').focus();
}

// Escape closes an open export menu, as it would a native menu.
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && event.target.closest?.('details.export[open]')) {
    closeMenu(event.target);
  }
});

/** The header's buttons: copy every indicator, export the whole view. */
async function onViewAction(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const articles = [...document.querySelectorAll('article.indicator')];
  const action = button.dataset.action;
  if (action === 'export') {
    exportView(button.dataset.format, articles);
    closeMenu(button);
  } else if (action === 'copy-all' || action === 'copy-all-defanged') {
    await navigator.clipboard.writeText(indicatorLines(articles, action === 'copy-all-defanged'));
    flash(button, 'Copied');
  }
}

/** Every distinct indicator of `articles`, one a line, refanged or defanged. */
function indicatorLines(articles, defanged) {
  const seen = new Set();
  const lines = [];
  for (const { dataset: { kind, indicator } } of articles) {
    const line = defanged ? core.defang(kind, indicator) : indicator;
    if (!seen.has(line)) lines.push(line);
    seen.add(line);
  }
  return lines.join('\n') + '\n';
}

/** What the export of `articles` is made of: each block and its sections' outcomes. */
function exportEntries(articles) {
  return articles.map((article) => ({
    kind: article.dataset.kind,
    value: article.dataset.indicator,
    sections: [...article.querySelectorAll('section.section')].map((section) => {
      const entry = sections.get(Number(section.dataset.id));
      const out = { endpoint: section.dataset.endpoint, rt: Number(section.dataset.rt) };
      if (entry?.outcome) out.outcome = entry.outcome;
      return out;
    }),
  }));
}

/** Builds the export in the core and hands it to the browser as a download. */
async function exportView(format, articles) {
  const { download: { download, exportName } } = await loadLater();
  const entries = exportEntries(articles);
  const now = Date.now();
  const label = articles.length === 1 ? articles[0].dataset.indicator : 'view';
  if (format === 'json') {
    download(core.export_json(entries, now), exportName(label, now, 'json'), 'application/json');
  } else if (format === 'csv') {
    download(core.export_csv(entries), exportName(label, now, 'csv'), 'text/csv');
  } else if (format === 'stix') {
    const bundle = core.export_stix(entries, now, crypto.randomUUID());
    download(bundle, exportName(label, now, 'stix.json'), 'application/stix+json');
  }
}
