// The audit log: provisioning attempts, closed sessions, logins and admin actions (time, action, transport, source,
// profile, device or entity, outcome, reason, actor, details, node); filters (action, outcome, actor, profile, name
// prefix, time range, and for the system administrator the tenant, or none), their CSV export, and new entries
// shown as they are written.
import { get } from '../api.js';
import { watch } from '../live.js';
import { clear, downloadFile, errorBox, field, fmtTime, h, pager, select } from '../ui.js';

const ACTIONS = ['PROVISION', 'DEVICE_SESSION_CLOSED', 'LOGIN', 'TENANT_CREATED', 'USER_CREATED', 'PROFILE_CREATED',
  'PROFILE_UPDATED', 'PROFILE_DELETED', 'DEVICE_CREATED', 'DEVICE_UPDATED', 'DEVICE_DELETED', 'CREDENTIALS_READ',
  'CREDENTIALS_UPDATED', 'ASSET_CREATED', 'ASSET_UPDATED', 'ASSET_DELETED', 'ATTRIBUTES_UPDATED', 'ATTRIBUTES_DELETED',
  'TIMESERIES_UPDATED', 'IMPORT'];
const OUTCOMES = ['SUCCESS', 'FAILURE', 'NOT_FOUND', 'RATE_LIMITED', 'BAD_REQUEST', 'SESSION_CLOSED', 'LOGIN_FAILED',
  'LOGIN_REFUSED', 'LOCKED_OUT'];

/** "PROFILE_UPDATED" → "Profile updated". */
function actionLabel(action) {
  const text = String(action || '').toLowerCase().replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function auditTable(entries, withDevice = true) {
  if (!entries.length) return h('p', { class: 'empty' }, 'No audit entries.');
  return h('table', { class: 'grid', id: 'audit-table' },
    h('thead', {}, h('tr', {},
      ['Time', 'Action', 'Transport', 'Source', 'Profile', withDevice ? 'Device, entity or account' : null, 'Outcome', 'Reason',
        'Actor', 'Details', 'Node']
        .filter(Boolean).map(title => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, entries.map(entry => {
      const data = entry.actionData || {};
      const outcome = data.outcome || entry.actionStatus;
      const name = data.deviceName || data.account || entry.entityName || '';
      return h('tr', {},
        h('td', { class: 'nowrap' }, fmtTime(entry.createdTime)),
        h('td', { class: 'nowrap' }, actionLabel(entry.action)),
        h('td', {}, data.transport || ''),
        h('td', { class: 'mono' }, data.sourceAddress || ''),
        h('td', {}, data.profileName || ''),
        withDevice ? h('td', {}, entry.entityId?.entityType === 'DEVICE' && name
          ? h('a', { href: `#/devices/${entry.entityId.id}` }, name) : name) : null,
        h('td', {}, h('span', { class: `badge badge-${String(outcome).toLowerCase()}` }, outcome)),
        h('td', {}, data.reason || entry.actionFailureDetails || ''),
        h('td', {}, entry.actor || ''),
        h('td', { class: 'details' }, entry.details || ''),
        h('td', { class: 'mono' }, entry.node || ''));
    })));
}

const state = { page: 0, action: '', outcome: '', actor: '', profile: '', tenant: '', name: '', from: '', to: '' };

/** The API parameters of the current filters: `from`/`to` are `datetime-local` values (local time, to the minute;
 * `to` takes the whole minute in). */
function filterQuery(system) {
  const start = state.from ? new Date(state.from).getTime() : NaN;
  const end = state.to ? new Date(state.to).getTime() + 59_999 : NaN;
  return {
    action: state.action, outcome: state.outcome, actor: state.actor, profileId: system ? '' : state.profile,
    tenantId: system ? state.tenant : '', textSearch: state.name,
    startTime: Number.isFinite(start) ? start : '', endTime: Number.isFinite(end) ? end : '',
  };
}

/** One CSV cell: quoted when needed, and a leading =, +, - or @ neutralised (a spreadsheet would run it). */
function csvCell(value) {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const EXPORT_LIMIT = 100_000;

/** Every entry matching the filters (at most EXPORT_LIMIT), as CSV, downloaded. */
async function exportCsv(button, system) {
  button.disabled = true;
  try {
    const lines = ['time,transport,source,profile,device or account,outcome,reason,node,action,actor,details'];
    for (let page = 0; lines.length <= EXPORT_LIMIT; page++) {
      const result = await get('/api/audit/logs', { ...filterQuery(system), pageSize: 1000, page });
      for (const entry of result.data) {
        const data = entry.actionData || {};
        lines.push([new Date(entry.createdTime).toISOString(), data.transport, data.sourceAddress, data.profileName,
          data.deviceName || data.account || entry.entityName, data.outcome || entry.actionStatus,
          data.reason || entry.actionFailureDetails, entry.node, entry.action, entry.actor, entry.details]
          .map(csvCell).join(','));
      }
      if (!result.hasNext) break;
    }
    downloadFile(lines.join('\r\n') + '\r\n', 'text/csv', 'audit-log.csv', 'audit-export-link');
  } finally {
    button.disabled = false;
  }
}

/** Filters named in the page's address (`#/audit?tenantId=none`, links from the system page) replace the kept ones. */
function takeAddressFilters() {
  const query = new URLSearchParams(location.hash.split('?')[1] || '');
  if (![...query.keys()].length) return;
  for (const key of Object.keys(state)) if (key !== 'page') state[key] = '';
  state.page = 0;
  if (query.has('tenantId')) state.tenant = query.get('tenantId');
  if (query.has('action')) state.action = query.get('action');
  if (query.has('outcome')) state.outcome = query.get('outcome');
  if (query.has('actor')) state.actor = query.get('actor');
  if (query.has('textSearch')) state.name = query.get('textSearch');
}

/** The audit page; `system`: the system administrator's, over every tenant (with a tenant filter). */
export async function auditPage(system = false) {
  takeAddressFilters();
  const profiles = system ? [] : await get('/api/deviceProfileInfos', { pageSize: 1000, page: 0, sortProperty: 'name', sortOrder: 'ASC' }).then(p => p.data).catch(() => []);
  const tenants = system ? await get('/api/tenants', { pageSize: 1000, page: 0, sortProperty: 'title', sortOrder: 'ASC' }).then(p => p.data).catch(() => []) : [];
  const box = h('div', { class: 'table-box' });
  const notice = h('p', { class: 'notice', id: 'audit-new', hidden: true, role: 'status' });
  const action = select([['', 'All actions'], ...ACTIONS.map(a => [a, actionLabel(a)])], { id: 'audit-action', value: state.action });
  const outcome = select([['', 'All outcomes'], ...OUTCOMES], { id: 'audit-outcome', value: state.outcome });
  const profile = select([['', 'All profiles'], ...profiles.map(p => [p.id.id, p.name])], { id: 'audit-profile', value: state.profile });
  const tenant = select([['', 'All tenants'], ['none', 'No tenant (unknown keys, malformed requests)'], ...tenants.map(t => [t.id.id, t.title])],
    { id: 'audit-tenant', value: state.tenant });
  let shownNewest = null;
  let live = null;
  const load = async () => {
    box.setAttribute('aria-busy', 'true');
    notice.hidden = true;
    try {
      const result = await get('/api/audit/logs', { ...filterQuery(system), pageSize: 25, page: state.page });
      if (state.page === 0) shownNewest = result.data[0]?.id.id ?? null;
      clear(box, auditTable(result.data), pager(state.page, result, page => { state.page = page; load(); }, 'entries'));
    } catch (error) { clear(box, errorBox(error)); }
    box.setAttribute('aria-busy', 'false');
  };
  // New entries matching the filters: the first page shows them at once; on a later page a notice says so.
  const follow = () => {
    live?.abort();
    const query = new URLSearchParams(Object.entries(filterQuery(system)).filter(([, v]) => v !== '' && v !== null && v !== undefined));
    live = watch(`/api/live/audit?${query}`, (name, data) => {
      if (name !== 'audit' || !data.newest || data.newest === shownNewest) return;
      if (state.page === 0) { load(); return; }
      notice.textContent = 'New entries have arrived. ';
      notice.append(h('button', { type: 'button', class: 'btn btn-small', onclick: () => { state.page = 0; load(); } }, 'Show newest'));
      notice.hidden = false;
    });
  };
  const changed = () => { state.page = 0; load(); follow(); };
  const actor = h('input', { type: 'search', id: 'audit-actor', value: state.actor, placeholder: 'admin@example.com', autocomplete: 'off' });
  const name = h('input', { type: 'search', id: 'audit-name', value: state.name, placeholder: 'Name or e-mail prefix', autocomplete: 'off' });
  const from = h('input', { type: 'datetime-local', id: 'audit-from', value: state.from });
  const to = h('input', { type: 'datetime-local', id: 'audit-to', value: state.to });
  action.addEventListener('change', () => { state.action = action.value; changed(); });
  outcome.addEventListener('change', () => { state.outcome = outcome.value; changed(); });
  profile.addEventListener('change', () => { state.profile = profile.value; changed(); });
  tenant.addEventListener('change', () => { state.tenant = tenant.value; changed(); });
  let typing;
  const typed = (input, key) => input.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state[key] = input.value.trim(); changed(); }, 250);
  });
  typed(name, 'name');
  typed(actor, 'actor');
  from.addEventListener('change', () => { state.from = from.value; changed(); });
  to.addEventListener('change', () => { state.to = to.value; changed(); });
  const exportButton = h('button', { type: 'button', class: 'btn', id: 'audit-export' }, 'Export CSV');
  exportButton.addEventListener('click', () => exportCsv(exportButton, system).catch(error => clear(box, errorBox(error))));
  await load();
  follow();
  return h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, system ? 'Audit log (all tenants)' : 'Audit log'),
      h('div', { class: 'toolbar' }, exportButton, h('button', { type: 'button', class: 'btn', onclick: load }, 'Refresh'))),
    h('p', { class: 'muted' }, system
      ? 'Every provisioning attempt, closed device session, login and admin action of the installation, newest first, including the attempts that belong to no tenant. New entries appear as they are written. Secrets, tokens and passwords are never recorded.'
      : 'Every provisioning attempt naming one of your keys, closed device session, login and admin action, newest first. New entries appear as they are written. Secrets, tokens and passwords are never recorded.'),
    h('div', { class: 'filters', role: 'search' },
      field('Action', action), field('Outcome', outcome), system ? field('Tenant', tenant) : field('Profile', profile),
      field('Actor', actor), field('Device or account', name), field('From', from), field('To', to)),
    notice, box);
}
