// @ts-check
// The device position while a screen needs it (capture, rectify, verify): watched, never cached
// for long. The screens that show it (the place box, a map) listen until they are replaced.

/**
 * @typedef {{lon: number, lat: number, accuracy: number, at: number}} Fix
 * @typedef {'idle' | 'locating' | 'ok' | 'denied' | 'unavailable' | 'unsupported'} LocationStatus
 * @typedef {{status: LocationStatus, fix: Fix | null}} Location
 */

/** @type {Location} */
let location = { status: 'idle', fix: null };
/** @type {number | null} */
let watchId = null;
/** @type {Set<(location: Location) => void>} the parts of the screen showing it */
const listeners = new Set();

/** @returns {Location} */
export function currentLocation() {
  return location;
}

/**
 * @param {(location: Location) => void} callback called on every change
 * @returns {() => void} stop listening
 */
export function onLocation(callback) {
  listeners.add(callback);
  return () => listeners.delete(callback);
}

export function startLocating() {
  if (watchId !== null) {
    return;
  }
  if (!('geolocation' in navigator)) {
    update({ status: 'unsupported', fix: null });
    return;
  }
  update({ status: 'locating', fix: null });
  watchId = navigator.geolocation.watchPosition(onFix, onError, {
    enableHighAccuracy: true,
    maximumAge: 10000,
    timeout: 30000,
  });
}

/** Stop watching and forget the position: the next screen must not use where we were. */
export function stopLocating() {
  stopWatching();
  location = { status: 'idle', fix: null };
  listeners.clear();
}

/** @param {GeolocationPosition} position */
function onFix(position) {
  const { longitude, latitude, accuracy } = position.coords;
  update({ status: 'ok', fix: { lon: longitude, lat: latitude, accuracy, at: position.timestamp } });
}

/** @param {GeolocationPositionError} error */
function onError(error) {
  if (error.code === error.PERMISSION_DENIED) {
    stopWatching();
    update({ status: 'denied', fix: null });
  } else if (!location.fix) {
    update({ status: 'unavailable', fix: null }); // the watch goes on and may still get a fix
  }
}

function stopWatching() {
  if (watchId !== null) {
    navigator.geolocation.clearWatch(watchId);
    watchId = null;
  }
}

/** @param {Location} next */
function update(next) {
  location = next;
  listeners.forEach((listener) => listener(next));
}
