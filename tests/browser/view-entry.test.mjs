// The keyboard shortcut (Alt+Shift+L) looks up the page's selection, and the
// address-bar keyword `tm` opens results for what follows it. Neither a key
// press to the browser UI nor the address bar can be driven from a test, so
// the test calls the handlers the background names for it, as the browser
// would call them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DEFAULT_EXTENSION_DIR, setup, pageOpenedBy, selectPassage, startPageServer,
} from './harness.mjs';

const REPORT = 'Cisco-Talos+IOCs/2022__09__lazarus-three-rats.txt';

test('the shortcut looks up the selection and the tm keyword looks up its text', { timeout: 120_000 }, async (t) => {
  const manifest = JSON.parse(await readFile(path.join(DEFAULT_EXTENSION_DIR, 'manifest.json'), 'utf8'));
  assert.equal(manifest.commands['lookup-selection'].suggested_key.default, 'Alt+Shift+L');
  assert.equal(manifest.omnibox.keyword, 'tm');

  const { browser, pageErrors } = await setup(t);
  const pages = await startPageServer();
  t.after(() => pages.close());
  const url = `${pages.url}/corpus/${REPORT.split('/').map(encodeURIComponent).join('/')}`;
  const report = await browser.context.newPage();
  await report.goto(url);
  const text = await report.evaluate(() => document.getElementById('report').textContent);
  // Two defanged addresses, as the report lists them.
  const passage = '104[.]155[.]149[.]103\n40[.]121[.]90[.]194';
  assert.ok(text.includes(passage));
  const selected = await selectPassage(report, passage);

  const worker = await browser.getWorker();
  const results = await pageOpenedBy(
    browser.context,
    () => worker.evaluate(async (u) => {
      const [tab] = await chrome.tabs.query({ url: u });
      await globalThis.lookupShortcut(tab);
    }, url),
    (u) => u.includes('results.html'),
  );
  assert.equal(new URL(results.url()).searchParams.get('q'), selected);
  await results.waitForSelector('body[data-state="ready"]');
  assert.deepEqual(
    await results.locator('article.indicator').evaluateAll((as) => as.map((a) => a.dataset.indicator)),
    ['104.155.149.103', '40.121.90.194'],
  );

  // With nothing selected the view says so instead of looking anything up.
  await report.evaluate(() => getSelection().removeAllRanges());
  const empty = await pageOpenedBy(
    browser.context,
    () => worker.evaluate(async (u) => {
      const [tab] = await chrome.tabs.query({ url: u });
      await globalThis.lookupShortcut(tab);
    }, url),
    (u) => u.includes('results.html'),
  );
  await empty.waitForSelector('body[data-state="nothing-found"]');

  const typed = await pageOpenedBy(
    browser.context,
    () => worker.evaluate(() => globalThis.omniboxEntered('  vwrm[.]com  ', 'newForegroundTab')),
    (u) => u.includes('results.html'),
  );
  await typed.waitForSelector('body[data-state="ready"]');
  assert.equal(await typed.getAttribute('article.indicator', 'data-indicator'), 'vwrm.com');
  assert.deepEqual(pageErrors, []);
});
