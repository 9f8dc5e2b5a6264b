import type { Clock } from '../../lib/clock';
import type { Translations, Translate } from '../../lib/i18n';
import { formatLocal, localTime } from '../../lib/time';
import type { ComposedMail, Mailer } from '../../mail/mailer';
import { buildIcs, parseMailbox, type IcsMethod } from '../../mail/ics';
import type { Branch } from '../branches/branches.service';
import { checkInUrl, qrPng } from './qr';
import type { Appointment } from './appointments.model';
import type { ManageTokens } from './manage-token';

/** Content-ID of the QR image in appointment e-mails (views/emails/appointment-part-qr.html.ejs). */
export const QR_CID = 'checkin-qr@dichterbij';
/** The calendar's own reminder. */
const ALARM_MINUTES = 120;

export type AppointmentMailKind = 'confirmation' | 'rescheduled' | 'cancelled' | 'reminder' | 'reminder_today';

const KINDS: Record<AppointmentMailKind, { template: string; subjectKey: string; method: IcsMethod | null }> = {
  confirmation: { template: 'appointment-confirmation', subjectKey: 'appointments.mail.confirmation.subject', method: 'REQUEST' },
  rescheduled: { template: 'appointment-rescheduled', subjectKey: 'appointments.mail.rescheduled.subject', method: 'REQUEST' },
  cancelled: { template: 'appointment-cancelled', subjectKey: 'appointments.mail.cancelled.subject', method: 'CANCEL' },
  reminder: { template: 'appointment-reminder', subjectKey: 'appointments.mail.reminder.subject', method: null },
  // For a booking made less than a day ahead: the same reminder on the day itself.
  reminder_today: { template: 'appointment-reminder-today', subjectKey: 'appointments.mail.reminder_today.subject', method: null },
};

/** What an e-mail says about a booking, as it will be once the change is written (a new booking has no id yet). */
export type AppointmentFacts = Pick<
  Appointment,
  'code' | 'name' | 'email' | 'language' | 'startsAt' | 'endsAt' | 'topicKey' | 'needs' | 'cancelReason' | 'icsSequence'
>;

/**
 * An appointment e-mail rendered before the write transaction. Only the calendar file waits for `post`,
 * because its UID carries the row id, which a new booking gets from the insert; building it is string
 * concatenation (no template, no file, no image).
 */
export interface AppointmentLetter {
  mail: ComposedMail;
  facts: AppointmentFacts;
  branch: Branch;
  method: IcsMethod | null;
  lang: string;
}

/** Composes appointment e-mails and calendar files: what the citizen reads, in their language. */
export class AppointmentMail {
  private readonly organizer: { name: string; email: string };
  private readonly uidDomain: string;

  constructor(
    private readonly mailer: Mailer,
    private readonly tokens: ManageTokens,
    private readonly translations: Translations,
    private readonly clock: Clock,
    private readonly options: { baseUrl: string; mailFrom: string },
  ) {
    this.organizer = parseMailbox(options.mailFrom);
    this.uidDomain = new URL(options.baseUrl).hostname || 'localhost';
  }

  /** What the check-in QR code holds: the kiosk address with the short code only (no token, no personal data). */
  checkInUrl(a: Pick<Appointment, 'code'>): string {
    return checkInUrl(this.options.baseUrl, a.code);
  }

  /** Everything an appointment e-mail or page shows, formatted in the citizen's language. */
  describe(a: AppointmentFacts, b: Branch, lang: string): Record<string, unknown> {
    const start = new Date(a.startsAt);
    return {
      code: a.code,
      name: a.name,
      dateText: formatLocal(start, 'dddd D MMMM YYYY', lang),
      time: localTime(start),
      endTime: localTime(new Date(a.endsAt)),
      topicKey: a.topicKey,
      branchName: b.name,
      address: [b.address, [b.postcode, b.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
      branchPhone: b.phone,
      needs: a.needs,
      cancelReason: a.cancelReason,
      manageUrl: this.tokens.manageUrl(a.code),
    };
  }

  /** The calendar file in the citizen's language, for download from the manage page. */
  calendarFor(a: Appointment, b: Branch): string {
    return this.ics(a.id, a, b, 'PUBLISH', this.translations.translator(a.language));
  }

  /**
   * Renders the e-mail (templates, QR image) for a booking as it will be after the change. Call it before
   * the write transaction; null when the citizen left no e-mail address.
   */
  compose(a: AppointmentFacts, b: Branch, kind: AppointmentMailKind): AppointmentLetter | null {
    if (!a.email) return null;
    const { template, subjectKey, method } = KINDS[kind];
    const lang = a.language;
    const details = this.describe(a, b, lang);
    // Every e-mail about a coming visit carries the check-in QR code as an inline image (not a cancellation).
    const qr = method === 'CANCEL' ? null : qrPng(this.checkInUrl(a));
    const mail = this.mailer.compose({
      to: a.email,
      template,
      lang,
      subjectKey,
      subjectParams: { date: String(details.dateText), time: String(details.time) },
      data: { ...details, qrCid: qr ? QR_CID : null, qrSide: qr?.side ?? 0 },
      attachments: qr ? [{ filename: 'aanmelden-qr.png', contentType: 'image/png', content: qr.png.toString('base64'), encoding: 'base64', cid: QR_CID }] : [],
    });
    return { mail, facts: a, branch: b, method, lang };
  }

  /** Inside the write transaction: adds the calendar file and writes the outbox row. */
  post(letter: AppointmentLetter | null, id: number): void {
    if (!letter) return;
    const attachments = [...letter.mail.attachments];
    if (letter.method) {
      const t = this.translations.translator(letter.lang);
      attachments.unshift({
        filename: letter.method === 'CANCEL' ? 'afspraak-geannuleerd.ics' : 'afspraak.ics',
        contentType: `text/calendar; charset=utf-8; method=${letter.method}`,
        content: this.ics(id, letter.facts, letter.branch, letter.method, t),
      });
    }
    this.mailer.enqueueComposed({ ...letter.mail, attachments, related: { type: 'appointment', id } });
  }

  private ics(id: number, a: AppointmentFacts, b: Branch, method: IcsMethod, t: Translate): string {
    return buildIcs({
      uid: `appointment-${id}@${this.uidDomain}`,
      sequence: a.icsSequence,
      method,
      start: new Date(a.startsAt),
      end: new Date(a.endsAt),
      stamp: this.clock.now(),
      summary: t('appointments.ics.summary', { branch: b.name }),
      description: t('appointments.ics.description', { code: a.code }),
      location: [b.name, b.address, [b.postcode, b.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
      url: method === 'CANCEL' ? undefined : this.tokens.manageUrl(a.code),
      organizerEmail: this.organizer.email,
      organizerName: this.organizer.name,
      attendeeEmail: a.email,
      attendeeName: a.name,
      alarmMinutes: ALARM_MINUTES,
      alarmText: t('appointments.ics.alarm', { branch: b.name }),
    });
  }
}
