// Replays ThreatMiner's JSON API from the stored sample bodies, and misbehaves on request.
//
// The extension's tests point it here instead of api.threatminer.org, so no test needs the
// internet. A control API on the same server lets a test make the next answers fail the ways
// the real service has been seen to fail (see ../shared/threatminer/API.md), serve a custom
// body, slow down or rate-limit, and read back every request the extension made.
//
// Express 5 was chosen over fastify because the server is a handful of routes that must write
// exact bytes, hold a request open forever or close it empty; express leaves the response
// alone (no schema or serialiser in the way) and its async handlers forward errors in 5.x.

import express from 'express';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

/** Where the samples live: beside the repository, never inside it. */
export const DEFAULT_SAMPLES_DIR = path.resolve(repoRoot, '../shared/threatminer/samples');
const CATALOG_PATH = path.join(here, 'catalog.json');

const ENDPOINTS = new Set([
  'domain', 'host', 'sample', 'imphash', 'ssdeep', 'ssl', 'email', 'av', 'report', 'reports',
]);

/** Every way the server can be told to misbehave. */
export const FAULT_MODES = [
  'hang', 'http500', 'http403', 'empty', 'truncated', 'notjson', 'http204', 'http429',
];

// Endpoints whose q is a hostname, address or hex hash: the real service is not known to care
// about case there, so the catalog matches them case-insensitively. ssdeep, av names and
// report searches keep their case.
const CASELESS = new Set(['domain', 'host', 'sample', 'imphash', 'ssl', 'email']);

function catalogKey(endpoint, q, rt) {
  const value = CASELESS.has(endpoint) ? String(q).toLowerCase() : String(q);
  return `${endpoint}\u0000${value}\u0000${rt}`;
}

/** Loads catalog.json and every body it names, failing early if a sample file is missing. */
async function loadCatalog(samplesDir) {
  const catalog = JSON.parse(await readFile(CATALOG_PATH, 'utf8'));
  const bodies = new Map();
  for (const entry of catalog.entries) {
    const body = await readSample(samplesDir, entry.file);
    bodies.set(catalogKey(entry.endpoint, entry.q, entry.rt), { body, file: entry.file });
  }
  return { bodies, noResults: await readSample(samplesDir, catalog.noResults) };
}

async function readSample(samplesDir, file) {
  // A name with a separator could read outside the samples folder.
  if (path.basename(file) !== file) throw new Error(`not a sample file name: ${file}`);
  try {
    return await readFile(path.join(samplesDir, file));
  } catch (err) {
    throw new Error(`replay sample ${file} is missing from ${samplesDir}: ${err.message}`);
  }
}

// Bodies for the failure modes, shaped like what a CDN or a broken PHP backend sends.
const PAGES = {
  http500: '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n'
    + '<body><h1>Internal Server Error</h1><p>The server encountered an internal error '
    + 'and was unable to complete your request.</p></body></html>\n',
  http403: '<!DOCTYPE html>\n<html><head><title>Access denied</title></head>\n'
    + '<body><h1>403 Forbidden</h1><p>This request was blocked by the edge network '
    + 'protecting this site.</p><p>Ray ID: 0000replaytest</p></body></html>\n',
  // A PHP warning printed as plain text (html_errors off): no markup to sniff.
  notjson: 'PHP Warning:  mysqli_connect(): (HY000/2002): Connection refused in '
    + '/var/www/api/v2/db.php on line 7\nDatabase unavailable\n',
  http429: '<html><head><title>429 Too Many Requests</title></head>'
    + '<body><h1>Too Many Requests</h1></body></html>\n',
};

function freshSettings() {
  return {
    faults: [],
    delayMs: 0,
    rateLimit: null,
    overrides: new Map(),
  };
}

/** Checks one fault rule from the control API and fills its defaults. */
function parseFault(rule) {
  if (!rule || !FAULT_MODES.includes(rule.mode)) {
    throw new Error(`fault mode must be one of ${FAULT_MODES.join(', ')}`);
  }
  return {
    mode: rule.mode,
    endpoint: rule.endpoint ?? null,
    rt: rule.rt == null ? null : String(rule.rt),
    q: rule.q ?? null,
    // null means "every matching request until reset".
    remaining: rule.times == null ? null : Number(rule.times),
  };
}

function parseRateLimit(limit) {
  if (limit == null) return null;
  const answer = Number(limit.answer ?? 429);
  if (![429, 204].includes(answer)) throw new Error('rateLimit.answer must be 429 or 204');
  if (!(limit.max >= 0)) throw new Error('rateLimit.max must be a number >= 0');
  return { max: Number(limit.max), windowMs: Number(limit.windowMs ?? 60_000), answer, served: [] };
}

async function parseOverride(o, samplesDir) {
  if (!o || !ENDPOINTS.has(o.endpoint) || o.q == null || o.rt == null) {
    throw new Error('an override needs endpoint, q and rt');
  }
  let body;
  if (o.sample != null) body = await readSample(samplesDir, o.sample);
  else if (typeof o.body === 'string') body = Buffer.from(o.body, 'utf8');
  else body = Buffer.from(JSON.stringify(o.body), 'utf8');
  return {
    key: catalogKey(o.endpoint, o.q, String(o.rt)),
    body,
    status: Number(o.status ?? 200),
    contentType: o.contentType ?? 'application/json',
  };
}

function matchesFault(rule, req) {
  return (rule.endpoint == null || rule.endpoint === req.endpoint)
    && (rule.rt == null || rule.rt === req.rt)
    && (rule.q == null || rule.q === req.q)
    && (rule.remaining == null || rule.remaining > 0);
}

/** Splits a request path into the API form it uses, or null if it is no API path. */
function parseApiPath(reqPath) {
  const m = /^\/(v2\/)?([a-z]+)\.php$/.exec(reqPath);
  if (!m || !ENDPOINTS.has(m[2])) return null;
  return { form: m[1] ? 'v2' : 'legacy', endpoint: m[2] };
}

function firstParam(value) {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Starts the replay server on 127.0.0.1.
 *
 * Returns the base `url` (no trailing slash), the `port`, `close()`, and in-process
 * shortcuts for the control API: `control(settings)`, `reset()`, `log()`, `clearLog()`.
 */
export async function startReplay({ port = 0, samplesDir = DEFAULT_SAMPLES_DIR } = {}) {
  const catalog = await loadCatalog(samplesDir);
  let settings = freshSettings();
  let log = [];
  let seq = 0;

  async function control(body) {
    // Build everything first so a bad request changes nothing.
    const next = { ...settings, overrides: new Map(settings.overrides) };
    if ('fault' in body) next.faults = body.fault == null ? [] : [parseFault(body.fault)];
    if ('faults' in body) next.faults = (body.faults ?? []).map(parseFault);
    if ('delayMs' in body) next.delayMs = Math.max(0, Number(body.delayMs) || 0);
    if ('rateLimit' in body) next.rateLimit = parseRateLimit(body.rateLimit);
    for (const o of body.overrides ?? []) {
      const parsed = await parseOverride(o, samplesDir);
      next.overrides.set(parsed.key, parsed);
    }
    settings = next;
    return describe();
  }

  function reset() {
    settings = freshSettings();
    log = [];
  }

  function describe() {
    return {
      faults: settings.faults,
      delayMs: settings.delayMs,
      rateLimit: settings.rateLimit && { ...settings.rateLimit, served: undefined },
      overrides: [...settings.overrides.keys()].map((k) => k.split('\u0000')),
    };
  }

  /** True when the rate limit lets one more request through; counts it if so. */
  function admitUnderRateLimit(now) {
    const limit = settings.rateLimit;
    if (!limit) return true;
    limit.served = limit.served.filter((t) => now - t < limit.windowMs);
    if (limit.served.length >= limit.max) return false;
    limit.served.push(now);
    return true;
  }

  function normalAnswer(req) {
    const key = catalogKey(req.endpoint, req.q, req.rt);
    const override = settings.overrides.get(key);
    if (override) return { ...override, answer: 'override' };
    const hit = catalog.bodies.get(key);
    if (hit) return { status: 200, contentType: 'application/json', body: hit.body, answer: `sample:${hit.file}` };
    return { status: 200, contentType: 'application/json', body: catalog.noResults, answer: 'no-results' };
  }

  function send(res, entry, { status, contentType, body, answer, headers = {} }) {
    entry.status = status;
    entry.answer = answer;
    res.status(status);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    // setHeader, not express's res.set: res.set appends a charset the real API does not send.
    if (contentType) res.setHeader('Content-Type', contentType);
    // A Buffer is sent as is: express adds no charset and changes no byte.
    if (body != null && status !== 204) res.send(Buffer.from(body));
    else res.end();
  }

  function sendFault(res, entry, mode, req) {
    const html = 'text/html; charset=UTF-8';
    const answer = `fault:${mode}`;
    switch (mode) {
      case 'hang':
        // Never answer; close() drops the socket.
        entry.answer = answer;
        entry.status = null;
        return;
      case 'http500': return send(res, entry, { status: 500, contentType: html, body: PAGES.http500, answer });
      case 'http403': return send(res, entry, { status: 403, contentType: html, body: PAGES.http403, answer });
      // Labelled JSON on purpose: http500 and http403 already cover "a web page came back".
      case 'notjson': return send(res, entry, { status: 200, contentType: 'application/json', body: PAGES.notjson, answer });
      case 'empty': return send(res, entry, { status: 200, contentType: 'application/json', body: '', answer });
      case 'http204': return send(res, entry, { status: 204, answer });
      case 'http429':
        return send(res, entry, { status: 429, contentType: html, body: PAGES.http429, answer, headers: { 'Retry-After': '60' } });
      case 'truncated': {
        const whole = normalAnswer(req).body;
        const half = whole.subarray(0, Math.floor(whole.length / 2));
        return send(res, entry, { status: 200, contentType: 'application/json', body: half, answer });
      }
      default: throw new Error(`unhandled fault mode ${mode}`);
    }
  }

  function sendRateLimited(res, entry) {
    const { answer } = settings.rateLimit;
    if (answer === 204) return send(res, entry, { status: 204, answer: 'rate-limited:204' });
    return send(res, entry, {
      status: 429, contentType: 'text/html; charset=UTF-8', body: PAGES.http429,
      answer: 'rate-limited:429', headers: { 'Retry-After': '60' },
    });
  }

  async function handleApi(req, res, next) {
    const api = parseApiPath(req.path);
    if (!api) return next();
    const base = `http://${req.headers.host}`;
    const request = {
      endpoint: api.endpoint,
      q: firstParam(req.query.q) ?? null,
      rt: firstParam(req.query.rt) ?? null,
    };
    const entry = {
      seq: ++seq,
      time: new Date().toISOString(),
      form: api.form,
      ...request,
      url: base + req.originalUrl,
      status: undefined,
      answer: undefined,
    };
    log.push(entry);

    // The legacy host answered web pages unless asked for the API.
    if (api.form === 'legacy' && String(firstParam(req.query.api)).toLowerCase() !== 'true') {
      return send(res, entry, { status: 404, contentType: 'text/html', body: 'web pages are not replayed\n', answer: 'not-api' });
    }
    if (settings.delayMs > 0) await sleep(settings.delayMs);
    if (!admitUnderRateLimit(Date.now())) return sendRateLimited(res, entry);

    const rule = settings.faults.find((r) => matchesFault(r, request));
    if (rule) {
      if (rule.remaining != null) rule.remaining -= 1;
      return sendFault(res, entry, rule.mode, request);
    }
    return send(res, entry, normalAnswer(request));
  }

  const app = express();
  app.disable('x-powered-by');
  // No ETag: a 304 would hide the body a test wants the browser to receive.
  app.set('etag', false);

  app.get('/__log', (req, res) => res.json(log));
  app.delete('/__log', (req, res) => { log = []; res.json({ ok: true }); });
  app.get('/__control', (req, res) => res.json(describe()));
  app.post('/__control', express.json({ limit: '1mb' }), async (req, res) => {
    try {
      res.json(await control(req.body ?? {}));
    } catch (err) {
      res.status(400).json({ error: err.message });
    }
  });
  app.post('/__reset', (req, res) => { reset(); res.json({ ok: true }); });
  app.get(/.*/, handleApi);

  const server = await listen(app, port);
  const actualPort = server.address().port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    control,
    reset,
    log: () => log,
    clearLog: () => { log = []; },
    close: () => closeServer(server),
  };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function listen(app, port) {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', (err) => (err ? reject(err) : resolve(server)));
    server.on('error', reject);
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Hung requests and keep-alive sockets would otherwise hold close() open forever.
    server.closeAllConnections();
  });
}

function parseArgs(argv) {
  const args = { port: 0, samplesDir: DEFAULT_SAMPLES_DIR };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--port') args.port = Number(argv[++i]);
    else if (argv[i] === '--samples') args.samplesDir = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (use --port N, --samples DIR)`);
  }
  return args;
}

async function main() {
  const replay = await startReplay(parseArgs(process.argv.slice(2)));
  process.stdout.write(`${JSON.stringify({ port: replay.port, url: replay.url })}\n`);
  const stop = () => replay.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`replay server: ${err.message}\n`);
    process.exit(1);
  });
}
