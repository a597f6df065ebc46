// The toolbar popup: a search box. It lists the indicators found in what was
// typed or pasted, and opens the results view for one or all of them.
import init, * as core from './pkg/tmlookup.js';
import { api } from './lib/browser.js';
import { whenAccessible } from './lib/access.js';

const query = document.getElementById('query');
const found = document.getElementById('found');
const message = document.getElementById('message');
const lookupAll = document.getElementById('lookup-all');
const ready = init();

// Say at once when the browser keeps the extension from ThreatMiner.
whenAccessible(document.getElementById('access'));

document.getElementById('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  search();
});

// Enter searches; Shift+Enter keeps its usual meaning, a new line.
query.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    search();
  }
});

async function search() {
  await ready;
  const text = query.value;
  const { targets } = core.targets(text);
  found.replaceChildren();
  if (targets.length === 0) {
    message.textContent = core.nothing_found_message(text);
    message.hidden = false;
    lookupAll.hidden = true;
    return;
  }
  message.hidden = true;
  core.render_found_list(found, targets);
  lookupAll.hidden = targets.length < 2;
  lookupAll.textContent = `Look up all ${targets.length}`;
}

found.addEventListener('click', (event) => {
  const item = event.target.closest('li[data-indicator]');
  if (item && event.target.closest('button.lookup')) open([item]);
});

lookupAll.addEventListener('click', () => {
  open([...found.querySelectorAll('li[data-indicator]')]);
});

/**
 * Opens the results view for the listed items. Each goes as `i=kind:value`
 * so that kinds found only from context (a mutex after "Mutex:") keep it.
 */
async function open(items) {
  const params = new URLSearchParams();
  for (const li of items) params.append('i', `${li.dataset.kind}:${li.dataset.indicator}`);
  await api.tabs.create({ url: api.runtime.getURL('results.html?' + params) });
  // Only the real toolbar popup closes itself; popup.html opened in a tab
  // (as tests do) stays.
  if (api.extension?.getViews?.({ type: 'popup' }).includes(window)) window.close();
}
