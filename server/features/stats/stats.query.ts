import type { LocalDate } from '../../lib/time';
import type { StatsQuery, StatsScope } from './stats.report';

/**
 * Turns the filter of /stats (and of the exports and the command line) into a StatsQuery: whole months,
 * inclusive, and one branch or all. Accepted shapes, first match wins:
 *   period=month&month=YYYY-MM · period=quarter&quarter=YYYY-Qn · period=year&year=YYYY ·
 *   period=range&from=YYYY-MM&to=YYYY-MM · or just from=YYYY-MM[&to=YYYY-MM] (to defaults to from).
 * Nothing given: the last complete month. branch: a branch id, or "all"/absent for every branch the person
 * may read (the service checks the policy; this only checks the shape).
 *
 * Error values are translation keys (locales/<lang>/stats.json, "errors.*"), per field name.
 */

export const MAX_MONTHS = 36;
export const PERIOD_KINDS = ['month', 'quarter', 'year', 'range'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export type StatsQueryResult = { ok: true; query: StatsQuery } | { ok: false; errors: Record<string, string> };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/i;
const YEAR = /^(\d{4})$/;
const FIRST_YEAR = 2000;

/** Months since year 0 (0 = January of year 0), so month arithmetic is integer arithmetic. */
export function monthIndex(month: string): number {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

export function monthOf(index: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

function lastDayOf(month: string): LocalDate {
  const index = monthIndex(month);
  const year = Math.floor(index / 12);
  const days = new Date(Date.UTC(year, (index % 12) + 1, 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, '0')}`;
}

/** Number of months the query covers (>= 1). */
export function monthCount(query: Pick<StatsQuery, 'from' | 'to'>): number {
  return monthIndex(query.to) - monthIndex(query.from) + 1;
}

/** The previous period of the same number of months, directly before. */
export function previousPeriod(query: Pick<StatsQuery, 'from' | 'to'>): { from: string; to: string } {
  const n = monthCount(query);
  return { from: monthOf(monthIndex(query.from) - n), to: monthOf(monthIndex(query.from) - 1) };
}

/** The local dates a query and its previous period cover (the branches are added by the service). */
export function periodDates(query: Pick<StatsQuery, 'from' | 'to'>): Omit<StatsScope, 'branchIds'> {
  const previous = previousPeriod(query);
  return {
    fromDate: `${query.from}-01`,
    toDate: lastDayOf(query.to),
    previousFromDate: `${previous.from}-01`,
    previousToDate: lastDayOf(previous.to),
  };
}

/** The default: the last complete month before `today`. */
export function lastCompleteMonth(today: LocalDate): string {
  return monthOf(monthIndex(today.slice(0, 7)) - 1);
}

function text(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  // A repeated parameter (?month=a&month=b) or a nested object is malformed, never silently the first one.
  if (Array.isArray(value)) return '\u0000';
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '\u0000';
}

function month(input: Record<string, unknown>, key: string, errors: Record<string, string>): string | null {
  const value = text(input, key);
  if (value === undefined || value === '') {
    errors[key] = 'errors.month_missing';
    return null;
  }
  const m = MONTH.exec(value);
  if (!m || Number(m[1]) < FIRST_YEAR) {
    errors[key] = 'errors.month_invalid';
    return null;
  }
  return value;
}

function period(input: Record<string, unknown>, today: LocalDate, errors: Record<string, string>): { from: string; to: string } | null {
  const kindRaw = text(input, 'period');
  const hasFrom = (text(input, 'from') ?? '') !== '';
  const kind: PeriodKind | undefined =
    kindRaw === undefined || kindRaw === '' ? (hasFrom ? 'range' : undefined) : (PERIOD_KINDS as readonly string[]).includes(kindRaw) ? (kindRaw as PeriodKind) : undefined;
  if (kindRaw && !kind) {
    errors.period = 'errors.period_invalid';
    return null;
  }
  if (!kind) {
    const last = lastCompleteMonth(today);
    return { from: last, to: last };
  }
  if (kind === 'month') {
    const m = month(input, 'month', errors);
    return m ? { from: m, to: m } : null;
  }
  if (kind === 'quarter') {
    const q = QUARTER.exec(text(input, 'quarter') ?? '');
    if (!q || Number(q[1]) < FIRST_YEAR) {
      errors.quarter = 'errors.quarter_invalid';
      return null;
    }
    const first = Number(q[1]) * 12 + (Number(q[2]) - 1) * 3;
    return { from: monthOf(first), to: monthOf(first + 2) };
  }
  if (kind === 'year') {
    const y = YEAR.exec(text(input, 'year') ?? '');
    if (!y || Number(y[1]) < FIRST_YEAR) {
      errors.year = 'errors.year_invalid';
      return null;
    }
    return { from: `${y[1]}-01`, to: `${y[1]}-12` };
  }
  const from = month(input, 'from', errors);
  const toText = text(input, 'to');
  const to = toText === undefined || toText === '' ? from : month(input, 'to', errors);
  if (!from || !to) return null;
  if (monthIndex(to) < monthIndex(from)) {
    errors.to = 'errors.to_before_from';
    return null;
  }
  if (monthCount({ from, to }) > MAX_MONTHS) {
    errors.to = 'errors.range_too_long';
    return null;
  }
  return { from, to };
}

function branch(input: Record<string, unknown>, errors: Record<string, string>): number | null {
  const value = text(input, 'branch');
  if (value === undefined || value === '' || value === 'all') return null;
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
    errors.branch = 'errors.branch_invalid';
    return null;
  }
  return Number(value);
}

/** The form field a period error belongs to (the error summary links to it). */
function fieldOf(input: Record<string, unknown>): string {
  const kind = text(input, 'period');
  return kind === 'month' || kind === 'quarter' || kind === 'year' ? kind : 'from';
}

/** Validates the filter; `today` (Europe/Amsterdam) decides the default month. */
export function parseStatsQuery(input: Record<string, unknown>, today: LocalDate): StatsQueryResult {
  const errors: Record<string, string> = {};
  const months = period(input, today, errors);
  const branchId = branch(input, errors);
  if (!months || Object.keys(errors).length > 0) return { ok: false, errors };
  // A period that has not begun has nothing to count: say so rather than show a page of zeros.
  if (monthIndex(months.from) > monthIndex(today.slice(0, 7))) return { ok: false, errors: { [fieldOf(input)]: 'errors.in_future' } };
  return { ok: true, query: { from: months.from, to: months.to, branchId } };
}
