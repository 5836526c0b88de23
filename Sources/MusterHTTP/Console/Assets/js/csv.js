// CSV helpers for the import wizard's preview: delimiter sniffing, a small RFC 4180 reader, header → column type.

export const DELIMITERS = [[',', 'Comma ( , )'], [';', 'Semicolon ( ; )'], ['|', 'Pipe ( | )'], ['\t', 'Tab']];

/** Parses up to `maxRows` records (quoted fields, doubled quotes, CRLF, newlines inside quotes). */
export function parseCsv(text, delimiter, maxRows = 20) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  let sawAny = false;
  while (i < text.length && rows.length < maxRows) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { cell += '"'; i += 2; continue; }
        quoted = false; i += 1; continue;
      }
      cell += c; i += 1; continue;
    }
    if (c === '"' && cell === '') { quoted = true; sawAny = true; i += 1; continue; }
    if (c === delimiter) { row.push(cell); cell = ''; sawAny = true; i += 1; continue; }
    if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      i += 1;
      if (sawAny || cell !== '' || row.length) { row.push(cell); rows.push(row); }
      row = []; cell = ''; sawAny = false;
      continue;
    }
    cell += c; sawAny = true; i += 1;
  }
  if (rows.length < maxRows && (sawAny || cell !== '' || row.length)) { row.push(cell); rows.push(row); }
  return rows;
}

/** The delimiter that splits the first lines into the same number (> 1) of fields; the one giving most fields wins. */
export function sniffDelimiter(text) {
  let best = ',';
  let bestScore = -1;
  for (const [delimiter] of DELIMITERS) {
    const rows = parseCsv(text, delimiter, 6);
    if (!rows.length) continue;
    const counts = rows.map(r => r.length);
    const first = counts[0];
    if (first < 2) continue;
    const consistent = counts.filter(n => n === first).length;
    const score = consistent * 100 + first;
    if (score > bestScore) { bestScore = score; best = delimiter; }
  }
  return best;
}

const HEADER_TYPES = {
  name: 'NAME', devicename: 'NAME', assetname: 'NAME', entityname: 'NAME',
  type: 'TYPE', devicetype: 'TYPE', assettype: 'TYPE', profile: 'TYPE', deviceprofile: 'TYPE', assetprofile: 'TYPE', profilename: 'TYPE',
  label: 'LABEL', description: 'DESCRIPTION',
  isgateway: 'IS_GATEWAY', gateway: 'IS_GATEWAY',
  accesstoken: 'ACCESS_TOKEN', token: 'ACCESS_TOKEN',
  x509: 'X509', certificate: 'X509', cert: 'X509', x509certificate: 'X509',
  mqttclientid: 'MQTT_CLIENT_ID', clientid: 'MQTT_CLIENT_ID',
  mqttusername: 'MQTT_USER_NAME', username: 'MQTT_USER_NAME',
  mqttpassword: 'MQTT_PASSWORD', password: 'MQTT_PASSWORD',
  error: 'SKIP',
};

export const CREDENTIAL_TYPES = ['ACCESS_TOKEN', 'X509', 'MQTT_CLIENT_ID', 'MQTT_USER_NAME', 'MQTT_PASSWORD'];
export const KEY_VALUE_TYPES = ['SERVER_ATTRIBUTE', 'SHARED_ATTRIBUTE', 'TIMESERIES'];

/** The column type a header name suggests (attributes keep the header as their key). */
export function guessColumn(header, entityType) {
  const normal = String(header || '').toLowerCase().replace(/[^a-z0-9]/g, '');
  let type = HEADER_TYPES[normal];
  if (type && entityType === 'ASSET' && (CREDENTIAL_TYPES.includes(type) || type === 'IS_GATEWAY')) type = undefined;
  if (type) return { type, key: '' };
  return { type: 'SERVER_ATTRIBUTE', key: String(header || '').trim() };
}

/** Problems with a mapping, in words, before anything is sent (the server checks the same). */
export function mappingProblems(columns, entityType) {
  const problems = [];
  if (!columns.length) problems.push('The file has no columns.');
  const counts = {};
  const keys = new Set();
  columns.forEach((column, index) => {
    const position = `Column ${index + 1}`;
    if (column.type !== 'SKIP' && !KEY_VALUE_TYPES.includes(column.type)) {
      counts[column.type] = (counts[column.type] || 0) + 1;
      if (counts[column.type] === 2) problems.push(`${position}: ${column.type} is mapped twice.`);
    }
    if (KEY_VALUE_TYPES.includes(column.type)) {
      const key = (column.key || '').trim();
      if (!key) problems.push(`${position}: ${column.type} needs a key.`);
      else if (keys.has(`${column.type}/${key}`)) problems.push(`${position}: key “${key}” is mapped twice.`);
      else keys.add(`${column.type}/${key}`);
    }
    if (entityType === 'ASSET' && (CREDENTIAL_TYPES.includes(column.type) || column.type === 'IS_GATEWAY')) {
      problems.push(`${position}: ${column.type} applies to devices only.`);
    }
  });
  if (!columns.some(c => c.type === 'NAME')) problems.unshift('A NAME column is required: map one column to Name.');
  if (!columns.some(c => c.type === 'TYPE')) problems.splice(columns.some(c => c.type === 'NAME') ? 0 : 1, 0, `A TYPE column is required: map one column to Type (the ${entityType === 'ASSET' ? 'asset' : 'device'} profile).`);
  return problems;
}
