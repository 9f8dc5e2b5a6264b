import type { Translate } from '../../lib/i18n';
import type { StatsParams, StatsRepository } from './stats.repository';
import type { StatsScope, StatsSection, StatsTable } from './stats.report';
import { comparisonTable, periodParams, type Figure, type StatsSectionSource } from './stats.section';

/**
 * Questions as the national IDO registration counts them: one record per question, by type, organisation,
 * topic, help given, referral partner, duration, outcome and channel.
 *
 * Read from question_counts (0008), the per-month totals that triggers keep beside every registration: a
 * month of all branches is a couple of thousand rows, however many questions there are.
 */
const COUNTS = `
  SELECT dimension, value_id AS value, sum(count) AS n
  FROM question_counts
  WHERE local_month BETWEEN @fromMonth AND @toMonth AND branch_id IN (SELECT value FROM json_each(@branchIds))
  GROUP BY dimension, value_id
  HAVING sum(count) > 0`;

const TAXONOMY = `SELECT id, kind, label_nl, label_en, sort_order, parent_id, retired_at FROM taxonomy ORDER BY kind, sort_order, id`;
const PARTNERS = `SELECT id, name, sort_order FROM partners ORDER BY sort_order, name, id`;

type Dimension = 'type' | 'organisation' | 'topic' | 'help' | 'partner' | 'duration' | 'outcome' | 'channel';
type Count = { dimension: Dimension; value: number; n: number };

interface TaxonomyRow {
  id: number;
  kind: string;
  label_nl: string;
  label_en: string;
  sort_order: number;
  parent_id: number | null;
  retired_at: string | null;
}

/** The dimensions in page order, with the taxonomy kind whose entries are always listed (zeros included). */
const DIMENSIONS: { dim: Dimension; kind: string | null; always: boolean }[] = [
  { dim: 'type', kind: 'question_type', always: true },
  { dim: 'organisation', kind: 'organisation', always: true },
  { dim: 'topic', kind: 'topic', always: false },
  { dim: 'help', kind: 'help', always: true },
  { dim: 'partner', kind: null, always: false },
  { dim: 'duration', kind: 'duration', always: true },
  { dim: 'outcome', kind: 'outcome', always: true },
  { dim: 'channel', kind: 'channel', always: true },
];

/** One dimension's counts by value id; value 0 (no topic, not referred) becomes null. */
function totals(rows: Count[], dim: Dimension): Map<number | null, number> {
  const out = new Map<number | null, number>();
  for (const r of rows) if (r.dimension === dim) out.set(r.value === 0 ? null : r.value, r.n);
  return out;
}

function build(repo: StatsRepository, scope: StatsScope, t: Translate, lang: string): StatsSection {
  const { current, previous } = periodParams(scope);
  const now = repo.all<Count>(COUNTS, current);
  const before = repo.all<Count>(COUNTS, previous);
  const taxonomy = repo.all<TaxonomyRow>(TAXONOMY, {} as StatsParams);
  const partners = repo.all<{ id: number; name: string }>(PARTNERS, {} as StatsParams);
  const label = (row: TaxonomyRow): string => (lang === 'en' ? row.label_en : row.label_nl);
  // Every question has exactly one type, so the types add up to the number of questions.
  const sum = (rows: Count[]): number => rows.reduce((a, r) => a + (r.dimension === 'type' ? r.n : 0), 0);

  const tables: StatsTable[] = [
    comparisonTable(t, {
      id: 'questions-total',
      title: t('stats.questions.total'),
      labelHeader: t('stats.columns.figure'),
      kind: 'count',
      figures: [{ label: t('stats.questions.count'), current: sum(now), previous: sum(before) }],
    }),
  ];
  for (const { dim, kind, always } of DIMENSIONS) {
    const a = totals(now, dim);
    const b = totals(before, dim);
    const entries: { id: number; label: string; listed: boolean }[] =
      kind === null
        ? partners.map((p) => ({ id: p.id, label: p.name, listed: false }))
        : taxonomy.filter((r) => r.kind === kind).map((r) => ({ id: r.id, label: label(r), listed: always && r.retired_at === null }));
    const figures: Figure[] = entries
      .filter((e) => e.listed || a.has(e.id) || b.has(e.id))
      .map((e) => ({ label: e.label, current: a.get(e.id) ?? 0, previous: b.get(e.id) ?? 0 }));
    // Topics and referrals are optional on a question: "none" is a figure of its own.
    if (a.has(null) || b.has(null)) figures.push({ label: t(`stats.questions.none_${dim}`), current: a.get(null) ?? 0, previous: b.get(null) ?? 0 });
    tables.push(
      comparisonTable(t, {
        id: `questions-${dim}`,
        title: t(`stats.questions.by_${dim}`),
        labelHeader: t(`stats.questions.dimension_${dim}`),
        kind: 'count',
        figures,
        chart: figures.length > 0,
        userText: true,
      }),
    );
  }
  return { id: 'questions', title: t('stats.questions.title'), tables };
}

export const questionsSection: StatsSectionSource = { id: 'questions', order: 10, build };
