import type { Translate } from '../../lib/i18n';
import type { StatsParams, StatsRepository } from './stats.repository';
import type { StatsScope, StatsSection, StatsTable } from './stats.report';
import { comparisonTable, periodParams, type Figure, type StatsSectionSource } from './stats.section';

/**
 * Questions as the national IDO registration counts them: one record per question, by type, organisation,
 * topic, help given, referral partner, duration, outcome and channel.
 *
 * One pass per period: the covering index questions_stats (0008) holds every column this query reads, so
 * SQLite walks the months' index entries once and groups them; the dimensions are rolled up here.
 */
const COMBINATIONS = `
  SELECT type_id AS type, organisation_id AS organisation, topic_id AS topic, help_id AS help, partner_id AS partner,
         duration_id AS duration, outcome_id AS outcome, channel_id AS channel, count(*) AS n
  FROM questions INDEXED BY questions_stats
  WHERE local_month BETWEEN @fromMonth AND @toMonth AND branch_id IN (SELECT value FROM json_each(@branchIds))
  GROUP BY type_id, organisation_id, topic_id, help_id, partner_id, duration_id, outcome_id, channel_id`;

const TAXONOMY = `SELECT id, kind, label_nl, label_en, sort_order, parent_id, retired_at FROM taxonomy ORDER BY kind, sort_order, id`;
const PARTNERS = `SELECT id, name, sort_order FROM partners ORDER BY sort_order, name, id`;

type Dimension = 'type' | 'organisation' | 'topic' | 'help' | 'partner' | 'duration' | 'outcome' | 'channel';
type Combination = Record<Dimension, number | null> & { n: number };

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

function totals(rows: Combination[], dim: Dimension): Map<number | null, number> {
  const out = new Map<number | null, number>();
  for (const r of rows) out.set(r[dim], (out.get(r[dim]) ?? 0) + r.n);
  return out;
}

function build(repo: StatsRepository, scope: StatsScope, t: Translate, lang: string): StatsSection {
  const { current, previous } = periodParams(scope);
  const now = repo.all<Combination>(COMBINATIONS, current);
  const before = repo.all<Combination>(COMBINATIONS, previous);
  const taxonomy = repo.all<TaxonomyRow>(TAXONOMY, {} as StatsParams);
  const partners = repo.all<{ id: number; name: string }>(PARTNERS, {} as StatsParams);
  const label = (row: TaxonomyRow): string => (lang === 'en' ? row.label_en : row.label_nl);
  const sum = (rows: Combination[]): number => rows.reduce((a, r) => a + r.n, 0);

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
