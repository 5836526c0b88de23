// The CSV import wizard: file (picker or drop) → options → mapping → dry run → job with live progress → result.
import { api, del, get } from '../api.js';
import { CREDENTIAL_TYPES, DELIMITERS, KEY_VALUE_TYPES, guessColumn, mappingProblems, parseCsv, sniffDelimiter } from '../csv.js';
import { checkbox, clear, errorBox, field, h, select, toast } from '../ui.js';
import { KINDS } from './entities.js';

const COLUMN_TYPES = [
  ['NAME', 'Name'], ['TYPE', 'Type (profile)'], ['LABEL', 'Label'], ['DESCRIPTION', 'Description'], ['IS_GATEWAY', 'Is gateway'],
  ['SERVER_ATTRIBUTE', 'Server attribute'], ['SHARED_ATTRIBUTE', 'Shared attribute'], ['TIMESERIES', 'Time series'],
  ['ACCESS_TOKEN', 'Access token'], ['X509', 'X.509 certificate'], ['MQTT_CLIENT_ID', 'MQTT client id'],
  ['MQTT_USER_NAME', 'MQTT user name'], ['MQTT_PASSWORD', 'MQTT password'], ['SKIP', 'Skip (ignore column)'],
];
const VALUE_TYPES = [['', 'Infer'], ['STRING', 'String'], ['LONG', 'Integer'], ['DOUBLE', 'Decimal'], ['BOOLEAN', 'Boolean'], ['JSON', 'JSON']];
const PREVIEW_BYTES = 256 * 1024;

export function importWizard(kind) {
  const k = KINDS[kind];
  const entityType = k.entityType;
  const state = { file: null, text: '', delimiter: ',', header: true, update: false, columns: [], rows: [], busy: false, job: null };

  // ---- step 1: file ----
  const fileInput = h('input', { type: 'file', id: 'import-file', accept: '.csv,.txt,text/csv,text/plain' });
  const fileInfo = h('p', { class: 'muted', id: 'import-file-info', 'aria-live': 'polite' }, 'No file chosen.');
  const drop = h('div', { class: 'dropzone', id: 'import-drop' },
    h('p', {}, 'Drop a CSV file here, or'),
    fileInput,
    h('label', { for: 'import-file', class: 'btn' }, 'Choose a file…'),
    fileInfo);
  fileInput.addEventListener('change', () => { if (fileInput.files[0]) useFile(fileInput.files[0]); });
  drop.addEventListener('dragover', event => { event.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', event => {
    event.preventDefault();
    drop.classList.remove('over');
    const file = event.dataTransfer.files[0];
    if (file) useFile(file);
  });

  // ---- step 2: options ----
  const delimiter = select(DELIMITERS, { id: 'import-delimiter' });
  const header = checkbox('First line contains column names', { id: 'import-header', checked: true });
  const update = checkbox('Update attributes/telemetry of existing entities (otherwise they are reported as errors)', { id: 'import-update' });
  delimiter.addEventListener('change', () => { state.delimiter = delimiter.value; reparse(true); });
  header.input.addEventListener('change', () => { state.header = header.input.checked; reparse(true); });
  update.input.addEventListener('change', () => { state.update = update.input.checked; });
  const options = h('section', { class: 'card', hidden: true, 'aria-labelledby': 'import-options-title' },
    h('h2', { id: 'import-options-title' }, '2. Options'),
    h('div', { class: 'row' }, field('Delimiter', delimiter, 'Pre-selected from the first lines of the file.')),
    header.element, update.element);

  // ---- step 3: mapping ----
  const mappingBox = h('div', { class: 'table-scroll' });
  const previewBox = h('div', { class: 'table-scroll' });
  const validation = h('div', { id: 'import-validation', 'aria-live': 'polite' });
  const dryRunButton = h('button', { type: 'button', class: 'btn', id: 'import-dryrun', onclick: () => start(true) }, 'Dry run (preview)');
  const startButton = h('button', { type: 'button', class: 'btn btn-primary', id: 'import-start', onclick: () => start(false) }, 'Import');
  const mapping = h('section', { class: 'card', hidden: true, 'aria-labelledby': 'import-mapping-title' },
    h('h2', { id: 'import-mapping-title' }, '3. Columns'),
    h('p', { class: 'muted' }, 'Choose what each column holds. A Name and a Type column are required; attribute and telemetry keys come from the header and can be edited.'),
    mappingBox,
    h('h3', {}, 'First rows'),
    previewBox,
    validation,
    h('div', { class: 'actions' }, dryRunButton, startButton));

  // ---- step 4: progress and result ----
  const progressBar = h('progress', { id: 'import-progress', max: 100, value: 0, 'aria-label': 'Import progress' });
  const progressText = h('p', { id: 'import-progress-text', 'aria-live': 'polite' });
  const cancelButton = h('button', { type: 'button', class: 'btn btn-danger', id: 'import-cancel', onclick: cancel }, 'Cancel import');
  const progress = h('section', { class: 'card', hidden: true, id: 'import-running', 'aria-labelledby': 'import-progress-title' },
    h('h2', { id: 'import-progress-title' }, 'Importing…'), progressBar, progressText, cancelButton);
  const result = h('section', { class: 'card', hidden: true, id: 'import-result', tabindex: '-1', 'aria-labelledby': 'import-result-title' });

  async function useFile(file) {
    state.file = file;
    state.text = await file.slice(0, PREVIEW_BYTES).text();
    state.delimiter = sniffDelimiter(state.text);
    delimiter.value = state.delimiter;
    fileInfo.textContent = `${file.name} · ${formatBytes(file.size)}`;
    options.hidden = false;
    mapping.hidden = false;
    result.hidden = true;
    reparse(true);
  }

  function reparse(resetColumns) {
    if (!state.file) return;
    const rows = parseCsv(state.text, state.delimiter, 8);
    const width = Math.max(0, ...rows.map(r => r.length));
    const headerRow = state.header ? (rows[0] || []) : [];
    state.rows = state.header ? rows.slice(1, 6) : rows.slice(0, 5);
    if (resetColumns || state.columns.length !== width) {
      state.columns = Array.from({ length: width }, (_, i) => {
        if (state.header) return { ...guessColumn(headerRow[i], entityType), header: headerRow[i] ?? '', valueType: '' };
        const guess = i === 0 ? { type: 'NAME', key: '' } : i === 1 ? { type: 'TYPE', key: '' } : { type: 'SERVER_ATTRIBUTE', key: `column${i + 1}` };
        return { ...guess, header: `Column ${i + 1}`, valueType: '' };
      });
    }
    renderMapping();
    renderPreview();
    validate();
  }

  function renderMapping() {
    const types = COLUMN_TYPES.filter(([t]) => entityType === 'DEVICE' || !(CREDENTIAL_TYPES.includes(t) || t === 'IS_GATEWAY'));
    clear(mappingBox, h('table', { class: 'grid', id: 'import-mapping' },
      h('thead', {}, h('tr', {}, ['#', 'Column', 'Example', 'Type', 'Key', 'Value type'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, state.columns.map((column, index) => {
        const label = column.header || `Column ${index + 1}`;
        const typeSelect = select(types, { id: `import-type-${index}`, value: column.type, 'aria-label': `Type of column ${index + 1} (${label})` });
        const keyInput = h('input', { type: 'text', id: `import-key-${index}`, value: column.key, 'aria-label': `Key of column ${index + 1} (${label})`, maxlength: 255 });
        const valueType = select(VALUE_TYPES, { id: `import-valuetype-${index}`, value: column.valueType, 'aria-label': `Value type of column ${index + 1} (${label})` });
        const sync = () => {
          const keyed = KEY_VALUE_TYPES.includes(column.type);
          keyInput.disabled = !keyed;
          valueType.disabled = !keyed;
          if (keyed && !keyInput.value) { keyInput.value = state.header ? String(column.header).trim() : ''; column.key = keyInput.value; }
        };
        typeSelect.addEventListener('change', () => { column.type = typeSelect.value; sync(); validate(); });
        keyInput.addEventListener('input', () => { column.key = keyInput.value; validate(); });
        valueType.addEventListener('change', () => { column.valueType = valueType.value; });
        sync();
        const example = state.rows.map(r => r[index]).find(v => v !== undefined && v !== '') ?? '';
        return h('tr', {}, h('td', {}, String(index + 1)), h('td', {}, label), h('td', { class: 'mono ellipsis', title: example }, example),
          h('td', {}, typeSelect), h('td', {}, keyInput), h('td', {}, valueType));
      }))));
  }

  function renderPreview() {
    if (!state.rows.length) { clear(previewBox, h('p', { class: 'empty' }, 'No data rows in the first part of the file.')); return; }
    clear(previewBox, h('table', { class: 'grid preview', id: 'import-preview' },
      h('thead', {}, h('tr', {}, state.columns.map((c, i) => h('th', { scope: 'col' }, c.header || `Column ${i + 1}`)))),
      h('tbody', {}, state.rows.map(row => h('tr', {}, state.columns.map((_, i) => h('td', {}, row[i] ?? '')))))));
  }

  function problems() {
    if (!state.file) return ['Choose a file first.'];
    return mappingProblems(state.columns, entityType);
  }

  function validate() {
    const list = problems();
    dryRunButton.disabled = state.busy || list.length > 0;
    startButton.disabled = state.busy || list.length > 0;
    if (list.length) {
      clear(validation, h('div', { class: 'alert alert-error', role: 'alert' },
        h('strong', {}, 'Cannot import yet:'), h('ul', {}, list.map(p => h('li', {}, p)))));
    } else {
      clear(validation);
    }
    return list;
  }

  function mappingJson(dryRun) {
    return {
      entityType, delimiter: state.delimiter, header: state.header, update: state.update, dryRun,
      columns: state.columns.map(c => {
        const column = { type: c.type };
        if (KEY_VALUE_TYPES.includes(c.type)) {
          column.key = c.key.trim();
          if (c.valueType) column.valueType = c.valueType;
        }
        return column;
      }),
    };
  }

  async function start(dryRun) {
    if (validate().length || state.busy) return;
    state.busy = true;
    validate();
    const form = new FormData();
    form.append('mapping', new Blob([JSON.stringify(mappingJson(dryRun))], { type: 'application/json' }), 'mapping.json');
    form.append('file', state.file, state.file.name || 'import.csv');
    result.hidden = true;
    progress.hidden = false;
    progress.querySelector('h2').textContent = dryRun ? 'Dry run…' : 'Importing…';
    progressBar.value = 0;
    progressText.textContent = 'Uploading…';
    cancelButton.disabled = false;
    progress.scrollIntoView({ block: 'nearest' });
    try {
      let job = await api('POST', '/api/imports', { body: form });
      state.job = job;
      while (job.status === 'RUNNING') {
        showProgress(job);
        await new Promise(resolve => setTimeout(resolve, 400));
        job = await get(`/api/imports/${job.id}`);
        state.job = job;
      }
      showProgress(job);
      showResult(job, dryRun);
    } catch (error) {
      progress.hidden = true;
      clear(result, h('h2', { id: 'import-result-title' }, 'Import failed'), errorBox(error));
      result.hidden = false;
    } finally {
      state.busy = false;
      validate();
    }
  }

  function showProgress(job) {
    const fraction = job.bytesTotal ? job.bytesProcessed / job.bytesTotal : 0;
    progressBar.value = Math.round(fraction * 100);
    let eta = '';
    if (job.status === 'RUNNING' && fraction > 0 && fraction < 1) {
      const elapsed = Date.now() - job.startTime;
      const seconds = Math.max(0, Math.round(elapsed * (1 - fraction) / fraction / 1000));
      eta = ` · about ${seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`} left`;
    }
    progressText.textContent = `${Math.round(fraction * 100)} % · ${job.rowsProcessed.toLocaleString('en')} rows · ${job.rowsPerSecond.toLocaleString('en')} rows/s${eta}`;
  }

  async function cancel() {
    if (!state.job) return;
    cancelButton.disabled = true;
    try { await del(`/api/imports/${state.job.id}`); toast('Cancelling the import…'); } catch (error) { toast(error.message, 'error'); }
  }

  async function downloadErrors(job) {
    try {
      const text = await api('GET', `/api/imports/${job.id}/errors.csv`, { text: true });
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const link = h('a', { href: url, download: `${(state.file?.name || 'import').replace(/\.csv$/i, '')}-failed-rows.csv` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) { toast(error.message, 'error'); }
  }

  function showResult(job, dryRun) {
    progress.hidden = true;
    const title = dryRun ? 'Dry run: nothing was written'
      : job.status === 'DONE' ? 'Import finished' : job.status === 'CANCELLED' ? 'Import cancelled' : 'Import failed';
    const stat = (id, label, value, cls) => h('div', { class: `stat ${cls}` }, h('div', { class: 'stat-value', id }, String(value)), h('div', { class: 'stat-label' }, label));
    clear(result,
      h('h2', { id: 'import-result-title' }, title),
      job.failure ? errorBox(job.failure) : null,
      h('div', { class: 'stats', dataset: { status: job.status, dryRun: String(dryRun), jobId: job.id } },
        stat('import-created', dryRun ? 'will be created' : 'created', job.created, 'ok'),
        stat('import-updated', dryRun ? 'will be updated' : 'updated', job.updated, 'info'),
        stat('import-failed', dryRun ? 'will be rejected' : 'failed', job.errors, job.errors ? 'bad' : '')),
      h('p', { class: 'muted' }, `${job.rowsProcessed.toLocaleString('en')} rows processed`,
        job.endTime && job.startTime ? ` in ${((job.endTime - job.startTime) / 1000).toFixed(1)} s` : ''),
      job.createdProfiles && job.createdProfiles.length
        ? h('p', {}, `Profiles ${dryRun ? 'to create' : 'created'}: `, job.createdProfiles.join(', ')) : null,
      job.errorLines && job.errorLines.length ? h('div', {},
        h('h3', {}, dryRun ? 'First reasons' : 'Errors'),
        h('ul', { class: 'error-lines', id: 'import-error-lines' }, job.errorLines.slice(0, dryRun ? 10 : 100).map(line => h('li', {}, line))),
        job.errors > job.errorLines.length ? h('p', { class: 'muted' }, `… and ${job.errors - job.errorLines.length} more.`) : null) : null,
      h('div', { class: 'actions' },
        job.errors && !dryRun ? h('button', { type: 'button', class: 'btn', id: 'import-download-errors', onclick: () => downloadErrors(job) }, 'Download failed rows (CSV)') : null,
        dryRun && !job.failure ? h('button', { type: 'button', class: 'btn btn-primary', onclick: () => start(false) }, 'Import now') : null,
        h('a', { class: 'btn', href: `#/${k.route}` }, `Back to ${k.title.toLowerCase()}`)));
    result.hidden = false;
    result.focus();
  }

  return h('section', {},
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: `#/${k.route}` }, k.title), ' / ', 'Import'),
    h('h1', {}, `Import ${k.title.toLowerCase()} from CSV`),
    h('section', { class: 'card', 'aria-labelledby': 'import-file-title' }, h('h2', { id: 'import-file-title' }, '1. File'), drop),
    options, mapping, progress, result);
}

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
