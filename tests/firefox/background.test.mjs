// The background in Firefox: the answer cache, and the event page stopping under a view.
// Firefox suspends an idle MV3 event page much as Chromium stops its service worker, and
// with it the queue held in memory; the view must reconnect, ask again and get every
// section answered.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  apiRequests, allSections, busiestWindow, duplicates, describeLog, requestKey, LIMIT,
} from '../browser/harness-queue.mjs';
import {
  setup, openExtensionPage, screenshot, waitFor, waitForSelector, sectionSelector,
  stopBackground,
} from './harness.mjs';

const VALUE = 'vwrm.com';
const SETTLED = ['ok', 'empty', 'error'];

async function openResults(browser, text) {
  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent(text)}`);
  await waitForSelector(page, 'body[data-state="ready"]');
  return page;
}

/** Waits until every section on the page has an answer or an error; returns them. */
async function allSettled(page, timeout = 60_000) {
  return waitFor(async () => {
    const sections = await allSections(page).catch(() => []);
    return sections.length > 0 && sections.every((s) => SETTLED.includes(s.state)) && sections;
  }, { timeout, interval: 250, what: 'every section to settle' });
}

const statesByRt = (sections) => Object.fromEntries(sections.map((s) => [s.rt, s.state]));

test('a second view is served from the cache, and refresh asks exactly once', { timeout: 120_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const one = await allSettled(await openResults(browser, VALUE));
  assert.deepEqual(apiRequests(replay).map((e) => e.rt).sort(), ['1', '2', '3', '4', '5', '6']);
  // rt 4 answers "no results", which is an answer to keep like any other.
  assert.equal(statesByRt(one)[4], 'empty');

  replay.clearLog();
  const page = await openResults(browser, VALUE);
  const two = await allSettled(page);
  assert.deepEqual(statesByRt(two), statesByRt(one));
  for (const s of two) assert.match(s.status, /from the cache/, `rt ${s.rt}: ${s.status}`);
  // Give a stray request time to show up before declaring there was none.
  await sleep(1_000);
  assert.deepEqual(apiRequests(replay), [], 'the second view sent nothing');
  await screenshot(page, 'cache-second-view');

  // Refresh goes past the cache, for that one section only.
  const section = sectionSelector(VALUE, 2);
  await page.click(`${section} button.refresh`);
  await waitFor(() => page.$eval(section, (s) => s.dataset.state === 'ok'
    && !/cache/.test(s.querySelector('.section-status').textContent)), { what: 'a fresh answer' });
  assert.match(await page.$eval(section, (s) => s.innerText), /209\.29\.221\.235/);
  await sleep(1_000);
  assert.deepEqual(apiRequests(replay).map(requestKey), [`domain|${VALUE}|2`]);
  assert.deepEqual(pageErrors, []);
});

test('requests in flight when the event page stops are asked again, within the budget', { timeout: 150_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  // Slow answers: the six requests are still in flight when the event page goes.
  await replay.control({ delayMs: 5_000 });
  const page = await openResults(browser, VALUE);
  await waitFor(() => apiRequests(replay).length >= 6, { what: 'six requests' });
  const state = await stopBackground(browser);
  t.diagnostic(`event page state after the stop: ${state}`);

  const settled = await allSettled(page, 120_000);
  await screenshot(page, 'event-page-restart');
  for (const s of settled) assert.ok(['ok', 'empty'].includes(s.state), `${s.rt}: ${s.state} ${s.message}`);
  const sent = apiRequests(replay);
  // The stop lost the six answers: each section was asked again, once, and the twelve
  // requests kept to the budget.
  assert.ok(busiestWindow(sent) <= LIMIT, describeLog(sent));
  assert.ok(Object.values(duplicates(sent)).every((n) => n === 2), describeLog(sent));
  assert.deepEqual([...new Set(sent.map(requestKey))].sort(), settled.map((s) => `domain|${VALUE}|${s.rt}`).sort());
  assert.deepEqual(pageErrors, []);
});
