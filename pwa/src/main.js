// @ts-check
// The app: which screen to show, the state the screens are drawn from, and what they can do.
import './styles.css';
import * as api from './api.js';
import { loadClientConfig } from './config.js';
import { initLanguage, localName, onLanguageChange, t } from './i18n.js';
import { currentLocation, onLocation, startLocating, stopLocating } from './location.js';
import * as outbox from './outbox.js';
import * as store from './store.js';
import { registerServiceWorker } from './sw-register.js';
import { caseScreen, newActionDraft } from './ui/case.js';
import { casesScreen } from './ui/cases.js';
import { captureScreen, newCaptureDraft, photosMeta, reportData } from './ui/capture.js';
import { findCategory, rememberCategory } from './ui/categories.js';
import { disposeScreen, h, whileShown } from './ui/dom.js';
import { canReport, canSupervise, canVerify, homeScreen } from './ui/home.js';
import { loginScreen, newLoginDraft } from './ui/login.js';
import { releasePhotos } from './ui/photos.js';
import { loadingScreen, offlineScreen } from './ui/startup.js';
import { showConnectivity, topBar } from './ui/topbar.js';
import { verifyScreen } from './ui/verify.js';
import { loadOutlines } from './zones.js';

/**
 * @typedef {'loading' | 'offline' | 'login' | 'app'} Phase
 * @typedef {import('./ui/photos.js').PickedPhoto} PickedPhoto
 */

const CASE_PATH = /^\/cases\/(\d+)$/;

const state = {
  /** @type {Phase} */
  phase: 'loading',
  /** @type {api.User | null} */
  user: null,
  /** @type {api.User | null} the last user logged in on this phone (kept for offline starts) */
  lastUser: null,
  loginDraft: newLoginDraft(),
  /** @type {api.CategoryGroup[] | null} */
  categories: null,
  categoriesError: '',
  logoutError: '',
  offlineMessage: '',
  flash: '',
  capture: newCaptureDraft(),
  /** @type {{list: import('./ui/cases.js').CaseList | null, error: string}} */
  cases: { list: null, error: '' },
  /** @type {{list: import('./ui/verify.js').VerifyList | null, error: string}} */
  verify: { list: null, error: '' },
  /** @type {import('./ui/case.js').CaseView | null} */
  caseView: null,
  /** the list a case was opened from: its back link leads there */
  caseBack: '/cases',
  /** @type {(() => void) | null} switches to a new version of the app, once one is waiting */
  applyUpdate: null,
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
      return loginScreen(state.loginDraft, login, pendingNote());
    case 'app':
      return appScreen(/** @type {api.User} */ (state.user));
  }
}

/** The logged-in screens by path; an unknown path shows home. @param {api.User} user */
function appScreen(user) {
  const path = window.location.pathname;
  if (path === '/new' && canReport(user)) {
    return captureScreen(
      { draft: state.capture, categories: state.categories, categoriesError: state.categoriesError },
      { submit: submitReport, addToCase, nearby: api.getNearby, reloadCategories: loadCategories },
    );
  }
  if (path === '/verify' && canVerify(user)) {
    return verifyScreen({ ...state.verify, categories: state.categories },
      { reload: loadVerify, open: (id) => navigate(`/cases/${id}`) });
  }
  if (path === '/cases') {
    const title = t(user.role === 'staff' ? 'home.inbox'
      : user.role === 'inspector' ? 'home.my_reports' : 'home.cases');
    return casesScreen({ title, ...state.cases, categories: state.categories },
      { reload: loadCases });
  }
  if (path.startsWith('/supervision/') && canSupervise(user)) {
    return supervisionScreen(path);
  }
  if (CASE_PATH.test(path) && state.caseView) {
    return caseScreen(state.caseView, user, {
      queue: queueStaffAction,
      loadUnits,
      reload: () => loadCase(/** @type {number} */ (state.caseView?.id)),
      login: showLogin,
      redraw: render,
    }, state.categories, state.caseBack);
  }
  return homeScreen(
    { user, logoutError: state.logoutError, flash: state.flash },
    { logout, login: showLogin },
  );
}

/** @type {Promise<typeof import('./supervision/screens.js')> | null} */
let supervisionCode = null;

/**
 * The supervisor screens (desktop-first): their code is loaded on first use, so the phone
 * screens never download it.
 * @param {string} path
 */
function supervisionScreen(path) {
  const host = h('main', { className: 'screen__body sv' },
    h('p', { className: 'muted', attrs: { role: 'status' } }, t('app.loading')));
  let shown = true;
  whileShown(() => { shown = false; });
  supervisionCode ??= import('./supervision/screens.js').catch((error) => {
    supervisionCode = null;
    throw error;
  });
  supervisionCode.then((code) => {
    if (shown) {
      code.mount(host, path, {
        categories: state.categories,
        navigate,
        sessionEnded,
        messageOf,
      });
    }
  }).catch(() => {
    if (shown) {
      host.replaceChildren(h('p', { className: 'alert', attrs: { role: 'alert' } },
        t('home.sv_unavailable')));
    }
  });
  return h('div', { className: 'screen screen--supervision' }, topBar({ back: '/' }), host);
}

/** Draw the whole screen again from the state; keeps the focus on the same control. */
function render() {
  const focused = document.activeElement;
  const refocus = focused instanceof HTMLElement ? focused.dataset.refocus : undefined;
  disposeScreen();
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

/** "Log in to send 3 queued items", when the last user left some. */
function pendingNote() {
  const count = outbox.countFor(state.lastUser?.username ?? null);
  return count ? t('login.pending', { count }) : '';
}

// -- navigation ------------------------------------------------------------------------------

/** @param {string} path */
function navigate(path) {
  if (CASE_PATH.test(path)) {
    const from = window.location.pathname;
    state.caseBack = from === '/verify' || from.startsWith('/supervision/') ? from : '/cases';
  }
  if (path !== window.location.pathname) {
    window.history.pushState(null, '', path);
  }
  enterRoute();
}

/** Load what the screen at the current path needs, then draw it. */
function enterRoute() {
  const path = window.location.pathname;
  stopLocating();
  if (path !== '/') {
    state.flash = '';
  }
  if (path === '/new') {
    startLocating();
  } else if (path === '/verify') {
    startLocating();
    loadVerify();
    onLocation(listNearestFirst);
  } else if (path === '/cases') {
    loadCases();
  } else {
    const match = CASE_PATH.exec(path);
    if (match) {
      openCase(Number(match[1]));
    }
  }
  render();
  window.scrollTo(0, 0);
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-link]') : null;
  const plain = !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);
  if (link && plain && event.button === 0) {
    event.preventDefault();
    navigate(/** @type {string} */ (link.getAttribute('href')));
  }
});

// -- session ---------------------------------------------------------------------------------

/** @type {Promise<boolean> | null} the client config, asked for once at start */
let configLoaded = null;

async function loadSession() {
  state.phase = 'loading';
  render();
  configLoaded ??= loadClientConfig();
  try {
    const [session] = await Promise.all([api.getSession(), configLoaded]);
    session.user ? showApp(session.user) : showLogin();
  } catch (error) {
    if (state.lastUser && error instanceof api.ApiError && error.status === 0) {
      showApp(state.lastUser); // offline: capture works, the outbox sends later
      return;
    }
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
  state.lastUser = null;
  store.cacheDelete('user').catch(() => {});
  showLogin();
}

/** @param {api.User} user */
function showApp(user) {
  if (state.user?.username !== user.username) {
    state.verify = { list: null, error: '' }; // another user's list must not show
  }
  state.phase = 'app';
  state.user = user;
  state.lastUser = user;
  state.logoutError = '';
  store.cachePut('user', user).catch(() => {});
  outbox.setOwner(user.username);
  loadCategories();
  loadOutlines();
  enterRoute();
}

function showLogin() {
  state.phase = 'login';
  state.user = null;
  outbox.setOwner(null);
  stopLocating();
  render();
}

/**
 * A 401 means the session ended: log in again (the outbox keeps its items meanwhile).
 * @param {unknown} error
 */
function sessionEnded(error) {
  if (error instanceof api.ApiError && error.status === 401) {
    showLogin();
    return true;
  }
  return false;
}

// -- data ------------------------------------------------------------------------------------

/** The taxonomy for the picker: cached for offline capture, refreshed when online. */
async function loadCategories() {
  const hadNone = state.categories === null;
  state.categoriesError = '';
  state.categories ??= (await store.cacheGet('categories').catch(() => null)) ?? null;
  try {
    state.categories = await api.getCategories();
    store.cachePut('categories', state.categories).catch(() => {});
  } catch (error) {
    if (sessionEnded(error)) {
      return;
    }
    state.categoriesError = state.categories ? '' : messageOf(error);
  }
  if (hadNone && state.phase === 'app' && window.location.pathname === '/new') {
    render();
  }
}

async function loadCases() {
  const key = `cases:${state.user?.username}`;
  state.cases = { list: null, error: '' };
  try {
    const data = await api.getCases({ per_page: 100 });
    state.cases.list = { cases: data.cases, total: data.total, stale: false };
    store.cachePut(key, data).catch(() => {});
  } catch (error) {
    if (sessionEnded(error)) {
      return;
    }
    const cached = await store.cacheGet(key).catch(() => null);
    state.cases.list = cached ? { cases: cached.cases, total: cached.total, stale: true } : null;
    state.cases.error = messageOf(error);
  }
  if (window.location.pathname === '/cases') {
    render();
  }
}

let verifyLoading = false;

/** The rectified cases waiting for this user's check, nearest first when the phone knows. */
async function loadVerify() {
  const key = `verify:${state.user?.username}`;
  const { fix } = currentLocation();
  const near = fix ? `${fix.lon.toFixed(6)},${fix.lat.toFixed(6)}` : undefined;
  state.verify = { list: state.verify.list, error: '' };
  verifyLoading = true;
  try {
    const data = await api.getCases({ state: 'rectified', per_page: 100, ...(near ? { near } : {}) });
    state.verify.list = { cases: data.cases, total: data.total, stale: false, near: Boolean(near) };
    store.cachePut(key, data).catch(() => {});
  } catch (error) {
    if (sessionEnded(error)) {
      return;
    }
    const cached = await store.cacheGet(key).catch(() => null);
    state.verify.list = cached
      ? { cases: cached.cases, total: cached.total, stale: true, near: false }
      : null;
    state.verify.error = messageOf(error);
  } finally {
    verifyLoading = false;
  }
  if (window.location.pathname === '/verify') {
    render();
    listNearestFirst();
  }
}

/** Listed before the phone knew where it is: ask again, nearest first, once it knows. */
function listNearestFirst() {
  const { list, error } = state.verify;
  if (currentLocation().fix && list && !list.near && !error && !verifyLoading
    && window.location.pathname === '/verify') {
    loadVerify();
  }
}

/** @param {number} id */
function openCase(id) {
  if (state.caseView?.id !== id) {
    releasePhotos(state.caseView?.draft.photos ?? []);
    state.caseView = { id, case: null, error: '', draft: newActionDraft(), units: null };
  }
  loadCase(id);
}

/** @param {number} id */
async function loadCase(id) {
  const view = state.caseView;
  if (!view || view.id !== id) {
    return;
  }
  view.error = '';
  try {
    view.case = await api.getCase(id);
  } catch (error) {
    if (sessionEnded(error)) {
      return;
    }
    view.case ??= state.cases.list?.cases.find((item) => item.id === id)
      ?? state.verify.list?.cases.find((item) => item.id === id) ?? null;
    view.error = view.case ? '' : messageOf(error);
  }
  // Redraw unless a form is open: what the user is typing must not be wiped.
  if (state.caseView === view && window.location.pathname === `/cases/${id}` && !view.draft.panel) {
    render();
  }
}

async function loadUnits() {
  const view = state.caseView;
  if (!view || view.units) {
    return;
  }
  try {
    view.units = await api.getUnits();
    store.cachePut('units', view.units).catch(() => {});
  } catch (error) {
    if (sessionEnded(error)) {
      return;
    }
    view.units = (await store.cacheGet('units').catch(() => null)) ?? [];
  }
  render();
}

// -- queueing --------------------------------------------------------------------------------

/** @param {PickedPhoto[]} photos */
function storedPhotos(photos) {
  return photos.map((picked) => /** @type {import('./store.js').StoredPhoto} */ (picked.photo));
}

/** @param {import('./ui/capture.js').CaptureDraft} draft */
async function submitReport(draft) {
  const ready = reportData(draft);
  if ('problem' in ready) {
    throw new Error(ready.problem);
  }
  const code = /** @type {string} */ (draft.picker.category);
  const category = findCategory(state.categories ?? [], code);
  await outbox.enqueue('report', {
    data: ready.data,
    photos: storedPhotos(draft.photos),
    label: category ? `${code} ${localName(category)}` : code,
  });
  rememberCategory(code);
  finishCapture(t('capture.queued'));
}

/**
 * @param {api.Case} found
 * @param {import('./ui/capture.js').CaptureDraft} draft
 */
async function addToCase(found, draft) {
  await outbox.enqueue('add_photos', {
    caseId: found.id,
    data: { photos_meta: photosMeta(draft.photos) },
    photos: storedPhotos(draft.photos),
    label: found.number,
  });
  finishCapture(t('nearby.queued', { number: found.number }));
}

/** @param {string} message */
function finishCapture(message) {
  releasePhotos(state.capture.photos);
  state.capture = newCaptureDraft();
  state.flash = message;
  navigate('/');
}

/**
 * @param {import('./ui/case.js').ActionKind} kind
 * @param {Record<string, unknown>} data
 * @param {PickedPhoto[]} [photos]
 */
async function queueStaffAction(kind, data, photos = []) {
  const view = /** @type {import('./ui/case.js').CaseView} */ (state.caseView);
  await outbox.enqueue(kind, {
    caseId: view.id,
    data,
    photos: storedPhotos(photos),
    label: view.case?.number ?? String(view.id),
  });
  releasePhotos(view.draft.photos);
  view.draft = { ...newActionDraft(), queued: t('staff.queued') };
  stopLocating();
  render();
}

/** @param {import('./outbox.js').OutboxEvent} event */
function onOutboxEvent(event) {
  if (event.type !== 'sent' || state.phase !== 'app') {
    return;
  }
  const sentCase = event.data?.case;
  const path = window.location.pathname;
  if (state.caseView && state.caseView.id === event.item.caseId && sentCase) {
    state.caseView.case = sentCase;
    if (path === `/cases/${state.caseView.id}` && !state.caseView.draft.panel) {
      state.caseView.draft.queued = '';
      render();
    }
  }
  if (path === '/cases') {
    loadCases();
  }
  if (path === '/verify' && event.item.kind === 'verify') {
    loadVerify();
  }
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof api.ApiError ? error.message : t('error.unknown');
}

// -- start -----------------------------------------------------------------------------------

async function start() {
  initLanguage();
  onLanguageChange(render);
  window.addEventListener('popstate', () => state.phase === 'app' ? enterRoute() : render());
  window.addEventListener('online', () => {
    showConnectivity();
    if (state.phase === 'app' && state.categories === null) {
      loadCategories();
    }
  });
  window.addEventListener('offline', showConnectivity);
  registerServiceWorker((applyUpdate) => {
    state.applyUpdate = applyUpdate;
    renderNotice();
  });
  await outbox.startOutbox();
  outbox.subscribe(onOutboxEvent);
  state.lastUser = (await store.cacheGet('user').catch(() => null)) ?? null;
  loadSession();
}

start();
