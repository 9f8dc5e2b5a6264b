import type { Translate } from '../../lib/i18n';
import type { StatsParams, StatsRepository } from './stats.repository';
import type { StatsScope, StatsSection } from './stats.report';
import { comparisonTable, periodParams, type StatsSectionSource } from './stats.section';

/**
 * Appointments on days in the period (by the day of the appointment, not the day it was booked):
 * booked (all, including those later cancelled), attended, no-show, cancelled; and booked online or by staff.
 */
const COUNTS = `
  SELECT count(*) AS booked,
         coalesce(sum(status IN ('arrived', 'in_progress', 'done')), 0) AS attended,
         coalesce(sum(status = 'no_show'), 0) AS no_show,
         coalesce(sum(status = 'cancelled'), 0) AS cancelled,
         coalesce(sum(channel = 'online'), 0) AS online,
         coalesce(sum(channel <> 'online'), 0) AS staff
  FROM appointments
  WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND local_date BETWEEN @fromDate AND @toDate`;

type Counts = Record<'booked' | 'attended' | 'no_show' | 'cancelled' | 'online' | 'staff', number>;

function build(repo: StatsRepository, scope: StatsScope, t: Translate): StatsSection | null {
  if (!repo.hasTable('appointments')) return null;
  const { current, previous } = periodParams(scope);
  const count = (p: StatsParams): Counts => repo.get<Counts>(COUNTS, p) as Counts;
  const now = count(current);
  const before = count(previous);
  const figure = (key: keyof Counts) => ({ label: t(`stats.appointments.${key}`), current: now[key], previous: before[key] });
  return {
    id: 'appointments',
    title: t('stats.appointments.title'),
    tables: [
      comparisonTable(t, {
        id: 'appointments-status',
        title: t('stats.appointments.by_status'),
        labelHeader: t('stats.columns.figure'),
        kind: 'count',
        figures: (['booked', 'attended', 'no_show', 'cancelled'] as const).map(figure),
        chart: true,
      }),
      comparisonTable(t, {
        id: 'appointments-channel',
        title: t('stats.appointments.by_channel'),
        labelHeader: t('stats.columns.figure'),
        kind: 'count',
        figures: (['online', 'staff'] as const).map(figure),
        chart: true,
      }),
    ],
  };
}

export const appointmentsSection: StatsSectionSource = { id: 'appointments', order: 20, build };
