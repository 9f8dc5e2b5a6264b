import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { StatsCell, StatsCellKind, StatsReport, StatsSection, StatsTable } from './stats.report';
import { neutraliseCell } from './stats.cells';

/** Excel number formats per kind of column (the format codes are locale-independent; Excel shows `,`). */
const NUMBER_FORMATS: Record<StatsCellKind, string | undefined> = {
  text: undefined,
  count: '0',
  decimal: '0.0',
  percent: '0%',
  minutes: '0',
  date: 'dd-mm-yyyy',
};

const MAX_SHEET_NAME = 31;

/**
 * Sheet names Excel accepts: at most 31 characters, none of `[]:*?/\`, not starting or ending with an
 * apostrophe, unique without regard to case ("Vragen", "Vragen (2)").
 */
export function sheetNames(titles: readonly string[]): string[] {
  const taken = new Set<string>();
  return titles.map((title, i) => {
    const base = title.replace(/[[\]:*?/\\]/g, ' ').replace(/^'+|'+$/g, '').replace(/\s+/g, ' ').trim() || `Blad ${i + 1}`;
    let name = base.slice(0, MAX_SHEET_NAME).trim();
    for (let n = 2; taken.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = base.slice(0, MAX_SHEET_NAME - suffix.length).trim() + suffix;
    }
    taken.add(name.toLowerCase());
    return name;
  });
}

/** Text cells are always strings (a shared-string cell, never a formula), neutralised like in the CSV. */
function cellValue(value: StatsCell, kind: StatsCellKind): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (kind === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T00:00:00Z`);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return neutraliseCell(value);
}

/** Width of each column: the longest header or value, within reason. */
function columnWidths(tables: readonly StatsTable[]): number[] {
  const widths: number[] = [];
  const widen = (i: number, text: string): void => {
    widths[i] = Math.min(60, Math.max(widths[i] ?? 10, text.length + 2));
  };
  for (const table of tables) {
    widen(0, table.title.length > 40 ? '' : table.title);
    table.columns.forEach((c, i) => {
      widen(i, c.label);
      for (const row of table.rows) widen(i, String(row[c.key] ?? ''));
    });
  }
  return widths;
}

function writeSection(workbook: ExcelJS.stream.xlsx.WorkbookWriter, section: StatsSection, name: string): void {
  const sheet = workbook.addWorksheet(name);
  // Widths must be set before the first row is committed: the streaming writer writes <cols> first.
  sheet.columns = columnWidths(section.tables).map((width) => ({ width }));
  let first = true;
  for (const table of section.tables) {
    if (!first) sheet.addRow([]).commit();
    first = false;
    const title = sheet.addRow([neutraliseCell(table.title)]);
    title.font = { bold: true, size: 12 };
    title.commit();
    const header = sheet.addRow(table.columns.map((c) => neutraliseCell(c.label)));
    header.font = { bold: true };
    header.commit();
    for (const data of table.rows) {
      const row = sheet.addRow(table.columns.map((c) => cellValue(data[c.key] ?? null, c.kind)));
      table.columns.forEach((c, i) => {
        const format = NUMBER_FORMATS[c.kind];
        if (format) row.getCell(i + 1).numFmt = format;
      });
      row.commit();
    }
  }
  sheet.commit();
}

/**
 * The report as an XLSX workbook, one sheet per section, written with exceljs' streaming writer straight to
 * `out` (the HTTP response, a file, or a buffer for the monthly e-mail).
 */
export async function writeReportXlsx(report: StatsReport, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  workbook.creator = 'Dichterbij';
  workbook.created = new Date(report.generatedAt);
  const names = sheetNames(report.sections.map((s) => s.title));
  report.sections.forEach((section, i) => writeSection(workbook, section, names[i]!));
  await workbook.commit();
}

/** The workbook as bytes (the monthly report's attachment). */
export async function reportXlsxBuffer(report: StatsReport): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  await writeReportXlsx(report, sink);
  await ended;
  return Buffer.concat(chunks);
}
