// Measures the wasm finder in Node, beside the ioc-extractor peer in the same
// process, and in Chromium; prints MB/s, the ratio and how time grows with
// input size. Figures for the notes, not a test. See scripts/bench.
// Usage: node scripts/bench-wasm.mjs --peer DIR [--no-browser]
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values: opts } = parseArgs({
  options: { peer: { type: 'string' }, 'no-browser': { type: 'boolean', default: false } },
});
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = path.resolve(repo, '../shared/corpus/reports');

function readCorpus() {
  const parts = [];
  for (const folder of readdirSync(corpusDir).sort()) {
    for (const file of readdirSync(path.join(corpusDir, folder)).sort()) {
      parts.push(readFileSync(path.join(corpusDir, folder, file), 'utf8'));
    }
  }
  return parts.join('\n\n');
}

/** Best of `runs` timings of `fn(text)`, in MB/s (1 MB = 10^6 bytes). */
function mbps(fn, text, runs = 5) {
  const bytes = Buffer.byteLength(text);
  fn(text); // warm up: compile patterns, JIT the peer
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn(text);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return bytes / 1e6 / best;
}

function repeatTo(text, bytes) {
  let out = text;
  while (Buffer.byteLength(out) < bytes) out += '\n' + text;
  return out.slice(0, bytes);
}

const pkg = path.join(repo, 'dist/chrome/pkg');
const core = await import(path.join(pkg, 'tmlookup.js'));
core.initSync({ module: readFileSync(path.join(pkg, 'tmlookup_bg.wasm')) });
const corpus = readCorpus();
const size = (Buffer.byteLength(corpus) / 1e6).toFixed(2);
const ours = (t) => core.extract(t);

console.log(`corpus: ${size} MB of report text`);
// extract() hands every match to JS with its offsets and raw text; targets()
// hands the distinct values with kinds and counts, which is what the peer's
// extractIOC returns too.
const wasmNode = mbps(ours, corpus);
const wasmTargets = mbps((t) => core.targets(t), corpus);
console.log(`wasm in Node, extract(): ${wasmNode.toFixed(1)} MB/s`);
console.log(`wasm in Node, targets(): ${wasmTargets.toFixed(1)} MB/s`);
if (opts.peer) {
  const { extractIOC } = createRequire(path.join(opts.peer, 'package.json'))('ioc-extractor');
  const peer = mbps((t) => extractIOC(t), corpus, 3);
  console.log(`ioc-extractor in Node:   ${peer.toFixed(2)} MB/s`);
  console.log(`ratio, same process: extract() ${(wasmNode / peer).toFixed(1)}x, targets() ${(wasmTargets / peer).toFixed(1)}x`);
}

// Each size is timed after a full garbage collection, with nothing of the
// earlier sizes still held: otherwise the collector's work on what the
// earlier runs left behind is counted against the larger inputs. The first
// call warms up, so 1 MB is not charged with compiling the patterns.
console.log('\ngrowth with input size (wasm in Node, extract()):');
const collect = globalThis.gc ?? (() => {});
if (!globalThis.gc) console.log('  (run node with --expose-gc for figures free of earlier garbage)');
core.extract(corpus);
let first = null;
for (const mb of [1, 2, 4, 8, 16, 32, 64]) {
  let text = repeatTo(corpus, mb * 1e6);
  collect();
  const t0 = process.hrtime.bigint();
  let found = core.extract(text);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  first ??= secs;
  const note = found.truncated ? ' (truncated)' : '';
  console.log(`  ${String(mb).padStart(2)} MB: ${secs.toFixed(3)} s, ${(mb / secs).toFixed(1)} MB/s, ${(secs / first / mb).toFixed(2)} x linear${note}`);
  found = null;
  text = null;
}

if (!opts['no-browser']) {
  const { launchChromium } = await import('../tests/browser/harness.mjs');
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(browser.extensionUrl('options.html'));
    const rates = await page.evaluate(async (text) => {
      const core = await import('./pkg/tmlookup.js');
      await core.default();
      const bytes = new TextEncoder().encode(text).length;
      const rate = (fn) => {
        fn(text);
        let best = Infinity;
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          fn(text);
          best = Math.min(best, (performance.now() - t0) / 1000);
        }
        return bytes / 1e6 / best;
      };
      return { extract: rate(core.extract), targets: rate(core.targets) };
    }, corpus);
    console.log(`\nwasm in Chromium, extract(): ${rates.extract.toFixed(1)} MB/s`);
    console.log(`wasm in Chromium, targets(): ${rates.targets.toFixed(1)} MB/s`);
  } finally {
    await browser.close();
  }
}
