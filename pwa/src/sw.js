// @ts-check
/// <reference lib="webworker" />
// The service worker: the app shell from a precache that the build versions by content hash.
// Pages go to the network first and fall back to the precached index.html (see below).
//
// Every built file is listed in self.__WB_MANIFEST with its revision hash; Workbox downloads a
// new version only when its hash changed and deletes entries of the old version on activate.
// API calls, /open311 and every non-GET request are not routed here, so they go to the network.
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

const worker = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

/** Paths the server answers itself, never with the app shell. */
const SERVER_PATHS = [/^\/api\//, /^\/open311\//, /^\/healthz$/];

/** How long a page load waits for the server's index.html before the precached one is used. */
const NAVIGATION_TIMEOUT_MS = 3000;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches(); // caches left by older Workbox precache formats

// Pages: the server's index.html when it answers in time, else the precached one (offline).
// The server's copy carries the Content-Security-Policy of today's configuration (a tile server
// configured after this version was installed is only allowed in img-src by a fresh header);
// the precached copy keeps the headers it was installed with.
const precachedShell = createHandlerBoundToURL('/index.html');
registerRoute(
  new NavigationRoute(async (options) => {
    try {
      const response = await Promise.race([
        fetch(options.request),
        new Promise((_resolve, reject) => {
          setTimeout(() => reject(new Error('timeout')), NAVIGATION_TIMEOUT_MS);
        }),
      ]);
      if (response instanceof Response && response.ok) {
        return response;
      }
    } catch {
      // Offline or too slow: the precached shell starts the app at once.
    }
    return precachedShell(options);
  }, { denylist: SERVER_PATHS }),
);

// A new version waits until the page asks it to take over (after the user agreed to reload),
// so a half-filled report is never interrupted by an update.
worker.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') {
    worker.skipWaiting();
  }
});

// Background Sync: the browser wakes the worker when the network is back. The upload itself runs
// in the page (it holds the session's CSRF token and shows progress), so the worker asks the open
// pages to sync; with none open, the page syncs on its next start.
const OUTBOX_SYNC_TAG = 'outbox';
worker.addEventListener('sync', (event) => {
  const sync = /** @type {ExtendableEvent & {tag: string}} */ (event);
  if (sync.tag === OUTBOX_SYNC_TAG) {
    sync.waitUntil(askPagesToSync());
  }
});

async function askPagesToSync() {
  const pages = await worker.clients.matchAll({ type: 'window' });
  pages.forEach((page) => page.postMessage({ type: 'SYNC_OUTBOX' }));
}

clientsClaim();
