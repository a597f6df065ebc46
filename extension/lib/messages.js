// The message vocabulary between the extension's pages and its background.
// Pages talk to the background over a long-lived port named PORT_NAME, so the
// background can report progress (queued, loading) and learn when a view
// closes.

export const PORT_NAME = 'lookup';

/** Page → background: run these requests. `ids` are the page's own. */
export const WANT = 'want';
/** Page → background: forget the page's queued requests with these ids. */
export const DROP = 'drop';
/** Page → background: the user is looking at these requests (`ids`): move
 * them ahead of the rest of the queue, in this order. */
export const FRONT = 'front';
/** Page → background: keeps the service worker awake while the view waits. */
export const PING = 'ping';

/** Background → page: the request is waiting for budget. */
export const QUEUED = 'queued';
/** Background → page: the request left. */
export const LOADING = 'loading';
/** Background → page: the request is answered (or failed). */
export const DONE = 'done';

/** One-shot message: clear the answer cache (options page). */
export const CLEAR_CACHE = 'clear-cache';
/** One-shot message: add `{label, url}` to the recent lookups (results
 * page). The background writes it, so a view closed at once still counts,
 * and two views opened together cannot overwrite each other's entry. */
export const RECORD_LOOKUP = 'record-lookup';
