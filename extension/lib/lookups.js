// A page's side of the lookup port. It remembers which requests are still
// unanswered, so that when the background restarts (Chromium stops an idle
// service worker) the page reconnects and asks again: no lookup is lost.
import { api } from './browser.js';
import * as msg from './messages.js';

// The service worker stops after about 30 s without events; a view that is
// still waiting pings it well before that.
const PING_MS = 20_000;

/**
 * Connects to the background. `onProgress` gets every progress message.
 * Returns `{want(items), front(ids), close()}`.
 */
export function connectLookups(onProgress) {
  const pending = new Map();
  let port = null;
  let timer = null;

  function connect() {
    port = api.runtime.connect({ name: msg.PORT_NAME });
    port.onMessage.addListener((m) => {
      if (m.type === msg.DONE) pending.delete(m.id);
      onProgress(m);
      if (pending.size === 0) stopPinging();
    });
    port.onDisconnect.addListener(() => {
      port = null;
      if (pending.size > 0) {
        // Ask again for everything unanswered; cached answers come back
        // at once and the budget is kept by the background.
        connect();
        port.postMessage({ type: msg.WANT, items: [...pending.values()] });
      }
    });
  }

  function startPinging() {
    if (timer === null) {
      timer = setInterval(() => port?.postMessage({ type: msg.PING }), PING_MS);
    }
  }

  function stopPinging() {
    clearInterval(timer);
    timer = null;
  }

  return {
    want(items) {
      if (!port) connect();
      for (const item of items) pending.set(item.id, item);
      port.postMessage({ type: msg.WANT, items });
      startPinging();
    },
    front(ids) {
      port?.postMessage({ type: msg.FRONT, ids });
    },
    close() {
      stopPinging();
      port?.disconnect();
    },
  };
}
