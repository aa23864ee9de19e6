// @ts-check
// Where the problem is: the device position with its accuracy, else the first photo's EXIF GPS,
// else a place set by hand (location_source "manual"): the pin dragged (or the map tapped), or
// coordinates typed in, which is also the way without a map or a pointer.
import { currentLocation, onLocation } from '../location.js';
import { t } from '../i18n.js';
import { fill, h, whileShown } from './dom.js';
import { mapBox } from './map.js';

/**
 * @typedef {import('./photos.js').PickedPhoto} PickedPhoto
 * @typedef {{photos: PickedPhoto[], manual: {lon: string, lat: string} | null}} PlaceDraft
 * @typedef {{lon: number, lat: number, accuracy_m: number | null,
 *   source: 'device' | 'exif' | 'manual'}} Place
 * @typedef {{element: HTMLElement, draw: () => void, refresh: () => void}} PlaceBox
 */

/**
 * @param {PlaceDraft} draft
 * @returns {Place | null}
 */
export function chosenPlace(draft) {
  if (draft.manual) {
    const lon = Number(draft.manual.lon);
    const lat = Number(draft.manual.lat);
    const valid = draft.manual.lon.trim() && draft.manual.lat.trim()
      && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
    return valid ? { lon, lat, accuracy_m: null, source: 'manual' } : null;
  }
  const { fix } = currentLocation();
  if (fix) {
    return { lon: fix.lon, lat: fix.lat, accuracy_m: Math.round(fix.accuracy), source: 'device' };
  }
  const gps = draft.photos[0]?.gps;
  return gps ? { ...gps, accuracy_m: null, source: 'exif' } : null;
}

/** The device position as the map shows it. */
function devicePosition() {
  const { fix } = currentLocation();
  return fix ? { lon: fix.lon, lat: fix.lat, accuracy: fix.accuracy } : null;
}

/**
 * @param {PlaceDraft} draft
 * @param {{manual: boolean, map?: boolean, onChange: () => void}} options manual: offer setting
 *   the place by hand; map: show the map with the position and a draggable pin
 * @returns {PlaceBox} refresh: after the photos changed (their GPS may be the place now)
 */
export function placeBox(draft, { manual, map = false, onChange }) {
  const box = h('div', { className: 'place__text', attrs: { 'aria-live': 'polite' } });

  const pinAt = () => {
    const place = chosenPlace(draft);
    return place ? { lon: place.lon, lat: place.lat } : null;
  };
  const where = map
    ? mapBox({
      label: t('map.label_capture'),
      position: devicePosition(),
      pin: pinAt(),
      onPin: (moved) => {
        // The user put the pin somewhere: that is the place now, set by hand.
        draft.manual = { lon: moved.lon.toFixed(6), lat: moved.lat.toFixed(6) };
        draw();
        onChange();
      },
    })
    : null;

  const useManual = () => {
    const place = chosenPlace(draft);
    draft.manual = {
      lon: place ? place.lon.toFixed(6) : '',
      lat: place ? place.lat.toFixed(6) : '',
    };
    draw();
    onChange();
    /** @type {HTMLInputElement | null} */ (box.querySelector('#place-lon'))?.focus();
  };
  const useDevice = () => {
    draft.manual = null;
    draw();
    where?.setPin(pinAt());
    onChange();
  };
  const typed = () => {
    where?.setPin(pinAt()); // follow the typed coordinates while they are valid
    onChange();
  };

  const status = () => h('p', { className: 'place__status' }, statusText(draft));
  const draw = () => {
    fill(box,
      status(),
      draft.manual ? manualFields(draft.manual, typed) : null,
      manual
        ? h('button', {
          className: 'button button--small',
          attrs: { type: 'button', 'data-refocus': 'place-toggle' },
          on: { click: draft.manual ? useDevice : useManual },
        }, t(draft.manual ? 'place.use_device' : 'place.enter'))
        : null,
    );
  };
  /** Redraw the status line only: typing in the fields below must not be interrupted. */
  const refresh = () => {
    if (!draft.manual) {
      box.firstElementChild?.replaceWith(status());
      where?.setPin(pinAt());
    }
  };
  whileShown(onLocation(() => {
    where?.setPosition(devicePosition());
    refresh();
    onChange();
  }));
  draw();
  const element = h('div', { className: 'place' }, box, where ? where.element : null);
  return { element, draw, refresh };
}

/** @param {PlaceDraft} draft */
function statusText(draft) {
  if (draft.manual) {
    return t('place.manual');
  }
  const { status, fix } = currentLocation();
  if (fix) {
    return t('place.device', {
      accuracy: Math.round(fix.accuracy), lat: fix.lat.toFixed(5), lon: fix.lon.toFixed(5),
    });
  }
  const problem = status === 'locating' || status === 'idle' ? t('place.locating')
    : status === 'denied' ? t('place.denied') : t('place.unavailable');
  const gps = draft.photos[0]?.gps;
  if (gps) {
    return `${problem} ${t('place.exif', { lat: gps.lat.toFixed(5), lon: gps.lon.toFixed(5) })}`;
  }
  return status === 'locating' || status === 'idle' ? problem : `${problem} ${t('place.need')}`;
}

/**
 * @param {{lon: string, lat: string}} manual
 * @param {() => void} onChange
 */
function manualFields(manual, onChange) {
  /** @param {'lon' | 'lat'} name */
  const field = (name) => {
    const input = h('input', {
      className: 'field__input',
      attrs: { id: `place-${name}`, name, type: 'text', inputmode: 'decimal', autocomplete: 'off' },
      on: {
        input: (event) => {
          manual[name] = /** @type {HTMLInputElement} */ (event.target).value;
          onChange();
        },
      },
    });
    input.value = manual[name];
    return h('div', { className: 'field' },
      h('label', { className: 'field__label', attrs: { for: `place-${name}` } }, t(`place.${name}`)),
      input,
    );
  };
  return h('div', { className: 'place__manual' }, field('lat'), field('lon'));
}
