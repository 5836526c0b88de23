// Small DOM helpers: element builder, toasts, dialogs, copy buttons, pager, tabs.

/** h('button', {class: 'x', onclick: fn}, 'text', child…) */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      element.className = value;
    } else if (key === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'indeterminate') {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let idCounter = 0;
export function uid(prefix = 'f') { idCounter += 1; return `${prefix}-${idCounter}`; }

/** A labelled control: the label is tied to the control by id. */
export function field(label, control, hint) {
  if (!control.id) control.id = uid();
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('div', { class: 'hint', id: hintId }, hint) : null);
}

export function checkbox(label, attrs = {}) {
  const input = h('input', { type: 'checkbox', ...attrs });
  if (!input.id) input.id = uid('c');
  return { input, element: h('div', { class: 'check' }, input, h('label', { for: input.id }, label)) };
}

export function select(options, attrs = {}) {
  const element = h('select', attrs);
  for (const option of options) {
    const [value, text] = Array.isArray(option) ? option : [option, option];
    element.append(h('option', { value }, text));
  }
  if (attrs.value !== undefined) element.value = attrs.value;
  return element;
}

export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const item = h('div', { class: `toast toast-${kind}` }, message);
  box.append(item);
  placeToasts(box);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

// Where the toasts may sit (style.css: `.toasts[data-spot=…]`), in order of preference.
const TOAST_SPOTS = ['bottom-left', 'bottom-center', 'bottom-right', 'top-center'];
const CONTROLS = 'button, .btn, a[href], input:not([type=hidden]), select, textarea';

/** Puts the toasts at the first spot where they cover no visible control (a fixed corner would hide the sticky Save
 * button on one page and "Change credentials" on another); the first spot when every one covers something. */
function placeToasts(box) {
  const controls = [...document.querySelectorAll(CONTROLS)]
    .filter(element => !box.contains(element))
    .map(element => element.getBoundingClientRect())
    .filter(r => r.width && r.height && r.bottom > 0 && r.top < innerHeight);
  for (const spot of TOAST_SPOTS) {
    box.dataset.spot = spot;
    const t = box.getBoundingClientRect();
    if (!controls.some(r => r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom)) return;
  }
  box.dataset.spot = TOAST_SPOTS[0];
}

export function errorBox(error) {
  return h('div', { class: 'alert alert-error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export function fmtTime(ms) {
  if (!ms) return '';
  const date = new Date(Number(ms));
  const pad = n => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function fmtValue(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    try { document.execCommand('copy'); } finally { area.remove(); }
  }
  toast('Copied to the clipboard');
}

export function copyButton(getText, label = 'Copy') {
  return h('button', {
    type: 'button', class: 'btn btn-small', 'aria-label': label,
    onclick: () => copyText(typeof getText === 'function' ? getText() : getText),
  }, 'Copy');
}

/** A modal confirmation (native <dialog>, so focus is trapped and Escape cancels). Resolves true or false. */
export function confirmDialog(message, confirmLabel = 'Delete') {
  return new Promise(resolve => {
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'confirm-text' },
      h('p', { id: 'confirm-text' }, message),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => dialog.close('cancel') }, 'Cancel'),
        h('button', { type: 'button', class: 'btn btn-danger', 'data-confirm': '', onclick: () => dialog.close('ok') }, confirmLabel)));
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A modal notice with a Close button (and optional extra actions, e.g. a link); resolves when it closes. */
export function noticeDialog(message, ...actions) {
  return new Promise(resolve => {
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'notice-text' },
      h('p', { id: 'notice-text' }, message),
      h('div', { class: 'actions' }, actions,
        h('button', { type: 'button', class: 'btn btn-primary', 'data-close': '', onclick: () => dialog.close() }, 'Close')));
    dialog.addEventListener('close', () => { resolve(); dialog.remove(); });
    dialog.addEventListener('click', event => { if (event.target.closest('a')) dialog.close(); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A count in words, with thousands separators and the right plural: "1 device", "1,997 devices", "2 entries". */
export function plural(count, singular, pluralForm = `${singular}s`) {
  const n = Number(count) || 0;
  return `${n.toLocaleString('en')} ${n === 1 ? singular : pluralForm}`;
}

/** The singular of a plural noun as callers pass it to `pager` ("entries" → "entry", "devices" → "device"). */
function singularOf(noun) {
  if (noun.endsWith('ies')) return `${noun.slice(0, -3)}y`;
  return noun.endsWith('s') ? noun.slice(0, -1) : noun;
}

export const PAGE_SIZES = [20, 50, 100];

/**
 * Pager: « Previous  Page [n] of m · total  Next »  [Rows per page]. `page` is 0-based; `noun` is the plural
 * ("devices"). The page number can be typed (clamped to 1…m). With `options.onPageSize`, a page-size select is
 * shown; `options.idPrefix` names the controls (`<prefix>-page-number`, `<prefix>-page-size`).
 */
export function pager(page, result, onPage, noun = 'items', options = {}) {
  const total = result.totalElements ?? 0;
  const pages = Math.max(result.totalPages ?? 1, 1);
  const id = suffix => (options.idPrefix ? `${options.idPrefix}-${suffix}` : undefined);
  const number = h('input', {
    type: 'number', class: 'pager-number', id: id('page-number'), min: 1, max: pages, value: page + 1, inputmode: 'numeric',
    'aria-label': `Page number, 1 to ${pages.toLocaleString('en')}`,
  });
  const jump = () => {
    const wanted = Math.min(Math.max(Math.round(Number(number.value)) || 1, 1), pages) - 1;
    number.value = wanted + 1;
    if (wanted !== page) onPage(wanted);
  };
  number.addEventListener('change', jump);
  number.addEventListener('keydown', event => { if (event.key === 'Enter') { event.preventDefault(); jump(); } });
  let sizeControl = null;
  if (options.onPageSize) {
    const size = select(PAGE_SIZES.map(n => [String(n), String(n)]), { id: id('page-size'), value: String(options.pageSize) });
    size.addEventListener('change', () => options.onPageSize(Number(size.value)));
    sizeControl = h('label', { class: 'pager-size' }, 'Rows per page ', size);
  }
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', class: 'btn btn-small', disabled: page <= 0, onclick: () => onPage(page - 1) }, '‹ Previous'),
    h('span', { class: 'pager-info' },
      h('label', { class: 'pager-jump' }, 'Page ', number, ` of ${pages.toLocaleString('en')}`),
      h('span', { 'aria-live': 'polite' }, ` · ${plural(total, singularOf(noun), noun)}`)),
    h('button', { type: 'button', class: 'btn btn-small', disabled: !result.hasNext, onclick: () => onPage(page + 1) }, 'Next ›'),
    sizeControl);
}

/** Accessible tabs (arrow keys move between tabs). `tabs` = [{id, label, render(panel)}]. */
export function tabs(list, initial) {
  const bar = h('div', { class: 'tabs', role: 'tablist' });
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel', tabindex: '0' });
  const buttons = list.map(tab => h('button', {
    type: 'button', role: 'tab', id: `tab-${tab.id}`, class: 'tab', 'aria-controls': 'tab-panel', dataset: { tab: tab.id },
    onclick: () => activate(tab.id),
    onkeydown: event => {
      const index = list.indexOf(tab);
      let next = null;
      if (event.key === 'ArrowRight') next = list[(index + 1) % list.length];
      if (event.key === 'ArrowLeft') next = list[(index - 1 + list.length) % list.length];
      if (next) { event.preventDefault(); activate(next.id); bar.querySelector(`[data-tab="${next.id}"]`).focus(); }
    },
  }, tab.label));
  bar.append(...buttons);
  panel.id = 'tab-panel';
  function activate(id) {
    for (const button of buttons) {
      const selected = button.dataset.tab === id;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', `tab-${id}`);
    panel.replaceChildren();
    const tab = list.find(t => t.id === id);
    tab.render(panel);
  }
  activate(initial || list[0].id);
  return { element: h('div', {}, bar, panel), activate };
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

/** 20 characters [a-z0-9] from crypto.getRandomValues, without modulo bias (as ThingsBoard's UI generates keys). */
export function randomKey(length = 20) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const out = [];
  const bytes = new Uint8Array(64);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte < 252 && out.length < length) out.push(alphabet[byte % 36]);
    }
  }
  return out.join('');
}

/** Reads a File as text. */
export function readText(file) { return file.text(); }

/** Hands `content` to the browser as a download named `name` (a link clicked at once, its URL freed later). */
export function downloadFile(content, type, name, linkId) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = h('a', { href: url, download: name, id: linkId });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
