// The analyst's main path: paste a defanged domain into the popup, look it up, and read
// ThreatMiner's answers on the results page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, openExtensionPage, pageOpenedBy, screenshot, waitForSettled, sectionLocator,
  requestedRts,
} from './harness.mjs';

test('a domain searched in the popup is looked up and its sections show the samples', { timeout: 120_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const popup = await openExtensionPage(browser, 'popup.html');

  // Typed defanged, as analysts paste it; Enter submits.
  await popup.locator('textarea#query').fill('C2 seen at vwrm[.]com last week');
  await popup.locator('textarea#query').press('Enter');
  const item = popup.locator('ul#found li[data-kind][data-indicator="vwrm.com"]');
  await item.waitFor({ timeout: 10_000 });
  assert.equal(await popup.locator('ul#found li[data-indicator]').count(), 1);
  await screenshot(popup, 'popup-found-vwrm');

  const results = await pageOpenedBy(
    browser.context,
    () => item.locator('button.lookup').click(),
    (url) => url.startsWith(browser.extensionUrl('results.html')),
  );
  await results.waitForSelector('body[data-state="ready"]', { timeout: 10_000 });
  assert.equal(await results.locator('article.indicator').count(), 1);
  assert.equal(
    await results.getAttribute('article.indicator[data-indicator="vwrm.com"]', 'data-kind'),
    'domain',
  );

  const states = await waitForSettled(results, 'vwrm.com');
  await screenshot(results, 'results-vwrm');
  // The samples hold every domain section but related samples (rt 4): that one is the
  // real "no results" body, which is an answer, not an error.
  assert.deepEqual(states, {
    'domain:1': 'ok', 'domain:2': 'ok', 'domain:3': 'ok',
    'domain:4': 'empty', 'domain:5': 'ok', 'domain:6': 'ok',
  });

  const text = async (rt) => sectionLocator(results, 'vwrm.com', rt).innerText();
  // Contact details fold away behind the key facts; the registrar shows at once.
  assert.match(await text(1), /register\.com, inc\./);
  assert.doesNotMatch(await text(1), /Aliant Telecom/, 'contact details start folded');
  await sectionLocator(results, 'vwrm.com', 1).locator('details.section-more summary').click();
  assert.match(await text(1), /Aliant Telecom/, 'WHOIS organisation from the rt=1 sample');
  assert.match(await text(2), /209\.29\.221\.235/, 'passive DNS address from the rt=2 sample');
  assert.match(await text(3), /maps\/iexplorer\.zip/, 'URI from the rt=3 sample');
  assert.match(await text(5), /www\.vwrm\.com/, 'subdomain from the rt=5 sample');
  assert.match(await text(5), /mail\.vwrm\.com/, 'subdomain from the rt=5 sample');
  assert.match(await text(6), /comment_crew_indicators_of_compromise\.pdf/, 'report from the rt=6 sample');

  // WHOIS values sit in one column whatever the number of values before them (two name
  // servers once pushed every later value into the label column).
  const whois = sectionLocator(results, 'vwrm.com', 1);
  const lefts = [];
  for (const value of ['register.com, inc.', 'onyx.nbnet.nb.ca', 'opal.nbnet.nb.ca', 'Valley Waste Resource Management', '1999-04-01 05:00:00']) {
    const box = await whois.getByText(value, { exact: true }).first().boundingBox();
    assert.ok(box, `${value} is visible in the WHOIS section`);
    lefts.push(`${value}@${Math.round(box.x)}`);
  }
  const xs = new Set(lefts.map((l) => l.split('@')[1]));
  assert.equal(xs.size, 1, `WHOIS values are not in one column: ${lefts.join(', ')}`);

  // One request per section, and nothing else sent.
  assert.deepEqual(requestedRts(replay, 'domain', 'vwrm.com'), ['1', '2', '3', '4', '5', '6']);
  assert.equal(replay.log().length, 6);
  assert.deepEqual(pageErrors, []);
});
