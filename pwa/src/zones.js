// @ts-check
// Zone outlines for the maps (the district layer): fetched after login, kept in IndexedDB so the
// maps show them offline too.
import * as api from './api.js';
import * as store from './store.js';

/** @typedef {import('geojson').FeatureCollection} FeatureCollection */

export const OUTLINE_LAYER = 'district';
const CACHE_KEY = `zones:${OUTLINE_LAYER}`;

/** @type {FeatureCollection | null} */
let outlines = null;
/** @type {Set<(outlines: FeatureCollection) => void>} */
const listeners = new Set();

/** @returns {FeatureCollection | null} */
export function currentOutlines() {
  return outlines;
}

/**
 * @param {(outlines: FeatureCollection) => void} listener
 * @returns {() => void} stop listening
 */
export function onOutlines(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The cached outlines at once, the server's when it answers; failures leave what there is. */
export async function loadOutlines() {
  if (!outlines) {
    const cached = await store.cacheGet(CACHE_KEY).catch(() => undefined);
    if (cached && Array.isArray(cached.features)) {
      publish(cached);
    }
  }
  try {
    const fresh = await api.getZones(OUTLINE_LAYER);
    store.cachePut(CACHE_KEY, fresh).catch(() => {});
    publish(fresh);
  } catch {
    // Offline, or no such layer on this server: the map goes without outlines.
  }
}

/** @param {FeatureCollection} collection */
function publish(collection) {
  outlines = collection;
  listeners.forEach((listener) => listener(collection));
}
