// @ts-check
// The home screen: who is logged in, the problem categories, and logging out.
import { localName, t } from '../i18n.js';
import { h } from './dom.js';
import { topBar } from './topbar.js';

/**
 * @typedef {import('../api.js').User} User
 * @typedef {import('../api.js').CategoryGroup} CategoryGroup
 * @typedef {{
 *   user: User,
 *   categories: CategoryGroup[] | null,
 *   categoriesError: string,
 *   logoutError: string,
 * }} HomeView
 * @typedef {{logout: () => Promise<void>, reloadCategories: () => void}} HomeActions
 */

/**
 * @param {HomeView} view
 * @param {HomeActions} actions
 */
export function homeScreen(view, actions) {
  return h('div', { className: 'screen screen--home' },
    topBar(),
    h('main', { className: 'screen__body' },
      h('div', { className: 'content' },
        profile(view.user),
        categoriesSection(view, actions.reloadCategories),
      ),
      h('div', { className: 'actions actions--secondary' },
        logoutButton(view.logoutError, actions.logout)),
    ),
  );
}

/** @param {User} user */
function profile(user) {
  const role = /** @type {import('../i18n.js').MessageKey} */ (`role.${user.role}`);
  return h('section', { className: 'profile', attrs: { 'aria-labelledby': 'profile-name' } },
    h('h1', { className: 'profile__name', attrs: { id: 'profile-name' } },
      t('home.hello', { name: user.display_name || user.username })),
    h('dl', { className: 'profile__facts' },
      h('dt', {}, t('home.role')),
      h('dd', { className: 'profile__role' }, t(role)),
      h('dt', {}, t('home.unit')),
      h('dd', { className: 'profile__unit' }, user.unit_name || t('home.no_unit')),
    ),
  );
}

/**
 * @param {HomeView} view
 * @param {() => void} reload
 */
function categoriesSection(view, reload) {
  const title = h('h2', { className: 'section-title', attrs: { id: 'categories-title' } },
    t('categories.title'));
  return h('section', { className: 'categories', attrs: { 'aria-labelledby': 'categories-title' } },
    title, categoriesBody(view, reload));
}

/**
 * @param {HomeView} view
 * @param {() => void} reload
 */
function categoriesBody(view, reload) {
  if (view.categoriesError) {
    return h('div', {},
      h('p', { className: 'alert', attrs: { role: 'alert' } }, view.categoriesError),
      h('button', { className: 'button', attrs: { type: 'button' }, on: { click: reload } },
        t('action.retry')),
    );
  }
  if (view.categories === null) {
    return h('p', { className: 'muted', attrs: { role: 'status' } }, t('categories.loading'));
  }
  if (view.categories.length === 0) {
    return h('p', { className: 'muted' }, t('categories.empty'));
  }
  return h('ul', { className: 'group-list' }, ...view.categories.map(groupRow));
}

/** @param {CategoryGroup} group */
function groupRow(group) {
  return h('li', { className: 'group-list__row', attrs: { 'data-code': group.code } },
    h('span', { className: 'group-list__code', attrs: { 'aria-hidden': 'true' } }, group.code),
    h('span', { className: 'group-list__name' }, localName(group)),
    h('span', { className: 'group-list__count' },
      t('categories.count', { count: group.items.length })),
  );
}

/**
 * @param {string} error
 * @param {() => Promise<void>} logout
 */
function logoutButton(error, logout) {
  const button = h('button', { className: 'button', attrs: { type: 'button' } }, t('home.logout'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = t('home.logging_out');
    await logout(); // draws the next screen, or this one again with the error
  });
  return h('div', {},
    h('p', { className: 'alert', attrs: { role: 'alert' } }, error),
    button,
  );
}
