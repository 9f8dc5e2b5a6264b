import { buildIcs, escapeText, foldLine, parseMailbox, type IcsEvent } from './ics';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js');

function event(start: string, overrides: Partial<IcsEvent> = {}): IcsEvent {
  return {
    uid: 'appointment-7@bieb.example',
    sequence: 0,
    method: 'REQUEST',
    start: new Date(start),
    end: new Date(Date.parse(start) + 30 * 60_000),
    stamp: new Date('2026-03-01T12:34:56.789Z'),
    summary: 'Afspraak Digitale Overheid – Centrale Bibliotheek',
    description: 'Uw afspraakcode: ABC2345. Neem mee: uw ID, telefoon; brieven\nen papieren',
    location: 'Centrale Bibliotheek, Stationsplein 1, 1234 AB Ergens',
    url: 'https://bieb.example/appointments/abc',
    organizerEmail: 'noreply@bieb.example',
    organizerName: 'Dichterbij, de bieb',
    attendeeEmail: 'jan@example.nl',
    alarmMinutes: 120,
    alarmText: 'Over 2 uur',
    ...overrides,
  };
}

function parse(ics: string): { vevent: unknown; event: { startDate: { toString(): string; toJSDate(): Date }; endDate: { toJSDate(): Date }; uid: string; sequence: number } } {
  const comp = new ICAL.Component(ICAL.parse(ics));
  const vevent = comp.getFirstSubcomponent('vevent');
  return { vevent, event: new ICAL.Event(vevent) };
}

describe('ics', () => {
  test('RFC 5545 structure: CRLF only, lines of at most 75 octets, required properties, VTIMEZONE with both rules', () => {
    const ics = buildIcs(event('2026-03-03T09:00:00.000Z', { description: 'Ünïcödé '.repeat(30) }));
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    for (const needed of ['BEGIN:VCALENDAR', 'PRODID:', 'VERSION:2.0', 'METHOD:REQUEST', 'BEGIN:VTIMEZONE', 'TZID:Europe/Amsterdam', 'BEGIN:DAYLIGHT', 'BEGIN:STANDARD', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'UID:appointment-7@bieb.example', 'SEQUENCE:0', 'DTSTAMP:20260301T123456Z', 'DTSTART;TZID=Europe/Amsterdam:20260303T100000', 'DTEND;TZID=Europe/Amsterdam:20260303T103000', 'BEGIN:VALARM', 'TRIGGER:-PT120M', 'ORGANIZER;CN="Dichterbij, de bieb":mailto:noreply@bieb.example']) {
      expect(ics).toContain(needed);
    }
    // ical.js unfolds and reads the text back exactly.
    const { vevent } = parse(ics);
    expect((vevent as { getFirstPropertyValue(n: string): string }).getFirstPropertyValue('description')).toBe('Ünïcödé '.repeat(30));
  });

  test('folding never splits a multi-byte character', () => {
    const line = 'SUMMARY:' + '🙂'.repeat(40);
    const folded = foldLine(line);
    expect(folded.split('\r\n ').join('')).toBe(line);
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
  });

  test('text escaping of backslash, semicolon, comma and newlines', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
    const { vevent } = parse(buildIcs(event('2026-03-03T09:00:00.000Z')));
    expect((vevent as { getFirstPropertyValue(n: string): string }).getFirstPropertyValue('description')).toBe(
      'Uw afspraakcode: ABC2345. Neem mee: uw ID, telefoon; brieven\nen papieren',
    );
  });

  test.each([
    ['2026-03-30T08:00:00.000Z', '2026-03-30T10:00:00'], // day after spring change: CEST
    ['2026-03-27T09:00:00.000Z', '2026-03-27T10:00:00'], // before it: CET
    ['2026-10-26T09:00:00.000Z', '2026-10-26T10:00:00'], // day after autumn change: CET
    ['2027-03-29T08:00:00.000Z', '2027-03-29T10:00:00'],
    ['2027-11-01T09:00:00.000Z', '2027-11-01T10:00:00'],
  ])('%s reads back as %s local and the same instant', (utc, local) => {
    const { event: e } = parse(buildIcs(event(utc)));
    expect(e.startDate.toString()).toBe(local);
    expect(e.startDate.toJSDate().toISOString()).toBe(utc);
    expect(e.endDate.toJSDate().getTime() - e.startDate.toJSDate().getTime()).toBe(30 * 60_000);
  });

  test('cancel: METHOD:CANCEL, STATUS:CANCELLED, no alarm', () => {
    const ics = buildIcs(event('2026-03-03T09:00:00.000Z', { method: 'CANCEL', sequence: 2 }));
    expect(ics).toContain('METHOD:CANCEL\r\n');
    expect(ics).toContain('STATUS:CANCELLED\r\n');
    expect(ics).toContain('SEQUENCE:2\r\n');
    expect(ics).not.toContain('VALARM');
  });

  test('parseMailbox', () => {
    expect(parseMailbox('Dichterbij <noreply@bieb.nl>')).toEqual({ name: 'Dichterbij', email: 'noreply@bieb.nl' });
    expect(parseMailbox('noreply@bieb.nl')).toEqual({ name: 'noreply@bieb.nl', email: 'noreply@bieb.nl' });
  });
});
