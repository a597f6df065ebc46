// On-page highlighting after a page scan: the indicators are marked with the
// CSS Custom Highlight API without touching the page's text, and a click on one
// opens a card in a closed shadow root whose button looks the value up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openExtensionPage, pageOpenedBy, screenshot, startPageServer } from './harness.mjs';

const REPORT = 'Cisco-Talos+IOCs/2022__09__lazarus-three-rats.txt';

test('a scanned page gets its indicators marked, and a marked value opens a card that looks it up', { timeout: 120_000 }, async (t) => {
  const { browser, pageErrors } = await setup(t);
  const pages = await startPageServer();
  t.after(() => pages.close());
  const url = `${pages.url}/corpus/${REPORT.split('/').map(encodeURIComponent).join('/')}`;
  const report = await browser.context.newPage();
  await report.goto(url);
  const before = await report.evaluate(() => document.body.innerHTML);

  const worker = await browser.getWorker();
  const tabId = await worker.evaluate(async (u) => (await chrome.tabs.query({ url: u }))[0]?.id, url);
  const popup = await openExtensionPage(browser, `popup.html?tab=${tabId}`);
  await popup.getByRole('button', { name: 'Scan this page' }).click();
  await popup.locator('#found li.group').first().waitFor();
  await popup.getByRole('button', { name: 'Highlight on page' }).click();
  await popup.locator('#message', { hasText: /^Marked \d+ places/ }).waitFor();
  const marked = Number((await popup.locator('#message').innerText()).match(/\d+/)[0]);

  // Every defanged address of the report's list is one marked place, at least.
  const listed = await report.evaluate(() => (document.getElementById('report').textContent.match(/\d+\[\.\]\d+\[\.\]\d+\[\.\]\d+/g) ?? []).length);
  assert.ok(listed > 5 && marked >= listed, `marked ${marked} places for ${listed} listed addresses`);
  // The page's own markup is unchanged: marks are not elements.
  const after = await report.evaluate(() => {
    const card = document.querySelector('tmlookup-card');
    return { html: document.body.innerHTML, card: Boolean(card), open: card?.shadowRoot ?? null };
  });
  assert.equal(after.html, before);
  assert.deepEqual([after.card, after.open], [true, null], 'the card lives in a closed shadow root');

  // Click the first listed address where it stands.
  const box = await report.evaluate(() => {
    const node = document.getElementById('report').firstChild;
    const at = node.data.indexOf('104[.]155[.]149[.]103');
    const range = new Range();
    range.setStart(node, at + 2);
    range.setEnd(node, at + 3);
    const r = range.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await report.bringToFront();
  await report.mouse.click(box.x, box.y);
  await report.waitForFunction(() => document.querySelector('tmlookup-card').style.display === 'block');
  await screenshot(report, 'view-highlight-card');

  // The card took the focus on its look-up button: Enter looks the value up.
  const results = await pageOpenedBy(browser.context, () => report.keyboard.press('Enter'), (u) => u.includes('results.html'));
  assert.equal(new URL(results.url()).searchParams.get('q'), '104.155.149.103');
  await results.waitForSelector('body[data-state="ready"]');
  assert.equal(await results.getAttribute('article.indicator', 'data-indicator'), '104.155.149.103');
  assert.equal(await report.evaluate(() => document.querySelector('tmlookup-card').style.display), 'none');
  assert.deepEqual(pageErrors, []);
});
