// Host-permission onboarding in Chromium, beside its Firefox twin (access.test.mjs).
//
// Chromium grants the manifest's host permissions at install and refuses
// permissions.remove on them ("You cannot remove required permissions"); a user takes them
// away on chrome://extensions (Site access: On click). The test does the same through the
// private API that page calls, from the page itself. Chromium's answer to the banner's
// permissions.request is a native dialog that automation cannot press, so here access comes
// back the other way a user gives it, on chrome://extensions; the waiting results page must
// notice and start. The refused path is covered in Firefox only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openExtensionPage, screenshot, waitFor, waitForSettled } from './harness.mjs';

/** Sets the extension's site access the way chrome://extensions's menu does. */
async function siteAccess(browser, hostAccess) {
  const page = await browser.context.newPage();
  await page.goto('chrome://extensions');
  await page.evaluate(([extensionId, access]) => chrome.developerPrivate.updateExtensionConfiguration(
    { extensionId, hostAccess: access },
  ), [browser.extensionId, hostAccess]);
  await page.close();
}

function banner(page) {
  return page.evaluate(() => {
    const el = document.getElementById('access');
    return { hidden: el.hidden, text: el.innerText.trim() };
  });
}

test('Chromium: with site access withheld the pages say so, and access given on chrome://extensions starts the waiting lookup', { timeout: 90_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  await siteAccess(browser, 'ON_CLICK');
  const worker = await browser.getWorker();
  assert.equal(await worker.evaluate(() => chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] })), false);

  const popup = await openExtensionPage(browser, 'popup.html');
  const shown = await waitFor(async () => {
    const b = await banner(popup);
    return !b.hidden && b;
  }, { what: 'the popup banner' });
  assert.match(shown.text, /has not given ThreatMiner Lookup access to 127\.0\.0\.1/);
  await screenshot(popup, 'chromium-access-popup');

  const results = await openExtensionPage(browser, `results.html?q=${encodeURIComponent('vwrm[.]com')}`);
  await waitFor(async () => !(await banner(results)).hidden, { what: 'the results page banner' });
  await results.waitForTimeout(1_000);
  assert.deepEqual(replay.log(), [], 'nothing is sent without access');
  await screenshot(results, 'chromium-access-missing');

  await siteAccess(browser, 'ON_ALL_SITES');
  await waitFor(async () => (await banner(results)).hidden, { what: 'the results page banner to go' });
  const states = await waitForSettled(results, 'vwrm.com');
  assert.equal(states['domain:2'], 'ok', JSON.stringify(states));
  assert.equal(replay.log().length, 6);
  await waitFor(async () => (await banner(popup)).hidden, { what: 'the popup banner to go' });
  assert.deepEqual(pageErrors, []);
});
