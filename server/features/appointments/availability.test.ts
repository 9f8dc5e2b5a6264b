import { daySlots, findSlot, freeDays, nearestFree, type ScheduleDay } from './availability';

const sunday = (date: string, opens = '09:00', closes = '17:00'): ScheduleDay => ({ date, periods: [{ opens, closes }] });
const times = (slots: { time: string }[]): string[] => slots.map((s) => s.time);
const halfHours = (from: number, to: number): string[] => {
  const out: string[] = [];
  for (let m = from * 60; m < to * 60; m += 30) out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${m % 60 === 0 ? '00' : '30'}`);
  return out;
};

describe('daySlots on ordinary days', () => {
  test('09:00–17:00 with 30 minutes gives 16 slots, 09:00 … 16:30, in winter time (UTC+1)', () => {
    const slots = daySlots(sunday('2026-03-01'), 30);
    expect(times(slots)).toEqual(halfHours(9, 17));
    expect(slots[0].startsAt).toBe('2026-03-01T08:00:00.000Z');
    expect(slots[15].endsAt).toBe('2026-03-01T16:00:00.000Z');
  });

  test('several periods a day; a slot never runs past closing', () => {
    const day: ScheduleDay = { date: '2026-06-03', periods: [{ opens: '13:30', closes: '17:00' }, { opens: '10:00', closes: '12:00' }] };
    expect(times(daySlots(day, 45))).toEqual(['10:00', '10:45', '13:30', '14:15', '15:00', '15:45']);
    expect(daySlots(day, 45)[0].startsAt).toBe('2026-06-03T08:00:00.000Z'); // summer time, UTC+2
  });

  test('a closed day has no slots', () => {
    expect(daySlots({ date: '2026-06-03', periods: [] }, 30)).toEqual([]);
  });
});

describe.each([
  ['2026-03-29', 'spring', '07:00'],
  ['2027-03-28', 'spring', '07:00'],
  ['2026-10-25', 'autumn', '08:00'],
  ['2027-10-31', 'autumn', '08:00'],
])('clock change on %s (%s)', (date, season, firstUtc) => {
  test('a Sunday open 09:00–17:00 has exactly the 16 half-hour slots, at the right instants', () => {
    const slots = daySlots(sunday(date), 30);
    expect(times(slots)).toEqual(halfHours(9, 17));
    expect(slots[0].startsAt).toBe(`${date}T${firstUtc}:00.000Z`);
    // Every slot is exactly 30 real minutes after the previous one: no hour gained or lost in the day.
    for (let i = 1; i < slots.length; i++) expect(Date.parse(slots[i].startsAt) - Date.parse(slots[i - 1].startsAt)).toBe(30 * 60_000);
    expect(new Set(slots.map((s) => s.startsAt)).size).toBe(16);
  });

  test('a branch open through the night (00:00–05:00) gets one slot per existing wall-clock time', () => {
    const slots = daySlots(sunday(date, '00:00', '05:00'), 30);
    if (season === 'spring') {
      // 02:00 and 02:30 do not exist on this day.
      expect(times(slots)).toEqual(['00:00', '00:30', '01:00', '01:30', '03:00', '03:30', '04:00', '04:30']);
      expect(slots.find((s) => s.time === '03:00')!.startsAt).toBe(`${date}T01:00:00.000Z`);
    } else {
      // 02:00 and 02:30 happen twice; each wall-clock time is offered once.
      expect(times(slots)).toEqual(halfHours(0, 5));
      expect(slots.find((s) => s.time === '03:00')!.startsAt).toBe(`${date}T02:00:00.000Z`);
    }
    expect(new Set(slots.map((s) => s.startsAt)).size).toBe(slots.length);
  });

  test('the day after keeps local times: 10:00 is 10:00 in the new offset', () => {
    const next = season === 'spring' ? { '2026-03-29': '2026-03-30', '2027-03-28': '2027-03-29' }[date]! : { '2026-10-25': '2026-10-26', '2027-10-31': '2027-11-01' }[date]!;
    const slot = daySlots(sunday(next, '10:00', '10:30'), 30)[0];
    expect(slot.startsAt).toBe(`${next}T${season === 'spring' ? '08' : '09'}:00:00.000Z`);
  });
});

describe('freeDays', () => {
  const rules = { slotMinutes: 30, desks: 2, minNoticeMinutes: 60, horizonDays: 2 };
  const days = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'].map((d) => sunday(d));

  test('minimum notice, horizon and full slots are left out; free desks are counted', () => {
    const now = new Date('2026-03-02T09:10:00Z'); // 10:10 in Amsterdam
    const booked = new Map([
      ['2026-03-02T10:00:00.000Z', 2], // 11:00 full
      ['2026-03-02T10:30:00.000Z', 1], // 11:30 one desk left
    ]);
    const result = freeDays(days, rules, booked, now);
    expect(result.map((d) => d.date)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    const today = result[0].slots;
    expect(today[0].time).toBe('11:30'); // 10:30 and 11:00 are too soon / 11:00 is full
    expect(today[0].free).toBe(1);
    expect(today.find((s) => s.time === '11:00')).toBeUndefined();
    expect(result[1].slots).toHaveLength(16);
  });

  test('findSlot accepts only real slot instants', () => {
    expect(findSlot(days[0], 30, '2026-03-02T08:30:00.000Z')?.time).toBe('09:30');
    expect(findSlot(days[0], 30, '2026-03-02T08:40:00.000Z')).toBeNull();
    expect(findSlot(days[0], 30, '2026-03-02T16:00:00.000Z')).toBeNull(); // 17:00 is closing time
  });

  test('nearestFree orders the closest times chronologically', () => {
    const free = freeDays(days, { ...rules, minNoticeMinutes: 0 }, new Map(), new Date('2026-03-01T00:00:00Z'));
    const near = nearestFree(free, '2026-03-03T11:00:00.000Z', 3);
    // 12:00 local itself is excluded; 11:30 and 12:30 are 30 minutes away, then 11:00 wins the tie with 13:00.
    expect(near.map((s) => `${s.date} ${s.time}`)).toEqual(['2026-03-03 11:00', '2026-03-03 11:30', '2026-03-03 12:30']);
  });
});
