// An API base URL with a port, as the replay has (and a local proxy would), under the one
// host permission a manifest can give for it in Firefox: `http://127.0.0.1/*`, which
// lets Firefox fetch from every port of the host.
//
// Both the pages (lib/access.js) and the background check the port-less pattern.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openExtensionPage, waitForSettled, requestedRts } from './harness.mjs';

test('a lookup through an API on a non-default port needs only the port-less host permission', {
  timeout: 90_000,
}, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent('vwrm[.]com')}`);
  // Settled sections mean the page's own check (lib/access.js) let the lookup start: it
  // already agrees with Firefox, and shows no banner.
  const states = await waitForSettled(page, 'vwrm.com');
  assert.equal(await page.$eval('#access', (el) => el.hidden), true, 'no access banner');
  t.diagnostic(`first section: ${await page.$eval('section.section', (s) => s.innerText.replace(/\s+/g, ' '))}`);
  assert.equal(states['domain:1'], 'ok', JSON.stringify(states));
  assert.deepEqual(requestedRts(replay, 'domain', 'vwrm.com'), ['1', '2', '3', '4', '5', '6']);
  assert.deepEqual(pageErrors, []);
});
