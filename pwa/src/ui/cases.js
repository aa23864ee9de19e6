// @ts-check
// Lists of cases: an inspector's own reports, a unit's inbox (the server sorts it by deadline).
import { formatDateTime, named, t } from '../i18n.js';
import { categoryName } from './categories.js';
import { h } from './dom.js';
import { topBar } from './topbar.js';

/**
 * @typedef {import('../api.js').Case} Case
 * @typedef {{cases: Case[], total: number, stale: boolean}} CaseList stale: from the cache
 * @typedef {{title: string, list: CaseList | null, error: string,
 *   categories: import('../api.js').CategoryGroup[] | null}} CasesView
 */

/**
 * @param {CasesView} view
 * @param {{reload: () => void}} actions
 */
export function casesScreen(view, actions) {
  return h('div', { className: 'screen screen--cases' },
    topBar({ back: '/' }),
    h('main', { className: 'screen__body' },
      h('div', { className: 'content' },
        h('div', { className: 'heading-row' },
          h('h1', { className: 'section-title' }, view.title),
          h('button', {
            className: 'button button--small',
            attrs: { type: 'button', 'data-refocus': 'cases-reload' },
            on: { click: actions.reload },
          }, t('cases.reload'))),
        body(view),
      ),
    ),
  );
}

/** @param {CasesView} view */
function body(view) {
  const { list, error } = view;
  if (!list) {
    return error
      ? h('p', { className: 'alert', attrs: { role: 'alert' } }, error)
      : h('p', { className: 'muted', attrs: { role: 'status' } }, t('cases.loading'));
  }
  return h('div', { className: 'cases' },
    list.stale ? h('p', { className: 'alert alert--info', attrs: { role: 'status' } },
      t('cases.stale')) : null,
    list.cases.length
      ? h('ul', { className: 'case-list' },
        ...list.cases.map((item) => caseRow(item, view.categories)))
      : h('p', { className: 'muted' }, t('cases.empty')),
  );
}

/**
 * @param {Case} item
 * @param {import('../api.js').CategoryGroup[] | null} categories
 */
function caseRow(item, categories) {
  return caseListItem(item, categories, {
    thumb: item.thumb_url || item.photos?.[0]?.thumb_url,
    noUnit: t('cases.no_unit'),
    details: [
      item.deadline_at
        ? h('span', { className: 'case-row__deadline' },
          t('cases.deadline', { at: formatDateTime(item.deadline_at) }), ' ',
          lightChip(item.traffic_light))
        : null,
    ],
  });
}

/**
 * One case in a list, linking to its page: thumbnail, number and state, category, unit, then
 * what this list adds (deadline, distance...).
 * @param {Case} item
 * @param {import('../api.js').CategoryGroup[] | null} categories
 * @param {{thumb: string | null | undefined, noUnit: string, details: (Node | null)[]}} parts
 */
export function caseListItem(item, categories, { thumb, noUnit, details }) {
  return h('li', {},
    h('a', { className: 'case-row', attrs: { href: `/cases/${item.id}`, 'data-link': true } },
      thumb ? h('img', { className: 'case-row__thumb', attrs: { src: thumb, alt: '' } }) : null,
      h('span', { className: 'case-row__main' },
        h('span', { className: 'case-row__top' },
          h('span', { className: 'case-row__number' }, item.number),
          stateChip(item.state)),
        h('span', { className: 'case-row__category' }, categoryName(categories, item)),
        h('span', { className: 'case-row__unit muted' }, item.unit ? item.unit.name : noUnit),
        ...details,
      ),
    ),
  );
}

/** @param {string} state */
export function stateChip(state) {
  return h('span', { className: `chip chip--state chip--${state}` },
    named('state', state));
}

/** The traffic light: colour and a word, so that it does not rely on colour alone. */
export function lightChip(/** @type {string | null} */ light) {
  return light
    ? h('span', { className: `chip light light--${light}` }, named('light', light))
    : null;
}
