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

/** The app name and the language switch; every screen starts with it. */
export function topBar() {
  return h(
    'header',
    { className: 'topbar' },
    h('span', { className: 'topbar__name' }, t('app.name')),
    languageToggle(),
  );
}
