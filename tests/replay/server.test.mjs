// Tests of the replay server itself: it must serve the stored bodies exactly, and each way of
// misbehaving must look like what the browser would receive from a broken ThreatMiner.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReplay, DEFAULT_SAMPLES_DIR } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sample = (name) => readFile(path.join(DEFAULT_SAMPLES_DIR, name));

let replay;
before(async () => { replay = await startReplay({ port: 0 }); });
after(() => replay.close());
beforeEach(() => replay.reset());

async function get(pathAndQuery, init) {
  const res = await fetch(replay.url + pathAndQuery, init);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function post(route, body) {
  const res = await fetch(replay.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

test('a catalogued value is answered with the exact sample bytes', async () => {
  const { res, bytes } = await get('/v2/domain.php?q=vwrm.com&rt=1');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.deepEqual(bytes, await sample('domain-rt1-vwrm-whois-asrabon-readme.json'));
});

test('every catalogued value serves its own file', async () => {
  const catalog = JSON.parse(await readFile(path.join(here, 'catalog.json'), 'utf8'));
  for (const e of catalog.entries) {
    const q = encodeURIComponent(e.q);
    const { bytes } = await get(`/v2/${e.endpoint}.php?q=${q}&rt=${e.rt}`);
    assert.deepEqual(bytes, await sample(e.file), `${e.endpoint} ${e.q} rt=${e.rt}`);
  }
});

test('the legacy form answers only when api=True is given', async () => {
  const api = await get('/sample.php?q=e6ff1bf0821f00384cdd25efb9b1cc09&api=True&rt=4');
  assert.deepEqual(api.bytes, await sample('sample-rt4-e6ff1bf0-mutants-asrabon-readme.json'));
  const page = await get('/sample.php?q=e6ff1bf0821f00384cdd25efb9b1cc09&rt=4');
  assert.equal(page.res.status, 404);
});

test('an unknown value gets the real no-results body with HTTP 200', async () => {
  for (const route of ['/v2/domain.php?q=unknown.example&rt=1', '/v2/domain.php?q=vwrm.com&rt=4']) {
    const { res, bytes } = await get(route);
    assert.equal(res.status, 200);
    assert.deepEqual(bytes, await sample('any-404-no-results-rapid7-help-2019-inner.json'));
    assert.equal(JSON.parse(bytes).status_code, '404');
  }
});

test('hex and host queries match regardless of case', async () => {
  const { bytes } = await get('/v2/sample.php?q=E6FF1BF0821F00384CDD25EFB9B1CC09&rt=1');
  assert.deepEqual(bytes, await sample('sample-rt1-e6ff1bf0-metadata-asrabon-readme.json'));
});

test('an ssdeep query with + and / matches once percent-encoded', async () => {
  const q = encodeURIComponent('1536:TJsNrChuG2K6IVOTjWko8a9P6W3OEHBQc4w4:TJs0oG2KSTj3o8a9PFeEHn4l');
  const { bytes } = await get(`/v2/ssdeep.php?q=${q}&rt=1`);
  assert.deepEqual(bytes, await sample('ssdeep-rt1-samples-rapid7-help-2023.json'));
});

test('http500 answers an HTML error page', async () => {
  await post('/__control', { fault: { mode: 'http500' } });
  const { res, bytes } = await get('/v2/domain.php?q=vwrm.com&rt=1');
  assert.equal(res.status, 500);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(bytes.toString(), /Internal Server Error/);
});

test('http403 answers a CDN-style HTML page', async () => {
  await post('/__control', { fault: { mode: 'http403' } });
  const { res, bytes } = await get('/v2/host.php?q=104.21.38.51&rt=1');
  assert.equal(res.status, 403);
  assert.match(bytes.toString(), /<html>/);
});

test('empty answers 200 with no body', async () => {
  await post('/__control', { fault: { mode: 'empty' } });
  const { res, bytes } = await get('/v2/domain.php?q=vwrm.com&rt=2');
  assert.equal(res.status, 200);
  assert.equal(bytes.length, 0);
});

test('truncated answers the first half of the real body', async () => {
  await post('/__control', { fault: { mode: 'truncated' } });
  const whole = await sample('domain-rt2-vwrm-passive-dns-asrabon-readme.json');
  const { res, bytes } = await get('/v2/domain.php?q=vwrm.com&rt=2');
  assert.equal(res.status, 200);
  assert.deepEqual(bytes, whole.subarray(0, Math.floor(whole.length / 2)));
  assert.throws(() => JSON.parse(bytes));
});

test('notjson answers 200 with text that does not parse', async () => {
  await post('/__control', { fault: { mode: 'notjson' } });
  const { res, bytes } = await get('/v2/domain.php?q=vwrm.com&rt=2');
  assert.equal(res.status, 200);
  assert.throws(() => JSON.parse(bytes));
});

test('http204 and http429 answer their status', async () => {
  await post('/__control', { fault: { mode: 'http204' } });
  assert.equal((await get('/v2/domain.php?q=vwrm.com&rt=2')).res.status, 204);
  await post('/__control', { fault: { mode: 'http429' } });
  const { res } = await get('/v2/domain.php?q=vwrm.com&rt=2');
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '60');
});

test('hang never answers', async () => {
  await post('/__control', { fault: { mode: 'hang' } });
  await assert.rejects(
    get('/v2/domain.php?q=vwrm.com&rt=2', { signal: AbortSignal.timeout(300) }),
    { name: 'TimeoutError' },
  );
});

test('a fault scoped to one endpoint and rt leaves the others alone, and times runs out', async () => {
  await post('/__control', { fault: { mode: 'http500', endpoint: 'domain', rt: 2, times: 1 } });
  assert.equal((await get('/v2/domain.php?q=vwrm.com&rt=1')).res.status, 200);
  assert.equal((await get('/v2/host.php?q=104.21.38.51&rt=2')).res.status, 200);
  assert.equal((await get('/v2/domain.php?q=vwrm.com&rt=2')).res.status, 500);
  assert.equal((await get('/v2/domain.php?q=vwrm.com&rt=2')).res.status, 200);
});

test('reset restores normal answers', async () => {
  await post('/__control', { fault: { mode: 'http500' } });
  await post('/__reset', {});
  assert.equal((await get('/v2/domain.php?q=vwrm.com&rt=1')).res.status, 200);
});

test('a bad control request is refused and changes nothing', async () => {
  const { status, json } = await post('/__control', { fault: { mode: 'explode' } });
  assert.equal(status, 400);
  assert.match(json.error, /fault mode/);
  assert.equal((await get('/v2/domain.php?q=vwrm.com&rt=1')).res.status, 200);
});

test('delayMs slows every answer', async () => {
  await post('/__control', { delayMs: 250 });
  const started = Date.now();
  await get('/v2/domain.php?q=vwrm.com&rt=1');
  assert.ok(Date.now() - started >= 240);
});

test('an override serves hostile text or another stored sample for one request', async () => {
  const hostile = '{"status_code":"200","results":[{"domain":"<img src=x onerror=alert(1)>"}]}';
  await post('/__control', {
    overrides: [
      { endpoint: 'domain', q: 'vwrm.com', rt: 1, body: hostile },
      { endpoint: 'domain', q: 'vwrm.com', rt: 2, sample: 'pdns-rt2-mixed-domain-and-host-entries-intelowl-test-fixture.json' },
    ],
  });
  assert.equal((await get('/v2/domain.php?q=vwrm.com&rt=1')).bytes.toString(), hostile);
  assert.deepEqual(
    (await get('/v2/domain.php?q=vwrm.com&rt=2')).bytes,
    await sample('pdns-rt2-mixed-domain-and-host-entries-intelowl-test-fixture.json'),
  );
  const refused = await post('/__control', { overrides: [{ endpoint: 'domain', q: 'a', rt: 1, sample: '../x' }] });
  assert.equal(refused.status, 400);
});

test('the log records each API request and is cleared by reset and DELETE', async () => {
  await get('/v2/domain.php?q=vwrm.com&rt=5');
  await get('/host.php?q=216.58.213.110&api=True&rt=4');
  const log = await (await fetch(`${replay.url}/__log`)).json();
  assert.equal(log.length, 2);
  assert.deepEqual(
    log.map(({ form, endpoint, q, rt, status }) => ({ form, endpoint, q, rt, status })),
    [
      { form: 'v2', endpoint: 'domain', q: 'vwrm.com', rt: '5', status: 200 },
      { form: 'legacy', endpoint: 'host', q: '216.58.213.110', rt: '4', status: 200 },
    ],
  );
  assert.equal(log[0].url, `${replay.url}/v2/domain.php?q=vwrm.com&rt=5`);
  assert.ok(!Number.isNaN(Date.parse(log[0].time)));

  await fetch(`${replay.url}/__log`, { method: 'DELETE' });
  assert.deepEqual(await (await fetch(`${replay.url}/__log`)).json(), []);
  await get('/v2/domain.php?q=vwrm.com&rt=5');
  await post('/__reset', {});
  assert.deepEqual(replay.log(), []);
});

test('the rate limit answers 429 or 204 past N requests in a rolling window', async () => {
  await post('/__control', { rateLimit: { max: 2, windowMs: 400 } });
  const status = async () => (await get('/v2/domain.php?q=vwrm.com&rt=5')).res.status;
  assert.deepEqual([await status(), await status(), await status()], [200, 200, 429]);

  await post('/__control', { rateLimit: { max: 2, windowMs: 400, answer: 204 } });
  assert.deepEqual([await status(), await status(), await status()], [200, 200, 204]);

  // Once the window has rolled past the admitted requests, more are let through.
  await new Promise((r) => setTimeout(r, 450));
  assert.equal(await status(), 200);
  const answers = replay.log().map((e) => e.answer);
  assert.ok(answers.includes('rate-limited:429') && answers.includes('rate-limited:204'));
});

test('run as a program it prints its port as JSON and serves', async () => {
  const child = spawn(process.execPath, [path.join(here, 'server.mjs'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise((resolve, reject) => {
      child.stdout.once('data', (d) => resolve(d.toString()));
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const { port } = JSON.parse(line);
    const res = await fetch(`http://127.0.0.1:${port}/v2/domain.php?q=vwrm.com&rt=2`);
    assert.deepEqual(
      Buffer.from(await res.arrayBuffer()),
      await sample('domain-rt2-vwrm-passive-dns-asrabon-readme.json'),
    );
  } finally {
    child.kill('SIGTERM');
  }
});
