// The answer cache and request sharing: an answer already fetched is shown again without
// asking ThreatMiner, "refresh" asks exactly once more, two views wanting the same section
// share one request, and only real answers ("no results" included) are kept, never errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { setup, screenshot, sectionLocator } from './harness.mjs';
import {
  WINDOW_MS, openResults, apiRequests, describeLog, allSections,
  waitForAllSettled, waitForRequests, requestKey,
} from './harness-queue.mjs';
import { judgeErrorsNotCached, judgeSharedRequests, statesByRt } from '../shared-queue.mjs';

const VALUE = 'vwrm.com';
const FIRST_OK = 'article.indicator section.section[data-state="ok"]';

test('a second view is served from the cache, and refresh asks exactly once', { timeout: 150_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);

  // First view, fresh profile: empty cache, empty budget.
  const first = await openResults(browser, VALUE);
  await first.page.waitForSelector(FIRST_OK, { timeout: 30_000 });
  const uncachedFirstOk = Date.now() - first.openedAt;
  const one = await waitForAllSettled(first.page);
  const uncachedAll = Date.now() - first.openedAt;
  assert.equal(one.length, 6, 'a domain has six sections');
  assert.deepEqual(apiRequests(replay).map((e) => e.rt).sort(), ['1', '2', '3', '4', '5', '6']);
  // rt 4 answers "no results", which is an answer to keep like any other.
  assert.equal(statesByRt(one)[4], 'empty');

  replay.clearLog();
  const second = await openResults(browser, VALUE);
  await second.page.waitForSelector(FIRST_OK, { timeout: 30_000 });
  const cachedFirstOk = Date.now() - second.openedAt;
  const two = await waitForAllSettled(second.page);
  const cachedAll = Date.now() - second.openedAt;
  assert.deepEqual(statesByRt(two), statesByRt(one));
  for (const s of two) assert.match(s.status, /from the cache/, `rt ${s.rt}: ${s.status}`);
  // Give a stray request time to show up before declaring there was none.
  await sleep(1_000);
  assert.deepEqual(apiRequests(replay), [], 'the second view sent nothing');
  await screenshot(second.page, 'cache-second-view');

  t.diagnostic(`first section ok after opening the view: uncached ${uncachedFirstOk} ms, cached ${cachedFirstOk} ms`);
  t.diagnostic(`whole domain profile (6 sections), fresh profile: ${uncachedAll} ms; from the cache: ${cachedAll} ms`);

  // Refresh goes past the cache, for that one section only.
  const section = sectionLocator(second.page, VALUE, 2);
  await section.locator('button.refresh').click();
  await second.page.waitForFunction((value) => {
    const s = document.querySelector(
      `article.indicator[data-indicator="${value}"] section.section[data-rt="2"]`,
    );
    return s.dataset.state === 'ok' && !/cache/.test(s.querySelector('.section-status').textContent);
  }, VALUE, { timeout: 30_000, polling: 100 });
  assert.match(await section.innerText(), /209\.29\.221\.235/, 'the refreshed answer is drawn');
  await sleep(1_000);
  const refreshed = apiRequests(replay);
  assert.deepEqual(refreshed.map(requestKey), [`domain|${VALUE}|2`], describeLog(refreshed));
  assert.deepEqual(pageErrors, []);
});

test('two views wanting the same sections at once share each request', { timeout: 150_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  // Ten requests "sent" 52 s ago: the budget opens in about 8 s, so both views' sections
  // meet in the queue first, and then in flight (each answer takes 3 s).
  const seededAt = Date.now() - (WINDOW_MS - 8_000);
  await browser.worker.evaluate(
    (at) => chrome.storage.local.set({ budgetSentAt: Array.from({ length: 10 }, (_, i) => at + i) }),
    seededAt,
  );
  await replay.control({ delayMs: 3_000 });

  const [a, b] = await Promise.all([openResults(browser, VALUE), openResults(browser, VALUE)]);
  for (const view of [a, b]) {
    await view.page.waitForFunction(() => [...document.querySelectorAll('section.section')]
      .every((s) => /^Queued: number \d+ in line/.test(s.querySelector('.section-status').textContent)),
    null, { timeout: 10_000, polling: 100 });
  }
  const queued = (await allSections(a.page)).map((s) => s.status);
  const sentWhileQueued = apiRequests(replay);

  // While the six are in flight, a third view asks for the same sections.
  await waitForRequests(replay, 6, { timeout: 20_000 });
  const c = await openResults(browser, VALUE);
  const views = await Promise.all([a, b, c].map((v) => waitForAllSettled(v.page)));
  judgeSharedRequests({ queued, sentWhileQueued, views, sent: apiRequests(replay), seededAt });
  assert.deepEqual(pageErrors, []);
});

test('errors are never cached; "no results" answers are', { timeout: 150_000 }, async (t) => {
  const { replay, browser } = await setup(t);
  const value = 'example.com';
  // WHOIS fails every time; the other five sections answer "no results".
  await replay.control({ fault: { mode: 'http500', endpoint: 'domain', rt: 1 } });

  const first = await openResults(browser, value);
  const one = await waitForAllSettled(first.page, { timeout: 60_000 });
  t.diagnostic(`first view: ${apiRequests(replay).length} requests (WHOIS tried three times)`);

  await replay.control({ fault: null });
  replay.clearLog();
  const second = await openResults(browser, value);
  const two = await waitForAllSettled(second.page, { timeout: 60_000 });
  // Only the failed section was asked again; the "no results" came from the cache.
  judgeErrorsNotCached({ first: one, second: two, sent: apiRequests(replay), value });
});
