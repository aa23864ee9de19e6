// @ts-check
// The map itself (Leaflet), loaded on first use: the start, login and home screens do not pay for
// it. ui/map.js is the only module that imports this one.
//
// Tiles come from the configured tile server, when there is one. Everything the user needs is
// drawn as vectors over a plain background, so the map still works without tiles (offline, or no
// tile server configured): the user's position and its accuracy, cases, the draggable pin and
// zone outlines. Under the strict CSP nothing here writes a style attribute or inline HTML with
// styles: Leaflet positions its elements through element.style (CSSOM, which CSP allows), paths
// get presentation attributes, and labels are text nodes.
import 'leaflet/dist/leaflet.css';
import {
  circle,
  circleMarker,
  control,
  divIcon,
  geoJSON,
  latLngBounds,
  layerGroup,
  map as leafletMap,
  marker,
  tileLayer,
} from 'leaflet';

/**
 * @typedef {{lon: number, lat: number}} LonLat
 * @typedef {LonLat & {accuracy: number | null}} Located
 * @typedef {{id: number, lon: number, lat: number, accuracy: number | null, label: string,
 *   open?: () => void}} MapPoint a case on the map; `open` shows it
 * @typedef {{url: string, attribution: string, subdomains?: string | string[],
 *   maxZoom?: number}} Tiles
 * @typedef {{zoomIn: string, zoomOut: string, pin: string}} MapTexts
 * @typedef {{
 *   tiles: Tiles | null,
 *   center: LonLat,
 *   zoom: number,
 *   texts: MapTexts,
 *   outlines: import('geojson').FeatureCollection | null,
 *   points: MapPoint[],
 *   position: Located | null,
 *   pin: LonLat | null,
 *   onPin: ((where: LonLat) => void) | null,
 * }} MapOptions
 * @typedef {{
 *   setPosition: (position: Located | null) => void,
 *   setPin: (pin: LonLat | null) => void,
 *   setOutlines: (outlines: import('geojson').FeatureCollection | null) => void,
 *   setPoints: (points: MapPoint[]) => void,
 *   remove: () => void,
 * }} MapHandle
 */

const CLOSE_ZOOM = 17; // a street: the pin can be set to within a few metres
const COLORS = {
  outline: '#0b4a8f',
  case: '#b00020',
  position: '#1565c0',
};

/**
 * @param {LonLat} where
 * @returns {[number, number]} Leaflet's [lat, lon]
 */
const latLon = (where) => [where.lat, where.lon];

/**
 * What every map has: zoom buttons, a scale, and the tile layer with its attribution, or the
 * plain look when no tile server is configured.
 * @param {import('leaflet').Map} map
 * @param {HTMLElement} container
 * @param {Tiles | null} tiles
 * @param {{zoomIn: string, zoomOut: string}} texts
 */
export function addBase(map, container, tiles, texts) {
  control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
  control.scale({ imperial: false }).addTo(map); // distances make sense without tiles too
  if (tiles) {
    const { url, attribution, subdomains, maxZoom } = tiles;
    tileLayer(url, { attribution, maxZoom: maxZoom ?? 19, ...(subdomains ? { subdomains } : {}) })
      .addTo(map);
    control.attribution().addTo(map);
  } else {
    container.classList.add('map--plain');
  }
}

/**
 * Draw a map into `container` (which must be in the page and have a height).
 * @param {HTMLElement} container
 * @param {MapOptions} options
 * @returns {MapHandle}
 */
export function createMap(container, options) {
  const map = leafletMap(container, {
    zoomControl: false,
    attributionControl: false,
    scrollWheelZoom: false, // the page scrolls; zoom with the buttons or two fingers
    zoomSnap: 0.5,
  });
  addBase(map, container, options.tiles, options.texts);

  const outlines = layerGroup().addTo(map);
  const points = layerGroup().addTo(map);
  const position = layerGroup().addTo(map);
  /** @type {import('leaflet').Marker | null} */
  let pin = null;

  // What to look at first: the pin, else the user and the (nearest) cases, else the city.
  const focus = options.pin ? [options.pin]
    : [...(options.position ? [options.position] : []), ...options.points.slice(0, 5)];
  if (focus.length > 1) {
    map.fitBounds(latLngBounds(focus.map(latLon)), { padding: [32, 32], maxZoom: CLOSE_ZOOM });
  } else {
    map.setView(latLon(focus[0] ?? options.center), focus.length ? CLOSE_ZOOM : options.zoom);
  }

  /** @param {import('geojson').FeatureCollection | null} collection */
  const setOutlines = (collection) => {
    outlines.clearLayers();
    if (!collection) {
      return;
    }
    geoJSON(collection, {
      interactive: false,
      style: () => ({
        className: 'map-outline', color: COLORS.outline, weight: 2, opacity: 0.8,
        fill: true, fillOpacity: 0.03, interactive: false,
      }),
      onEachFeature: (feature, layer) => {
        const name = feature.properties?.name;
        if (typeof name === 'string' && name) {
          const label = document.createElement('span');
          label.textContent = name; // a zone name from the server: text, never HTML
          layer.bindTooltip(label, {
            permanent: true, direction: 'center', className: 'map-label', interactive: false,
          });
        }
      },
    }).addTo(outlines);
  };

  /** @param {MapPoint[]} list */
  const setPoints = (list) => {
    points.clearLayers();
    for (const point of list) {
      if (point.accuracy) {
        circle(latLon(point), {
          radius: point.accuracy, className: 'map-case-accuracy', color: COLORS.case, weight: 1,
          fillOpacity: 0.1, interactive: false,
        }).addTo(points);
      }
      const dot = circleMarker(latLon(point), {
        radius: 9, className: 'map-case', color: '#fff', weight: 3, fillColor: COLORS.case,
        fillOpacity: 1, interactive: Boolean(point.open),
      }).addTo(points);
      const open = point.open;
      if (open) {
        dot.on('click', () => open());
      }
    }
  };

  /** @param {Located | null} where */
  const setPosition = (where) => {
    position.clearLayers();
    if (!where) {
      return;
    }
    if (where.accuracy) {
      circle(latLon(where), {
        radius: where.accuracy, className: 'map-position-accuracy', color: COLORS.position,
        weight: 1, fillOpacity: 0.12, interactive: false,
      }).addTo(position);
    }
    circleMarker(latLon(where), {
      radius: 7, className: 'map-position', color: '#fff', weight: 3, fillColor: COLORS.position,
      fillOpacity: 1, interactive: false,
    }).addTo(position);
  };

  /** @param {LonLat} where */
  const movedTo = (where) => options.onPin?.(where);

  /** @param {LonLat | null} where */
  const setPin = (where) => {
    if (!where) {
      pin?.remove();
      pin = null;
      return;
    }
    if (pin) {
      pin.setLatLng(latLon(where));
      if (!map.getBounds().contains(latLon(where))) {
        map.panTo(latLon(where));
      }
      return;
    }
    map.setView(latLon(where), Math.max(map.getZoom(), CLOSE_ZOOM)); // the first fix: go there
    pin = marker(latLon(where), {
      icon: divIcon({ className: 'map-pin', iconSize: [36, 44], iconAnchor: [18, 42] }),
      draggable: true,
      autoPan: true,
      keyboard: true,
      title: options.texts.pin,
      zIndexOffset: 1000,
    }).addTo(map);
    pin.on('dragend', () => {
      const { lat, lng } = /** @type {import('leaflet').Marker} */ (pin).getLatLng();
      movedTo({ lon: lng, lat });
    });
  };

  if (options.onPin) {
    // A tap on the map puts the pin there: easier with one thumb than dragging it.
    map.on('click', (event) => {
      const { lat, lng } = event.latlng;
      setPin({ lon: lng, lat });
      movedTo({ lon: lng, lat });
    });
  }

  setOutlines(options.outlines);
  setPoints(options.points);
  setPosition(options.position);
  setPin(options.pin);
  return { setPosition, setPin, setOutlines, setPoints, remove: () => map.remove() };
}
