// Devices and assets: the paged list (search, profile filter, sort, create, delete) and the entity page
// (credentials, attributes in their scopes, latest telemetry, audit entries).
import { api, del, get, post } from '../api.js';
import {
  PAGE_SIZES, clear, confirmDialog, copyButton, debounce, downloadFile, errorBox, field, fmtTime, fmtValue, h, pager, plural,
  randomKey, select, tabs, toast,
} from '../ui.js';
import { auditTable } from './audit.js';
import { watch } from '../live.js';

export const KINDS = {
  device: {
    entityType: 'DEVICE', title: 'Devices', noun: 'device', route: 'devices',
    list: '/api/tenant/deviceInfos', profiles: '/api/deviceProfileInfos', profileParam: 'deviceProfileId',
    defaultProfile: '/api/deviceProfileInfo/default',
    one: id => `/api/device/${id}`, save: '/api/device', profileIdType: 'DEVICE_PROFILE',
  },
  asset: {
    entityType: 'ASSET', title: 'Assets', noun: 'asset', route: 'assets',
    list: '/api/tenant/assetInfos', profiles: '/api/assetProfileInfos', profileParam: 'assetProfileId',
    defaultProfile: '/api/assetProfileInfo/default',
    one: id => `/api/asset/${id}`, save: '/api/asset', profileIdType: 'ASSET_PROFILE',
  },
};

// A list's state lives in the hash's query (`#/devices?textSearch=ab&page=2&pageSize=50&sortProperty=name&sortOrder=ASC
// &profile=<id>`), so that a reload and the Back button bring it back. `page` there is 1-based, as the pager shows it;
// values equal to the defaults are left out.
const SORTS = ['name', 'type', 'label', 'createdTime'];
const DEFAULTS = { textSearch: '', textSearchMode: 'PREFIX', page: 1, pageSize: 20, sortProperty: 'createdTime', sortOrder: 'DESC', profile: '' };
/** The query of each list as last shown, for links back to it (the breadcrumb of an entity page). */
const lastQuery = { device: '', asset: '' };

function readListState() {
  const query = new URLSearchParams(location.hash.split('?')[1] || '');
  const number = (name, fallback) => (/^\d+$/.test(query.get(name) || '') ? Number(query.get(name)) : fallback);
  const sort = query.get('sortProperty');
  const order = query.get('sortOrder');
  return {
    textSearch: (query.get('textSearch') || '').trim(),
    textSearchMode: query.get('textSearchMode') === 'CONTAINS' ? 'CONTAINS' : 'PREFIX',
    page: Math.max(1, number('page', DEFAULTS.page)),
    pageSize: PAGE_SIZES.includes(number('pageSize', 0)) ? number('pageSize', 0) : DEFAULTS.pageSize,
    sortProperty: SORTS.includes(sort) ? sort : DEFAULTS.sortProperty,
    sortOrder: order === 'ASC' || order === 'DESC' ? order : (SORTS.includes(sort) ? (sort === 'createdTime' ? 'DESC' : 'ASC') : DEFAULTS.sortOrder),
    profile: /^[0-9a-f-]{36}$/.test(query.get('profile') || '') ? query.get('profile') : '',
  };
}

/** Replaces the current history entry's URL (no new entry, no hashchange, so the view is not rendered again). */
function writeListState(kind, state) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value !== DEFAULTS[key] && value !== '') query.set(key, String(value));
  }
  const path = `#/${KINDS[kind].route}`;
  // A list left meanwhile (a debounced search firing after a click on a device) must not rewrite the new page's URL.
  if (location.hash.split('?')[0] !== path) return;
  lastQuery[kind] = query.toString();
  const hash = `${path}${lastQuery[kind] ? `?${lastQuery[kind]}` : ''}`;
  if (location.hash !== hash) history.replaceState(history.state, '', hash);
}

/** The list's URL as last shown (with its search, page and filters). */
export function listHref(kind) {
  return `#/${KINDS[kind].route}${lastQuery[kind] ? `?${lastQuery[kind]}` : ''}`;
}

async function loadProfiles(kind) {
  const page = await get(KINDS[kind].profiles, { pageSize: 1000, page: 0, sortProperty: 'name', sortOrder: 'ASC' });
  return page.data;
}

export async function entityList(kind) {
  const k = KINDS[kind];
  const state = readListState();
  writeListState(kind, state);
  const profiles = await loadProfiles(kind).catch(() => []);
  if (state.profile && !profiles.some(p => p.id.id === state.profile)) state.profile = '';  // a deleted profile's link
  const tableBox = h('div', { class: 'table-box' });
  const status = h('div', { class: 'sr-only', 'aria-live': 'polite' });

  const search = h('input', { type: 'search', id: `${kind}-search`, placeholder: 'Name starts with…', value: state.textSearch, autocomplete: 'off' });
  search.addEventListener('input', debounce(() => { state.textSearch = search.value.trim(); state.page = 1; load(); }, 250));
  // Devices: the name may also be searched anywhere (a trigram index); starting with stays the default.
  const contains = h('input', { type: 'checkbox', id: `${kind}-search-contains`, checked: state.textSearchMode === 'CONTAINS' });
  const placeholder = () => { search.placeholder = contains.checked ? 'Name contains…' : 'Name starts with…'; };
  placeholder();
  contains.addEventListener('change', () => {
    state.textSearchMode = contains.checked ? 'CONTAINS' : 'PREFIX';
    placeholder();
    state.page = 1;
    load();
  });
  const profileFilter = select([['', 'All profiles'], ...profiles.map(p => [p.id.id, p.name])], { id: `${kind}-profile-filter`, value: state.profile });
  profileFilter.addEventListener('change', () => { state.profile = profileFilter.value; state.page = 1; load(); });

  const columns = kind === 'device'
    ? [['name', 'Name', 'name'], ['type', 'Profile', 'type'], ['label', 'Label', 'label'], ['createdTime', 'Created', 'createdTime'], ['provisionState', 'Provision state'], ['credentialsType', 'Credentials'], ['lastActivityTime', 'Last activity']]
    : [['name', 'Name', 'name'], ['type', 'Profile', 'type'], ['label', 'Label', 'label'], ['createdTime', 'Created', 'createdTime']];

  let sequence = 0;
  async function load() {
    const mine = ++sequence;
    writeListState(kind, state);
    tableBox.setAttribute('aria-busy', 'true');
    try {
      const query = {
        pageSize: state.pageSize, page: state.page - 1, textSearch: state.textSearch,
        textSearchMode: kind === 'device' && state.textSearchMode === 'CONTAINS' ? 'CONTAINS' : '', sortProperty: state.sortProperty,
        sortOrder: state.sortOrder, [k.profileParam]: state.profile,
      };
      let result = await get(k.list, query);
      const pages = result.totalPages ?? 0;
      if (mine !== sequence) return;
      if (pages > 0 && state.page > pages) {
        // A page past the end (an old link, fewer entities now): the last page instead.
        state.page = pages;
        writeListState(kind, state);
        result = await get(k.list, { ...query, page: state.page - 1 });
        if (mine !== sequence) return;
      }
      clear(tableBox, table(result), pager(state.page - 1, result, page => { state.page = page + 1; load(); }, `${k.noun}s`, {
        idPrefix: kind, pageSize: state.pageSize, onPageSize: size => { state.pageSize = size; state.page = 1; load(); },
      }));
      status.textContent = plural(result.totalElements, k.noun);
    } catch (error) {
      if (mine === sequence) clear(tableBox, errorBox(error));
    } finally {
      if (mine === sequence) tableBox.setAttribute('aria-busy', 'false');
    }
  }

  const optional = key => (key === 'label' || key === 'createdTime' || key === 'credentialsType' ? 'col-optional' : null);

  function sortHeader([key, label, sortKey]) {
    if (!sortKey) return h('th', { scope: 'col', class: optional(key) }, label);
    const active = state.sortProperty === sortKey;
    const ariaSort = active ? (state.sortOrder === 'ASC' ? 'ascending' : 'descending') : 'none';
    return h('th', { scope: 'col', 'aria-sort': ariaSort, class: optional(key) },
      h('button', {
        type: 'button', class: 'sort', onclick: () => {
          if (state.sortProperty === sortKey) state.sortOrder = state.sortOrder === 'ASC' ? 'DESC' : 'ASC';
          else { state.sortProperty = sortKey; state.sortOrder = sortKey === 'createdTime' ? 'DESC' : 'ASC'; }
          state.page = 1;
          load();
        },
      }, label, active ? (state.sortOrder === 'ASC' ? ' ▲' : ' ▼') : ''));
  }

  function table(result) {
    if (!result.data.length) {
      return h('p', { class: 'empty' }, state.textSearch || state.profile ? `No ${k.noun}s match.` : `No ${k.noun}s yet.`);
    }
    return h('table', { class: 'grid', id: `${kind}-table` },
      h('caption', { class: 'sr-only' }, k.title),
      h('thead', {}, h('tr', {}, columns.map(sortHeader), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
      h('tbody', {}, result.data.map(entity => h('tr', { dataset: { name: entity.name } },
        columns.map(([key]) => {
          if (key === 'name') return h('td', {}, h('a', { href: `#/${k.route}/${entity.id.id}` }, entity.name));
          if (key === 'createdTime') return h('td', { class: 'nowrap col-optional' }, fmtTime(entity.createdTime));
          if (key === 'provisionState') return h('td', { class: 'provision-state' }, entity.provisionState ? h('span', { class: `badge badge-${entity.provisionState}` }, entity.provisionState) : '—');
          if (key === 'credentialsType') return h('td', { class: 'col-optional' }, entity.credentialsType || '—');
          // Active: it sent telemetry or a client attribute within its profile's inactivity timeout.
          if (key === 'lastActivityTime') {
            return h('td', { class: 'nowrap activity' },
              h('span', { class: `badge ${entity.active ? 'badge-success' : 'badge-inactive'}` }, entity.active ? 'active' : 'inactive'),
              ' ', entity.lastActivityTime ? fmtTime(entity.lastActivityTime) : 'never');
          }
          return h('td', { class: optional(key) }, entity[key] || '');
        }),
        h('td', { class: 'actions' }, h('button', {
          type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete ${entity.name}`,
          onclick: async () => {
            if (!await confirmDialog(`Delete ${k.noun} “${entity.name}”? This cannot be undone.`)) return;
            try {
              await del(k.one(entity.id.id));
              toast(`Deleted ${entity.name}`);
              load();
            } catch (error) { toast(error.message, 'error'); }
          },
        }, 'Delete'))))));
  }

  const createBox = h('div');
  const page = h('section', {},
    h('div', { class: 'page-head' },
      h('h1', {}, k.title),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'btn btn-primary', id: `${kind}-add`, onclick: () => toggleCreate() }, `Add ${k.noun}`),
        h('a', { class: 'btn', href: `#/${k.route}/import`, id: `${kind}-import` }, 'Import CSV'),
        h('button', { type: 'button', class: 'btn', id: `${kind}-export`, onclick: () => exportCSV(false) }, 'Export CSV'),
        kind === 'device' ? h('button', {
          type: 'button', class: 'btn', id: 'device-export-credentials',
          onclick: async () => {
            if (await confirmDialog('Export every device’s credentials (tokens, MQTT passwords, certificates)? The export is recorded in the audit log.', 'Export')) exportCSV(true);
          },
        }, 'Export with credentials') : null)),
    createBox,
    h('div', { class: 'filters', role: 'search' },
      field('Search by name', search),
      kind === 'device' ? h('label', { class: 'check align-end' }, contains, ' Anywhere in the name') : null,
      field('Profile', profileFilter)),
    status,
    tableBox);

  // The list (of the chosen profile) as a CSV in the import's dialect, and the mapping that imports it back.
  async function exportCSV(withCredentials) {
    const query = { entityType: kind === 'device' ? 'DEVICE' : 'ASSET' };
    if (state.profile) query.profileId = state.profile;
    if (withCredentials) query.includeCredentials = 'true';
    try {
      const mapping = await get('/api/imports/export/mapping', query);
      const text = await api('GET', '/api/imports/export', { text: true, query });
      const stem = `${k.route}-export`;
      downloadFile(text, 'text/csv', `${stem}.csv`);
      downloadFile(JSON.stringify(mapping, null, 2), 'application/json', `${stem}.mapping.json`);
      toast(`Exported ${k.title.toLowerCase()} to ${stem}.csv (its import mapping: ${stem}.mapping.json)`);
    } catch (error) { toast(error.message, 'error'); }
  }

  async function toggleCreate() {
    if (createBox.firstChild) { clear(createBox); return; }
    // The tenant's default profile is one of `profiles` (named "default" unless renamed): preselect it rather than
    // offering a second, synthetic "Default profile" entry beside it.
    const defaultProfile = await get(k.defaultProfile).catch(() => null);
    const name = h('input', { type: 'text', required: true, maxlength: 255, id: `${kind}-new-name` });
    const profile = profiles.length
      ? select(profiles.map(p => [p.id.id, p.name]), { id: `${kind}-new-profile`, value: defaultProfile?.id?.id ?? profiles[0].id.id })
      : select([['', 'Default profile']], { id: `${kind}-new-profile` });
    const label = h('input', { type: 'text', maxlength: 255, id: `${kind}-new-label` });
    const message = h('div');
    clear(createBox, h('form', {
      class: 'card form-inline', 'aria-label': `New ${k.noun}`,
      onsubmit: async event => {
        event.preventDefault();
        const body = { name: name.value.trim(), label: label.value.trim() || null };
        if (profile.value) body[kind === 'device' ? 'deviceProfileId' : 'assetProfileId'] = { entityType: k.profileIdType, id: profile.value };
        try {
          const saved = await post(k.save, body);
          toast(`Created ${saved.name}`);
          location.hash = `#/${k.route}/${saved.id.id}`;
        } catch (error) { clear(message, errorBox(error)); }
      },
    },
    h('h2', {}, `New ${k.noun}`),
    h('div', { class: 'row' }, field('Name', name), field('Profile', profile), field('Label', label)),
    message,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => clear(createBox) }, 'Cancel'),
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create'))));
    name.focus();
  }

  load();
  return page;
}

export async function entityPage(kind, id) {
  const k = KINDS[kind];
  const entity = await get(k.one(id));
  // A device's page follows the device: its telemetry, attributes, provision state and last activity as they change.
  const live = new Set();
  const tabList = [];
  if (kind === 'device') tabList.push({ id: 'credentials', label: 'Credentials', render: panel => credentialsTab(panel, entity) });
  tabList.push({ id: 'attributes', label: 'Attributes', render: panel => attributesTab(panel, kind, entity, live) });
  tabList.push({ id: 'telemetry', label: 'Latest telemetry', render: panel => telemetryTab(panel, kind, entity, live) });
  if (kind === 'device') tabList.push({ id: 'audit', label: 'Audit', render: panel => auditTab(panel, entity) });
  const t = tabs(tabList);
  const liveFacts = [];
  if (kind === 'device') {
    const state = h('span', { class: 'badge', id: 'device-provision-state' }, '…');
    const activity = h('span', { id: 'device-last-activity' }, '…');
    liveFacts.push(h('dt', {}, 'Provision state'), h('dd', {}, state), h('dt', {}, 'Last activity'), h('dd', {}, activity));
    watch(`/api/live/device/${id}`, (name, data) => {
      if (name === 'gone') { state.textContent = 'deleted'; return; }
      if (name !== 'device') return;
      state.textContent = data.provisionState || 'not provisioned';
      state.className = `badge ${data.provisionState === 'provisioned' ? 'badge-success' : ''}`;
      activity.textContent = data.lastActivityTime ? fmtTime(data.lastActivityTime) : 'never';
      for (const listener of live) listener(data);
    });
  }
  return h('section', {},
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: listHref(kind) }, k.title), ' / ', entity.name),
    h('div', { class: 'page-head' },
      h('h1', {}, entity.name),
      h('div', { class: 'toolbar' }, h('button', {
        type: 'button', class: 'btn btn-danger', onclick: async () => {
          if (!await confirmDialog(`Delete ${k.noun} “${entity.name}”? This cannot be undone.`)) return;
          try { await del(k.one(id)); toast(`Deleted ${entity.name}`); location.hash = listHref(kind); } catch (error) { toast(error.message, 'error'); }
        },
      }, `Delete ${k.noun}`))),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Profile'), h('dd', {}, entity.type || ''),
      h('dt', {}, 'Label'), h('dd', {}, entity.label || '—'),
      h('dt', {}, 'Created'), h('dd', {}, fmtTime(entity.createdTime)),
      ...liveFacts,
      h('dt', {}, 'Id'), h('dd', {}, h('code', {}, entity.id.id), ' ', copyButton(entity.id.id, 'Copy id'))),
    t.element);
}

// ---- credentials ---------------------------------------------------------------------------------------------

function secretView(value, label) {
  const code = h('code', { class: 'secret' }, '•'.repeat(Math.min(value.length, 20)));
  let shown = false;
  const toggle = h('button', {
    type: 'button', class: 'btn btn-small', 'aria-pressed': 'false', 'aria-label': `Show ${label}`, onclick: () => {
      shown = !shown;
      code.textContent = shown ? value : '•'.repeat(Math.min(value.length, 20));
      toggle.textContent = shown ? 'Hide' : 'Show';
      toggle.setAttribute('aria-pressed', String(shown));
    },
  }, 'Show');
  return h('span', { class: 'secret-row' }, code, ' ', toggle, ' ', copyButton(value, `Copy ${label}`));
}

async function credentialsTab(panel, device) {
  let credentials;
  try {
    credentials = await get(`/api/device/${device.id.id}/credentials`);
  } catch (error) { panel.append(errorBox(error)); return; }
  const view = h('div');
  const form = h('div');
  function show() {
    const rows = [h('dt', {}, 'Type'), h('dd', { id: 'credentials-type' }, credentials.credentialsType)];
    if (credentials.credentialsType === 'ACCESS_TOKEN') {
      rows.push(h('dt', {}, 'Access token'), h('dd', {}, secretView(credentials.credentialsId || '', 'access token')));
    } else if (credentials.credentialsType === 'MQTT_BASIC') {
      let basic = {};
      try { basic = JSON.parse(credentials.credentialsValue || '{}'); } catch { /* shown empty */ }
      rows.push(h('dt', {}, 'Client id'), h('dd', {}, basic.clientId ? h('span', {}, h('code', {}, basic.clientId), ' ', copyButton(basic.clientId, 'Copy client id')) : '—'));
      rows.push(h('dt', {}, 'User name'), h('dd', {}, basic.userName ? h('span', {}, h('code', {}, basic.userName), ' ', copyButton(basic.userName, 'Copy user name')) : '—'));
      rows.push(h('dt', {}, 'Password'), h('dd', {}, basic.password ? secretView(basic.password, 'password') : '—'));
    } else if (credentialsType(credentials) === 'X509_CERTIFICATE') {
      rows.push(h('dt', {}, 'Certificate (PEM)'), h('dd', {}, h('pre', { class: 'pem' }, credentials.credentialsValue || ''), copyButton(credentials.credentialsValue || '', 'Copy certificate')));
    }
    clear(view, h('dl', { class: 'facts' }, rows),
      h('button', { type: 'button', class: 'btn', id: 'change-credentials', onclick: edit }, 'Change credentials'));
  }
  function edit() {
    const type = select([['ACCESS_TOKEN', 'Access token'], ['MQTT_BASIC', 'MQTT basic'], ['X509_CERTIFICATE', 'X.509 certificate']], { value: credentials.credentialsType, id: 'cred-type' });
    const fields = h('div');
    const message = h('div');
    const token = h('input', { type: 'text', id: 'cred-token', class: 'mono', spellcheck: 'false', maxlength: 255, value: credentials.credentialsType === 'ACCESS_TOKEN' ? credentials.credentialsId : randomKey() });
    let basic = {};
    try { if (credentials.credentialsType === 'MQTT_BASIC') basic = JSON.parse(credentials.credentialsValue || '{}'); } catch { /* empty */ }
    const clientId = h('input', { type: 'text', id: 'cred-client-id', class: 'mono', spellcheck: 'false', value: basic.clientId || '' });
    const userName = h('input', { type: 'text', id: 'cred-user-name', class: 'mono', spellcheck: 'false', value: basic.userName || '' });
    const password = h('input', { type: 'text', id: 'cred-password', class: 'mono', spellcheck: 'false', value: basic.password || '', autocomplete: 'off' });
    const pem = h('textarea', { id: 'cred-pem', rows: 8, class: 'mono', value: credentials.credentialsType === 'X509_CERTIFICATE' ? credentials.credentialsValue || '' : '' });
    const pemFile = h('input', { type: 'file', accept: '.pem,.crt,.cer,text/plain', onchange: async () => { if (pemFile.files[0]) pem.value = await pemFile.files[0].text(); } });
    function renderFields() {
      if (type.value === 'ACCESS_TOKEN') {
        clear(fields, h('div', { class: 'row' }, field('Access token', token),
          h('button', { type: 'button', class: 'btn align-end', onclick: () => { token.value = randomKey(); } }, 'Generate')));
      } else if (type.value === 'MQTT_BASIC') {
        clear(fields, h('div', { class: 'row' }, field('Client id', clientId), field('User name', userName), field('Password', password)));
      } else {
        clear(fields, field('Certificate (PEM)', pem, 'Paste the device certificate, or upload it:'), field('Certificate file', pemFile));
      }
    }
    type.addEventListener('change', renderFields);
    renderFields();
    clear(form, h('form', {
      class: 'card', 'aria-label': 'Change credentials', onsubmit: async event => {
        event.preventDefault();
        const body = { ...credentials, credentialsType: type.value, credentialsId: null, credentialsValue: null };
        if (type.value === 'ACCESS_TOKEN') body.credentialsId = token.value.trim();
        else if (type.value === 'MQTT_BASIC') {
          const value = {};
          if (clientId.value.trim()) value.clientId = clientId.value.trim();
          if (userName.value.trim()) value.userName = userName.value.trim();
          if (password.value) value.password = password.value;
          body.credentialsValue = JSON.stringify(value);
        } else body.credentialsValue = pem.value.trim();
        try {
          credentials = await post('/api/device/credentials', body);
          toast('Credentials saved');
          clear(form);
          show();
        } catch (error) { clear(message, errorBox(error)); }
      },
    }, h('h2', {}, 'Change credentials'), field('Credentials type', type), fields, message,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => clear(form) }, 'Cancel'),
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save credentials'))));
    type.focus();
  }
  show();
  panel.append(view, form);
}

function credentialsType(credentials) { return credentials.credentialsType; }

// ---- attributes ----------------------------------------------------------------------------------------------

const SCOPES = [
  ['SERVER_SCOPE', 'Server attributes', true],
  ['SHARED_SCOPE', 'Shared attributes', true],
  ['CLIENT_SCOPE', 'Client attributes', false],
];

/** A typed value from an input: JSON numbers, booleans, objects and arrays; anything else is a string. */
function parseValue(text) {
  const trimmed = text.trim();
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false)$/.test(trimmed) || /^[[{]/.test(trimmed)) {
    try { return JSON.parse(trimmed); } catch { /* string */ }
  }
  return text;
}

function attributesTab(panel, kind, entity, live) {
  const k = KINDS[kind];
  const scopes = kind === 'device' ? SCOPES : SCOPES.filter(([scope]) => scope !== 'CLIENT_SCOPE');
  for (const [scope, title, editable] of scopes) {
    const box = h('div', { class: 'scope', id: `scope-${scope}` });
    panel.append(h('section', { class: 'card' }, h('h2', {}, title), box));
    const base = `/api/plugins/telemetry/${k.entityType}/${entity.id.id}`;
    const load = async () => {
      let list;
      try { list = await get(`${base}/values/attributes/${scope}`); } catch (error) { clear(box, errorBox(error)); return; }
      list.sort((a, b) => a.key.localeCompare(b.key));
      const rows = list.map(attribute => {
        const valueCell = h('td', { class: 'mono' }, fmtValue(attribute.value));
        const actions = h('td', { class: 'actions' });
        if (editable) {
          actions.append(
            h('button', {
              type: 'button', class: 'btn btn-small', 'aria-label': `Edit ${attribute.key}`, onclick: () => {
                const input = h('input', { type: 'text', value: fmtValue(attribute.value), 'aria-label': `Value of ${attribute.key}` });
                clear(valueCell, h('form', {
                  class: 'inline', onsubmit: async event => {
                    event.preventDefault();
                    try { await post(`${base}/attributes/${scope}`, { [attribute.key]: parseValue(input.value) }); toast(`Saved ${attribute.key}`); load(); } catch (error) { toast(error.message, 'error'); }
                  },
                }, input, h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Save')));
                input.focus();
              },
            }, 'Edit'), ' ',
            h('button', {
              type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete ${attribute.key}`, onclick: async () => {
                if (!await confirmDialog(`Delete attribute “${attribute.key}”?`)) return;
                try { await del(`${base}/${scope}`, { keys: attribute.key }); load(); } catch (error) { toast(error.message, 'error'); }
              },
            }, 'Delete'));
        }
        return h('tr', {}, h('td', {}, attribute.key), valueCell, h('td', { class: 'nowrap' }, fmtTime(attribute.lastUpdateTs)), actions);
      });
      const parts = [];
      parts.push(list.length
        ? h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'Last update'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))), h('tbody', {}, rows))
        : h('p', { class: 'empty' }, 'None.'));
      if (editable) {
        const key = h('input', { type: 'text', required: true, maxlength: 255 });
        const value = h('input', { type: 'text' });
        parts.push(h('form', {
          class: 'row', 'aria-label': `Add to ${title.toLowerCase()}`, onsubmit: async event => {
            event.preventDefault();
            try { await post(`${base}/attributes/${scope}`, { [key.value.trim()]: parseValue(value.value) }); toast(`Saved ${key.value.trim()}`); load(); } catch (error) { toast(error.message, 'error'); }
          },
        }, field('Key', key), field('Value', value, 'Numbers, true/false and JSON are stored typed.'), h('button', { type: 'submit', class: 'btn align-end' }, 'Add')));
      }
      clear(box, parts);
    };
    load();
    // A live change of this scope reloads it, unless a value is being edited there (the first event after the
    // tab opened may repeat what it loaded: one more load, harmless).
    let seen = null;
    live.add(data => {
      const now = JSON.stringify(data.attributes?.[scope] ?? []);
      if (now !== seen && !box.querySelector('form.inline')) load();
      seen = now;
    });
  }
}

/** The latest value of each key: `latest` is `{key: {ts, value}}`. */
function telemetryTable(latest) {
  const keys = Object.keys(latest).sort();
  if (!keys.length) return h('p', { class: 'empty' }, 'No telemetry yet.');
  return h('table', { class: 'grid', id: 'telemetry-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'Time'))),
    h('tbody', {}, keys.map(key => {
      const point = latest[key] || {};
      return h('tr', {}, h('td', {}, key), h('td', { class: 'mono' }, fmtValue(point.value)), h('td', { class: 'nowrap' }, fmtTime(point.ts)));
    })));
}

async function telemetryTab(panel, kind, entity, live) {
  const k = KINDS[kind];
  const base = `/api/plugins/telemetry/${k.entityType}/${entity.id.id}`;
  const box = h('div', { id: 'telemetry-box' });
  panel.append(box);
  try {
    const keys = await get(`${base}/keys/timeseries`);
    const values = keys.length ? await get(`${base}/values/timeseries`, { keys: keys.join(','), useStrictDataTypes: true }) : {};
    const latest = {};
    for (const key of keys) latest[key] = (values[key] || [])[0] || {};
    clear(box, telemetryTable(latest));
  } catch (error) { clear(box, errorBox(error)); }
  // What the device sends appears without a reload.
  live.add(data => clear(box, telemetryTable(data.telemetry || {})));
}

function auditTab(panel, device) {
  const box = h('div');
  panel.append(box);
  const load = async page => {
    try {
      const result = await get('/api/audit/logs', { pageSize: 20, page, deviceId: device.id.id });
      clear(box, auditTable(result.data, false), pager(page, result, load, 'entries'));
    } catch (error) { clear(box, errorBox(error)); }
  };
  load(0);
}
