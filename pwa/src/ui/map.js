// @ts-check
// A map on a screen: its box is drawn at once, and Leaflet (ui code's only way to it) is loaded
// into it on first use, so the screens without a map never download it. When the map code cannot
// be loaded (offline before it was ever cached) the box says so; the screen works without it.
import { clientConfig, mapTiles } from '../config.js';
import { t } from '../i18n.js';
import { currentOutlines, onOutlines } from '../zones.js';
import { h, whileShown } from './dom.js';

/**
 * @typedef {import('../map/leaflet-map.js').LonLat} LonLat
 * @typedef {import('../map/leaflet-map.js').Located} Located
 * @typedef {import('../map/leaflet-map.js').MapPoint} MapPoint
 * @typedef {import('../map/leaflet-map.js').MapHandle} MapHandle
 * @typedef {{label: string, points?: MapPoint[], position?: Located | null, pin?: LonLat | null,
 *   onPin?: (where: LonLat) => void}} MapBoxOptions
 * @typedef {{element: HTMLElement, setPosition: (position: Located | null) => void,
 *   setPin: (pin: LonLat | null) => void, setPoints: (points: MapPoint[]) => void}} MapBox
 */

/** @type {Promise<typeof import('../map/leaflet-map.js')> | null} */
let loading = null;

/** The map code, loaded once; a failed load is tried again next time. */
export function loadMapCode() {
  loading ??= import('../map/leaflet-map.js').catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

/**
 * @param {MapBoxOptions} options
 * @returns {MapBox}
 */
export function mapBox(options) {
  const config = clientConfig().map;
  const canvas = h('div', {
    className: 'map__canvas',
    attrs: { role: 'region', 'aria-label': options.label },
  });
  const element = h('div', { className: 'map' },
    canvas,
    config.tile_url ? null : h('p', { className: 'map__note muted' }, t('map.no_tiles')));
  // What the map should show; kept here until the map exists, then passed on as it changes.
  let position = options.position ?? null;
  let pin = options.pin ?? null;
  let points = options.points ?? [];
  /** @type {MapHandle | null} */
  let handle = null;
  let shown = true;

  const stopOutlines = onOutlines((outlines) => handle?.setOutlines(outlines));
  whileShown(() => {
    shown = false;
    stopOutlines();
    handle?.remove();
    handle = null;
  });

  loadMapCode().then(async (code) => {
    while (shown && !canvas.isConnected) {
      await new Promise((resolve) => requestAnimationFrame(resolve)); // not in the page yet
    }
    if (!shown) {
      return;
    }
    handle = code.createMap(canvas, {
      tiles: mapTiles(config),
      center: { lon: config.center[0], lat: config.center[1] },
      zoom: config.zoom,
      texts: { zoomIn: t('map.zoom_in'), zoomOut: t('map.zoom_out'), pin: t('map.pin') },
      outlines: currentOutlines(),
      points,
      position,
      pin,
      onPin: options.onPin ?? null,
    });
    canvas.dataset.ready = 'true';
  }).catch(() => {
    if (shown) {
      canvas.replaceChildren(h('p', { className: 'map__fallback muted' }, t('map.unavailable')));
    }
  });

  return {
    element,
    setPosition: (next) => {
      position = next;
      handle?.setPosition(next);
    },
    setPin: (next) => {
      pin = next;
      handle?.setPin(next);
    },
    setPoints: (next) => {
      points = next;
      handle?.setPoints(next);
    },
  };
}
