// @ts-check
// Building DOM nodes. Text always goes in as text nodes: user data is never parsed as HTML.

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {{
 *   className?: string,
 *   attrs?: Record<string, string | boolean | number | null | undefined>,
 *   on?: Record<string, EventListener>,
 * }} Props
 */

/**
 * `h('p', {className: 'note'}, 'text', otherNode)`
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  if (props.className) {
    element.className = props.className;
  }
  for (const [name, value] of Object.entries(props.attrs || {})) {
    if (value === true) {
      element.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  for (const [type, listener] of Object.entries(props.on || {})) {
    element.addEventListener(type, listener);
  }
  element.append(...children.filter(isPresent).map(toNode));
  return element;
}

/**
 * Replace the children of `element` (null and false children are left out, as in `h`).
 * @param {HTMLElement} element
 * @param {...Child} children
 */
export function fill(element, ...children) {
  element.replaceChildren(...children.filter(isPresent).map(toNode));
}

/**
 * @param {Child} child
 * @returns {child is string | number | Node}
 */
function isPresent(child) {
  return child !== null && child !== undefined && child !== false;
}

/** @param {string | number | Node} child */
function toNode(child) {
  return child instanceof Node ? child : document.createTextNode(String(child));
}

/** @type {Array<() => void>} */
let disposers = [];

/**
 * Run `dispose` when the screen is replaced (unsubscribe from the outbox, stop a watch ...).
 * @param {() => void} dispose
 */
export function whileShown(dispose) {
  disposers.push(dispose);
}

/** Called before a screen is replaced by the next one. */
export function disposeScreen() {
  const running = disposers;
  disposers = [];
  running.forEach((dispose) => dispose());
}
