// @ts-check
// IndexedDB, and the only module that touches it: the outbox and a small cache for offline use.
//
// Photo bytes are kept as ArrayBuffers, never Blobs: some mobile browsers lose Blobs kept in
// IndexedDB (after a restart, or when the storage was evicted and restored).
import { openDB } from 'idb';

export const DB_NAME = 'inspector';
export const DB_VERSION = 1;

const OUTBOX = 'outbox';
const CACHE = 'cache';

/**
 * @typedef {{name: string, type: string, bytes: ArrayBuffer, width: number | null,
 *   height: number | null}} StoredPhoto
 * @typedef {'report' | 'add_photos' | 'accept' | 'dispute' | 'request_extension' | 'rectify'
 *   | 'verify'} ItemKind
 * @typedef {{
 *   id: string, kind: ItemKind, owner: string, caseId: number | null,
 *   data: Record<string, unknown>, photos: StoredPhoto[], label: string,
 *   createdAt: number, attempts: number, nextAt: number,
 *   status: 'queued' | 'failed', error: string,
 * }} OutboxItem an action waiting to be sent; `id` is the client_id the server deduplicates on
 */

/**
 * One schema, grown by version: each step only adds, so any older database upgrades in order.
 * @param {import('idb').IDBPDatabase} db
 * @param {number} oldVersion
 */
function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    db.createObjectStore(OUTBOX, { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
    db.createObjectStore(CACHE);
  }
}

/** @type {Promise<import('idb').IDBPDatabase> | null} */
let opening = null;

function database() {
  opening ??= openDB(DB_NAME, DB_VERSION, {
    upgrade,
    // Another tab runs a newer version of the app: let it upgrade, reopen on next use.
    blocking(_current, _blocked, event) {
      /** @type {IDBDatabase} */ (event.target).close();
      opening = null;
    },
  });
  return opening;
}

/** @returns {Promise<OutboxItem[]>} oldest first */
export async function outboxItems() {
  return (await database()).getAllFromIndex(OUTBOX, 'createdAt');
}

/** @param {OutboxItem} item */
export async function putOutboxItem(item) {
  await (await database()).put(OUTBOX, item);
}

/** @param {string} id */
export async function deleteOutboxItem(id) {
  await (await database()).delete(OUTBOX, id);
}

/**
 * @param {string} key
 * @returns {Promise<any>} what was cached under key, or undefined
 */
export async function cacheGet(key) {
  return (await database()).get(CACHE, key);
}

/**
 * @param {string} key
 * @param {unknown} value structured-cloneable
 */
export async function cachePut(key, value) {
  await (await database()).put(CACHE, value, key);
}

/** @param {string} key */
export async function cacheDelete(key) {
  await (await database()).delete(CACHE, key);
}
