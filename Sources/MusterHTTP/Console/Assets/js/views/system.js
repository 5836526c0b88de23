// The system administrator's page: every tenant with its admins, and the sources, keys and accounts the limiters
// refuse now (a guessing attack shows here at once, and in the installation-wide audit with its unattributed
// attempts).
import { get } from '../api.js';
import { clear, errorBox, fmtTime, h, plural } from '../ui.js';

const SCOPES = {
  PROVISION_SOURCE: 'Provisioning source',
  PROVISION_KEY: 'Provision key',
  LOGIN_ACCOUNT: 'Login account',
  LOGIN_SOURCE: 'Login source',
};

async function tenantsSection() {
  const box = h('div', { id: 'system-tenants' });
  const result = await get('/api/tenants', { pageSize: 100, page: 0, sortProperty: 'title', sortOrder: 'ASC' });
  const rows = await Promise.all(result.data.map(async tenant => {
    const admins = await get(`/api/tenant/${tenant.id.id}/users`, { pageSize: 100, page: 0 })
      .then(page => page.data.map(user => user.email).join(', ')).catch(error => `(${error.message})`);
    return h('tr', {},
      h('td', {}, tenant.title),
      h('td', {}, admins || '—'),
      h('td', { class: 'nowrap' }, fmtTime(tenant.createdTime)),
      h('td', {}, h('a', { href: `#/audit?tenantId=${tenant.id.id}` }, 'Audit')));
  }));
  clear(box,
    h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Tenant', 'Admins', 'Created', ''].map(title => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows)),
    h('p', { class: 'muted' }, plural(result.totalElements, 'tenant', 'tenants')));
  return box;
}

function coolingOffTable(listed) {
  if (!listed.length) return h('p', { class: 'empty' }, 'Nothing is cooling off.');
  return h('table', { class: 'grid', id: 'cooling-off-table' },
    h('thead', {}, h('tr', {}, ['What', 'Name', 'Refused until', 'Retry after'].map(title => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, listed.map(entry => h('tr', {},
      h('td', {}, SCOPES[entry.scope] || entry.scope),
      h('td', { class: 'mono' }, entry.name),
      h('td', { class: 'nowrap' }, fmtTime(entry.until)),
      h('td', { class: 'nowrap' }, plural(entry.retryAfterSeconds, 'second', 'seconds'))))));
}

export async function systemPage() {
  const cooling = h('div', { id: 'system-cooling-off' });
  const loadCooling = async () => {
    try { clear(cooling, coolingOffTable(await get('/api/audit/coolingOff'))); } catch (error) { clear(cooling, errorBox(error)); }
  };
  let tenants;
  try { tenants = await tenantsSection(); } catch (error) { tenants = errorBox(error); }
  loadCooling();
  return h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Tenants')),
    h('section', { class: 'card' }, h('h2', {}, 'Tenants and their admins'), tenants),
    h('section', { class: 'card' },
      h('div', { class: 'page-head' }, h('h2', {}, 'Cooling off now'),
        h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'btn btn-small', id: 'cooling-off-refresh', onclick: loadCooling }, 'Refresh'))),
      h('p', { class: 'muted' }, 'Sources, provision keys and accounts refused after too many failures, on every node. ',
        h('a', { href: '#/audit?tenantId=none' }, 'Attempts that belong to no tenant'), ' (unknown keys, malformed requests) are in the audit log.'),
      cooling));
}
