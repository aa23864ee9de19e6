// @ts-check
// The outbox on screen: each waiting report or action with its state, an upload's progress, and
// for failed items the server's reason with "try again" and "delete".
import * as outbox from '../outbox.js';
import { formatDateTime, t } from '../i18n.js';
import { fill, h, whileShown } from './dom.js';

/** @typedef {import('../store.js').OutboxItem} OutboxItem */

/**
 * @param {{onLogin: () => void, caseId?: number}} options caseId: only that case's items
 */
export function outboxPanel({ onLogin, caseId }) {
  const panel = h('section', {
    className: 'outbox',
    attrs: { 'aria-labelledby': 'outbox-title', 'aria-live': 'polite' },
  });
  const draw = () => {
    const { items, sending, needLogin, owner } = outbox.snapshot();
    const shown = caseId === undefined ? items : items.filter((item) => item.caseId === caseId);
    const mine = shown.filter((item) => item.owner === owner);
    panel.hidden = caseId !== undefined && shown.length === 0;
    fill(panel, 
      h('h2', { className: 'section-title', attrs: { id: 'outbox-title' } },
        t('outbox.title', { count: shown.length })),
      needLogin && mine.length
        ? h('div', { className: 'alert outbox__login' },
          h('p', {}, t('outbox.login_needed', { count: mine.length })),
          h('button', {
            className: 'button button--small', attrs: { type: 'button' }, on: { click: onLogin },
          }, t('outbox.login')))
        : null,
      shown.length
        ? h('ul', { className: 'outbox__list' },
          ...shown.map((item) => row(item, sending, needLogin, owner)))
        : h('p', { className: 'muted' }, t('outbox.empty')),
    );
  };
  whileShown(outbox.subscribe((event) => {
    if (event.type === 'progress') {
      const bar = panel.querySelector(`[data-id="${event.id}"] progress`);
      if (bar instanceof HTMLProgressElement) {
        bar.value = event.fraction;
        bar.textContent = `${Math.round(event.fraction * 100)}%`;
      }
    } else if (event.type === 'change') {
      draw();
    }
  }));
  draw();
  return panel;
}

/**
 * @param {OutboxItem} item
 * @param {{id: string, fraction: number} | null} sending
 * @param {boolean} needLogin
 * @param {string | null} owner
 */
function row(item, sending, needLogin, owner) {
  const isSending = sending?.id === item.id;
  const state = isSending ? 'sending'
    : item.status === 'failed' ? 'failed'
      : item.owner !== owner ? 'other_user'
        : needLogin ? 'login'
          : !navigator.onLine ? 'offline'
            : item.attempts > 0 ? 'retrying' : 'queued';
  return h('li', { className: `outbox-item outbox-item--${state}`, attrs: { 'data-id': item.id } },
    h('div', { className: 'outbox-item__head' },
      h('span', { className: 'outbox-item__kind' }, t(`outbox.kind.${item.kind}`)),
      h('span', { className: 'outbox-item__label' }, item.label),
    ),
    h('p', { className: 'outbox-item__meta muted' },
      formatDateTime(new Date(item.createdAt).toISOString()),
      item.photos.length ? ` · ${t('outbox.photos', { count: item.photos.length })}` : ''),
    h('p', { className: 'outbox-item__state' },
      t(`outbox.state.${state}`, { owner: item.owner }),
      item.error && (state === 'failed' || state === 'retrying') ? `: ${item.error}` : ''),
    isSending
      ? h('progress', {
        className: 'outbox-item__progress',
        attrs: { max: 1, value: sending.fraction, 'aria-label': t('outbox.progress') },
      })
      : null,
    isSending ? null : buttons(item, state),
  );
}

/**
 * @param {OutboxItem} item
 * @param {string} state
 */
function buttons(item, state) {
  const again = state === 'failed' || state === 'retrying';
  return h('div', { className: 'outbox-item__buttons' },
    again
      ? h('button', {
        className: 'button button--small',
        attrs: { type: 'button' },
        on: { click: () => outbox.retry(item.id) },
      }, t('outbox.retry'))
      : null,
    h('button', {
      className: 'button button--small button--danger',
      attrs: { type: 'button' },
      on: { click: () => window.confirm(t('outbox.confirm_delete')) && outbox.remove(item.id) },
    }, t('outbox.delete')),
  );
}
