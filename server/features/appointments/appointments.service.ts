import crypto from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Translations, Translate } from '../../lib/i18n';
import type { Actor } from '../../lib/actor';
import { addDays, formatLocal, localDate, localTime } from '../../lib/time';
import { ConflictError, ForbiddenError, GoneError, NotFoundError } from '../../http/errors';
import type { Notifier } from '../../realtime/notifier';
import type { Mailer } from '../../mail/mailer';
import type { Attachment } from '../../mail/outbox.repository';
import { buildIcs, parseMailbox, type IcsMethod } from '../../mail/ics';
import { checkInUrl, qrPng } from './qr';
import type { AuditService } from '../audit/audit.service';
import type { Branch, BranchesService } from '../branches/branches.service';
import { daySlots, findSlot, freeDays, nearestFree, type FreeDay, type FreeSlot, type ScheduleDay, type Slot, type SlotRules } from './availability';
import {
  CapacityExceededError,
  isUniqueViolation,
  type Appointment,
  type AppointmentChannel,
  type AppointmentsRepository,
  type Needs,
} from './appointments.repository';

export type { Appointment, AppointmentChannel, Needs, FreeDay, FreeSlot };

/** Plain-language booking topics. Keys match the kiosk's walk-in topics, so statistics can line them up. */
export const BOOKING_TOPICS = ['digid', 'taxes', 'allowances', 'municipality', 'device', 'other'] as const;
export type BookingTopic = (typeof BOOKING_TOPICS)[number];

// 31 characters: digits and capitals without 0/O, 1/I/L, so a code read aloud or from paper is unambiguous.
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 7;
/** The calendar's own reminder, and the e-mail reminder's lead time. */
const ALARM_MINUTES = 120;
const REMINDER_LEAD_MS = 24 * 3600_000;
/** Content-ID of the QR image in appointment e-mails (views/emails/appointment-part-qr.html.ejs). */
export const QR_CID = 'checkin-qr@dichterbij';

/** The chosen time was taken by someone else (or is no longer bookable). */
export class SlotTakenError extends ConflictError {
  constructor() {
    super('booking.taken.text');
  }
}

export interface BookingInput {
  branchId: number;
  topicKey: string;
  startsAt: string;
  name: string;
  email: string | null;
  phone: string | null;
  needs: Needs;
  language: string;
  channel: AppointmentChannel;
  /** From the public form, so a repeated POST finds the first booking instead of making a second. */
  idempotencyKey: string | null;
  /** Coordinators only (checked here and in the route); audited. */
  capacityOverride: boolean;
}

export interface Booked {
  appointment: Appointment;
  token: string;
  /** True when this was a repeat of an earlier submit (same idempotency key). */
  repeated: boolean;
}

export interface AppointmentsOptions {
  baseUrl: string;
  mailFrom: string;
  /** Secret used to derive manage tokens; never stored in the database. */
  tokenSecret: string;
  /** The calendar file's text is in the citizen's language, like the e-mail it travels with. */
  translations: Translations;
  /**
   * Called after a status change has been committed (arrived, in progress, done, no-show, cancelled), so the
   * branch's public queue display can recount who is waiting. A callback rather than the QueueService itself,
   * because the queue already depends on this service (deps.ts wires it to queue.announceDisplay).
   */
  onStatusChanged?: (branchId: number) => void;
}

export function normaliseCode(input: string): string {
  return input.normalize('NFKC').toUpperCase().replace(/[\s.\-_]/g, '');
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** A manage token looks like this (43 base64url characters = 256 bits); anything else is not one. */
export function isTokenShaped(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

export class AppointmentsService {
  private readonly tokenKey: Buffer;
  private readonly organizer: { name: string; email: string };
  private readonly uidDomain: string;

  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly branches: BranchesService,
    private readonly mailer: Mailer,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    private readonly options: AppointmentsOptions,
  ) {
    this.tokenKey = crypto.createHmac('sha256', options.tokenSecret).update('dichterbij appointment manage token v1').digest();
    this.organizer = parseMailbox(options.mailFrom);
    this.uidDomain = new URL(options.baseUrl).hostname || 'localhost';
  }

  /**
   * The manage token is an HMAC of the booking code with a server secret: 256 unguessable bits, stored
   * only as a hash, yet re-derivable for the reminder e-mail and for a repeated submit.
   */
  tokenFor(code: string): string {
    return crypto.createHmac('sha256', this.tokenKey).update(code).digest('base64url');
  }

  // ---------------------------------------------------------------- availability

  bookableBranches(): Branch[] {
    return this.branches.listActive();
  }

  branch(id: number): Branch {
    const b = this.branches.find(id);
    if (!b || b.retiredAt) throw new NotFoundError();
    return b;
  }

  private rules(b: Branch): SlotRules {
    return { slotMinutes: b.slotMinutes, desks: b.desks, minNoticeMinutes: b.minNoticeMinutes, horizonDays: b.horizonDays };
  }

  private schedule(branchId: number, fromDate: string, days: number): ScheduleDay[] {
    return this.branches.schedule(branchId, fromDate, days).map((d) => ({ date: d.date, periods: d.periods }));
  }

  /** Free times per day from `fromDate` for `days` days (public rules: notice and horizon apply). */
  freeDays(branchId: number, fromDate: string, days: number, staff = false): FreeDay[] {
    const b = this.branch(branchId);
    const schedule = this.schedule(branchId, fromDate, days);
    const from = new Date(Date.parse(`${addDays(fromDate, -1)}T00:00:00Z`)).toISOString();
    const to = new Date(Date.parse(`${addDays(fromDate, days + 1)}T00:00:00Z`)).toISOString();
    const now = this.clock.now();
    const rules = this.rules(b);
    // Staff may book a desk visitor into the slot that is running now, and beyond the public horizon.
    const effective = staff ? { ...rules, minNoticeMinutes: -rules.slotMinutes, horizonDays: 366 } : rules;
    return freeDays(schedule, effective, this.repo.slotCounts(branchId, from, to), now);
  }

  /** Every slot of the schedule, booked or not (for the demo seed and day overviews). */
  allSlots(branchId: number, fromDate: string, days: number): { date: string; slots: Slot[] }[] {
    const b = this.branch(branchId);
    return this.schedule(branchId, fromDate, days).map((d) => ({ date: d.date, slots: daySlots(d, b.slotMinutes) }));
  }

  /** Days with free times, starting at `fromDate`, looking at most `searchDays` ahead; for paging. */
  nextFreeDays(branchId: number, fromDate: string, wanted: number, searchDays = 42): { days: FreeDay[]; nextFrom: string | null } {
    const all = this.freeDays(branchId, fromDate, searchDays).filter((d) => d.slots.length > 0);
    const days = all.slice(0, wanted);
    const nextFrom = all.length > wanted ? all[wanted].date : null;
    return { days, nextFrom };
  }

  nearestFreeTo(branchId: number, startsAt: string, count: number): FreeSlot[] {
    const date = localDate(new Date(startsAt));
    const today = localDate(this.clock.now());
    const from = addDays(date, -3) < today ? today : addDays(date, -3);
    return nearestFree(this.freeDays(branchId, from, 10), startsAt, count);
  }

  /** Checks that `startsAt` is a real slot of the branch's schedule and returns it, or throws SlotTakenError. */
  private slotOf(b: Branch, startsAt: string, staff: boolean): { startsAt: string; endsAt: string; date: string; time: string } {
    const instant = new Date(startsAt);
    if (Number.isNaN(instant.getTime())) throw new SlotTakenError();
    const date = localDate(instant);
    const [day] = this.schedule(b.id, date, 1);
    const slot = findSlot(day, b.slotMinutes, instant.toISOString());
    if (!slot) throw new SlotTakenError();
    const now = this.clock.now().getTime();
    const start = Date.parse(slot.startsAt);
    const earliest = staff ? now - b.slotMinutes * 60_000 : now + b.minNoticeMinutes * 60_000;
    if (start < earliest) throw new SlotTakenError();
    if (!staff && date > addDays(localDate(this.clock.now()), b.horizonDays)) throw new SlotTakenError();
    return { startsAt: slot.startsAt, endsAt: slot.endsAt, date: slot.date, time: slot.time };
  }

  // ---------------------------------------------------------------- booking

  private newCode(): string {
    let code = '';
    for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
    return code;
  }

  /**
   * Books a time. Runs in a BEGIN IMMEDIATE transaction: the free-desk check, the insert (guarded again by
   * the capacity trigger), the audit record and the confirmation e-mail commit together or not at all.
   */
  book(actor: Actor, input: BookingInput): Booked {
    if (input.capacityOverride && !actor.userId) throw new ForbiddenError();
    const b = this.branch(input.branchId);
    const staff = input.channel !== 'online';
    const now = this.clock.now().toISOString();
    for (let attempt = 0; ; attempt++) {
      try {
        return this.repo.immediate(() => {
          if (input.idempotencyKey) {
            const earlier = this.repo.findByIdempotencyKey(input.idempotencyKey);
            if (earlier) return { appointment: earlier, token: this.tokenFor(earlier.code), repeated: true };
          }
          const slot = this.slotOf(b, input.startsAt, staff);
          if (!input.capacityOverride) {
            const taken = this.repo.slotCounts(b.id, slot.startsAt, new Date(Date.parse(slot.startsAt) + 1).toISOString()).get(slot.startsAt) ?? 0;
            if (taken >= b.desks) throw new SlotTakenError();
          }
          const code = this.newCode();
          const token = this.tokenFor(code);
          const id = this.repo.insert({
            branchId: b.id,
            startsAt: slot.startsAt,
            endsAt: slot.endsAt,
            localDate: slot.date,
            localTime: slot.time,
            topicKey: input.topicKey,
            code,
            tokenHash: hashToken(token),
            name: input.name,
            email: input.email,
            phone: input.phone,
            needs: input.needs,
            language: input.language,
            channel: input.channel,
            bookedByUserId: staff ? actor.userId : null,
            capacityOverride: input.capacityOverride,
            idempotencyKey: input.idempotencyKey,
            now,
          });
          const appointment = this.repo.findById(id)!;
          this.audit.record(actor, {
            action: input.capacityOverride ? 'appointment.booked_over_capacity' : 'appointment.booked',
            subjectType: 'appointment',
            subjectId: id,
            branchId: b.id,
            details: { channel: input.channel, date: slot.date, time: slot.time },
          });
          this.sendMail(appointment, b, 'appointment-confirmation', 'appointments.mail.confirmation.subject', 'REQUEST');
          this.announce(appointment);
          return { appointment, token, repeated: false };
        });
      } catch (err) {
        if (err instanceof CapacityExceededError) throw new SlotTakenError();
        // A code collision (1 in 27 billion per pair) just gets a new code.
        if (isUniqueViolation(err, 'code') && attempt < 5) continue;
        if (isUniqueViolation(err, 'idempotency_key') && input.idempotencyKey) {
          const earlier = this.repo.findByIdempotencyKey(input.idempotencyKey)!;
          return { appointment: earlier, token: this.tokenFor(earlier.code), repeated: true };
        }
        throw err;
      }
    }
  }

  // ---------------------------------------------------------------- lookups

  findById(id: number): Appointment | null {
    return this.repo.findById(id);
  }

  /** For the kiosk and the desk: a code typed in any case, with spaces or dashes. */
  findByCode(code: string): Appointment | null {
    const clean = normaliseCode(code);
    return clean ? this.repo.findByCode(clean) : null;
  }

  findByIdempotencyKey(key: string): Appointment | null {
    return this.repo.findByIdempotencyKey(key);
  }

  /**
   * The booking behind a manage link. Unknown: 404. Cancelled, finished or in the past: 410. Both pages
   * say nothing about the booking itself.
   */
  getByToken(token: string): Appointment {
    const a = isTokenShaped(token) ? this.repo.findByTokenHash(hashToken(token)) : null;
    if (!a) throw new NotFoundError('appointments.manage.not_found');
    if (a.status !== 'booked' || Date.parse(a.endsAt) <= this.clock.now().getTime()) throw new GoneError('appointments.manage.gone');
    return a;
  }

  /** Staff opening one booking: the view of personal data is audited. */
  viewForStaff(actor: Actor, id: number): Appointment {
    const a = this.repo.findById(id);
    if (!a) throw new NotFoundError();
    this.audit.record(actor, { action: 'appointment.viewed', subjectType: 'appointment', subjectId: id, branchId: a.branchId });
    return a;
  }

  listDay(branchId: number, date: string): Appointment[] {
    return this.repo.listDay(branchId, date);
  }

  listBetween(branchId: number, fromDate: string, toDate: string): Appointment[] {
    return this.repo.listBetween(branchId, fromDate, toDate);
  }

  /** The printable day list shows phone numbers: audited as one view of each booking on it. */
  dayListForPrint(actor: Actor, branchId: number, date: string): Appointment[] {
    const list = this.repo.listDay(branchId, date);
    this.audit.record(actor, {
      action: 'appointment.day_list_viewed',
      subjectType: 'branch',
      subjectId: branchId,
      branchId,
      details: { date, appointmentIds: list.map((a) => a.id) },
    });
    return list;
  }

  countsByStatus(branchId: number, date: string): Record<string, number> {
    return this.repo.countsByStatus(branchId, date);
  }

  // ---------------------------------------------------------------- status changes

  private announce(a: Appointment): void {
    // Desk screens reload the row themselves; no personal data travels in the event.
    this.notifier.publish(`branch:${a.branchId}`, 'appointment.updated', { id: a.id, status: a.status, localDate: a.localDate, localTime: a.localTime });
  }

  private changeStatus(actor: Actor, id: number, action: string, change: (now: string) => boolean): boolean {
    const now = this.clock.now().toISOString();
    const changed = this.repo.transaction((): Appointment | null => {
      const before = this.repo.findById(id);
      if (!before || !change(now)) return null;
      const after = this.repo.findById(id)!;
      this.audit.record(actor, { action, subjectType: 'appointment', subjectId: id, branchId: after.branchId, details: { from: before.status } });
      this.announce(after);
      return after;
    });
    // After the commit, so the display's recount sees the new status.
    if (changed) this.options.onStatusChanged?.(changed.branchId);
    return changed !== null;
  }

  /** booked → arrived (kiosk check-in or desk). False when it was not booked (already arrived, cancelled…). */
  markArrived(actor: Actor, id: number): boolean {
    return this.changeStatus(actor, id, 'appointment.arrived', (now) => this.repo.markArrived(id, actor.userId, now));
  }

  markInProgress(actor: Actor, id: number): boolean {
    return this.changeStatus(actor, id, 'appointment.in_progress', (now) => this.repo.markInProgress(id, now));
  }

  markDone(actor: Actor, id: number): boolean {
    return this.changeStatus(actor, id, 'appointment.done', (now) => this.repo.markDone(id, actor.userId, now));
  }

  markNoShow(actor: Actor, id: number): boolean {
    return this.changeStatus(actor, id, 'appointment.no_show', (now) => this.repo.markNoShow(id, actor.userId, now));
  }

  /** Staff cancel with a reason that is mailed to the citizen. */
  cancelByStaff(actor: Actor, id: number, reason: string): Appointment {
    return this.cancel(actor, id, reason);
  }

  cancelByToken(actor: Actor, token: string): Appointment {
    const a = this.getByToken(token);
    return this.cancel(actor, a.id, null);
  }

  private cancel(actor: Actor, id: number, reason: string | null): Appointment {
    const now = this.clock.now().toISOString();
    const cancelled = this.repo.transaction(() => {
      const before = this.repo.findById(id);
      if (!before) throw new NotFoundError();
      if (!this.repo.cancel(id, actor.userId, reason, now)) throw new ConflictError('appointments.errors.not_booked');
      const after = this.repo.findById(id)!;
      this.audit.record(actor, { action: 'appointment.cancelled', subjectType: 'appointment', subjectId: id, branchId: after.branchId, details: { byStaff: reason !== null } });
      this.sendMail(after, this.branch(after.branchId), 'appointment-cancelled', 'appointments.mail.cancelled.subject', 'CANCEL');
      this.announce(after);
      return after;
    });
    this.options.onStatusChanged?.(cancelled.branchId);
    return cancelled;
  }

  /** Moves a booking to another free time at the same branch: same UID in the calendar, higher SEQUENCE. */
  reschedule(actor: Actor, token: string, startsAt: string): Appointment {
    const now = this.clock.now().toISOString();
    try {
      return this.repo.immediate(() => {
        const a = this.getByToken(token);
        const b = this.branch(a.branchId);
        const slot = this.slotOf(b, startsAt, false);
        if (slot.startsAt === a.startsAt) return a;
        const taken = this.repo.slotCounts(b.id, slot.startsAt, new Date(Date.parse(slot.startsAt) + 1).toISOString()).get(slot.startsAt) ?? 0;
        if (taken >= b.desks) throw new SlotTakenError();
        this.repo.move({ id: a.id, startsAt: slot.startsAt, endsAt: slot.endsAt, localDate: slot.date, localTime: slot.time, now });
        const after = this.repo.findById(a.id)!;
        this.audit.record(actor, {
          action: 'appointment.rescheduled',
          subjectType: 'appointment',
          subjectId: a.id,
          branchId: b.id,
          details: { from: `${a.localDate} ${a.localTime}`, to: `${after.localDate} ${after.localTime}` },
        });
        this.sendMail(after, b, 'appointment-rescheduled', 'appointments.mail.rescheduled.subject', 'REQUEST');
        this.announce(after);
        return after;
      });
    } catch (err) {
      if (err instanceof CapacityExceededError) throw new SlotTakenError();
      throw err;
    }
  }

  // ---------------------------------------------------------------- calendar and e-mail

  private ics(a: Appointment, b: Branch, method: IcsMethod, t: Translate): string {
    return buildIcs({
      uid: `appointment-${a.id}@${this.uidDomain}`,
      sequence: a.icsSequence,
      method,
      start: new Date(a.startsAt),
      end: new Date(a.endsAt),
      stamp: this.clock.now(),
      summary: t('appointments.ics.summary', { branch: b.name }),
      description: t('appointments.ics.description', { code: a.code }),
      location: [b.name, b.address, [b.postcode, b.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
      url: method === 'CANCEL' ? undefined : this.manageUrl(a),
      organizerEmail: this.organizer.email,
      organizerName: this.organizer.name,
      attendeeEmail: a.email,
      alarmMinutes: ALARM_MINUTES,
      alarmText: t('appointments.ics.alarm', { branch: b.name }),
    });
  }

  /** The calendar file in the citizen's language, for download from the manage page. */
  calendarFor(a: Appointment): string {
    return this.ics(a, this.branches.get(a.branchId), 'PUBLISH', this.options.translations.translator(a.language));
  }

  /** What the check-in QR code holds: the kiosk address with the short code only (no token, no personal data). */
  checkInUrl(a: Appointment): string {
    return checkInUrl(this.options.baseUrl, a.code);
  }

  manageUrl(a: Appointment): string {
    return `${this.options.baseUrl}/appointments/${this.tokenFor(a.code)}`;
  }

  /** Everything an appointment e-mail or page shows, formatted in the citizen's language. */
  describe(a: Appointment, b: Branch, lang: string): Record<string, unknown> {
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
      manageUrl: this.manageUrl(a),
    };
  }

  private sendMail(a: Appointment, b: Branch, template: string, subjectKey: string, method: IcsMethod | null): void {
    if (!a.email) return;
    const lang = a.language;
    const t = this.options.translations.translator(lang);
    const details = this.describe(a, b, lang);
    const attachments: Attachment[] = [];
    if (method) {
      attachments.push({ filename: method === 'CANCEL' ? 'afspraak-geannuleerd.ics' : 'afspraak.ics', contentType: `text/calendar; charset=utf-8; method=${method}`, content: this.ics(a, b, method, t) });
    }
    // Every e-mail about a coming visit carries the check-in QR code as an inline image (not for a cancellation).
    const qr = method === 'CANCEL' ? null : qrPng(this.checkInUrl(a));
    if (qr) attachments.push({ filename: 'aanmelden-qr.png', contentType: 'image/png', content: qr.png.toString('base64'), encoding: 'base64', cid: QR_CID });
    this.mailer.enqueue({
      to: a.email,
      template,
      lang,
      subjectKey,
      subjectParams: { date: String(details.dateText), time: String(details.time) },
      data: { ...details, qrCid: qr ? QR_CID : null, qrSide: qr?.side ?? 0 },
      attachments,
      related: { type: 'appointment', id: a.id },
    });
  }

  // ---------------------------------------------------------------- reminders

  /**
   * Sends the reminder for every booking that starts within the next 24 hours and was booked earlier than
   * that. Each one is claimed (reminder_sent_at set only if still NULL) in the same transaction as its
   * e-mail is put in the outbox, so two schedulers, or a restart halfway, never send one twice.
   */
  sendDueReminders(limit = 100): number {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const until = new Date(now.getTime() + REMINDER_LEAD_MS).toISOString();
    let sent = 0;
    for (const a of this.repo.dueReminders(nowIso, until, limit)) {
      // Booked less than a day ahead: the confirmation was the reminder.
      const skip = Date.parse(a.createdAt) > Date.parse(a.startsAt) - REMINDER_LEAD_MS;
      const done = this.repo.immediate(() => {
        if (!this.repo.claimReminder(a.id, nowIso)) return false;
        if (!skip) this.sendMail(a, this.branch(a.branchId), 'appointment-reminder', 'appointments.mail.reminder.subject', null);
        return !skip;
      });
      if (done) sent++;
    }
    return sent;
  }
}
