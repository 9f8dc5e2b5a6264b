import type { StatsReport, StatsTable } from './stats.report';
import { csvText, dutchDate, neutraliseCell } from './stats.cells';

/**
 * CSV for Dutch Excel: `;` between fields (the comma is the decimal sign), UTF-8 with a byte-order mark (or
 * Excel reads it as Windows-1252), CRLF line ends, and fields quoted per RFC 4180 when they hold a `;`, a
 * quote or a line break.
 */
export const CSV_BOM = '\uFEFF';
export const CSV_SEPARATOR = ';';
export const CSV_EOL = '\r\n';

export function csvField(text: string): string {
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(CSV_SEPARATOR) + CSV_EOL;
}

function tableBlock(table: StatsTable): string {
  let out = csvLine([neutraliseCell(table.title)]);
  out += csvLine(table.columns.map((c) => neutraliseCell(c.label)));
  for (const row of table.rows) out += csvLine(table.columns.map((c) => csvText(row[c.key] ?? null, c.kind)));
  return out;
}

export interface CsvHeading {
  /** Translated "Period", "Branches", "Generated" labels. */
  period: string;
  branches: string;
  branchNames: string;
}

/**
 * The whole report as one CSV: a heading (period, branches), then one block per table (its title, the header
 * row, the rows), blocks separated by an empty line. The report is a few hundred rows at most, so a string.
 */
export function reportToCsv(report: StatsReport, heading: CsvHeading): string {
  let out = CSV_BOM;
  out += csvLine([neutraliseCell(heading.period), `${dutchDate(report.scope.fromDate)} - ${dutchDate(report.scope.toDate)}`]);
  out += csvLine([neutraliseCell(heading.branches), neutraliseCell(heading.branchNames)]);
  for (const section of report.sections) {
    for (const table of section.tables) out += CSV_EOL + tableBlock(table);
  }
  return out;
}
