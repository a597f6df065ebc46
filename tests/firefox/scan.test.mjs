// The popup's page scan in Firefox, where it reads the page through Firefox's
// scripting.executeScript. It must list what `tmlookup extract --json` finds in the same
// text, grouped by kind with counts, and open results for all of them or for those ticked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractJson, growReportPage, straddlePage } from '../browser/harness-view.mjs';
import {
  setup, startPageServer, scanTab, newTab, extensionUrl, screenshot, waitFor,
  waitForSelector,
} from './harness.mjs';

const REPORT = 'eset+malware-ioc/nukesped_lazarus__README.adoc';

/** `{kind: {value: count}}` as the finder counts the indicators that get looked up. */
function expectedCounts(extraction) {
  const out = {};
  for (const m of extraction.indicators) {
    if (m.derived_from != null) continue;
    out[m.kind] ??= {};
    out[m.kind][m.value] = (out[m.kind][m.value] ?? 0) + 1;
  }
  return out;
}

/** The same, read from the popup's grouped list, with each group's heading. */
function listedCounts(popup) {
  return popup.evaluate(() => {
    const counts = {};
    const headings = {};
    for (const group of document.querySelectorAll('#found li.group')) {
      headings[group.dataset.group] = group.querySelector('h3').textContent;
      for (const li of group.querySelectorAll('li[data-indicator]')) {
        const times = li.querySelector('.count')?.textContent.replace('×', '') ?? '1';
        counts[li.dataset.kind] ??= {};
        counts[li.dataset.kind][li.dataset.indicator] = Number(times);
      }
    }
    return { counts, headings };
  });
}

function indicatorsOf(page) {
  return page.$$eval('article.indicator', (as) => as.map((a) => a.dataset.indicator));
}

test('scanning a report page lists what the command-line finder finds, by kind', { timeout: 180_000 }, async (t) => {
  const { browser, control, pageErrors } = await setup(t);
  const pages = await startPageServer();
  t.after(() => pages.close());
  const url = `${pages.url}/corpus/${REPORT.split('/').map(encodeURIComponent).join('/')}`;
  const report = await browser.newPage();
  await report.goto(url);

  const popup = await scanTab(browser, control, 'nukesped');
  await screenshot(popup, 'popup-scan');

  // The finder reads the same text: the page's rendered text, as Firefox gives it.
  const text = await report.evaluate(() => document.body.innerText);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmlookup-fxscan-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'page.txt');
  await writeFile(file, text);
  const expected = expectedCounts(await extractJson(file));
  const total = Object.values(expected).reduce((n, kind) => n + Object.keys(kind).length, 0);

  // A long group shows its first values and a "Show more"; pressing it until it goes
  // lists the rest.
  const domains = '#found li.group[data-group="domain"] li[data-indicator]';
  assert.ok(Object.keys(expected.domain).length > 25, 'the report names more domains than a group first shows');
  assert.equal((await popup.$$(domains)).length, 25);
  while (await popup.$('#found button.show-more')) await popup.click('#found button.show-more');
  const { counts, headings } = await listedCounts(popup);

  assert.ok(Object.keys(expected).length >= 5, 'the report holds several kinds');
  assert.deepEqual(counts, expected);
  assert.equal(headings.sha256, `SHA-256 (${Object.keys(expected.sha256).length})`);
  assert.match(await popup.$eval('#message', (el) => el.innerText), new RegExp(`^${total} indicators`));

  // All at once: a view with every indicator of the report.
  let before = await browser.pages();
  await popup.click('#lookup-all');
  const all = await newTab(browser, before, extensionUrl('results.html'));
  await waitForSelector(all, 'body[data-state="ready"]', { timeout: 30_000 });
  assert.equal((await indicatorsOf(all)).length, total);
  await all.close();

  // Several: tick two domains, look them up together.
  const picks = await popup.$$eval(domains, (lis) => lis.slice(0, 2).map((li) => li.dataset.indicator));
  assert.equal(picks.length, 2);
  for (const value of picks) await popup.click(`${domains}[data-indicator="${value}"] input.pick`);
  await waitFor(() => popup.$eval('#lookup-selected', (b) => !b.disabled && b.innerText), { what: 'the pick button' });
  assert.equal(await popup.$eval('#lookup-selected', (b) => b.innerText), 'Look up 2 selected');
  before = await browser.pages();
  await popup.click('#lookup-selected');
  const results = await newTab(browser, before, extensionUrl('results.html'));
  await waitForSelector(results, 'body[data-state="ready"]');
  assert.deepEqual(await indicatorsOf(results), picks);

  // A page of about 5 MB: the report repeated, each copy ending with a
  // numbered domain of its own. It comes over in pieces, searched as they
  // arrive: every copy must be there, in order.
  const grown = await growReportPage(report);
  await scanAgain(popup, 'the scan of the 5 MB page');
  const ms = Number(await popup.evaluate(() => document.body.dataset.scanMs));
  t.diagnostic(`scan of a ${Math.round(grown.chars / 1e6)} MB page: ${ms} ms`);
  // All of it: the <pre> and a line break on each side.
  assert.equal(Number(await popup.evaluate(() => document.body.dataset.scanChars)), grown.chars + 2);
  while (await popup.$('#found button.show-more')) await popup.click('#found button.show-more');
  const seams = await popup.$$eval('#found li.group[data-group="domain"] li[data-indicator^="seam-"]',
    (lis) => lis.map((li) => li.dataset.indicator));
  assert.deepEqual(seams, grown.seams);

  // The pieces end at line breaks: a domain across the first piece's
  // length comes over whole, not as two values.
  const domain = await straddlePage(report);
  await scanAgain(popup, 'the scan of the page with a domain across a piece boundary');
  const listed = await popup.$$eval('#found li.group[data-group="domain"] li[data-indicator]',
    (lis) => lis.map((li) => li.dataset.indicator));
  assert.deepEqual(listed, [domain]);

  // A page with nothing to find says so, quoting its start.
  await report.evaluate(() => {
    document.getElementById('report').textContent = 'Nothing but prose here.';
  });
  await scanAgain(popup, 'the scan of a page with nothing to find');
  assert.match(await popup.$eval('#message', (m) => m.textContent),
    /No indicators found in: “Nothing but prose here\.”/);
  assert.equal(await popup.$$eval('#found li', (lis) => lis.length), 0);
  assert.deepEqual(pageErrors, []);
});

/** Scans the popup's tab again and waits for the scan to end. */
async function scanAgain(popup, what) {
  // Cleared first: two scans can take the same whole number of ms.
  await popup.evaluate(() => delete document.body.dataset.scanMs);
  await popup.bringToFront();
  await popup.click('#scan-page');
  await waitFor(() => popup.evaluate(() => document.body.dataset.scanMs !== undefined),
    { what, timeout: 60_000 });
}
