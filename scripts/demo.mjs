// Drives the extension through the analyst's main path, once, and reports
// what the results view showed. See scripts/demo.
import { parseArgs } from 'node:util';
import {
  launchChromium, screenshot, selectPassage, setApiBaseUrl,
  startPageServer, pageOpenedBy, waitFor,
} from '../tests/browser/harness.mjs';
import { startReplay } from '../tests/replay/server.mjs';

const { values: opts } = parseArgs({
  options: {
    report: { type: 'string', default: 'Cisco-Talos+IOCs/2024__02__tinyturla-ng.txt' },
    // Two defanged domains: twelve requests, so the last two wait for the
    // next minute of ThreatMiner's budget, as they would for real.
    passage: { type: 'string', default: 'hanagram[.]jp\nthefinetreats[.]com' },
    'wait-seconds': { type: 'string', default: '150' },
  },
});

const replay = await startReplay({ port: 0 });
const pages = await startPageServer();
const browser = await launchChromium({ headless: !process.env.DISPLAY });
try {
  await setApiBaseUrl(browser.worker, `${replay.url}/v2/`);
  const page = await browser.context.newPage();
  await page.goto(`${pages.url}/corpus/${opts.report}`);
  const selected = await selectPassage(page, opts.passage);
  console.log(`report: ${opts.report}`);
  console.log(`selected: ${JSON.stringify(selected)}`);

  const results = await pageOpenedBy(
    browser.context,
    () => browser.worker.evaluate((text) => globalThis.lookupSelection(
      { selectionText: text }, { id: -1, index: 0 }), selected),
    (url) => url.includes('/results.html'),
  );
  const settled = () => results.evaluate(() =>
    document.body.dataset.state === 'nothing-found'
    || (document.body.dataset.state === 'ready'
      && !document.querySelector('section[data-state="queued"], section[data-state="loading"]')));
  const started = Date.now();
  await waitFor(settled, {
    timeout: Number(opts['wait-seconds']) * 1000, interval: 500, what: 'every section to settle',
  });
  console.log(`settled after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(await results.evaluate(summarise));
  const shot = await screenshot(results, 'demo-results');
  console.log(`requests ThreatMiner received: ${replay.log().length}`);
  console.log(`screenshot: ${shot}`);
} finally {
  await browser.close();
  await pages.close();
  await replay.close();
}

/** Runs in the results page: a plain-text account of what it shows. */
function summarise() {
  const lines = [];
  const message = document.getElementById('message');
  if (!message.hidden) lines.push(`message: ${message.textContent}`);
  lines.push(document.getElementById('summary').textContent);
  for (const a of document.querySelectorAll('article.indicator')) {
    lines.push(`\n${a.dataset.kind} ${a.dataset.indicator}`);
    for (const s of a.querySelectorAll('section.section')) {
      const title = s.querySelector('h3').textContent;
      const detail = s.dataset.state === 'ok'
        ? s.querySelector('.section-body').textContent.slice(0, 100)
        : s.querySelector('.section-message').textContent;
      lines.push(`  ${title.padEnd(16)} ${s.dataset.state.padEnd(6)} ${detail}`);
    }
  }
  return lines.join('\n');
}
