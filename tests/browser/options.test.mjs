// The API base URL set on the options page is the one lookups go to.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, openExtensionPage, screenshot, waitForSettled, sectionLocator, requestedRts,
} from './harness.mjs';

test('the API base URL saved on the options page is used for lookups', { timeout: 90_000 }, async (t) => {
  // Left at the shipped default: only the options page may point it at the replay.
  const { replay, browser, pageErrors } = await setup(t, { pointAtReplay: false });
  const options = await openExtensionPage(browser, 'options.html');
  const input = options.locator('#apiBaseUrl');
  await options.waitForFunction(() => document.querySelector('#apiBaseUrl').value !== '');
  assert.equal(await input.inputValue(), 'https://api.threatminer.org/v2/');

  await input.fill(`${replay.url}/v2/`);
  await options.locator('#save').click();
  await options.waitForFunction(() => /saved/i.test(document.querySelector('#saved').textContent), null, { timeout: 5_000 });
  await screenshot(options, 'options-saved');
  const stored = await (await browser.getWorker()).evaluate(() => chrome.storage.local.get('apiBaseUrl'));
  assert.equal(stored.apiBaseUrl, `${replay.url}/v2/`);

  // The setting survives a reload of the page.
  await options.reload();
  await options.waitForFunction((url) => document.querySelector('#apiBaseUrl').value === url, `${replay.url}/v2/`);

  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent('seen from 104.21.38[.]51')}`);
  await page.locator('article.indicator[data-indicator="104.21.38.51"]').waitFor({ timeout: 10_000 });
  const states = await waitForSettled(page, '104.21.38.51');
  await screenshot(page, 'options-results-host');
  assert.equal(states['host:1'], 'ok', JSON.stringify(states));
  assert.match(await sectionLocator(page, '104.21.38.51', 1).innerText(), /Cloudflare/);
  assert.deepEqual(requestedRts(replay, 'host', '104.21.38.51'), ['1', '2', '3', '4', '5', '6']);
  assert.ok(replay.log().every((e) => e.url.startsWith(`${replay.url}/v2/host.php?`)));
  assert.deepEqual(pageErrors, []);
});
