/** Parts of the day a citizen can prefer; a slot belongs to the part its start time falls in. */
export const DAY_PARTS = ['morning', 'afternoon', 'evening'] as const;
export type DayPart = (typeof DAY_PARTS)[number];

export type EntryStatus = 'waiting' | 'booked' | 'removed';
export type OfferStatus = 'open' | 'accepted' | 'expired' | 'withdrawn';

export interface WaitlistEntry {
  id: number;
  branchId: number;
  topicKey: string;
  name: string;
  email: string | null;
  phone: string | null;
  language: string;
  /** ISO weekdays, 1 = Monday ... 7 = Sunday. */
  weekdays: number[];
  dayParts: DayPart[];
  status: EntryStatus;
  endedAt: string | null;
  createdAt: string;
}

/** What a citizen gives when joining: the entry without what the list itself keeps. */
export type NewEntry = Pick<WaitlistEntry, 'branchId' | 'topicKey' | 'name' | 'email' | 'phone' | 'language' | 'weekdays' | 'dayParts'>;

export interface WaitlistOffer {
  id: number;
  entryId: number;
  branchId: number;
  startsAt: string;
  status: OfferStatus;
  expiresAt: string;
  appointmentId: number | null;
  createdAt: string;
}

/** The part of the day of a local wall-clock time "HH:MM". */
export function dayPartOf(time: string): DayPart {
  if (time < '12:00') return 'morning';
  if (time < '17:00') return 'afternoon';
  return 'evening';
}
