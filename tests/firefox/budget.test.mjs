// The request budget in Firefox, judged by the replay's log: no rolling minute may hold
// more than ThreatMiner's 10 requests, however many sections are wanted at once, the
// blocks scrolled into view go first in the line, and a view that closes takes its queued
// requests with it. Firefox, like Chromium, opens at most six connections to one host, so
// with slow answers part of a burst waits in its pool and reaches the service seconds
// after the extension sent it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LIMIT, WINDOW_MS, apiRequests, allSections, busiestWindow, duplicates, describeLog, requestKey,
  secs, waitForRequests,
} from '../browser/harness-queue.mjs';
import {
  setup, openExtensionPage, openResults, screenshot, waitFor, waitForAllSettled, waitForSelector,
} from './harness.mjs';

// Two domains, two addresses and a file hash: about 30 sections, three minutes of budget.
const FIVE = [
  'vwrm.com', '216.58.213.110', '104.21.38.51', 'e6ff1bf0821f00384cdd25efb9b1cc09', 'iitm.ac.in',
];

test('five indicators at once stay within 10 requests in any rolling minute', { timeout: 240_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const { page, openedAt } = await openResults(browser, FIVE.join('\n'));
  const drawn = await allSections(page);
  assert.deepEqual([...new Set(drawn.map((s) => s.value))].sort(), [...FIVE].sort());
  assert.ok(drawn.length > 2 * LIMIT, `enough sections to need three minutes: ${drawn.length}`);

  // The first minute's share leaves at once; the rest must wait, saying where they stand.
  await waitForRequests(replay, LIMIT);
  await waitFor(async () => (await allSections(page)).every((s) => s.state !== 'queued'
    || /number \d+ in line/.test(s.status)), { timeout: 15_000, what: 'places in line' });
  const waiting = (await allSections(page)).filter((s) => s.state === 'queued');
  assert.equal(waiting.length, drawn.length - LIMIT, 'every section past the first ten waits');
  for (const s of waiting) {
    assert.match(s.status, /^Queued: number \d+ in line, leaves in about \d+ s/, s.status);
  }
  // Places in line are 1, 2, 3, … with no two sections sharing one.
  const places = waiting.map((s) => Number(/number (\d+)/.exec(s.status)[1])).sort((a, b) => a - b);
  assert.deepEqual(places, places.map((_, i) => i + 1));
  await screenshot(page, 'budget-queued');
  // Ten seconds later nothing more has gone out: the budget is spent for this minute.
  await sleep(10_000);
  assert.equal(apiRequests(replay).length, LIMIT, describeLog(apiRequests(replay)));

  const settled = await waitForAllSettled(page, { timeout: 180_000 });
  const doneAt = Date.now();
  await screenshot(page, 'budget-settled');
  for (const s of settled) {
    assert.ok(['ok', 'empty'].includes(s.state), `${s.value} ${s.endpoint}:${s.rt} is ${s.state}: ${s.message}`);
  }

  const sent = apiRequests(replay);
  const log = describeLog(sent);
  t.diagnostic(`${sent.length} requests, first to last ${secs(sent.at(-1).at - sent[0].at)}; `
    + `view opened to all settled ${secs(doneAt - openedAt)}`);
  assert.equal(busiestWindow(sent), LIMIT, `at most ${LIMIT} in any rolling minute:\n${log}`);
  assert.deepEqual(duplicates(sent), {}, `no request sent twice:\n${log}`);
  // Each section was asked for exactly once: none lost, none extra.
  const wanted = settled.map((s) => `${s.endpoint}|${s.value}|${s.rt}`).sort();
  assert.deepEqual(sent.map(requestKey).sort(), wanted);
  assert.deepEqual(pageErrors, []);
});

test('the blocks the user scrolls to go ahead of the rest of the queue', { timeout: 180_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const { page } = await openResults(browser, FIVE.join('\n'));
  const first = await waitForRequests(replay, LIMIT);
  // The first minute took the first block and part of the second, whose other
  // sections wait at the head of the line. The analyst scrolls to the last block.
  const second = FIVE[1];
  const last = `article.indicator[data-indicator="${FIVE.at(-1)}"]`;
  assert.equal(await page.$eval(last, (a) => a.getBoundingClientRect().top > innerHeight), true,
    'the last block starts out of sight');
  assert.ok(first.some((e) => e.q === second), 'the second block had a request in the first minute');
  await page.$eval(last, (a) => a.scrollIntoView({ block: 'end' }));
  const inView = await page.evaluate(() => [...document.querySelectorAll('article.indicator')]
    .filter((a) => { const r = a.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; })
    .map((a) => a.dataset.indicator));
  assert.ok(!inView.includes(second) && inView.includes(FIVE.at(-1)), `in view: ${inView}`);
  const waitingInView = (await allSections(page))
    .filter((s) => inView.includes(s.value) && s.state === 'queued').length;
  assert.ok(waitingInView >= LIMIT, `the blocks in view wait for a minute's worth: ${waitingInView}`);
  t.diagnostic(`in view: ${inView.join(', ')}, with ${waitingInView} sections queued`);
  // The blocks in view say they are first in line, in page order.
  await waitFor(() => page.evaluate((v) => document.querySelector(
    `article.indicator[data-indicator="${v}"] section.section[data-state="queued"] .section-status`)
    ?.textContent.includes('number 1 in line'), inView[0]), {
    timeout: 15_000, what: `${inView[0]} to be number 1 in line`,
  });
  // When the minute is up, the next ten requests are theirs; the second block's rest waits.
  const sent = await waitForRequests(replay, 2 * LIMIT, { timeout: 90_000 });
  const next = sent.slice(LIMIT, 2 * LIMIT);
  assert.ok(next.every((e) => inView.includes(e.q)), describeLog(sent));
  await screenshot(page, 'budget-in-view-first');
  assert.deepEqual(pageErrors, []);
});

test('a closed view drops its queued requests but not those already sent', { timeout: 180_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  // Slow answers keep the first ten in flight while the view closes; WHOIS fails, so the
  // extension would retry it if it still retried for a view that is gone.
  await replay.control({ delayMs: 4_000, fault: { mode: 'http500', endpoint: 'host', rt: 1 } });
  const text = 'vwrm.com 104.21.38.51';
  const first = await openResults(browser, text);
  const all = await allSections(first.page);
  assert.equal(all.length, 12);
  const inFlight = await waitForRequests(replay, LIMIT);
  await first.page.close();
  const closedAt = Date.now();

  // Past the minute the queued two were waiting for, and past any retry's wait.
  await sleep(WINDOW_MS + 15_000 - (Date.now() - inFlight[0].at));
  const sent = apiRequests(replay);
  t.diagnostic(`waited ${secs(Date.now() - closedAt)} after closing the view`);
  assert.equal(sent.length, LIMIT, `nothing was sent for the closed view:\n${describeLog(sent)}`);
  const wanted = all.map((s) => `${s.endpoint}|${s.value}|${s.rt}`);
  const dropped = wanted.filter((k) => !sent.some((e) => requestKey(e) === k));
  assert.equal(dropped.length, 2);

  // The requests that had left were answered and kept: a new view gets them from the cache
  // and asks only for the two dropped ones and the failed one, which errors never cache.
  await replay.control({ delayMs: 0, fault: null });
  replay.clearLog();
  const second = await openResults(browser, text);
  const settled = await waitForAllSettled(second.page, { timeout: 60_000 });
  for (const s of settled) assert.ok(['ok', 'empty'].includes(s.state), `${s.value} ${s.rt}: ${s.state}`);
  const again = apiRequests(replay).map(requestKey).sort();
  assert.deepEqual(again, [...dropped, 'host|104.21.38.51|1'].sort(), describeLog(apiRequests(replay)));
  assert.equal(settled.filter((s) => /from the cache/.test(s.status)).length, 9);
  assert.deepEqual(pageErrors, []);
});

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
