// @ts-check
// One case: its facts, a map, photos and timeline; for unit staff also accept, dispute, request
// an extension and rectify with after-photos; for inspectors the check of a fix (pass or fail,
// with photos). Actions go through the outbox like reports.
import { maxDistance } from '../config.js';
import { metres } from '../geo.js';
import { formatDateTime, localName, named, t } from '../i18n.js';
import { currentLocation, onLocation, startLocating } from '../location.js';
import { isoWithOffset, photosMeta } from './capture.js';
import { lightChip, stateChip } from './cases.js';
import { categoryName } from './categories.js';
import { h, whileShown } from './dom.js';
import { mapBox } from './map.js';
import { outboxPanel } from './outbox.js';
import { photoPicker, photosReady } from './photos.js';
import { chosenPlace, placeBox } from './place.js';
import { topBar } from './topbar.js';

/**
 * @typedef {import('../api.js').Case} Case
 * @typedef {import('../api.js').Unit} Unit
 * @typedef {import('../api.js').User} User
 * @typedef {import('./photos.js').PickedPhoto} PickedPhoto
 * @typedef {'dispute' | 'extension' | 'rectify' | 'verify'} PanelName
 * @typedef {PanelName | null} Panel
 * @typedef {'accept' | 'dispute' | 'request_extension' | 'rectify' | 'verify'} ActionKind
 * @typedef {{panel: Panel, unit: string, reason: string, deadline: string, note: string,
 *   result: '' | 'pass' | 'fail', photos: PickedPhoto[], manual: null, error: string,
 *   queued: string}} ActionDraft
 * @typedef {{id: number, case: Case | null, error: string, draft: ActionDraft,
 *   units: Unit[] | null}} CaseView
 * @typedef {{
 *   queue: (kind: ActionKind, data: Record<string, unknown>, photos?: PickedPhoto[])
 *     => Promise<void>,
 *   loadUnits: () => void,
 *   reload: () => void,
 *   login: () => void,
 *   redraw: () => void,
 * }} CaseActions
 */

/** Which staff actions a state allows (the server has the last word: 409 says why not). */
const STAFF_ACTIONS = {
  dispatched: ['accept', 'dispute'],
  in_progress: ['rectify', 'extension', 'dispute'],
};

/**
 * @param {Case} item
 * @param {User} user
 * @returns {string[]}
 */
function allowedActions(item, user) {
  if (user.role === 'staff') {
    return STAFF_ACTIONS[/** @type {keyof typeof STAFF_ACTIONS} */ (item.state)] ?? [];
  }
  return item.state === 'rectified' ? ['verify'] : []; // inspectors check the fix (核查)
}

/** @returns {ActionDraft} */
export function newActionDraft() {
  return { panel: null, unit: '', reason: '', deadline: '', note: '', result: '', photos: [],
    manual: null, error: '', queued: '' };
}

/**
 * @param {CaseView} view
 * @param {User} user
 * @param {CaseActions} actions
 * @param {import('../api.js').CategoryGroup[] | null} categories
 * @param {string} back the list this case was opened from
 */
export function caseScreen(view, user, actions, categories, back = '/cases') {
  const item = view.case;
  return h('div', { className: 'screen screen--case' },
    topBar({ back }),
    h('main', { className: 'screen__body' },
      h('div', { className: 'content' },
        item ? caseSummary(item, categories) : loading(view.error, actions.reload),
        item?.location ? caseMap(item) : null,
        item ? caseActions(item, user, view, actions) : null,
        outboxPanel({ onLogin: actions.login, caseId: view.id }),
        item ? casePhotos(item) : null,
        item ? caseTimeline(item) : null,
      ),
    ),
  );
}

/**
 * @param {string} error
 * @param {() => void} reload
 */
function loading(error, reload) {
  return error
    ? h('div', {},
      h('p', { className: 'alert', attrs: { role: 'alert' } }, error),
      h('button', { className: 'button', attrs: { type: 'button' }, on: { click: reload } },
        t('action.retry')))
    : h('p', { className: 'muted', attrs: { role: 'status' } }, t('cases.loading'));
}

/**
 * The heading and the facts: what the case is, whose it is, by when.
 * @param {Case} item
 * @param {import('../api.js').CategoryGroup[] | null} categories
 */
function caseSummary(item, categories) {
  const place = item.location;
  return h('div', { className: 'case' },
    h('div', { className: 'heading-row' },
      h('h1', { className: 'section-title' }, t('case.title', { number: item.number })),
      stateChip(item.state)),
    h('dl', { className: 'facts' },
      fact(t('case.category'), categoryName(categories, item)),
      fact(t('case.unit'), item.unit ? item.unit.name : t('cases.no_unit')),
      item.deadline_at
        ? fact(t('case.deadline'), formatDateTime(item.deadline_at), ' ', lightChip(item.traffic_light))
        : null,
      item.severity ? fact(t('capture.severity'), named('severity', item.severity)) : null,
      item.reported_at ? fact(t('case.reported_at'), formatDateTime(item.reported_at)) : null,
      place
        ? fact(t('case.place'), `${place.lat.toFixed(5)}, ${place.lon.toFixed(5)}`,
          place.accuracy_m ? ` ±${Math.round(place.accuracy_m)} m` : '',
          ` (${named('source', place.source)})`)
        : null,
      item.state === 'unrouted' && item.routing?.reason ? fact(t('case.routing'), item.routing.reason) : null,
      item.description ? fact(t('case.description'), item.description) : null,
    ),
  );
}

/** The device position as the maps show it, while a panel is locating. */
function devicePosition() {
  const { fix } = currentLocation();
  return fix ? { lon: fix.lon, lat: fix.lat, accuracy: fix.accuracy } : null;
}

/**
 * The case on the map with its accuracy, the zone outlines, and the user while locating.
 * @param {Case} item
 */
function caseMap(item) {
  const place = /** @type {NonNullable<Case['location']>} */ (item.location);
  const map = mapBox({
    label: t('map.label_case', { number: item.number }),
    points: [{ id: item.id, lon: place.lon, lat: place.lat, accuracy: place.accuracy_m,
      label: item.number }],
    position: devicePosition(),
  });
  whileShown(onLocation(() => map.setPosition(devicePosition())));
  return h('section', { className: 'case__map', attrs: { 'aria-labelledby': 'case-map' } },
    h('h2', { className: 'form-section__title visually-hidden', attrs: { id: 'case-map' } },
      t('case.map')),
    map.element);
}

/**
 * "You are about 12 m from the case", kept up to date while the panel is open.
 * @param {Case} item
 */
function distanceLine(item) {
  const line = h('p', { className: 'place__distance', attrs: { 'aria-live': 'polite' } });
  const draw = () => {
    const { fix } = currentLocation();
    const meters = fix && item.location ? Math.round(metres(fix, item.location)) : null;
    line.textContent = meters === null ? ''
      : t(meters > maxDistance() ? 'staff.too_far' : 'staff.distance',
        { meters, limit: maxDistance() });
    line.classList.toggle('alert', meters !== null && meters > maxDistance());
  };
  whileShown(onLocation(draw));
  draw();
  return line;
}

/** @param {Case} item */
function casePhotos(item) {
  if (!item.photos?.length) {
    return null;
  }
  const tile = (/** @type {import('../api.js').Photo} */ photo, /** @type {number} */ index) =>
    h('li', { className: 'photos__tile' },
      h('a', { attrs: { href: photo.display_url, target: '_blank', rel: 'noopener' } },
        h('img', {
          className: 'photos__img',
          attrs: { src: photo.thumb_url, loading: 'lazy',
            alt: t('case.photo_alt', { n: index + 1, kind: kindName(photo.kind) }) },
        })));
  return h('section', { className: 'case__photos', attrs: { 'aria-labelledby': 'case-photos' } },
    h('h2', { className: 'form-section__title', attrs: { id: 'case-photos' } }, t('case.photos')),
    h('ul', { className: 'photos__grid photos__grid--wide' }, ...item.photos.map(tile)));
}

/** @param {Case} item */
function caseTimeline(item) {
  if (!item.timeline?.length) {
    return null;
  }
  const row = (/** @type {import('../api.js').TimelineEvent} */ event) =>
    h('li', { className: 'timeline__event' },
      h('span', { className: 'timeline__at muted' }, formatDateTime(event.at)),
      h('span', { className: 'timeline__what' }, named('event', event.action)),
      event.actor ? h('span', { className: 'timeline__who muted' }, event.actor) : null,
      event.note ? h('span', { className: 'timeline__note' }, event.note) : null);
  return h('section', { className: 'timeline', attrs: { 'aria-labelledby': 'case-timeline' } },
    h('h2', { className: 'form-section__title', attrs: { id: 'case-timeline' } }, t('case.timeline')),
    h('ol', { className: 'timeline__list' }, ...item.timeline.map(row)));
}

/** @param {string | undefined} kind */
function kindName(kind) {
  return kind ? named('photo_kind', kind) : '';
}

/**
 * @param {string} term
 * @param {...(string | Node | null)} value
 */
function fact(term, ...value) {
  return h('div', { className: 'facts__row' }, h('dt', {}, term), h('dd', {}, ...value));
}

/**
 * @param {Case} item
 * @param {User} user
 * @param {CaseView} view
 * @param {CaseActions} actions
 */
function caseActions(item, user, view, actions) {
  const allowed = allowedActions(item, user);
  const { draft } = view;
  if (allowed.length === 0 && !draft.queued) {
    return null;
  }
  const open = (/** @type {Panel} */ panel) => {
    Object.assign(draft, { panel, error: '', queued: '' });
    if (panel === 'dispute') {
      actions.loadUnits();
    }
    actions.redraw();
  };
  const accept = async () => {
    await actions.queue('accept', {});
  };
  return h('section', { className: 'staff-actions', attrs: { 'aria-labelledby': 'staff-title' } },
    h('h2', { className: 'section-title', attrs: { id: 'staff-title' } },
      t(user.role === 'staff' ? 'staff.title' : 'verify.title')),
    draft.queued ? h('p', { className: 'notice-ok', attrs: { role: 'status' } }, draft.queued) : null,
    draft.panel === null
      ? h('div', { className: 'button-stack' },
        ...allowed.map((action) => h('button', {
          className: action === allowed[0] ? 'button button--primary' : 'button',
          attrs: { type: 'button', 'data-refocus': `staff-${action}` },
          on: { click: action === 'accept' ? accept : () => open(/** @type {Panel} */ (action)) },
        }, named('staff', action))))
      : panelForm(item, view, actions, () => open(null)),
  );
}

/**
 * @param {Case} item
 * @param {CaseView} view
 * @param {CaseActions} actions
 * @param {() => void} close
 */
function panelForm(item, view, actions, close) {
  const { draft } = view;
  const alert = h('p', { className: 'alert', attrs: { role: 'alert' } }, draft.error);
  const fail = (/** @type {string} */ message) => {
    draft.error = message;
    alert.textContent = message;
  };
  /** @type {Record<PanelName, () => (HTMLElement | null)[]>} */
  const fields = {
    verify: () => {
      startLocating(); // where the check was made goes with it, when the phone knows
      return [
        resultField(draft),
        h('p', { className: 'form-section__title' }, t('verify.photos')),
        photoPicker('verify', draft.photos, () => fail('')),
        textArea('action-note', t('verify.note'), draft.note, (value) => { draft.note = value; }),
      ];
    },
    dispute: () => [unitField(view, item), reasonField(draft)],
    extension: () => [deadlineField(draft), reasonField(draft)],
    rectify: () => {
      startLocating();
      return [
        photoPicker('rectify', draft.photos, () => fail('')),
        placeBox(draft, { manual: false, onChange: () => {} }).element,
        distanceLine(item),
        noteField(draft),
      ];
    },
  };
  const panel = /** @type {PanelName} */ (draft.panel);
  const form = h('form', { className: 'panel', attrs: { novalidate: true, 'aria-labelledby': 'panel-title' } },
    h('h3', { className: 'form-section__title', attrs: { id: 'panel-title' } }, t(`staff.${panel}`)),
    ...fields[panel](),
    alert,
    h('div', { className: 'button-stack' },
      h('button', { className: 'button button--primary', attrs: { type: 'submit' } }, t('staff.send')),
      h('button', { className: 'button', attrs: { type: 'button' }, on: { click: close } }, t('staff.cancel'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ready = panelData(panel, draft, item);
    if ('problem' in ready) {
      fail(ready.problem);
      return;
    }
    try {
      await actions.queue(ready.kind, ready.data, draft.photos);
    } catch (error) {
      fail(error instanceof Error ? error.message : t('error.unknown'));
    }
  });
  return form;
}

/**
 * @param {PanelName} panel
 * @param {ActionDraft} draft
 * @param {Case} item
 * @returns {{kind: ActionKind, data: Record<string, unknown>} | {problem: string}}
 */
export function panelData(panel, draft, item) {
  const reason = draft.reason.trim();
  if (panel === 'verify') {
    return verifyData(draft);
  }
  if (panel === 'dispute') {
    if (!draft.unit) {
      return { problem: t('staff.need_unit') };
    }
    return reason ? { kind: 'dispute', data: { unit: draft.unit, reason } } : { problem: t('staff.need_reason') };
  }
  if (panel === 'extension') {
    const deadline = new Date(draft.deadline);
    if (!draft.deadline || Number.isNaN(deadline.getTime()) || deadline <= new Date()) {
      return { problem: t('staff.need_deadline') };
    }
    return reason
      ? { kind: 'request_extension', data: { deadline: isoWithOffset(deadline), reason } }
      : { problem: t('staff.need_reason') };
  }
  if (!photosReady(draft.photos)) {
    return { problem: t(draft.photos.length ? 'photos.preparing' : 'staff.need_photo') };
  }
  const place = chosenPlace(draft);
  if (!place) {
    return { problem: t('staff.need_place') };
  }
  // The server refuses after-photos taken too far from the case: say so now, not after a sync.
  const meters = item.location ? Math.round(metres(place, item.location)) : 0;
  if (meters > maxDistance()) {
    return { problem: t('staff.too_far', { meters, limit: maxDistance() }) };
  }
  return { kind: 'rectify',
    data: { note: draft.note.trim(), lon: place.lon, lat: place.lat, accuracy_m: place.accuracy_m,
      photos_meta: photosMeta(draft.photos) } };
}

/** @param {ActionDraft} draft */
function verifyData(draft) {
  const note = draft.note.trim();
  if (!draft.result) {
    return { problem: t('verify.need_result') };
  }
  if (draft.result === 'fail' && !note) {
    return { problem: t('verify.need_note') };
  }
  if (draft.photos.length && !photosReady(draft.photos)) {
    return { problem: t('photos.preparing') };
  }
  /** @type {Record<string, unknown>} */
  const data = { result: draft.result, note };
  if (draft.photos.length) {
    data.photos_meta = photosMeta(draft.photos);
  }
  const { fix } = currentLocation();
  if (fix) {
    Object.assign(data, { lon: fix.lon, lat: fix.lat, accuracy_m: Math.round(fix.accuracy) });
  }
  return { kind: /** @type {const} */ ('verify'), data };
}

/** @param {ActionDraft} draft */
function resultField(draft) {
  return h('fieldset', { className: 'choice' },
    h('legend', { className: 'form-section__title' }, t('verify.result')),
    ...(/** @type {const} */ (['pass', 'fail'])).map((result) => {
      const radio = h('input', {
        className: 'check__box',
        attrs: { type: 'radio', name: 'result', value: result, id: `result-${result}` },
        on: { change: () => { draft.result = result; } },
      });
      radio.checked = draft.result === result;
      return h('label', { className: 'check', attrs: { for: `result-${result}` } },
        radio, h('span', {}, t(`verify.${result}`)));
    }),
  );
}

/**
 * @param {CaseView} view
 * @param {Case} item
 */
function unitField(view, item) {
  const { draft } = view;
  const units = (view.units ?? []).filter((unit) => unit.code !== item.unit?.code);
  const select = h('select', {
    className: 'field__input',
    attrs: { id: 'dispute-unit', name: 'unit' },
    on: { change: (event) => { draft.unit = /** @type {HTMLSelectElement} */ (event.target).value; } },
  },
  h('option', { attrs: { value: '' } }, view.units ? t('staff.pick_unit') : t('staff.units_loading')),
  h('option', { attrs: { value: 'none' } }, t('staff.unit_none')),
  ...units.map((unit) => h('option', { attrs: { value: unit.code } }, localName(unit))));
  select.value = draft.unit;
  return h('div', { className: 'field' },
    h('label', { className: 'field__label', attrs: { for: 'dispute-unit' } }, t('staff.unit')),
    select);
}

/** @param {ActionDraft} draft */
function reasonField(draft) {
  return textArea('action-reason', t('staff.reason'), draft.reason, (value) => { draft.reason = value; });
}

/** @param {ActionDraft} draft */
function noteField(draft) {
  return textArea('action-note', t('staff.note'), draft.note, (value) => { draft.note = value; });
}

/** @param {ActionDraft} draft */
function deadlineField(draft) {
  const input = h('input', {
    className: 'field__input',
    attrs: { id: 'extension-deadline', name: 'deadline', type: 'datetime-local' },
    on: { input: (event) => { draft.deadline = /** @type {HTMLInputElement} */ (event.target).value; } },
  });
  input.value = draft.deadline;
  return h('div', { className: 'field' },
    h('label', { className: 'field__label', attrs: { for: 'extension-deadline' } }, t('staff.deadline')),
    input);
}

/**
 * @param {string} id
 * @param {string} label
 * @param {string} value
 * @param {(value: string) => void} keep
 */
function textArea(id, label, value, keep) {
  const area = h('textarea', {
    className: 'field__input',
    attrs: { id, rows: 3, maxlength: 2000 },
    on: { input: (event) => keep(/** @type {HTMLTextAreaElement} */ (event.target).value) },
  });
  area.value = value;
  return h('div', { className: 'field' },
    h('label', { className: 'field__label', attrs: { for: id } }, label), area);
}
