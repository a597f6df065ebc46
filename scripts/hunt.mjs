// The false-positive hunt: runs the finder's CLI and the JS peer
// ioc-extractor over every report of the corpus and prints, per kind, how
// much ours finds, and per kind both find, the values found by both, only by
// ours and only by the peer. With --sample N, a deterministic sample (by
// --seed) of N values per kind of ours and of each difference set, each with
// its report and the text around its first occurrence, to read and judge by
// hand. Figures for the issue, not a test. See scripts/hunt.
// Usage: node scripts/hunt.mjs --peer DIR [--bin FILE] [--corpus DIR]
//          [--sample N] [--seed S] [--context C] [--kind K]... [--dump FILE]
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    peer: { type: 'string' },
    bin: { type: 'string', default: path.join(repo, 'target/release/tmlookup') },
    corpus: { type: 'string', default: path.resolve(repo, '../shared/corpus/reports') },
    sample: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    // Characters shown on each side of a sampled value.
    context: { type: 'string', default: '30' },
    // Limit the samples to these kinds (all by default).
    kind: { type: 'string', multiple: true, default: [] },
    // Write every difference set, as JSON, for further digging.
    dump: { type: 'string' },
  },
});
if (!opts.peer) throw new Error('--peer DIR: a folder with ioc-extractor installed');
const sampleSize = Number(opts.sample);
const seed = Number(opts.seed);
const side = Number(opts.context);
const { extractIOC, refang } = createRequire(path.join(opts.peer, 'package.json'))('ioc-extractor');

// The peer's kinds that have one of ours; its others (asns, btcs, eths,
// gaPubIDs, gaTrackIDs, macAddresses, xmrs) are only counted. It has no
// SHA-384, file names, mutexes, registry keys, URL paths or user-agents.
const PEER_KINDS = {
  cves: 'cve', domains: 'domain', emails: 'email', ipv4s: 'ipv4', ipv6s: 'ipv6',
  md5s: 'md5', sha1s: 'sha1', sha256s: 'sha256', sha512s: 'sha512',
  ssdeeps: 'ssdeep', urls: 'url',
};
const SHARED = Object.values(PEER_KINDS);

/** A value as both sides are compared: refanged (both do that), with the
 * case rules of its kind, so that only real differences remain. */
function norm(kind, v) {
  switch (kind) {
    case 'domain':
      return v.toLowerCase().replace(/\.$/, '');
    case 'email': case 'ipv6': case 'md5': case 'sha1': case 'sha256':
    case 'sha384': case 'sha512':
      return v.toLowerCase();
    case 'cve':
      return v.toUpperCase();
    case 'url': {
      // Scheme and host lower case, the rest as written (ours does the same).
      const m = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?#]*)(.*)$/is.exec(v);
      return m ? (m[1] ?? '').toLowerCase() + m[2].toLowerCase() + m[3] : v;
    }
    default:
      return v;
  }
}

function reports(dir) {
  const out = [];
  for (const folder of readdirSync(dir).sort()) {
    for (const file of readdirSync(path.join(dir, folder)).sort()) {
      out.push(path.join(folder, file));
    }
  }
  return out;
}

/** Seeded PRNG (mulberry32), so that a sample is the same on every run. */
function rng(s) {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` items of `items` (already in a fixed order), drawn with `rand`. */
function sample(items, n, rand) {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

const oneLine = (s) => s.replace(/\s+/g, ' ');

/** `side` characters either side of bytes start..end of `buf`, the value
 * marked with »«. */
function around(buf, start, end) {
  const text = (a, b) => buf.subarray(Math.max(a, 0), Math.min(b, buf.length)).toString('utf8');
  const pre = text(start - 4 * side, start);
  const post = text(end, end + 4 * side);
  return oneLine(pre).slice(-side) + '»' + oneLine(text(start, end)) + '«' + oneLine(post).slice(0, side);
}

/** Context for a value the peer found: it gives no offsets, so look for the
 * first occurrence in the text as written, else in its refanged text. */
function aroundPeer(r, value) {
  for (const [label, text] of [['', r.text], [' (in refanged text)', r.refanged]]) {
    const i = text.toLowerCase().indexOf(value.toLowerCase());
    if (i >= 0) {
      const buf = Buffer.from(text);
      const start = Buffer.byteLength(text.slice(0, i));
      return around(buf, start, start + Buffer.byteLength(text.substr(i, value.length))) + label;
    }
  }
  return '(not found in the text)';
}

// ---- run both over every report ----

const rows = [];
for (const name of reports(opts.corpus)) {
  const file = path.join(opts.corpus, name);
  const buf = readFileSync(file);
  const text = buf.toString('utf8');
  const out = JSON.parse(execFileSync(opts.bin, ['extract', '--json', file], { maxBuffer: 1 << 30 }));
  const peer = extractIOC(text);
  // Ours: per kind, value -> first match. Every kind and alternative a value
  // got, to tell a peer-only value that ours reads as something else.
  const ours = new Map();
  const readings = new Map();
  for (const m of out.indicators) {
    if (!ours.has(m.kind)) ours.set(m.kind, new Map());
    const v = norm(m.kind, m.value);
    if (!ours.get(m.kind).has(v)) ours.get(m.kind).set(v, m);
    // Under each kind's case rules; an alternative's label wins over the
    // kind's own where both give the same key (`invoice.zip`).
    const labels = new Map();
    for (const k of [m.kind, ...(m.alternatives ?? [])]) {
      labels.set(norm(k, m.value), m.kind === k ? k : `${m.kind} (alt ${k})`);
    }
    for (const [key, label] of labels) {
      if (!readings.has(key)) readings.set(key, new Set());
      readings.get(key).add(label);
    }
  }
  const theirs = new Map();
  const peerOther = {};
  for (const [key, values] of Object.entries(peer)) {
    const kind = PEER_KINDS[key];
    if (!kind) {
      peerOther[key] = values.length;
      continue;
    }
    theirs.set(kind, new Set(values.map((v) => norm(kind, v))));
  }
  rows.push({ name, buf, text, refanged: refang(text), out, ours, theirs, readings, peerOther });
}

// ---- ours, per kind, whole corpus ----

const kinds = [...new Set(rows.flatMap((r) => r.out.indicators.map((m) => m.kind)))].sort();
console.log(`${rows.length} reports, ${(rows.reduce((n, r) => n + r.buf.length, 0) / 1e6).toFixed(2)} MB`);
console.log('\n== ours, whole corpus (matches include those derived from a URL or e-mail)');
console.log(`${'kind'.padEnd(13)} ${'matches'.padStart(8)} ${'derived'.padStart(8)} ${'distinct'.padStart(9)} ${'reports'.padStart(8)}`);
const oursDistinct = new Map(); // kind -> Map(value -> {report, match})
for (const kind of kinds) {
  let matches = 0;
  let derived = 0;
  let inReports = 0;
  const distinct = new Map();
  for (const r of rows) {
    const ms = r.out.indicators.filter((m) => m.kind === kind);
    matches += ms.length;
    derived += ms.filter((m) => m.derived_from !== undefined).length;
    if (ms.length) inReports++;
    for (const m of ms) {
      const v = norm(kind, m.value);
      if (!distinct.has(v)) distinct.set(v, { r, m });
    }
  }
  oursDistinct.set(kind, distinct);
  console.log(`${kind.padEnd(13)} ${String(matches).padStart(8)} ${String(derived).padStart(8)} ${String(distinct.size).padStart(9)} ${String(inReports).padStart(8)}`);
}

// ---- both / only ours / only peer, per shared kind ----

// Counted as (report, value) pairs: each report is compared on its own.
const diff = new Map(); // kind -> {both, ours: [{r, v}], peer: [{r, v}], as: Map}
for (const kind of SHARED) {
  const d = { both: 0, ours: [], peer: [], as: new Map() };
  for (const r of rows) {
    const a = r.ours.get(kind) ?? new Map();
    const b = r.theirs.get(kind) ?? new Set();
    for (const v of a.keys()) (b.has(v) ? d.both++ : d.ours.push({ r, v }));
    for (const v of b) {
      if (a.has(v)) continue;
      d.peer.push({ r, v });
      // Which other kinds ours gave the value, if any.
      const as = [...(r.readings.get(v) ?? [])].join(', ') || 'not found';
      d.as.set(as, (d.as.get(as) ?? 0) + 1);
    }
  }
  diff.set(kind, d);
}
console.log('\n== per shared kind, (report, value) pairs');
console.log(`${'kind'.padEnd(8)} ${'both'.padStart(7)} ${'ours only'.padStart(10)} ${'peer only'.padStart(10)}   peer only, as ours reads it`);
for (const [kind, d] of diff) {
  const as = [...d.as].sort((x, y) => y[1] - x[1]).map(([k, n]) => `${k}: ${n}`).join('; ');
  console.log(`${kind.padEnd(8)} ${String(d.both).padStart(7)} ${String(d.ours.length).padStart(10)} ${String(d.peer.length).padStart(10)}   ${as}`);
}
const other = {};
for (const r of rows) for (const [k, n] of Object.entries(r.peerOther)) other[k] = (other[k] ?? 0) + n;
console.log(`peer kinds without one of ours (values over all reports): ${Object.entries(other).map(([k, n]) => `${k} ${n}`).join(', ')}`);

if (opts.dump) {
  const sets = {};
  for (const [kind, d] of diff) {
    const list = (items) => items.map(({ r, v }) => ({ report: r.name, value: v }));
    sets[kind] = { both: d.both, ours_only: list(d.ours), peer_only: list(d.peer) };
  }
  writeFileSync(opts.dump, JSON.stringify(sets, null, 1) + '\n');
}

// ---- samples ----

if (sampleSize > 0) {
  const wanted = (k) => opts.kind.length === 0 || opts.kind.includes(k);
  // One generator per list, so that the sample of one kind does not change
  // when another kind's list grows.
  const draw = (label, items) => sample(items, sampleSize, rng(seed ^ hash(label)));
  console.log(`\n== samples: ${sampleSize} per list, seed ${seed}`);
  for (const kind of kinds.filter(wanted)) {
    const items = [...oursDistinct.get(kind)].map(([v, x]) => ({ v, ...x }));
    items.sort((x, y) => cmp(x.r.name, y.r.name) || cmp(x.v, y.v));
    console.log(`\n-- ours, ${kind}: ${Math.min(sampleSize, items.length)} of ${items.length} distinct values`);
    draw(`ours ${kind}`, items).forEach(({ v, r, m }, i) => {
      const notes = [
        m.derived_from !== undefined && `from ${r.out.indicators[m.derived_from].kind}`,
        m.alternatives?.length && `alt ${m.alternatives.join('/')}`,
      ].filter(Boolean);
      console.log(`${String(i + 1).padStart(3)}. ${v}${notes.length ? `  [${notes.join('; ')}]` : ''}  (${r.name})`);
      console.log(`     ${around(r.buf, m.start, m.end)}`);
    });
  }
  for (const [kind, d] of diff) {
    if (!wanted(kind)) continue;
    for (const [which, items] of [['ours only', d.ours], ['peer only', d.peer]]) {
      console.log(`\n-- ${which}, ${kind}: ${Math.min(sampleSize, items.length)} of ${items.length}`);
      draw(`${which} ${kind}`, items).forEach(({ r, v }, i) => {
        // A value of the other side in the same report that holds this one
        // or is held by it: most often the same indicator cut differently.
        const others = which === 'ours only' ? [...(r.theirs.get(kind) ?? [])] : [...(r.ours.get(kind)?.keys() ?? [])];
        const near = others.find((o) => o !== v && (o.includes(v) || v.includes(o)));
        const notes = [];
        if (which === 'peer only' && r.readings.has(v)) notes.push(`ours: ${[...r.readings.get(v)].join(', ')}`);
        if (near) notes.push(`${which === 'ours only' ? 'peer' : 'ours'} has ${near}`);
        console.log(`${String(i + 1).padStart(3)}. ${v}${notes.length ? `  [${notes.join('; ')}]` : ''}  (${r.name})`);
        if (which === 'ours only') {
          const m = r.ours.get(kind).get(v);
          console.log(`     ${around(r.buf, m.start, m.end)}`);
        } else {
          console.log(`     ${aroundPeer(r, v)}`);
        }
      });
    }
  }
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A small string hash (FNV-1a) to derive one seed per list. */
function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
