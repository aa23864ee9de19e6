// @ts-check
/// <reference lib="webworker" />
// The service worker: the app shell from a precache that the build versions by content hash.
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

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches(); // caches left by older Workbox precache formats
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: SERVER_PATHS }),
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
