import type { Translate } from '../../lib/i18n';
import type { StatsParams, StatsRepository } from './stats.repository';
import type { StatsScope, StatsSection } from './stats.report';
import { comparisonTable, percentile, periodParams, share, type StatsSectionSource } from './stats.section';

/**
 * Chat escalations to an expert started in the period: how many, the share an expert answered, how long
 * the volunteer waited for that answer (median and p90), how they ended, and callback requests.
 */
const ESCALATIONS = `
  SELECT status, outcome, CASE WHEN accepted_at IS NULL THEN NULL ELSE (julianday(accepted_at) - julianday(created_at)) * 1440.0 END AS wait
  FROM escalations
  WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND created_at >= @fromAt AND created_at < @beforeAt`;

const CALLBACKS = `
  SELECT count(*) AS n FROM callback_requests
  WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND created_at >= @fromAt AND created_at < @beforeAt`;

const OUTCOMES = ['solved', 'referred', 'follow_up'] as const;

interface Figures {
  count: number;
  answered: number;
  share: number | null;
  median: number | null;
  p90: number | null;
  outcomes: Record<(typeof OUTCOMES)[number] | 'cancelled' | 'open', number>;
  callbacks: number;
}

function round1(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

function figures(repo: StatsRepository, p: StatsParams): Figures {
  const rows = repo.all<{ status: string; outcome: string | null; wait: number | null }>(ESCALATIONS, p);
  const waits = rows.flatMap((r) => (r.wait === null ? [] : [Math.max(0, r.wait)]));
  const outcomes = { solved: 0, referred: 0, follow_up: 0, cancelled: 0, open: 0 };
  for (const r of rows) {
    if (r.status === 'closed' && r.outcome && r.outcome in outcomes) outcomes[r.outcome as keyof typeof outcomes]++;
    else if (r.status === 'cancelled') outcomes.cancelled++;
    else outcomes.open++;
  }
  return {
    count: rows.length,
    answered: waits.length,
    share: share(waits.length, rows.length),
    median: round1(percentile(waits, 50)),
    p90: round1(percentile(waits, 90)),
    outcomes,
    callbacks: repo.get<{ n: number }>(CALLBACKS, p)?.n ?? 0,
  };
}

function build(repo: StatsRepository, scope: StatsScope, t: Translate): StatsSection | null {
  if (!repo.hasTable('escalations') || !repo.hasTable('callback_requests')) return null;
  const { current, previous } = periodParams(scope);
  const now = figures(repo, current);
  const before = figures(repo, previous);
  const label = (key: string): string => t(`stats.escalations.${key}`);
  return {
    id: 'escalations',
    title: t('stats.escalations.title'),
    tables: [
      comparisonTable(t, {
        id: 'escalations-count',
        title: label('counts'),
        labelHeader: t('stats.columns.figure'),
        kind: 'count',
        figures: (['count', 'answered', 'callbacks'] as const).map((k) => ({ label: label(k), current: now[k], previous: before[k] })),
      }),
      comparisonTable(t, {
        id: 'escalations-share',
        title: label('share_title'),
        labelHeader: t('stats.columns.figure'),
        kind: 'percent',
        figures: [{ label: label('share'), current: now.share, previous: before.share }],
      }),
      comparisonTable(t, {
        id: 'escalations-wait',
        title: label('wait_title'),
        labelHeader: t('stats.columns.figure'),
        kind: 'minutes',
        figures: (['median', 'p90'] as const).map((k) => ({ label: label(`wait_${k}`), current: now[k], previous: before[k] })),
      }),
      comparisonTable(t, {
        id: 'escalations-outcome',
        title: label('outcomes'),
        labelHeader: t('stats.columns.figure'),
        kind: 'count',
        figures: ([...OUTCOMES, 'cancelled', 'open'] as const).map((k) => ({ label: label(`outcome_${k}`), current: now.outcomes[k], previous: before.outcomes[k] })),
        chart: true,
      }),
    ],
  };
}

export const escalationsSection: StatsSectionSource = { id: 'escalations', order: 50, build };
