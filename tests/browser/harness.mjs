// Drives the built extension in Debian's Chromium for the end-to-end tests.
//
// The extension is copied to a temporary folder and only that copy is allowed to reach
// http://127.0.0.1, where the replay server answers in ThreatMiner's place: the shipped
// manifest keeps asking for api.threatminer.org alone.

import { chromium } from 'playwright-core';
import express from 'express';
import { access, constants, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startReplay } from '../replay/server.mjs';
import { CORPUS_DIR, REPO_ROOT } from '../paths.mjs';

export { CORPUS_DIR, REPO_ROOT };

// TMLOOKUP_EXTENSION_DIR lets a run test another build (a packaged copy, an older one).
export const DEFAULT_EXTENSION_DIR = process.env.TMLOOKUP_EXTENSION_DIR
  ? path.resolve(process.env.TMLOOKUP_EXTENSION_DIR)
  : path.join(REPO_ROOT, 'dist/chrome');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'tests/artifacts');
export const CHROMIUM = '/usr/bin/chromium';

// Only loopback: the replay and page servers listen there and nowhere else.
const TEST_HOST_PERMISSION = 'http://127.0.0.1/*';

/** Fails with a message that says what to install, instead of skipping the browser tests. */
async function requireFile(file, hint) {
  try {
    await access(file, constants.R_OK);
  } catch {
    throw new Error(`${file} is missing: ${hint}`);
  }
}

/** Copies the built extension and lets the copy reach the loopback servers. */
export async function prepareExtension(extensionDir = DEFAULT_EXTENSION_DIR) {
  const manifestPath = path.join(extensionDir, 'manifest.json');
  await requireFile(manifestPath, 'build the extension first (scripts/build writes dist/chrome)');
  const copy = await mkdtemp(path.join(os.tmpdir(), 'tmlookup-ext-'));
  await cp(extensionDir, copy, { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(copy, 'manifest.json'), 'utf8'));
  manifest.host_permissions = [...(manifest.host_permissions ?? []), TEST_HOST_PERMISSION];
  await writeFile(path.join(copy, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return copy;
}

/**
 * Starts Chromium with a copy of the extension loaded, in a fresh profile.
 *
 * Returns `{context, extensionId, worker, extensionUrl(page), getWorker(), close()}`;
 * `worker` is the service worker as first seen, `getWorker()` finds it again after
 * Chromium stopped and restarted it.
 */
export async function launchChromium({ extensionDir = DEFAULT_EXTENSION_DIR, headless = true } = {}) {
  await requireFile(CHROMIUM, 'install Debian\'s browser: apt-get install -y chromium');
  const extCopy = await prepareExtension(extensionDir);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'tmlookup-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless,
    args: [
      `--disable-extensions-except=${extCopy}`,
      `--load-extension=${extCopy}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const cleanup = async () => {
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
    await rm(extCopy, { recursive: true, force: true });
  };
  try {
    const worker = await firstServiceWorker(context);
    const extensionId = new URL(worker.url()).host;
    const origin = `chrome-extension://${extensionId}`;
    return {
      context,
      extensionId,
      worker,
      extensionUrl: (page) => `${origin}/${page}`,
      getWorker: () => currentWorker(context, origin),
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function firstServiceWorker(context) {
  const [existing] = context.serviceWorkers();
  if (existing) return existing;
  try {
    return await context.waitForEvent('serviceworker', { timeout: 15_000 });
  } catch {
    throw new Error('the extension\'s service worker did not start within 15 s: '
      + 'is background.js loadable, and does the manifest parse?');
  }
}

/** The extension's live service worker; opening one of its pages wakes it if it slept. */
async function currentWorker(context, origin) {
  const live = context.serviceWorkers().find((w) => w.url().startsWith(origin));
  if (live) return live;
  const waiting = context.waitForEvent('serviceworker', {
    predicate: (w) => w.url().startsWith(origin),
    timeout: 15_000,
  });
  const page = await context.newPage();
  await page.goto(`${origin}/options.html`);
  const worker = await waiting;
  await page.close();
  return worker;
}

/** Points the extension at `baseUrl` through its settings storage. */
export async function setApiBaseUrl(worker, baseUrl) {
  await worker.evaluate((url) => chrome.storage.local.set({ apiBaseUrl: url }), baseUrl);
}

/** Saves a screenshot as tests/artifacts/<name>.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs `action` and returns the page it opens in the browser, once that page's URL
 * satisfies `matches`.
 */
export async function pageOpenedBy(context, action, matches = () => true) {
  const opened = context.waitForEvent('page', {
    predicate: (p) => matches(p.url()),
    timeout: 15_000,
  });
  await action();
  const page = await opened;
  await page.waitForLoadState('domcontentloaded');
  return page;
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeout` ms. */
export async function waitFor(check, { timeout = 20_000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// HTML text escaping for the page server: the corpus is untrusted text.
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c]);
}

/**
 * Serves corpus reports as web pages, each as plain text in a <pre>:
 * GET /corpus/<folder>/<file> → that report from ../shared/corpus/reports.
 */
export async function startPageServer({ corpusDir = CORPUS_DIR } = {}) {
  const app = express();
  app.disable('x-powered-by');
  // Browsers ask for it on every page; a 404 would show up as a console error.
  app.get('/favicon.ico', (req, res) => res.status(204).end());
  app.get('/corpus/:folder/:file', async (req, res) => {
    const { folder, file } = req.params;
    const full = path.join(corpusDir, folder, file);
    // Route params cannot hold '/', but '..' alone could still climb out.
    if (path.relative(corpusDir, full).startsWith('..')) return res.status(400).end();
    let text;
    try {
      text = await readFile(full, 'utf8');
    } catch {
      return res.status(404).type('text/plain').send('no such report\n');
    }
    res.type('html').send('<!doctype html><html><head><meta charset="utf-8">'
      + `<title>${escapeHtml(file)}</title></head><body><pre id="report">`
      + `${escapeHtml(text)}</pre></body></html>`);
  });
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * Selects `passage` inside the page's #report with a DOM Range, as a person dragging
 * over it would, and returns the selection's text.
 */
export async function selectPassage(page, passage) {
  return page.evaluate((wanted) => {
    const pre = document.getElementById('report');
    const node = pre.firstChild;
    const start = node.data.indexOf(wanted);
    if (start < 0) throw new Error('passage not on the page');
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + wanted.length);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return selection.toString();
  }, passage);
}

/** States of one indicator's sections as `{"endpoint:rt": state}`, or null without a block. */
export async function sectionStates(page, indicator) {
  return page.evaluate((value) => {
    const article = [...document.querySelectorAll('article.indicator')]
      .find((a) => a.dataset.indicator === value);
    if (!article) return null;
    const states = {};
    for (const s of article.querySelectorAll('section.section')) {
      states[`${s.dataset.endpoint}:${s.dataset.rt}`] = s.dataset.state;
    }
    return states;
  }, indicator);
}

/** A locator for one section (by rt) of one indicator's block. */
export function sectionLocator(page, indicator, rt) {
  return page.locator(
    `article.indicator[data-indicator="${indicator}"] section.section[data-rt="${rt}"]`,
  );
}

/**
 * Starts a replay server and a Chromium pointed at it, and registers their cleanup on the
 * node:test context `t`. Uncaught page errors are collected in `pageErrors`; they and the
 * pages' console errors are printed as test diagnostics, and every open tab is saved as
 * tests/artifacts/<test>-end-<n>.png, so a failed run shows what the browser showed.
 */
export async function setup(t, { pointAtReplay = true } = {}) {
  const replay = await startReplay({ port: 0 });
  let browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    await replay.close();
    throw err;
  }
  const pageErrors = [];
  const consoleErrors = [];
  browser.context.on('page', (page) => {
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
  });
  t.after(async () => {
    for (const line of [...pageErrors, ...consoleErrors]) t.diagnostic(`browser error: ${line}`);
    const slug = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    const pages = browser.context.pages().filter((p) => p.url() !== 'about:blank');
    for (const [i, page] of pages.entries()) {
      await screenshot(page, `${slug}-end-${i}`).catch(() => {});
    }
    await browser.close();
    await replay.close();
  });
  if (pointAtReplay) await setApiBaseUrl(browser.worker, `${replay.url}/v2/`);
  return { replay, browser, pageErrors, consoleErrors };
}

/** Opens an extension page in a new tab. */
export async function openExtensionPage(browser, page) {
  const tab = await browser.context.newPage();
  await tab.goto(browser.extensionUrl(page));
  return tab;
}

/**
 * Waits until every section of `indicator` has an answer (ok, empty or error) and
 * returns their states. The page must already show the indicator's block.
 */
export async function waitForSettled(page, indicator, { timeout = 45_000 } = {}) {
  await page.waitForFunction((value) => {
    const article = [...document.querySelectorAll('article.indicator')]
      .find((a) => a.dataset.indicator === value);
    const sections = article ? [...article.querySelectorAll('section.section')] : [];
    return sections.length > 0
      && sections.every((s) => ['ok', 'empty', 'error'].includes(s.dataset.state));
  }, indicator, { timeout, polling: 100 });
  return sectionStates(page, indicator);
}

/** Requests in the replay log for one endpoint and value, as a sorted list of rt. */
export function requestedRts(replay, endpoint, q) {
  return replay.log()
    .filter((e) => e.endpoint === endpoint && e.q === q)
    .map((e) => e.rt)
    .sort();
}
