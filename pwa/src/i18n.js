// @ts-check
// UI language: Chinese by default, English when chosen or when the browser asks for English.

/** @typedef {'zh' | 'en'} Language */

const STORAGE_KEY = 'lang';

/** @type {Record<Language, string>} the value of <html lang> */
const HTML_LANG = { zh: 'zh-CN', en: 'en' };

const zh = {
  'app.name': '巡查督办',
  'app.tagline': '发现问题 · 及时上报 · 督办整改',
  'app.loading': '正在加载…',
  'lang.switch': '界面语言',
  'lang.zh': '中文',
  'lang.en': 'English',
  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.remember': '记住我（在本机保持登录）',
  'login.submit': '登录',
  'login.sending': '正在登录…',
  'login.missing': '请输入用户名和密码。',
  'home.hello': '您好，{name}',
  'home.role': '角色',
  'home.unit': '单位',
  'home.no_unit': '未分配单位',
  'home.logout': '退出登录',
  'home.logging_out': '正在退出…',
  'categories.title': '问题类别',
  'categories.count': '{count} 项',
  'categories.count_one': '{count} 项',
  'categories.loading': '正在加载问题类别…',
  'categories.empty': '暂无问题类别。',
  'role.inspector': '巡查员',
  'role.staff': '处置人员',
  'role.supervisor': '督查员',
  'role.admin': '管理员',
  'offline.title': '无法连接服务器',
  'offline.body': '请检查网络连接，然后重试。',
  'action.retry': '重试',
  'error.network': '无法连接服务器，请检查网络后重试。',
  'error.timeout': '服务器响应超时，请稍后重试。',
  'error.unknown': '出错了，请稍后重试。',
  'update.ready': '新版本已就绪。',
  'update.reload': '立即更新',
};

/** @type {Record<keyof typeof zh, string>} */
const en = {
  'app.name': 'Inspector',
  'app.tagline': 'Find it · Report it · Get it fixed',
  'app.loading': 'Loading…',
  'lang.switch': 'Language',
  'lang.zh': '中文',
  'lang.en': 'English',
  'login.title': 'Log in',
  'login.username': 'User name',
  'login.password': 'Password',
  'login.remember': 'Remember me (stay logged in on this device)',
  'login.submit': 'Log in',
  'login.sending': 'Logging in…',
  'login.missing': 'Enter your user name and password.',
  'home.hello': 'Hello, {name}',
  'home.role': 'Role',
  'home.unit': 'Unit',
  'home.no_unit': 'No unit assigned',
  'home.logout': 'Log out',
  'home.logging_out': 'Logging out…',
  'categories.title': 'Problem categories',
  'categories.count': '{count} items',
  'categories.count_one': '{count} item',
  'categories.loading': 'Loading problem categories…',
  'categories.empty': 'No problem categories yet.',
  'role.inspector': 'Inspector',
  'role.staff': 'Unit staff',
  'role.supervisor': 'Supervisor',
  'role.admin': 'Administrator',
  'offline.title': 'Cannot reach the server',
  'offline.body': 'Check your network connection, then try again.',
  'action.retry': 'Try again',
  'error.network': 'Cannot reach the server; check your network and try again.',
  'error.timeout': 'The server took too long to answer; try again later.',
  'error.unknown': 'Something went wrong; try again later.',
  'update.ready': 'A new version is ready.',
  'update.reload': 'Update now',
};

/** @typedef {keyof typeof zh} MessageKey */

/** @type {Record<Language, Record<MessageKey, string>>} */
const DICTIONARIES = { zh, en };

/** @type {Language} */
let current = 'zh';

/** @type {Set<(language: Language) => void>} */
const listeners = new Set();

/** @returns {Language} */
export function getLanguage() {
  return current;
}

/**
 * The saved choice, else English for a browser set to English, else Chinese.
 * @returns {Language}
 */
function preferredLanguage() {
  const saved = readSaved();
  if (saved === 'zh' || saved === 'en') {
    return saved;
  }
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

/** Apply the preferred language without saving it: the user has not chosen yet. */
export function initLanguage() {
  apply(preferredLanguage());
}

/**
 * The user's choice: saved, applied, and announced so that the screen is drawn again.
 * @param {Language} language
 */
export function setLanguage(language) {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
  // The server picks the language of its own pages and messages from this cookie too.
  document.cookie = `lang=${language}; path=/; max-age=31536000; samesite=lax`;
  apply(language);
  listeners.forEach((listener) => listener(language));
}

/** @param {(language: Language) => void} listener */
export function onLanguageChange(listener) {
  listeners.add(listener);
}

/**
 * The message for `key` in the current language, with `{name}` placeholders filled in.
 * A `count` of 1 picks the `<key>_one` message where there is one (English singular).
 * @param {MessageKey} key
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  const dictionary = DICTIONARIES[current];
  const singular = /** @type {MessageKey} */ (`${key}_one`);
  const chosen = params.count === 1 && singular in dictionary ? singular : key;
  const message = dictionary[chosen] ?? zh[chosen] ?? key;
  return message.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? String(params[name]) : whole,
  );
}

/**
 * The name of a server record (category, unit ...) in the current language, Chinese as fallback.
 * @param {{name_zh: string, name_en?: string | null}} record
 */
export function localName(record) {
  return (current === 'en' && record.name_en) || record.name_zh;
}

/** @param {Language} language */
function apply(language) {
  current = language;
  document.documentElement.lang = HTML_LANG[language];
  document.title = t('app.name');
}

function readSaved() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
