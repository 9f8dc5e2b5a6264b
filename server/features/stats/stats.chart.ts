import type { CellFormatter } from './stats.format';
import type { StatsTable } from './stats.report';

/**
 * Geometry of a horizontal bar chart drawn as SVG on the server (no client charting library). The view
 * only places what this computes; the table beside the chart carries the exact numbers, and the chart's
 * <title> and <desc> say in words what it shows.
 */
export interface BarChart {
  id: string;
  title: string;
  desc: string;
  width: number;
  height: number;
  labelWidth: number;
  series: { key: string; label: string; className: string }[];
  groups: { label: string; y: number; bars: { x: number; y: number; width: number; height: number; className: string; text: string; textX: number }[] }[];
  legendY: number;
}

const WIDTH = 420;
const LABEL_WIDTH = 150;
const BAR = 12;
const GAP = 4;
const GROUP_GAP = 10;
const VALUE_ROOM = 44;
const LEGEND = 24;
const MAX_LABEL = 24;

function shorten(label: string): string {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

export function barChart(
  table: StatsTable,
  format: CellFormatter,
  words: { seriesLabel: (key: string) => string; describe: (items: string) => string; item: (label: string, values: string) => string },
): BarChart | null {
  if (!table.chart || table.rows.length === 0) return null;
  const { labelKey, valueKeys } = table.chart;
  const kindOf = (key: string) => table.columns.find((c) => c.key === key)?.kind ?? 'count';
  const values = table.rows.flatMap((r) => valueKeys.map((k) => (typeof r[k] === 'number' ? (r[k] as number) : 0)));
  const max = Math.max(0, ...values);
  const plot = WIDTH - LABEL_WIDTH - VALUE_ROOM;
  const groupHeight = valueKeys.length * (BAR + GAP) - GAP;
  const groups: BarChart['groups'] = table.rows.map((row, i) => {
    const y = LEGEND + i * (groupHeight + GROUP_GAP);
    return {
      label: shorten(String(row[labelKey] ?? '')),
      y: y + groupHeight / 2,
      bars: valueKeys.map((key, j) => {
        const value = typeof row[key] === 'number' ? (row[key] as number) : 0;
        const width = max > 0 ? Math.round((value / max) * plot * 10) / 10 : 0;
        return {
          x: LABEL_WIDTH,
          y: y + j * (BAR + GAP),
          width,
          height: BAR,
          className: `bar-${j}`,
          text: format(row[key] ?? null, kindOf(key)),
          textX: LABEL_WIDTH + width + 4,
        };
      }),
    };
  });
  const items = table.rows
    .map((row) => words.item(String(row[labelKey] ?? ''), valueKeys.map((k) => `${words.seriesLabel(k)} ${format(row[k] ?? null, kindOf(k))}`).join(', ')))
    .join('; ');
  return {
    id: `chart-${table.id}`,
    title: table.title,
    desc: words.describe(items),
    width: WIDTH,
    height: LEGEND + table.rows.length * (groupHeight + GROUP_GAP),
    labelWidth: LABEL_WIDTH,
    series: valueKeys.map((key, j) => ({ key, label: words.seriesLabel(key), className: `bar-${j}` })),
    groups,
    legendY: 12,
  };
}
