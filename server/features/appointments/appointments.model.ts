import { ConflictError } from '../../http/errors';

/** What an appointment is, independent of where it is stored or how it is shown. */

export type AppointmentStatus = 'booked' | 'arrived' | 'in_progress' | 'done' | 'no_show' | 'cancelled';
export type AppointmentChannel = 'online' | 'phone' | 'desk';
export const ACTIVE_STATUSES: readonly AppointmentStatus[] = ['booked', 'arrived', 'in_progress', 'done'];

export interface Needs {
  interpreter?: boolean;
  wheelchair?: boolean;
  hearingLoop?: boolean;
  /** Another language the citizen prefers to be helped in (free text, short). */
  otherLanguage?: string;
}

export interface Appointment {
  id: number;
  branchId: number;
  startsAt: string;
  endsAt: string;
  localDate: string;
  localTime: string;
  topicKey: string;
  code: string;
  status: AppointmentStatus;
  name: string;
  email: string | null;
  phone: string | null;
  needs: Needs;
  language: string;
  channel: AppointmentChannel;
  bookedByUserId: number | null;
  capacityOverride: boolean;
  icsSequence: number;
  reminderSentAt: string | null;
  cancelReason: string | null;
  cancelledAt: string | null;
  cancelledBy: number | null;
  arrivedAt: string | null;
  arrivedBy: number | null;
  inProgressAt: string | null;
  doneAt: string | null;
  doneBy: number | null;
  noShowAt: string | null;
  noShowBy: number | null;
  personalDataPurgedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a new booking stores: the booking's own fields plus the secrets and the idempotency key. */
export interface NewAppointment
  extends Pick<
    Appointment,
    | 'branchId'
    | 'startsAt'
    | 'endsAt'
    | 'localDate'
    | 'localTime'
    | 'topicKey'
    | 'code'
    | 'name'
    | 'email'
    | 'phone'
    | 'needs'
    | 'language'
    | 'channel'
    | 'bookedByUserId'
    | 'capacityOverride'
  > {
  tokenHash: string;
  idempotencyKey: string | null;
  now: string;
}

/** A booking moved to another time (reschedule). */
export interface SlotMove {
  id: number;
  startsAt: string;
  endsAt: string;
  localDate: string;
  localTime: string;
  now: string;
}

/** A bookable time of a branch's schedule, checked against notice and horizon. */
export interface CheckedSlot {
  startsAt: string;
  endsAt: string;
  date: string;
  time: string;
}

/** What a booking asks for: the appointment's own fields as the citizen (or the desk) gives them. */
export interface BookingInput
  extends Pick<Appointment, 'branchId' | 'topicKey' | 'startsAt' | 'name' | 'email' | 'phone' | 'needs' | 'language' | 'channel'> {
  /** From the public form, so a repeated POST finds the first booking instead of making a second. */
  idempotencyKey: string | null;
  /** appointments.override_capacity only (asked by the booking service); audited. */
  capacityOverride: boolean;
  /** The waitlist offer this booking accepts: its hold is not counted against it, and is used up in the same transaction. */
  waitlistOfferId?: number;
}

export interface Booked {
  appointment: Appointment;
  token: string;
  /** True when this was a repeat of an earlier submit (same idempotency key). */
  repeated: boolean;
}

/** The waitlist offer being accepted has expired, was withdrawn, or was used for another booking. */
export class OfferGoneError extends ConflictError {
  constructor() {
    super('waitlist.offer.gone');
  }
}

/** The chosen time was taken by someone else (or is no longer bookable). */
export class SlotTakenError extends ConflictError {
  constructor() {
    super('booking.taken.text');
  }
}

/**
 * Slots held for someone else (an open waitlist offer). The waitlist feature implements it; the appointments
 * feature only counts the holds as taken desks, so a held slot is not free for anyone but the offer's holder.
 */
export interface SlotHolds {
  /** Open, unexpired holds per slot start in [from, to), leaving out the hold `except` (the one being accepted). */
  heldCounts(branchId: number, from: string, to: string, now: string, except: number | null): Map<string, number>;
  /** Marks the hold as used by this booking; false when it is no longer open (expired, withdrawn, used). */
  claimHold(holdId: number, appointmentId: number, now: string): boolean;
}
