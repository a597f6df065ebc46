// "Look up on ThreatMiner" on a passage selected in a real report served as a web page.
// Firefox's context menu is browser UI that the harness can reach (see harness.mjs), so
// this test opens the real menu with a right click on the selection and picks the
// extension's entry: the menu item, Firefox's handing over of the selection and the
// background's click handler all run as they would for a person.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, startPageServer, inChrome, inBackground, newTab, extensionUrl, screenshot, waitFor,
  waitForSelector,
} from './harness.mjs';

// ESET's IoC list for the Exchange exploitation campaigns; the passage runs over the first
// three rows of its network table: one address and two domains, all defanged.
const REPORT = 'eset+malware-ioc/exchange_exploitation__README.adoc';
const FIRST = '34.90.207[.]23';
const LAST = 'rawfuns[.]com';
const EXPECTED = [
  { kind: 'ipv4', indicator: '34.90.207.23', endpoint: 'host' },
  { kind: 'domain', indicator: 'rawfuns.com', endpoint: 'domain' },
  { kind: 'domain', indicator: 'yolkish.com', endpoint: 'domain' },
];
const MENU_LABEL = 'Look up on ThreatMiner';

/** Selects the passage in the page's #report; returns its text and a point inside it. */
function selectPassage(page) {
  return page.evaluate(([first, last]) => {
    const node = document.getElementById('report').firstChild;
    const start = node.data.indexOf(first);
    const end = node.data.indexOf(last, start) + last.length;
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    // Well inside the viewport: a right click on its bottom edge opened no menu.
    scrollBy(0, range.getBoundingClientRect().top - 200);
    const box = range.getClientRects()[0];
    return {
      text: getSelection().toString(),
      x: Math.round(box.left + 4),
      y: Math.round(box.top + box.height / 2),
    };
  }, [FIRST, LAST]);
}

/** The blocks a results page shows, sorted, as `{kind, indicator}`. */
function blocksOf(page) {
  return page.$$eval('article.indicator', (articles) => articles
    .map((a) => ({ kind: a.dataset.kind, indicator: a.dataset.indicator }))
    .sort((a, b) => a.indicator.localeCompare(b.indicator)));
}

test('a passage selected in a report and looked up from the context menu opens a results tab', { timeout: 90_000 }, async (t) => {
  const { replay, browser, control, pageErrors } = await setup(t);
  const pages = await startPageServer();
  t.after(() => pages.close());

  const report = await browser.newPage();
  await report.goto(`${pages.url}/corpus/${REPORT}`);
  const selection = await selectPassage(report);
  assert.ok(selection.text.startsWith(FIRST) && selection.text.endsWith(LAST), 'passage selected');
  assert.equal(selection.text.split('\n').length, 3, 'three rows of the table');

  // A right click inside the selection keeps it and opens the page's context menu.
  await report.mouse.click(selection.x, selection.y, { button: 'right' });
  const labels = await waitFor(() => inChrome(browser, `(() => {
    const menu = document.getElementById('contentAreaContextMenu');
    if (menu.state !== 'open') return '';
    return JSON.stringify([...menu.querySelectorAll('menuitem')].filter((i) => !i.hidden).map((i) => i.label));
  })()`), { what: 'the context menu' });
  assert.ok(JSON.parse(labels).includes(MENU_LABEL), `the menu offers "${MENU_LABEL}"`);
  await screenshot(report, 'report-selection');

  const before = await browser.pages();
  await inChrome(browser, `(() => {
    const menu = document.getElementById('contentAreaContextMenu');
    const item = [...menu.querySelectorAll('menuitem')].find((i) => i.label === ${JSON.stringify(MENU_LABEL)});
    menu.activateItem(item);
    return true;
  })()`);
  const results = await newTab(browser, before, extensionUrl('results.html'));
  await waitForSelector(results, 'body[data-state="ready"]');
  assert.deepEqual(await blocksOf(results), EXPECTED.map(({ kind, indicator }) => ({ kind, indicator })));

  // The new tab sits right of the report's tab.
  const reportTab = await control.evaluate(async () => (await browser.tabs.query({ url: 'http://127.0.0.1/*' }))[0]);
  const resultsTab = await results.evaluate(() => browser.tabs.getCurrent());
  assert.equal(resultsTab.index, reportTab.index + 1, 'results tab is next to the report');
  assert.equal(resultsTab.openerTabId, reportTab.id, 'the report opened it');

  // The replay knows none of these values: the first requests come back "no results",
  // refanged and sent to the endpoint of each kind.
  await waitFor(() => replay.log().some((e) => e.status === 200), { what: 'a first answer' });
  for (const e of replay.log()) {
    const match = EXPECTED.find((x) => x.indicator === e.q);
    assert.ok(match, `unexpected request for ${e.q}`);
    assert.equal(e.endpoint, match.endpoint);
  }
  await waitForSelector(results, 'section.section[data-state="empty"]', { timeout: 20_000 });
  await screenshot(results, 'results-context-menu');

  // The handler the Chromium suite calls directly is reachable in Firefox's event page
  // too, and opens the same view for the same selection.
  const again = await browser.pages();
  await inBackground(control, async (bg, text, tab) => {
    await bg.lookupSelection({ menuItemId: 'tm-lookup-selection', selectionText: text }, tab);
  }, selection.text, reportTab);
  const second = await newTab(browser, again, extensionUrl('results.html'));
  await waitForSelector(second, 'body[data-state="ready"]');
  assert.deepEqual(await blocksOf(second), await blocksOf(results));
  assert.deepEqual(pageErrors, []);
});
