// Accessibility of the results view and the popup in Firefox, in light and dark: every
// control is reached by Tab and has a name; text and control borders keep WCAG AA
// contrast. The audit is the Chromium suite's (../browser/harness-a11y.mjs), judged in the
// page from the DOM and getComputedStyle. What differs from the Chromium test:
// - Tab is pressed through WebDriver BiDi's input actions, so focus moves as Firefox moves
//   it; a Tab past the last control would leave the page for the toolbar, which is why the
//   shared audit stops once every control has been reached.
// - BiDi cannot emulate prefers-color-scheme per page, so the scheme is switched with
//   Firefox's "Website appearance" preference (browser-wide), and the test waits until
//   both pages' media queries match before it measures. Screenshots of both schemes go to
//   tests/artifacts/firefox-view-*-{light,dark}.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  keyboardAudit, contrastAudit, assertContrast, RESULTS_PAIRS, POPUP_PAIRS,
} from '../browser/harness-a11y.mjs';
import {
  setup, openExtensionPage, screenshot, setColorScheme, waitFor, waitForSettled, waitForSelector,
} from './harness.mjs';

/** Whether the element matching `selector` is shown (false when there is none). */
function isVisible(page, selector) {
  return page.evaluate((sel) => document.querySelector(sel)?.checkVisibility({ visibilityProperty: true }) ?? false, selector);
}

test('results and popup are keyboard-reachable, named and legible in light and dark', { timeout: 150_000 }, async (t) => {
  const { browser, pageErrors } = await setup(t);
  const results = await openExtensionPage(browser, 'results.html?q=vwrm.com&as=domain');
  await waitForSettled(results, 'vwrm.com', { timeout: 60_000 });

  const audit = await keyboardAudit(results);
  assert.ok(audit.count > 20, `the view has its controls (${audit.count})`);
  assert.deepEqual(audit.missed, [], 'every control is reached by Tab');
  assert.deepEqual(audit.unnamed, [], 'every control has an accessible name');

  // The export menu opens and closes from the keyboard.
  const menuOpen = () => results.$eval('#view-actions details', (d) => d.open);
  assert.equal(await results.evaluate(() => document.hasFocus()), true, 'focus stayed in the view');
  await results.focus('#view-actions summary');
  await results.keyboard.press('Enter');
  assert.equal(await menuOpen(), true, 'Enter opens the export menu');
  await results.keyboard.press('Tab');
  await results.keyboard.press('Escape');
  assert.equal(await menuOpen(), false, 'Escape closes it');

  const popup = await openExtensionPage(browser, 'popup.html');
  await popup.setViewport({ width: 420, height: 640 });
  await popup.click('textarea#query');
  await popup.keyboard.type('vwrm[.]com and 209.29.221[.]235, hash e6ff1bf0821f00384cdd25efb9b1cc09');
  await popup.keyboard.press('Enter');
  await waitForSelector(popup, '#found li[data-indicator="e6ff1bf0821f00384cdd25efb9b1cc09"]');
  // The view above recorded itself: the recent lookups show.
  await waitFor(() => isVisible(popup, '#recent'), { what: 'the recent lookups' });
  // Hidden parts stay hidden whatever display the layout gives them.
  assert.equal(await isVisible(popup, '#pick-actions'), false);
  const popupAudit = await keyboardAudit(popup);
  assert.ok(popupAudit.count > 5, `the popup has its controls (${popupAudit.count})`);
  assert.deepEqual(popupAudit.missed, []);
  assert.deepEqual(popupAudit.unnamed, []);

  const backgrounds = {};
  for (const scheme of ['light', 'dark']) {
    await setColorScheme(browser, scheme, [results, popup]);
    backgrounds[scheme] = await Promise.all([results, popup]
      .map((page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor)));
    assertContrast(await contrastAudit(results, RESULTS_PAIRS), scheme);
    assertContrast(await contrastAudit(popup, POPUP_PAIRS), scheme);
    await screenshot(results, `view-results-${scheme}`);
    await screenshot(popup, `view-popup-${scheme}`);
  }
  // The preference reached the style sheets: each page was measured in two palettes.
  for (const i of [0, 1]) {
    assert.notEqual(backgrounds.light[i], backgrounds.dark[i], `the ${['results', 'popup'][i]} page changed palette`);
  }
  assert.deepEqual(pageErrors, []);
});
