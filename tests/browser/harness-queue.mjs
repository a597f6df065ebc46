// Helpers for the tests of the background's request queue: the budget, the cache, service
// worker restarts and throttling. They read the replay server's request log as the truth
// about what reached "ThreatMiner", and the results page's sections as the truth about what
// an analyst sees.

import { setTimeout as sleep } from 'node:timers/promises';

/** ThreatMiner's documented limit: this many requests in any rolling window of WINDOW_MS. */
export const LIMIT = 10;
export const WINDOW_MS = 60_000;

/** A results view's path for free text, as the context menu would open it. */
export function resultsPath(text) {
  return `results.html?q=${encodeURIComponent(text)}`;
}

/**
 * Opens a results view for `text` in a new tab and waits until its blocks are drawn.
 * Returns `{page, openedAt}`, `openedAt` being when the tab was asked to load.
 */
export async function openResults(browser, text) {
  const page = await browser.context.newPage();
  const openedAt = Date.now();
  await page.goto(browser.extensionUrl(resultsPath(text)));
  await page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });
  return { page, openedAt };
}

/** The API requests the replay server received, each with `at` in ms since the epoch. */
export function apiRequests(replay) {
  return replay.log()
    .filter((e) => e.form === 'v2')
    .map((e) => ({ ...e, at: Date.parse(e.time) }));
}

/** The identity of a request: which section of which value it asked for. */
export function requestKey(e) {
  return `${e.endpoint}|${e.q}|${e.rt}`;
}

/**
 * The largest number of requests that fell in one rolling window of `windowMs`. Windows are
 * half-open, as ThreatMiner's minute is assumed to be: a request exactly one window after
 * another does not share a window with it.
 */
export function busiestWindow(requests, windowMs = WINDOW_MS) {
  const times = requests.map((e) => e.at).sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end] - times[start] >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** Request keys that were sent more than once, with their counts. */
export function duplicates(requests) {
  const counts = new Map();
  for (const e of requests) counts.set(requestKey(e), (counts.get(requestKey(e)) ?? 0) + 1);
  return Object.fromEntries([...counts].filter(([, n]) => n > 1));
}

/** Describes the log compactly for assertion messages: seconds since the first request. */
export function describeLog(requests) {
  const t0 = requests[0]?.at ?? 0;
  return requests
    .map((e) => `+${((e.at - t0) / 1000).toFixed(1)}s ${e.endpoint}:${e.rt} ${e.q} ${e.status ?? '-'}`)
    .join('\n');
}

/**
 * Every section on the page as `{value, endpoint, rt, state, status, message}`, in page
 * order. `status` is the short line in the section's head ("Queued: number 3 in line…").
 */
export function allSections(page) {
  return page.evaluate(() => [...document.querySelectorAll('article.indicator section.section')]
    .map((s) => ({
      value: s.closest('article.indicator').dataset.indicator,
      endpoint: s.dataset.endpoint,
      rt: s.dataset.rt,
      state: s.dataset.state,
      status: s.querySelector('.section-status')?.textContent ?? '',
      message: s.querySelector('.section-message')?.textContent ?? '',
    })));
}

const SETTLED = ['ok', 'empty', 'error'];

/** Waits until every section on the page has an answer or an error; returns them. */
export async function waitForAllSettled(page, { timeout = 60_000 } = {}) {
  await page.waitForFunction((settled) => {
    const sections = [...document.querySelectorAll('article.indicator section.section')];
    return sections.length > 0 && sections.every((s) => settled.includes(s.dataset.state));
  }, SETTLED, { timeout, polling: 250 });
  return allSections(page);
}

/** Waits until some section's status line matches `pattern`; returns that section. */
export async function waitForStatus(page, pattern, { timeout = 30_000 } = {}) {
  const handle = await page.waitForFunction(({ source, flags }) => {
    const re = new RegExp(source, flags);
    const hit = [...document.querySelectorAll('section.section')]
      .find((s) => re.test(s.querySelector('.section-status')?.textContent ?? ''));
    return hit ? { endpoint: hit.dataset.endpoint, rt: hit.dataset.rt,
      value: hit.closest('article.indicator').dataset.indicator,
      status: hit.querySelector('.section-status').textContent } : null;
  }, { source: pattern.source, flags: pattern.flags }, { timeout, polling: 100 });
  return handle.jsonValue();
}

/** Polls the replay log until it holds at least `n` API requests. */
export async function waitForRequests(replay, n, { timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  while (apiRequests(replay).length < n) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${n} requests; `
        + `saw ${apiRequests(replay).length}:\n${describeLog(apiRequests(replay))}`);
    }
    await sleep(100);
  }
  return apiRequests(replay);
}

/**
 * Watches the extension's service worker through the DevTools protocol of an extension
 * page. Chromium runs the extension's worker in the same storage partition as its pages, so
 * the page's `ServiceWorker` domain sees it and can stop it.
 *
 * Returns `{status(), seen, restart(), close()}`; `status()` is the last running status
 * reported (`running`, `stopping`, `stopped`, `starting`), `seen` every change with its time.
 */
export async function watchServiceWorker(browser, page) {
  // Not new URL(...).origin: Node's URL gives "null" for chrome-extension: addresses.
  const origin = `chrome-extension://${browser.extensionId}/`;
  const cdp = await browser.context.newCDPSession(page);
  let status = 'unknown';
  const seen = [];
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) {
      if (!v.scriptURL.startsWith(origin)) continue;
      if (v.runningStatus !== status) seen.push({ status: v.runningStatus, at: Date.now() });
      status = v.runningStatus;
    }
  });
  await cdp.send('ServiceWorker.enable');

  // The status can pass through "stopped" and back to "running" between two polls (a view
  // reconnects at once), so waiting looks at every status seen since `from`.
  async function waitFor(wanted, from = 0, timeout = 20_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const at = seen.findIndex((s, i) => i >= from && s.status === wanted);
      if (at >= 0) return at;
      if (Date.now() > deadline) {
        throw new Error(`the service worker did not reach "${wanted}" in ${timeout} ms `
          + `(seen: ${seen.map((s) => s.status).join(' → ')})`);
      }
      await sleep(50);
    }
  }

  return {
    status: () => status,
    seen,
    /**
     * Stops the worker as Chromium does when it idles, waits until it is down, then until
     * it runs again (an open view reconnects and so starts it). Returns how long it was out.
     */
    async restart() {
      await waitFor('running');
      const from = seen.length;
      await cdp.send('ServiceWorker.stopAllWorkers');
      const stopped = await waitFor('stopped', from);
      const running = await waitFor('running', stopped);
      return seen[running].at - seen[stopped].at;
    },
    close: () => cdp.detach().catch(() => {}),
  };
}

/** Reads keys from the extension's storage.local through one of its pages. */
export function readStorage(page, keys) {
  return page.evaluate((k) => chrome.storage.local.get(k), keys);
}

/** Writes to the extension's storage.local through one of its pages. */
export function writeStorage(page, items) {
  return page.evaluate((i) => chrome.storage.local.set(i), items);
}

/** Milliseconds as seconds with one decimal, for diagnostics. */
export function secs(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
