import { localDate, localTime } from '../lib/time';

/**
 * iCalendar (RFC 5545) files for appointments. Times are written as Europe/Amsterdam wall-clock times
 * with a VTIMEZONE, so a calendar shows 10:00 on the day after a clock change, not 09:00 or 11:00.
 */

export type IcsMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

export interface IcsEvent {
  uid: string;
  sequence: number;
  method: IcsMethod;
  start: Date;
  end: Date;
  /** When the file was made (DTSTAMP, in UTC). */
  stamp: Date;
  summary: string;
  description: string;
  location: string;
  url?: string;
  organizerEmail: string;
  organizerName: string;
  attendeeEmail?: string | null;
  /** The citizen's name as they typed it (any script, emoji too): the attendee's CN. */
  attendeeName?: string | null;
  /** Minutes before the start for the calendar's own reminder (VALARM); null for none. */
  alarmMinutes: number | null;
  alarmText: string;
}

const CRLF = '\r\n';

/** The EU rule (since 1996): summer time from the last Sunday of March 02:00 to the last Sunday of October 03:00. */
const AMSTERDAM_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Amsterdam',
  'X-LIC-LOCATION:Europe/Amsterdam',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** TEXT value escaping (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Parameter values with characters that need quoting (e.g. CN with a comma) are quoted; quotes are dropped. */
function paramValue(value: string): string {
  const clean = value.replace(/["\r\n]/g, '');
  return /[;:,]/.test(clean) ? `"${clean}"` : clean;
}

/**
 * Folds a content line at 75 octets (RFC 5545 3.1): continuation lines start with one space. Never splits
 * a UTF-8 character, so names in any script survive.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    const limit = parts.length === 0 ? 75 : 74; // continuation lines lose one octet to the leading space
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join(CRLF + ' ');
}

function utcStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function localStamp(d: Date): string {
  return `${localDate(d).replace(/-/g, '')}T${localTime(d).replace(':', '')}00`;
}

/** Builds the whole file as a string with CRLF line ends. */
export function buildIcs(e: IcsEvent): string {
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'PRODID:-//Dichterbij//Afspraken//NL',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    `METHOD:${e.method}`,
    ...AMSTERDAM_VTIMEZONE,
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${utcStamp(e.stamp)}`,
    `DTSTART;TZID=Europe/Amsterdam:${localStamp(e.start)}`,
    `DTEND;TZID=Europe/Amsterdam:${localStamp(e.end)}`,
    `SUMMARY:${escapeText(e.summary)}`,
    `DESCRIPTION:${escapeText(e.description)}`,
    `LOCATION:${escapeText(e.location)}`,
    ...(e.url ? [`URL:${e.url}`] : []),
    `ORGANIZER;CN=${paramValue(e.organizerName)}:mailto:${e.organizerEmail}`,
    ...(e.attendeeEmail ? [`ATTENDEE${e.attendeeName ? `;CN=${paramValue(e.attendeeName)}` : ''};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:${e.attendeeEmail}`] : []),
    `STATUS:${e.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
  ];
  if (e.alarmMinutes !== null && e.method !== 'CANCEL') {
    lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escapeText(e.alarmText)}`, `TRIGGER:-PT${e.alarmMinutes}M`, 'END:VALARM');
  }
  lines.push('END:VEVENT', 'END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** "Name <address>" or "address" → its parts, for ORGANIZER. */
export function parseMailbox(value: string): { name: string; email: string } {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value);
  if (m) return { name: m[1].replace(/^"|"$/g, '') || m[2], email: m[2] };
  return { name: value.trim(), email: value.trim() };
}
