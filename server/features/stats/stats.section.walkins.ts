import type { Translate } from '../../lib/i18n';
import type { StatsParams, StatsRepository } from './stats.repository';
import type { StatsScope, StatsSection } from './stats.report';
import { comparisonTable, percentile, periodParams, type StatsSectionSource } from './stats.section';

/**
 * Walk-ins (the numbered queue at the desk) on days in the period, and how long people waited from taking
 * a number until they were called. The waits of a period are read as a list (a branch has hundreds of
 * walk-ins a month, not millions) so the median and p90 are exact.
 */
const COUNTS = `
  SELECT count(*) AS total,
         coalesce(sum(status IN ('in_progress', 'done')), 0) AS served,
         coalesce(sum(status = 'no_show'), 0) AS no_show
  FROM walkins
  WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND local_date BETWEEN @fromDate AND @toDate`;

const WAITS = `
  SELECT (julianday(called_at) - julianday(created_at)) * 1440.0 AS minutes
  FROM walkins
  WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND local_date BETWEEN @fromDate AND @toDate AND called_at IS NOT NULL`;

type Counts = Record<'total' | 'served' | 'no_show', number>;

function round1(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

function waits(repo: StatsRepository, p: StatsParams): { median: number | null; p90: number | null; average: number | null } {
  const minutes = repo.all<{ minutes: number }>(WAITS, p).map((r) => Math.max(0, r.minutes));
  const average = minutes.length ? minutes.reduce((a, b) => a + b, 0) / minutes.length : null;
  return { median: round1(percentile(minutes, 50)), p90: round1(percentile(minutes, 90)), average: round1(average) };
}

function build(repo: StatsRepository, scope: StatsScope, t: Translate): StatsSection | null {
  if (!repo.hasTable('walkins')) return null;
  const { current, previous } = periodParams(scope);
  const now = repo.get<Counts>(COUNTS, current) as Counts;
  const before = repo.get<Counts>(COUNTS, previous) as Counts;
  const waitNow = waits(repo, current);
  const waitBefore = waits(repo, previous);
  return {
    id: 'walkins',
    title: t('stats.walkins.title'),
    tables: [
      comparisonTable(t, {
        id: 'walkins-count',
        title: t('stats.walkins.counts'),
        labelHeader: t('stats.columns.figure'),
        kind: 'count',
        figures: (['total', 'served', 'no_show'] as const).map((k) => ({ label: t(`stats.walkins.${k}`), current: now[k], previous: before[k] })),
        chart: true,
      }),
      comparisonTable(t, {
        id: 'walkins-wait',
        title: t('stats.walkins.waits'),
        labelHeader: t('stats.columns.figure'),
        kind: 'minutes',
        figures: (['median', 'p90', 'average'] as const).map((k) => ({ label: t(`stats.walkins.wait_${k}`), current: waitNow[k], previous: waitBefore[k] })),
      }),
    ],
  };
}

export const walkinsSection: StatsSectionSource = { id: 'walkins', order: 30, build };
