// The results view: finds the indicators in `?q=`, asks the background for
// their ThreatMiner sections and lets the wasm core draw what comes back.
// This file only wires events; all text from pages and answers reaches the
// DOM through the core's renderer as text nodes.
import init, * as core from './pkg/tmlookup.js';
import { api } from './lib/browser.js';
import * as msg from './lib/messages.js';
import { connectLookups } from './lib/lookups.js';

const $ = (sel) => document.querySelector(sel);

// Sections by the id the page gave their request.
const sections = new Map();
let nextId = 1;
let lookups = null;

main().catch((err) => {
  console.error('[tmlookup]', err);
  showMessage('The results view failed to start: ' + (err?.message ?? err) + '. Reload the page.');
  document.body.dataset.state = 'failed';
});

async function main() {
  await init();
  const text = await readQuery();
  const found = core.extract(text);
  // `i=kind:value` names indicators directly (the popup's list, pivots);
  // `q=` is free text for the finder.
  const named = new URLSearchParams(location.search).getAll('i');
  const indicators = named.length ? core.parse_targets(named) : core.lookup_targets(found);
  const list = $('#indicators');
  if (found.truncated) {
    showMessage(`The text is longer than the finder reads at once; it stopped after ${found.scanned_bytes} bytes.`);
  }
  if (indicators.length === 0) {
    document.body.dataset.state = 'nothing-found';
    showMessage(core.nothing_found_message(text));
    return;
  }
  $('#summary').textContent = core.summary_line(indicators);
  lookups = connectLookups(onProgress);
  for (const indicator of indicators) {
    const plan = core.plan(indicator.kind, indicator.value);
    addIndicator(list, indicator, plan);
  }
  document.body.dataset.state = 'ready';
  list.addEventListener('click', onClick);
}

/** Reads the text to search: `?q=`, or a long selection from session storage. */
async function readQuery() {
  const params = new URLSearchParams(location.search);
  const key = params.get('selection');
  if (key && key.startsWith('selection:')) {
    const { [key]: text } = await api.storage.session.get(key);
    await api.storage.session.remove(key);
    if (typeof text === 'string') return text;
    return '';
  }
  return params.get('q') ?? '';
}

function showMessage(text) {
  const el = $('#message');
  el.textContent = text;
  el.hidden = false;
}

/** Draws one indicator's block and asks for each of its sections. */
function addIndicator(list, indicator, plan) {
  const article = core.render_indicator(list, indicator, plan);
  const items = [];
  article.querySelectorAll('section.section').forEach((section, i) => {
    const request = plan.requests[i];
    const id = nextId++;
    section.dataset.id = String(id);
    sections.set(id, { section, request });
    items.push({ id, request });
  });
  lookups.want(items);
  return article;
}

/** Applies a progress message from the background to its section. */
function onProgress(m) {
  const entry = sections.get(m.id);
  if (!entry) return;
  const { section, request } = entry;
  if (m.type === msg.QUEUED) {
    section.dataset.state = 'queued';
    core.render_status(section, 'queued', m.position, m.eta, m.pausedUntil ?? 0, Date.now());
  } else if (m.type === msg.LOADING) {
    section.dataset.state = 'loading';
    core.render_status(section, 'loading', 0, 0, 0, Date.now());
  } else if (m.type === msg.DONE) {
    section.dataset.state = m.outcome.state;
    core.render_outcome(section, request, m.outcome, m.fetchedAt, m.cached, Date.now());
  }
}

/** Buttons inside the blocks: retry, refresh, copy, look up as …. */
async function onClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const action = button.dataset.action;
  const section = button.closest('section.section');
  if ((action === 'retry' || action === 'refresh') && section) {
    const id = Number(section.dataset.id);
    const { request } = sections.get(id);
    section.dataset.state = 'queued';
    // The user is waiting on this one: it jumps the line.
    lookups.want([{ id, request, bypassCache: true, front: true }]);
  } else if (action === 'copy' || action === 'copy-defanged') {
    const value = button.closest('article').dataset.indicator;
    const text = action === 'copy' ? value : core.defang(value);
    await navigator.clipboard.writeText(text);
    flash(button, 'Copied');
  } else if (action === 'look-up-as') {
    const article = button.closest('article');
    const plan = core.plan_as(button.dataset.endpoint, article.dataset.indicator);
    const indicator = { kind: article.dataset.kind, value: article.dataset.indicator };
    const added = addIndicator($('#indicators'), indicator, plan);
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
