// Text without indicators must say so, quoting what was searched, and send nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openExtensionPage, screenshot } from './harness.mjs';

// Has dots, digits and a version number, but no indicator.
const PLAIN = 'Meeting notes: the patch 4.2 ships Friday, see section 3.1 of the plan.';

test('the results page reports text without indicators', { timeout: 60_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent(PLAIN)}`);

  await page.waitForSelector('body[data-state="nothing-found"]', { timeout: 10_000 });
  const message = page.locator('#message');
  assert.ok(await message.isVisible(), '#message is shown');
  assert.ok((await message.innerText()).includes(PLAIN.slice(0, 30)), 'it quotes the searched text');
  assert.equal(await page.locator('article.indicator').count(), 0);
  await screenshot(page, 'results-nothing-found');

  assert.deepEqual(replay.log(), [], 'no request was sent');
  assert.deepEqual(pageErrors, []);
});

test('the popup reports text without indicators, and Shift+Enter only adds a line', { timeout: 60_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const popup = await openExtensionPage(browser, 'popup.html');
  const query = popup.locator('textarea#query');
  const message = popup.locator('#message');

  await query.fill('first line');
  await query.press('Shift+Enter');
  await query.pressSequentially('second line');
  assert.equal(await query.inputValue(), 'first line\nsecond line');
  assert.ok(!(await message.isVisible()), 'Shift+Enter did not search');

  await query.fill(PLAIN);
  await query.press('Enter');
  await message.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await message.innerText(), /No indicators found/i);
  assert.ok((await message.innerText()).includes(PLAIN.slice(0, 30)), 'it quotes the searched text');
  assert.equal(await popup.locator('ul#found li').count(), 0);
  await screenshot(popup, 'popup-nothing-found');

  // The same through the search button.
  await query.fill('nothing here either');
  await popup.locator('button#search').click();
  await popup.waitForFunction(
    () => document.querySelector('#message').textContent.includes('nothing here either'),
    null,
    { timeout: 5_000 },
  );

  assert.deepEqual(replay.log(), []);
  assert.deepEqual(pageErrors, []);
});
