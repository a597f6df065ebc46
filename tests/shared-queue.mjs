// What the tests of the request queue conclude, shared by the Chromium (browser/) and
// Firefox (firefox/) suites: they drive their browsers differently, then hand the replay's
// log (from apiRequests) and the sections (from allSections) to these same judgements.

import assert from 'node:assert/strict';
import { WINDOW_MS, describeLog, duplicates, requestKey } from './browser/harness-queue.mjs';

// What the sections say while the queue is paused, as drawn by the core.
export const PAUSED = /slow down.*waits a minute/;
// The pause is a minute from the throttling answer; the log's times are the requests'
// arrival, slightly before the answer, so a resumed request comes at least this much later.
export const PAUSE_MS = 59_000;
// The extension's wait before retrying a transient failure; each further retry waits twice
// as long. It counts from the failed answer, which comes after the failed request arrived.
export const RETRY_WAIT_MS = 5_000;

/** Counts the requests per key: `{"domain|vwrm.com|3": 2, …}`. */
export const countByKey = (sent) => sent.reduce((m, e) => ({ ...m, [requestKey(e)]: (m[requestKey(e)] ?? 0) + 1 }), {});

/** `{rt: state}` for the sections of one view, to compare two views of one indicator. */
export const statesByRt = (sections) => Object.fromEntries(sections.map((s) => [s.rt, s.state]));

/**
 * Views of one domain opened while a seeded budget (ten requests at `seededAt`) was spent:
 * while they waited, nothing was sent and each shared section held one place in line
 * (`queued`: the status lines of one of them); every view ends with the same answers;
 * and the log holds each of the six requests once, none before the budget opened.
 */
export function judgeSharedRequests({ queued, sentWhileQueued, views, sent, seededAt }) {
  assert.equal(sentWhileQueued.length, 0, `nothing leaves while the seeded budget is spent:\n${describeLog(sentWhileQueued)}`);
  // Shared jobs hold one place in line each: six places, not twelve.
  assert.equal(queued.length, 6);
  assert.ok(queued.every((s) => /number [1-6] in line/.test(s)), queued.join('\n'));
  for (const v of views) assert.deepEqual(statesByRt(v), statesByRt(views[0]));
  assert.ok(views[0].every((s) => ['ok', 'empty'].includes(s.state)), JSON.stringify(statesByRt(views[0])));
  const log = describeLog(sent);
  assert.equal(sent.length, 6, log);
  assert.deepEqual(duplicates(sent), {}, log);
  assert.ok(sent[0].at >= seededAt + WINDOW_MS, `the first request waited for the seeded budget:\n${log}`);
}

/**
 * example.com with WHOIS (rt 1) failing: the first view ends with WHOIS in error and the
 * rest "no results"; the second, once the service is back, asked for WHOIS alone (`sent`)
 * and took the "no results" from the cache.
 */
export function judgeErrorsNotCached({ first, second, sent, value }) {
  assert.deepEqual(statesByRt(first), { 1: 'error', 2: 'empty', 3: 'empty', 4: 'empty', 5: 'empty', 6: 'empty' });
  assert.deepEqual(statesByRt(second), { 1: 'ok', 2: 'empty', 3: 'empty', 4: 'empty', 5: 'empty', 6: 'empty' });
  assert.deepEqual(sent.map(requestKey), [`domain|${value}|1`], describeLog(sent));
  for (const s of second) {
    if (s.rt === '1') assert.doesNotMatch(s.status, /from the cache/, `rt 1: ${s.status}`);
    else assert.match(s.status, /from the cache/, `rt ${s.rt}: ${s.status}`);
  }
}

/**
 * A domain's six sections under a rate limit of three a minute answered with 204: the
 * three refused were asked again, once, at least a minute after the last refusal, and
 * answered then; every section ended with an answer.
 */
export function judge204Pause({ settled, sent }) {
  for (const s of settled) assert.ok(['ok', 'empty'].includes(s.state), `${s.rt}: ${s.state} ${s.message}`);
  const log = describeLog(sent);
  const refused = sent.filter((e) => e.status === 204);
  assert.equal(refused.length, 3, log);
  const lastRefusal = Math.max(...refused.map((e) => e.at));
  const retried = sent.filter((e) => e.at > lastRefusal);
  assert.deepEqual(retried.map(requestKey).sort(), refused.map(requestKey).sort(), log);
  assert.ok(retried.every((e) => e.at - lastRefusal >= PAUSE_MS), log);
  assert.ok(retried.every((e) => e.status === 200), log);
}

/**
 * vwrm.com with rt 2 failing with HTTP 500 every time and rt 3 answering empty once: rt 2
 * was tried three times (two retries, no more) and gave up, rt 3 twice, the rest once; and
 * each retry waited its turn, 5 s then 10 s at least. Returns rt 2's request times.
 */
export function judgeRetriedTwice({ settled, sent }) {
  assert.deepEqual(statesByRt(settled), { 1: 'ok', 2: 'error', 3: 'ok', 4: 'empty', 5: 'ok', 6: 'ok' });
  const log = describeLog(sent);
  const counts = countByKey(sent);
  assert.equal(counts['domain|vwrm.com|2'], 3, `a failing section: first try and two retries:\n${log}`);
  assert.equal(counts['domain|vwrm.com|3'], 2, `one failure, then the answer:\n${log}`);
  for (const rt of [1, 4, 5, 6]) assert.equal(counts[`domain|vwrm.com|${rt}`], 1, log);
  // The retries wait longer each time rather than hammering a broken service. Lower bounds
  // only: a busy machine makes the gaps longer, never shorter.
  const tries = sent.filter((e) => e.rt === '2').map((e) => e.at);
  assert.ok(tries[1] - tries[0] >= RETRY_WAIT_MS, `the first retry waited ${RETRY_WAIT_MS} ms:\n${log}`);
  assert.ok(tries[2] - tries[1] >= 2 * RETRY_WAIT_MS, `the second retry waited twice as long:\n${log}`);
  return tries;
}
