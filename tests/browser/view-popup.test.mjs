// The popup's page scan and its recent lookups. The scan reads a real corpus
// report served as a web page and must list what `tmlookup extract --json` finds
// in the same text: every indicator, grouped by kind, with its count.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setup, openExtensionPage, pageOpenedBy, screenshot, startPageServer } from './harness.mjs';
import { extractJson, growReportPage, straddlePage } from './harness-view.mjs';

const REPORT = 'eset+malware-ioc/nukesped_lazarus__README.adoc';

/** `{kind: {value: count}}` as the finder counts the looked-up indicators. */
function expectedCounts(extraction) {
  const out = {};
  for (const m of extraction.indicators) {
    if (m.derived_from != null) continue;
    out[m.kind] ??= {};
    out[m.kind][m.value] = (out[m.kind][m.value] ?? 0) + 1;
  }
  return out;
}

/** The same, read from the popup's grouped list, with each group's heading count. */
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

/** The id of the browser tab showing `url`, asked of the extension. */
async function tabIdOf(browser, url) {
  const worker = await browser.getWorker();
  return worker.evaluate(async (u) => (await chrome.tabs.query({ url: u }))[0]?.id, url);
}

test('scanning a report page lists what the command-line finder finds, by kind', { timeout: 180_000 }, async (t) => {
  const { browser, pageErrors } = await setup(t);
  const pages = await startPageServer();
  t.after(() => pages.close());
  const url = `${pages.url}/corpus/${REPORT.split('/').map(encodeURIComponent).join('/')}`;
  const report = await browser.context.newPage();
  await report.goto(url);

  const tabId = await tabIdOf(browser, url);
  assert.ok(Number.isInteger(tabId), 'the report tab has an id');
  const popup = await openExtensionPage(browser, `popup.html?tab=${tabId}`);
  await popup.getByRole('button', { name: 'Scan this page' }).click();
  await popup.locator('#found li.group').first().waitFor({ timeout: 30_000 });
  await screenshot(popup, 'view-popup-scan');

  const text = await report.evaluate(() => document.body.innerText);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmlookup-scan-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'page.txt');
  await writeFile(file, text);
  const expected = expectedCounts(await extractJson(file));

  // A long group shows its first values and a "Show more"; pressing it until
  // it goes lists the rest.
  const domains = popup.locator('#found li.group[data-group="domain"]');
  assert.ok(Object.keys(expected.domain).length > 25, 'the report names more domains than a group first shows');
  assert.equal(await domains.locator('li[data-indicator]').count(), 25);
  for (let more = popup.locator('#found button.show-more'); await more.count() > 0;) {
    await more.first().click();
  }
  const { counts, headings } = await listedCounts(popup);

  assert.ok(Object.keys(expected).length >= 5, 'the report holds several kinds');
  assert.deepEqual(counts, expected);
  assert.equal(headings.sha256, `SHA-256 (${Object.keys(expected.sha256).length})`);
  assert.match(await popup.locator('#message').innerText(), new RegExp(`^${
    Object.values(expected).reduce((n, kind) => n + Object.keys(kind).length, 0)} indicators`));

  // All at once: the frame of a view with every indicator of the report.
  const all = await pageOpenedBy(
    browser.context,
    () => popup.locator('button#lookup-all').click(),
    (u) => u.includes('results.html'),
  );
  await all.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
  const blocks = await all.locator('article.indicator').count();
  assert.equal(blocks, Object.values(expected).reduce((n, kind) => n + Object.keys(kind).length, 0));
  const frameMs = await all.evaluate(() => performance.getEntriesByName('tmlookup-frame-drawn')[0].startTime);
  t.diagnostic(`results frame for ${blocks} indicators drawn ${Math.round(frameMs)} ms after navigation`);
  await all.close();

  // Several: tick two, look them up together.
  const items = popup.locator('#found li.group[data-group="domain"] li[data-indicator]');
  const picks = [await items.nth(0).getAttribute('data-indicator'), await items.nth(1).getAttribute('data-indicator')];
  await items.nth(0).locator('input.pick').check();
  await items.nth(1).locator('input.pick').check();
  const results = await pageOpenedBy(
    browser.context,
    () => popup.getByRole('button', { name: 'Look up 2 selected' }).click(),
    (u) => u.includes('results.html'),
  );
  await results.waitForSelector('body[data-state="ready"]');
  const shown = await results.locator('article.indicator').evaluateAll((as) => as.map((a) => a.dataset.indicator));
  assert.deepEqual(shown, picks);

  // A page of about 5 MB: the report repeated. The time is the popup's own
  // measure, from asking for the text to the list drawn.
  const grown = await growReportPage(report);
  await scanAgain(popup);
  const ms = Number(await popup.evaluate(() => document.body.dataset.scanMs));
  t.diagnostic(`scan of a ${Math.round(grown.chars / 1e6)} MB page: ${ms} ms`);
  assert.ok(ms < 30_000, `the scan took ${ms} ms`);
  // The page comes over in pieces: all of it (the <pre> and a line break
  // on each side), and in order.
  assert.equal(Number(await popup.evaluate(() => document.body.dataset.scanChars)), grown.chars + 2);
  for (let more = popup.locator('#found button.show-more'); await more.count() > 0;) {
    await more.first().click();
  }
  const seams = await popup.locator('#found li.group[data-group="domain"] li[data-indicator^="seam-"]')
    .evaluateAll((lis) => lis.map((li) => li.dataset.indicator));
  assert.deepEqual(seams, grown.seams);

  // The pieces end at line breaks: a domain across the first piece's
  // length comes over whole, not as two values.
  const domain = await straddlePage(report);
  await scanAgain(popup);
  const listed = await popup.locator('#found li.group[data-group="domain"] li[data-indicator]')
    .evaluateAll((lis) => lis.map((li) => li.dataset.indicator));
  assert.deepEqual(listed, [domain]);

  // A page with nothing to find says so, quoting its start.
  await report.evaluate(() => {
    document.getElementById('report').textContent = 'Nothing but prose here.';
  });
  await scanAgain(popup);
  assert.match(await popup.locator('#message').innerText(),
    /No indicators found in: “Nothing but prose here\.”/);
  assert.equal(await popup.locator('#found li').count(), 0);
  assert.deepEqual(pageErrors, []);
});

test('the popup keeps a short history of lookups, and clears it', { timeout: 120_000 }, async (t) => {
  const { browser, pageErrors } = await setup(t);
  let popup = await openExtensionPage(browser, 'popup.html');
  assert.equal(await popup.locator('#recent').isHidden(), true, 'no history yet');

  for (const value of ['vwrm[.]com', '209.29.221[.]235']) {
    await popup.locator('textarea#query').fill(value);
    await popup.locator('textarea#query').press('Enter');
    const results = await pageOpenedBy(
      browser.context,
      () => popup.locator('ul#found li[data-indicator] button.lookup').click(),
      (u) => u.includes('results.html'),
    );
    await results.waitForSelector('body[data-state="ready"]');
    await results.close();
  }
  await popup.reload();
  // The background writes each entry; the popup shows them as they land.
  const history = popup.locator('#history li a');
  await history.nth(1).waitFor();
  assert.deepEqual(await history.allInnerTexts(), ['209.29.221.235', 'vwrm.com']);

  // An entry opens its results again.
  const again = await pageOpenedBy(browser.context, () => history.nth(1).click(), (u) => u.includes('results.html'));
  await again.waitForSelector('body[data-state="ready"]');
  assert.equal(await again.getAttribute('article.indicator', 'data-indicator'), 'vwrm.com');

  // A lookup of free text (the context menu's) is kept as its indicators only.
  const text = await openExtensionPage(browser, 'results.html?q=' + encodeURIComponent('private notes: C2 at bad-host[.]com, see ticket 4711'));
  await text.waitForSelector('body[data-state="ready"]');
  const worker = await browser.getWorker();
  const latest = await worker.evaluate(async () => {
    // The view asked the background to record it; wait for the write.
    for (const until = Date.now() + 10_000; Date.now() < until;) {
      const { recentLookups: [top] = [] } = await chrome.storage.local.get('recentLookups');
      if (top?.label !== 'bad-host.com') {
        await new Promise((r) => setTimeout(r, 50));
      } else return top;
    }
    return (await chrome.storage.local.get('recentLookups')).recentLookups?.[0];
  });
  assert.deepEqual(latest, { label: 'bad-host.com', url: 'results.html?i=domain%3Abad-host.com', at: latest.at });

  await popup.getByRole('button', { name: 'Clear history' }).click();
  await popup.locator('#recent').waitFor({ state: 'hidden' });
  const stored = await worker.evaluate(() => chrome.storage.local.get('recentLookups'));
  assert.deepEqual(stored, {});
  popup = await openExtensionPage(browser, 'popup.html');
  assert.equal(await popup.locator('#recent').isHidden(), true, 'the history stays cleared');
  assert.deepEqual(pageErrors, []);
});

/** Scans the popup's tab again and waits for the scan to end. */
async function scanAgain(popup) {
  // Cleared first: two scans can take the same whole number of ms.
  await popup.evaluate(() => delete document.body.dataset.scanMs);
  await popup.getByRole('button', { name: 'Scan this page' }).click();
  await popup.waitForFunction(() => document.body.dataset.scanMs !== undefined, null,
    { timeout: 60_000 });
}
