import type { StatsCell, StatsCellKind } from './stats.report';

/**
 * Cell values as every export writes them. Spreadsheet programs treat a cell that starts with `=`, `+`, `-`
 * or `@` (and, in some, a tab or carriage return) as a formula, also after leading spaces, so a partner
 * name like `=HYPERLINK(...)` typed by a coordinator would run on the funder's PC. Such text gets a leading
 * apostrophe: Excel and LibreOffice then show it as text. Numbers are never passed through here: they are
 * ours, not typed text, and a negative change must stay a number.
 */
const FORMULA_START = /^[ \u00a0\u3000]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** YYYY-MM-DD → dd-mm-jjjj, the way Dutch Excel reads a date. Anything else is left alone. */
export function dutchDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : value;
}

/** A number with a decimal comma and at most `decimals` decimals, no thousands separator (Excel parses it). */
export function dutchNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return '';
  const fixed = value.toFixed(decimals);
  const trimmed = decimals > 0 ? fixed.replace(/\.?0+$/, '') : fixed;
  return (trimmed === '-0' ? '0' : trimmed).replace('.', ',');
}

/** One cell as text for the CSV: numbers with a decimal comma, shares as percentages, dates dd-mm-jjjj. */
export function csvText(value: StatsCell, kind: StatsCellKind): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    switch (kind) {
      case 'count':
        return dutchNumber(value, 0);
      case 'percent':
        return `${dutchNumber(value * 100, 1)}%`;
      case 'decimal':
      case 'minutes':
        return dutchNumber(value, 2);
      default:
        return dutchNumber(value, 2);
    }
  }
  if (kind === 'date') return dutchDate(value);
  return neutraliseCell(value);
}
