// @ts-check
// The outbox: every report and staff action is stored first and sent after, with its client_id.
//
// An item leaves the outbox only when the server confirmed it (2xx; a repeated client_id answers
// with the same case, so sending twice is harmless). Network trouble, 408, 429 and 5xx are tried
// again with capped exponential backoff; 401 stops everything until the user logs in again; any
// other 4xx can never succeed as it is, so the item is marked failed with the server's message
// and waits for the user to fix or delete it. Sync runs on start, on `online`, on a timer and
// when the service worker relays a Background Sync event; the page never relies on the worker.
import * as api from './api.js';
import { t } from './i18n.js';
import * as store from './store.js';

/**
 * @typedef {import('./store.js').OutboxItem} OutboxItem
 * @typedef {import('./store.js').StoredPhoto} StoredPhoto
 * @typedef {import('./store.js').ItemKind} ItemKind
 * @typedef {{type: 'change'} | {type: 'progress', id: string, fraction: number}
 *   | {type: 'sent', item: OutboxItem, data: any}} OutboxEvent
 */

export const SYNC_TAG = 'outbox';
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 5 * 60 * 1000;
const PERIODIC_MS = 60 * 1000;
const RETRY_STATUSES = new Set([0, 408, 429]);

/** @type {OutboxItem[]} oldest first */
let items = [];
/** @type {string | null} the user logged in here; only their items are sent */
let owner = null;
let needLogin = false;
/** @type {{id: string, fraction: number} | null} */
let sending = null;
/** @type {Promise<void> | null} */
let running = null;
let timer = 0;
/** @type {Set<(event: OutboxEvent) => void>} */
const listeners = new Set();

/** Load the stored items and start the triggers; call once, before the first screen. */
export async function startOutbox() {
  try {
    items = await store.outboxItems();
  } catch (error) {
    console.warn('outbox: IndexedDB is not available', error);
  }
  window.addEventListener('online', () => {
    emit({ type: 'change' });
    sync();
  });
  window.addEventListener('offline', () => emit({ type: 'change' }));
  window.setInterval(() => sync(), PERIODIC_MS);
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'SYNC_OUTBOX') {
      sync();
    }
  });
}

/**
 * Who is logged in now (null: nobody). Items wait for the user who queued them.
 * @param {string | null} username
 */
export function setOwner(username) {
  owner = username;
  needLogin = false;
  emit({ type: 'change' });
  sync();
}

/** @param {(event: OutboxEvent) => void} listener @returns {() => void} unsubscribe */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** What the screens show: the items, which one is being sent, and whether a login is needed. */
export function snapshot() {
  return { items: [...items], sending, needLogin, owner };
}

/** @param {string | null} username */
export function countFor(username) {
  return items.filter((item) => item.owner === username).length;
}

/**
 * Store a new item, then try to send it. Resolves once it is safely stored.
 * @param {ItemKind} kind
 * @param {{caseId?: number | null, data?: Record<string, unknown>, photos?: StoredPhoto[],
 *   label: string}} what
 * @returns {Promise<OutboxItem>}
 */
export async function enqueue(kind, { caseId = null, data = {}, photos = [], label }) {
  if (!owner) {
    throw new Error('outbox: nobody is logged in');
  }
  const id = newClientId();
  /** @type {OutboxItem} */
  const item = {
    id, kind, owner, caseId, photos, label,
    data: { ...data, client_id: id },
    createdAt: Date.now(), attempts: 0, nextAt: 0, status: 'queued', error: '',
  };
  await store.putOutboxItem(item);
  items.push(item);
  emit({ type: 'change' });
  askForBackgroundSync();
  sync();
  return item;
}

/** Try a failed (or waiting) item again now. @param {string} id */
export async function retry(id) {
  const item = items.find((candidate) => candidate.id === id);
  if (item) {
    Object.assign(item, { status: 'queued', attempts: 0, nextAt: 0, error: '' });
    await store.putOutboxItem(item);
    emit({ type: 'change' });
    sync();
  }
}

/**
 * Delete an item the user gave up on (or takes back to fix); returns it.
 * @param {string} id
 * @returns {Promise<OutboxItem | undefined>}
 */
export async function remove(id) {
  const item = items.find((candidate) => candidate.id === id);
  if (item && sending?.id !== id) {
    await store.deleteOutboxItem(id);
    items = items.filter((candidate) => candidate !== item);
    emit({ type: 'change' });
    return item;
  }
  return undefined;
}

/** Send what is due, one item at a time; calls while a run is going join it. */
export function sync() {
  running ??= drain().finally(() => {
    running = null;
    schedule();
  });
  return running;
}

async function drain() {
  while (navigator.onLine && owner && !needLogin) {
    const item = items.find((candidate) => isSendable(candidate) && candidate.nextAt <= Date.now());
    if (!item || !(await send(item))) {
      return;
    }
  }
}

/** @param {OutboxItem} item */
function isSendable(item) {
  return item.status === 'queued' && item.owner === owner;
}

/**
 * @param {OutboxItem} item
 * @returns {Promise<boolean>} whether to go on with the next item
 */
async function send(item) {
  sending = { id: item.id, fraction: 0 };
  emit({ type: 'change' });
  let result;
  try {
    result = await api.transmit(pathOf(item), bodyOf(item), (fraction) => {
      sending = { id: item.id, fraction };
      emit({ type: 'progress', id: item.id, fraction });
    });
  } finally {
    sending = null;
  }
  if (!result.error) {
    await store.deleteOutboxItem(item.id);
    items = items.filter((candidate) => candidate !== item);
    emit({ type: 'sent', item, data: result.data });
    emit({ type: 'change' });
    return true;
  }
  if (result.status === 401) {
    needLogin = true; // the session ended: keep everything until the user logs in again
    emit({ type: 'change' });
    return false;
  }
  const transient = RETRY_STATUSES.has(result.status) || result.status >= 500;
  item.error = describe(result.error);
  if (transient) {
    item.attempts += 1;
    item.nextAt = Date.now() + backoff(item.attempts);
  } else {
    item.status = 'failed';
  }
  await store.putOutboxItem(item);
  emit({ type: 'change' });
  if (transient) {
    askForBackgroundSync();
  }
  return result.status !== 0; // unreachable: the next item would not get through either
}

/** @param {number} attempts 1, 2, ... -> about 2 s, 4 s, 8 s ... 5 min, each +-25 % */
export function backoff(attempts) {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempts - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function schedule() {
  window.clearTimeout(timer);
  const due = items.filter(isSendable).map((item) => item.nextAt);
  if (due.length > 0 && !needLogin) {
    const wait = Math.max(0, Math.min(...due) - Date.now());
    timer = window.setTimeout(() => sync(), Math.min(wait, MAX_RETRY_MS) + 50);
  }
}

/** @param {OutboxItem} item */
function pathOf(item) {
  if (item.kind === 'report') {
    return '/api/v1/reports';
  }
  const action = item.kind === 'add_photos' ? 'photos' : item.kind;
  return `/api/v1/cases/${item.caseId}/${action}`;
}

/** @param {OutboxItem} item */
function bodyOf(item) {
  if (item.photos.length === 0) {
    return item.data;
  }
  const form = new FormData();
  form.append('data', JSON.stringify(item.data));
  for (const photo of item.photos) {
    form.append('photos', new Blob([photo.bytes], { type: photo.type }), photo.name);
  }
  return form;
}

/** The server's message, with the fields it names. @param {api.ApiError | null} error */
function describe(error) {
  if (!error) {
    return t('error.unknown');
  }
  const fields = Object.entries(error.fields).map(([name, why]) => `${name}: ${why}`);
  return fields.length ? `${error.message} (${fields.join('; ')})` : error.message;
}

/** @param {OutboxEvent} event */
function emit(event) {
  listeners.forEach((listener) => listener(event));
}

/** The service worker relays the browser's Background Sync event to the page, where it exists. */
function askForBackgroundSync() {
  navigator.serviceWorker?.ready
    .then((registration) => /** @type {any} */ (registration).sync?.register(SYNC_TAG))
    .catch(() => {}); // no Background Sync here: the page's own triggers do the work
}

/** A UUID v4; crypto.randomUUID only exists on secure origins (a LAN address in dev is not). */
function newClientId() {
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
