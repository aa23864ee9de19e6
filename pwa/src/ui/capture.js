// @ts-check
// The new report: photos, place, category, severity, context, note; then into the outbox.
// Before that, while online, open cases of the same category nearby are offered
// ("same problem: add my photo"), so that one problem does not become five cases.
import { clientConfig } from '../config.js';
import { localName, named, t } from '../i18n.js';
import { categoryPicker } from './categories.js';
import { h } from './dom.js';
import { photoPicker, photosReady } from './photos.js';
import { chosenPlace, placeBox } from './place.js';
import { topBar } from './topbar.js';

/**
 * @typedef {import('../api.js').Case} Case
 * @typedef {import('../api.js').CategoryGroup} CategoryGroup
 * @typedef {import('./photos.js').PickedPhoto} PickedPhoto
 * @typedef {{
 *   photos: PickedPhoto[],
 *   manual: {lon: string, lat: string} | null,
 *   picker: import('./categories.js').PickerDraft,
 *   severity: string,
 *   context: string,
 *   note: string,
 *   nearby: {key: string, cases: Case[]} | null,
 *   error: string,
 * }} CaptureDraft
 * @typedef {{
 *   submit: (draft: CaptureDraft) => Promise<void>,
 *   addToCase: (found: Case, draft: CaptureDraft) => Promise<void>,
 *   nearby: (lon: number, lat: number, category: string) => Promise<Case[]>,
 *   reloadCategories: () => void,
 * }} CaptureActions
 */

export const NOTE_MAX = 2000;

/** @returns {CaptureDraft} */
export function newCaptureDraft() {
  return {
    photos: [],
    manual: null,
    picker: { category: null, query: '', open: false },
    severity: 'normal',
    context: '',
    note: '',
    nearby: null,
    error: '',
  };
}

/**
 * The report's fields as POST /api/v1/reports takes them (without client_id), or why not yet.
 * @param {CaptureDraft} draft
 * @returns {{data: Record<string, unknown>} | {problem: string}}
 */
export function reportData(draft) {
  if (draft.photos.length === 0) {
    return { problem: t('capture.need_photo') };
  }
  if (!photosReady(draft.photos)) {
    return { problem: t('photos.preparing') };
  }
  const place = chosenPlace(draft);
  if (!place) {
    return { problem: t(draft.manual ? 'place.invalid' : 'capture.need_place') };
  }
  if (!draft.picker.category) {
    return { problem: t('capture.need_category') };
  }
  const first = draft.photos[0];
  /** @type {Record<string, unknown>} */
  const data = {
    category: draft.picker.category,
    lon: place.lon,
    lat: place.lat,
    crs: 'wgs84',
    accuracy_m: place.accuracy_m,
    location_source: place.source,
    captured_at: isoWithOffset(first.takenAt || first.pickedAt),
    severity: draft.severity,
    photos_meta: photosMeta(draft.photos),
  };
  if (draft.context) {
    data.context = draft.context;
  }
  if (draft.note.trim()) {
    data.description = draft.note.trim();
  }
  return { data };
}

/**
 * @param {{draft: CaptureDraft, categories: CategoryGroup[] | null, categoriesError: string}} view
 * @param {CaptureActions} actions
 */
export function captureScreen({ draft, categories, categoriesError }, actions) {
  const alert = h('p', { className: 'alert', attrs: { role: 'alert' } }, draft.error);
  const submit = h('button', {
    className: 'button button--primary',
    attrs: { type: 'submit' },
  }, t('capture.submit'));
  const nearby = h('section', {
    className: 'nearby', attrs: { 'aria-labelledby': 'nearby-title', hidden: true },
  });

  const showError = (/** @type {string} */ message) => {
    draft.error = message;
    alert.textContent = message;
  };
  const changed = () => {
    place.refresh(); // a photo's GPS may be the place now
    showError('');
    drawNearby();
    checkNearby();
  };

  const drawNearby = () => {
    const cases = draft.nearby?.cases ?? [];
    nearby.hidden = cases.length === 0;
    nearby.replaceChildren(
      h('h2', { className: 'section-title', attrs: { id: 'nearby-title' } }, t('nearby.title')),
      h('p', { className: 'muted' }, t('nearby.body')),
      h('ul', { className: 'case-list' }, ...cases.map((found) => nearbyRow(found))),
    );
  };
  /** @param {Case} found */
  const nearbyRow = (found) => h('li', { className: 'case-row case-row--nearby' },
    found.thumb_url
      ? h('img', { className: 'case-row__thumb', attrs: { src: found.thumb_url, alt: '' } })
      : null,
    h('div', { className: 'case-row__main' },
      h('span', { className: 'case-row__number' }, found.number),
      h('span', { className: 'muted' },
        t('nearby.distance', { meters: Math.round(found.distance_m ?? 0) })),
    ),
    h('button', {
      className: 'button button--small',
      attrs: { type: 'button', disabled: !photosReady(draft.photos) },
      on: { click: () => addTo(found) },
    }, t('nearby.add')),
  );

  const checkNearby = async () => {
    const place = chosenPlace(draft);
    const category = draft.picker.category;
    if (!navigator.onLine || !place || !category) {
      return;
    }
    const key = `${category} ${place.lon.toFixed(4)} ${place.lat.toFixed(4)}`;
    if (draft.nearby?.key === key) {
      return;
    }
    draft.nearby = { key, cases: [] };
    try {
      const cases = await actions.nearby(place.lon, place.lat, category);
      if (draft.nearby?.key === key) {
        draft.nearby.cases = cases;
        drawNearby();
      }
    } catch {
      // The offer is a help, not a step: without an answer the new report goes ahead.
    }
  };

  /** @param {Case} found */
  const addTo = async (found) => {
    if (!photosReady(draft.photos)) {
      showError(t('capture.need_photo'));
      return;
    }
    await actions.addToCase(found, draft);
  };

  const place = placeBox(draft, { manual: true, map: true, onChange: changed });
  const form = h('form', {
    className: 'screen__body',
    attrs: { novalidate: true, 'aria-labelledby': 'capture-title' },
  },
  h('div', { className: 'content' },
    h('h1', { className: 'section-title', attrs: { id: 'capture-title' } }, t('capture.title')),
    section('photos', t('capture.photos'), photoPicker('capture', draft.photos, changed)),
    section('place', t('capture.place'), place.element),
    section('category', t('capture.category'), categories
      ? categoryPicker(categories, draft.picker, changed)
      : categoriesMissing(categoriesError, actions.reloadCategories)),
    severityField(draft),
    contextField(draft),
    noteField(draft),
    nearby,
    alert,
  ),
  h('div', { className: 'actions' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ready = reportData(draft);
    if ('problem' in ready) {
      if (!chosenPlace(draft) && !draft.manual && draft.photos.length && draft.picker.category) {
        draft.manual = { lon: '', lat: '' }; // nothing else to go on: ask for coordinates
        place.draw();
      }
      showError(ready.problem);
      return;
    }
    submit.disabled = true;
    try {
      await actions.submit(draft);
    } catch (error) {
      showError(error instanceof Error ? error.message : t('error.unknown'));
      submit.disabled = false;
    }
  });
  drawNearby();
  checkNearby();
  return h('div', { className: 'screen screen--capture' }, topBar({ back: '/' }), form);
}

/**
 * @param {string} error
 * @param {() => void} reload
 */
function categoriesMissing(error, reload) {
  if (!error) {
    return h('p', { className: 'muted', attrs: { role: 'status' } }, t('categories.loading'));
  }
  return h('div', {},
    h('p', { className: 'alert', attrs: { role: 'alert' } }, error),
    h('button', { className: 'button', attrs: { type: 'button' }, on: { click: reload } },
      t('action.retry')));
}

/**
 * @param {string} name
 * @param {string} title
 * @param {HTMLElement} body
 */
function section(name, title, body) {
  return h('section', { className: `form-section form-section--${name}`,
    attrs: { 'aria-labelledby': `${name}-title` } },
  h('h2', { className: 'form-section__title', attrs: { id: `${name}-title` } }, title),
  body);
}

/** @param {CaptureDraft} draft */
function severityField(draft) {
  return h('fieldset', { className: 'choice' },
    h('legend', { className: 'form-section__title' }, t('capture.severity')),
    ...clientConfig().severities.map((severity) => {
      const radio = h('input', {
        className: 'check__box',
        attrs: { type: 'radio', name: 'severity', value: severity, id: `severity-${severity}` },
        on: { change: () => { draft.severity = severity; } },
      });
      radio.checked = draft.severity === severity;
      return h('label', { className: 'check', attrs: { for: `severity-${severity}` } },
        radio, h('span', {}, named('severity', severity)));
    }),
  );
}

/** @param {CaptureDraft} draft */
function contextField(draft) {
  const select = h('select', {
    className: 'field__input',
    attrs: { id: 'capture-context', name: 'context' },
    on: { change: (event) => {
      draft.context = /** @type {HTMLSelectElement} */ (event.target).value;
    } },
  },
  h('option', { attrs: { value: '' } }, t('capture.context_none')),
  ...clientConfig().contexts.map((context) => h('option', { attrs: { value: context.code } }, localName(context))));
  select.value = draft.context;
  return h('div', { className: 'field' },
    h('label', { className: 'field__label', attrs: { for: 'capture-context' } }, t('capture.context')),
    select);
}

/** @param {CaptureDraft} draft */
function noteField(draft) {
  const note = h('textarea', {
    className: 'field__input',
    attrs: { id: 'capture-note', name: 'note', rows: 3, maxlength: NOTE_MAX },
    on: { input: (event) => {
      draft.note = /** @type {HTMLTextAreaElement} */ (event.target).value;
    } },
  });
  note.value = draft.note;
  return h('div', { className: 'field' },
    h('label', { className: 'field__label', attrs: { for: 'capture-note' } }, t('capture.note')),
    note);
}

/**
 * What the phone read from each original before shrinking it (the copy sent has no EXIF), in
 * photo order, as the API's `photos_meta` takes it.
 * @param {PickedPhoto[]} photos
 * @returns {Array<{taken_at: string | null, lon: number | null, lat: number | null}>}
 */
export function photosMeta(photos) {
  return photos.map((picked) => ({
    taken_at: picked.takenAt ? isoWithOffset(picked.takenAt) : null,
    lon: picked.gps?.lon ?? null,
    lat: picked.gps?.lat ?? null,
  }));
}

/**
 * "2026-11-26T09:30:00+08:00": the phone's local time with its offset, as the API wants it.
 * @param {Date} date
 */
export function isoWithOffset(date) {
  const pad = (/** @type {number} */ n) => String(Math.abs(n)).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
    + `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
    + `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}
