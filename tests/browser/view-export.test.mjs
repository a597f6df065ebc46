// Exports of the results view: STIX 2.1 checked by OASIS's validator and the
// reference library's ids, CSV read back by an independent reader, JSON with
// the raw answers, and "copy all" refanged and defanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, setup, openExtensionPage, waitForSettled } from './harness.mjs';
import { downloadOf, readCsv, validateStix } from './harness-view.mjs';

test('the results view exports STIX, CSV and JSON, and copies every indicator', { timeout: 240_000 }, async (t) => {
  const { browser, pageErrors } = await setup(t);
  const page = await openExtensionPage(
    browser,
    'results.html?i=domain:vwrm.com&i=md5:e6ff1bf0821f00384cdd25efb9b1cc09',
  );
  await page.waitForSelector('body[data-state="ready"]');
  // Thirteen requests at ten a minute: the last leaves about a minute in.
  await waitForSettled(page, 'vwrm.com', { timeout: 100_000 });
  await waitForSettled(page, 'e6ff1bf0821f00384cdd25efb9b1cc09', { timeout: 100_000 });

  const header = page.locator('#view-actions');
  await header.locator('summary').click();
  const stix = await downloadOf(page, () => header.getByRole('button', { name: 'STIX 2.1' }).click());
  assert.match(stix.name, /^tmlookup-view-\d{8}T\d{6}Z\.stix\.json$/);
  await copyFile(stix.file, path.join(REPO_ROOT, "target/last-export.stix.json")).catch(() => {});
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

  // CSV, per indicator: the block's own menu.
  const block = page.locator('article.indicator[data-indicator="vwrm.com"]');
  await block.locator('details.export summary').click();
  const csv = await downloadOf(page, () => block.getByRole('button', { name: 'CSV' }).click());
  assert.match(csv.name, /^tmlookup-vwrm\.com-.*\.csv$/);
  const rows = await readCsv(csv.file);
  assert.ok(rows.every((r) => r.indicator === 'vwrm.com' && r.indicator_kind === 'domain'));
  assert.deepEqual([...new Set(rows.map((r) => r.rt))], ['1', '2', '3', '4', '5', '6']);
  const pdns = rows.filter((r) => r.section === 'Passive DNS' && r.field === 'IP address');
  assert.deepEqual(pdns.map((r) => [r.value, r.pivot]), [['209.29.221.235', 'host']]);
  const related = rows.filter((r) => r.rt === '4');
  assert.equal(related.length, 1);
  assert.equal(related[0].state, 'empty');
  assert.ok(rows.some((r) => r.field === 'Registrant organization'
    && r.value === 'Valley Waste Resource Management'));

  // JSON: normalised values and ThreatMiner's raw results.
  await header.locator('summary').click();
  const json = await downloadOf(page, () => header.getByRole('button', { name: 'JSON' }).click());
  const doc = JSON.parse(json.text);
  assert.deepEqual(doc.indicators.map((i) => [i.kind, i.value, i.defanged]), [
    ['domain', 'vwrm.com', 'vwrm[.]com'],
    ['md5', 'e6ff1bf0821f00384cdd25efb9b1cc09', 'e6ff1bf0821f00384cdd25efb9b1cc09'],
  ]);
  const raw = doc.indicators[0].sections.find((s) => s.rt === 2).results;
  assert.equal(raw[0].ip, '209.29.221.235');

  // Copy all, refanged and defanged.
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy all defanged' }).click();
  assert.equal(
    await page.evaluate(() => navigator.clipboard.readText()),
    'vwrm[.]com\ne6ff1bf0821f00384cdd25efb9b1cc09\n',
  );
  await page.getByRole('button', { name: 'Copy all indicators' }).click();
  assert.equal(
    await page.evaluate(() => navigator.clipboard.readText()),
    'vwrm.com\ne6ff1bf0821f00384cdd25efb9b1cc09\n',
  );
  assert.deepEqual(pageErrors, []);
});
