// The audit log (provisioning, closed sessions, failed logins): time, transport, source, profile, device or account, outcome, reason, node; filters.
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

const state = { page: 0, outcome: '', profile: '' };

export async function auditPage() {
  const profiles = await get('/api/deviceProfileInfos', { pageSize: 1000, page: 0, sortProperty: 'name', sortOrder: 'ASC' }).then(p => p.data).catch(() => []);
  const box = h('div', { class: 'table-box' });
  const outcome = select([['', 'All outcomes'], 'SUCCESS', 'FAILURE', 'NOT_FOUND', 'RATE_LIMITED', 'BAD_REQUEST', 'SESSION_CLOSED', 'LOGIN_FAILED', 'LOGIN_REFUSED', 'LOCKED_OUT'], { id: 'audit-outcome', value: state.outcome });
  const profile = select([['', 'All profiles'], ...profiles.map(p => [p.id.id, p.name])], { id: 'audit-profile', value: state.profile });
  const load = async () => {
    box.setAttribute('aria-busy', 'true');
    try {
      const result = await get('/api/audit/logs', { pageSize: 25, page: state.page, outcome: state.outcome, profileId: state.profile });
      clear(box, auditTable(result.data), pager(state.page, result, page => { state.page = page; load(); }, 'entries'));
    } catch (error) { clear(box, errorBox(error)); }
    box.setAttribute('aria-busy', 'false');
  };
  outcome.addEventListener('change', () => { state.outcome = outcome.value; state.page = 0; load(); });
  profile.addEventListener('change', () => { state.profile = profile.value; state.page = 0; load(); });
  load();
  return h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Audit log'),
      h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'btn', onclick: load }, 'Refresh'))),
    h('p', { class: 'muted' }, 'Every provisioning attempt, closed device session and failed admin login, newest first. Secrets, tokens and passwords are never recorded.'),
    h('div', { class: 'filters', role: 'search' }, field('Outcome', outcome), field('Profile', profile)),
    box);
}
