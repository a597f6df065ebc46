// Host-permission onboarding. Firefox treats MV3 host permissions as opt-in, so a fresh
// install may have no access to the API; the results page and the popup must say so and
// offer one button that asks the browser. The tests answer Firefox's real permission
// prompt through its own Allow and Don't allow buttons (see harness.mjs).
//
// Installing as a temporary add-on grants the manifest's host permissions, so each test
// first takes access away with permissions.remove, as a user can in the add-ons manager.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  setup, openExtensionPage, screenshot, waitFor, waitForSettled, permissionPrompt,
  answerPermissionPrompt, TEST_HOST_PERMISSION,
} from './harness.mjs';

const VALUE = 'vwrm.com';

/** Takes the replay's host permission away; fails if it was not there to take. */
async function revokeAccess(control) {
  const removed = await control.evaluate(
    (origin) => browser.permissions.remove({ origins: [origin] }),
    TEST_HOST_PERMISSION,
  );
  assert.equal(removed, true, 'the permission was granted at install and could be removed');
}

function hasAccess(page) {
  return page.evaluate((origin) => browser.permissions.contains({ origins: [origin] }), TEST_HOST_PERMISSION);
}

/** The banner as `{hidden, text}`. */
function banner(page) {
  return page.$eval('#access', (el) => ({ hidden: el.hidden, text: el.innerText.trim() }));
}

/** The section states of the page's only indicator, whatever they are. */
async function states(page) {
  return page.$$eval('section.section', (els) => els.map((s) => s.dataset.state ?? ''));
}

test('the results page waits for access: refused, then granted through the banner', { timeout: 120_000 }, async (t) => {
  const { replay, browser, control, pageErrors } = await setup(t);
  await revokeAccess(control);

  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent('vwrm[.]com')}`);
  const shown = await waitFor(async () => {
    const b = await banner(page);
    return !b.hidden && b;
  }, { what: 'the access banner' });
  assert.match(shown.text, /has not given ThreatMiner Lookup access to 127\.0\.0\.1/);
  assert.equal(await page.$eval('#grant-access', (b) => b.innerText), 'Allow access');
  // The blocks are drawn, but nothing is asked for while access is missing.
  assert.equal((await states(page)).length, 6);
  await screenshot(page, 'access-missing');

  // Refused: the prompt's Don't allow button.
  await page.click('#grant-access');
  const prompt = await permissionPrompt(browser);
  t.diagnostic(`Firefox's prompt: ${JSON.stringify(prompt)}`);
  assert.ok(prompt.items.some((line) => line.includes('127.0.0.1')), `the prompt names the host: ${JSON.stringify(prompt)}`);
  await answerPermissionPrompt(browser, false);
  const refused = await waitFor(async () => {
    const b = await banner(page);
    return /was not granted/.test(b.text) && b;
  }, { what: 'the refusal message' });
  assert.equal(refused.hidden, false, 'the banner stays, with its button');
  assert.match(refused.text, /Access to 127\.0\.0\.1 was not granted/);
  assert.equal(await hasAccess(page), false);
  await screenshot(page, 'access-refused');
  // Give a lookup that should not start time to reach the replay.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assert.deepEqual(replay.log(), [], 'no request left while access was refused');
  assert.ok((await states(page)).every((s) => !['ok', 'empty', 'error'].includes(s)), 'no section has an answer');

  // Granted: the same button, then Allow.
  await page.click('#grant-access');
  await answerPermissionPrompt(browser, true);
  await waitFor(async () => (await banner(page)).hidden, { what: 'the banner to go' });
  assert.equal(await hasAccess(page), true);
  const settled = await waitForSettled(page, VALUE);
  assert.equal(settled['domain:2'], 'ok', JSON.stringify(settled));
  assert.match(await page.$eval('section.section[data-rt="2"]', (s) => s.innerText), /209\.29\.221\.235/);
  assert.equal(replay.log().length, 6, 'the lookup ran once access was there');
  await screenshot(page, 'access-granted');
  assert.deepEqual(pageErrors, []);
});

test('the popup says when access is missing, and a grant there starts a results page that was waiting', { timeout: 120_000 }, async (t) => {
  const { replay, browser, control, pageErrors } = await setup(t);

  // With access, the popup shows no banner.
  const before = await openExtensionPage(browser, 'popup.html');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal((await banner(before)).hidden, true, 'no banner while access is there');
  await before.close();

  await revokeAccess(control);
  const results = await openExtensionPage(browser, `results.html?q=${encodeURIComponent('vwrm[.]com')}`);
  await waitFor(async () => !(await banner(results)).hidden, { what: 'the results page banner' });

  const popup = await openExtensionPage(browser, 'popup.html');
  const shown = await waitFor(async () => {
    const b = await banner(popup);
    return !b.hidden && b;
  }, { what: 'the popup banner' });
  assert.match(shown.text, /has not given ThreatMiner Lookup access to 127\.0\.0\.1/);
  await screenshot(popup, 'access-popup');

  await popup.click('#grant-access');
  await answerPermissionPrompt(browser, true);
  await waitFor(async () => (await banner(popup)).hidden, { what: 'the popup banner to go' });

  // The results page learns of the grant without its own button being pressed.
  await waitFor(async () => (await banner(results)).hidden, { what: 'the results page banner to go' });
  const settled = await waitForSettled(results, VALUE);
  assert.equal(settled['domain:1'], 'ok', JSON.stringify(settled));
  assert.equal(replay.log().length, 6);
  assert.deepEqual(pageErrors, []);
});
