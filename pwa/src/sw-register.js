// @ts-check
// Registers the service worker and reports when a new version is waiting to take over.

const SW_URL = '/sw.js';
const UPDATE_CHECK_MS = 60 * 60 * 1000; // phones keep the app open for days

/**
 * @param {(activate: () => void) => void} onUpdateReady called with a function that switches
 *   to the waiting version and reloads the page once it controls it
 */
export function registerServiceWorker(onUpdateReady) {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) {
    return;
  }
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register(SW_URL, { scope: '/' })
      .then((registration) => watchForUpdates(registration, onUpdateReady))
      .catch((error) => console.warn('service worker registration failed', error));
  });
}

/**
 * @param {ServiceWorkerRegistration} registration
 * @param {(activate: () => void) => void} onUpdateReady
 */
function watchForUpdates(registration, onUpdateReady) {
  const offer = () => {
    // Only an update when an older version controls the page; the first install is not.
    if (registration.waiting && navigator.serviceWorker.controller) {
      onUpdateReady(() => activate(registration));
    }
  };
  offer();
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') {
        offer();
      }
    });
  });
  const check = () => registration.update().catch(() => {}); // offline: try again later
  setInterval(check, UPDATE_CHECK_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      check();
    }
  });
}

/** @param {ServiceWorkerRegistration} registration */
function activate(registration) {
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), {
    once: true,
  });
  registration.waiting?.postMessage({ type: 'SKIP_WAITING' });
}
