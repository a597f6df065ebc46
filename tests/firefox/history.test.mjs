// The popup's recent lookups in Firefox. A results view asks the background (here an
// event page) to record it (RECORD_LOOKUP); the background writes storage.local, and every
// open popup redraws its list when that changes. The test waits for those states: the
// entries in storage, the links in the popups.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, openExtensionPage, newTab, extensionUrl, screenshot, waitFor, waitForSelector,
} from './harness.mjs';

/** The labels the popup lists under "Recent lookups", newest first. */
function listed(popup) {
  return popup.$$eval('#history li a', (as) => as.map((a) => a.innerText));
}

/** Waits until the popup lists exactly `labels`. */
async function waitForListed(popup, labels, what) {
  const want = JSON.stringify(labels);
  await waitFor(async () => JSON.stringify(await listed(popup).catch(() => null)) === want,
    { what }).catch(async (err) => {
    throw new Error(`${err.message}: the popup lists ${JSON.stringify(await listed(popup))}, not ${want}`);
  });
}

/** Whether the popup shows its "Recent lookups" part. */
function recentShown(popup) {
  return popup.$eval('#recent', (el) => el.checkVisibility({ visibilityProperty: true }));
}

function storedHistory(control) {
  return control.evaluate(() => browser.storage.local.get('recentLookups'));
}

/** Opens the results view the popup's action opens, waits for it, and returns it. */
async function opensResults(browser, action) {
  const before = await browser.pages();
  await action();
  const results = await newTab(browser, before, extensionUrl('results.html'));
  await waitForSelector(results, 'body[data-state="ready"]');
  return results;
}

test('the popup keeps a short history of lookups, and clears it', { timeout: 120_000 }, async (t) => {
  const { browser, control, pageErrors } = await setup(t);
  const popup = await openExtensionPage(browser, 'popup.html');
  assert.deepEqual(await storedHistory(control), {}, 'no history yet');
  assert.equal(await recentShown(popup), false, 'no history shown');

  // Two lookups from the popup; each view is closed as soon as it is drawn.
  for (const [typed, value] of [['vwrm[.]com', 'vwrm.com'], ['209.29.221[.]235', '209.29.221.235']]) {
    await popup.$eval('#query', (el) => { el.value = ''; });
    await popup.click('#query');
    await popup.keyboard.type(typed);
    await popup.keyboard.press('Enter');
    const item = `ul#found li[data-indicator="${value}"] button.lookup`;
    await waitForSelector(popup, item);
    const results = await opensResults(browser, () => popup.click(item));
    await results.close();
  }
  // The open popup shows each entry as the background writes it, newest first.
  await waitForListed(popup, ['209.29.221.235', 'vwrm.com'], 'both lookups in the open popup');
  assert.equal(await recentShown(popup), true);
  // A popup opened now reads the same list from storage.
  const second = await openExtensionPage(browser, 'popup.html');
  await waitForListed(second, ['209.29.221.235', 'vwrm.com'], 'both lookups in a new popup');
  await screenshot(second, 'popup-history');

  // An entry opens its results again, and that lookup moves to the top instead of
  // appearing twice.
  const again = await opensResults(browser, () => popup.click('#history li:nth-child(2) a'));
  assert.deepEqual(await again.$$eval('article.indicator', (as) => as.map((a) => a.dataset.indicator)), ['vwrm.com']);
  await waitForListed(popup, ['vwrm.com', '209.29.221.235'], 'vwrm.com back at the top');

  // A lookup of free text (the context menu's) is kept as its indicators only.
  const text = await openExtensionPage(browser, 'results.html?q=' + encodeURIComponent('private notes: C2 at bad-host[.]com, see ticket 4711'));
  await waitForSelector(text, 'body[data-state="ready"]');
  const latest = await waitFor(async () => {
    const { recentLookups: [top] = [] } = await storedHistory(control);
    return top?.label === 'bad-host.com' && top;
  }, { what: 'the free-text lookup in storage' });
  assert.deepEqual(latest, { label: 'bad-host.com', url: 'results.html?i=domain%3Abad-host.com', at: latest.at });
  assert.ok(Number.isFinite(latest.at) && Math.abs(Date.now() - latest.at) < 120_000, `recorded at ${latest.at}`);
  await waitForListed(popup, ['bad-host.com', 'vwrm.com', '209.29.221.235'], 'the free-text lookup in the popup');

  // Clearing empties storage and both open popups.
  await popup.click('#clear-history');
  await waitFor(async () => !(await recentShown(popup)), { what: 'the history to hide' });
  assert.deepEqual(await storedHistory(control), {});
  await waitFor(async () => !(await recentShown(second)) && (await listed(second)).length === 0,
    { what: 'the other popup to drop its list' });
  // A popup opened after shows none: nothing in storage, and (above) a new popup lists
  // what storage holds.
  const third = await openExtensionPage(browser, 'popup.html');
  assert.equal(await recentShown(third), false, 'the history stays cleared');
  assert.deepEqual(pageErrors, []);
});
