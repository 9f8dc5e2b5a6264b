import type { Translate } from '../../lib/i18n';
import type { StatsParams, StatsRepository } from './stats.repository';
import type { StatsScope, StatsSection } from './stats.report';
import { comparisonTable, periodParams, type StatsSectionSource } from './stats.section';

/**
 * The anonymous visitor survey (SPEC 4.8): per question, how many answered and the average score (1–5),
 * the trust question among them. Only day counts are stored, so this is all there is to report.
 */
const COUNTS = `
  SELECT question, sum(count) AS answers, sum(count * score) AS points
  FROM survey_counts
  WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND local_date BETWEEN @fromDate AND @toDate
  GROUP BY question`;

const QUESTIONS = ['satisfaction', 'self_reliance', 'trust'] as const;

function read(repo: StatsRepository, p: StatsParams): Map<string, { answers: number; average: number | null }> {
  const out = new Map<string, { answers: number; average: number | null }>();
  for (const r of repo.all<{ question: string; answers: number; points: number }>(COUNTS, p)) {
    out.set(r.question, { answers: r.answers, average: r.answers > 0 ? Math.round((r.points / r.answers) * 100) / 100 : null });
  }
  return out;
}

function build(repo: StatsRepository, scope: StatsScope, t: Translate): StatsSection | null {
  if (!repo.hasTable('survey_counts')) return null;
  const { current, previous } = periodParams(scope);
  const now = read(repo, current);
  const before = read(repo, previous);
  const label = (q: string): string => t(`survey.questions.${q}`);
  return {
    id: 'survey',
    title: t('stats.survey.title'),
    tables: [
      comparisonTable(t, {
        id: 'survey-average',
        title: t('stats.survey.averages'),
        labelHeader: t('stats.survey.question'),
        kind: 'decimal',
        figures: QUESTIONS.map((q) => ({ label: label(q), current: now.get(q)?.average ?? null, previous: before.get(q)?.average ?? null })),
        chart: true,
      }),
      comparisonTable(t, {
        id: 'survey-answers',
        title: t('stats.survey.answers'),
        labelHeader: t('stats.survey.question'),
        kind: 'count',
        figures: QUESTIONS.map((q) => ({ label: label(q), current: now.get(q)?.answers ?? 0, previous: before.get(q)?.answers ?? 0 })),
      }),
    ],
  };
}

export const surveySection: StatsSectionSource = { id: 'survey', order: 60, build };
