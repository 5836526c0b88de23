// The CSV import wizard: file (picker or drop), checked whole in the browser → options → mapping → dry run → job with
// live progress → result. A running or finished job stays in the URL (`#/devices/import?job=<id>`), so a reload
// shows it again.
import { api, del, get } from '../api.js';
import {
  CREDENTIAL_TYPES, DELIMITERS, KEY_VALUE_TYPES, checkCsvFile, guessColumn, mappingProblems, parseCsv, sniffDelimiter,
} from '../csv.js';
import { checkbox, clear, downloadFile, errorBox, field, h, plural, select, toast } from '../ui.js';
import { KINDS, listHref } from './entities.js';

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
  const state = {
    file: null, text: '', delimiter: ',', header: true, update: false, columns: [], rows: [], busy: false, job: null,
    // The browser's check of the whole file: status 'checking', 'ok' (with `rows`, the data rows) or 'error'.
    check: { status: 'checking', rows: null, error: null, sequence: 0 },
    // The data rows of the file the running job imports, as the browser counted them (see `rowsTotalOf`).
    jobRows: null,
  };

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
  const checkBox = h('div', { id: 'import-file-check', 'aria-live': 'polite' });
  const validation = h('div', { id: 'import-validation', 'aria-live': 'polite' });
  const dryRunButton = h('button', { type: 'button', class: 'btn', id: 'import-dryrun', onclick: () => start(true) }, 'Dry run (preview)');
  const startButton = h('button', { type: 'button', class: 'btn btn-primary', id: 'import-start', onclick: () => start(false) }, 'Import');
  const mapping = h('section', { class: 'card', hidden: true, 'aria-labelledby': 'import-mapping-title' },
    h('h2', { id: 'import-mapping-title' }, '3. Columns'),
    h('p', { class: 'muted' }, 'Choose what each column holds. A Name and a Type column are required; attribute and telemetry keys come from the header and can be edited.'),
    mappingBox,
    h('h3', {}, 'First rows'),
    checkBox,
    previewBox,
    validation,
    h('div', { class: 'actions' }, dryRunButton, startButton));

  // ---- step 4: progress and result ----
  const progressBar = h('progress', { id: 'import-progress', max: 100, value: 0, 'aria-label': 'Import progress' });
  const progressText = h('p', { id: 'import-progress-text', 'aria-live': 'polite' });
  const progressTitle = h('h2', { id: 'import-progress-title' }, 'Importing…');
  const cancelButton = h('button', { type: 'button', class: 'btn btn-danger', id: 'import-cancel', onclick: cancel }, 'Cancel import');
  const progress = h('section', { class: 'card', hidden: true, id: 'import-running', 'aria-labelledby': 'import-progress-title' },
    progressTitle, progressBar, progressText, cancelButton);
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
    const path = `#/${k.route}/import`;
    if (location.hash.startsWith(`${path}?`)) history.replaceState(history.state, '', path);  // the last job's URL no more
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
    checkFile();
  }

  /** Runs the server's check over the whole file (again after a change of delimiter or header), before any upload. */
  async function checkFile() {
    const sequence = state.check.sequence + 1;
    const stale = () => sequence !== state.check.sequence;
    state.check = { status: 'checking', rows: null, error: null, sequence };
    const showRead = fraction => {
      if (!stale()) clear(checkBox, h('p', { class: 'muted' }, `Checking the whole file… ${Math.floor(fraction * 100)} % read`));
    };
    showRead(0);
    validate();
    try {
      const rows = await checkCsvFile(state.file, { delimiter: state.delimiter, columns: state.columns.length, header: state.header },
        showRead, stale);
      if (stale()) return;
      state.check = { status: 'ok', rows, error: null, sequence };
      clear(checkBox, h('p', { class: 'muted', id: 'import-file-ok' }, `The whole file was checked: ${plural(rows, 'data row')}, no error.`));
    } catch (error) {
      if (stale()) return;
      state.check = { status: 'error', rows: null, error, sequence };
      clear(checkBox, h('div', { class: 'alert alert-error', role: 'alert', id: 'import-file-error' },
        h('strong', {}, 'This file cannot be imported: '), `${error.message}.`,
        h('div', {}, 'Fix the file and choose it again (or pick the right delimiter above). Only the rows before the error are shown.')));
      // Rows from the broken record on are not shown: an unbalanced quote would show the rest of the file as one cell.
      if (error.record) state.rows = state.rows.slice(0, Math.max(0, error.record - (state.header ? 2 : 1)));
      renderMapping();
      renderPreview();
    }
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
    const rows = state.rows;
    if (!rows.length) {
      clear(previewBox, state.check.status === 'error' ? null : h('p', { class: 'empty' }, 'No data rows in the first part of the file.'));
      return;
    }
    clear(previewBox, h('table', { class: 'grid preview', id: 'import-preview' },
      h('thead', {}, h('tr', {}, state.columns.map((c, i) => h('th', { scope: 'col' }, c.header || `Column ${i + 1}`)))),
      h('tbody', {}, rows.map(row => h('tr', {}, state.columns.map((_, i) => h('td', {}, row[i] ?? '')))))));
  }

  function problems() {
    if (!state.file) return ['Choose a file first.'];
    return mappingProblems(state.columns, entityType);
  }

  function validate() {
    const list = problems();
    // The file's own error is shown in the preview area (#import-file-check), not repeated here.
    const blocked = state.busy || list.length > 0 || state.check.status !== 'ok';
    dryRunButton.disabled = blocked;
    startButton.disabled = blocked;
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
    if (validate().length || state.busy || state.check.status !== 'ok') return;
    state.busy = true;
    validate();
    const form = new FormData();
    form.append('mapping', new Blob([JSON.stringify(mappingJson(dryRun))], { type: 'application/json' }), 'mapping.json');
    form.append('file', state.file, state.file.name || 'import.csv');
    result.hidden = true;
    progress.hidden = false;
    progressTitle.textContent = dryRun ? 'Dry run…' : 'Importing…';
    progressBar.value = 0;
    progressText.textContent = 'Uploading…';
    cancelButton.disabled = false;
    progress.scrollIntoView({ block: 'nearest' });
    state.jobRows = state.check.rows;
    try {
      const job = await api('POST', '/api/imports', { body: form });
      const path = `#/${k.route}/import`;
      if (location.hash.split('?')[0] === path) history.replaceState(history.state, '', `${path}?job=${job.id}`);
      await follow(job);
    } catch (error) {
      progress.hidden = true;
      clear(result, h('h2', { id: 'import-result-title' }, 'Import failed'), errorBox(error));
      result.hidden = false;
    } finally {
      state.busy = false;
      validate();
    }
  }

  /** Polls the job until it ends (or the page is left), showing its progress, then its result. */
  async function follow(job) {
    state.job = job;
    while (job.status === 'RUNNING') {
      showProgress(job);
      await new Promise(resolve => setTimeout(resolve, 400));
      if (!page.isConnected) return;
      job = await get(`/api/imports/${job.id}`);
      state.job = job;
    }
    showProgress(job);
    showResult(job, job.dryRun);
  }

  /**
   * The file's data rows, or null while the server is still checking the file (it reads the whole file before it
   * commits a row). The job says so with `rowsTotal` (null until its check is done). A server without that field has
   * finished its check once it has processed a row; the browser's own count of the same file then stands in.
   */
  function rowsTotalOf(job) {
    if ('rowsTotal' in job) return job.rowsTotal ?? null;
    return job.rowsProcessed > 0 && state.jobRows !== null ? state.jobRows : null;
  }

  function showProgress(job) {
    const running = job.status === 'RUNNING';
    const total = rowsTotalOf(job);
    if (total === null) {
      // Bytes read by the check, not rows imported: said as such, so that "100 %" never means "done".
      const fraction = job.bytesTotal ? Math.min(1, job.bytesProcessed / job.bytesTotal) : 0;
      progressTitle.textContent = 'Checking the file…';
      progressBar.setAttribute('aria-label', 'File check progress');
      if (fraction > 0) progressBar.value = Math.floor(fraction * 100);
      else progressBar.removeAttribute('value');  // indeterminate
      progressText.textContent = `Checking the file before any row is ${job.dryRun ? 'tried' : 'written'}… ${Math.floor(fraction * 100)} % read`;
      return;
    }
    progressTitle.textContent = job.dryRun ? 'Dry run…' : 'Importing…';
    progressBar.setAttribute('aria-label', 'Import progress');
    const done = job.rowsProcessed;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    // 100 % only once the job has ended: its last rows are counted before it reports its end.
    const percent = running ? Math.min(99, Math.floor(fraction * 100)) : Math.round(fraction * 100);
    progressBar.value = percent;
    const parts = [`${done.toLocaleString('en')} of ${plural(total, 'row')} ${running && done >= total ? '· finishing…' : `(${percent} %)`}`];
    if (running && job.rowsPerSecond > 0) {
      parts.push(`${job.rowsPerSecond.toLocaleString('en')} rows/s`);
      if (done < total) {
        const seconds = Math.ceil((total - done) / job.rowsPerSecond);
        parts.push(`about ${seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`} left`);
      }
    }
    progressText.textContent = parts.join(' · ');
  }

  async function cancel() {
    if (!state.job) return;
    cancelButton.disabled = true;
    try { await del(`/api/imports/${state.job.id}`); toast('Cancelling the import…'); } catch (error) { toast(error.message, 'error'); }
  }

  async function downloadErrors(job) {
    try {
      const text = await api('GET', `/api/imports/${job.id}/errors.csv`, { text: true });
      downloadFile(text, 'text/csv', `${(state.file?.name || 'import').replace(/\.csv$/i, '')}-failed-rows.csv`);
    } catch (error) { toast(error.message, 'error'); }
  }

  function showResult(job, dryRun) {
    progress.hidden = true;
    Object.assign(result.dataset, { status: job.status, dryRun: String(dryRun), jobId: job.id });
    const back = h('a', { class: 'btn', href: listHref(kind) }, `Back to ${k.title.toLowerCase()}`);
    // A file the server refused as a whole (its check runs before any row): the reason alone, no 0 / 0 / 0 cards.
    if (job.status === 'FAILED' && job.failure && !job.rowsProcessed && !job.created && !job.updated && !job.errors) {
      clear(result,
        h('h2', { id: 'import-result-title' }, dryRun ? 'Dry run: the file cannot be imported' : 'The file cannot be imported'),
        h('div', { class: 'alert alert-error', role: 'alert', id: 'import-failure' }, job.failure),
        h('p', { class: 'muted' }, 'Nothing was written.'),
        h('div', { class: 'actions' }, back));
      result.hidden = false;
      result.focus();
      return;
    }
    const title = dryRun ? 'Dry run: nothing was written'
      : job.status === 'DONE' ? 'Import finished' : job.status === 'CANCELLED' ? 'Import cancelled' : 'Import failed';
    const stat = (id, label, value, cls) => h('div', { class: `stat ${cls}` },
      h('div', { class: 'stat-value', id, dataset: { count: String(value) } }, Number(value).toLocaleString('en')), h('div', { class: 'stat-label' }, label));
    const profiles = job.createdProfiles || [];
    clear(result,
      h('h2', { id: 'import-result-title' }, title),
      job.failure ? errorBox(job.failure) : null,
      h('div', { class: 'stats', dataset: { status: job.status, dryRun: String(dryRun), jobId: job.id } },
        stat('import-created', dryRun ? 'will be created' : 'created', job.created, 'ok'),
        stat('import-updated', dryRun ? 'will be updated' : 'updated', job.updated, 'info'),
        stat('import-failed', dryRun ? 'will be rejected' : 'failed', job.errors, job.errors ? 'bad' : '')),
      h('p', { class: 'muted', id: 'import-rows' }, `${plural(job.rowsProcessed, 'row')} processed`,
        job.endTime && job.startTime ? ` in ${((job.endTime - job.startTime) / 1000).toFixed(1)} s` : ''),
      profiles.length
        ? h('p', {}, `${profiles.length === 1 ? 'Profile' : 'Profiles'} ${dryRun ? 'to create' : 'created'}: `, profiles.join(', ')) : null,
      job.errorLines && job.errorLines.length ? h('div', {},
        h('h3', {}, dryRun ? 'First reasons' : 'Errors'),
        h('ul', { class: 'error-lines', id: 'import-error-lines' }, job.errorLines.slice(0, dryRun ? 10 : 100).map(line => h('li', {}, line))),
        job.errors > job.errorLines.length ? h('p', { class: 'muted' }, `… and ${(job.errors - job.errorLines.length).toLocaleString('en')} more.`) : null) : null,
      h('div', { class: 'actions' },
        job.errors && !dryRun ? h('button', { type: 'button', class: 'btn', id: 'import-download-errors', onclick: () => downloadErrors(job) }, 'Download failed rows (CSV)') : null,
        dryRun && !job.failure ? h('button', { type: 'button', class: 'btn btn-primary', onclick: () => start(false) }, 'Import now') : null,
        back));
    result.hidden = false;
    result.focus();
  }

  const page = h('section', {},
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: listHref(kind) }, k.title), ' / ', 'Import'),
    h('h1', {}, `Import ${k.title.toLowerCase()} from CSV`),
    h('section', { class: 'card', 'aria-labelledby': 'import-file-title' }, h('h2', { id: 'import-file-title' }, '1. File'), drop),
    options, mapping, progress, result);

  // A job named in the URL (a reload during or after an import): its progress, then its result.
  const jobId = new URLSearchParams(location.hash.split('?')[1] || '').get('job');
  if (jobId && /^[0-9a-f-]{36}$/.test(jobId)) {
    state.busy = true;
    result.hidden = true;
    progress.hidden = false;
    progressText.textContent = 'Loading the import…';
    get(`/api/imports/${jobId}`).then(follow).catch(error => {
      progress.hidden = true;
      clear(result, h('h2', { id: 'import-result-title' }, 'Import not found'), errorBox(error));
      result.hidden = false;
    }).finally(() => { state.busy = false; validate(); });
  }
  return page;
}

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
