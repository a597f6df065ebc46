// ThreatMiner answering "too many requests" (HTTP 429, or 204 with no body) and failing now
// and then, in Firefox. A throttling answer must pause the whole queue, for every open view,
// for about a minute, say so in words, and then carry on; other transient failures are
// retried twice, no more. The replay's log is the judge of when requests left; the sections
// of what they say.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LIMIT, apiRequests, allSections, busiestWindow, describeLog, secs,
} from '../browser/harness-queue.mjs';
import {
  PAUSED, PAUSE_MS, countByKey, judge204Pause, judgeRetriedTwice,
} from '../shared-queue.mjs';
import {
  setup, openResults, screenshot, sectionSelector, waitForAllSettled, waitForStatus,
} from './harness.mjs';

test('a 429 pauses the whole queue for a minute, says so, then recovers', { timeout: 200_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  await replay.control({ fault: { mode: 'http429', endpoint: 'domain', q: 'vwrm.com', rt: 3, times: 1 } });
  const a = await openResults(browser, 'vwrm.com');
  const paused = await waitForStatus(a.page, PAUSED, { timeout: 20_000 });
  assert.equal(paused.rt, '3', `the throttled section says why it waits: ${paused.status}`);
  assert.match(paused.status, /^Queued: number 1 in line, leaves in about \d+ s\. ThreatMiner asked us to slow down/);

  // Four requests of this minute's budget are left, but a view opened now must wait too.
  const b = await openResults(browser, '104.21.38.51');
  await waitForStatus(b.page, PAUSED, { timeout: 10_000 });
  const bSections = await allSections(b.page);
  assert.equal(bSections.length, 6);
  assert.ok(bSections.every((s) => PAUSED.test(s.status)), bSections.map((s) => s.status).join('\n'));
  await screenshot(b.page, 'throttle-paused');

  const [one, two] = await Promise.all([a, b].map((v) => waitForAllSettled(v.page, { timeout: 150_000 })));
  for (const s of [...one, ...two]) assert.ok(['ok', 'empty'].includes(s.state), `${s.value} ${s.rt}: ${s.state}`);

  const sent = apiRequests(replay);
  const log = describeLog(sent);
  const throttled = sent.find((e) => e.status === 429);
  assert.ok(throttled, `the replay answered 429 once:\n${log}`);
  // The first burst reached the service together with the 429; anything later came after it.
  const after = sent.filter((e) => e.at > throttled.at + 1_000);
  t.diagnostic(`the queue resumed ${secs(after[0].at - throttled.at)} after the 429`);
  assert.equal(after.length, 7, `the 429'd section and the second view's six:\n${log}`);
  assert.ok(after.every((e) => e.at - throttled.at >= PAUSE_MS), `nothing left during the pause:\n${log}`);
  assert.equal(countByKey(sent)['domain|vwrm.com|3'], 2, log);
  assert.ok(busiestWindow(sent) <= LIMIT, log);
  assert.deepEqual(pageErrors, []);
});

test('a rate limit answered with 204 pauses the queue, then every section is answered', { timeout: 200_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  // ThreatMiner may be stricter than its documented ten: here it takes three a minute.
  await replay.control({ rateLimit: { max: 3, answer: 204 } });
  const { page } = await openResults(browser, 'vwrm.com');
  const paused = await waitForStatus(page, PAUSED, { timeout: 30_000 });
  assert.match(paused.status, /number [1-3] in line/);
  await screenshot(page, 'throttle-204-paused');

  const settled = await waitForAllSettled(page, { timeout: 150_000 });
  judge204Pause({ settled, sent: apiRequests(replay) });
  assert.deepEqual(pageErrors, []);
});

test('transient failures are retried twice and no more', { timeout: 150_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  await replay.control({
    faults: [
      { mode: 'http500', endpoint: 'domain', rt: 2 },
      { mode: 'empty', endpoint: 'domain', rt: 3, times: 1 },
    ],
  });
  const { page } = await openResults(browser, 'vwrm.com');
  const settled = await waitForAllSettled(page, { timeout: 120_000 });
  const tries = judgeRetriedTwice({ settled, sent: apiRequests(replay) });
  t.diagnostic(`rt 2 retried after ${secs(tries[1] - tries[0])} and ${secs(tries[2] - tries[1])}`);

  const failed = sectionSelector('vwrm.com', 2);
  assert.match(await page.$eval(`${failed} .section-message`, (el) => el.innerText), /HTTP 500.*Retry/);
  assert.ok(await page.$eval(`${failed} button.retry`, (el) => el.checkVisibility()), 'the analyst can retry by hand');
  assert.deepEqual(pageErrors, []);
});
