// @ts-check
// The bar at the top of every screen: the app name and the 中文 / English switch.
import { getLanguage, setLanguage, t } from '../i18n.js';
import { h } from './dom.js';

/** @type {import('../i18n.js').Language[]} */
const CHOICES = ['zh', 'en'];

export function languageToggle() {
  const current = getLanguage();
  const buttons = CHOICES.map((language) =>
    h(
      'button',
      {
        className: 'lang-toggle__option',
        attrs: {
          type: 'button',
          lang: language === 'zh' ? 'zh-CN' : 'en',
          'aria-pressed': String(language === current),
          'data-refocus': `lang-${language}`,
        },
        on: { click: () => language !== getLanguage() && setLanguage(language) },
      },
      t(language === 'zh' ? 'lang.zh' : 'lang.en'),
    ),
  );
  return h(
    'div',
    { className: 'lang-toggle', attrs: { role: 'group', 'aria-label': t('lang.switch') } },
    ...buttons,
  );
}

/**
 * The app name (or a way back), whether the phone is offline, and the language switch; every
 * screen starts with it.
 * @param {{back?: string}} [options] back: the path the back link leads to
 */
export function topBar({ back } = {}) {
  return h(
    'header',
    { className: 'topbar' },
    back
      ? h('a', { className: 'topbar__back', attrs: { href: back, 'data-link': true } },
        `‹ ${t('nav.back')}`)
      : h('span', { className: 'topbar__name' }, t('app.name')),
    h('span', { className: 'topbar__offline', attrs: { hidden: navigator.onLine } },
      t('nav.offline')),
    languageToggle(),
  );
}

/** Show or hide the offline mark without drawing the screen again (a form may be half filled). */
export function showConnectivity() {
  document.querySelectorAll('.topbar__offline').forEach((mark) => {
    /** @type {HTMLElement} */ (mark).hidden = navigator.onLine;
  });
}
