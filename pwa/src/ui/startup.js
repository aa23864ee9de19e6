// @ts-check
// The screens before the session is known: loading, and the server cannot be reached.
import { t } from '../i18n.js';
import { h } from './dom.js';
import { topBar } from './topbar.js';

/**
 * @param {string} message what went wrong, already translated
 * @param {() => void} retry
 */
export function offlineScreen(message, retry) {
  return h('div', { className: 'screen screen--offline' },
    topBar(),
    h('main', { className: 'screen__body' },
      h('div', { className: 'content' },
        h('h1', { className: 'section-title' }, t('offline.title')),
        h('p', { className: 'alert', attrs: { role: 'alert' } }, message),
        h('p', {}, t('offline.body')),
      ),
      h('div', { className: 'actions' },
        h('button', {
          className: 'button button--primary',
          attrs: { type: 'button' },
          on: { click: retry },
        }, t('action.retry')),
      ),
    ),
  );
}

/** While the session is being asked for: the bar and a short note, no flash of the login. */
export function loadingScreen() {
  return h('div', { className: 'screen' },
    topBar(),
    h('main', { className: 'screen__body' },
      h('p', { className: 'content muted', attrs: { role: 'status' } }, t('app.loading'))),
  );
}
