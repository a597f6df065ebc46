// The options page: the API base URL, the budget, the cache and debug logs.
import { api } from './lib/browser.js';
import { CLEAR_CACHE } from './lib/messages.js';
import { DEFAULTS, loadSettings } from './lib/settings.js';

const form = document.getElementById('options-form');
const status = document.getElementById('saved');
const fields = Object.keys(DEFAULTS);

async function show() {
  const s = await loadSettings();
  for (const name of fields) {
    const input = document.getElementById(name);
    if (input.type === 'checkbox') input.checked = Boolean(s[name]);
    else input.value = String(s[name]);
  }
}

/** Reads the form; returns the settings or a message saying what is wrong. */
function read() {
  const out = {};
  for (const name of fields) {
    const input = document.getElementById(name);
    if (input.type === 'checkbox') out[name] = input.checked;
    else if (input.type === 'number') out[name] = Number(input.value);
    else out[name] = input.value.trim();
  }
  let url;
  try {
    url = new URL(out.apiBaseUrl);
  } catch {
    return { error: 'The API base URL is not a URL. Example: ' + DEFAULTS.apiBaseUrl };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { error: 'The API base URL must start with https:// (or http:// for a local proxy).' };
  }
  // Endpoints are appended to the base, so it must end with a slash.
  out.apiBaseUrl = url.href.endsWith('/') ? url.href : url.href + '/';
  return { settings: out };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const { settings, error } = read();
  if (error) {
    status.textContent = error;
    return;
  }
  await api.storage.local.set(settings);
  await show();
  status.textContent = 'Saved.';
});

document.getElementById('clear-cache').addEventListener('click', async () => {
  await api.runtime.sendMessage({ type: CLEAR_CACHE });
  status.textContent = 'Cached answers cleared.';
});

show();
