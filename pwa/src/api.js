// @ts-check
// The JSON API client: same-origin cookies, the CSRF token on writes, the UI language on all.
import { getLanguage, t } from './i18n.js';

/**
 * @typedef {'inspector' | 'staff' | 'supervisor' | 'admin'} Role
 * @typedef {{username: string, display_name: string | null, role: Role,
 *   unit: string | null, unit_name: string | null, active: boolean}} User
 * @typedef {{user: User | null, csrf_token: string}} Session
 * @typedef {{code: string, name_zh: string, name_en: string | null, keywords?: string[],
 *   group?: string}} CategoryItem
 * @typedef {{code: string, name_zh: string, name_en: string | null,
 *   items: CategoryItem[]}} CategoryGroup
 * @typedef {{id: number, kind?: string, thumb_url: string, display_url: string}} Photo
 * @typedef {{at: string, action: string, actor: string | null, role: string | null,
 *   from_state: string | null, to_state: string | null, note: string | null}} TimelineEvent
 * @typedef {{id: number, number: string, state: string, category: string,
 *   category_name?: string | null, unit: {code: string, name: string} | null,
 *   deadline_at: string | null, traffic_light: 'green' | 'yellow' | 'red' | null,
 *   reported_at?: string, description?: string | null, severity?: string,
 *   location?: {lon: number, lat: number, accuracy_m: number | null, source: string},
 *   routing?: {status: string, reason: string}, photos?: Photo[], thumb_url?: string,
 *   distance_m?: number, timeline?: TimelineEvent[]}} Case
 * @typedef {{code: string, name_zh: string, name_en?: string | null, kind: string}} Unit
 * @typedef {{status: number, data: any, error: ApiError | null}} Transmitted
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TIMEOUT_MS = 20000; // a phone on a weak signal: give up and say so, rather than hang
const UPLOAD_TIMEOUT_MS = 120000; // five photos on 2G: the outbox tries again later anyway

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

/** Headers every call sends: JSON answers, in the UI language, with the CSRF token on writes. */
function baseHeaders(write = false) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', 'X-Language': getLanguage() };
  if (write && csrfToken) {
    headers['X-CSRFToken'] = csrfToken;
  }
  return headers;
}

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
  const headers = baseHeaders(write);
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

/**
 * @param {string} path
 * @param {Record<string, string>} query
 */
function withQuery(path, query) {
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

/** @returns {Promise<import('./config.js').ClientConfig>} map settings, contexts, severities */
export async function getClientConfig() {
  return request('/api/v1/client-config');
}

/**
 * The current zones of a layer, for outlines on the map.
 * @param {string} layer e.g. `district`
 * @returns {Promise<import('geojson').FeatureCollection>}
 */
export async function getZones(layer) {
  return request(withQuery('/api/v1/zones', { layer }));
}

/**
 * @param {{state?: string, page?: number, per_page?: number, near?: string}} [query]
 *   near: `lon,lat` lists the nearest first
 * @returns {Promise<{cases: Case[], total: number, page: number}>}
 */
export async function getCases(query = {}) {
  const params = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return request(withQuery('/api/v1/cases', params));
}

/**
 * @param {number} id
 * @returns {Promise<Case>}
 */
export async function getCase(id) {
  return (await request(`/api/v1/cases/${id}`)).case;
}

/**
 * Open cases of this category near the point: the "same problem" offer before a new report.
 * @param {number} lon
 * @param {number} lat
 * @param {string} category
 * @returns {Promise<Case[]>}
 */
export async function getNearby(lon, lat, category) {
  const query = { lon: lon.toFixed(7), lat: lat.toFixed(7), category };
  return (await request(withQuery('/api/v1/reports/nearby', query))).cases;
}

/** @returns {Promise<Unit[]>} */
export async function getUnits() {
  return (await request('/api/v1/units')).units;
}

// -- the outbox's sender ------------------------------------------------------------------------

/**
 * POST a queued item with XMLHttpRequest, whose upload reports progress (fetch's does not).
 * Never rejects: the outbox decides from the status what to do next (0 = not reached).
 * @param {string} path
 * @param {FormData | Record<string, unknown>} body
 * @param {(fraction: number) => void} onProgress
 * @returns {Promise<Transmitted>}
 */
export async function transmit(path, body, onProgress) {
  if (csrfToken === null) {
    const refreshed = await refreshToken();
    if (refreshed) {
      return refreshed;
    }
  }
  const first = await post(path, body, onProgress);
  if (first.error?.code !== 'csrf_failed') {
    return first;
  }
  // The session behind the token ended (expired, or a login elsewhere): one fresh token.
  return (await refreshToken()) ?? post(path, body, onProgress);
}

/** @returns {Promise<Transmitted | null>} a failed result when the session cannot be read */
async function refreshToken() {
  try {
    await getSession();
    return null;
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError(0, 'network', t('error.network'));
    return { status: failure.status, data: null, error: failure };
  }
}

/**
 * @param {string} path
 * @param {FormData | Record<string, unknown>} body
 * @param {(fraction: number) => void} onProgress
 * @returns {Promise<Transmitted>}
 */
function post(path, body, onProgress) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.timeout = UPLOAD_TIMEOUT_MS;
    for (const [name, value] of Object.entries(baseHeaders(true))) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) {
        onProgress(event.loaded / event.total);
      }
    });
    const unreached = (/** @type {'network' | 'timeout'} */ code) =>
      resolve({ status: 0, data: null, error: new ApiError(0, code, t(`error.${code}`)) });
    xhr.addEventListener('error', () => unreached('network'));
    xhr.addEventListener('abort', () => unreached('network'));
    xhr.addEventListener('timeout', () => unreached('timeout'));
    xhr.addEventListener('load', () => {
      const data = parseJson(xhr);
      const ok = xhr.status >= 200 && xhr.status < 300;
      resolve({ status: xhr.status, data, error: ok ? null : errorFrom(xhr.status, data) });
    });
    if (body instanceof FormData) {
      xhr.send(body);
    } else {
      xhr.setRequestHeader('Content-Type', 'application/json');
      xhr.send(JSON.stringify(body));
    }
  });
}

/** @param {XMLHttpRequest} xhr */
function parseJson(xhr) {
  if (!(xhr.getResponseHeader('Content-Type') || '').includes('json')) {
    return null;
  }
  try {
    return JSON.parse(xhr.responseText);
  } catch {
    return null;
  }
}
