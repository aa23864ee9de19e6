// @ts-check
// The login screen: user name, password, "remember me", and the server's answer in an alert.
import { ApiError } from '../api.js';
import { t } from '../i18n.js';
import { h } from './dom.js';
import { topBar } from './topbar.js';

/**
 * What the user typed, kept outside the DOM so that switching language keeps it.
 * @typedef {{username: string, password: string, remember: boolean, error: string}} LoginDraft
 * @typedef {(username: string, password: string, remember: boolean) => Promise<void>} Submit
 */

/** @returns {LoginDraft} */
export function newLoginDraft() {
  return { username: '', password: '', remember: true, error: '' };
}

/**
 * @param {LoginDraft} draft
 * @param {Submit} submit resolves once logged in (the app then shows another screen)
 * @param {string} [pending] a note on queued items that wait for this login
 */
export function loginScreen(draft, submit, pending = '') {
  const username = input('username', 'text', draft.username, {
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    enterkeyhint: 'next',
  });
  const password = input('password', 'password', draft.password, {
    autocomplete: 'current-password',
    enterkeyhint: 'go',
  });
  const remember = h('input', {
    className: 'check__box',
    attrs: { type: 'checkbox', name: 'remember', id: 'login-remember' },
  });
  remember.checked = draft.remember;
  const alert = h('p', { className: 'alert', attrs: { role: 'alert' } }, draft.error);
  const button = h(
    'button',
    { className: 'button button--primary', attrs: { type: 'submit' } },
    t('login.submit'),
  );

  const form = h(
    'form',
    { className: 'screen__body', attrs: { novalidate: true, 'aria-labelledby': 'login-title' } },
    h('div', { className: 'content' },
      h('h1', { className: 'hero__name' }, t('app.name')),
      h('p', { className: 'hero__tagline' }, t('app.tagline')),
      h('h2', { className: 'section-title', attrs: { id: 'login-title' } }, t('login.title')),
      pending ? h('p', { className: 'alert alert--info login__pending' }, pending) : null,
      field('username', t('login.username'), username),
      field('password', t('login.password'), password),
      h('label', { className: 'check', attrs: { for: 'login-remember' } },
        remember, h('span', {}, t('login.remember'))),
      alert,
    ),
    h('div', { className: 'actions' }, button),
  );

  const keepDraft = () => {
    draft.username = username.value;
    draft.password = password.value;
    draft.remember = remember.checked;
  };
  form.addEventListener('input', keepDraft);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    keepDraft();
    const name = draft.username.trim();
    if (!name || !draft.password) {
      showError(alert, draft, t('login.missing'));
      (name ? password : username).focus();
      return;
    }
    setSending(button, true);
    showError(alert, draft, '');
    try {
      await submit(name, draft.password, draft.remember);
    } catch (error) {
      draft.password = '';
      password.value = '';
      showError(alert, draft, error instanceof ApiError ? error.message : t('error.unknown'));
      setSending(button, false);
      password.focus();
    }
  });

  return h('div', { className: 'screen screen--login' }, topBar(), form);
}

/**
 * @param {string} name
 * @param {string} type
 * @param {string} value
 * @param {Record<string, string>} attrs
 */
function input(name, type, value, attrs) {
  const element = h('input', {
    className: 'field__input',
    attrs: { ...attrs, id: `login-${name}`, name, type },
  });
  element.value = value;
  return element;
}

/**
 * @param {string} name
 * @param {string} label
 * @param {HTMLInputElement} control
 */
function field(name, label, control) {
  return h('div', { className: 'field' },
    h('label', { className: 'field__label', attrs: { for: `login-${name}` } }, label),
    control,
  );
}

/**
 * @param {HTMLElement} alert
 * @param {LoginDraft} draft
 * @param {string} message
 */
function showError(alert, draft, message) {
  draft.error = message;
  alert.textContent = message;
}

/**
 * @param {HTMLButtonElement} button
 * @param {boolean} sending
 */
function setSending(button, sending) {
  button.disabled = sending;
  button.textContent = t(sending ? 'login.sending' : 'login.submit');
  button.closest('form')?.setAttribute('aria-busy', String(sending));
}
