// The answer cache: ThreatMiner answers ("no results" too, errors never),
// keyed by endpoint, rt and value, in storage.local. An index of last use
// and size bounds it; the least recently used answers go first.
import { api, debug } from './browser.js';

const PREFIX = 'c:';
const INDEX = 'cacheIndex';
// storage.local holds about 10 MB without the unlimitedStorage permission,
// which we do not ask for; leave room for settings, history and the budget.
const MAX_BYTES = 6_000_000;
const MAX_ENTRIES = 5_000;

async function readIndex() {
  const { [INDEX]: index } = await api.storage.local.get(INDEX);
  return index && typeof index === 'object' ? index : {};
}

/**
 * Returns `{outcome, fetchedAt}` for `key` when it is younger than
 * `maxHours`, or null.
 */
export async function get(key, maxHours) {
  if (maxHours <= 0) return null;
  const { [PREFIX + key]: entry } = await api.storage.local.get(PREFIX + key);
  if (!entry) return null;
  if (Date.now() - entry.fetchedAt > maxHours * 3_600_000) return null;
  touch(key);
  return entry;
}

// Index updates run one at a time so that two answers arriving together do
// not overwrite each other's index entry.
let writing = Promise.resolve();

/** Stores an answer; a full storage quota evicts old answers, then gives up. */
export function put(key, entry) {
  writing = writing.then(() => write(key, entry)).catch((err) => {
    console.warn('[tmlookup] answer not cached:', err?.message ?? err);
  });
  return writing;
}

/** Marks `key` as just used, for the eviction order. */
function touch(key) {
  writing = writing.then(async () => {
    const index = await readIndex();
    if (!index[key]) return;
    index[key][0] = Date.now();
    await api.storage.local.set({ [INDEX]: index });
  }).catch(() => {});
}

async function write(key, entry) {
  const bytes = JSON.stringify(entry).length;
  if (bytes > MAX_BYTES / 4) {
    debug('answer too large to cache', key, bytes);
    return;
  }
  const index = await readIndex();
  index[key] = [Date.now(), bytes];
  const evicted = evict(index);
  try {
    if (evicted.length) await api.storage.local.remove(evicted.map((k) => PREFIX + k));
    await api.storage.local.set({ [PREFIX + key]: entry, [INDEX]: index });
  } catch (err) {
    // The quota is full after all (other data grew): drop half the cache
    // and try once more; if that fails too, the answer is shown uncached.
    console.warn('[tmlookup] cache write failed:', err?.message ?? err);
    const half = evict(index, true);
    await api.storage.local.remove(half.map((k) => PREFIX + k)).catch(() => {});
    await api.storage.local.set({ [PREFIX + key]: entry, [INDEX]: index }).catch(() => {});
  }
}

/** Removes least recently used keys from `index`; returns them. */
function evict(index, half = false) {
  const keys = Object.keys(index).sort((a, b) => index[a][0] - index[b][0]);
  let total = keys.reduce((sum, k) => sum + index[k][1], 0);
  const target = half ? total / 2 : MAX_BYTES;
  const out = [];
  while (keys.length && (total > target || keys.length > MAX_ENTRIES)) {
    const k = keys.shift();
    total -= index[k][1];
    delete index[k];
    out.push(k);
  }
  return out;
}

/** Forgets every cached answer. */
export async function clear() {
  await writing;
  const all = await api.storage.local.get(null);
  const keys = Object.keys(all).filter((k) => k.startsWith(PREFIX));
  await api.storage.local.remove([...keys, INDEX]);
}
