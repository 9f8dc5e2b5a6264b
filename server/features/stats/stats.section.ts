import type { Translate } from '../../lib/i18n';
import { addDays, toStored, zonedInstant } from '../../lib/time';
import type { StatsParams, StatsRepository } from './stats.repository';
import type { StatsCell, StatsCellKind, StatsColumn, StatsScope, StatsSection, StatsTable } from './stats.report';

/**
 * One section of the statistics report. Each lives in its own file (stats.section.<id>.ts) with its own
 * SQL, and is listed once in stats.sections.ts. `build` returns null when the data does not exist for this
 * database (the feature's tables are missing), so the page and the exports simply leave the section out.
 */
export interface StatsSectionSource {
  id: string;
  /** Position on the page and in the exports, ascending. */
  order: number;
  build(repo: StatsRepository, scope: StatsScope, t: Translate, lang: string): StatsSection | null;
}

/** Midnight in Amsterdam at the start of a local date, as stored instants are written (ISO UTC). */
function startOf(date: string): string {
  return toStored(zonedInstant(date, '00:00') ?? new Date(`${date}T00:00:00Z`));
}

function params(branchIds: string, fromDate: string, toDate: string): StatsParams {
  return {
    branchIds,
    fromDate,
    toDate,
    fromMonth: fromDate.slice(0, 7),
    toMonth: toDate.slice(0, 7),
    fromAt: startOf(fromDate),
    beforeAt: startOf(addDays(toDate, 1)),
  };
}

/**
 * The named parameters of the current and the previous period, for the same branches. Tables with a local
 * date compare fromDate/toDate; tables with only instants compare `fromAt <= at < beforeAt` (Amsterdam
 * midnights in UTC), so an event at 00:30 on the first is counted in the right month.
 */
export function periodParams(scope: StatsScope): { current: StatsParams; previous: StatsParams } {
  const branchIds = JSON.stringify(scope.branchIds);
  return {
    current: params(branchIds, scope.fromDate, scope.toDate),
    previous: params(branchIds, scope.previousFromDate, scope.previousToDate),
  };
}

export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null) return null;
  return Math.round((current - previous) * 10000) / 10000;
}

/** The three number columns every figure has: this period, the previous one, and the change. */
export function comparisonColumns(t: Translate, kind: StatsCellKind): StatsColumn[] {
  return [
    { key: 'current', label: t('stats.columns.current'), kind },
    { key: 'previous', label: t('stats.columns.previous'), kind },
    { key: 'change', label: t('stats.columns.change'), kind },
  ];
}

export interface Figure {
  label: string;
  current: number | null;
  previous: number | null;
  /** The label came from a person (category label, partner name). */
  userText?: boolean;
}

/**
 * A table of labelled figures of one kind, each beside the previous period and the change, drawn as a bar
 * chart of both periods when `chart` is set.
 */
export function comparisonTable(
  t: Translate,
  options: { id: string; title: string; labelHeader: string; kind: StatsCellKind; figures: Figure[]; chart?: boolean; userText?: boolean },
): StatsTable {
  const rows: Record<string, StatsCell>[] = options.figures.map((f) => ({
    label: f.label,
    current: f.current,
    previous: f.previous,
    change: change(f.current, f.previous),
  }));
  return {
    id: options.id,
    title: options.title,
    columns: [{ key: 'label', label: options.labelHeader, kind: 'text', ...(options.userText ? { userText: true } : {}) }, ...comparisonColumns(t, options.kind)],
    rows,
    ...(options.chart ? { chart: { kind: 'bar' as const, labelKey: 'label', valueKeys: ['current', 'previous'] } } : {}),
  };
}

/** Median and 90th percentile (nearest rank) of sorted or unsorted values; null when there are none. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** A share from 0 to 1 rounded to four decimals; null when there is nothing to divide by. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10000) / 10000 : null;
}
