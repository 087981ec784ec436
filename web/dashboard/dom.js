// DOM helpers of the dashboard. Every piece of text goes in as a text node or textContent:
// nothing here (or anywhere in the dashboard) assigns innerHTML, so server data is never markup.

import { duration } from './format.js';

/**
 * Builds an element. `props`: `class`, `text`, `dataset`, `on` ({event: handler}), attributes
 * (strings; `true` for a boolean attribute, false/null/undefined to leave out) and, for names that
 * are DOM properties (value, checked, disabled, type ...), the property. Children: nodes or strings
 * (strings become text nodes).
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on')
      for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Live countdowns, one per alert element. */
const countdowns = new WeakMap();

/** Hides an alert and stops its countdown. */
export function clearAlert(el) {
  clearInterval(countdowns.get(el));
  countdowns.delete(el);
  el.replaceChildren();
  el.hidden = true;
}

/** Shows a message (lines split on \n) in a role="alert" element. */
export function showAlert(el, message, { title } = {}) {
  clearAlert(el);
  if (title) el.append(h('strong', { text: title }));
  const lines = String(message).split('\n');
  if (lines.length === 1) el.append(h('p', { text: lines[0] }));
  else
    el.append(
      h(
        'ul',
        {},
        lines.map((l) => h('li', { text: l })),
      ),
    );
  reveal(el);
}

/** Unhides an alert and scrolls it into view (it may sit at the top of a scrolled dialog). */
function reveal(el) {
  el.hidden = false;
  el.scrollIntoView({ block: 'nearest' });
}

const clock = new Intl.DateTimeFormat('en', { timeStyle: 'short' });

/**
 * A rate-limit message that counts down to the moment a retry may work.
 * @param {HTMLElement} el a role="alert" element
 * @param {number | undefined} retryAfter seconds, from the error
 */
export function showRateLimit(el, retryAfter) {
  clearAlert(el);
  el.append(h('strong', { text: 'Docker Hub’s rate limit was reached.' }));
  const line = h('p');
  el.append(line);
  reveal(el);
  if (!(retryAfter > 0)) {
    line.textContent = 'Wait a moment, then try again.';
    return;
  }
  const deadline = Date.now() + retryAfter * 1000;
  const at = clock.format(deadline);
  const tick = () => {
    const left = (deadline - Date.now()) / 1000;
    if (left <= 0) {
      clearInterval(countdowns.get(el));
      countdowns.delete(el);
      line.textContent = 'You can try again now.';
      return;
    }
    line.textContent = `Try again in ${duration(left)} (at ${at}).`;
  };
  tick();
  countdowns.set(el, setInterval(tick, 1000));
}

/**
 * Opens a modal dialog: focus moves into it (to its [autofocus] element or the first control),
 * Escape closes it (native), and focus returns to `returnTo` (or the opener) when it closes.
 * @param {HTMLDialogElement} dialog
 * @param {{ returnTo?: () => HTMLElement | null }} [options]
 */
export function openDialog(dialog, { returnTo } = {}) {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  dialog.addEventListener(
    'close',
    () => {
      const target = returnTo?.() ?? opener;
      if (target && target.isConnected && !target.disabled) target.focus();
    },
    { once: true },
  );
  for (const body of dialog.querySelectorAll('.dialog-body')) body.scrollTop = 0;
  if (!dialog.open) dialog.showModal();
}

/** Disables a button while its call runs, optionally with a "…ing" text. */
export function busy(button, on, text) {
  if (on) {
    button.dataset.text = button.textContent;
    if (text) button.textContent = text;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  } else {
    if (button.dataset.text) button.textContent = button.dataset.text;
    delete button.dataset.text;
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
