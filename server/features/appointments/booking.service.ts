import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertActorMay } from '../../policy/policy';
import { ConflictError, GoneError, NotFoundError } from '../../http/errors';
import type { Notifier } from '../../realtime/notifier';
import type { AuditService } from '../audit/audit.service';
import type { Branch } from '../branches/branches.service';
import { announceAppointment, type SlotFreedHook, type StatusChangedHook } from './appointment-events';
import type { AppointmentLetter, AppointmentMail } from './appointment-mail';
import { OfferGoneError, SlotTakenError, type Appointment, type Booked, type BookingInput, type CheckedSlot } from './appointments.model';
import { CapacityExceededError, isUniqueViolation, type AppointmentsRepository } from './appointments.repository';
import type { AvailabilityService } from './availability.service';
import { hashToken, isTokenShaped, newBookingCode, type ManageTokens } from './manage-token';

/** How often a write is tried again when the booking changed between composing its e-mail and writing. */
const MAX_ATTEMPTS = 5;

/**
 * Making, moving and cancelling bookings: the citizen through the public flow and the manage link, staff
 * on someone's behalf. Each write composes its e-mail first and then runs one short transaction that
 * checks, writes the row, the audit record and the outbox row together (STYLE 17: nothing slow inside).
 */
export class BookingService {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly availability: AvailabilityService,
    private readonly mail: AppointmentMail,
    private readonly tokens: ManageTokens,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    private readonly onStatusChanged: StatusChangedHook = () => undefined,
    private readonly onSlotFreed: SlotFreedHook = () => undefined,
  ) {}

  /**
   * Books a time. The free-desk check and the insert run in one BEGIN IMMEDIATE transaction (the insert is
   * guarded again by the capacity trigger), with the audit record and the confirmation e-mail's outbox row.
   * Staff channels (phone, desk) need appointments.manage in the branch; going beyond the desks needs
   * appointments.override_capacity.
   */
  book(actor: Actor, input: BookingInput): Booked {
    const b = this.availability.branch(input.branchId);
    const staff = input.channel !== 'online';
    if (staff) assertActorMay(actor, 'appointments.manage', b.id);
    if (input.capacityOverride) assertActorMay(actor, 'appointments.override_capacity', b.id);
    const repeat = this.repeated(input.idempotencyKey);
    if (repeat) return repeat;
    for (let attempt = 0; ; attempt++) {
      const slot = this.availability.checkSlot(b, input.startsAt, staff);
      const code = newBookingCode();
      const letter = this.mail.compose({ ...input, ...slot, code, cancelReason: null, icsSequence: 0 }, b, 'confirmation');
      try {
        return this.repo.immediate(() => this.insert(actor, input, b, slot, code, letter));
      } catch (err) {
        if (err instanceof CapacityExceededError) throw new SlotTakenError();
        // A code collision (1 in 27 billion per pair) just gets a new code.
        if (isUniqueViolation(err, 'code') && attempt < MAX_ATTEMPTS) continue;
        if (isUniqueViolation(err, 'idempotency_key') && input.idempotencyKey) return this.repeated(input.idempotencyKey)!;
        throw err;
      }
    }
  }

  private insert(actor: Actor, input: BookingInput, b: Branch, slot: CheckedSlot, code: string, letter: AppointmentLetter | null): Booked {
    const repeat = this.repeated(input.idempotencyKey);
    if (repeat) return repeat;
    const hold = input.waitlistOfferId ?? null;
    if (!input.capacityOverride) this.availability.assertDeskFree(b, slot.startsAt, hold);
    const token = this.tokens.tokenFor(code);
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
      bookedByUserId: input.channel !== 'online' ? actor.userId : null,
      capacityOverride: input.capacityOverride,
      idempotencyKey: input.idempotencyKey,
      now: this.clock.now().toISOString(),
    });
    // Accepting a waitlist offer: the offer must still be open, or the whole booking rolls back.
    if (hold !== null && !this.availability.claimHold(hold, id)) throw new OfferGoneError();
    const appointment = this.repo.findById(id)!;
    this.audit.record(actor, {
      action: input.capacityOverride ? 'appointment.booked_over_capacity' : 'appointment.booked',
      subjectType: 'appointment',
      subjectId: id,
      branchId: b.id,
      details: { channel: input.channel, date: slot.date, time: slot.time },
    });
    this.mail.post(letter, id);
    announceAppointment(this.notifier, appointment);
    return { appointment, token, repeated: false };
  }

  /** The earlier booking of a repeated submit (same idempotency key), or null. */
  private repeated(key: string | null): Booked | null {
    const earlier = key ? this.repo.findByIdempotencyKey(key) : null;
    return earlier ? { appointment: earlier, token: this.tokens.tokenFor(earlier.code), repeated: true } : null;
  }

  /** The manage link of the booking made with this idempotency key, if it was made already (the check page). */
  manageLinkOfSubmit(key: string): string | null {
    const earlier = this.repo.findByIdempotencyKey(key);
    return earlier ? `/appointments/${this.tokens.tokenFor(earlier.code)}` : null;
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

  /** Moves a booking to another free time at the same branch: same UID in the calendar, higher SEQUENCE. */
  reschedule(actor: Actor, token: string, startsAt: string): Appointment {
    for (let attempt = 0; ; attempt++) {
      const a = this.getByToken(token);
      const b = this.availability.branch(a.branchId);
      const slot = this.availability.checkSlot(b, startsAt, false);
      if (slot.startsAt === a.startsAt) return a;
      const letter = this.mail.compose({ ...a, startsAt: slot.startsAt, endsAt: slot.endsAt, icsSequence: a.icsSequence + 1 }, b, 'rescheduled');
      let moved: Appointment | null;
      try {
        moved = this.repo.immediate(() => {
          // Changed since the e-mail was composed (another tab moved it): compose again.
          if (this.getByToken(token).icsSequence !== a.icsSequence) return null;
          this.availability.assertDeskFree(b, slot.startsAt);
          this.repo.move({ id: a.id, startsAt: slot.startsAt, endsAt: slot.endsAt, localDate: slot.date, localTime: slot.time, now: this.clock.now().toISOString() });
          const after = this.repo.findById(a.id)!;
          this.audit.record(actor, {
            action: 'appointment.rescheduled',
            subjectType: 'appointment',
            subjectId: a.id,
            branchId: b.id,
            details: { from: `${a.localDate} ${a.localTime}`, to: `${after.localDate} ${after.localTime}` },
          });
          this.mail.post(letter, a.id);
          announceAppointment(this.notifier, after);
          return after;
        });
      } catch (err) {
        if (err instanceof CapacityExceededError) throw new SlotTakenError();
        throw err;
      }
      if (moved) {
        this.onSlotFreed(moved.branchId);
        return moved;
      }
      if (attempt >= MAX_ATTEMPTS) throw new ConflictError();
    }
  }

  /** The citizen cancels through the manage link. */
  cancelByToken(actor: Actor, token: string): Appointment {
    return this.cancel(actor, this.getByToken(token).id, null);
  }

  /** Staff cancel with a reason that is mailed to the citizen. Another branch's booking: 404. */
  cancelByStaff(actor: Actor, id: number, reason: string): Appointment {
    const a = this.repo.findById(id);
    if (!a) throw new NotFoundError();
    assertActorMay(actor, 'appointments.manage', a.branchId);
    return this.cancel(actor, id, reason);
  }

  private cancel(actor: Actor, id: number, reason: string | null): Appointment {
    for (let attempt = 0; ; attempt++) {
      const before = this.repo.findById(id);
      if (!before) throw new NotFoundError();
      if (before.status !== 'booked') throw new ConflictError('appointments.errors.not_booked');
      const b = this.availability.branch(before.branchId);
      const letter = this.mail.compose({ ...before, cancelReason: reason, icsSequence: before.icsSequence + 1 }, b, 'cancelled');
      const cancelled = this.repo.transaction((): Appointment | null => {
        if (this.repo.findById(id)?.icsSequence !== before.icsSequence) return null;
        if (!this.repo.cancel(id, actor.userId, reason, this.clock.now().toISOString())) throw new ConflictError('appointments.errors.not_booked');
        const after = this.repo.findById(id)!;
        this.audit.record(actor, { action: 'appointment.cancelled', subjectType: 'appointment', subjectId: id, branchId: after.branchId, details: { byStaff: reason !== null } });
        this.mail.post(letter, id);
        announceAppointment(this.notifier, after);
        return after;
      });
      if (cancelled) {
        // After the commit, so the display's recount sees the new status.
        this.onStatusChanged(cancelled.branchId);
        this.onSlotFreed(cancelled.branchId);
        return cancelled;
      }
      if (attempt >= MAX_ATTEMPTS) throw new ConflictError('appointments.errors.not_booked');
    }
  }
}
