// Measures the analyst's view in Debian's Chromium with the built extension:
// how soon the results view paints its frame, and how long the popup's page
// scan of a 5 MB page takes and how long it holds the page's main thread.
// Figures for the notes, not a test: nothing here asserts a timing.
// See scripts/bench-view.
//
// Usage: node scripts/bench-view.mjs [--runs N] [--scans N]
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { launchChromium, setApiBaseUrl } from '../tests/browser/harness.mjs';
import { startReplay } from '../tests/replay/server.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    scans: { type: 'string', default: '5' },
  },
});
const RUNS = Number(opts.runs);
const SCANS = Number(opts.scans);
for (const [name, n] of [['--runs', RUNS], ['--scans', SCANS]]) {
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench-view: ${name} takes a whole number of at least 1`);
    process.exit(2);
  }
}
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = path.resolve(repo, '../shared/corpus/reports');
// The report the view tests scan; its indicators make the "many" view.
const REPORT = 'eset+malware-ioc/nukesped_lazarus__README.adoc';
const PAGE_CHARS = 5_000_000;

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(1).padStart(7)} ms` : '      n/a');
const range = (xs) => {
  const s = xs.filter(Number.isFinite);
  return s.length ? ` (min ${Math.min(...s).toFixed(1)}, max ${Math.max(...s).toFixed(1)})` : '';
};

function reports() {
  const out = [];
  for (const folder of readdirSync(corpusDir).sort()) {
    for (const file of readdirSync(path.join(corpusDir, folder)).sort()) {
      out.push({ name: `${folder}/${file}`, text: readFileSync(path.join(corpusDir, folder, file), 'utf8') });
    }
  }
  return out;
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (t) => t.replace(/[&<>"]/g, (c) => ESCAPES[c]);

/**
 * A web page of about `chars` characters of text made of the corpus reports
 * in order (starting over when they run out): each report an <article> with
 * its name as heading and one <p> per paragraph, the way a blog or a
 * vendor's report page is built, rather than one <pre>.
 */
function bigPage(all, chars) {
  const parts = ['<!doctype html><html><head><meta charset="utf-8"><title>5 MB of reports</title></head><body>'];
  let total = 0;
  let articles = 0;
  for (let i = 0; total < chars; i++) {
    const { name, text } = all[i % all.length];
    parts.push(`<article><h2>${escapeHtml(name)}</h2>`);
    for (const para of text.split(/\n\s*\n/)) {
      if (para.trim()) parts.push(`<p>${escapeHtml(para)}</p>`);
    }
    parts.push('</article>');
    total += text.length;
    articles++;
  }
  parts.push('</body></html>');
  return { html: parts.join('\n'), chars: total, articles };
}

function startPageServer(html) {
  const server = http.createServer((req, res) => {
    if (req.url === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(204).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
    }));
  });
}

// Installed in every results page before its scripts run: marks each
// indicator's heading for the Element Timing API, so the paint of the first
// block is reported by the browser itself, and notes when the first block
// entered the DOM.
const RESULTS_PROBE = `(() => {
  window.__bench = { firstBlockInDom: null, elements: [] };
  // Element Timing entries reach only observers, not getEntriesByType.
  new PerformanceObserver((list) => window.__bench.elements.push(...list.getEntries()))
    .observe({ type: 'element', buffered: true });
  new MutationObserver((records, observer) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue;
      const blocks = n.matches('article.indicator') ? [n] : [...n.querySelectorAll('article.indicator')];
      for (const b of blocks) {
        window.__bench.firstBlockInDom ??= performance.now();
        b.querySelector('h2')?.setAttribute('elementtiming', 'indicator');
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

/** One opening of the results view: its timings, from navigation start. */
async function openResults(browser, url) {
  const page = await browser.context.newPage();
  await page.addInitScript(RESULTS_PROBE);
  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  // Let the frames after "ready" paint before reading the entries.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 200))));
  const m = await page.evaluate(() => {
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const elements = window.__bench.elements.filter((e) => e.identifier === 'indicator');
    return {
      fcp: paint['first-contentful-paint'] ?? NaN,
      firstBlockInDom: window.__bench.firstBlockInDom ?? NaN,
      firstBlockPaint: elements.length ? Math.min(...elements.map((e) => e.renderTime || e.loadTime)) : NaN,
      firstScreen: mark('tmlookup-first-blocks'),
      allBlocks: mark('tmlookup-frame-drawn'),
      blocks: document.querySelectorAll('article.indicator').length,
      scriptStart: mark('tmlookup-start'),
      wasmReady: mark('tmlookup-wasm-ready'),
      domInteractive: performance.getEntriesByType('navigation')[0]?.domInteractive ?? NaN,
      responseEnd: performance.getEntriesByType('navigation')[0]?.responseEnd ?? NaN,
    };
  });
  await page.close();
  return m;
}

async function benchResults(browser, name, url) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await openResults(browser, url));
    // The closed view's requests leave the background's queue; let it settle.
    await new Promise((r) => setTimeout(r, 1000));
  }
  const col = (k) => runs.map((r) => r[k]);
  console.log(`\n== results view, ${name} (${runs[0].blocks} blocks), median of ${RUNS} openings, ms after navigation start`);
  console.log(`  first contentful paint (header, static HTML): ${ms(median(col('fcp')))}${range(col('fcp'))}`);
  console.log(`  first indicator block in the DOM:             ${ms(median(col('firstBlockInDom')))}${range(col('firstBlockInDom'))}`);
  console.log(`  first indicator block painted (the frame):    ${ms(median(col('firstBlockPaint')))}${range(col('firstBlockPaint'))}`);
  console.log(`  (HTML received ${ms(median(col('responseEnd')))}; parsed ${ms(median(col('domInteractive')))}; results.js runs ${ms(median(col('scriptStart')))}; wasm ready ${ms(median(col('wasmReady')))})`);
  console.log(`  every block in the DOM (state "ready"):       ${ms(median(col('allBlocks')))}${range(col('allBlocks'))}`);
  console.log(`  first opening (cold caches): block painted ${ms(runs[0].firstBlockPaint)}`);
}

/** `{read, find, render, total}` of one scan, and the page's longest block. */
async function scanOnce(page, popup) {
  await page.evaluate(() => {
    // Main world of the page: a tick every task turn, and long tasks as the
    // browser reports them. The longest gap between ticks is the longest
    // time the page could not run anything else (input, its own scripts).
    const probe = { maxGap: 0, longtasks: [], ticks: 0 };
    window.__scanProbe = probe;
    const channel = new MessageChannel();
    let last = performance.now();
    channel.port1.onmessage = () => {
      const now = performance.now();
      probe.maxGap = Math.max(probe.maxGap, now - last);
      last = now;
      probe.ticks++;
      if (!probe.stop) channel.port2.postMessage(0);
    };
    channel.port2.postMessage(0);
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longtasks.push(e.duration);
    });
    observer.observe({ type: 'longtask' });
    probe.observer = observer;
  });
  // Cleared first: two scans can take the same whole number of ms.
  await popup.evaluate(() => delete document.body.dataset.scanMs);
  await popup.locator('#scan-page').click();
  await popup.waitForFunction(() => document.body.dataset.scanMs !== undefined, null, { timeout: 120_000 });
  const d = await popup.evaluate(() => ({ ...document.body.dataset, items: document.querySelectorAll('#found li[data-indicator]').length }));
  // Long-task entries arrive after the task ends: give them a moment.
  await page.waitForTimeout(300);
  const p = await page.evaluate(() => {
    const probe = window.__scanProbe;
    probe.stop = true;
    probe.observer.takeRecords().forEach((e) => probe.longtasks.push(e.duration));
    probe.observer.disconnect();
    return { maxGap: probe.maxGap, longtasks: probe.longtasks };
  });
  return {
    total: Number(d.scanMs), read: Number(d.scanReadMs), find: Number(d.scanFindMs),
    list: Number(d.scanListMs), render: Number(d.scanRenderMs),
    pageMs: Number(d.scanPageMs), pageLongest: Number(d.scanPageLongestMs),
    chars: Number(d.scanChars), items: d.items,
    maxGap: p.maxGap, longest: Math.max(0, ...p.longtasks), longtasks: p.longtasks.length,
  };
}

async function benchScan(browser) {
  const built = bigPage(reports(), PAGE_CHARS);
  const server = await startPageServer(built.html);
  try {
    const page = await browser.context.newPage();
    const url = `${server.url}/page.html`;
    await page.goto(url);
    const worker = await browser.getWorker();
    const tabId = await worker.evaluate(async (u) => (await chrome.tabs.query({ url: u }))[0]?.id, url);
    const popup = await browser.context.newPage();
    await popup.goto(browser.extensionUrl(`popup.html?tab=${tabId}`));
    const runs = [];
    for (let i = 0; i < SCANS; i++) runs.push(await scanOnce(page, popup));
    const col = (k) => runs.map((r) => r[k]);
    const shownKinds = await popup.evaluate(() => [...document.querySelectorAll('#found li.group h3')].map((h) => h.textContent).join(', '));
    console.log(`\n== page scan: ${(built.html.length / 1e6).toFixed(1)} MB of HTML, ${built.articles} corpus reports as <article>/<p>, `
      + `${(runs[0].chars / 1e6).toFixed(2)} M characters read; median of ${SCANS} scans`);
    console.log(`  found: ${shownKinds}; ${runs[0].items} list items drawn`);
    console.log(`  total, click to list drawn:   ${ms(median(col('total')))}${range(col('total'))}`);
    const line = (label, k) => console.log(`${label} ${ms(median(col(k)))}${range(col(k))}`);
    line('    read (inject, walk, send), searching each piece as it came:', 'read');
    console.log(`      of which walking the page's DOM (in the page): ${ms(median(col('pageMs')))}; its longest slice ${ms(median(col('pageLongest')))}`);
    line('      of which searching (TargetSet.add, wasm):', 'find');
    line('    listing the targets (TargetSet.result):', 'list');
    console.log(`    render (the popup's list):  ${ms(median(col('render')))}${range(col('render'))}`);
    console.log(`  first scan of the freshly opened popup: ${ms(runs[0].total)}`);
    console.log(`  page main thread, longest block (gap between task ticks): ${ms(median(col('maxGap')))}${range(col('maxGap'))}`);
    console.log(`  page long tasks (> 50 ms) per scan: median ${median(col('longtasks'))}, longest ${ms(median(col('longest')))}`);
    console.log('  (read, find and render run in the popup; only read touches the page)');
  } finally {
    await server.close();
  }
}

const replay = await startReplay({ port: 0 });
const browser = await launchChromium();
try {
  await setApiBaseUrl(browser.worker, `${replay.url}/v2/`);
  console.log('Figures from Debian Chromium (headless) on this machine; not a test.');
  console.log('"The frame" = the header, summary and list container from the static HTML, and');
  console.log('the first indicator block with its sections queued, as painted (Element Timing).');
  await benchResults(browser, 'one indicator', browser.extensionUrl('results.html?i=domain%3Avwrm.com'));
  const pkg = path.join(repo, 'dist/chrome/pkg');
  const core = await import(path.join(pkg, 'tmlookup.js'));
  core.initSync({ module: readFileSync(path.join(pkg, 'tmlookup_bg.wasm')) });
  const { targets } = core.targets(readFileSync(path.join(corpusDir, REPORT), 'utf8'));
  const params = new URLSearchParams();
  for (const t of targets) params.append('i', `${t.kind}:${t.value}`);
  await benchResults(browser, `every indicator of ${path.basename(REPORT)}`, browser.extensionUrl(`results.html?${params}`));
  if (!process.env.NOSCAN) await benchScan(browser);
} finally {
  await browser.close();
  await replay.close();
}
