// The request budget in Firefox, judged by the replay's log: no rolling minute may hold
// more than ThreatMiner's 10 requests. Firefox, like Chromium, opens at most six
// connections to one host, so with slow answers part of a burst waits in its pool and
// reaches the service seconds after the extension sent it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LIMIT, apiRequests, allSections, busiestWindow, duplicates, describeLog, secs,
} from '../browser/harness-queue.mjs';
import { setup, openExtensionPage, waitFor, waitForSelector } from './harness.mjs';

test('requests held in the browser\'s connection pool count from when they reach ThreatMiner', { timeout: 240_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  await replay.control({ delayMs: 8_000 });
  const text = 'vwrm.com 104.21.38.51 example.com';
  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent(text)}`);
  await waitForSelector(page, 'body[data-state="ready"]');
  const first = await waitFor(() => apiRequests(replay).length >= LIMIT && apiRequests(replay), {
    timeout: 30_000, what: `${LIMIT} requests`,
  });
  t.diagnostic(`the first ${LIMIT} arrived over ${secs(first.at(-1).at - first[0].at)}`);
  // Fast answers from now on: the next burst reaches the service the moment it is sent.
  await replay.control({ delayMs: 0 });

  const settled = await waitFor(async () => {
    const sections = await allSections(page).catch(() => []);
    return sections.length === 18 && sections.every((s) => ['ok', 'empty', 'error'].includes(s.state))
      && sections;
  }, { timeout: 180_000, interval: 500, what: 'all 18 sections to settle' });
  for (const s of settled) assert.ok(['ok', 'empty'].includes(s.state), `${s.value} ${s.rt}: ${s.state}`);
  const sent = apiRequests(replay);
  assert.equal(sent.length, 18, describeLog(sent));
  assert.ok(busiestWindow(sent) <= LIMIT, `at most ${LIMIT} arrived in any rolling minute:\n${describeLog(sent)}`);
  assert.deepEqual(duplicates(sent), {}, describeLog(sent));
  assert.deepEqual(pageErrors, []);
});
