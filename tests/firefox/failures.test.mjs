// ThreatMiner failing the ways it has been seen to fail, in Firefox: each section must end
// in an error state with a message a person can act on, and its retry button must recover
// once the service is back.
//
// Each case faults a single section of vwrm.com and runs in its own browser: the extension
// retries transient failures by itself, and with the 10-a-minute budget a shared browser
// would spend a minute waiting between cases.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, openExtensionPage, screenshot, waitForSettled, waitForSelector, sectionSelector,
  requestedRts,
} from './harness.mjs';

const VALUE = 'vwrm.com';

// What the healthy answer of each faulted section shows, from the samples.
const HEALTHY_TEXT = {
  2: /209\.29\.221\.235/,
  3: /maps\/iexplorer\.zip/,
  5: /mail\.vwrm\.com/,
};

async function failThenRecover(t, { mode, rt, expect, settings = {}, shot }) {
  const { replay, browser, control, pageErrors } = await setup(t);
  if (Object.keys(settings).length) {
    await control.evaluate((s) => browser.storage.local.set(s), settings);
  }
  await replay.control({ fault: { mode, endpoint: 'domain', rt } });

  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent('vwrm[.]com')}`);
  // Automatic retries of a transient failure take the extension about 15 s, 30 s for timeouts.
  const states = await waitForSettled(page, VALUE, { timeout: 75_000 });
  await screenshot(page, `${shot}-error`);
  assert.equal(states[`domain:${rt}`], 'error', `section rt=${rt} is in error: ${JSON.stringify(states)}`);
  for (const [key, state] of Object.entries(states)) {
    if (key !== `domain:${rt}`) assert.notEqual(state, 'error', `${key} should not fail`);
  }

  const section = sectionSelector(VALUE, rt);
  const messageOf = () => page.$$eval(`${section} .section-message`, (els) => els.map((e) => e.innerText.trim()));
  const [message] = await messageOf();
  assert.match(message ?? '', expect, `message: ${message}`);
  // Readable means words for people, not the raw answer.
  assert.doesNotMatch(message, /<html|<br|<!DOCTYPE|status_code|mysqli/i, `message: ${message}`);
  const tries = requestedRts(replay, 'domain', VALUE).filter((r) => r === String(rt)).length;
  assert.ok(tries >= 2, `the extension retried by itself (${tries} requests)`);
  t.diagnostic(`rt=${rt} was requested ${tries} time(s) before the section gave up`);

  replay.reset();
  await page.click(`${section} button.retry`);
  await waitForSelector(page, `${section}[data-state="ok"]`, { timeout: 30_000 });
  assert.match(await page.$eval(section, (el) => el.innerText), HEALTHY_TEXT[rt]);
  assert.ok((await messageOf()).every((m) => !m.includes(message)), 'the error message is gone');
  await screenshot(page, `${shot}-recovered`);
  // The retry asked again for that section only.
  assert.deepEqual(requestedRts(replay, 'domain', VALUE), [String(rt)]);
  assert.deepEqual(pageErrors, []);
}

test('HTTP 500 with an HTML page, then retry', { timeout: 120_000 }, (t) => failThenRecover(t, {
  mode: 'http500', rt: 2, expect: /HTTP 500/, shot: 'failure-http500',
}));

test('a JSON answer cut in half, then retry', { timeout: 120_000 }, (t) => failThenRecover(t, {
  mode: 'truncated', rt: 3, expect: /ThreatMiner.*(cut|truncat|incomplete)/i, shot: 'failure-truncated',
}));

test('an answer that is not JSON, then retry', { timeout: 120_000 }, (t) => failThenRecover(t, {
  mode: 'notjson', rt: 5, expect: /ThreatMiner.*(not JSON|instead of data)/i, shot: 'failure-notjson',
}));

test('no answer at all, with the shortest timeout the options allow, then retry', { timeout: 150_000 }, (t) => failThenRecover(t, {
  mode: 'hang', rt: 2, expect: /did not answer|timed out|within 5 s/i, settings: { timeoutSeconds: 5 }, shot: 'failure-hang',
}));
