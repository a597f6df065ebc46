// Drives the extension through the analyst's main path, once, and reports
// what the results view showed. See scripts/demo.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
// The test harness needs the npm packages: it is loaded only after the
// arguments are read, so that --help works before anything is installed.
import { CORPUS_DIR } from '../tests/paths.mjs';

const USAGE = `usage: scripts/demo [--report FOLDER/FILE] [--passage TEXT] [--wait-seconds N]
  --report        a report under ${CORPUS_DIR}
                  (default Cisco-Talos+IOCs/2024__02__tinyturla-ng.txt)
  --passage       text of the report to select and look up, as written there
                  (default: its two defanged domains)
  --wait-seconds  how long the sections may take to settle (default 150)`;

/** Says what is wrong and how to call the demo, and stops. */
function usage(problem) {
  if (problem) console.error(`demo: ${problem}`);
  (problem ? console.error : console.log)(USAGE);
  process.exit(problem ? 2 : 0);
}

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      report: { type: 'string', default: 'Cisco-Talos+IOCs/2024__02__tinyturla-ng.txt' },
      // Two defanged domains: twelve requests, so the last two wait for the
      // next minute of ThreatMiner's budget, as they would for real.
      passage: { type: 'string', default: 'hanagram[.]jp\nthefinetreats[.]com' },
      'wait-seconds': { type: 'string', default: '150' },
    },
  }));
} catch (err) {
  usage(err.message);
}
if (opts.help) usage();
if (!existsSync(path.join(CORPUS_DIR, opts.report))) {
  usage(`no report ${opts.report} under ${CORPUS_DIR}`);
}
if (!(Number(opts['wait-seconds']) > 0)) usage('--wait-seconds takes a number of seconds');

const {
  launchChromium, screenshot, selectPassage, setApiBaseUrl, startPageServer, pageOpenedBy, waitFor,
} = await import('../tests/browser/harness.mjs');
const { startReplay } = await import('../tests/replay/server.mjs');

const replay = await startReplay({ port: 0 });
const pages = await startPageServer();
const browser = await launchChromium({ headless: !process.env.DISPLAY });
try {
  await setApiBaseUrl(browser.worker, `${replay.url}/v2/`);
  const page = await browser.context.newPage();
  await page.goto(`${pages.url}/corpus/${opts.report}`);
  const selected = await selectPassage(page, opts.passage).catch(() => {
    throw new Error(`the passage ${JSON.stringify(opts.passage)} is not in ${opts.report}`);
  });
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
} catch (err) {
  console.error(`demo: ${err.message}`);
  process.exitCode = 1;
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
