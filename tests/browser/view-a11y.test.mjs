// Accessibility of the results view and the popup, in light and dark: every
// control is reached by Tab and has a name; text and control borders keep
// WCAG AA contrast. Screenshots of both schemes go to tests/artifacts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openExtensionPage, screenshot, waitForSettled } from './harness.mjs';
import {
  keyboardAudit, contrastAudit, assertContrast, RESULTS_PAIRS, POPUP_PAIRS,
} from './harness-a11y.mjs';

test('results and popup are keyboard-reachable, named and legible in light and dark', { timeout: 150_000 }, async (t) => {
  const { browser, pageErrors } = await setup(t);
  const results = await openExtensionPage(browser, 'results.html?q=vwrm.com&as=domain');
  await waitForSettled(results, 'vwrm.com', { timeout: 60_000 });
  const frameMs = await results.evaluate(() => performance.getEntriesByName('tmlookup-frame-drawn')[0].startTime);
  t.diagnostic(`results frame for one indicator drawn ${Math.round(frameMs)} ms after navigation`);

  const audit = await keyboardAudit(results);
  assert.ok(audit.count > 20, `the view has its controls (${audit.count})`);
  assert.deepEqual(audit.missed, [], 'every control is reached by Tab');
  assert.deepEqual(audit.unnamed, [], 'every control has an accessible name');

  // The export menu opens and closes from the keyboard.
  await results.locator('#view-actions summary').focus();
  await results.keyboard.press('Enter');
  assert.equal(await results.locator('#view-actions details').getAttribute('open'), '');
  await results.keyboard.press('Tab');
  await results.keyboard.press('Escape');
  assert.equal(await results.locator('#view-actions details').getAttribute('open'), null);

  const popup = await openExtensionPage(browser, 'popup.html');
  await popup.setViewportSize({ width: 420, height: 640 });
  await popup.locator('textarea#query').fill('vwrm[.]com and 209.29.221[.]235, hash e6ff1bf0821f00384cdd25efb9b1cc09');
  await popup.locator('textarea#query').press('Enter');
  await popup.locator('#recent').waitFor();
  // Hidden parts stay hidden whatever display the layout gives them.
  assert.equal(await popup.locator('#pick-actions').isVisible(), false);
  const popupAudit = await keyboardAudit(popup);
  assert.deepEqual(popupAudit.missed, []);
  assert.deepEqual(popupAudit.unnamed, []);

  for (const scheme of ['light', 'dark']) {
    for (const page of [results, popup]) await page.emulateMedia({ colorScheme: scheme });
    assertContrast(await contrastAudit(results, RESULTS_PAIRS), scheme);
    assertContrast(await contrastAudit(popup, POPUP_PAIRS), scheme);
    await screenshot(results, `view-results-${scheme}`);
    await screenshot(popup, `view-popup-${scheme}`);
  }
  assert.deepEqual(pageErrors, []);
});
