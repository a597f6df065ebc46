// The same extension in Firefox ESR: the wasm core must load in its pages, and a lookup must
// reach the replay server. Firefox runs after Chromium in this folder and takes about 5 s
// to start.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchFirefox, waitFor, ARTIFACTS_DIR } from './harness.mjs';
import { startReplay } from '../replay/server.mjs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/** Evaluates `fn(arg)` in `tab` until it returns something truthy. */
function poll(tab, fn, arg, what, timeout = 20_000) {
  return waitFor(() => tab.evaluate(fn, arg).catch(() => null), { timeout, what, interval: 250 });
}

async function shot(tab, name) {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await tab.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`) }).catch(() => {});
}

test('Firefox: pages run the core, and a domain lookup reaches the replay', { timeout: 120_000 }, async (t) => {
  const replay = await startReplay({ port: 0 });
  t.after(() => replay.close());
  const firefox = await launchFirefox();
  t.after(() => firefox.close());

  await t.test('text without indicators', async () => {
    const tab = await firefox.openPage(`results.html?q=${encodeURIComponent('nothing to see in 4.2')}`);
    const message = await poll(tab, () => document.body?.dataset.state === 'nothing-found'
      && document.querySelector('#message').textContent, null, 'nothing-found');
    assert.match(message, /nothing to see in 4\.2/);
    await shot(tab, 'firefox-nothing-found');
  });

  await t.test('the popup finds a defanged domain', async () => {
    const tab = await firefox.openPage('popup.html');
    await poll(tab, () => document.readyState === 'complete' && !!document.querySelector('#query'), null, 'popup');
    await tab.type('#query', 'vwrm[.]com');
    await tab.keyboard.press('Enter');
    const kind = await poll(tab, () => document.querySelector('ul#found li[data-indicator="vwrm.com"]')?.dataset.kind,
      null, 'the found list');
    assert.equal(kind, 'domain');
    await shot(tab, 'firefox-popup-found');
  });

  await t.test('a lookup is answered from the replay', async () => {
    const options = await firefox.openPage('options.html');
    await poll(options, () => typeof browser !== 'undefined' && !!browser.storage, null, 'extension APIs');
    await options.evaluate((url) => browser.storage.local.set({ apiBaseUrl: url }), `${replay.url}/v2/`);
    const tab = await firefox.openPage(`results.html?q=${encodeURIComponent('vwrm[.]com')}`);
    try {
      const text = await poll(tab, () => {
        const s = document.querySelector('article.indicator[data-indicator="vwrm.com"] section.section[data-rt="2"]');
        return s?.dataset.state === 'ok' && s.textContent;
      }, null, 'the passive DNS section to be ok', 30_000);
      assert.match(text, /209\.29\.221\.235/);
    } finally {
      await shot(tab, 'firefox-results-vwrm');
      const access = await tab.evaluate(() => {
        const el = document.querySelector('#access');
        return el && !el.hidden ? el.textContent.trim() : null;
      }).catch(() => null);
      if (access) t.diagnostic(`access banner: ${access}`);
    }
    assert.ok(replay.log().some((e) => e.endpoint === 'domain' && e.q === 'vwrm.com'));
  });
});
