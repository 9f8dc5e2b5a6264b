import { addDays, localDate, minutesOfDay, timeFromMinutes, zonedInstant, type LocalDate, type LocalTime } from '../../lib/time';

/**
 * Availability as pure functions: opening hours in, bookable times out. No database, no clock; callers
 * pass "now" and the booked counts, so every daylight-saving case is a plain unit test.
 */

export interface ScheduleDay {
  date: LocalDate;
  periods: { opens: LocalTime; closes: LocalTime }[];
}

export interface SlotRules {
  slotMinutes: number;
  desks: number;
  minNoticeMinutes: number;
  horizonDays: number;
}

export interface Slot {
  date: LocalDate;
  time: LocalTime;
  /** ISO 8601 UTC, exactly as stored in appointments.starts_at. */
  startsAt: string;
  endsAt: string;
}

export interface FreeSlot extends Slot {
  free: number;
}

export interface FreeDay {
  date: LocalDate;
  slots: FreeSlot[];
}

/**
 * The slots of one day, by the wall clock: a period 09:00–17:00 with 30 minutes gives 09:00 … 16:30.
 * Wall-clock times that do not exist (the skipped hour in spring) give no slot; a wall-clock time that
 * happens twice (autumn) gives one slot, at its first occurrence. The slot's end is its start plus the
 * slot length in real time.
 */
export function daySlots(day: ScheduleDay, slotMinutes: number): Slot[] {
  const seen = new Set<string>();
  const out: Slot[] = [];
  const periods = [...day.periods].sort((a, b) => a.opens.localeCompare(b.opens));
  for (const p of periods) {
    const closes = minutesOfDay(p.closes);
    for (let m = minutesOfDay(p.opens); m + slotMinutes <= closes; m += slotMinutes) {
      const time = timeFromMinutes(m);
      if (seen.has(time)) continue;
      const start = zonedInstant(day.date, time);
      if (!start) continue;
      seen.add(time);
      out.push({ date: day.date, time, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + slotMinutes * 60_000).toISOString() });
    }
  }
  return out;
}

/** The first local date a citizen may not book any more. */
export function horizonEnd(now: Date, horizonDays: number): LocalDate {
  return addDays(localDate(now), horizonDays + 1);
}

/**
 * Free slots per day: within the horizon, not sooner than the minimum notice, and with fewer active
 * bookings than desks. `booked` maps startsAt → active bookings at that instant.
 */
export function freeDays(days: ScheduleDay[], rules: SlotRules, booked: ReadonlyMap<string, number>, now: Date): FreeDay[] {
  const earliest = now.getTime() + rules.minNoticeMinutes * 60_000;
  const lastDate = horizonEnd(now, rules.horizonDays);
  const out: FreeDay[] = [];
  for (const day of days) {
    if (day.date >= lastDate) continue;
    const slots: FreeSlot[] = [];
    for (const slot of daySlots(day, rules.slotMinutes)) {
      if (Date.parse(slot.startsAt) < earliest) continue;
      const free = rules.desks - (booked.get(slot.startsAt) ?? 0);
      if (free > 0) slots.push({ ...slot, free });
    }
    out.push({ date: day.date, slots });
  }
  return out;
}

/** Is this exact instant a slot of the day's schedule? Used to validate a time someone sends us. */
export function findSlot(day: ScheduleDay, slotMinutes: number, startsAt: string): Slot | null {
  return daySlots(day, slotMinutes).find((s) => s.startsAt === startsAt) ?? null;
}

/** The free slots closest in time to `target`, for the "just taken" page. */
export function nearestFree(days: FreeDay[], target: string, count: number): FreeSlot[] {
  const t = Date.parse(target);
  return days
    .flatMap((d) => d.slots)
    .filter((s) => s.startsAt !== target)
    .sort((a, b) => Math.abs(Date.parse(a.startsAt) - t) - Math.abs(Date.parse(b.startsAt) - t) || a.startsAt.localeCompare(b.startsAt))
    .slice(0, count)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}
