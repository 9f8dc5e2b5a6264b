import type { Translate } from '../../lib/i18n';
import { barChart, type BarChart } from './stats.chart';
import { cellFormatter } from './stats.format';
import { monthCount, monthIndex, monthOf } from './stats.query';
import type { StatsQuery, StatsReport, StatsTable } from './stats.report';

/** What the /stats views render: every cell already formatted, every chart already laid out. */
export interface StatsPage {
  periodLabel: string;
  previousLabel: string;
  sections: { id: string; title: string; tables: { table: StatsTable; chart: BarChart | null; cells: string[][]; headers: string[]; numeric: boolean[] }[] }[];
}

function monthName(month: string, lang: string): string {
  const index = monthIndex(month);
  const date = new Date(Date.UTC(Math.floor(index / 12), index % 12, 15));
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'nl-NL', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}

export function periodLabel(from: string, to: string, lang: string): string {
  return from === to ? monthName(from, lang) : `${monthName(from, lang)} – ${monthName(to, lang)}`;
}

export function statsPage(report: StatsReport, t: Translate): StatsPage {
  const format = cellFormatter(report.lang, { points: t('stats.format.points'), minutes: t('stats.format.minutes') });
  const previousFrom = report.scope.previousFromDate.slice(0, 7);
  const previousTo = report.scope.previousToDate.slice(0, 7);
  return {
    periodLabel: periodLabel(report.query.from, report.query.to, report.lang),
    previousLabel: periodLabel(previousFrom, previousTo, report.lang),
    sections: report.sections.map((section) => ({
      id: section.id,
      title: section.title,
      tables: section.tables.map((table) => ({
        table,
        headers: table.columns.map((c) => c.label),
        numeric: table.columns.map((c) => c.kind !== 'text' && c.kind !== 'date'),
        cells: table.rows.map((row) => table.columns.map((c) => format(row[c.key] ?? null, c.kind, { signed: c.key === 'change' }))),
        chart: barChart(table, format, {
          seriesLabel: (key) => table.columns.find((c) => c.key === key)?.label ?? key,
          describe: (items) => t('stats.chart.desc', { items }),
          item: (label, values) => `${label}: ${values}`,
        }),
      })),
    })),
  };
}

/** The filter form's fields for a valid query: the shortest way to say the same months. */
export function formValuesOf(query: StatsQuery): Record<string, string> {
  const branch = query.branchId === null ? 'all' : String(query.branchId);
  const first = monthIndex(query.from);
  const n = monthCount(query);
  if (n === 1) return { period: 'month', month: query.from, branch };
  if (n === 3 && first % 3 === 0) return { period: 'quarter', quarter: `${query.from.slice(0, 4)}-Q${(first % 12) / 3 + 1}`, branch };
  if (n === 12 && first % 12 === 0) return { period: 'year', year: query.from.slice(0, 4), branch };
  return { period: 'range', from: query.from, to: query.to, branch };
}

/** Quarters and years to offer in the pickers, newest first, ending at today's month. */
export function periodChoices(today: string): { quarters: string[]; years: string[] } {
  const now = monthIndex(today.slice(0, 7));
  const quarters: string[] = [];
  for (let q = now - (now % 3); quarters.length < 12; q -= 3) quarters.push(`${monthOf(q).slice(0, 4)}-Q${(q % 12) / 3 + 1}`);
  const year = Math.floor(now / 12);
  return { quarters, years: Array.from({ length: 6 }, (_, i) => String(year - i)) };
}

/** The canonical query string of a report (for the print view and, later, the exports). */
export function queryString(query: StatsQuery): string {
  return new URLSearchParams({ from: query.from, to: query.to, branch: query.branchId === null ? 'all' : String(query.branchId) }).toString();
}
