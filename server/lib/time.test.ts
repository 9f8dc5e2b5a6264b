import { addDays, formatLocal, isoWeekday, isValidLocalDate, localDate, localTime, timeFromMinutes, zonedInstant, zonedInstantExact, dayjs, TIME_ZONE } from './time';

/** The wall clock straight from Intl, without any cache: what the fast paths must agree with. */
const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
function intlWallClock(instant: Date): string {
  const p: Record<string, string> = {};
  for (const part of intl.formatToParts(instant)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

describe('Europe/Amsterdam time helpers', () => {
  test('wall clock of an instant, summer and winter, across midnight', () => {
    expect(localDate(new Date('2026-07-01T22:30:00Z'))).toBe('2026-07-02');
    expect(localTime(new Date('2026-07-01T22:30:00Z'))).toBe('00:30');
    expect(localTime(new Date('2026-01-15T08:05:00Z'))).toBe('09:05');
    expect(localDate(new Date('2026-12-31T23:00:00Z'))).toBe('2027-01-01');
  });

  test('zonedInstant: normal days, the skipped spring hour, the repeated autumn hour', () => {
    expect(zonedInstant('2026-07-01', '10:00')?.toISOString()).toBe('2026-07-01T08:00:00.000Z');
    expect(zonedInstant('2026-01-15', '10:00')?.toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(zonedInstant('2026-03-29', '02:30')).toBeNull();
    expect(zonedInstant('2026-03-29', '01:30')?.toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(zonedInstant('2026-03-29', '03:00')?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    const autumn = zonedInstant('2026-10-25', '02:30');
    expect(autumn).not.toBeNull();
    expect(localTime(autumn!)).toBe('02:30');
    expect(zonedInstant('2026-10-25', '03:00')?.toISOString()).toBe('2026-10-25T02:00:00.000Z');
    expect(zonedInstant('2027-03-28', '09:00')?.toISOString()).toBe('2027-03-28T07:00:00.000Z');
    expect(zonedInstant('2027-10-31', '09:00')?.toISOString()).toBe('2027-10-31T08:00:00.000Z');
  });

  test('calendar arithmetic on local dates', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isoWeekday('2026-11-23')).toBe(1);
    expect(isoWeekday('2026-11-29')).toBe(7);
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('2028-02-29')).toBe(true);
    expect(isValidLocalDate('2026-13-01')).toBe(false);
    expect(isValidLocalDate('26-1-1')).toBe(false);
  });

  test('the cached offsets give exactly what Intl gives, every 15 minutes of 2026 and 2027', () => {
    const end = Date.parse('2028-01-01T00:00:00Z');
    const wrong: string[] = [];
    let checked = 0;
    for (let ms = Date.parse('2025-12-31T00:00:00Z'); ms < end; ms += 15 * 60_000, checked++) {
      const instant = new Date(ms);
      const fast = `${localDate(instant)} ${localTime(instant)}`;
      if (fast !== intlWallClock(instant)) wrong.push(`${instant.toISOString()} → ${fast}`);
    }
    expect(checked).toBeGreaterThan(70_000);
    expect(wrong).toEqual([]);
  });

  test('zonedInstant (one offset per day) equals the exact conversion for every quarter hour of 2026 and 2027', () => {
    const wrong: string[] = [];
    let missing = 0;
    for (let date = '2026-01-01'; date < '2028-01-01'; date = addDays(date, 1)) {
      for (let m = 0; m < 24 * 60; m += 15) {
        const time = timeFromMinutes(m);
        const fast = zonedInstant(date, time)?.toISOString() ?? null;
        if (fast === null) missing++;
        if (fast !== (zonedInstantExact(date, time)?.toISOString() ?? null)) wrong.push(`${date} ${time} → ${fast}`);
      }
    }
    expect(wrong).toEqual([]);
    // The skipped spring hour, twice: 4 quarter hours on 2026-03-29 and on 2027-03-28.
    expect(missing).toBe(8);
  });

  test('formatLocal prints the Amsterdam wall clock, also around the clock changes', () => {
    for (const iso of ['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-07-01T22:30:00Z']) {
      const d = new Date(iso);
      expect(formatLocal(d, 'dddd D MMMM YYYY HH:mm', 'nl')).toBe(dayjs(d).tz(TIME_ZONE).locale('nl').format('dddd D MMMM YYYY HH:mm'));
    }
    expect(formatLocal(new Date('2026-07-01T08:00:00Z'), 'HH:mm Z')).toBe('10:00 +02:00');
    expect(formatLocal(new Date('2026-01-15T08:00:00Z'), 'D MMM YYYY HH:mm', 'en')).toBe('15 Jan 2026 09:00');
  });
});
