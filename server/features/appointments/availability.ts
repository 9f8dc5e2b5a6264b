import { addDays, instantsOfDay, localDate, minutesOfDay, timeFromMinutes, type LocalDate, type LocalTime } from '../../lib/time';

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
  return timedSlots(day, slotMinutes).map((t) => t.slot);
}

/** A slot with its start in milliseconds, so filtering a horizon of slots never parses a date string again. */
interface TimedSlot {
  slot: Slot;
  startMs: number;
}

/**
 * The time picker asks for every day of the booking horizon (six weeks) on every render, and the answer
 * depends only on the date, the slot length and the opening periods: remembered, bounded, and frozen so no
 * caller can change a shared slot.
 */
const slotsByDay = new Map<string, readonly TimedSlot[]>();
const MAX_REMEMBERED_DAYS = 2_000;

function timedSlots(day: ScheduleDay, slotMinutes: number): readonly TimedSlot[] {
  let key = `${day.date}|${slotMinutes}`;
  for (const p of day.periods) key += `|${p.opens}-${p.closes}`;
  const known = slotsByDay.get(key);
  if (known) return known;
  const slots = computeTimedSlots(day, slotMinutes);
  if (slotsByDay.size >= MAX_REMEMBERED_DAYS) slotsByDay.clear();
  slotsByDay.set(key, slots);
  return slots;
}

function computeTimedSlots(day: ScheduleDay, slotMinutes: number): readonly TimedSlot[] {
  const seen = new Set<number>();
  const out: TimedSlot[] = [];
  const instantAt = instantsOfDay(day.date);
  const periods = day.periods.length > 1 ? [...day.periods].sort((a, b) => a.opens.localeCompare(b.opens)) : day.periods;
  for (const p of periods) {
    const closes = minutesOfDay(p.closes);
    for (let m = minutesOfDay(p.opens); m + slotMinutes <= closes; m += slotMinutes) {
      if (seen.has(m)) continue;
      const startMs = instantAt(m);
      if (startMs === null) continue;
      seen.add(m);
      const slot = { date: day.date, time: timeFromMinutes(m), startsAt: new Date(startMs).toISOString(), endsAt: new Date(startMs + slotMinutes * 60_000).toISOString() };
      out.push(Object.freeze({ slot: Object.freeze(slot), startMs }));
    }
  }
  return Object.freeze(out);
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
    for (const { slot, startMs } of timedSlots(day, rules.slotMinutes)) {
      if (startMs < earliest) continue;
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
