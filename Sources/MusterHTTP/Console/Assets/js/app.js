// The console shell: login, navigation and a hash router (#/devices, #/devices/<id>, #/profiles/<id>, …).
import { currentUser, decodeJwt, isLoggedIn, login, logout, onAuthChange, scheduleRefresh, token } from './api.js';
import { stopLive } from './live.js';
import { clear, errorBox, field, h } from './ui.js';
import { entityList, entityPage } from './views/entities.js';
import { profileEditor, profileList } from './views/profiles.js';
import { importWizard } from './views/import.js';
import { auditPage } from './views/audit.js';
import { systemPage } from './views/system.js';

const app = document.getElementById('app');

const routes = [
  [/^devices$/, () => entityList('device')],
  [/^devices\/import$/, () => importWizard('device')],
  [/^devices\/([0-9a-f-]{36})$/, id => entityPage('device', id)],
  [/^assets$/, () => entityList('asset')],
  [/^assets\/import$/, () => importWizard('asset')],
  [/^assets\/([0-9a-f-]{36})$/, id => entityPage('asset', id)],
  [/^profiles$/, () => profileList()],
  [/^profiles\/new$/, () => profileEditor(null)],
  [/^profiles\/([0-9a-f-]{36})$/, id => profileEditor(id)],
  [/^audit$/, () => auditPage(isSystemAdmin())],
];

// The system administrator's console: tenants, their admins and what cools off, and the installation-wide audit.
const systemRoutes = [
  [/^system$/, () => systemPage()],
  [/^audit$/, () => auditPage(true)],
];

const nav = [
  ['devices', 'Devices'],
  ['assets', 'Assets'],
  ['profiles', 'Device profiles'],
  ['audit', 'Audit log'],
];

const systemNav = [
  ['system', 'Tenants'],
  ['audit', 'Audit log'],
];

/** Whether the logged-in user is the system administrator (the token's scope). */
function isSystemAdmin() {
  const claims = decodeJwt(token() || '');
  return Boolean(claims && Array.isArray(claims.scopes) && claims.scopes[0] === 'SYS_ADMIN');
}

function home() { return isSystemAdmin() ? 'system' : 'devices'; }

function currentPath() {
  return (location.hash || `#/${home()}`).replace(/^#\/?/, '').split('?')[0];
}

let renderToken = 0;

async function render() {
  const renderId = ++renderToken;
  stopLive();
  app.setAttribute('aria-busy', 'true');
  if (!isLoggedIn()) {
    clear(app, loginView());
    app.dataset.renders = String(Number(app.dataset.renders || 0) + 1);
    app.setAttribute('aria-busy', 'false');
    return;
  }
  const path = currentPath();
  const main = h('main', { id: 'main', tabindex: '-1' });
  clear(app, shell(path), main);
  let view = null;
  for (const [pattern, make] of isSystemAdmin() ? systemRoutes : routes) {
    const match = path.match(pattern);
    if (match) { view = () => make(match[1]); break; }
  }
  if (!view) { location.replace(`#/${home()}`); return; }
  try {
    const content = await view();
    if (renderId !== renderToken) return;
    main.append(content);
    const heading = main.querySelector('h1');
    if (heading) document.title = `${heading.textContent} · Muster`;
  } catch (error) {
    if (renderId !== renderToken) return;
    main.append(errorBox(error));
  }
  app.dataset.renders = String(Number(app.dataset.renders || 0) + 1);
  app.setAttribute('aria-busy', 'false');
}

function shell(path) {
  const section = path.split('/')[0];
  return h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: `#/${home()}` }, h('img', { src: new URL('../favicon.svg', import.meta.url).href, alt: '', width: 24, height: 24 }), 'Muster'),
    h('nav', { class: 'mainnav', 'aria-label': 'Main' },
      (isSystemAdmin() ? systemNav : nav).map(([id, label]) => h('a', { href: `#/${id}`, 'aria-current': section === id ? 'page' : null }, label))),
    h('div', { class: 'user' },
      h('span', { class: 'user-email' }, currentUser()),
      h('button', { type: 'button', class: 'btn btn-small', id: 'logout', onclick: () => { logout(); } }, 'Log out')));
}

function loginView() {
  const email = h('input', { type: 'email', name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const message = h('div', { 'aria-live': 'assertive' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Log in');
  const form = h('form', {
    class: 'login-card',
    onsubmit: async event => {
      event.preventDefault();
      button.disabled = true;
      clear(message);
      try {
        await login(email.value.trim(), password.value);
      } catch (error) {
        clear(message, errorBox(error));
        button.disabled = false;
      }
    },
  },
  h('h1', {}, 'Muster console'),
  h('p', { class: 'muted' }, 'Log in as a tenant administrator, or as the system administrator.'),
  field('Email', email),
  field('Password', password),
  message,
  button);
  document.title = 'Log in · Muster';
  return h('main', { id: 'main', class: 'login' }, form);
}

onAuthChange(loggedIn => {
  if (loggedIn && !location.hash) location.hash = `#/${home()}`;
  render();
});
window.addEventListener('hashchange', render);
if (isLoggedIn()) scheduleRefresh();
render();
