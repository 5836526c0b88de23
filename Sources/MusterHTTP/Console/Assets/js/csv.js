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

// ---- the server's check of a whole file, in the browser ------------------------------------------------------------

/** The caps of the server's import: `CSVLimits` (scanner) and `BulkImporter.Configuration.maxRows`. */
export const CSV_LIMITS = { maxFieldBytes: 1 << 20, maxFieldsPerRecord: 1024, maxRecordBytes: 4 << 20, maxRows: 50_000_000 };

/** Why a file cannot be imported: `message` in the server's words (`line 3: unterminated quoted field`); `record` is
 * the 1-based record (the header is record 1) it is about, when there is one. */
export class CsvFileError extends Error {
  constructor(message, record = null) {
    super(message);
    this.record = record;
  }
}

const QUOTE = 0x22, CR = 0x0d, LF = 0x0a, SPACE = 0x20, TAB = 0x09;
const BOM = [0xef, 0xbb, 0xbf];
const RECORD_START = 0, FIELD_START = 1, UNQUOTED = 2, QUOTED = 3, QUOTE_IN_QUOTED = 4, AFTER_CLOSING_QUOTE = 5;

/**
 * The server's check pass over a file, fed in chunks of bytes: the same states, errors, line numbers and messages as
 * `MusterCore/BulkImport/CSVScanner*.swift` and `CSVError.swift`, and the same file rules as `BulkImporter.check`
 * (no record wider than the mapping, at least one data row, at most `maxRows` records). Keep them in step: the
 * server stays the authority, this only tells the user before the upload.
 */
export class CsvChecker {
  constructor(delimiter, columns, header, limits = CSV_LIMITS) {
    this.delimiter = delimiter.charCodeAt(0);
    this.columns = columns;
    this.header = header;
    this.limits = limits;
    this.state = RECORD_START;
    this.line = 1;             // the physical line of the next byte
    this.previousWasCR = false;
    this.recordLine = 1;
    this.fieldLine = 1;        // where the field in progress starts (its opening quote, if quoted)
    this.records = 0;
    this.fields = 0;           // completed fields of the record in progress
    this.fieldBytes = 0;
    this.recordBytes = 0;
    this.bomMatched = 0;       // -1 once the byte order mark is decided
    // UTF-8 validation of the field in progress (Unicode table 3-7): continuation bytes still needed, and the
    // range the next one must fall in.
    this.need = 0;
    this.low = 0x80;
    this.high = 0xbf;
    this.fieldInvalid = false;
    this.badColumn = 0;        // the first field of the record that is not UTF-8; reported when the record ends
    this.badLine = 0;
  }

  /** Scans the next chunk (a Uint8Array, which may end anywhere). Throws a CsvFileError. */
  feed(bytes) {
    let start = 0;
    if (this.bomMatched >= 0) {
      while (this.bomMatched < 3 && start < bytes.length && bytes[start] === BOM[this.bomMatched]) { this.bomMatched += 1; start += 1; }
      if (this.bomMatched === 3) this.bomMatched = -1;
      else if (start === bytes.length) return;  // the chunk ended inside a possible byte order mark
      else this.flushBom();
    }
    this.scan(bytes, start);
  }

  /** Ends the file. Returns the number of data rows; throws a CsvFileError. */
  finish() {
    if (this.bomMatched > 0) this.flushBom();
    this.bomMatched = -1;
    if (this.state === QUOTED) throw this.error('unterminated quoted field', this.fieldLine);
    if (this.state !== RECORD_START) {
      this.endField(false);
      this.state = RECORD_START;
      this.endRecord();
    }
    if (this.records === 0 || (this.header && this.records === 1)) throw new CsvFileError('the file has no rows');
    return this.header ? this.records - 1 : this.records;
  }

  /** Bytes that began like a byte order mark but were not one are data. */
  flushBom() {
    const matched = BOM.slice(0, this.bomMatched);
    this.bomMatched = -1;
    this.scan(Uint8Array.from(matched), 0);
  }

  scan(bytes, start) {
    const delimiter = this.delimiter;
    let i = start;
    while (i < bytes.length) {
      const byte = bytes[i];
      switch (this.state) {
        case RECORD_START:
          if (byte === CR || byte === LF) {  // empty lines are skipped, but counted
            if (byte === CR || !this.previousWasCR) this.line += 1;
            this.previousWasCR = byte === CR;
            i += 1;
          } else {
            this.previousWasCR = false;
            this.recordLine = this.line;
            this.state = FIELD_START;
          }
          break;
        case FIELD_START:
          this.fieldLine = this.line;
          if (byte === QUOTE) { this.state = QUOTED; i += 1; }
          else if (byte === delimiter) { this.endField(true); i += 1; }
          else if (byte === CR || byte === LF) { this.endField(false); this.endLine(byte); i += 1; }
          else this.state = UNQUOTED;
          break;
        case UNQUOTED:
          i += 1;
          if (byte === delimiter) { this.endField(true); this.state = FIELD_START; }
          else if (byte === QUOTE) throw this.error('quote inside an unquoted field', this.line, this.fields + 1);
          else if (byte === CR || byte === LF) { this.endField(false); this.endLine(byte); }
          else this.append(byte);
          break;
        case QUOTED:
          i += 1;
          if (byte === QUOTE) {
            this.state = QUOTE_IN_QUOTED;
            this.previousWasCR = false;
          } else {
            if (byte === CR || (byte === LF && !this.previousWasCR)) this.line += 1;
            this.previousWasCR = byte === CR;
            this.append(byte);
          }
          break;
        default:  // QUOTE_IN_QUOTED, AFTER_CLOSING_QUOTE
          i += 1;
          if (byte === QUOTE && this.state === QUOTE_IN_QUOTED) { this.append(byte); this.state = QUOTED; }  // `""`
          else if (byte === delimiter) { this.endField(true); this.state = FIELD_START; }
          else if (byte === CR || byte === LF) { this.endField(false); this.endLine(byte); }
          else if (byte === SPACE || byte === TAB) this.state = AFTER_CLOSING_QUOTE;
          else throw this.error('unexpected character after a closing quote', this.line, this.fields + 1);
      }
    }
  }

  append(byte) {
    this.fieldBytes += 1;
    if (this.fieldBytes > this.limits.maxFieldBytes) {
      throw this.error(`field is larger than ${this.limits.maxFieldBytes} bytes`, this.fieldLine, this.fields + 1);
    }
    this.recordBytes += 1;
    if (this.recordBytes > this.limits.maxRecordBytes) {
      throw this.error(`record is larger than ${this.limits.maxRecordBytes} bytes`, this.recordLine);
    }
    if (this.fieldInvalid) return;
    if (this.need === 0) {
      if (byte < 0x80) return;
      if (byte >= 0xc2 && byte <= 0xdf) { this.need = 1; }
      else if (byte >= 0xe0 && byte <= 0xef) { this.need = 2; this.low = byte === 0xe0 ? 0xa0 : 0x80; this.high = byte === 0xed ? 0x9f : 0xbf; }
      else if (byte >= 0xf0 && byte <= 0xf4) { this.need = 3; this.low = byte === 0xf0 ? 0x90 : 0x80; this.high = byte === 0xf4 ? 0x8f : 0xbf; }
      else this.fieldInvalid = true;
    } else if (byte < this.low || byte > this.high) {
      this.fieldInvalid = true;
    } else {
      this.need -= 1;
      this.low = 0x80;
      this.high = 0xbf;
    }
  }

  endField(atDelimiter) {
    if ((this.fieldInvalid || this.need !== 0) && !this.badColumn) {
      this.badColumn = this.fields + 1;
      this.badLine = this.fieldLine;
    }
    this.fields += 1;
    this.fieldBytes = 0;
    this.need = 0;
    this.low = 0x80;
    this.high = 0xbf;
    this.fieldInvalid = false;
    if (atDelimiter && this.fields >= this.limits.maxFieldsPerRecord) {
      throw this.error(`record has more than ${this.limits.maxFieldsPerRecord} fields`, this.line);
    }
  }

  /** The CR or LF that ends a record. */
  endLine(byte) {
    this.line += 1;
    this.previousWasCR = byte === CR;
    this.state = RECORD_START;
    this.endRecord();
  }

  endRecord() {
    const record = this.records + 1;
    if (this.badColumn) throw this.error('field is not valid UTF-8', this.badLine, this.badColumn);
    this.records = record;
    if (this.fields > this.columns) {
      throw new CsvFileError(`${location(record, this.recordLine)}: the row has ${this.fields} cells but the mapping has ${this.columns} columns`, record);
    }
    if (this.records > this.limits.maxRows) throw new CsvFileError(`the file has more than ${this.limits.maxRows} rows`, record);
    this.fields = 0;
    this.recordBytes = 0;
  }

  /** An error about the record in progress, worded and located as `CSVError.description` does. */
  error(text, line, column = 0) {
    const record = this.records + 1;
    return new CsvFileError(`${location(record, line)}${column ? `, column ${column}` : ''}: ${text}`, record);
  }
}

/** `line 7`, or `line 9 (record 7)` when blank lines or quoted line breaks make them differ (as the server says). */
function location(record, line) {
  return record === line ? `line ${line}` : `line ${line} (record ${record})`;
}

/**
 * Checks a whole File with CsvChecker, reading it in slices. Resolves to the number of data rows, or rejects with a
 * CsvFileError; `onProgress(fraction)` is told how much was read; `isStale()` stops the check (resolves null).
 */
export async function checkCsvFile(file, { delimiter, columns, header }, onProgress = () => {}, isStale = () => false) {
  const checker = new CsvChecker(delimiter, columns, header);
  const slice = 1 << 20;
  for (let offset = 0; offset < file.size; offset += slice) {
    const bytes = new Uint8Array(await file.slice(offset, offset + slice).arrayBuffer());
    if (isStale()) return null;
    checker.feed(bytes);
    onProgress(Math.min(1, (offset + bytes.length) / file.size));
  }
  return checker.finish();
}
