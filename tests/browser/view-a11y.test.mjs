// Accessibility of the results view and the popup, in light and dark: every
// control is reached by Tab and has a name; text and control borders keep
// WCAG AA contrast. Screenshots of both schemes go to tests/artifacts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openExtensionPage, screenshot, waitForSettled } from './harness.mjs';

/**
 * Tabs through the page from the top and returns `{missed, unnamed}`: visible
 * controls Tab never reached, and controls without an accessible name.
 */
async function keyboardAudit(page) {
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.__reached = new Set();
    document.addEventListener('focusin', (e) => window.__reached.add(e.target), true);
  });
  const total = await page.evaluate(() => document.querySelectorAll('a[href], button, input, textarea, select, summary').length);
  for (let i = 0; i < total + 5; i++) await page.keyboard.press('Tab');
  return page.evaluate(() => {
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${el.textContent.trim().slice(0, 40)}"`;
    // checkVisibility also knows the content of a closed <details> is not shown.
    const visible = (el) => el.checkVisibility({ visibilityProperty: true });
    const nameOf = (el) => {
      const labelledby = el.getAttribute('aria-labelledby');
      if (labelledby) return document.getElementById(labelledby)?.textContent.trim();
      return el.getAttribute('aria-label')?.trim()
        || (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent.trim())
        || el.textContent.trim() || el.getAttribute('title');
    };
    const controls = [...document.querySelectorAll('a[href], button, input, textarea, select, summary')]
      .filter((el) => visible(el) && !el.disabled);
    return {
      count: controls.length,
      missed: controls.filter((el) => !window.__reached.has(el)).map(describe),
      unnamed: controls.filter((el) => !nameOf(el)).map(describe),
    };
  });
}

/** Contrast ratios of text and control borders against what lies behind them. */
function contrastAudit(page, pairs) {
  return page.evaluate((list) => {
    const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
    const lum = (c) => {
      const [r, g, b] = rgb(c).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
      const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    // The first ancestor with a background colour that is not transparent.
    const behind = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (!/rgba\(.*, 0\)$/.test(bg) && bg !== 'transparent') return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    return list.map(([selector, property, min]) => {
      const el = document.querySelector(selector);
      if (!el) return { selector, missing: true };
      const fg = getComputedStyle(el)[property];
      const bg = property === 'color' ? behind(el) : behind(el.parentElement);
      return { selector, property, ratio: Math.round(ratio(fg, bg) * 100) / 100, min };
    });
  }, pairs);
}

const RESULTS_PAIRS = [
  ['h1', 'color', 4.5],
  ['#summary', 'color', 4.5],
  ['article.indicator .kind', 'color', 4.5],
  ['article.indicator h2', 'color', 4.5],
  ['.section-status', 'color', 4.5],
  ['.section-body dt', 'color', 4.5],
  ['a.pivot', 'color', 4.5],
  ['.section-message', 'color', 4.5],
  ['button.copy', 'color', 4.5],
  ['button.copy', 'borderTopColor', 3],
  ['details.export summary', 'borderTopColor', 3],
];

const POPUP_PAIRS = [
  ['label[for="query"]', 'color', 4.5],
  ['#found .kind', 'color', 4.5],
  ['#found .value', 'color', 4.5],
  ['button#search', 'color', 4.5],
  ['button#search', 'borderTopColor', 3],
  ['textarea#query', 'borderTopColor', 3],
  ['#history a', 'color', 4.5],
];

function assertContrast(results, scheme) {
  for (const r of results) {
    assert.ok(!r.missing, `${r.selector} is on the page`);
    assert.ok(r.ratio >= r.min, `${scheme}: ${r.selector} ${r.property} has contrast ${r.ratio}, below ${r.min}`);
  }
}

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
