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

const HOUR_MS = 3_600_000;

/** The zone's UTC offset at an instant, in milliseconds, read through Intl (slow: ~10 µs a call). */
function offsetThroughIntl(ms: number): number {
  const parts: Record<string, string> = {};
  for (const p of ZONE_PARTS.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  // The formatter has minute precision; the offset is the wall clock minus the instant, both floored to the minute.
  return wall - (ms - (((ms % 60_000) + 60_000) % 60_000));
}

/**
 * Offsets by UTC hour. Rendering a week of slots asks for the same few hours thousands of times, and
 * Intl was the largest cost of `/book/time` (issue 8). Europe/Amsterdam changes its offset only at whole
 * UTC hours (01:00 UTC), but an hour is cached only when its first and last minute agree, so the cache
 * stays exact even for a zone (or a historical date) where that is not so. Bounded: cleared when full.
 */
const offsetByHour = new Map<number, number>();
const MAX_CACHED_HOURS = 50_000;

function zoneOffsetMs(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  const cached = offsetByHour.get(hour);
  if (cached !== undefined) return cached;
  const start = offsetThroughIntl(hour * HOUR_MS);
  if (start !== offsetThroughIntl(hour * HOUR_MS + HOUR_MS - 60_000)) return offsetThroughIntl(ms);
  if (offsetByHour.size >= MAX_CACHED_HOURS) offsetByHour.clear();
  offsetByHour.set(hour, start);
  return start;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function wallClock(instant: Date): WallClock {
  const ms = instant.getTime();
  const wall = new Date(ms + zoneOffsetMs(ms));
  return {
    date: `${wall.getUTCFullYear()}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}`,
    time: `${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}`,
  };
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
 *
 * Fast path: when the offset is the same just before the local day starts and just after it ends, the
 * offset does not change during the day (Amsterdam changes at most twice a year, months apart), so every
 * time of the day is plain arithmetic. On the two clock-change days a year the exact path runs.
 */
export function zonedInstant(date: LocalDate, time: LocalTime): Date | null {
  const asUtc = dateToUtcMs(date) + minutesOfDay(time) * 60_000;
  const offset = steadyOffsetOfDay(date);
  return offset === null ? zonedInstantExact(date, time) : new Date(asUtc - offset);
}

const offsetByDay = new Map<LocalDate, number | null>();
const MAX_CACHED_DAYS = 5_000;

/** The day's offset if it does not change from before its first to after its last minute, else null. */
function steadyOffsetOfDay(date: LocalDate): number | null {
  const cached = offsetByDay.get(date);
  if (cached !== undefined) return cached;
  const offset = steadyOffsetThroughHours(date);
  if (offsetByDay.size >= MAX_CACHED_DAYS) offsetByDay.clear();
  offsetByDay.set(date, offset);
  return offset;
}

function steadyOffsetThroughHours(date: LocalDate): number | null {
  const midnightUtc = dateToUtcMs(date);
  // 14 hours either side covers every offset the world uses (-12:00 … +14:00), so these two instants
  // lie outside the local day whatever the zone.
  const before = zoneOffsetMs(midnightUtc - 14 * HOUR_MS);
  const after = zoneOffsetMs(midnightUtc + 38 * HOUR_MS);
  return before === after ? before : null;
}

/**
 * For one local date, a function from minutes after midnight to the instant (ms since the epoch), or null
 * for a time that does not exist that day. Availability asks this for every slot of every day in the
 * booking horizon, so the day's offset is looked up once, not per slot.
 */
export function instantsOfDay(date: LocalDate): (minutes: number) => number | null {
  const base = dateToUtcMs(date);
  const offset = steadyOffsetOfDay(date);
  if (offset !== null) return (minutes) => base + minutes * 60_000 - offset;
  return (minutes) => zonedInstantExact(date, timeFromMinutes(minutes))?.getTime() ?? null;
}

/** The exact conversion: iterate on the offset at the guessed instant, then check it reads back. */
export function zonedInstantExact(date: LocalDate, time: LocalTime): Date | null {
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

/**
 * Languages whose dates and times Intl formats (order, words and separators of that locale, from CLDR). Dutch
 * and English keep the dayjs patterns their pages and e-mails have always shown. Arabic uses Latin digits,
 * like the times, codes and phone numbers beside them (Intl's default for "ar" is Arabic-Indic digits).
 */
const INTL_LANGUAGES: ReadonlyMap<string, string> = new Map([
  ['ar', 'ar-u-nu-latn'],
  ['tr', 'tr'],
  ['pl', 'pl'],
  ['uk', 'uk'],
]);
const intlFormatters = new Map<string, Intl.DateTimeFormat | null>();

/**
 * The Intl options a dayjs pattern asks for (dddd, ddd, D, DD, MMMM, MMM, MM, YYYY, HH, mm, ss), or null for a
 * pattern with anything else (then dayjs formats it). Cached: a page formats many dates with few patterns.
 */
function intlFormatter(pattern: string, lang: string): Intl.DateTimeFormat | null {
  const id = `${lang}\u0000${pattern}`;
  let f = intlFormatters.get(id);
  if (f !== undefined) return f;
  const options: Intl.DateTimeFormatOptions = { timeZone: TIME_ZONE };
  const tokens = pattern.match(/dddd|ddd|DD|D|MMMM|MMM|MM|YYYY|HH|mm|ss|[^A-Za-z]+|[A-Za-z]+/g) ?? [];
  let ok = tokens.length > 0;
  for (const token of tokens) {
    if (token === 'dddd') options.weekday = 'long';
    else if (token === 'ddd') options.weekday = 'short';
    else if (token === 'D') options.day = 'numeric';
    else if (token === 'DD') options.day = '2-digit';
    else if (token === 'MMMM') options.month = 'long';
    else if (token === 'MMM') options.month = 'short';
    else if (token === 'MM') options.month = '2-digit';
    else if (token === 'YYYY') options.year = 'numeric';
    else if (token === 'HH') Object.assign(options, { hour: '2-digit', hourCycle: 'h23' });
    else if (token === 'mm') options.minute = '2-digit';
    else if (token === 'ss') options.second = '2-digit';
    else if (/[A-Za-z]/.test(token)) ok = false;
  }
  f = ok ? new Intl.DateTimeFormat(INTL_LANGUAGES.get(lang), options) : null;
  intlFormatters.set(id, f);
  return f;
}

/**
 * Human formats, in the user's language. dayjs' timezone plugin goes through Intl on every call; the
 * cached offset gives the same wall clock, formatted as if it were UTC. Patterns that print the offset
 * itself (Z, ZZ, z) take the plugin's path, which knows the zone.
 */
export function formatLocal(instant: Date, pattern: string, lang = 'nl'): string {
  const intl = INTL_LANGUAGES.has(lang) ? intlFormatter(pattern, lang) : null;
  if (intl && !Number.isNaN(instant.getTime())) return intl.format(instant);
  if (/[Zz]/.test(pattern.replace(/\[[^\]]*\]/g, ''))) return dayjs(instant).tz(TIME_ZONE).locale(lang).format(pattern);
  const ms = instant.getTime();
  if (Number.isNaN(ms)) return dayjs(instant).format(pattern); // "Invalid Date", as before
  return dayjs.utc(ms + zoneOffsetMs(ms)).locale(lang).format(pattern);
}

export { dayjs };
