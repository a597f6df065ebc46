// The trail: how the analyst got to this results page, pivot by pivot, shown
// as breadcrumbs. It lives per tab and per history entry:
//
// - each history entry keeps its own trail in `history.state`, so back and
//   forward (and reloads) show the trail that entry was reached by;
// - session storage, which the browser keeps per tab, holds the trail of the
//   page shown last, so the next page opened in the tab (a pivot link) can
//   extend it. A new tab starts with empty session storage: a fresh trail.
//
// A breadcrumb goes back through the tab's history rather than loading the
// page again: every step of a trail was one navigation in this tab, so the
// crumb `i` of `n` is `n - 1 - i` entries back. Its href still names the
// page, for opening it in a new tab.

const KEY = 'tmlookup.trail';
// Long chains keep their latest steps; the start of the trail falls off.
const MAX_STEPS = 12;

/**
 * The trail for this page: the stored one for a history entry seen before,
 * else the previous page's trail plus `{label, url}` for this one.
 */
export function currentTrail(label) {
  const here = location.pathname + location.search;
  // A page restored from the back-forward cache runs no script again: make
  // its trail the one the next pivot extends.
  addEventListener('pageshow', (event) => {
    if (event.persisted && Array.isArray(history.state?.trail)) remember(history.state.trail);
  });
  const kept = history.state?.trail;
  if (Array.isArray(kept) && kept.at(-1)?.url === here) {
    remember(kept);
    return kept;
  }
  const before = readStored().filter((step) => step.url !== here);
  const trail = [...before, { label, url: here }].slice(-MAX_STEPS);
  history.replaceState({ ...history.state, trail }, '');
  remember(trail);
  return trail;
}

function readStored() {
  try {
    const steps = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(steps)
      ? steps.filter((s) => typeof s?.label === 'string' && isResultsPath(s?.url))
      : [];
  } catch {
    return [];
  }
}

/** Only this extension's results page: never another origin's address. */
function isResultsPath(url) {
  return typeof url === 'string' && url.startsWith('/results.html');
}

function remember(trail) {
  sessionStorage.setItem(KEY, JSON.stringify(trail));
}

/**
 * Draws `trail` into `nav` (a `<nav>` holding an `<ol>`): a link per earlier
 * step, the current page last and marked as such. Shown only once there is
 * somewhere to go back to.
 */
export function drawTrail(nav, trail) {
  const list = nav.querySelector('ol');
  list.replaceChildren();
  trail.forEach((step, i) => {
    const li = document.createElement('li');
    if (i === trail.length - 1) {
      const span = document.createElement('span');
      span.textContent = step.label;
      span.setAttribute('aria-current', 'page');
      li.append(span);
    } else {
      const a = document.createElement('a');
      // Only pages of this extension: every stored url is a results path.
      a.href = new URL(step.url, location.origin).href;
      a.textContent = step.label;
      a.dataset.back = String(trail.length - 1 - i);
      li.append(a);
    }
    list.append(li);
  });
  nav.hidden = trail.length < 2;
  nav.addEventListener('click', (event) => {
    const a = event.target.closest('a[data-back]');
    if (!a || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    history.go(-Number(a.dataset.back));
  });
}
