// The keyboard shortcut (Alt+Shift+L) looks up the page's selection, and the address-bar
// keyword `tm` opens results for what follows it. Unlike the Chromium suite, which calls
// the background's handlers, this goes through Firefox's own paths, in the chrome scope
// (see harness.mjs): the shortcut fires the <key> Firefox made for the command, and the
// keyword is typed into the real address bar and entered.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, startPageServer, inChrome, newTab, extensionUrl, screenshot, waitFor, waitForSelector,
} from './harness.mjs';

const REPORT = 'Cisco-Talos+IOCs/2022__09__lazarus-three-rats.txt';
// Two defanged addresses, as the report lists them.
const PASSAGE = '104[.]155[.]149[.]103\n40[.]121[.]90[.]194';

function indicatorsOf(page) {
  return page.$$eval('article.indicator', (as) => as.map((a) => a.dataset.indicator));
}

/**
 * Fires the extension's shortcut through the <key> Firefox registered for it in the
 * browser window, which is what a press of the keys does: a key press sent to the page
 * over BiDi stays in the page and never reaches browser shortcuts. Returns the key and
 * its modifiers as registered, or null.
 */
function pressShortcut(browser) {
  return inChrome(browser, `(() => {
    const key = document.querySelector('keyset[id^="ext-keyset-id-threatminer-lookup"] > key');
    if (!key) return null;
    key.doCommand();
    return [key.getAttribute('key'), key.getAttribute('modifiers')].join(' ');
  })()`);
}

test('the shortcut looks up the selection and the tm keyword looks up its text', { timeout: 120_000 }, async (t) => {
  const { browser, pageErrors } = await setup(t);
  const pages = await startPageServer();
  t.after(() => pages.close());
  const url = `${pages.url}/corpus/${REPORT.split('/').map(encodeURIComponent).join('/')}`;
  const report = await browser.newPage();
  await report.goto(url);
  const selected = await report.evaluate((passage) => {
    const node = document.getElementById('report').firstChild;
    const start = node.data.indexOf(passage);
    if (start < 0) return null;
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + passage.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return getSelection().toString();
  }, PASSAGE);
  assert.equal(selected, PASSAGE, 'the passage is on the page and selected');

  let before = await browser.pages();
  assert.equal(await pressShortcut(browser), 'L alt,shift', 'Firefox registered Alt+Shift+L');
  const results = await newTab(browser, before, extensionUrl('results.html'));
  assert.equal(
    new URL(await results.evaluate(() => location.href)).searchParams.get('q'),
    selected,
  );
  await waitForSelector(results, 'body[data-state="ready"]');
  assert.deepEqual(await indicatorsOf(results), ['104.155.149.103', '40.121.90.194']);

  // With nothing selected the view says so instead of looking anything up.
  await report.bringToFront();
  await report.evaluate(() => getSelection().removeAllRanges());
  before = await browser.pages();
  await pressShortcut(browser);
  const empty = await newTab(browser, before, extensionUrl('results.html'));
  await waitForSelector(empty, 'body[data-state="nothing-found"]');

  // The keyword, typed into the address bar and entered: Firefox hands the text after
  // `tm ` to the background, which opens results for it in the current tab.
  await inChrome(browser, `(async () => {
    gURLBar.search('tm   vwrm[.]com  ');
    // Let the address bar find the extension's keyword result before entering.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    gURLBar.handleCommand();
    return true;
  })()`);
  const typed = await waitFor(async () => {
    for (const page of await browser.pages()) {
      const href = await page.evaluate(() => document.readyState === 'complete' && location.href)
        .catch(() => '');
      if (href && href.startsWith(extensionUrl('results.html')) && href.includes('vwrm')) return page;
    }
    return null;
  }, { what: 'results for the keyword' });
  t.diagnostic(await typed.evaluate(() => location.href));
  await waitForSelector(typed, 'body[data-state="ready"]');
  assert.deepEqual(await indicatorsOf(typed), ['vwrm.com']);
  await screenshot(results, 'entry-shortcut');
  assert.deepEqual(pageErrors, []);
});
