// @ts-check
// The supervisors' problem map (Leaflet, shared with the phone map's chunk): clusters as circles
// sized by their count, single cases coloured by state and overdue, zone outlines and recurrence
// hotspots as toggles. Loaded with the supervisor code only. Labels are text nodes; Leaflet
// positions through element.style (CSSOM), which the CSP allows.
import 'leaflet/dist/leaflet.css';
import {
  circleMarker, geoJSON, latLngBounds, layerGroup, map as leafletMap,
} from 'leaflet';
import { addBase } from '../map/leaflet-map.js';

/**
 * @typedef {{lon: number, lat: number}} LonLat
 * @typedef {{url: string, attribution: string, subdomains?: string | string[],
 *   maxZoom?: number}} Tiles
 * @typedef {{cluster?: boolean, count?: number, open?: number, overdue?: number | boolean,
 *   id?: number, number?: string, state?: string, category?: string,
 *   recurrence?: boolean}} FeatureProps
 * @typedef {{category: string, cases: number, lon: number, lat: number,
 *   numbers: string[]}} Hotspot
 * @typedef {{
 *   tiles: Tiles | null, center: LonLat, zoom: number,
 *   texts: {zoomIn: string, zoomOut: string},
 *   onView: (bbox: [number, number, number, number], zoom: number) => void,
 *   onCase: (id: number) => void,
 *   caseLabel: (props: FeatureProps) => string,
 * }} ProblemMapOptions
 */



const STATE_COLORS = /** @type {Record<string, string>} */ ({
  unrouted: '#6a1b9a',
  dispatched: '#1565c0',
  in_progress: '#00838f',
  disputed: '#e65100',
  extension_requested: '#f9a825',
  rectified: '#2e7d32',
  closed: '#616161',
});
const OVERDUE = '#b00020';

/** @param {FeatureProps} props */
export function caseColor(props) {
  return props.overdue ? OVERDUE : STATE_COLORS[props.state ?? ''] ?? '#37474f';
}

/**
 * @param {HTMLElement} container
 * @param {ProblemMapOptions} options
 */
export function createProblemMap(container, options) {
  const map = leafletMap(container, { zoomControl: false, attributionControl: false, zoomSnap: 1 });
  addBase(map, container, options.tiles, options.texts);
  const outlines = layerGroup();
  const hotspots = layerGroup();
  const features = layerGroup().addTo(map);
  map.setView([options.center.lat, options.center.lon], options.zoom);

  const report = () => {
    const bounds = map.getBounds();
    options.onView([bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()],
      Math.round(map.getZoom()));
  };
  map.on('moveend', report);

  /** @param {string} text */
  const label = (text) => {
    const span = document.createElement('span');
    span.textContent = text;
    return span;
  };

  /** @param {import('geojson').FeatureCollection & {cell_degrees?: number}} collection */
  const setFeatures = (collection) => {
    const half = (collection.cell_degrees ?? 0) / 2;
    features.clearLayers();
    const counts = collection.features.map((f) => Number(f.properties?.count ?? 1));
    const most = Math.max(1, ...counts);
    for (const feature of collection.features) {
      if (feature.geometry.type !== 'Point') {
        continue;
      }
      const [lon, lat] = feature.geometry.coordinates;
      const props = /** @type {FeatureProps} */ (feature.properties ?? {});
      if (props.cluster) {
        const count = Number(props.count ?? 0);
        const dot = circleMarker([lat, lon], {
          radius: 10 + 22 * Math.sqrt(count / most), className: 'sv-cluster',
          color: '#fff', weight: 2, fillColor: props.overdue ? OVERDUE : '#0b4a8f',
          fillOpacity: 0.75,
        }).addTo(features);
        dot.bindTooltip(label(String(count)), {
          permanent: true, direction: 'center', className: 'sv-cluster-label',
        });
        // Drill down: show the whole grid cell (the server snaps its cases to the nearest grid
        // point, so they lie within half a cell of it); a few more clicks reach single cases.
        dot.on('click', () => {
          const zoom = map.getZoom();
          const fits = half
            ? map.getBoundsZoom(latLngBounds([lat - half, lon - half], [lat + half, lon + half]))
            : zoom + 2;
          map.setView([lat, lon], Math.max(zoom + 1, fits));
        });
      } else if (typeof props.id === 'number') {
        const id = props.id;
        const dot = circleMarker([lat, lon], {
          radius: props.recurrence ? 10 : 8, className: 'sv-case', color: '#fff',
          weight: props.recurrence ? 4 : 2, fillColor: caseColor(props), fillOpacity: 1,
        }).addTo(features);
        dot.bindTooltip(label(options.caseLabel(props)));
        dot.on('click', () => options.onCase(id));
      }
    }
  };

  /** @param {import('geojson').FeatureCollection | null} collection */
  const setOutlines = (collection) => {
    outlines.clearLayers();
    if (!collection) {
      return;
    }
    geoJSON(collection, {
      interactive: false,
      style: () => ({ className: 'map-outline', color: '#0b4a8f', weight: 2, opacity: 0.8,
        fill: false, interactive: false }),
      onEachFeature: (feature, layer) => {
        const name = feature.properties?.name;
        if (typeof name === 'string' && name) {
          layer.bindTooltip(label(name), { permanent: true, direction: 'center',
            className: 'map-label', interactive: false });
        }
      },
    }).addTo(outlines);
  };

  /**
   * @param {Hotspot[]} list
   * @param {(spot: Hotspot) => string} text
   */
  const setHotspots = (list, text) => {
    hotspots.clearLayers();
    for (const spot of list) {
      circleMarker([spot.lat, spot.lon], {
        radius: 14 + Math.min(20, spot.cases * 2), className: 'sv-hotspot', color: '#d50000',
        weight: 3, dashArray: '4 4', fill: false, interactive: true,
      }).bindTooltip(label(text(spot))).addTo(hotspots);
    }
  };

  /** @param {import('leaflet').LayerGroup} layer @param {boolean} on */
  const toggle = (layer, on) => {
    if (on) {
      layer.addTo(map);
    } else {
      layer.remove();
    }
  };

  /** @param {LonLat} where @param {number} zoom */
  const goTo = (where, zoom) => map.setView([where.lat, where.lon], zoom);

  requestAnimationFrame(report);
  return {
    setFeatures,
    setOutlines,
    setHotspots,
    showOutlines: (/** @type {boolean} */ on) => toggle(outlines, on),
    showHotspots: (/** @type {boolean} */ on) => toggle(hotspots, on),
    goTo,
    refresh: report,
    remove: () => map.remove(),
  };
}

/** @typedef {ReturnType<typeof createProblemMap>} ProblemMap */
