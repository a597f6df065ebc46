// The trail in Firefox: pivot three steps deep from a domain, then go back and forward
// through the tab's history and the breadcrumbs. The trail lives in history.state and
// session storage, and pages restored from Firefox's back-forward cache run no script
// again, so this is where Firefox could part from Chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { found } from '../browser/harness-view.mjs';
import { setup, openExtensionPage, waitFor, sectionSelector } from './harness.mjs';

/** The breadcrumbs as text, the current page last and marked with a `*`. */
function trailOf(page) {
  return page.evaluate(() => {
    const nav = document.getElementById('trail');
    if (nav.hidden) return [];
    return [...nav.querySelectorAll('li')].map((li) => {
      const current = li.querySelector('[aria-current="page"]');
      return current ? `${li.textContent}*` : li.textContent;
    });
  });
}

/**
 * Waits until the tab shows the page for `value` (navigations to moz-extension:// are
 * not awaited, see harness.mjs) and returns the value of its one block.
 */
function shown(page, value) {
  return waitFor(() => page.evaluate(() => {
    const q = new URLSearchParams(location.search).get('q');
    const ready = document.readyState === 'complete' && document.body.dataset.state === 'ready';
    return ready && { q, block: document.querySelector('article.indicator')?.dataset.indicator };
  }).then((s) => s && s.q === value && s.block).catch(() => false), { what: `the page for ${value}` });
}

/** Follows the pivot to `value` in section `rt` of the block for `from`. */
async function pivot(page, from, rt, value) {
  const link = `${sectionSelector(from, rt)} a.pivot[data-pivot-value="${value}"]`;
  // Sections fill in as the budget allows: up to a minute for later pages.
  await waitFor(() => page.$(link).then(Boolean).catch(() => false), { timeout: 90_000, what: link });
  await page.click(link);
  assert.equal(await shown(page, value), value);
}

/** Goes back (-1) or forward (1) in the tab's history. */
async function go(page, delta, value) {
  await page.evaluate((d) => history.go(d), delta);
  return shown(page, value);
}

test('a pivot chain three steps deep keeps a trail through back and forward', { timeout: 240_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  // The samples stop at the address, whose sections have no results: its passive DNS
  // and that of one of its domains are made up here, in ThreatMiner's shapes.
  const seen = { first_seen: '2014-01-02 03:04:05', last_seen: '2014-07-17 16:51:28' };
  await replay.control({
    overrides: [
      { endpoint: 'host', q: '209.29.221.235', rt: 2, body: found([{ domain: 'mail.vwrm.com', ...seen }]) },
      { endpoint: 'domain', q: 'mail.vwrm.com', rt: 2, body: found([{ ip: '209.29.221.240', ...seen }]) },
    ],
  });

  const page = await openExtensionPage(browser, 'results.html?q=vwrm.com&as=domain');
  assert.equal(await shown(page, 'vwrm.com'), 'vwrm.com');
  assert.deepEqual(await trailOf(page), [], 'a single page shows no trail');

  await pivot(page, 'vwrm.com', 2, '209.29.221.235');
  await pivot(page, '209.29.221.235', 2, 'mail.vwrm.com');
  await pivot(page, 'mail.vwrm.com', 2, '209.29.221.240');
  const full = ['vwrm.com (domain)', '209.29.221.235 (host)', 'mail.vwrm.com (domain)', '209.29.221.240 (host)*'];
  assert.deepEqual(await trailOf(page), full);

  await go(page, -1, 'mail.vwrm.com');
  assert.deepEqual(await trailOf(page), [...full.slice(0, 2), 'mail.vwrm.com (domain)*']);
  await go(page, -1, '209.29.221.235');
  assert.deepEqual(await trailOf(page), [full[0], '209.29.221.235 (host)*']);
  await go(page, 1, 'mail.vwrm.com');
  assert.deepEqual(await trailOf(page), [...full.slice(0, 2), 'mail.vwrm.com (domain)*']);

  // A breadcrumb goes back in the tab's history: forward still leads on.
  await page.click('#trail li:first-child a');
  assert.equal(await shown(page, 'vwrm.com'), 'vwrm.com');
  assert.deepEqual(await trailOf(page), []);
  await go(page, 1, '209.29.221.235');
  assert.deepEqual(await trailOf(page), [full[0], '209.29.221.235 (host)*']);

  // A new pivot from here branches: the old continuation leaves the trail.
  await pivot(page, '209.29.221.235', 2, 'mail.vwrm.com');
  assert.deepEqual(await trailOf(page), [...full.slice(0, 2), 'mail.vwrm.com (domain)*']);

  // Another tab has its own trail.
  const other = await openExtensionPage(browser, 'results.html?q=mail.vwrm.com&as=domain');
  assert.equal(await shown(other, 'mail.vwrm.com'), 'mail.vwrm.com');
  assert.deepEqual(await trailOf(other), []);
  assert.deepEqual(pageErrors, []);
});
