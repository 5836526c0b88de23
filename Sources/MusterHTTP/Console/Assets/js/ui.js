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
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
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

/** Pager: « Previous  Page n of m (total)  Next » */
export function pager(page, result, onPage, noun = 'items') {
  const total = result.totalElements ?? 0;
  const pages = Math.max(result.totalPages ?? 1, 1);
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', class: 'btn btn-small', disabled: page <= 0, onclick: () => onPage(page - 1) }, '‹ Previous'),
    h('span', { class: 'pager-info', 'aria-live': 'polite' }, `Page ${page + 1} of ${pages} · ${total.toLocaleString('en')} ${noun}`),
    h('button', { type: 'button', class: 'btn btn-small', disabled: !result.hasNext, onclick: () => onPage(page + 1) }, 'Next ›'));
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
