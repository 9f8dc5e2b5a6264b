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

export function localDate(instant: Date): LocalDate {
  return dayjs(instant).tz(TIME_ZONE).format('YYYY-MM-DD');
}

export function localTime(instant: Date): LocalTime {
  return dayjs(instant).tz(TIME_ZONE).format('HH:mm');
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const d = dayjs.utc(date, 'YYYY-MM-DD', true).day();
  return d === 0 ? 7 : d;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return dayjs.utc(date, 'YYYY-MM-DD', true).add(days, 'day').format('YYYY-MM-DD');
}

export function isValidLocalDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && dayjs.utc(value, 'YYYY-MM-DD', true).isValid();
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
  const instant = dayjs.tz(`${date} ${time}`, 'YYYY-MM-DD HH:mm', TIME_ZONE).toDate();
  if (localDate(instant) !== date || localTime(instant) !== time) return null;
  return instant;
}

/** Human formats, in the user's language. */
export function formatLocal(instant: Date, pattern: string, lang = 'nl'): string {
  return dayjs(instant).tz(TIME_ZONE).locale(lang).format(pattern);
}

export { dayjs };
