import { api } from './browser.js';

/** The settings and their defaults, as stored in `storage.local`. */
export const DEFAULTS = Object.freeze({
  apiBaseUrl: 'https://api.threatminer.org/v2/',
  // ThreatMiner documents 10 requests a minute; users may ask for fewer.
  requestsPerMinute: 10,
  cacheHours: 24,
  timeoutSeconds: 30,
  debug: false,
});

/** The hard ceiling of the budget: never more than ThreatMiner allows. */
export const MAX_PER_MINUTE = 10;

/** Reads every setting, falling back to the defaults. */
export async function loadSettings() {
  const stored = await api.storage.local.get(Object.keys(DEFAULTS));
  const s = { ...DEFAULTS, ...stored };
  s.requestsPerMinute = clampInt(s.requestsPerMinute, 1, MAX_PER_MINUTE);
  s.cacheHours = clampInt(s.cacheHours, 0, 24 * 30);
  s.timeoutSeconds = clampInt(s.timeoutSeconds, 5, 120);
  return s;
}

function clampInt(value, lo, hi) {
  const n = Math.round(Number(value));
  if (!Number.isFinite(n)) return lo;
  return Math.min(hi, Math.max(lo, n));
}
