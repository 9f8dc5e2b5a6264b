import type { Translate } from '../../lib/i18n';
import { localDate } from '../../lib/time';
import type { StatsParams, StatsRepository } from './stats.repository';
import type { StatsScope, StatsSection } from './stats.report';
import { comparisonTable, periodParams, type StatsSectionSource } from './stats.section';

/**
 * Device loans: lent out and returned in the period, and overdue: loans due in the period that came back
 * after their due date, or have not come back and are past it by today. Devices waiting for a wipe is a
 * count of right now (a device's status has no history), so it has no previous period.
 */
const MOVES = `
  SELECT coalesce(sum(lent_at >= @fromAt AND lent_at < @beforeAt), 0) AS lent,
         coalesce(sum(returned_at >= @fromAt AND returned_at < @beforeAt), 0) AS returned
  FROM loans
  WHERE branch_id IN (SELECT value FROM json_each(@branchIds))
    AND ((lent_at >= @fromAt AND lent_at < @beforeAt) OR (returned_at >= @fromAt AND returned_at < @beforeAt))`;

const DUE = `
  SELECT due_date, returned_at FROM loans
  WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND due_date BETWEEN @fromDate AND @toDate`;

const WAITING_FOR_WIPE = `
  SELECT count(*) AS n FROM devices WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND status = 'needs_wipe'`;

function overdue(repo: StatsRepository, p: StatsParams, today: string): number {
  return repo
    .all<{ due_date: string; returned_at: string | null }>(DUE, p)
    .filter((l) => (l.returned_at === null ? l.due_date < today : localDate(new Date(l.returned_at)) > l.due_date)).length;
}

function build(repo: StatsRepository, scope: StatsScope, t: Translate): StatsSection | null {
  if (!repo.hasTable('loans') || !repo.hasTable('devices')) return null;
  const { current, previous } = periodParams(scope);
  const today = scope.today ?? scope.toDate;
  const now = repo.get<{ lent: number; returned: number }>(MOVES, current) ?? { lent: 0, returned: 0 };
  const before = repo.get<{ lent: number; returned: number }>(MOVES, previous) ?? { lent: 0, returned: 0 };
  const wipe = repo.get<{ n: number }>(WAITING_FOR_WIPE, current)?.n ?? 0;
  return {
    id: 'loans',
    title: t('stats.loans.title'),
    tables: [
      comparisonTable(t, {
        id: 'loans-moves',
        title: t('stats.loans.moves'),
        labelHeader: t('stats.columns.figure'),
        kind: 'count',
        figures: [
          { label: t('stats.loans.lent'), current: now.lent, previous: before.lent },
          { label: t('stats.loans.returned'), current: now.returned, previous: before.returned },
          { label: t('stats.loans.overdue'), current: overdue(repo, current, today), previous: overdue(repo, previous, today) },
        ],
        chart: true,
      }),
      comparisonTable(t, {
        id: 'loans-devices',
        title: t('stats.loans.devices'),
        labelHeader: t('stats.columns.figure'),
        kind: 'count',
        figures: [{ label: t('stats.loans.waiting_for_wipe'), current: wipe, previous: null }],
      }),
    ],
  };
}

export const loansSection: StatsSectionSource = { id: 'loans', order: 40, build };
