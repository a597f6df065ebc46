// The trail: pivot three steps deep from a domain, then go back and forward
// with the browser and through the breadcrumbs, checking the page and the trail
// each time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openExtensionPage, sectionLocator } from './harness.mjs';
import { found } from './harness-view.mjs';

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

/** The value of the page's one block, once the page has drawn it. */
async function shown(page) {
  await page.waitForSelector('body[data-state="ready"]');
  return page.getAttribute('article.indicator', 'data-indicator');
}

/** Follows the pivot to `value` in section `rt` of the block for `from`. */
async function pivot(page, from, rt, value) {
  const link = sectionLocator(page, from, rt).locator(`a.pivot[data-pivot-value="${value}"]`);
  // Sections fill in as the budget allows: up to a minute for later pages.
  await link.first().waitFor({ timeout: 90_000 });
  await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === value), link.first().click()]);
  assert.equal(await shown(page), value);
}

test('a pivot chain three steps deep keeps a trail through back and forward', { timeout: 240_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  // The samples stop at the address, whose sections have no results: its passive DNS
  // and that of one of its domains are made up here, in ThreatMiner's shapes.
  await replay.control({
    overrides: [
      {
        endpoint: 'host', q: '209.29.221.235', rt: 2,
        body: found([{ domain: 'mail.vwrm.com', first_seen: '2014-01-02 03:04:05', last_seen: '2014-07-17 16:51:28' }]),
      },
      {
        endpoint: 'domain', q: 'mail.vwrm.com', rt: 2,
        body: found([{ ip: '209.29.221.240', first_seen: '2014-01-02 03:04:05', last_seen: '2014-07-17 16:51:28' }]),
      },
    ],
  });

  const page = await openExtensionPage(browser, 'results.html?q=vwrm.com&as=domain');
  assert.equal(await shown(page), 'vwrm.com');
  assert.deepEqual(await trailOf(page), [], 'a single page shows no trail');

  await pivot(page, 'vwrm.com', 2, '209.29.221.235');
  await pivot(page, '209.29.221.235', 2, 'mail.vwrm.com');
  await pivot(page, 'mail.vwrm.com', 2, '209.29.221.240');
  const full = ['vwrm.com (domain)', '209.29.221.235 (host)', 'mail.vwrm.com (domain)', '209.29.221.240 (host)*'];
  assert.deepEqual(await trailOf(page), full);

  await page.goBack();
  assert.equal(await shown(page), 'mail.vwrm.com');
  assert.deepEqual(await trailOf(page), [...full.slice(0, 2), 'mail.vwrm.com (domain)*']);
  await page.goBack();
  assert.equal(await shown(page), '209.29.221.235');
  assert.deepEqual(await trailOf(page), [full[0], '209.29.221.235 (host)*']);
  await page.goForward();
  assert.equal(await shown(page), 'mail.vwrm.com');
  assert.deepEqual(await trailOf(page), [...full.slice(0, 2), 'mail.vwrm.com (domain)*']);

  // A breadcrumb goes back in the tab's history: forward still leads on.
  await Promise.all([
    page.waitForURL((url) => url.searchParams.get('q') === 'vwrm.com'),
    page.locator('#trail').getByRole('link', { name: 'vwrm.com (domain)' }).click(),
  ]);
  assert.equal(await shown(page), 'vwrm.com');
  assert.deepEqual(await trailOf(page), []);
  await page.goForward();
  assert.equal(await shown(page), '209.29.221.235');
  assert.deepEqual(await trailOf(page), [full[0], '209.29.221.235 (host)*']);

  // A new pivot from here branches: the old continuation leaves the trail.
  await pivot(page, '209.29.221.235', 2, 'mail.vwrm.com');
  assert.deepEqual(await trailOf(page), [...full.slice(0, 2), 'mail.vwrm.com (domain)*']);

  // Another tab has its own trail.
  const other = await openExtensionPage(browser, 'results.html?q=mail.vwrm.com&as=domain');
  assert.equal(await shown(other), 'mail.vwrm.com');
  assert.deepEqual(await trailOf(other), []);
  assert.deepEqual(pageErrors, []);
});
