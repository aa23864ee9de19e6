// @ts-check
// The JSON API client: same-origin cookies, the CSRF token on writes, the UI language on all.
import { getLanguage, t } from './i18n.js';

/**
 * @typedef {'inspector' | 'staff' | 'supervisor' | 'admin'} Role
 * @typedef {{username: string, display_name: string | null, role: Role,
 *   unit: string | null, unit_name: string | null, active: boolean}} User
 * @typedef {{user: User | null, csrf_token: string}} Session
 * @typedef {{code: string, name_zh: string, name_en: string | null}} CategoryItem
 * @typedef {{code: string, name_zh: string, name_en: string | null,
 *   items: CategoryItem[]}} CategoryGroup
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TIMEOUT_MS = 20000; // a phone on a weak signal: give up and say so, rather than hang

/** An error response from the server, or a network failure (status 0). */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server was not reached
   * @param {string} code machine-readable code, e.g. `bad_credentials`, `network`
   * @param {string} message for the user, already translated
   * @param {Record<string, string>} [fields] per-field problems of a validation error
   */
  constructor(status, code, message, fields = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** @type {string | null} */
let csrfToken = null;

/**
 * Call the API; resolves with the parsed JSON body or rejects with an ApiError.
 * @param {string} path e.g. `/api/v1/categories`
 * @param {{method?: string, body?: unknown}} [options] a FormData body is sent as is
 * @returns {Promise<any>}
 */
export async function request(path, { method = 'GET', body } = {}) {
  const write = !SAFE_METHODS.has(method);
  if (write && csrfToken === null) {
    await getSession();
  }
  try {
    return await send(path, method, body, write);
  } catch (error) {
    // The token lives in the session; when the session was renewed, fetch it once more.
    if (write && error instanceof ApiError && error.code === 'csrf_failed') {
      await getSession();
      return send(path, method, body, write);
    }
    throw error;
  }
}

/**
 * @param {string} path
 * @param {string} method
 * @param {unknown} body
 * @param {boolean} write
 */
async function send(path, method, body, write) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', 'X-Language': getLanguage() };
  if (write && csrfToken) {
    headers['X-CSRFToken'] = csrfToken;
  }
  /** @type {BodyInit | undefined} */
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw timedOut
      ? new ApiError(0, 'timeout', t('error.timeout'))
      : new ApiError(0, 'network', t('error.network'));
  }
  const data = await readJson(response);
  if (!response.ok) {
    throw errorFrom(response.status, data);
  }
  return data;
}

/** @param {Response} response */
async function readJson(response) {
  if (!(response.headers.get('Content-Type') || '').includes('json')) {
    return null;
  }
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * `{"error": {"code", "message", "fields"}}` as an ApiError; anything else as a generic one.
 * @param {number} status
 * @param {any} data
 */
function errorFrom(status, data) {
  const error = data && typeof data.error === 'object' ? data.error : {};
  return new ApiError(
    status,
    typeof error.code === 'string' ? error.code : 'http_error',
    typeof error.message === 'string' && error.message ? error.message : t('error.unknown'),
    error.fields && typeof error.fields === 'object' ? error.fields : {},
  );
}

// -- endpoints --------------------------------------------------------------------------------

/** @returns {Promise<Session>} who is logged in; also keeps the CSRF token for writes */
export async function getSession() {
  /** @type {Session} */
  const session = await send('/api/v1/auth/session', 'GET', undefined, false);
  csrfToken = session.csrf_token;
  return session;
}

/**
 * @param {string} username
 * @param {string} password
 * @param {boolean} remember keep the login after the browser closes
 * @returns {Promise<User>}
 */
export async function login(username, password, remember) {
  /** @type {Session} */
  const session = await request('/api/v1/auth/login', {
    method: 'POST',
    body: { username, password, remember },
  });
  csrfToken = session.csrf_token; // the session was renewed: the old token is void
  return /** @type {User} */ (session.user);
}

export async function logout() {
  await request('/api/v1/auth/logout', { method: 'POST' });
  csrfToken = null;
}

/** @returns {Promise<CategoryGroup[]>} */
export async function getCategories() {
  const data = await request('/api/v1/categories');
  return data.groups;
}
