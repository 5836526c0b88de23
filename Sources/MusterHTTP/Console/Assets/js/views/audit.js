// The audit log (provisioning, closed sessions, failed logins): time, transport, source, profile, device or account, outcome, reason, node; filters (outcome, profile, name prefix, time range) and their CSV export.
import { get } from '../api.js';
import { clear, errorBox, field, fmtTime, h, pager, select } from '../ui.js';

export function auditTable(entries, withDevice = true) {
  if (!entries.length) return h('p', { class: 'empty' }, 'No audit entries.');
  return h('table', { class: 'grid', id: 'audit-table' },
    h('thead', {}, h('tr', {},
      ['Time', 'Transport', 'Source', 'Profile', withDevice ? 'Device' : null, 'Outcome', 'Reason', 'Node']
        .filter(Boolean).map(title => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, entries.map(entry => {
      const data = entry.actionData || {};
      const outcome = data.outcome || entry.actionStatus;
      return h('tr', {},
        h('td', { class: 'nowrap' }, fmtTime(entry.createdTime)),
        h('td', {}, data.transport || ''),
        h('td', { class: 'mono' }, data.sourceAddress || ''),
        h('td', {}, data.profileName || ''),
        withDevice ? h('td', {}, entry.entityId?.entityType === 'DEVICE'
          ? h('a', { href: `#/devices/${entry.entityId.id}` }, data.deviceName || entry.entityName || '')
          : (data.deviceName || data.account || entry.entityName || '')) : null,
        h('td', {}, h('span', { class: `badge badge-${String(outcome).toLowerCase()}` }, outcome)),
        h('td', {}, data.reason || entry.actionFailureDetails || ''),
        h('td', { class: 'mono' }, entry.node || ''));
    })));
}

const state = { page: 0, outcome: '', profile: '', name: '', from: '', to: '' };

/** The API parameters of the current filters: `from`/`to` are `datetime-local` values (local time, to the minute;
 * `to` takes the whole minute in). */
function filterQuery() {
  const start = state.from ? new Date(state.from).getTime() : NaN;
  const end = state.to ? new Date(state.to).getTime() + 59_999 : NaN;
  return {
    outcome: state.outcome, profileId: state.profile, textSearch: state.name,
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
async function exportCsv(button) {
  button.disabled = true;
  try {
    const lines = ['time,transport,source,profile,device or account,outcome,reason,node'];
    for (let page = 0; lines.length <= EXPORT_LIMIT; page++) {
      const result = await get('/api/audit/logs', { ...filterQuery(), pageSize: 1000, page });
      for (const entry of result.data) {
        const data = entry.actionData || {};
        lines.push([new Date(entry.createdTime).toISOString(), data.transport, data.sourceAddress, data.profileName,
          data.deviceName || data.account || entry.entityName, data.outcome || entry.actionStatus,
          data.reason || entry.actionFailureDetails, entry.node].map(csvCell).join(','));
      }
      if (!result.hasNext) break;
    }
    const url = URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }));
    const link = h('a', { href: url, download: 'audit-log.csv', id: 'audit-export-link' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } finally {
    button.disabled = false;
  }
}

export async function auditPage() {
  const profiles = await get('/api/deviceProfileInfos', { pageSize: 1000, page: 0, sortProperty: 'name', sortOrder: 'ASC' }).then(p => p.data).catch(() => []);
  const box = h('div', { class: 'table-box' });
  const outcome = select([['', 'All outcomes'], 'SUCCESS', 'FAILURE', 'NOT_FOUND', 'RATE_LIMITED', 'BAD_REQUEST', 'SESSION_CLOSED', 'LOGIN_FAILED', 'LOGIN_REFUSED', 'LOCKED_OUT'], { id: 'audit-outcome', value: state.outcome });
  const profile = select([['', 'All profiles'], ...profiles.map(p => [p.id.id, p.name])], { id: 'audit-profile', value: state.profile });
  const load = async () => {
    box.setAttribute('aria-busy', 'true');
    try {
      const result = await get('/api/audit/logs', { ...filterQuery(), pageSize: 25, page: state.page });
      clear(box, auditTable(result.data), pager(state.page, result, page => { state.page = page; load(); }, 'entries'));
    } catch (error) { clear(box, errorBox(error)); }
    box.setAttribute('aria-busy', 'false');
  };
  const name = h('input', { type: 'search', id: 'audit-name', value: state.name, placeholder: 'Name or e-mail prefix', autocomplete: 'off' });
  const from = h('input', { type: 'datetime-local', id: 'audit-from', value: state.from });
  const to = h('input', { type: 'datetime-local', id: 'audit-to', value: state.to });
  outcome.addEventListener('change', () => { state.outcome = outcome.value; state.page = 0; load(); });
  profile.addEventListener('change', () => { state.profile = profile.value; state.page = 0; load(); });
  let typing;
  name.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.name = name.value.trim(); state.page = 0; load(); }, 250);
  });
  from.addEventListener('change', () => { state.from = from.value; state.page = 0; load(); });
  to.addEventListener('change', () => { state.to = to.value; state.page = 0; load(); });
  const exportButton = h('button', { type: 'button', class: 'btn', id: 'audit-export' }, 'Export CSV');
  exportButton.addEventListener('click', () => exportCsv(exportButton).catch(error => clear(box, errorBox(error))));
  load();
  return h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Audit log'),
      h('div', { class: 'toolbar' }, exportButton, h('button', { type: 'button', class: 'btn', onclick: load }, 'Refresh'))),
    h('p', { class: 'muted' }, 'Every provisioning attempt, closed device session and failed admin login, newest first. Secrets, tokens and passwords are never recorded.'),
    h('div', { class: 'filters', role: 'search' }, field('Outcome', outcome), field('Profile', profile),
      field('Device or account', name), field('From', from), field('To', to)),
    box);
}
