import { editDeviceSchema } from './loans.schema';
import type { DeviceInput } from './loans.model';

/** Columns of the device CSV. asset_tag and type are required; the kit lists parts separated by "|". */
export const IMPORT_COLUMNS = ['asset_tag', 'type', 'serial', 'make_model', 'kit', 'notes'] as const;
const REQUIRED = ['asset_tag', 'type'];
export const MAX_IMPORT_ROWS = 1000;

export interface ImportRow {
  /** Line number in the file (the header is line 1), as a spreadsheet shows it. */
  line: number;
  tag: string;
  device: DeviceInput | null;
  /** Translation keys of what is wrong with this row; empty when it can be imported. */
  errors: string[];
}

export interface ImportPlan {
  /** Set when the file as a whole is wrong (columns, size): nothing is imported then. */
  fileError: string | null;
  fileErrorParams?: Record<string, string | number>;
  rows: ImportRow[];
}

/**
 * Splits CSV text into records. Accepts what spreadsheets write: ";" (Dutch Excel) or "," as separator,
 * double-quoted fields with "" inside, CRLF or LF, a UTF-8 byte order mark.
 */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.split(/\r?\n/, 1)[0] ?? '';
  const sep = (firstLine.match(/;/g) ?? []).length >= (firstLine.match(/,/g) ?? []).length ? ';' : ',';
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Reads and checks the file; `tagExists` says whether a tag is already in the inventory (any branch). */
export function planImport(text: string, tagExists: (tag: string) => boolean): ImportPlan {
  const records = parseCsv(text);
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (records.length === 0 || unknown.length > 0 || missing.length > 0) {
    return { fileError: 'loans.import.wrong_columns', fileErrorParams: { expected: IMPORT_COLUMNS.join(';'), found: header.join(';') || '-' }, rows: [] };
  }
  if (records.length - 1 > MAX_IMPORT_ROWS) return { fileError: 'loans.import.too_many', fileErrorParams: { max: MAX_IMPORT_ROWS }, rows: [] };
  const seen = new Set<string>();
  const rows: ImportRow[] = [];
  records.slice(1).forEach((rec, i) => {
    const line = i + 2;
    if (rec.every((f) => f.trim() === '')) return;
    const values: Record<string, string> = { asset_tag: '', type: '', serial: '', make_model: '', kit: '', notes: '' };
    header.forEach((h, col) => (values[h] = (rec[col] ?? '').trim()));
    values.type = values.type.toLowerCase();
    values.kit = values.kit.split('|').join('\n');
    const errors: string[] = [];
    if (rec.length !== header.length) errors.push('loans.import.field_count');
    const parsed = editDeviceSchema.safeParse(values);
    // One message per field, the first, as the forms show it.
    const fieldsSeen = new Set<string>();
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const field = String(issue.path[0]);
      if (!fieldsSeen.has(field)) errors.push(`${field}:${issue.message}`);
      fieldsSeen.add(field);
    }
    const key = values.asset_tag.toLowerCase();
    if (key && seen.has(key)) errors.push('loans.import.duplicate_in_file');
    else if (key && tagExists(values.asset_tag)) errors.push('loans.errors.asset_tag_taken');
    if (key) seen.add(key);
    rows.push({ line, tag: values.asset_tag, device: errors.length === 0 && parsed.success ? parsed.data : null, errors });
  });
  return { fileError: null, rows };
}
