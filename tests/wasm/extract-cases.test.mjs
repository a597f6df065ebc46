// Runs the shared extraction cases through the wasm build, as the extension
// loads it, so the native and the wasm finder cannot drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const pkg = repo + 'dist/chrome/pkg/';
const cases = JSON.parse(readFileSync(repo + '../shared/cases/extraction.json', 'utf8'));

const core = await import(pkg + 'tmlookup.js');
core.initSync({ module: readFileSync(pkg + 'tmlookup_bg.wasm') });

// The cases compare these kinds without regard to case (cases/README.md).
const CASELESS = new Set(['domain', 'email', 'md5', 'sha1', 'sha256', 'sha384', 'sha512']);
const norm = (kind, v) => (CASELESS.has(kind) ? v.toLowerCase() : v);

for (const c of cases) {
  test(c.name, () => {
    const found = core.extract(c.input).indicators;
    const values = (kind) => new Set(found.filter((m) => m.kind === kind).map((m) => norm(kind, m.value)));
    for (const [kind, want] of Object.entries(c.expect)) {
      for (const v of want) assert.ok(values(kind).has(norm(kind, v)), `${kind} ${v} not found`);
    }
    for (const [kind, banned] of Object.entries(c.forbid)) {
      for (const v of banned) assert.ok(!values(kind).has(norm(kind, v)), `${kind} ${v} found`);
    }
  });
}

test('byte offsets point at the raw text', () => {
  const text = 'é 203.0.113[.]77 ';
  const m = core.extract(text).indicators.find((x) => x.kind === 'ipv4');
  const raw = Buffer.from(text).subarray(m.start, m.end).toString();
  assert.equal(raw, '203.0.113[.]77');
});
