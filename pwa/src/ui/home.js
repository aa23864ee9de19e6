// @ts-check
// The home screen: who is logged in, the one big action of their role, the lists, the outbox,
// logging out.
import { t } from '../i18n.js';
import { h } from './dom.js';
import { outboxPanel } from './outbox.js';
import { topBar } from './topbar.js';

/**
 * @typedef {import('../api.js').User} User
 * @typedef {{user: User, logoutError: string, flash: string}} HomeView
 * @typedef {{logout: () => Promise<void>, login: () => void}} HomeActions
 */

/** @param {User} user */
export function canReport(user) {
  return user.role !== 'staff';
}

/** Inspectors check the fixes of their reports (supervisors may check any). @param {User} user */
export function canVerify(user) {
  return user.role !== 'staff';
}

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
        view.flash ? h('p', { className: 'notice-ok', attrs: { role: 'status' } }, view.flash) : null,
        mainActions(view.user),
        supervisionLinks(view.user),
        outboxPanel({ onLogin: actions.login }),
      ),
      h('div', { className: 'actions actions--secondary' },
        logoutButton(view.logoutError, actions.logout)),
    ),
  );
}

/** Supervisors and admins have the supervision screens (loaded on first use). @param {User} user */
export function canSupervise(user) {
  return user.role === 'supervisor' || user.role === 'admin';
}

/** @param {User} user */
function supervisionLinks(user) {
  if (!canSupervise(user)) {
    return null;
  }
  /** @type {Array<[string, import('../i18n.js').MessageKey]>} */
  const links = [['/supervision/map', 'home.sv_map'], ['/supervision/desk', 'home.sv_desk'],
    ['/supervision/kpis', 'home.sv_kpis'], ['/supervision/ranking', 'home.sv_ranking']];
  return h('nav', { className: 'home-actions home-actions--supervision',
    attrs: { 'aria-label': t('home.supervision') } },
  ...links.map(([href, key]) =>
    h('a', { className: 'button', attrs: { href, 'data-link': true } }, t(key))));
}

/** @param {User} user */
function mainActions(user) {
  const link = (/** @type {string} */ href, /** @type {string} */ text, primary = false) =>
    h('a', {
      className: primary ? 'button button--primary button--big' : 'button',
      attrs: { href, 'data-link': true },
    }, text);
  return h('nav', { className: 'home-actions', attrs: { 'aria-label': t('home.actions') } },
    canReport(user) ? link('/new', t('home.new_report'), true) : null,
    canVerify(user) ? link('/verify', t('home.verify')) : null,
    link('/cases', t(user.role === 'staff' ? 'home.inbox' : user.role === 'inspector'
      ? 'home.my_reports' : 'home.cases'), user.role === 'staff'),
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
