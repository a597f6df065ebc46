// extract() and targets() build their objects in JS from columns (see
// extension/lib/unpack.js, which the core imports). Checks extract()
// against the native command line's JSON on the same text, and targets()
// against extract() grouped here, on real report text and on the edge
// cases of the columns.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const pkg = repo + 'dist/chrome/pkg/';
const core = await import(pkg + 'tmlookup.js');
core.initSync({ module: readFileSync(pkg + 'tmlookup_bg.wasm') });

/** What targets() promises, from extract(): one entry per distinct
 * (kind, value) of the matches not derived from another, in order of first
 * appearance, with the count, alternatives and other readings. */
function grouped(text) {
  const byKey = new Map();
  for (const m of core.extract(text).indicators) {
    if (m.derived_from != null) continue;
    const key = `${m.kind}\u0000${m.value}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.count = (seen.count ?? 1) + 1;
      continue;
    }
    const t = { kind: m.kind, value: m.value };
    if (m.alternatives?.length) t.alternatives = m.alternatives;
    if (m.also?.length) t.also = m.also;
    byKey.set(key, t);
  }
  return [...byKey.values()];
}

const reports = path.join(repo, '../shared/corpus/reports');
const folder = readdirSync(reports).sort()[0];
const sample = readdirSync(path.join(reports, folder)).sort().slice(0, 40)
  .map((f) => readFileSync(path.join(reports, folder, f), 'utf8')).join('\n\n');

/** `tmlookup extract --json` of `text`, from the native build. */
function native(text) {
  const args = ['run', '-q', '-p', 'tmlookup', '--bin', 'tmlookup', '--', 'extract', '--json', '-'];
  const run = spawnSync('cargo', args,
    { cwd: repo, input: text, maxBuffer: 1 << 30, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('extract() gives what the native build gives, on 40 reports', () => {
  const got = core.extract(sample);
  const want = native(sample);
  assert.ok(want.indicators.length > 1000, `only ${want.indicators.length} matches in the sample`);
  assert.ok(want.indicators.some((m) => m.raw !== m.value), 'no raw text differs from its value');
  assert.ok(want.indicators.some((m) => m.derived_from !== undefined), 'no derived match');
  assert.deepEqual(got.indicators, want.indicators);
  assert.equal(got.truncated, want.truncated);
  assert.equal(got.scanned_bytes, want.scanned_bytes);
});

test('extract() keeps labels, other readings and offsets past non-ASCII text', () => {
  const text = 'é Imphash: d41d8cd98f00b204e9800998ecf8427e\nhxxps://evil[.]example/a report.zip';
  assert.deepEqual(core.extract(text).indicators, native(text).indicators);
  const md5 = core.extract(text).indicators.find((m) => m.kind === 'md5');
  assert.equal(md5.label, 'imphash');
});

test('raw texts are the searched string\'s own, past characters of every width', () => {
  const text = '\u{1F600} hxxp://evil[.]com/x \u00e9t\u00e9 \u4e2d\u{1F600}\u{1F600} '
    + '10.0.0[.]1 \uD800 Bad.Example.COM \u00e9\nd41d8cd98f00b204e9800998ecf8427e';
  const found = core.extract(text).indicators;
  assert.deepEqual(found, native(text).indicators);
  assert.ok(found.length >= 5, `only ${found.length} matches`);
  const bytes = Buffer.from(text);
  for (const m of found) {
    assert.equal(m.raw, bytes.subarray(m.start, m.end).toString(), m.value);
    assert.ok(text.includes(m.raw), m.raw);
  }
  assert.throws(() => core.extract(42), { name: 'TypeError', message: /takes a string/ });
});

test('matches that share other readings get arrays of their own', () => {
  const text = 'a.zip b.zip\n'
    + 'd41d8cd98f00b204e9800998ecf8427e 0cc175b9c0f1b6a831c399e269772661';
  const found = core.extract(text).indicators;
  const [a, b] = found.filter((m) => m.kind === 'filename');
  const [x, y] = found.filter((m) => m.kind === 'md5');
  assert.deepEqual(a.alternatives, ['domain']);
  assert.deepEqual(x.also, ['imphash']);
  a.alternatives.push('url');
  x.also.push('changed');
  assert.deepEqual(b.alternatives, ['domain']);
  assert.deepEqual(y.also, ['imphash']);
});

test('targets() matches extract() grouped, on 40 reports', () => {
  const got = core.targets(sample);
  const want = grouped(sample);
  assert.ok(want.length > 500, `only ${want.length} targets in the sample`);
  assert.ok(want.some((t) => t.count > 1), 'the sample repeats no value');
  assert.deepEqual(got.targets, want);
  assert.equal(got.truncated, false);
  assert.equal(got.scanned_bytes, Buffer.byteLength(sample));
});

test('targets() keeps counts, alternatives and other readings', () => {
  const text = 'report.zip report.zip report.zip\n'
    + 'Imphash: d41d8cd98f00b204e9800998ecf8427e\n'
    + 'hxxps://evil[.]example/a 10.0.0[.]1 é 10.0.0.1';
  const { targets } = core.targets(text);
  assert.deepEqual(targets, grouped(text));
  const zip = targets.find((t) => t.value === 'report.zip');
  assert.equal(zip.count, 3);
  assert.deepEqual(zip.alternatives, ['domain']);
  assert.equal(targets.find((t) => t.kind === 'md5').also[0], 'imphash');
  assert.equal(targets.find((t) => t.kind === 'ipv4').count, 2);
});

test('targets() of text with no indicator is an empty list', () => {
  for (const text of ['', 'nothing to see', '\n\n\n']) {
    const empty = { targets: [], truncated: false, scanned_bytes: Buffer.byteLength(text) };
    assert.deepEqual(core.targets(text), empty);
  }
});

test('a TargetSet fed the text in pieces cut at line breaks gives targets() of the whole', () => {
  const whole = core.targets(sample);
  const set = new core.TargetSet();
  try {
    // Pieces of at most 16 KB, each ending after a line break.
    let pieces = 0;
    for (let at = 0; at < sample.length; pieces++) {
      let end = Math.min(sample.length, at + 16_384);
      const lineEnd = sample.lastIndexOf('\n', end - 1);
      if (end < sample.length && lineEnd >= at) end = lineEnd + 1;
      set.add(sample.slice(at, end));
      at = end;
    }
    assert.ok(pieces > 10, `only ${pieces} pieces`);
    const pieced = set.result();
    assert.deepEqual(pieced.targets, whole.targets);
    assert.equal(pieced.scanned_bytes, whole.scanned_bytes);
  } finally {
    set.free();
  }
});
