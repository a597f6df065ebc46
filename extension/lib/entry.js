// Entry points that live in the background: the keyboard shortcut that looks
// up the selection, the address-bar keyword `tm`, and the lookup asked for by
// the card on a highlighted page (lib/highlight.js). All open the results
// view; none reads a page until the user asks.
import { api } from './browser.js';
import { LOOKUP_FROM_PAGE } from './highlight.js';

const LOOKUP_COMMAND = 'lookup-selection';

/** Runs in the page: the selected text, if any. */
function selectedText() {
  return getSelection()?.toString() ?? '';
}

/**
 * Registers the shortcut and the keyword. `openResults(text, tab)` is the
 * background's opener for a results tab next to `tab`.
 *
 * The handlers are also named on the global scope, as `lookupShortcut` and
 * `omniboxEntered`, for tests: neither a key press reaching the browser UI
 * nor the address bar can be driven by one.
 */
export function registerEntryPoints(openResults) {
  /** Looks up the selection of `tab`. The shortcut grants activeTab for it. */
  async function lookupShortcut(tab) {
    if (!tab || tab.id === undefined || tab.id < 0) return;
    let text = '';
    try {
      const [injection] = await api.scripting.executeScript({
        target: { tabId: tab.id },
        func: selectedText,
      });
      text = typeof injection?.result === 'string' ? injection.result : '';
    } catch (err) {
      // Browser pages and the web store refuse scripts; the results view then
      // says there was nothing to look up and how to go on.
      console.error('[tmlookup] the selection could not be read', err);
    }
    await openResults(text, tab);
  }

  /** Opens results for what followed `tm ` in the address bar. */
  async function omniboxEntered(text, disposition) {
    const url = api.runtime.getURL('results.html?q=' + encodeURIComponent(text.trim()));
    if (disposition === 'currentTab') await api.tabs.update({ url });
    else await api.tabs.create({ url, active: disposition !== 'newBackgroundTab' });
  }

  globalThis.lookupShortcut = lookupShortcut;
  globalThis.omniboxEntered = omniboxEntered;

  api.commands?.onCommand.addListener((command, tab) => {
    if (command !== LOOKUP_COMMAND) return;
    // Chromium passes the tab; Firefox may not, so ask for the active one.
    const tabNow = tab ?? api.tabs.query({ active: true, currentWindow: true }).then(([t]) => t);
    Promise.resolve(tabNow).then(lookupShortcut);
  });
  api.omnibox?.setDefaultSuggestion({
    description: 'Find the indicators in this text and look them up on ThreatMiner',
  });
  api.omnibox?.onInputEntered.addListener((text, disposition) => {
    omniboxEntered(text, disposition);
  });
  // The card on a highlighted page asks for one value; only the extension's
  // own injected code can send it (no page can message the extension).
  api.runtime.onMessage.addListener((m, sender) => {
    if (m?.type !== LOOKUP_FROM_PAGE || sender.id !== api.runtime.id || !sender.tab) return false;
    openResults(String(m.value ?? ''), sender.tab);
    return false;
  });
}
