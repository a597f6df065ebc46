// Request sharing and the answer cache in Firefox: two views wanting the same section share
// one request, and only real answers ("no results" included) are kept, never errors. The
// replay's log is the judge of what reached the service (tests/shared-queue.mjs). A second
// view served from the cache, and refresh, are in background.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  WINDOW_MS, apiRequests, allSections, waitForRequests,
} from '../browser/harness-queue.mjs';
import { judgeErrorsNotCached, judgeSharedRequests } from '../shared-queue.mjs';
import { setup, openResults, screenshot, waitFor, waitForAllSettled } from './harness.mjs';

const VALUE = 'vwrm.com';

/** Waits until every section of the view says its place in line; returns the status lines. */
async function waitForPlaces(page) {
  return waitFor(async () => {
    const sections = await allSections(page).catch(() => []);
    return sections.length > 0 && sections.every((s) => /^Queued: number \d+ in line/.test(s.status))
      && sections.map((s) => s.status);
  }, { timeout: 15_000, what: 'every section to say its place in line' });
}

test('two views wanting the same sections at once share each request', { timeout: 240_000 }, async (t) => {
  const { replay, browser, control, pageErrors } = await setup(t);
  // Ten requests "sent" 40 s ago: the budget opens in about 20 s, time for both views to
  // connect on a busy machine, so their sections meet in the queue first.
  const seededAt = Date.now() - (WINDOW_MS - 20_000);
  await control.evaluate(
    (at) => browser.storage.local.set({ budgetSentAt: Array.from({ length: 10 }, (_, i) => at + i) }),
    seededAt,
  );
  // Each answer takes 10 s, so a third view opened once they are sent finds them in flight.
  await replay.control({ delayMs: 10_000 });

  const [a, b] = await Promise.all([openResults(browser, VALUE), openResults(browser, VALUE)]);
  const [queued] = await Promise.all([a, b].map((v) => waitForPlaces(v.page)));
  const sentWhileQueued = apiRequests(replay);
  await screenshot(a.page, 'cache-shared-queued');

  // While the six are in flight, a third view asks for the same sections.
  await waitForRequests(replay, 6, { timeout: 40_000 });
  const c = await openResults(browser, VALUE);
  // Long enough that requests sent twice, which spend a second minute's budget, end in the
  // judgement below rather than in a timeout.
  const views = await Promise.all([a, b, c].map((v) => waitForAllSettled(v.page, { timeout: 120_000 })));
  // It joined the requests in flight: its answers are fresh, not the cache's. (Were the
  // cache to serve it, the log could not tell whether joining works.)
  for (const s of views[2]) assert.doesNotMatch(s.status, /from the cache/, `third view rt ${s.rt}: ${s.status}`);

  judgeSharedRequests({ queued, sentWhileQueued, views, sent: apiRequests(replay), seededAt });
  assert.deepEqual(pageErrors, []);
});

test('errors are never cached; "no results" answers are', { timeout: 150_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const value = 'example.com';
  // WHOIS fails every time; the other five sections answer "no results".
  await replay.control({ fault: { mode: 'http500', endpoint: 'domain', rt: 1 } });

  const first = await openResults(browser, value);
  // Two automatic retries of WHOIS take the extension about 15 s.
  const one = await waitForAllSettled(first.page, { timeout: 90_000 });
  t.diagnostic(`first view: ${apiRequests(replay).length} requests (WHOIS tried three times)`);

  await replay.control({ fault: null });
  replay.clearLog();
  const second = await openResults(browser, value);
  const two = await waitForAllSettled(second.page, { timeout: 60_000 });
  await screenshot(second.page, 'cache-error-not-kept');
  judgeErrorsNotCached({ first: one, second: two, sent: apiRequests(replay), value });
  assert.deepEqual(pageErrors, []);
});
