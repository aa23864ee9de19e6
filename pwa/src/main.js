// @ts-check
// The app: which screen to show, the state the screens are drawn from, and what they can do.
import './styles.css';
import * as api from './api.js';
import { initLanguage, onLanguageChange, t } from './i18n.js';
import { registerServiceWorker } from './sw-register.js';
import { h } from './ui/dom.js';
import { homeScreen } from './ui/home.js';
import { loginScreen, newLoginDraft } from './ui/login.js';
import { loadingScreen, offlineScreen } from './ui/startup.js';

/**
 * @typedef {'loading' | 'offline' | 'login' | 'app'} Phase
 */

const state = {
  /** @type {Phase} */
  phase: 'loading',
  /** @type {api.User | null} */
  user: null,
  loginDraft: newLoginDraft(),
  /** @type {api.CategoryGroup[] | null} */
  categories: null,
  categoriesError: '',
  logoutError: '',
  offlineMessage: '',
  /** @type {(() => void) | null} switches to a new version of the app, once one is waiting */
  applyUpdate: null,
};

/** The logged-in screens by path; an unknown path shows home. */
const ROUTES = {
  '/': () =>
    homeScreen(
      {
        user: /** @type {api.User} */ (state.user),
        categories: state.categories,
        categoriesError: state.categoriesError,
        logoutError: state.logoutError,
      },
      { logout, reloadCategories: loadCategories },
    ),
};

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
const notice = /** @type {HTMLElement} */ (document.getElementById('notice'));

function currentScreen() {
  switch (state.phase) {
    case 'loading':
      return loadingScreen();
    case 'offline':
      return offlineScreen(state.offlineMessage, loadSession);
    case 'login':
      return loginScreen(state.loginDraft, login);
    case 'app': {
      const path = /** @type {keyof typeof ROUTES} */ (window.location.pathname);
      return (ROUTES[path] ?? ROUTES['/'])();
    }
  }
}

/** Draw the whole screen again from the state; keeps the focus on the same control. */
function render() {
  const focused = document.activeElement;
  const refocus = focused instanceof HTMLElement ? focused.dataset.refocus : undefined;
  root.replaceChildren(currentScreen());
  if (refocus) {
    /** @type {HTMLElement | null} */ (root.querySelector(`[data-refocus="${refocus}"]`))?.focus();
  }
  renderNotice();
}

function renderNotice() {
  notice.hidden = state.applyUpdate === null;
  notice.replaceChildren();
  if (state.applyUpdate) {
    notice.append(
      h('span', {}, t('update.ready')),
      h('button', {
        className: 'button button--small',
        attrs: { type: 'button' },
        on: { click: state.applyUpdate },
      }, t('update.reload')),
    );
  }
}

// -- what the screens can do -----------------------------------------------------------------

async function loadSession() {
  state.phase = 'loading';
  render();
  try {
    const session = await api.getSession();
    session.user ? showApp(session.user) : showLogin();
  } catch (error) {
    state.phase = 'offline';
    state.offlineMessage = messageOf(error);
    render();
  }
}

/** @type {import('./ui/login.js').Submit} */
async function login(username, password, remember) {
  const user = await api.login(username, password, remember);
  state.loginDraft = newLoginDraft();
  showApp(user);
}

async function logout() {
  try {
    await api.logout();
  } catch (error) {
    if (!(error instanceof api.ApiError && error.status === 401)) {
      state.logoutError = messageOf(error);
      render();
      return;
    }
  }
  showLogin();
}

async function loadCategories() {
  state.categories = null;
  state.categoriesError = '';
  render();
  try {
    state.categories = await api.getCategories();
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) {
      showLogin(); // the session ended on the server
      return;
    }
    state.categoriesError = messageOf(error);
  }
  if (state.phase === 'app') {
    render();
  }
}

/** @param {api.User} user */
function showApp(user) {
  state.phase = 'app';
  state.user = user;
  state.logoutError = '';
  if (!(window.location.pathname in ROUTES)) {
    window.history.replaceState(null, '', '/');
  }
  loadCategories(); // draws the screen at once, then again with the data
}

function showLogin() {
  state.phase = 'login';
  state.user = null;
  state.categories = null;
  render();
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof api.ApiError ? error.message : t('error.unknown');
}

// -- start -----------------------------------------------------------------------------------

initLanguage();
onLanguageChange(render);
window.addEventListener('popstate', render);
registerServiceWorker((applyUpdate) => {
  state.applyUpdate = applyUpdate;
  renderNotice();
});
loadSession();
