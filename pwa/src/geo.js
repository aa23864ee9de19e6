// @ts-check
// Distances on the phone: how far the user is from a case (WGS-84, great circle).

const EARTH_RADIUS_M = 6371008.8;

/**
 * Metres between two WGS-84 points, as the server measures them.
 * @param {{lon: number, lat: number}} a
 * @param {{lon: number, lat: number}} b
 */
export function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2
    + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
