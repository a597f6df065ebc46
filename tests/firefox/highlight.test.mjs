// On-page highlighting in Firefox after a page scan: the indicators are marked with the
// CSS Custom Highlight API (Firefox ESR has it on by default) without touching the page's
// text, and a click on one opens a card in a closed shadow root, injected through
// Firefox's scripting.executeScript, whose button looks the value up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, startPageServer, scanTab, newTab, extensionUrl, screenshot, waitFor,
  waitForSelector,
} from './harness.mjs';

const REPORT = 'Cisco-Talos+IOCs/2022__09__lazarus-three-rats.txt';

test('a scanned page gets its indicators marked, and a marked value opens a card that looks it up', { timeout: 120_000 }, async (t) => {
  const { browser, control, pageErrors } = await setup(t);
  const pages = await startPageServer();
  t.after(() => pages.close());
  const url = `${pages.url}/corpus/${REPORT.split('/').map(encodeURIComponent).join('/')}`;
  const report = await browser.newPage();
  await report.goto(url);
  const before = await report.evaluate(() => document.body.innerHTML);

  const popup = await scanTab(browser, control, 'lazarus-three-rats');
  await popup.click('#highlight');
  const message = await waitFor(() => popup.$eval('#message', (el) => el.innerText)
    .then((text) => /^Marked \d+ places/.test(text) && text), { what: 'the marking message' });
  const marked = Number(message.match(/\d+/)[0]);

  // Every defanged address of the report's list is one marked place, at least.
  const listed = await report.evaluate(() => (document.getElementById('report').textContent.match(/\d+\[\.\]\d+\[\.\]\d+\[\.\]\d+/g) ?? []).length);
  assert.ok(listed > 5 && marked >= listed, `marked ${marked} places for ${listed} listed addresses`);
  // The marks are in the page's highlight registry, and the page's own markup is
  // unchanged: marks are not elements.
  const after = await report.evaluate(() => {
    const card = document.querySelector('tmlookup-card');
    return {
      html: document.body.innerHTML,
      card: Boolean(card),
      open: card?.shadowRoot ?? null,
      ranges: CSS.highlights.get('tmlookup-indicator')?.size ?? 0,
    };
  });
  assert.equal(after.ranges, marked, 'every marked place is a range of the highlight');
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
  await waitFor(() => report.evaluate(() => document.querySelector('tmlookup-card').style.display === 'block'),
    { what: 'the card to open' });
  await screenshot(report, 'highlight-card');

  // The card took the focus on its look-up button: Enter looks the value up.
  const tabs = await browser.pages();
  await report.keyboard.press('Enter');
  const results = await newTab(browser, tabs, extensionUrl('results.html'));
  assert.equal(new URL(await results.evaluate(() => location.href)).searchParams.get('q'), '104.155.149.103');
  await waitForSelector(results, 'body[data-state="ready"]');
  assert.equal(await results.$eval('article.indicator', (a) => a.dataset.indicator), '104.155.149.103');
  assert.equal(await report.evaluate(() => document.querySelector('tmlookup-card').style.display), 'none');
  assert.deepEqual(pageErrors, []);
});
