// The analyst's main path in Firefox: paste a defanged domain into the popup, look it up,
// and read ThreatMiner's answers on the results page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, openExtensionPage, newTab, extensionUrl, screenshot, waitForSettled, waitForSelector,
  sectionSelector, textOf, requestedRts,
} from './harness.mjs';

test('a domain searched in the popup is looked up and its sections show the samples', { timeout: 120_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const popup = await openExtensionPage(browser, 'popup.html');

  // Typed defanged, as analysts paste it; Enter submits.
  await popup.click('#query');
  await popup.keyboard.type('C2 seen at vwrm[.]com last week');
  await popup.keyboard.press('Enter');
  const item = 'ul#found li[data-kind][data-indicator="vwrm.com"]';
  await waitForSelector(popup, item);
  assert.equal(await popup.$$eval('ul#found li[data-indicator]', (li) => li.length), 1);
  await screenshot(popup, 'popup-found-vwrm');

  const before = await browser.pages();
  await popup.click(`${item} button.lookup`);
  const results = await newTab(browser, before, extensionUrl('results.html'));
  await waitForSelector(results, 'body[data-state="ready"]');
  assert.deepEqual(
    await results.$$eval('article.indicator', (a) => a.map((el) => [el.dataset.kind, el.dataset.indicator])),
    [['domain', 'vwrm.com']],
  );

  const states = await waitForSettled(results, 'vwrm.com');
  await screenshot(results, 'results-vwrm');
  // The samples hold every domain section but related samples (rt 4): that one is the
  // real "no results" body, which is an answer, not an error.
  assert.deepEqual(states, {
    'domain:1': 'ok', 'domain:2': 'ok', 'domain:3': 'ok',
    'domain:4': 'empty', 'domain:5': 'ok', 'domain:6': 'ok',
  });

  const text = (rt) => textOf(results, sectionSelector('vwrm.com', rt));
  // Contact details fold away behind the key facts until the fold is opened.
  assert.doesNotMatch(await text(1), /Aliant Telecom/, 'contact details start folded');
  await results.click(`${sectionSelector('vwrm.com', 1)} details.section-more summary`);
  assert.match(await text(1), /Aliant Telecom/, 'WHOIS organisation from the rt=1 sample');
  assert.match(await text(2), /209\.29\.221\.235/, 'passive DNS address from the rt=2 sample');
  assert.match(await text(3), /maps\/iexplorer\.zip/, 'URI from the rt=3 sample');
  assert.match(await text(5), /www\.vwrm\.com/, 'subdomain from the rt=5 sample');
  assert.match(await text(5), /mail\.vwrm\.com/, 'subdomain from the rt=5 sample');
  assert.match(await text(6), /comment_crew_indicators_of_compromise\.pdf/, 'report from the rt=6 sample');

  // One request per section, and nothing else sent.
  assert.deepEqual(requestedRts(replay, 'domain', 'vwrm.com'), ['1', '2', '3', '4', '5', '6']);
  assert.equal(replay.log().length, 6);
  assert.deepEqual(pageErrors, []);
});
