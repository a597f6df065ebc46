// Text without indicators must say so, quoting what was searched, and send nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openExtensionPage, screenshot, waitFor, waitForSelector } from './harness.mjs';

// Has dots, digits and a version number, but no indicator.
const PLAIN = 'Meeting notes: the patch 4.2 ships Friday, see section 3.1 of the plan.';

test('the results page reports text without indicators', { timeout: 60_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent(PLAIN)}`);

  await waitForSelector(page, 'body[data-state="nothing-found"]');
  const message = await page.$eval('#message', (el) => ({ hidden: el.hidden, text: el.innerText }));
  assert.equal(message.hidden, false, '#message is shown');
  assert.ok(message.text.includes(PLAIN.slice(0, 30)), `it quotes the searched text: ${message.text}`);
  assert.equal(await page.$$eval('article.indicator', (a) => a.length), 0);
  await screenshot(page, 'results-nothing-found');

  assert.deepEqual(replay.log(), [], 'no request was sent');
  assert.deepEqual(pageErrors, []);
});

test('the popup reports text without indicators, and Shift+Enter only adds a line', { timeout: 60_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  const popup = await openExtensionPage(browser, 'popup.html');
  const messageText = () => popup.$eval('#message', (el) => (el.hidden ? null : el.innerText));

  await popup.click('#query');
  await popup.keyboard.type('first line');
  await popup.keyboard.down('Shift');
  await popup.keyboard.press('Enter');
  await popup.keyboard.up('Shift');
  await popup.keyboard.type('second line');
  assert.equal(await popup.$eval('#query', (el) => el.value), 'first line\nsecond line');
  assert.equal(await messageText(), null, 'Shift+Enter did not search');

  await popup.$eval('#query', (el) => { el.value = ''; });
  await popup.keyboard.type(PLAIN);
  await popup.keyboard.press('Enter');
  const text = await waitFor(messageText, { what: 'the popup message' });
  assert.match(text, /No indicators found/i);
  assert.ok(text.includes(PLAIN.slice(0, 30)), `it quotes the searched text: ${text}`);
  assert.equal(await popup.$$eval('#found li', (li) => li.length), 0);
  await screenshot(popup, 'popup-nothing-found');

  // The same through the search button.
  await popup.$eval('#query', (el) => { el.value = 'nothing here either'; });
  await popup.click('#search');
  await waitFor(async () => (await messageText())?.includes('nothing here either'), { what: 'the second message' });

  assert.deepEqual(replay.log(), []);
  assert.deepEqual(pageErrors, []);
});
