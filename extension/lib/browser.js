// One name for the extension API in both browsers. Firefox exposes `browser`
// (promise-based) and also `chrome`; Chromium exposes only `chrome`, whose
// MV3 methods return promises too. Everything else imports `api` from here.
export const api = globalThis.browser ?? globalThis.chrome;

// Debug output is off unless the `debug` setting is on; errors always log.
let debugOn = false;

/** Turns debug logging on or off. */
export function setDebug(on) {
  debugOn = Boolean(on);
}

/** Logs a decision when debug logging is on, with a fixed prefix. */
export function debug(...args) {
  if (debugOn) console.debug('[tmlookup]', ...args);
}
