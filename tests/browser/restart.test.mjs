// Chromium stops an extension's service worker when it idles, and with it the queue and the
// timers held in its memory. The views must get every lookup answered anyway, and the budget,
// kept in storage.local, must hold across the restart: a new worker that forgot the requests
// of the last minute would send a fresh ten at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { setup, screenshot } from './harness.mjs';
import {
  LIMIT, openResults, apiRequests, busiestWindow, duplicates, describeLog, allSections,
  waitForAllSettled, waitForRequests, watchServiceWorker, readStorage, requestKey, secs,
} from './harness-queue.mjs';

const THREE = ['vwrm.com', 'example.com', '104.21.38.51'];

/** Every section's request, as the replay log would name it. */
const wantedKeys = (sections) => sections.map((s) => `${s.endpoint}|${s.value}|${s.rt}`).sort();

test('stopping the service worker mid-queue loses no lookup and keeps the budget', { timeout: 240_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const { page } = await openResults(browser, THREE.join(' '));
  const sw = await watchServiceWorker(browser, page);
  t.after(() => sw.close());
  const drawn = await allSections(page);
  assert.equal(drawn.length, 18);

  // Let the first ten be answered, so nothing is in flight when the worker stops.
  await waitForRequests(replay, LIMIT);
  await page.waitForFunction(() => document.querySelectorAll(
    'section.section[data-state="ok"], section.section[data-state="empty"]').length >= 10,
  null, { timeout: 20_000 });
  const stored = await readStorage(page, 'budgetSentAt');
  assert.equal(stored.budgetSentAt?.length, LIMIT, 'the ten send times are in storage');

  // Stop it twice while the other eight wait for budget: each time the view reconnects,
  // asks again, and a new worker starts from what storage says.
  for (let round = 1; round <= 2; round += 1) {
    const out = await sw.restart();
    t.diagnostic(`stop ${round}: the worker ran again ${out} ms after it stopped`);
    await page.waitForFunction(() => [...document.querySelectorAll('section.section[data-state="queued"]')]
      .every((s) => /number \d+ in line/.test(s.querySelector('.section-status').textContent)),
    null, { timeout: 15_000, polling: 100 });
    await sleep(5_000);
    assert.equal(apiRequests(replay).length, LIMIT,
      `a restarted worker sends nothing before the minute is over:\n${describeLog(apiRequests(replay))}`);
  }

  const settled = await waitForAllSettled(page, { timeout: 150_000 });
  await screenshot(page, 'restart-settled');
  for (const s of settled) assert.ok(['ok', 'empty'].includes(s.state), `${s.value} ${s.rt}: ${s.state} ${s.message}`);
  const sent = apiRequests(replay);
  assert.ok(busiestWindow(sent) <= LIMIT, describeLog(sent));
  assert.deepEqual(duplicates(sent), {}, describeLog(sent));
  assert.deepEqual(sent.map(requestKey).sort(), wantedKeys(settled));
  assert.deepEqual(pageErrors, []);
});

test('requests in flight when the worker stops are asked again, within the budget', { timeout: 180_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  // Slow answers: the six requests are still in flight when the worker goes.
  await replay.control({ delayMs: 5_000 });
  const { page, openedAt } = await openResults(browser, 'vwrm.com');
  const sw = await watchServiceWorker(browser, page);
  t.after(() => sw.close());
  await waitForRequests(replay, 6);
  await sw.restart();

  const settled = await waitForAllSettled(page, { timeout: 150_000 });
  t.diagnostic(`all six settled ${secs(Date.now() - openedAt)} after the view opened`);
  for (const s of settled) assert.ok(['ok', 'empty'].includes(s.state), `${s.rt}: ${s.state} ${s.message}`);
  const sent = apiRequests(replay);
  // Every section was asked for again at most once, and the repeats kept to the budget
  // together with the six the stopped worker had sent.
  assert.ok(busiestWindow(sent) <= LIMIT, describeLog(sent));
  assert.ok(Object.values(duplicates(sent)).every((n) => n === 2), describeLog(sent));
  assert.deepEqual([...new Set(sent.map(requestKey))].sort(), wantedKeys(settled));
  assert.deepEqual(pageErrors, []);
});
