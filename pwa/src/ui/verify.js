// @ts-check
// 待核查: the fixed (rectified) cases waiting for the inspector's check, nearest first when the
// phone knows where it is, on a map and as a list. A case opens with the check (pass or fail,
// photos, note), which goes through the outbox like every other action.
import { metres } from '../geo.js';
import { t } from '../i18n.js';
import { currentLocation, onLocation } from '../location.js';
import * as outbox from '../outbox.js';
import { caseListItem, lightChip } from './cases.js';
import { h, whileShown } from './dom.js';
import { mapBox } from './map.js';
import { topBar } from './topbar.js';

/**
 * @typedef {import('../api.js').Case} Case
 * @typedef {{cases: Case[], total: number, stale: boolean, near: boolean}} VerifyList
 *   near: the server sorted it by distance from the phone; stale: from the cache
 * @typedef {{list: VerifyList | null, error: string,
 *   categories: import('../api.js').CategoryGroup[] | null}} VerifyView
 * @typedef {{reload: () => void, open: (id: number) => void}} VerifyActions
 */

/**
 * The cases by distance from `here` (the server's order when the phone has no position).
 * @param {Case[]} cases
 * @param {{lon: number, lat: number} | null} here
 * @returns {Array<{item: Case, meters: number | null}>}
 */
export function byDistance(cases, here) {
  const rows = cases.map((item) => ({
    item,
    meters: here && item.location ? metres(here, item.location) : null,
  }));
  return here ? rows.sort((a, b) => (a.meters ?? Infinity) - (b.meters ?? Infinity)) : rows;
}

/**
 * @param {VerifyView} view
 * @param {VerifyActions} actions
 */
export function verifyScreen(view, actions) {
  const body = h('div', { className: 'verify' });
  const here = () => currentLocation().fix;
  const map = view.list?.cases.length
    ? mapBox({
      label: t('map.label_verify'),
      points: pointsOf(view.list.cases, actions.open),
      position: position(),
    })
    : null;
  const draw = () => body.replaceChildren(listBody(view, here()));
  whileShown(onLocation(() => {
    map?.setPosition(position());
    draw(); // distances and order follow the phone
  }));
  draw();
  return h('div', { className: 'screen screen--verify' },
    topBar({ back: '/' }),
    h('main', { className: 'screen__body' },
      h('div', { className: 'content' },
        h('div', { className: 'heading-row' },
          h('h1', { className: 'section-title' }, t('verify.list_title')),
          h('button', {
            className: 'button button--small',
            attrs: { type: 'button', 'data-refocus': 'verify-reload' },
            on: { click: actions.reload },
          }, t('cases.reload'))),
        map ? map.element : null,
        body,
      ),
    ),
  );
}

function position() {
  const { fix } = currentLocation();
  return fix ? { lon: fix.lon, lat: fix.lat, accuracy: fix.accuracy } : null;
}

/**
 * @param {Case[]} cases
 * @param {(id: number) => void} open
 */
function pointsOf(cases, open) {
  return cases.filter((item) => item.location).map((item) => {
    const place = /** @type {NonNullable<Case['location']>} */ (item.location);
    return { id: item.id, lon: place.lon, lat: place.lat, accuracy: place.accuracy_m,
      label: item.number, open: () => open(item.id) };
  });
}

/**
 * @param {VerifyView} view
 * @param {{lon: number, lat: number} | null} here
 */
function listBody(view, here) {
  const { list, error } = view;
  if (!list) {
    return error
      ? h('p', { className: 'alert', attrs: { role: 'alert' } }, error)
      : h('p', { className: 'muted', attrs: { role: 'status' } }, t('cases.loading'));
  }
  const checked = new Set(outbox.snapshot().items
    .filter((queued) => queued.kind === 'verify').map((queued) => queued.caseId));
  return h('div', {},
    list.stale ? h('p', { className: 'alert alert--info', attrs: { role: 'status' } },
      t('cases.stale')) : null,
    list.cases.length
      ? h('p', { className: 'muted' }, t(here ? 'verify.sorted_near' : 'verify.sorted_plain'))
      : null,
    list.cases.length
      ? h('ul', { className: 'case-list' },
        ...byDistance(list.cases, here).map(({ item, meters }) =>
          row(item, meters, checked.has(item.id), view.categories)))
      : h('p', { className: 'muted' }, t('verify.empty')),
  );
}

/**
 * @param {Case} item
 * @param {number | null} meters
 * @param {boolean} checked a check of it waits in the outbox
 * @param {import('../api.js').CategoryGroup[] | null} categories
 */
function row(item, meters, checked, categories) {
  return caseListItem(item, categories, {
    thumb: item.photos?.find((photo) => photo.kind === 'rectification')?.thumb_url
      ?? item.thumb_url ?? item.photos?.[0]?.thumb_url,
    noUnit: '',
    details: [
      meters !== null
        ? h('span', { className: 'case-row__distance' },
          t('verify.distance', { meters: formatMeters(meters) }))
        : null,
      checked ? h('span', { className: 'case-row__queued' }, t('verify.queued_row')) : null,
      lightChip(item.traffic_light),
    ],
  });
}

/** 80 m, 1.2 km @param {number} meters */
function formatMeters(meters) {
  return meters < 1000 ? `${Math.round(meters)} ${t('unit.m')}`
    : `${(meters / 1000).toFixed(1)} ${t('unit.km')}`;
}
