// Device profiles: list, create, edit, delete, and the Device Provisioning tab.
import { del, get, post } from '../api.js';
import {
  checkbox, clear, confirmDialog, copyButton, debounce, errorBox, field, fmtTime, h, noticeDialog, pager, plural, randomKey, tabs,
  toast,
} from '../ui.js';

export const STRATEGIES = [
  ['DISABLED', 'Disabled', 'Devices cannot provision themselves with this profile.'],
  ['ALLOW_CREATE_NEW_DEVICES', 'Allow creating new devices', 'A device that sends the key and secret with a new name is created and gets credentials.'],
  ['CHECK_PRE_PROVISIONED_DEVICES', 'Check pre-provisioned devices', 'Only devices created beforehand (e.g. imported) may provision, once.'],
  ['X509_CERTIFICATE_CHAIN', 'X.509 certificate chain', 'Devices whose certificate is signed by the CA below are provisioned during the MQTT TLS handshake.'],
];
const strategyLabel = type => (STRATEGIES.find(s => s[0] === type) || [type, type])[1];

const listState = { page: 0, search: '' };

/**
 * Deletes a profile after a confirmation, unless devices use it: the server refuses that, so the number of devices is
 * said first (with a link to them) and nothing is offered to confirm. Resolves true when the profile was deleted.
 */
async function deleteProfile(profile) {
  let inUse;
  try {
    inUse = (await get('/api/tenant/deviceInfos', { pageSize: 1, page: 0, deviceProfileId: profile.id.id })).totalElements ?? 0;
  } catch (error) { toast(error.message, 'error'); return false; }
  if (inUse > 0) {
    await noticeDialog(
      `${plural(inUse, 'device')} ${inUse === 1 ? 'uses' : 'use'} the device profile “${profile.name}”, so it cannot be deleted. `
        + `Give ${inUse === 1 ? 'that device' : 'those devices'} another profile first.`,
      h('a', { class: 'btn', href: `#/devices?profile=${profile.id.id}`, id: 'profile-devices-link' }, `Show ${inUse === 1 ? 'the device' : 'the devices'}`));
    return false;
  }
  if (!await confirmDialog(`Delete device profile “${profile.name}”? No device uses it. This cannot be undone.`)) return false;
  try {
    await del(`/api/deviceProfile/${profile.id.id}`);
    toast(`Deleted ${profile.name}`);
    return true;
  } catch (error) { toast(error.message, 'error'); return false; }
}

export async function profileList() {
  const box = h('div', { class: 'table-box' });
  const search = h('input', { type: 'search', id: 'profile-search', placeholder: 'Name starts with…', value: listState.search, autocomplete: 'off' });
  const load = async () => {
    try {
      const result = await get('/api/deviceProfiles', { pageSize: 20, page: listState.page, textSearch: listState.search, sortProperty: 'name', sortOrder: 'ASC' });
      const table = result.data.length ? h('table', { class: 'grid', id: 'profile-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Provisioning', 'Provision key', 'Default', 'Created'].map(t => h('th', { scope: 'col' }, t)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
        h('tbody', {}, result.data.map(profile => h('tr', { dataset: { name: profile.name } },
          h('td', {}, h('a', { href: `#/profiles/${profile.id.id}` }, profile.name)),
          h('td', {}, strategyLabel(profile.provisionType || 'DISABLED')),
          h('td', { class: 'mono' }, profile.provisionDeviceKey && profile.provisionType !== 'X509_CERTIFICATE_CHAIN' ? profile.provisionDeviceKey : ''),
          h('td', {}, profile.default ? h('span', { class: 'badge' }, 'default') : ''),
          h('td', { class: 'nowrap' }, fmtTime(profile.createdTime)),
          h('td', { class: 'actions' }, h('button', {
            type: 'button', class: 'btn btn-small btn-danger', disabled: !!profile.default, 'aria-label': `Delete ${profile.name}`,
            onclick: async () => { if (await deleteProfile(profile)) load(); },
          }, 'Delete')))))) : h('p', { class: 'empty' }, 'No profiles match.');
      clear(box, table, pager(listState.page, result, page => { listState.page = page; load(); }, 'profiles'));
    } catch (error) { clear(box, errorBox(error)); }
  };
  search.addEventListener('input', debounce(() => { listState.search = search.value.trim(); listState.page = 0; load(); }, 250));
  load();
  return h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Device profiles'),
      h('div', { class: 'toolbar' }, h('a', { class: 'btn btn-primary', href: '#/profiles/new', id: 'profile-add' }, 'Add profile'))),
    h('div', { class: 'filters', role: 'search' }, field('Search by name', search)),
    box);
}

function newProfile() {
  return {
    name: '', description: '', type: 'DEFAULT', transportType: 'DEFAULT', provisionType: 'DISABLED', provisionDeviceKey: null,
    profileData: {
      configuration: { type: 'DEFAULT' }, transportConfiguration: { type: 'DEFAULT' },
      provisionConfiguration: { type: 'DISABLED', provisionDeviceSecret: null },
    },
  };
}

/** Device name from a certificate CN as the server derives it: group 1 of the first match. */
export function testRegex(pattern, cn) {
  let regex;
  try { regex = new RegExp(pattern); } catch (error) { return { ok: false, text: `Invalid regular expression: ${error.message}` }; }
  const match = regex.exec(cn);
  if (!match) return { ok: false, text: 'No match: provisioning would fail.' };
  if (match.length < 2 || match[1] === undefined) return { ok: false, text: 'Matches, but the expression has no group 1: provisioning would fail.' };
  return { ok: true, text: `Device name: ${match[1]}` };
}

export async function profileEditor(id) {
  const tabWanted = new URLSearchParams(location.hash.split('?')[1] || '').get('tab');
  const profile = id ? await get(`/api/deviceProfile/${id}`) : newProfile();
  const config = profile.profileData?.provisionConfiguration || { type: profile.provisionType || 'DISABLED' };
  const state = {
    type: profile.provisionType || config.type || 'DISABLED',
    key: profile.provisionType === 'X509_CERTIFICATE_CHAIN' ? '' : (profile.provisionDeviceKey || ''),
    secret: profile.provisionType === 'X509_CERTIFICATE_CHAIN' ? '' : (config.provisionDeviceSecret || ''),
    ca: profile.provisionType === 'X509_CERTIFICATE_CHAIN' ? (config.provisionDeviceSecret || '') : '',
    regex: config.certificateRegExPattern || '(.*)',
    allowCreate: config.allowCreateNewDevicesByX509Certificate ?? true,
    reprovision: config.reprovision || 'RETURN_EXISTING',
    overlapMinutes: '',
    endOverlap: false,
    validUntil: config.validUntil ?? null,
    maxDevices: config.maxDevices ?? '',
  };
  const savedSecret = profile.provisionType === 'X509_CERTIFICATE_CHAIN' ? null : (config.provisionDeviceSecret || null);

  // ---- details ----
  const name = h('input', { type: 'text', id: 'profile-name', required: true, maxlength: 255, value: profile.name });
  const description = h('textarea', { id: 'profile-description', rows: 3, value: profile.description || '' });
  // How long a device counts as active after it last sent something (the device list's active state).
  const inactivity = h('input', {
    type: 'number', id: 'profile-inactivity', min: 1, max: 525600, step: 1,
    value: Math.round((profile.profileData?.inactivityTimeoutSeconds ?? 600) / 60),
  });
  const details = h('div', { class: 'card' }, field('Name', name), field('Description', description),
    field('Inactivity timeout (minutes)', inactivity, 'A device that sent no telemetry or client attribute for this long is shown inactive.'),
    profile.default ? h('p', { class: 'muted' }, 'This is the tenant’s default profile.') : null);

  // ---- device provisioning ----
  const provisioning = h('div', { class: 'card', id: 'provisioning' });
  const strategyGroup = h('fieldset', { class: 'radios' }, h('legend', {}, 'Provisioning strategy'),
    STRATEGIES.map(([value, label, help]) => {
      const input = h('input', { type: 'radio', name: 'strategy', value, id: `strategy-${value}`, checked: state.type === value, 'aria-describedby': `strategy-${value}-help` });
      input.addEventListener('change', () => { state.type = value; ensureKeys(); renderStrategy(); });
      return h('div', { class: 'radio' }, input, h('label', { for: input.id }, label), h('div', { class: 'hint', id: `strategy-${value}-help` }, help));
    }));
  const strategyBox = h('div');

  function ensureKeys() {
    if (state.type === 'ALLOW_CREATE_NEW_DEVICES' || state.type === 'CHECK_PRE_PROVISIONED_DEVICES') {
      if (!state.key) state.key = randomKey();
      if (!state.secret) state.secret = randomKey();
    }
  }

  function secretField(label, idName, prop) {
    const input = h('input', { type: 'text', id: idName, class: 'mono', value: state[prop], autocomplete: 'off', spellcheck: 'false', maxlength: 255 });
    input.addEventListener('input', () => { state[prop] = input.value; });
    return h('div', { class: 'row' }, field(label, input),
      h('div', { class: 'align-end btn-group' },
        h('button', { type: 'button', class: 'btn', id: `${idName}-regenerate`, 'aria-label': `Regenerate ${label.toLowerCase()}`, onclick: () => { state[prop] = randomKey(); input.value = state[prop]; } }, 'Regenerate'),
        Object.assign(copyButton(() => input.value, `Copy ${label.toLowerCase()}`), { className: 'btn', id: `${idName}-copy` })));
  }

  // A rotation's overlap and the key's expiry (Muster's previousSecretValidUntil and validUntil).
  function rotationGroup() {
    const parts = [h('legend', {}, 'Rotation and expiry')];
    const until = config.previousSecretValidUntil;
    if (config.previousProvisionDeviceSecret && until > Date.now()) {
      const end = new Date(until);
      parts.push(h('p', { id: 'profile-previous-secret' }, 'Previous secret ', h('code', {}, config.previousProvisionDeviceSecret),
        ` is still accepted until ${end.toLocaleString()} (${remaining(until - Date.now())} left); the audit log says which secret each device used.`));
      const stop = checkbox('End the overlap when saving (the previous secret stops working)', { id: 'profile-end-overlap', checked: state.endOverlap });
      stop.input.addEventListener('change', () => { state.endOverlap = stop.input.checked; });
      parts.push(stop.element);
    }
    const overlap = h('input', { type: 'number', id: 'profile-overlap-minutes', min: 0, max: 5256000, step: 1, value: state.overlapMinutes, placeholder: '0' });
    overlap.addEventListener('input', () => { state.overlapMinutes = overlap.value; });
    parts.push(field('Keep the replaced secret valid for (minutes)', overlap,
      'When you save a new secret: devices still flashed with the current one can provision for this long. Empty or 0: the old secret stops at once.'));
    const local = state.validUntil ? new Date(state.validUntil - new Date(state.validUntil).getTimezoneOffset() * 60000).toISOString().slice(0, 16) : '';
    const expiry = h('input', { type: 'datetime-local', id: 'profile-valid-until', value: local });
    expiry.addEventListener('input', () => { state.validUntil = expiry.value ? new Date(expiry.value).getTime() : null; });
    parts.push(field('Provision key valid until', expiry, 'After this time the key admits no device (answered NOT_FOUND; the audit log says KEY_EXPIRED). Empty: no expiry.'));
    if (state.validUntil && state.validUntil <= Date.now()) parts.push(h('p', { class: 'error', id: 'profile-key-expired' }, 'This key has expired.'));
    if (state.type === 'ALLOW_CREATE_NEW_DEVICES') {
      const budget = h('input', { type: 'number', id: 'profile-max-devices', min: 0, max: 1000000000, step: 1, value: state.maxDevices, placeholder: 'no limit' });
      budget.addEventListener('input', () => { state.maxDevices = budget.value; });
      parts.push(field('Most devices this key may create', budget, 'Beyond it, new devices are answered NOT_FOUND (the audit log says BUDGET_EXHAUSTED); re-sends still work. Empty: no limit.'));
      if (config.maxDevices != null && config.devicesCreated != null) {
        const used = `${config.devicesCreated.toLocaleString()} of ${config.maxDevices.toLocaleString()} devices created through this key`;
        parts.push(h('p', { id: 'profile-budget-used', class: config.devicesCreated >= config.maxDevices ? 'error' : 'muted' },
          config.devicesCreated >= config.maxDevices ? `${used}: the budget is spent.` : `${used}.`));
      }
    }
    return h('fieldset', { class: 'radios' }, parts);
  }

  function remaining(ms) {
    const minutes = Math.max(0, Math.round(ms / 60000));
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
  }

  function reprovisionGroup() {
    return h('fieldset', { class: 'radios' }, h('legend', {}, 'When a device provisions again'),
      [['RETURN_EXISTING', 'Return the credentials already issued (default)'], ['REJECT', 'Reject the request (FAILURE), as ThingsBoard 4.2.1.1 and later']].map(([value, label]) => {
        const input = h('input', { type: 'radio', name: 'reprovision', value, id: `reprovision-${value}`, checked: state.reprovision === value });
        input.addEventListener('change', () => { state.reprovision = value; });
        return h('div', { class: 'radio' }, input, h('label', { for: input.id }, label));
      }));
  }

  function renderStrategy() {
    if (state.type === 'DISABLED') {
      clear(strategyBox, h('p', { class: 'muted' }, 'Provisioning requests naming this profile’s key are answered NOT_FOUND.'));
    } else if (state.type === 'X509_CERTIFICATE_CHAIN') {
      const ca = h('textarea', { id: 'profile-ca', rows: 8, class: 'mono', value: state.ca, spellcheck: 'false', placeholder: '-----BEGIN CERTIFICATE-----' });
      ca.addEventListener('input', () => { state.ca = ca.value; });
      const caFile = h('input', { type: 'file', id: 'profile-ca-file', accept: '.pem,.crt,.cer,text/plain' });
      caFile.addEventListener('change', async () => { if (caFile.files[0]) { state.ca = await caFile.files[0].text(); ca.value = state.ca; } });
      const regex = h('input', { type: 'text', id: 'profile-regex', class: 'mono', value: state.regex, spellcheck: 'false' });
      const cn = h('input', { type: 'text', id: 'profile-regex-test', placeholder: 'e.g. DeviceA.company.com', spellcheck: 'false' });
      const result = h('output', { for: `${regex.id} ${cn.id}`, id: 'profile-regex-result', class: 'regex-result', 'aria-live': 'polite' });
      const update = () => {
        state.regex = regex.value;
        if (!cn.value) { result.textContent = ''; result.className = 'regex-result'; return; }
        const outcome = testRegex(regex.value, cn.value);
        result.textContent = outcome.text;
        result.className = `regex-result ${outcome.ok ? 'ok' : 'bad'}`;
      };
      regex.addEventListener('input', update);
      cn.addEventListener('input', update);
      const allow = checkbox('Allow creating new devices', { id: 'profile-allow-create', checked: state.allowCreate });
      allow.input.addEventListener('change', () => { state.allowCreate = allow.input.checked; });
      const serverKey = profile.provisionType === 'X509_CERTIFICATE_CHAIN' && profile.provisionDeviceKey;
      clear(strategyBox,
        field('CA certificate (PEM)', ca, 'Paste the certificate that signs the devices’ certificates, or upload it.'),
        field('Upload CA certificate', caFile),
        field('Certificate CN regular expression', regex, 'Group 1 of the first match in the leaf certificate’s CN becomes the device name.'),
        field('Test a CN', cn), result,
        allow.element,
        serverKey ? h('p', { class: 'muted' }, 'Provision key (the CA certificate’s hash, set by the server): ', h('code', {}, serverKey)) : null,
        reprovisionGroup());
    } else {
      clear(strategyBox,
        secretField('Provision device key', 'provision-key', 'key'),
        secretField('Provision device secret', 'provision-secret', 'secret'),
        h('p', { class: 'hint' }, 'Generated in your browser from a cryptographic random source. Put both in the device firmware, then save.'),
        reprovisionGroup(), rotationGroup());
    }
  }
  ensureKeys();
  renderStrategy();
  provisioning.append(h('h2', {}, 'Device provisioning'), strategyGroup, strategyBox);

  const message = h('div', { 'aria-live': 'assertive' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'profile-save' }, id ? 'Save' : 'Create profile');
  const t = tabs([
    { id: 'details', label: 'Details', render: panel => panel.append(details) },
    { id: 'provisioning', label: 'Device provisioning', render: panel => panel.append(provisioning) },
  ], tabWanted === 'provisioning' ? 'provisioning' : 'details');

  function validate() {
    const problems = [];
    if (!name.value.trim()) problems.push('the name is required');
    const minutes = Number(inactivity.value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 525600) problems.push('the inactivity timeout must be 1 to 525,600 minutes');
    if (state.type === 'ALLOW_CREATE_NEW_DEVICES' || state.type === 'CHECK_PRE_PROVISIONED_DEVICES') {
      if (!state.key.trim()) problems.push('the provision device key is required');
      if (!state.secret.trim()) problems.push('the provision device secret is required');
      const minutes = state.overlapMinutes === '' ? 0 : Number(state.overlapMinutes);
      if (!Number.isInteger(minutes) || minutes < 0) problems.push('the overlap must be a whole number of minutes');
      const budget = state.maxDevices === '' ? 0 : Number(state.maxDevices);
      if (!Number.isInteger(budget) || budget < 0) problems.push('the device budget must be a whole number');
    }
    if (state.type === 'X509_CERTIFICATE_CHAIN') {
      if (!state.ca.includes('BEGIN CERTIFICATE')) problems.push('the CA certificate (PEM) is required');
      try { new RegExp(state.regex); } catch { problems.push('the CN regular expression is invalid'); }
    }
    return problems;
  }

  const form = h('form', {
    novalidate: true,
    onsubmit: async event => {
      event.preventDefault();
      const problems = validate();
      if (problems.length) { clear(message, errorBox(`Cannot save: ${problems.join('; ')}.`)); return; }
      const configuration = { type: state.type, provisionDeviceSecret: null, reprovision: state.reprovision };
      let key = null;
      if (state.type === 'ALLOW_CREATE_NEW_DEVICES' || state.type === 'CHECK_PRE_PROVISIONED_DEVICES') {
        key = state.key.trim();
        configuration.provisionDeviceSecret = state.secret.trim();
        configuration.validUntil = state.validUntil;
        if (state.type === 'ALLOW_CREATE_NEW_DEVICES' && state.maxDevices !== '') configuration.maxDevices = Number(state.maxDevices);
        const minutes = Number(state.overlapMinutes || 0);
        if (configuration.provisionDeviceSecret !== savedSecret && savedSecret && minutes > 0) {
          configuration.previousSecretValidUntil = Date.now() + minutes * 60000;
        } else if (state.endOverlap) {
          configuration.previousSecretValidUntil = 0;
        }
      } else if (state.type === 'X509_CERTIFICATE_CHAIN') {
        configuration.provisionDeviceSecret = state.ca.trim();
        configuration.certificateRegExPattern = state.regex;
        configuration.allowCreateNewDevicesByX509Certificate = state.allowCreate;
      }
      const body = {
        ...profile, name: name.value.trim(), description: description.value, provisionType: state.type, provisionDeviceKey: key,
        profileData: {
          ...(profile.profileData || {}), provisionConfiguration: configuration,
          inactivityTimeoutSeconds: Number(inactivity.value) * 60,
        },
      };
      save.disabled = true;
      try {
        const saved = await post('/api/deviceProfile', body);
        toast(`Saved ${saved.name}`);
        clear(message);
        const target = `#/profiles/${saved.id.id}?tab=${t.element.querySelector('[aria-selected=true]').dataset.tab}`;
        if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
        else location.hash = target;
      } catch (error) {
        clear(message, errorBox(error));
      } finally { save.disabled = false; }
    },
  }, t.element, message, h('div', { class: 'actions sticky-actions' }, h('a', { class: 'btn', href: '#/profiles' }, 'Back to profiles'), save));

  return h('section', {},
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/profiles' }, 'Device profiles'), ' / ', id ? profile.name : 'New'),
    h('div', { class: 'page-head' }, h('h1', {}, id ? profile.name : 'New device profile'),
      id && !profile.default ? h('div', { class: 'toolbar' }, h('button', {
        type: 'button', class: 'btn btn-danger', id: 'profile-delete', onclick: async () => {
          if (await deleteProfile(profile)) location.hash = '#/profiles';
        },
      }, 'Delete profile')) : null),
    form);
}
