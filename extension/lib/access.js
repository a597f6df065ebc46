// Host access to the ThreatMiner API. Chromium grants the manifest's host
// permission at install, but a user can revoke it; Firefox treats MV3 host
// permissions as opt-in, so on a fresh install nothing may reach ThreatMiner
// until the user allows it. The pages check, explain and offer one button.
import { api } from './browser.js';
import { loadSettings } from './settings.js';

/**
 * The match pattern for the configured API's host, without its port.
 * Firefox's match patterns cannot name a port: `http://127.0.0.1/*` lets it
 * fetch from any port of that host, yet `permissions.contains` says no for
 * `http://127.0.0.1:8080/*`. Chromium reads a pattern without a port as
 * every port, so both browsers agree on this form.
 */
export function originPattern(baseUrl) {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

/** The match pattern for the configured API's origin. */
export async function apiOrigin() {
  const { apiBaseUrl } = await loadSettings();
  return originPattern(apiBaseUrl);
}

/** Whether the extension may reach the configured API now. */
export async function hasAccess() {
  return api.permissions.contains({ origins: [await apiOrigin()] });
}

/**
 * Asks the browser for access. Must run inside a click handler, before any
 * other await: browsers grant permission prompts only to a user gesture.
 */
export function requestAccess(origin) {
  return api.permissions.request({ origins: [origin] });
}

/**
 * Shows the banner `el` while access is missing. Resolves once access is
 * there: at once, after the user allowed it with the banner's button, or
 * when it was given elsewhere (another page's banner, or the browser's
 * extension settings, where the refusal message sends people).
 */
export async function whenAccessible(el) {
  if (await hasAccess()) return;
  const origin = await apiOrigin();
  const host = new URL(origin.slice(0, -2)).host;
  const text = el.querySelector('.access-text');
  const button = el.querySelector('button');
  text.textContent = `The browser has not given ThreatMiner Lookup access to ${host} yet, so no lookup can run. Allow it once and lookups start.`;
  el.hidden = false;
  await new Promise((resolve) => {
    const granted = () => {
      api.permissions.onAdded.removeListener(onAdded);
      el.hidden = true;
      resolve();
    };
    const onAdded = async () => {
      if (await hasAccess()) granted();
    };
    api.permissions.onAdded.addListener(onAdded);
    button.addEventListener('click', async () => {
      if (await requestAccess(origin).catch(() => false)) {
        granted();
      } else {
        text.textContent = `Access to ${host} was not granted, so lookups cannot run. Allow it here, or in the browser's extension settings for ThreatMiner Lookup.`;
      }
    });
  });
}
