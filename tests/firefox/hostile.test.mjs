// ThreatMiner's answers carry attacker-controlled text (WHOIS records are written by whoever
// registered the domain). In Firefox too it must show up as literal text and never run or
// load anything.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SAMPLES_DIR } from '../replay/server.mjs';
import {
  setup, openExtensionPage, screenshot, waitForSettled, sectionSelector, textOf,
} from './harness.mjs';

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=2</script>';
const VALUE = 'vwrm.com';

/** The real WHOIS sample for vwrm.com with hostile text in the fields a registrant controls. */
async function hostileWhois() {
  const file = path.join(DEFAULT_SAMPLES_DIR, 'domain-rt1-vwrm-whois-asrabon-readme.json');
  const body = JSON.parse(await readFile(file, 'utf8'));
  const { whois } = body.results[0];
  whois.registrant_info.Organization = ` ${IMG}`;
  whois.registrant_info.Street = ` ${SCRIPT}`;
  whois.registrar = `${IMG}${SCRIPT}`;
  whois.nameservers = [`ns1.${IMG}`, 'onyx.nbnet.nb.ca'];
  return body;
}

/** Report tagging whose link tries to leave the https://www.threatminer.org pages. */
const HOSTILE_REPORTS = {
  status_code: '200',
  status_message: 'Results found.',
  results: [{ filename: `${SCRIPT}.pdf`, year: '2013', URL: 'javascript:window.__pwned=3' }],
};

test('hostile WHOIS and report fields are shown as text and run nothing', { timeout: 90_000 }, async (t) => {
  const { replay, browser, pageErrors } = await setup(t);
  await replay.control({
    overrides: [
      { endpoint: 'domain', q: VALUE, rt: 1, body: await hostileWhois() },
      { endpoint: 'domain', q: VALUE, rt: 6, body: HOSTILE_REPORTS },
    ],
  });

  const page = await openExtensionPage(browser, `results.html?q=${encodeURIComponent('vwrm[.]com')}`);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  const states = await waitForSettled(page, VALUE);
  await screenshot(page, 'hostile-whois');
  assert.equal(states['domain:1'], 'ok');
  assert.equal(states['domain:6'], 'ok');

  await page.click(`${sectionSelector(VALUE, 1)} details.section-more summary`);
  const whoisText = await textOf(page, sectionSelector(VALUE, 1));
  assert.ok(whoisText.includes(IMG), `literal <img> text shown: ${whoisText}`);
  assert.ok(whoisText.includes(SCRIPT), 'literal <script> text shown');
  assert.match(whoisText, /Aliant Telecom/, 'the untouched fields still show');
  assert.ok((await textOf(page, sectionSelector(VALUE, 6))).includes(SCRIPT));

  // Give an injected onerror handler time to fire before checking it did not.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.$$eval('section.section img, section.section script', (els) => els.length), 0);
  assert.equal(await page.$$eval('a[href^="javascript:" i]', (els) => els.length), 0, 'no javascript: link');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(pageErrors, []);
});
