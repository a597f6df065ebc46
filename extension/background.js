// The background owns the wasm core, the network, the request queue, the
// budget and the answer cache. Pages connect over a port (lib/messages.js),
// say which requests they want, and get progress and answers back.
import init, * as core from './pkg/tmlookup.js';
import { api, debug, setDebug } from './lib/browser.js';
import * as msg from './lib/messages.js';
import { loadSettings } from './lib/settings.js';
import * as cache from './lib/cache.js';
import { originPattern } from './lib/access.js';
import { recordLookup } from './lib/history.js';

// Module service workers allow no top-level await: keep the promise and
// await it in each handler.
const ready = init({ module_or_path: new URL('./pkg/tmlookup_bg.wasm', import.meta.url) });

const MENU_ID = 'tm-lookup-selection';
const WINDOW_MS = 60_000;
// A throttling answer (429, 204, a CDN challenge) pauses every request.
const PAUSE_MS = 60_000;
// Transient failures are retried this many times, waiting longer each time.
const MAX_RETRIES = 2;
const RETRY_BASE_MS = 5_000;
// Selections longer than this travel through session storage, not the URL.
const MAX_URL_TEXT = 100_000;

// --- The context menu ------------------------------------------------------

api.runtime.onInstalled.addListener(() => {
  api.contextMenus.create({
    id: MENU_ID,
    title: 'Look up on ThreatMiner',
    contexts: ['selection'],
  });
});

/**
 * Opens the results view for a context-menu click. Named on the global scope
 * so that tests can call it: a real menu click cannot be driven by a test.
 */
async function lookupSelection(info, tab) {
  await openResults(info.selectionText ?? '', tab);
}
globalThis.lookupSelection = lookupSelection;

api.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_ID) lookupSelection(info, tab);
});

/** Opens results.html for `text` in a new tab right of `tab`. */
async function openResults(text, tab) {
  let url = 'results.html?q=' + encodeURIComponent(text);
  if (url.length > MAX_URL_TEXT) {
    // Very long selections would make an unwieldy URL; hand them over
    // through session storage, which the results page reads once.
    const key = 'selection:' + crypto.randomUUID();
    await api.storage.session.set({ [key]: text });
    url = 'results.html?selection=' + encodeURIComponent(key);
  }
  const props = { url: api.runtime.getURL(url) };
  if (tab && tab.id !== undefined && tab.id >= 0) {
    props.index = tab.index + 1;
    props.openerTabId = tab.id;
  }
  await api.tabs.create(props);
}

// --- Budget ----------------------------------------------------------------

// When each recent request reached ThreatMiner, at the latest. The send time
// is not enough: Chromium opens six connections to a host and holds further
// requests in its pool until one frees, so with slow answers a request can
// reach the service seconds after it was sent, and the next minute's burst
// would then land in the same minute as ThreatMiner counts it. So an
// answered request counts from its answer, and one still in flight counts as
// reaching the service now. Both are persisted, so the budget survives the
// service worker being stopped and the browser restarting.
let sentAt = null;
// Requests sent and not yet answered.
let unanswered = 0;
let pausedUntil = 0;

async function loadBudget() {
  if (sentAt !== null) return;
  const stored = await api.storage.local.get(['budgetSentAt', 'budgetUnanswered', 'pausedUntil']);
  sentAt = Array.isArray(stored.budgetSentAt) ? stored.budgetSentAt : [];
  // A stopped worker's requests in flight died with it, by now at the latest.
  const orphans = Math.max(0, Math.floor(Number(stored.budgetUnanswered) || 0));
  for (let i = 0; i < orphans; i += 1) sentAt.push(Date.now());
  pausedUntil = Number(stored.pausedUntil) || 0;
  if (orphans > 0) await saveBudget(Date.now());
}

function saveBudget(now) {
  sentAt = sentAt.filter((t) => t > now - WINDOW_MS);
  return api.storage.local.set({ budgetSentAt: sentAt, budgetUnanswered: unanswered });
}

/** Counts a request as in flight; resolves once that is stored. */
function recordSend(now) {
  unanswered += 1;
  return saveBudget(now);
}

/** Counts an answered (or failed) request from now, when it had surely arrived. */
function recordAnswer() {
  const now = Date.now();
  unanswered = Math.max(0, unanswered - 1);
  sentAt.push(now);
  return saveBudget(now);
}

/** The earliest time the next request may leave. */
function nextSlot(now, perMinute) {
  const counted = [...sentAt, ...Array(unanswered).fill(now)];
  const slot = core.next_slot(Float64Array.from(counted), now, perMinute, WINDOW_MS);
  return Math.max(slot, pausedUntil);
}

// --- The queue -------------------------------------------------------------

// Jobs waiting for budget, in order. A job is one request wanted by one or
// more (port, id) waiters; the same request wanted twice is sent once.
const queue = [];
// Jobs sent and not yet answered, by key.
const inFlight = new Map();
let pumpTimer = null;

function keyOf(req) {
  return [req.endpoint, req.rt, req.q, req.y ?? ''].join('|');
}

function findJob(key) {
  return inFlight.get(key) ?? queue.find((job) => job.key === key);
}

function post(port, message) {
  try {
    port.postMessage(message);
  } catch {
    // The view closed between our decision and the post: nothing to do.
  }
}

// Ports whose view has gone, for requests still on their way into the queue.
const closedPorts = new WeakSet();

async function want(port, items) {
  await ready;
  const settings = await loadSettings();
  setDebug(settings.debug);
  for (const item of items) {
    const key = keyOf(item.request);
    const waiter = { port, id: item.id };
    if (!item.bypassCache) {
      const hit = await cache.get(key, settings.cacheHours);
      if (hit) {
        debug('cache hit', key);
        post(port, { type: msg.DONE, id: item.id, ...hit, cached: true });
        continue;
      }
    }
    // The view may have closed while we looked in the cache; its drop has
    // run already, so nothing would take this request out of the queue.
    if (closedPorts.has(port)) return;
    let job = findJob(key);
    if (job) {
      debug('joined a request already wanted', key);
      job.waiters.push(waiter);
      if (item.front) putFirst(new Set([job]));
      continue;
    }
    job = { key, request: item.request, waiters: [waiter], attempts: 0, notBefore: 0 };
    if (item.front) queue.unshift(job);
    else queue.push(job);
  }
  await pump();
}

/**
 * Moves `port`'s queued requests with these ids ahead of every other, in
 * the order they are in now: the view shows them to the user.
 */
function toFront(port, ids) {
  const seen = new Set(ids);
  const mine = queue.filter((job) => job.waiters.some((w) => w.port === port && seen.has(w.id)));
  if (!putFirst(new Set(mine))) return;
  debug('to the front of the queue:', mine.length, 'requests');
  // Their places in line changed: say so.
  pump();
}

/**
 * Moves the queued ones of `jobs` ahead of every other job, keeping their
 * order (a job in flight is not in the queue). Says whether anything moved.
 */
function putFirst(jobs) {
  const first = queue.filter((job) => jobs.has(job));
  if (first.every((job, i) => queue[i] === job)) return false;
  queue.splice(0, queue.length, ...first, ...queue.filter((job) => !jobs.has(job)));
  return true;
}

function drop(port, ids) {
  const gone = new Set(ids);
  for (const job of [...queue]) {
    job.waiters = job.waiters.filter((w) => !(w.port === port && (!ids || gone.has(w.id))));
    if (job.waiters.length === 0) queue.splice(queue.indexOf(job), 1);
  }
  // Requests already sent keep going: their answers still fill the cache.
  for (const job of inFlight.values()) {
    job.waiters = job.waiters.filter((w) => !(w.port === port && (!ids || gone.has(w.id))));
  }
}

// Pumps run one at a time: two interleaved pumps could both see a free slot
// and together go over the budget.
let pumping = Promise.resolve();

function pump() {
  pumping = pumping.then(pumpOnce, pumpOnce);
  return pumping;
}

/** Sends whatever the budget allows now and schedules the rest. */
async function pumpOnce() {
  clearTimeout(pumpTimer);
  pumpTimer = null;
  await loadBudget();
  const settings = await loadSettings();
  if (queue.length > 0 && !(await mayReach(settings.apiBaseUrl))) {
    failAll(noAccess(settings.apiBaseUrl));
    return;
  }
  for (;;) {
    const now = Date.now();
    const ready = queue.filter((job) => job.notBefore <= now);
    if (ready.length === 0) break;
    const slot = nextSlot(now, settings.requestsPerMinute);
    if (slot > now) break;
    const job = ready[0];
    queue.splice(queue.indexOf(job), 1);
    await recordSend(now);
    send(job, settings);
  }
  announceQueue(settings);
  if (queue.length > 0) {
    const now = Date.now();
    const earliest = Math.min(...queue.map((job) => job.notBefore));
    const wait = Math.max(nextSlot(now, settings.requestsPerMinute), earliest) - now;
    debug('queue waits', Math.max(wait, 0), 'ms for', queue.length, 'requests');
    pumpTimer = setTimeout(pump, Math.max(wait, 50));
  }
}

/** Whether the browser lets the extension reach the API at `base`. */
function mayReach(base) {
  return api.permissions.contains({ origins: [originPattern(base)] });
}

/** The outcome for requests the browser would block: spends no budget. */
function noAccess(base) {
  const host = new URL(base).host;
  return {
    state: 'error',
    kind: 'network',
    message: `The browser does not let ThreatMiner Lookup reach ${host}. Allow access from the toolbar popup, then retry.`,
    retryable: false,
    throttled: false,
  };
}

/** Answers every queued request with `outcome`. */
function failAll(outcome) {
  const fetchedAt = Date.now();
  for (const job of queue.splice(0)) {
    for (const w of job.waiters) post(w.port, { type: msg.DONE, id: w.id, outcome, fetchedAt, cached: false });
  }
}

/** Tells every waiting view where its requests stand. */
function announceQueue(settings) {
  const now = Date.now();
  const slot = nextSlot(now, settings.requestsPerMinute);
  queue.forEach((job, position) => {
    const eta = Math.max(slot, job.notBefore);
    for (const w of job.waiters) {
      post(w.port, { type: msg.QUEUED, id: w.id, position: position + 1, eta, pausedUntil });
    }
  });
}

async function send(job, settings) {
  inFlight.set(job.key, job);
  for (const w of job.waiters) post(w.port, { type: msg.LOADING, id: w.id });
  debug('sending', job.key, 'attempt', job.attempts + 1);
  let outcome;
  try {
    outcome = await core.fetch_outcome(
      settings.apiBaseUrl,
      job.request,
      settings.timeoutSeconds * 1000,
    );
  } finally {
    await recordAnswer();
  }
  if (outcome.state === 'error' && outcome.throttled) {
    pausedUntil = Date.now() + PAUSE_MS;
    await api.storage.local.set({ pausedUntil });
    debug('throttled: the queue pauses until', new Date(pausedUntil).toISOString());
  }
  // A retry is a new request; spend no budget on it once every view that
  // wanted it has closed (an answer, by contrast, is kept for the cache).
  const wanted = job.waiters.length > 0;
  if (outcome.state === 'error' && outcome.retryable && job.attempts < MAX_RETRIES && wanted) {
    job.attempts += 1;
    job.notBefore = Date.now() + RETRY_BASE_MS * 2 ** (job.attempts - 1);
    job.lastError = outcome.message;
    inFlight.delete(job.key);
    queue.unshift(job);
    pump();
    return;
  }
  const fetchedAt = Date.now();
  if (outcome.state !== 'error') {
    await cache.put(job.key, { outcome, fetchedAt });
  }
  // Only now: a view asking while the answer was being cached joined this
  // job rather than missing both the cache and the job and sending again.
  inFlight.delete(job.key);
  for (const w of job.waiters) {
    post(w.port, { type: msg.DONE, id: w.id, outcome, fetchedAt, cached: false });
  }
  // The answer may free budget sooner than the timer planned for.
  if (queue.length > 0) pump();
}

// --- Ports from pages ------------------------------------------------------

api.runtime.onConnect.addListener((port) => {
  if (port.name !== msg.PORT_NAME) return;
  port.onMessage.addListener((m) => {
    if (m.type === msg.WANT) want(port, m.items);
    else if (m.type === msg.DROP) drop(port, m.ids);
    else if (m.type === msg.FRONT) toFront(port, m.ids);
    // PING needs no answer: receiving it keeps the worker alive.
  });
  port.onDisconnect.addListener(() => {
    closedPorts.add(port);
    drop(port, null);
  });
});

/** True when the message comes from one of our own results pages, not from
 * a script we injected into a web page. */
function fromResultsPage(sender) {
  return sender.id === api.runtime.id
    && Boolean(sender.url?.startsWith(api.runtime.getURL('results.html')));
}

/** True for `{label, url}` the popup can list and open as an entry. */
function isHistoryEntry(m) {
  return typeof m.label === 'string'
    && typeof m.url === 'string'
    && m.url.startsWith('results.html?');
}

// History entries are written one after another: each write reads the list
// first, and two at once would lose one of them.
let historyWrites = Promise.resolve();

api.runtime.onMessage.addListener((m, sender, reply) => {
  if (m?.type === msg.CLEAR_CACHE) {
    cache.clear().then(() => reply({ ok: true }));
    return true;
  }
  if (m?.type === msg.RECORD_LOOKUP && fromResultsPage(sender) && isHistoryEntry(m)) {
    historyWrites = historyWrites
      .then(() => recordLookup(m.label, m.url))
      .catch((err) => console.error('[tmlookup] the history was not saved', err));
    historyWrites.then(() => reply({ ok: true }));
    return true;
  }
  return false;
});

import { registerEntryPoints } from './lib/entry.js'; registerEntryPoints(openResults);
