// @ts-check
// The category picker: two levels, search by Chinese, English, keyword or pinyin initials
// ("zdjy" finds 占道经营), and the categories this phone used recently first.
import initials from '../data/initials.json';
import { localName, t } from '../i18n.js';
import { h } from './dom.js';

/**
 * @typedef {import('../api.js').CategoryGroup} CategoryGroup
 * @typedef {import('../api.js').CategoryItem} CategoryItem
 * @typedef {{category: string | null, query: string, open: boolean}} PickerDraft
 */

const RECENT_KEY = 'recentCategories';
const RECENT_MAX = 5;
const RESULTS_MAX = 30;
/** @type {Record<string, string>} item code -> initials of its name and keywords */
const INITIALS = initials;

/** @returns {string[]} codes, most recent first */
export function recentCategories() {
  try {
    const saved = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
    return Array.isArray(saved) ? saved.filter((code) => typeof code === 'string') : [];
  } catch {
    return [];
  }
}

/** @param {string} code */
export function rememberCategory(code) {
  const recent = [code, ...recentCategories().filter((other) => other !== code)];
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(recent.slice(0, RECENT_MAX)));
  } catch {
    // storage full or private mode: recent categories are a convenience
  }
}

/**
 * @param {CategoryGroup[]} groups
 * @param {string | null | undefined} code
 * @returns {CategoryItem | undefined}
 */
export function findCategory(groups, code) {
  for (const group of groups) {
    const item = group.items.find((candidate) => candidate.code === code);
    if (item) {
      return item;
    }
  }
  return undefined;
}

/**
 * A case's category in the UI language (the server names it in Chinese only).
 * @param {CategoryGroup[] | null} groups
 * @param {{category: string, category_name?: string | null}} item
 */
export function categoryName(groups, item) {
  const found = groups ? findCategory(groups, item.category) : undefined;
  return found ? localName(found) : item.category_name || item.category;
}

/**
 * @param {CategoryItem} item
 * @param {string} query lower case, trimmed
 */
export function matches(item, query) {
  const words = [
    item.code,
    item.name_zh,
    (item.name_en || '').toLowerCase(),
    ...(item.keywords || []).map((word) => word.toLowerCase()),
    ...(INITIALS[item.code] || '').split(' '),
  ];
  return words.some((word) => word.includes(query));
}

/**
 * @param {CategoryGroup[]} groups
 * @param {PickerDraft} draft changed in place
 * @param {() => void} onPick after a category was chosen
 */
export function categoryPicker(groups, draft, onPick) {
  const box = h('div', { className: 'picker' });
  const search = h('input', {
    className: 'field__input',
    attrs: {
      id: 'category-search',
      type: 'search',
      autocomplete: 'off',
      enterkeyhint: 'search',
      'aria-controls': 'category-results',
    },
  });
  search.value = draft.query;
  const results = h('div', { attrs: { id: 'category-results' } });
  const searchField = h('div', { className: 'field' },
    h('label', { className: 'field__label', attrs: { for: 'category-search' } },
      t('category.search')),
    search,
  );

  /** @param {CategoryItem} item */
  const choose = (item) => {
    draft.category = item.code;
    draft.query = '';
    draft.open = false;
    search.value = '';
    draw();
    onPick();
  };

  const drawResults = () => {
    const query = draft.query.trim().toLowerCase();
    results.replaceChildren(query ? searchResults(groups, query, choose) : browse(groups, choose));
  };

  const draw = () => {
    const chosen = findCategory(groups, draft.category);
    if (chosen && !draft.open) {
      box.replaceChildren(selected(chosen, () => {
        draft.open = true;
        draw();
        search.focus();
      }));
      return;
    }
    drawResults();
    box.replaceChildren(searchField, results);
  };

  search.addEventListener('input', () => {
    draft.query = search.value;
    drawResults();
  });
  draw();
  return box;
}

/**
 * @param {CategoryItem} item
 * @param {() => void} change
 */
function selected(item, change) {
  return h('div', { className: 'picker__chosen' },
    h('span', { className: 'picker__chosen-name' },
      h('span', { className: 'code-chip' }, item.code), ' ', localName(item)),
    h('button', {
      className: 'button button--small',
      attrs: { type: 'button', 'data-refocus': 'category-change' },
      on: { click: change },
    }, t('category.change')),
  );
}

/**
 * @param {CategoryGroup[]} groups
 * @param {string} query
 * @param {(item: CategoryItem) => void} choose
 */
function searchResults(groups, query, choose) {
  const found = groups.flatMap((group) => group.items).filter((item) => matches(item, query));
  if (found.length === 0) {
    return h('p', { className: 'muted', attrs: { role: 'status' } }, t('category.none'));
  }
  return h('ul', { className: 'picker__list', attrs: { 'aria-label': t('category.results') } },
    ...byRecent(found).slice(0, RESULTS_MAX).map((item) => itemRow(item, choose)));
}

/**
 * Recent categories, then every group to open.
 * @param {CategoryGroup[]} groups
 * @param {(item: CategoryItem) => void} choose
 */
function browse(groups, choose) {
  const recent = recentCategories()
    .map((code) => findCategory(groups, code))
    .filter((item) => item !== undefined);
  return h('div', { className: 'picker__browse' },
    recent.length
      ? h('div', {},
        h('h3', { className: 'picker__heading' }, t('category.recent')),
        h('ul', { className: 'picker__list picker__list--recent' },
          ...recent.map((item) => itemRow(/** @type {CategoryItem} */ (item), choose))))
      : null,
    ...groups.map((group) =>
      h('details', { className: 'picker__group' },
        h('summary', { className: 'picker__summary' },
          h('span', { className: 'code-chip' }, group.code), ' ', localName(group)),
        h('ul', { className: 'picker__list' }, ...group.items.map((item) => itemRow(item, choose))),
      )),
  );
}

/** @param {CategoryItem[]} items */
function byRecent(items) {
  const recent = recentCategories();
  const rank = (/** @type {CategoryItem} */ item) => {
    const index = recent.indexOf(item.code);
    return index === -1 ? recent.length : index;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

/**
 * @param {CategoryItem} item
 * @param {(item: CategoryItem) => void} choose
 */
function itemRow(item, choose) {
  return h('li', {},
    h('button', {
      className: 'picker__item',
      attrs: { type: 'button', 'data-code': item.code },
      on: { click: () => choose(item) },
    },
    h('span', { className: 'picker__item-name' }, localName(item)),
    h('span', { className: 'picker__item-code' }, item.code)),
  );
}
