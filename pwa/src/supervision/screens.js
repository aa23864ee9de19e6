// @ts-check
// The supervisor screens (desktop-first, also for a command-centre screen): the problem map, the
// arbitration desk, the KPIs and the red/black list. main.js loads this module on first use, so
// the phone screens never download it; the map (Leaflet) and the chart (uPlot) are loaded by it
// in turn, only when drawn. Data from the server goes in as text (ui/dom.js), never as HTML.
import * as api from '../api.js';
import { clientConfig, mapTiles } from '../config.js';
import { formatDateTime, localName, named, t } from '../i18n.js';
import { fill, h, whileShown } from '../ui/dom.js';
import { currentOutlines, onOutlines } from '../zones.js';
import './supervision.css';
import { st } from './texts.js';

/**
 * @typedef {{
 *   categories: api.CategoryGroup[] | null,
 *   navigate: (path: string) => void,
 *   sessionEnded: (error: unknown) => boolean,
 *   messageOf: (error: unknown) => string,
 * }} Context
 * @typedef {{case_id: number, number: string, kind: string, decide_with: string,
 *   category: string, unit: string | null, since: string | null, reason: string | null,
 *   candidates?: string[], named_unit?: string | null,
 *   requested_deadline?: string | null}} DeskItem
 * @typedef {import('./problem-map.js').Hotspot} Hotspot
 */

const STATES = ['unrouted', 'dispatched', 'in_progress', 'disputed', 'extension_requested',
  'rectified', 'closed'];

/** The map's filters, kept while the app runs (they also drive the exports). */
const filters = {
  state: '', category: '', district: '', overdue: false, recurrence: false, from: '', to: '',
};
const layers = { outlines: true, hotspots: false };
/** @type {{center: import('./problem-map.js').LonLat, zoom: number} | null} */
let lastView = null;
/** @type {number | null} */
let openCaseId = null;
const kpiQuery = { group: 'district', from: '', to: '' };
let deskFlash = '';

/** @type {api.Unit[] | null} */
let units = null;

async function loadUnits() {
  units ??= await api.getUnits().catch(() => []);
  return units;
}

/** @param {string | null | undefined} code */
function unitName(code) {
  if (!code) {
    return '—';
  }
  const unit = units?.find((item) => item.code === code);
  return unit ? `${localName(unit)} (${code})` : code;
}

/** @param {string} code */
function districtName(code) {
  const feature = currentOutlines()?.features.find((f) => f.properties?.code === code);
  const name = feature?.properties?.name;
  return typeof name === 'string' && name ? name : code;
}

/**
 * @param {Context} ctx
 * @param {string} code
 */
function categoryName(ctx, code) {
  for (const group of ctx.categories ?? []) {
    if (group.code === code) {
      return `${code} ${localName(group)}`;
    }
    const item = group.items.find((entry) => entry.code === code);
    if (item) {
      return `${code} ${localName(item)}`;
    }
  }
  return code;
}

/** @param {number | null | undefined} rate */
function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** The map filters as query parameters (only those set). */
function filterQuery() {
  /** @type {Record<string, string>} */
  const query = {};
  for (const name of /** @type {const} */ (['state', 'category', 'district', 'from', 'to'])) {
    if (filters[name]) {
      query[name] = filters[name];
    }
  }
  if (filters.overdue) {
    query.overdue = '1';
  }
  if (filters.recurrence) {
    query.recurrence = '1';
  }
  return query;
}

/** @param {Record<string, string>} query */
const search = (query) => {
  const text = new URLSearchParams(query).toString();
  return text ? `?${text}` : '';
};

/**
 * @param {Context} ctx
 * @param {unknown} error
 */
function problemText(ctx, error) {
  return ctx.sessionEnded(error) ? '' : ctx.messageOf(error);
}

// -- the frame -------------------------------------------------------------------------------

/**
 * Draw the screen for `path` into `host` (called by main.js once this module is loaded).
 * @param {HTMLElement} host
 * @param {string} path
 * @param {Context} ctx
 */
export function mount(host, path, ctx) {
  const screens = /** @type {const} */ ([
    ['/supervision/map', 'nav.map', mapScreen],
    ['/supervision/desk', 'nav.desk', deskScreen],
    ['/supervision/kpis', 'nav.kpis', kpiScreen],
    ['/supervision/ranking', 'nav.ranking', rankingScreen],
  ]);
  const chosen = screens.find(([href]) => href === path) ?? screens[0];
  const tabs = h('nav', { className: 'sv-tabs', attrs: { 'aria-label': st('nav.main') } },
    ...screens.map(([href, key]) => h('a', {
      className: 'sv-tabs__tab',
      attrs: { href, 'data-link': true, 'aria-current': href === chosen[0] ? 'page' : null },
    }, st(key))));
  const body = h('div', { className: 'sv-body' });
  host.replaceChildren(tabs, body);
  loadUnits().then(() => chosen[2](body, ctx));
}

// -- the problem map ---------------------------------------------------------------------------

/**
 * @param {HTMLElement} body
 * @param {Context} ctx
 */
function mapScreen(body, ctx) {
  const config = clientConfig().map;
  const canvas = h('div', { className: 'sv-map__canvas',
    attrs: { role: 'region', 'aria-label': st('map.label') } });
  const status = h('p', { className: 'sv-map__status', attrs: { role: 'status' } });
  const list = h('div', { className: 'sv-map__list' });
  const panel = h('aside', { className: 'sv-panel', attrs: { 'aria-label': st('case.title') } });
  const exports = h('div', { className: 'sv-exports' });
  const hotspotList = h('div', { className: 'sv-hotspots' });
  /** @type {import('./problem-map.js').ProblemMap | null} */
  let handle = null;
  /** @type {[number, number, number, number] | null} */
  let bbox = null;
  let zoom = 0;
  let asked = 0;
  let shown = true;

  const drawExports = () => {
    const query = search(filterQuery());
    const link = (/** @type {string} */ fmt, /** @type {'export.csv'} */ key) =>
      h('a', { className: 'button button--small',
        attrs: { href: `/api/v1/supervision/export.${fmt}${query}`, download: true } }, st(key));
    exports.replaceChildren(
      h('h2', { className: 'sv-h2' }, st('export.title')),
      link('csv', 'export.csv'),
      link('xlsx', /** @type {'export.csv'} */ ('export.xlsx')),
      link('geojson', /** @type {'export.csv'} */ ('export.geojson')),
      h('a', { className: 'button button--small',
        attrs: { href: '/api/v1/supervision/brief', target: '_blank', rel: 'noopener' } },
      st('export.brief')),
    );
  };

  const loadFeatures = async () => {
    if (!bbox || !handle) {
      return;
    }
    const ticket = ++asked;
    const query = { ...filterQuery(), bbox: bbox.map((v) => v.toFixed(6)).join(','),
      zoom: String(zoom) };
    status.textContent = st('loading');
    try {
      const collection = await api.request(`/api/v1/supervision/map${search(query)}`);
      if (ticket !== asked || !shown) {
        return;
      }
      handle.setFeatures(collection);
      drawList(collection.features);
    } catch (error) {
      if (ticket === asked && shown) {
        status.textContent = problemText(ctx, error);
      }
    }
  };

  /** @param {import('geojson').Feature[]} features */
  const drawList = (features) => {
    const total = features.reduce((sum, f) => sum + Number(f.properties?.count ?? 1), 0);
    status.textContent = st('map.count', { count: total });
    const cases = features.filter((f) => !f.properties?.cluster);
    if (zoom < 15) {
      list.replaceChildren(h('p', { className: 'muted' }, st('map.zoom_hint')));
      return;
    }
    list.replaceChildren(
      h('h2', { className: 'sv-h2' }, st('map.cases')),
      cases.length
        ? h('ul', { className: 'sv-caselist' }, ...cases.map((f) => {
          const p = f.properties ?? {};
          return h('li', {}, h('button', {
            className: 'sv-caselist__item', attrs: { type: 'button' },
            on: { click: () => openCase(Number(p.id)) },
          }, caseLabel(p)));
        }))
        : h('p', { className: 'muted' }, st('map.none')),
    );
  };

  /** @param {Record<string, any>} p */
  const caseLabel = (p) => [p.number, named('state', String(p.state)),
    categoryName(ctx, String(p.category)), p.overdue ? st('map.overdue') : '',
    p.recurrence ? st('map.recurrence') : ''].filter(Boolean).join(' · ');

  /** @param {number} id */
  const openCase = (id) => {
    openCaseId = id;
    casePanel(panel, id, ctx, () => {
      openCaseId = null;
      panel.replaceChildren();
      panel.hidden = true;
    });
  };

  const loadHotspots = async () => {
    if (!layers.hotspots) {
      handle?.setHotspots([], () => '');
      hotspotList.replaceChildren();
      return;
    }
    try {
      const query = { ...(filters.from ? { from: filters.from } : {}),
        ...(filters.to ? { to: filters.to } : {}) };
      /** @type {Hotspot[]} */
      const spots = (await api.request(`/api/v1/supervision/hotspots${search(query)}`)).hotspots;
      const text = (/** @type {Hotspot} */ spot) =>
        st('map.hotspot', { category: categoryName(ctx, spot.category), cases: spot.cases });
      handle?.setHotspots(spots, text);
      hotspotList.replaceChildren(h('h2', { className: 'sv-h2' }, st('map.hotspots_title')),
        spots.length
          ? h('ul', { className: 'sv-caselist' }, ...spots.map((spot) => h('li', {},
            h('button', { className: 'sv-caselist__item', attrs: { type: 'button' },
              on: { click: () => handle?.goTo(spot, 16) } },
            `${text(spot)}: ${spot.numbers.join(', ')}`))))
          : h('p', { className: 'muted' }, st('map.no_hotspots')));
    } catch (error) {
      hotspotList.replaceChildren(h('p', { className: 'alert', attrs: { role: 'alert' } },
        problemText(ctx, error)));
    }
  };

  const changed = () => {
    drawExports();
    loadFeatures();
    if (layers.hotspots) {
      loadHotspots();
    }
  };

  const form = filterForm(ctx, changed, (name, on) => {
    layers[name] = on;
    if (name === 'outlines') {
      handle?.showOutlines(on);
    } else {
      handle?.showHotspots(on);
      loadHotspots();
    }
  });

  panel.hidden = true;
  body.append(h('div', { className: 'sv-map' },
    h('div', { className: 'sv-map__side' }, form, exports, hotspotList),
    h('div', { className: 'sv-map__main' }, canvas, status, list),
    panel));
  drawExports();
  if (openCaseId !== null) {
    openCase(openCaseId);
  }

  const stopOutlines = onOutlines((outlines) => handle?.setOutlines(outlines));
  whileShown(() => {
    shown = false;
    stopOutlines();
    handle?.remove();
    handle = null;
  });
  import('./problem-map.js').then(async (code) => {
    while (shown && !canvas.isConnected) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    if (!shown) {
      return;
    }
    handle = code.createProblemMap(canvas, {
      tiles: mapTiles(config),
      center: lastView?.center ?? { lon: config.center[0], lat: config.center[1] },
      zoom: lastView?.zoom ?? config.zoom,
      texts: { zoomIn: t('map.zoom_in'), zoomOut: t('map.zoom_out') },
      onView: (box, level) => {
        bbox = box;
        zoom = level;
        lastView = { center: { lon: (box[0] + box[2]) / 2, lat: (box[1] + box[3]) / 2 },
          zoom: level };
        canvas.dataset.zoom = String(level);
        loadFeatures();
      },
      onCase: openCase,
      caseLabel,
    });
    handle.setOutlines(currentOutlines());
    handle.showOutlines(layers.outlines);
    handle.showHotspots(layers.hotspots);
    if (layers.hotspots) {
      loadHotspots();
    }
    canvas.dataset.ready = 'true';
  }).catch(() => {
    if (shown) {
      canvas.replaceChildren(h('p', { className: 'map__fallback muted' }, t('map.unavailable')));
    }
  });
}

/**
 * The filter form; every change applies at once.
 * @param {Context} ctx
 * @param {() => void} changed
 * @param {(name: 'outlines' | 'hotspots', on: boolean) => void} toggled
 */
function filterForm(ctx, changed, toggled) {
  /**
   * @param {string} id
   * @param {string} text
   * @param {HTMLElement} control
   */
  const field = (id, text, control) => h('div', { className: 'field' },
    h('label', { className: 'field__label', attrs: { for: id } }, text), control);
  /**
   * @param {string} id
   * @param {Array<[string, string] | HTMLOptGroupElement>} options
   * @param {'state' | 'category' | 'district'} name
   */
  const select = (id, options, name) => {
    const element = h('select', { className: 'field__input', attrs: { id },
      on: { change: () => { filters[name] = element.value; changed(); } } },
    h('option', { attrs: { value: '' } }, st('f.all')),
    ...options.map((option) => Array.isArray(option)
      ? h('option', { attrs: { value: option[0] } }, option[1]) : option));
    element.value = filters[name];
    return element;
  };
  /**
   * @param {string} id
   * @param {string} text
   * @param {boolean} checked
   * @param {(on: boolean) => void} onChange
   */
  const check = (id, text, checked, onChange) => {
    const box = h('input', { className: 'check__box', attrs: { type: 'checkbox', id, checked },
      on: { change: () => onChange(box.checked) } });
    return h('div', { className: 'check' }, box, h('label', { attrs: { for: id } }, text));
  };
  /** @param {'from' | 'to'} name @param {string} text */
  const day = (name, text) => {
    const input = h('input', { className: 'field__input', attrs: { type: 'date', id: `sv-${name}` },
      on: { change: () => { filters[name] = input.value; changed(); } } });
    input.value = filters[name];
    return field(`sv-${name}`, text, input);
  };
  const groups = (ctx.categories ?? []).map((group) => h('optgroup',
    { attrs: { label: `${group.code} ${localName(group)}` } },
    h('option', { attrs: { value: group.code } }, `${group.code} ${localName(group)}`),
    ...group.items.map((item) => h('option', { attrs: { value: item.code } },
      `${item.code} ${localName(item)}`))));
  /** @type {Array<[string, string]>} */
  const districts = (currentOutlines()?.features ?? [])
    .map((f) => [String(f.properties?.code ?? ''), String(f.properties?.name ?? '')])
    .filter(([code]) => code)
    .map(([code, name]) => [code, name ? `${name} (${code})` : code]);
  return h('form', { className: 'sv-filters', attrs: { 'aria-label': st('f.title') },
    on: { submit: (event) => event.preventDefault() } },
  h('h2', { className: 'sv-h2' }, st('f.title')),
  field('sv-state', st('f.state'), select('sv-state',
    STATES.map((code) => [code, named('state', code)]), 'state')),
  field('sv-category', st('f.category'), select('sv-category', groups, 'category')),
  field('sv-district', st('f.district'), select('sv-district', districts, 'district')),
  check('sv-overdue', st('f.overdue'), filters.overdue, (on) => { filters.overdue = on; changed(); }),
  check('sv-recurrence', st('f.recurrence'), filters.recurrence,
    (on) => { filters.recurrence = on; changed(); }),
  day('from', st('f.from')),
  day('to', st('f.to')),
  check('sv-outlines', st('map.outlines'), layers.outlines, (on) => toggled('outlines', on)),
  check('sv-hotspots', st('map.hotspots'), layers.hotspots, (on) => toggled('hotspots', on)),
  );
}

/**
 * The case beside the map: facts, photos and the timeline.
 * @param {HTMLElement} panel
 * @param {number} id
 * @param {Context} ctx
 * @param {() => void} close
 */
async function casePanel(panel, id, ctx, close) {
  panel.hidden = false;
  panel.replaceChildren(h('p', { className: 'muted', attrs: { role: 'status' } }, st('loading')));
  let item;
  try {
    item = await api.getCase(id);
  } catch (error) {
    panel.replaceChildren(h('p', { className: 'alert', attrs: { role: 'alert' } },
      problemText(ctx, error)));
    return;
  }
  if (openCaseId !== id) {
    return;
  }
  const photos = item.photos ?? [];
  fill(panel,
    h('div', { className: 'sv-panel__head' },
      h('h2', { className: 'sv-h2', attrs: { id: 'sv-case-title' } }, item.number),
      h('button', { className: 'button button--small', attrs: { type: 'button' },
        on: { click: close } }, st('case.close'))),
    h('dl', { className: 'sv-facts' },
      h('dt', {}, st('f.state')), h('dd', { className: 'sv-panel__state' },
        named('state', item.state)),
      h('dt', {}, st('f.category')), h('dd', {},
        item.category_name ? `${item.category} ${item.category_name}` : categoryName(ctx, item.category)),
      h('dt', {}, t('home.unit')), h('dd', {}, item.unit ? item.unit.name : '—'),
      item.deadline_at ? h('dt', {}, t('case.deadline')) : null,
      item.deadline_at ? h('dd', {}, formatDateTime(item.deadline_at)) : null),
    item.description ? h('p', { className: 'sv-panel__text' }, item.description) : null,
    photos.length ? h('h3', { className: 'sv-h3' }, st('case.photos')) : null,
    photos.length ? h('div', { className: 'sv-photos' }, ...photos.map((photo, n) =>
      h('a', { attrs: { href: photo.display_url, target: '_blank', rel: 'noopener' } },
        h('img', { className: 'sv-photos__img', attrs: { src: photo.thumb_url,
          alt: st('case.photo', { n: n + 1 }), loading: 'lazy' } })))) : null,
    h('h3', { className: 'sv-h3' }, st('case.timeline')),
    h('ol', { className: 'sv-timeline' }, ...(item.timeline ?? []).map((event) => h('li', {},
      h('span', { className: 'sv-timeline__at' }, formatDateTime(event.at)), ' ',
      h('span', {}, named('event', event.action)),
      event.actor ? ` · ${event.actor}` : '',
      event.note ? h('span', { className: 'sv-timeline__note' }, ` · ${event.note}`) : null))),
    h('a', { className: 'button button--small',
      attrs: { href: `/cases/${item.id}`, 'data-link': true } }, st('case.open')),
  );
}

// -- the arbitration desk -------------------------------------------------------------------

/**
 * @param {HTMLElement} body
 * @param {Context} ctx
 */
function deskScreen(body, ctx) {
  const flash = h('p', { className: 'notice-ok', attrs: { role: 'status' } }, deskFlash);
  const alert = h('p', { className: 'alert', attrs: { role: 'alert' } });
  const list = h('div', { className: 'sv-desk__list' },
    h('p', { className: 'muted' }, st('loading')));
  let shown = true;
  whileShown(() => { shown = false; });
  const reload = async () => {
    alert.textContent = '';
    try {
      /** @type {DeskItem[]} */
      const items = (await api.request('/api/v1/supervision/desk')).items;
      if (shown) {
        list.replaceChildren(items.length
          ? h('ul', { className: 'sv-desk' }, ...items.map((item) => deskItem(item, decide)))
          : h('p', { className: 'muted' }, st('desk.empty')));
      }
    } catch (error) {
      alert.textContent = problemText(ctx, error);
    }
  };
  /**
   * @param {DeskItem} item
   * @param {string} action
   * @param {Record<string, unknown>} data
   * @param {HTMLElement} row
   */
  const decide = async (item, action, data, row) => {
    row.querySelectorAll('button, select').forEach((control) => {
      /** @type {HTMLButtonElement} */ (control).disabled = true;
    });
    alert.textContent = '';
    flash.textContent = st('desk.sending');
    try {
      await api.request(`/api/v1/cases/${item.case_id}/${action}`,
        { method: 'POST', body: { ...data, client_id: crypto.randomUUID() } });
      deskFlash = st('desk.done', { number: item.number });
      flash.textContent = deskFlash;
      row.remove();
      await reload();
    } catch (error) {
      flash.textContent = '';
      alert.textContent = problemText(ctx, error);
      row.querySelectorAll('button, select').forEach((control) => {
        /** @type {HTMLButtonElement} */ (control).disabled = false;
      });
    }
  };
  body.append(h('section', { className: 'sv-desk-screen', attrs: { 'aria-labelledby': 'sv-desk-h' } },
    h('div', { className: 'sv-row' },
      h('h1', { className: 'sv-h1', attrs: { id: 'sv-desk-h' } }, st('desk.title')),
      h('button', { className: 'button button--small', attrs: { type: 'button' },
        on: { click: () => { deskFlash = ''; flash.textContent = ''; reload(); } } },
      st('desk.reload'))),
    flash, alert, list));
  reload();
}

/**
 * One waiting case with the buttons that decide it.
 * @param {DeskItem} item
 * @param {(item: DeskItem, action: string, data: Record<string, unknown>,
 *   row: HTMLElement) => void} decide
 */
function deskItem(item, decide) {
  const row = h('li', { className: `sv-desk__item sv-desk__item--${item.kind}`,
    attrs: { 'data-case': item.case_id } });
  /**
   * @param {string} text
   * @param {string} action
   * @param {Record<string, unknown>} data
   * @param {boolean} [primary]
   */
  const button = (text, action, data, primary = false) => h('button', {
    className: primary ? 'button button--small button--primary' : 'button button--small',
    attrs: { type: 'button' }, on: { click: () => decide(item, action, data, row) },
  }, text);
  const kindKey = /** @type {import('./texts.js').SupervisionKey} */ (`desk.kind.${item.kind}`);
  /** @type {Array<HTMLElement | null>} */
  const controls = [];
  if (item.decide_with === 'assign') {
    controls.push(...(item.candidates ?? []).map((code) =>
      button(st('desk.assign_to', { unit: unitName(code) }), 'assign', { unit: code }, true)));
    const id = `sv-unit-${item.case_id}`;
    const picker = h('select', { className: 'field__input sv-inline', attrs: { id } },
      h('option', { attrs: { value: '' } }, st('desk.pick_unit')),
      ...(units ?? []).map((unit) =>
        h('option', { attrs: { value: unit.code } }, `${localName(unit)} (${unit.code})`)));
    const go = h('button', { className: 'button button--small', attrs: { type: 'button' },
      on: { click: () => picker.value && decide(item, 'assign', { unit: picker.value }, row) } },
    st('desk.assign'));
    controls.push(h('span', { className: 'sv-desk__other' },
      h('label', { attrs: { for: id } }, st('desk.other_unit')), picker, go));
  } else if (item.decide_with === 'decide_dispute') {
    const unit = item.named_unit && item.named_unit !== 'none' ? item.named_unit : null;
    controls.push(
      button(unit ? st('desk.uphold', { unit: unitName(unit) }) : st('desk.uphold_plain'),
        'decide_dispute', unit ? { decision: 'uphold', unit } : { decision: 'uphold' }, true),
      button(st('desk.reject'), 'decide_dispute', { decision: 'reject' }));
  } else if (item.decide_with === 'decide_extension') {
    controls.push(
      button(st('desk.grant'), 'decide_extension', { decision: 'grant',
        ...(item.requested_deadline ? { deadline: item.requested_deadline } : {}) }, true),
      button(st('desk.refuse'), 'decide_extension', { decision: 'refuse' }));
  } else if (item.decide_with === 'verify') {
    controls.push(button(st('desk.pass'), 'verify', { result: 'pass' }, true));
  }
  fill(row,
    h('div', { className: 'sv-desk__head' },
      h('span', { className: 'sv-desk__kind' }, st(kindKey)),
      h('a', { className: 'sv-desk__number',
        attrs: { href: `/cases/${item.case_id}`, 'data-link': true } }, item.number),
      h('span', { className: 'muted' }, item.category),
      item.since ? h('span', { className: 'muted' },
        st('desk.since', { at: formatDateTime(item.since) })) : null),
    item.reason ? h('p', { className: 'sv-desk__reason' },
      st('desk.reason', { reason: item.reason })) : null,
    item.unit ? h('p', { className: 'muted' }, st('desk.unit', { unit: unitName(item.unit) }))
      : null,
    item.named_unit && item.named_unit !== 'none' ? h('p', { className: 'muted' },
      st('desk.named_unit', { unit: unitName(item.named_unit) })) : null,
    item.requested_deadline ? h('p', { className: 'muted' },
      st('desk.requested', { at: formatDateTime(item.requested_deadline) })) : null,
    h('div', { className: 'sv-desk__actions' }, ...controls,
      h('a', { className: 'button button--small',
        attrs: { href: `/cases/${item.case_id}`, 'data-link': true } }, st('desk.open'))),
  );
  return row;
}

// -- KPIs ------------------------------------------------------------------------------------

const KPI_COLUMNS = /** @type {const} */ (['found', 'closed', 'due', 'closed_on_time',
  'on_time_rate', 'closing_rate', 'rework_rate', 'disputes_upheld', 'disputes_rejected',
  'avg_handling_hours', 'overdue_now']);

/**
 * @param {HTMLElement} body
 * @param {Context} ctx
 */
function kpiScreen(body, ctx) {
  const table = h('div', { className: 'sv-tablewrap' });
  const chart = h('div', { className: 'sv-chart', attrs: { role: 'img',
    'aria-label': st('kpi.trend') } });
  const alert = h('p', { className: 'alert', attrs: { role: 'alert' } });
  /** @type {(() => void) | null} */
  let removeChart = null;
  let shown = true;
  whileShown(() => { shown = false; removeChart?.(); });

  const group = h('select', { className: 'field__input', attrs: { id: 'sv-kpi-group' } },
    ...['district', 'unit', 'category'].map((name) => h('option', { attrs: { value: name } },
      st(/** @type {'kpi.group.district'} */ (`kpi.group.${name}`)))));
  group.value = kpiQuery.group;
  const from = h('input', { className: 'field__input', attrs: { type: 'date', id: 'sv-kpi-from' } });
  const to = h('input', { className: 'field__input', attrs: { type: 'date', id: 'sv-kpi-to' } });
  from.value = kpiQuery.from;
  to.value = kpiQuery.to;

  /** @param {string} key */
  const keyName = (key) => kpiQuery.group === 'district' ? districtName(key)
    : kpiQuery.group === 'unit' ? unitName(key) : categoryName(ctx, key);

  const load = async () => {
    Object.assign(kpiQuery, { group: group.value, from: from.value, to: to.value });
    alert.textContent = '';
    const query = { group: kpiQuery.group, ...(kpiQuery.from ? { from: kpiQuery.from } : {}),
      ...(kpiQuery.to ? { to: kpiQuery.to } : {}) };
    let data;
    try {
      data = await api.request(`/api/v1/supervision/kpis${search(query)}`);
    } catch (error) {
      alert.textContent = problemText(ctx, error);
      return;
    }
    if (!shown) {
      return;
    }
    /** @type {Array<Record<string, any>>} */
    const rows = data.rows ?? [];
    table.replaceChildren(rows.length ? h('table', { className: 'sv-table' },
      h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' } }, st('kpi.key')),
        ...KPI_COLUMNS.map((name) => h('th', { attrs: { scope: 'col' } },
          st(/** @type {'kpi.found'} */ (`kpi.${name}`)))))),
      h('tbody', {}, ...rows.map((row) => h('tr', {},
        h('th', { attrs: { scope: 'row' } }, keyName(String(row.key))),
        ...KPI_COLUMNS.map((name) => h('td', {}, name.endsWith('_rate') ? percent(row[name])
          : row[name] === null || row[name] === undefined ? '—' : String(row[name])))))))
      : h('p', { className: 'muted' }, st('kpi.empty')));
    removeChart?.();
    removeChart = null;
    chart.replaceChildren();
    const trend = data.trend ?? [];
    if (trend.length) {
      try {
        const code = await import('./chart.js');
        if (shown) {
          removeChart = code.trendChart(chart, trend, { found: st('kpi.found'),
            closed: st('kpi.closed'), due: st('kpi.due'), closed_on_time: st('kpi.closed_on_time'),
            week: st('kpi.week') });
          chart.dataset.ready = 'true';
        }
      } catch {
        chart.replaceChildren(h('p', { className: 'muted' }, st('kpi.chart_unavailable')));
      }
    }
  };

  body.append(h('section', { className: 'sv-kpis', attrs: { 'aria-labelledby': 'sv-kpi-h' } },
    h('h1', { className: 'sv-h1', attrs: { id: 'sv-kpi-h' } }, st('kpi.title')),
    h('form', { className: 'sv-row sv-kpis__form',
      on: { submit: (event) => { event.preventDefault(); load(); } } },
    h('div', { className: 'field' }, h('label', { className: 'field__label',
      attrs: { for: 'sv-kpi-group' } }, st('kpi.group')), group),
    h('div', { className: 'field' }, h('label', { className: 'field__label',
      attrs: { for: 'sv-kpi-from' } }, st('f.from')), from),
    h('div', { className: 'field' }, h('label', { className: 'field__label',
      attrs: { for: 'sv-kpi-to' } }, st('f.to')), to),
    h('button', { className: 'button button--primary', attrs: { type: 'submit' } },
      st('kpi.show'))),
    alert, table,
    h('h2', { className: 'sv-h2' }, st('kpi.trend')), chart));
  load();
}

// -- the red/black list --------------------------------------------------------------------

/**
 * @param {HTMLElement} body
 * @param {Context} ctx
 */
function rankingScreen(body, ctx) {
  const table = h('div', { className: 'sv-tablewrap' }, h('p', { className: 'muted' }, st('loading')));
  const detail = h('section', { className: 'sv-explain', attrs: { 'aria-live': 'polite' } });
  const alert = h('p', { className: 'alert', attrs: { role: 'alert' } });

  /** @param {string} district */
  const explain = async (district) => {
    detail.replaceChildren(h('p', { className: 'muted' }, st('loading')));
    try {
      const data = await api.request(`/api/v1/supervision/scores/${encodeURIComponent(district)}`);
      /** @type {Array<{number: string, category: string, find: number, handle: number,
       *   why: string[]}>} */
      const rows = data.explanation ?? [];
      detail.replaceChildren(
        h('h2', { className: 'sv-h2' }, st('rank.explain', { district: districtName(district) })),
        rows.length ? h('table', { className: 'sv-table' },
          h('thead', {}, h('tr', {}, ...[st('rank.number'), st('rank.category'), st('rank.find'),
            st('rank.handle'), st('rank.why')].map((text) =>
            h('th', { attrs: { scope: 'col' } }, text)))),
          h('tbody', {}, ...rows.map((row) => h('tr', {},
            h('th', { attrs: { scope: 'row' } }, row.number),
            h('td', {}, categoryName(ctx, row.category)),
            h('td', {}, String(row.find)), h('td', {}, String(row.handle)),
            h('td', {}, (row.why ?? []).join('; '))))))
          : h('p', { className: 'muted' }, st('rank.none')));
    } catch (error) {
      detail.replaceChildren(h('p', { className: 'alert', attrs: { role: 'alert' } },
        problemText(ctx, error)));
    }
  };

  body.append(h('section', { attrs: { 'aria-labelledby': 'sv-rank-h' } },
    h('h1', { className: 'sv-h1', attrs: { id: 'sv-rank-h' } }, st('rank.title')),
    alert, table, detail));

  api.request('/api/v1/supervision/scores').then((data) => {
    /** @type {Array<Record<string, any>>} */
    const ranking = data.ranking ?? [];
    table.replaceChildren(h('table', { className: 'sv-table sv-ranking' },
      h('thead', {}, h('tr', {}, ...[st('rank.district'), st('rank.score'), st('rank.band'),
        st('rank.find'), st('rank.handle'), st('rank.exposure'), st('rank.cases')].map((text) =>
        h('th', { attrs: { scope: 'col' } }, text)))),
      h('tbody', {}, ...ranking.map((row) => h('tr', {
        className: row.band ? `sv-ranking__row sv-ranking__row--${row.band}` : 'sv-ranking__row' },
      h('th', { attrs: { scope: 'row' } }, h('button', { className: 'sv-link',
        attrs: { type: 'button' }, on: { click: () => explain(String(row.district)) } },
      districtName(String(row.district)))),
      h('td', {}, String(row.score)),
      h('td', { className: 'sv-band' }, row.band === 'red' || row.band === 'black'
        ? st(/** @type {'rank.band.red'} */ (`rank.band.${row.band}`)) : ''),
      h('td', {}, String(row.find_deductions)),
      h('td', {}, String(row.handling_deductions)),
      h('td', {}, String(row.exposure_patrol_days)),
      h('td', {}, String(row.cases)))))));
  }).catch((error) => {
    table.replaceChildren();
    alert.textContent = problemText(ctx, error);
  });
}
