// The API base URL set on the options page is the one lookups go to, in Firefox.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, openExtensionPage, screenshot, waitFor, waitForSettled, sectionSelector, textOf,
  requestedRts,
} from './harness.mjs';

test('the API base URL saved on the options page is used for lookups', { timeout: 90_000 }, async (t) => {
  // Left at the shipped default: only the options page's form may point it at the replay.
  const { replay, browser, pageErrors } = await setup(t, { pointAtReplay: false });
  const options = await openExtensionPage(browser, 'options.html');
  const value = () => options.$eval('#apiBaseUrl', (el) => el.value);
  assert.equal(await waitFor(value, { what: 'the form to fill' }), 'https://api.threatminer.org/v2/');

  // Typed without the trailing slash: the page adds it, since endpoints are appended.
  await options.click('#apiBaseUrl', { count: 3 });
  await options.keyboard.type(`${replay.url}/v2`);
  await options.click('#save');
  await waitFor(() => options.$eval('#saved', (el) => /saved/i.test(el.textContent)), { what: 'Saved.' });
  await screenshot(options, 'options-saved');
  const stored = await options.evaluate(() => browser.storage.local.get('apiBaseUrl'));
  assert.equal(stored.apiBaseUrl, `${replay.url}/v2/`);

  // A fresh options page shows the saved setting. (A fresh tab, not a reload: puppeteer's
  // reload of a moz-extension:// page once failed inside puppeteer, unhandled.)
  const again = await openExtensionPage(browser, 'options.html');
  await waitFor(
    () => again.$eval('#apiBaseUrl', (el, url) => el.value === url, `${replay.url}/v2/`),
    { what: 'the saved URL on a fresh options page' },
  );

  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent('seen from 104.21.38[.]51')}`);
  const states = await waitForSettled(page, '104.21.38.51');
  await screenshot(page, 'options-results-host');
  assert.equal(states['host:1'], 'ok', JSON.stringify(states));
  assert.match(await textOf(page, sectionSelector('104.21.38.51', 1)), /Cloudflare/);
  assert.deepEqual(requestedRts(replay, 'host', '104.21.38.51'), ['1', '2', '3', '4', '5', '6']);
  assert.ok(replay.log().every((e) => e.url.startsWith(`${replay.url}/v2/host.php?`)));
  assert.deepEqual(pageErrors, []);
});

test('the options page refuses a base URL that is not http(s) and keeps the old one', { timeout: 60_000 }, async (t) => {
  const { browser, pageErrors } = await setup(t, { pointAtReplay: false });
  const options = await openExtensionPage(browser, 'options.html');
  await waitFor(() => options.$eval('#apiBaseUrl', (el) => el.value), { what: 'the form to fill' });

  // type="url" accepts ftp:, so the page's own check is what stops it.
  await options.click('#apiBaseUrl', { count: 3 });
  await options.keyboard.type('ftp://api.threatminer.org/v2/');
  await options.click('#save');
  const said = await waitFor(() => options.$eval('#saved', (el) => el.textContent), { what: 'a message' });
  assert.match(said, /must start with https:\/\//);
  const stored = await options.evaluate(() => browser.storage.local.get('apiBaseUrl'));
  assert.equal(stored.apiBaseUrl, undefined, 'nothing was saved');
  assert.deepEqual(pageErrors, []);
});
