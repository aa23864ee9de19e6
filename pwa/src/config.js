// @ts-check
// What the server tells the phone before login (GET /api/v1/client-config): the map's tile URL,
// centre and zoom, the location contexts and the severities. Kept in IndexedDB, so that an
// offline start shows the same choices and map as the last online one.
import * as api from './api.js';
import * as store from './store.js';

/**
 * @typedef {{code: string, name_zh: string, name_en: string | null}} Context
 * @typedef {{
 *   map: {tile_url: string | null, attribution: string, center: [number, number], zoom: number,
 *     subdomains?: string | string[], max_zoom?: number},
 *   contexts: Context[],
 *   severities: string[],
 *   verify_max_distance_m?: number,
 * }} ClientConfig
 */

/** Until the server answered once: Zhengzhou, no tiles, the severities every server has. */
export const DEFAULT_CONFIG = /** @type {ClientConfig} */ ({
  map: { tile_url: null, attribution: '', center: [113.6654, 34.7579], zoom: 11 },
  contexts: [],
  severities: ['normal', 'serious', 'severe'],
});

/** After-photos further than this from the case are refused (the server's default). */
export const DEFAULT_MAX_DISTANCE_M = 50;

const CACHE_KEY = 'client-config';

/** @type {ClientConfig} */
let current = DEFAULT_CONFIG;

/** @returns {ClientConfig} */
export function clientConfig() {
  return current;
}

/** How far from the case after-photos may be taken (metres). */
export function maxDistance() {
  const value = current.verify_max_distance_m;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_MAX_DISTANCE_M;
}

/**
 * The cached copy first, then the server's; resolves once the best available copy is in use.
 * @returns {Promise<boolean>} whether the server answered
 */
export async function loadClientConfig() {
  const cached = await store.cacheGet(CACHE_KEY).catch(() => undefined);
  if (isConfig(cached)) {
    current = cached;
  }
  try {
    const fresh = await api.getClientConfig();
    if (isConfig(fresh)) {
      current = fresh;
      store.cachePut(CACHE_KEY, fresh).catch(() => {});
    }
    return true;
  } catch {
    return false; // offline: the cached copy (or the defaults) will do
  }
}

/**
 * @param {unknown} value
 * @returns {value is ClientConfig}
 */
function isConfig(value) {
  const config = /** @type {any} */ (value);
  return Boolean(config && config.map && Array.isArray(config.map.center)
    && Array.isArray(config.contexts) && Array.isArray(config.severities));
}

/**
 * The configured tile layer for the map modules, or null: maps are drawn without tiles then.
 * @param {ClientConfig['map']} config
 */
export function mapTiles(config) {
  return config.tile_url
    ? { url: config.tile_url, attribution: config.attribution, subdomains: config.subdomains,
      maxZoom: config.max_zoom }
    : null;
}
