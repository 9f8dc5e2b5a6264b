import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import 'dayjs/locale/nl';
import 'dayjs/locale/en';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(customParseFormat);

/** Every time a person sees is in this zone; every time we store is UTC (ISO 8601 with Z). */
export const TIME_ZONE = 'Europe/Amsterdam';

export type LocalDate = string; // YYYY-MM-DD in Europe/Amsterdam
export type LocalTime = string; // HH:MM in Europe/Amsterdam

/** Stored form of an instant: ISO 8601 UTC, sortable as text. */
export function toStored(instant: Date): string {
  return instant.toISOString();
}

/**
 * One cached formatter for the zone. dayjs' timezone plugin builds a new Intl.DateTimeFormat on every
 * call, which made time arithmetic the most expensive part of rendering a page with a week of hours.
 */
const ZONE_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

interface WallClock {
  date: LocalDate;
  time: LocalTime;
}

function wallClock(instant: Date): WallClock {
  const parts: Record<string, string> = {};
  for (const p of ZONE_PARTS.formatToParts(instant)) parts[p.type] = p.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

export function localDate(instant: Date): LocalDate {
  return wallClock(instant).date;
}

export function localTime(instant: Date): LocalTime {
  return wallClock(instant).time;
}

/** Milliseconds since the epoch of a local date at midnight UTC (calendar arithmetic only, no zone). */
function dateToUtcMs(date: LocalDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const d = new Date(dateToUtcMs(date)).getUTCDay();
  return d === 0 ? 7 : d;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(dateToUtcMs(date) + days * 86_400_000).toISOString().slice(0, 10);
}

export function isValidLocalDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(dateToUtcMs(value)).toISOString().slice(0, 10) === value;
}

export function isValidLocalTime(value: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
}

export function minutesOfDay(time: LocalTime): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

export function timeFromMinutes(minutes: number): LocalTime {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The instant of a wall-clock time in Amsterdam. Returns null for a time that does not exist
 * (the hour skipped when clocks go forward), so callers never invent a slot.
 */
export function zonedInstant(date: LocalDate, time: LocalTime): Date | null {
  // Treat the wall-clock time as UTC, then correct by the zone's offset at that moment; a second pass
  // settles the offset on days when it changes. A time that still does not read back does not exist.
  const asUtc = dateToUtcMs(date) + minutesOfDay(time) * 60_000;
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const seen = wallClock(new Date(guess));
    const seenMs = dateToUtcMs(seen.date) + minutesOfDay(seen.time) * 60_000;
    guess += asUtc - seenMs;
  }
  const instant = new Date(guess);
  const check = wallClock(instant);
  if (check.date !== date || check.time !== time) return null;
  return instant;
}

/** Human formats, in the user's language. */
export function formatLocal(instant: Date, pattern: string, lang = 'nl'): string {
  return dayjs(instant).tz(TIME_ZONE).locale(lang).format(pattern);
}

export { dayjs };
