// Exports and copying in Firefox: a file saved from a Blob URL by an <a download> on a
// moz-extension:// page, and the clipboard written from a click, both of which Firefox
// handles its own way. The STIX bundle is checked by OASIS's validator and the reference
// library's ids, the CSV read back by Python's csv module, the clipboard from the
// browser's side (chrome scope), not by the page that wrote it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readCsv, validateStix } from '../browser/harness-view.mjs';
import {
  setup, openExtensionPage, inChrome, waitFor, waitForSettled, waitForSelector,
} from './harness.mjs';

const BLOCK = 'article.indicator[data-indicator="vwrm.com"]';

/** Runs `action` and returns `{name, file}` of the new file in `dir` matching `pattern`. */
async function downloadOf(dir, pattern, action) {
  const before = new Set(await readdir(dir));
  await action();
  const name = await waitFor(async () => (await readdir(dir))
    .find((n) => !before.has(n) && pattern.test(n)), { what: `a download named like ${pattern}` });
  const file = path.join(dir, name);
  // Firefox writes to a .part file and renames it when done, so the name means complete.
  return { name, file, text: await readFile(file, 'utf8') };
}

function clipboardText(browser) {
  return inChrome(browser, 'navigator.clipboard.readText()');
}

test('the results view exports CSV and JSON files and copies its indicators', { timeout: 120_000 }, async (t) => {
  const { browser, downloads, pageErrors } = await setup(t);
  const page = await openExtensionPage(browser, 'results.html?i=domain:vwrm.com');
  await waitForSelector(page, 'body[data-state="ready"]');
  await waitForSettled(page, 'vwrm.com');

  // CSV, per indicator: the block's own menu.
  await page.click(`${BLOCK} details.export summary`);
  const csv = await downloadOf(downloads, /^tmlookup-vwrm\.com-.*\.csv$/,
    () => page.click(`${BLOCK} details.export button[data-format="csv"]`));
  const rows = await readCsv(csv.file);
  assert.ok(rows.every((r) => r.indicator === 'vwrm.com' && r.indicator_kind === 'domain'));
  assert.deepEqual([...new Set(rows.map((r) => r.rt))], ['1', '2', '3', '4', '5', '6']);
  const pdns = rows.filter((r) => r.section === 'Passive DNS' && r.field === 'IP address');
  assert.deepEqual(pdns.map((r) => [r.value, r.pivot]), [['209.29.221.235', 'host']]);
  assert.ok(rows.some((r) => r.field === 'Registrant organization'
    && r.value === 'Valley Waste Resource Management'));

  // JSON, for the whole view: normalised values and ThreatMiner's raw results.
  await page.click('#view-actions details.export summary');
  const json = await downloadOf(downloads, /^tmlookup-.*\.json$/,
    () => page.click('#view-actions button[data-format="json"]'));
  const doc = JSON.parse(json.text);
  assert.deepEqual(doc.indicators.map((i) => [i.kind, i.value, i.defanged]), [['domain', 'vwrm.com', 'vwrm[.]com']]);
  assert.equal(doc.indicators[0].sections.find((s) => s.rt === 2).results[0].ip, '209.29.221.235');

  // Copy all, defanged and refanged: the click is the user activation Firefox asks for.
  await page.click('#view-actions button[data-action="copy-all-defanged"]');
  await waitFor(async () => (await clipboardText(browser)) === 'vwrm[.]com\n', { what: 'the defanged copy' });
  await page.click('#view-actions button[data-action="copy-all"]');
  await waitFor(async () => (await clipboardText(browser)) === 'vwrm.com\n', { what: 'the refanged copy' });
  assert.deepEqual(pageErrors, []);
});

test('the results view exports a STIX 2.1 bundle that OASIS\'s validator accepts', { timeout: 180_000 }, async (t) => {
  const { browser, downloads, pageErrors } = await setup(t);
  const page = await openExtensionPage(
    browser,
    'results.html?i=domain:vwrm.com&i=md5:e6ff1bf0821f00384cdd25efb9b1cc09',
  );
  await waitForSelector(page, 'body[data-state="ready"]');
  // Thirteen requests at ten a minute: the last leaves about a minute in.
  await waitForSettled(page, 'vwrm.com', { timeout: 100_000 });
  await waitForSettled(page, 'e6ff1bf0821f00384cdd25efb9b1cc09', { timeout: 100_000 });

  await page.click('#view-actions details.export summary');
  const stix = await downloadOf(downloads, /^tmlookup-view-.*\.json$/,
    () => page.click('#view-actions button[data-format="stix"]'));
  assert.match(stix.name, /^tmlookup-view-\d{8}T\d{6}Z\.stix\.json$/);
  const verdict = await validateStix(stix.file);
  assert.deepEqual(verdict, { valid: true, errors: [], mismatched: [] });

  const bundle = JSON.parse(stix.text);
  const byId = new Map(bundle.objects.map((o) => [o.id, o]));
  const domain = bundle.objects.find((o) => o.type === 'domain-name' && o.value === 'vwrm.com');
  const address = bundle.objects.find((o) => o.type === 'ipv4-addr' && o.value === '209.29.221.235');
  assert.ok(domain && address, 'the domain and its passive-DNS address are SCOs');
  const resolves = bundle.objects.filter((o) => o.relationship_type === 'resolves-to');
  assert.ok(
    resolves.some((r) => r.source_ref === domain.id && r.target_ref === address.id),
    'vwrm.com resolves-to 209.29.221.235',
  );
  const sample = bundle.objects.find((o) => o.type === 'file'
    && o.hashes?.MD5 === 'e6ff1bf0821f00384cdd25efb9b1cc09');
  assert.ok(sample?.hashes['SHA-256'], 'the metadata section added the SHA-256');
  const contacted = bundle.objects.filter((o) => o.relationship_type === 'related-to'
    && o.source_ref === sample.id).map((r) => byId.get(r.target_ref));
  assert.ok(contacted.some((o) => o.type === 'domain-name' && o.value === 'www.google-analytics.com'));
  for (const o of bundle.objects.filter((x) => x.type === 'relationship')) {
    assert.ok(byId.has(o.source_ref) && byId.has(o.target_ref), `${o.id} points inside the bundle`);
  }
  assert.deepEqual(pageErrors, []);
});
