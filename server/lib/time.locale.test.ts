import { formatLocal } from './time';

/** Dates and times in the page's language through Intl (SPEC §4.11): words, order and separators per locale. */
describe('formatLocal per language', () => {
  const monday = new Date('2026-12-07T09:30:00Z'); // 10:30 in Amsterdam
  test.each([
    ['ar', 'الاثنين'],
    ['tr', 'Pazartesi'],
    ['pl', 'poniedziałek'],
    ['uk', 'понеділок'],
    ['nl', 'maandag'],
    ['en', 'Monday'],
  ])('%s names the weekday in its own language', (lang, weekday) => {
    const text = formatLocal(monday, 'dddd D MMMM YYYY', lang);
    expect(text).toContain(weekday);
    expect(text).toContain('2026');
    expect(text).toContain('7');
  });

  test('times are the Amsterdam wall clock, in 24 hours, with Latin digits in Arabic too', () => {
    for (const lang of ['ar', 'tr', 'pl', 'uk']) expect(formatLocal(monday, 'dddd D MMMM, HH:mm', lang)).toContain('10:30');
    expect(formatLocal(monday, 'D MMMM YYYY', 'ar')).toBe('7 ديسمبر 2026');
  });

  test('Dutch and English keep their patterns', () => {
    expect(formatLocal(monday, 'dddd D MMMM YYYY, HH:mm', 'nl')).toBe('maandag 7 december 2026, 10:30');
    expect(formatLocal(monday, 'dddd D MMMM YYYY', 'en')).toBe('Monday 7 December 2026');
  });

  test('a pattern Intl cannot express falls back to dayjs', () => {
    expect(formatLocal(monday, 'YYYY-MM-DD [x]', 'pl')).toBe('2026-12-07 x');
  });
});
