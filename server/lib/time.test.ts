import { addDays, isoWeekday, isValidLocalDate, localDate, localTime, zonedInstant } from './time';

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
});
