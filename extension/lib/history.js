// Recent lookups, for the popup: the label and address of the last results
// pages opened, newest first, in storage.local. Capped and clearable; only
// the values looked up are kept, never the text they were found in.
//
// Only the background writes entries (`recordLookup`, one at a time); a
// results page asks it to with `askToRecord`.
import { api } from './browser.js';
import { RECORD_LOOKUP } from './messages.js';

const KEY = 'recentLookups';
const MAX_ENTRIES = 15;

/** The history, newest first: `[{label, url, at}]`. */
export async function loadHistory() {
  const { [KEY]: entries } = await api.storage.local.get(KEY);
  return Array.isArray(entries) ? entries : [];
}

/**
 * Puts `{label, url}` at the top of the history; an older entry with the
 * same address moves up instead of appearing twice.
 */
export async function recordLookup(label, url) {
  const entries = (await loadHistory()).filter((e) => e.url !== url);
  entries.unshift({ label, url, at: Date.now() });
  await api.storage.local.set({ [KEY]: entries.slice(0, MAX_ENTRIES) });
}

/** From a results page: has the background record `{label, url}`. */
export function askToRecord(label, url) {
  return api.runtime.sendMessage({ type: RECORD_LOOKUP, label, url });
}

/** Calls `onChange` whenever the history changes, from any page. */
export function watchHistory(onChange) {
  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && KEY in changes) onChange();
  });
}

/** Forgets every entry. */
export async function clearHistory() {
  await api.storage.local.remove(KEY);
}
