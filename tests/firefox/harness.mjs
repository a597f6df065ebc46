// Drives the Firefox build (dist/firefox) in Debian's Firefox ESR for the end-to-end tests,
// through puppeteer-core 24 over WebDriver BiDi (25 needs Node 22; Debian has no geckodriver).
//
// As in the Chromium suite, the extension is copied to a temporary folder and only the copy
// may reach http://127.0.0.1, where the replay server answers in ThreatMiner's place.
//
// Three Firefox habits shape this file:
// - Navigations to moz-extension:// never report as finished to puppeteer, so pages are
//   opened without awaiting the navigation and the tests poll the DOM instead.
// - The background is an event page, not a service worker: there is no worker target to
//   evaluate in. Privileged extension pages reach it with runtime.getBackgroundPage(),
//   which Firefox keeps for MV3 event pages.
// - MV3 host permissions are opt-in. The permission prompt is browser UI, which the
//   harness reaches through BiDi's chrome scope (allowed by --remote-allow-system-access)
//   to press the prompt's own buttons, as a person would.

import puppeteer from 'puppeteer-core';
import { access, constants, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startReplay } from '../replay/server.mjs';
import { REPO_ROOT, ARTIFACTS_DIR, waitFor } from '../browser/harness.mjs';
import { allSections, resultsPath } from '../browser/harness-queue.mjs';

export { startPageServer, waitFor, requestedRts } from '../browser/harness.mjs';

export const FIREFOX = '/usr/bin/firefox-esr';
// TMLOOKUP_FIREFOX_EXTENSION_DIR lets a run test another build (an unpacked release).
export const DEFAULT_EXTENSION_DIR = process.env.TMLOOKUP_FIREFOX_EXTENSION_DIR
  ? path.resolve(process.env.TMLOOKUP_FIREFOX_EXTENSION_DIR)
  : path.join(REPO_ROOT, 'dist/firefox');
// A fixed moz-extension:// host, so the tests know the pages' URLs before installing.
export const EXTENSION_UUID = '0c6f2a77-91d4-4b0e-8e3a-5d1f64b2c9e8';
const ORIGIN = `moz-extension://${EXTENSION_UUID}`;

// The pattern the replay needs. Firefox's match patterns carry no port, and this one lets
// the extension fetch from every port of 127.0.0.1.
export const TEST_HOST_PERMISSION = 'http://127.0.0.1/*';

/** Fails with a message that says what to install, instead of skipping the tests. */
async function requireFile(file, hint) {
  try {
    await access(file, constants.R_OK);
  } catch {
    throw new Error(`${file} is missing: ${hint}`);
  }
}

/** The URL of one of the extension's pages. */
export function extensionUrl(page) {
  return `${ORIGIN}/${page}`;
}

/**
 * Copies the built extension and lets the copy reach the loopback servers.
 */
export async function prepareExtension({ extensionDir = DEFAULT_EXTENSION_DIR } = {}) {
  const manifestPath = path.join(extensionDir, 'manifest.json');
  await requireFile(manifestPath, 'build the extension first (scripts/build writes dist/firefox)');
  const copy = await mkdtemp(path.join(os.tmpdir(), 'tmlookup-fxext-'));
  await cp(extensionDir, copy, { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(copy, 'manifest.json'), 'utf8'));
  manifest.host_permissions = [...(manifest.host_permissions ?? []), TEST_HOST_PERMISSION];
  await writeFile(path.join(copy, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { dir: copy, addonId: manifest.browser_specific_settings.gecko.id };
}

/**
 * Starts Firefox ESR in a fresh profile with a copy of the extension installed as a
 * temporary add-on. Returns `{browser, downloads, close()}`, `downloads` being the folder
 * downloads are saved to.
 */
export async function launchFirefox({ extensionDir } = {}) {
  await requireFile(FIREFOX, 'install Debian\'s browser: apt-get install -y firefox-esr');
  const ext = await prepareExtension({ extensionDir });
  const profile = await mkdtemp(path.join(os.tmpdir(), 'tmlookup-fxprofile-'));
  // Downloads land here without a dialog, for the export tests to read.
  const downloads = path.join(profile, 'downloads');
  await mkdir(downloads);
  let browser;
  const close = async () => {
    await browser?.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
    await rm(ext.dir, { recursive: true, force: true });
  };
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      userDataDir: profile,
      // Lets BiDi reach the browser's own windows, where the permission prompt lives.
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [ext.addonId]: EXTENSION_UUID }),
        // The prompt is what the onboarding test answers: keep it on whatever the default.
        'extensions.webextOptionalPermissionPrompts': true,
        'browser.download.folderList': 2,
        'browser.download.dir': downloads,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
        'browser.download.alwaysOpenPanel': false,
      },
    });
    const id = await browser.installExtension(ext.dir);
    if (id !== ext.addonId) throw new Error(`installed ${id}, expected ${ext.addonId}`);
  } catch (err) {
    await close();
    throw err;
  }
  return { browser, downloads, close };
}

/**
 * Opens an extension page in a new tab and waits until its document has loaded; the
 * navigation itself is not awaited (see the top of this file).
 */
export async function openExtensionPage(browser, page) {
  const tab = await browser.newPage();
  const url = extensionUrl(page);
  tab.goto(url).catch(() => {});
  await waitFor(() => tab.evaluate(() => [location.href, document.readyState])
    .then(([href, state]) => href === url && state === 'complete')
    .catch(() => false), { what: `${page} to load` });
  return tab;
}

/**
 * Opens the popup on the page server's tab whose URL holds `urlPart` and scans that page;
 * returns the popup once it lists what it found. The tab is found by host through the
 * extension (`control`): a report's path, with its escapes, is no match pattern.
 */
export async function scanTab(browser, control, urlPart) {
  const tabId = await control.evaluate(async (part) => {
    const tabs = await browser.tabs.query({ url: 'http://127.0.0.1/*' });
    return tabs.find((tab) => tab.url.includes(part))?.id;
  }, urlPart);
  if (!Number.isInteger(tabId)) throw new Error(`no tab holds ${urlPart}`);
  const popup = await openExtensionPage(browser, `popup.html?tab=${tabId}`);
  await popup.click('#scan-page');
  await waitForSelector(popup, '#found li.group', { timeout: 30_000 });
  return popup;
}

/**
 * Waits for a tab whose URL starts with `prefix` that was not in `before` (a list of
 * pages from browser.pages()), and returns it once its document has loaded.
 */
export async function newTab(browser, before, prefix, { timeout = 15_000 } = {}) {
  return waitFor(async () => {
    for (const page of await browser.pages()) {
      if (before.includes(page)) continue;
      const href = await page.evaluate(() => document.readyState === 'complete' && location.href)
        .catch(() => false);
      if (href && href.startsWith(prefix)) return page;
    }
    return null;
  }, { timeout, what: `a new tab at ${prefix}` });
}

/**
 * Runs `fn(bg, ...args)` in the extension's background page, from the privileged page
 * `via` (any open extension page), and returns its result.
 */
export async function inBackground(via, fn, ...args) {
  // Sent as one expression: the extension's CSP forbids rebuilding `fn` with
  // new Function inside the page, while BiDi's own evaluation is exempt from it.
  return via.evaluate(`(async () => {
    const bg = await browser.runtime.getBackgroundPage();
    return (${fn})(bg, ...${JSON.stringify(args)});
  })()`);
}

/** Evaluates `expression` in the browser window's chrome scope; returns its value. */
export async function inChrome(browser, expression) {
  const conn = browser.connection;
  const { result: tree } = await conn.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
  const window = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
  if (!window) throw new Error('no browser window in the chrome scope');
  const { result } = await conn.send('script.evaluate', {
    expression,
    target: { context: window.context },
    awaitPromise: true,
  });
  if (result.type === 'exception') {
    throw new Error(`chrome-scope evaluation failed: ${result.exceptionDetails.text}`);
  }
  return result.result.value;
}

/**
 * Waits for Firefox's "requests additional permissions" prompt and returns what it asks
 * for: `{origins: [...], host}` read from the prompt's own list.
 */
export async function permissionPrompt(browser, { timeout = 10_000 } = {}) {
  const json = await waitFor(() => inChrome(browser, `(() => {
    const el = document.getElementById('addon-webext-permissions-notification');
    if (!el || el.hidden || PopupNotifications.panel.state !== 'open') return '';
    const items = [...el.querySelectorAll('li, .webext-perm-granted, description')]
      .map((n) => n.textContent.trim()).filter(Boolean);
    return JSON.stringify({ items, allow: el.button.label, deny: el.secondaryButton.label });
  })()`), { timeout, what: 'the permission prompt' });
  return JSON.parse(json);
}

/** Presses the permission prompt's Allow (`true`) or Don't allow (`false`) button. */
export async function answerPermissionPrompt(browser, allow) {
  await permissionPrompt(browser);
  await inChrome(browser, `(() => {
    const el = document.getElementById('addon-webext-permissions-notification');
    (${allow} ? el.button : el.secondaryButton).click();
    return true;
  })()`);
}

/** Saves a screenshot as tests/artifacts/firefox-<name>.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `firefox-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Starts a replay server and a Firefox whose copy of the extension may reach it, and
 * registers their cleanup on the node:test context `t`. Uncaught errors of the pages the
 * test opens are collected in `pageErrors`; they are printed as diagnostics, and the
 * extension's tabs are saved as tests/artifacts/firefox-<test>-end-<n>.png.
 *
 * With `pointAtReplay` the replay's URL is saved as apiBaseUrl in storage.local, from the
 * extension's options page (a privileged page that stays open as `control`).
 */
export async function setup(t, { pointAtReplay = true } = {}) {
  const replay = await startReplay({ port: 0 });
  let fx;
  try {
    fx = await launchFirefox();
  } catch (err) {
    await replay.close();
    throw err;
  }
  const { browser } = fx;
  const pageErrors = [];
  const watch = (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  browser.on('targetcreated', async (target) => {
    const page = await target.page().catch(() => null);
    if (page) watch(page);
  });
  t.after(async () => {
    for (const line of pageErrors) t.diagnostic(`browser error: ${line}`);
    const slug = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    let n = 0;
    for (const page of await browser.pages().catch(() => [])) {
      const href = await page.evaluate(() => location.href).catch(() => '');
      if (!href.startsWith('moz-extension:')) continue;
      await screenshot(page, `${slug}-end-${n++}`).catch(() => {});
    }
    await fx.close();
    await replay.close();
  });
  const control = await openExtensionPage(browser, 'options.html');
  if (pointAtReplay) {
    await control.evaluate((url) => browser.storage.local.set({ apiBaseUrl: url }), `${replay.url}/v2/`);
  }
  return { replay, browser, control, pageErrors, downloads: fx.downloads };
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

/**
 * Waits until every section of `indicator` has an answer (ok, empty or error) and
 * returns their states.
 */
export async function waitForSettled(page, indicator, { timeout = 45_000 } = {}) {
  return waitFor(async () => {
    const states = await sectionStates(page, indicator).catch(() => null);
    const all = Object.values(states ?? {});
    return all.length > 0 && all.every((s) => ['ok', 'empty', 'error'].includes(s)) && states;
  }, { timeout, interval: 200, what: `every section of ${indicator} to settle` });
}

/** The CSS selector of one section (by rt) of one indicator's block. */
export function sectionSelector(indicator, rt) {
  return `article.indicator[data-indicator="${indicator}"] section.section[data-rt="${rt}"]`;
}

/** The rendered text of the element matching `selector`, or null. */
export function textOf(page, selector) {
  return page.evaluate((sel) => document.querySelector(sel)?.innerText ?? null, selector);
}

/** Waits until `selector` matches an element of `page`. */
export async function waitForSelector(page, selector, { timeout = 15_000 } = {}) {
  await waitFor(
    () => page.evaluate((sel) => document.querySelector(sel) !== null, selector).catch(() => false),
    { timeout, what: selector },
  );
}

/**
 * Stops the extension's event page the way Firefox does when it idles, and returns
 * whether Firefox says it stopped. Pages' ports to it are closed with it.
 */
export function stopBackground(browser) {
  return inChrome(browser, `(async () => {
    const policy = WebExtensionPolicy.getActiveExtensions()
      .find((p) => p.mozExtensionHostname === ${JSON.stringify(EXTENSION_UUID)});
    await policy.extension.terminateBackground();
    return policy.extension.backgroundState;
  })()`);
}

/**
 * Opens a results view for free text, as the context menu would, and waits until its
 * blocks are drawn. Returns `{page, openedAt}`, `openedAt` being when the tab was opened.
 */
export async function openResults(browser, text) {
  const openedAt = Date.now();
  const page = await openExtensionPage(browser, resultsPath(text));
  await waitForSelector(page, 'body[data-state="ready"]');
  return { page, openedAt };
}

/** Waits until every section of every block has an answer or an error; returns them. */
export async function waitForAllSettled(page, { timeout = 60_000 } = {}) {
  return waitFor(async () => {
    const sections = await allSections(page).catch(() => []);
    return sections.length > 0 && sections.every((s) => ['ok', 'empty', 'error'].includes(s.state))
      && sections;
  }, { timeout, interval: 250, what: 'every section to settle' });
}

/** Waits until some section's status line matches `pattern`; returns that section. */
export async function waitForStatus(page, pattern, { timeout = 30_000 } = {}) {
  return waitFor(async () => {
    const sections = await allSections(page).catch(() => []);
    return sections.find((s) => pattern.test(s.status)) ?? null;
  }, { timeout, what: `a section status matching ${pattern}` });
}

/**
 * Switches the colour scheme web content is offered (`light` or `dark`), as the
 * "Website appearance" setting does, and waits until `pages` match it. BiDi has no
 * emulation of prefers-color-scheme, so this sets Firefox's own preference, browser-wide.
 */
export async function setColorScheme(browser, scheme, pages = []) {
  const value = { dark: 0, light: 1 }[scheme];
  if (value === undefined) throw new Error(`no colour scheme ${scheme}`);
  await inChrome(browser, `(Services.prefs.setIntPref(
    'layout.css.prefers-color-scheme.content-override', ${value}), true)`);
  for (const page of pages) {
    await waitFor(() => page.evaluate((s) => matchMedia(`(prefers-color-scheme: ${s})`).matches, scheme),
      { what: `${page.url()} to be ${scheme}` });
  }
}
