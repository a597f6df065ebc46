// "Look up on ThreatMiner" on a passage selected in a real report served as a web page.
// A context-menu click cannot be driven, so the test calls the worker's click handler with
// the text the page's selection holds, the way Chromium would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, startPageServer, selectPassage, pageOpenedBy, screenshot, waitFor,
} from './harness.mjs';

// ESET's IoC list for the Exchange exploitation campaigns; the passage runs over the first
// three rows of its network table: one address and two domains, all defanged.
const REPORT = 'eset+malware-ioc/exchange_exploitation__README.adoc';
const FIRST = '34.90.207[.]23';
const LAST = 'rawfuns[.]com';
const EXPECTED = [
  { kind: 'ipv4', indicator: '34.90.207.23', endpoint: 'host' },
  { kind: 'domain', indicator: 'yolkish.com', endpoint: 'domain' },
  { kind: 'domain', indicator: 'rawfuns.com', endpoint: 'domain' },
];

test('a passage selected in a report opens a results tab with its indicators', { timeout: 90_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const pages = await startPageServer();
  t.after(() => pages.close());

  const report = await browser.context.newPage();
  await report.goto(`${pages.url}/corpus/${REPORT}`);
  // The passage is cut out of the page's own text so no report prose lives in this file.
  const passage = await report.evaluate(([first, last]) => {
    const text = document.getElementById('report').textContent;
    const start = text.indexOf(first);
    return text.slice(start, text.indexOf(last, start) + last.length);
  }, [FIRST, LAST]);
  assert.ok(passage.startsWith(FIRST) && passage.split('\n').length === 3, 'passage found');
  const selected = await selectPassage(report, passage);
  assert.equal(selected, passage);
  await screenshot(report, 'report-selection');

  // The tab Chromium would pass to the handler: the one showing the report.
  const worker = await browser.getWorker();
  const reportTab = await worker.evaluate(async () => {
    const [tab] = await chrome.tabs.query({ url: 'http://127.0.0.1/*' });
    return tab;
  });
  const results = await pageOpenedBy(
    browser.context,
    () => worker.evaluate(
      ([selectionText, tab]) => globalThis.lookupSelection({ menuItemId: 'tm-lookup-selection', selectionText }, tab),
      [selected, reportTab],
    ),
    (url) => url.startsWith(browser.extensionUrl('results.html')),
  );

  await results.waitForSelector('body[data-state="ready"]', { timeout: 10_000 });
  const blocks = await results.$$eval('article.indicator', (articles) => articles.map((a) => ({
    kind: a.dataset.kind,
    indicator: a.dataset.indicator,
  })));
  assert.deepEqual(
    blocks.sort((a, b) => a.indicator.localeCompare(b.indicator)),
    EXPECTED.map(({ kind, indicator }) => ({ kind, indicator }))
      .sort((a, b) => a.indicator.localeCompare(b.indicator)),
  );

  // The new tab sits right of the report's tab.
  const resultsTab = await results.evaluate(() => chrome.tabs.getCurrent());
  assert.equal(resultsTab.index, reportTab.index + 1, 'results tab is next to the report');

  // The replay knows none of these values: the first requests come back "no results",
  // refanged and sent to the endpoint of each kind.
  await waitFor(() => replay.log().some((e) => e.status === 200), { what: 'a first answer' });
  for (const e of replay.log()) {
    const match = EXPECTED.find((x) => x.indicator === e.q);
    assert.ok(match, `unexpected request for ${e.q}`);
    assert.equal(e.endpoint, match.endpoint);
  }
  await results.waitForSelector('section.section[data-state="empty"]', { timeout: 20_000 });
  await screenshot(results, 'results-context-menu');
  // 18 sections wanted, at most 10 sent in the first minute.
  assert.ok(replay.log().length <= 10, `${replay.log().length} requests in the first minute`);
  assert.deepEqual(pageErrors, []);
});
