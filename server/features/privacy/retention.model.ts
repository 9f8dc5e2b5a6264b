/**
 * How long each kind of personal data is kept (SPEC 4.9). The periods are settings an admin changes on
 * /admin/retention; the purge (purge.service.ts) and the privacy statement (/privacy) both read them, so what
 * the statement promises is what the purge does.
 */
export const RETENTION_KINDS = ['bookings', 'borrowers', 'chats', 'callbacks', 'waitlist', 'audit', 'sign_in_failures'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export interface RetentionRule {
  /** Days kept when no one changed it. */
  defaultDays: number;
  /** Sane bounds: a booking's data must outlive a reschedule question, the audit log must outlive a complaint. */
  minDays: number;
  maxDays: number;
}

export const RETENTION_RULES: Readonly<Record<RetentionKind, RetentionRule>> = {
  // Counted from the end of the appointment.
  bookings: { defaultDays: 30, minDays: 1, maxDays: 365 },
  // Counted from the return, and only once the device was wiped (and no loan or reservation is open).
  borrowers: { defaultDays: 90, minDays: 1, maxDays: 730 },
  // Counted from the close of the escalation.
  chats: { defaultDays: 90, minDays: 1, maxDays: 730 },
  // Counted from "done", or from the request itself when it was never marked done.
  callbacks: { defaultDays: 90, minDays: 1, maxDays: 730 },
  // Counted from the end of the entry (booked or taken off the list); a person still waiting after this
  // long is taken off the list and their details wiped too.
  waitlist: { defaultDays: 90, minDays: 1, maxDays: 730 },
  // The audit log itself: long enough to answer a complaint or a data-subject request about last year.
  audit: { defaultDays: 365, minDays: 90, maxDays: 3650 },
  sign_in_failures: { defaultDays: 30, minDays: 1, maxDays: 365 },
};

export type RetentionSettings = Record<RetentionKind, number>;

/** The privacy statement's "who to ask": free text (an e-mail address, a phone number, a desk). */
export interface PrivacyContact {
  contact: string;
}

export function defaultRetention(): RetentionSettings {
  return Object.fromEntries(RETENTION_KINDS.map((k) => [k, RETENTION_RULES[k].defaultDays])) as RetentionSettings;
}
