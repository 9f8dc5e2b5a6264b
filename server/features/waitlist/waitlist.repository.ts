import type { Db } from '../../db/open';
import type { SlotHolds } from '../appointments/appointments.model';
import type { DayPart, EntryStatus, NewEntry, OfferStatus, WaitlistEntry, WaitlistOffer } from './waitlist.model';

const ENTRY_COLUMNS = 'id, branch_id, topic_key, name, email, phone, language, weekdays, day_parts, status, ended_at, created_at';
const OFFER_COLUMNS = 'id, entry_id, branch_id, starts_at, status, expires_at, appointment_id, created_at';

interface EntryRow {
  id: number;
  branch_id: number;
  topic_key: string;
  name: string;
  email: string | null;
  phone: string | null;
  language: string;
  weekdays: string;
  day_parts: string;
  status: EntryStatus;
  ended_at: string | null;
  created_at: string;
}

interface OfferRow {
  id: number;
  entry_id: number;
  branch_id: number;
  starts_at: string;
  status: OfferStatus;
  expires_at: string;
  appointment_id: number | null;
  created_at: string;
}

function toEntry(r: EntryRow): WaitlistEntry {
  return {
    id: r.id,
    branchId: r.branch_id,
    topicKey: r.topic_key,
    name: r.name,
    email: r.email,
    phone: r.phone,
    language: r.language,
    weekdays: r.weekdays ? r.weekdays.split(',').map(Number) : [],
    dayParts: (r.day_parts ? r.day_parts.split(',') : []) as DayPart[],
    status: r.status,
    endedAt: r.ended_at,
    createdAt: r.created_at,
  };
}

function toOffer(r: OfferRow): WaitlistOffer {
  return {
    id: r.id,
    entryId: r.entry_id,
    branchId: r.branch_id,
    startsAt: r.starts_at,
    status: r.status,
    expiresAt: r.expires_at,
    appointmentId: r.appointment_id,
    createdAt: r.created_at,
  };
}

/**
 * The waitlist's SQL. It is also the appointments feature's SlotHolds: an open, unexpired offer counts as a
 * taken desk, and accepting one claims it in the booking's own transaction.
 */
export class WaitlistRepository implements SlotHolds {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      insertEntry: db.prepare(
        `INSERT INTO waitlist_entries (branch_id, topic_key, name, email, phone, language, weekdays, day_parts, status, created_at, updated_at)
         VALUES (@branchId, @topicKey, @name, @email, @phone, @language, @weekdays, @dayParts, 'waiting', @now, @now)`,
      ),
      entry: db.prepare(`SELECT ${ENTRY_COLUMNS} FROM waitlist_entries WHERE id = ?`),
      entriesOfBranch: db.prepare(
        `SELECT ${ENTRY_COLUMNS} FROM waitlist_entries WHERE branch_id = ? AND status = 'waiting' AND personal_data_purged_at IS NULL ORDER BY id`,
      ),
      // Waiting and not holding an offer now: the candidates for a freed slot, first come first served.
      candidates: db.prepare(
        `SELECT ${ENTRY_COLUMNS} FROM waitlist_entries e
         WHERE e.branch_id = ? AND e.status = 'waiting'
           AND NOT EXISTS (SELECT 1 FROM waitlist_offers o WHERE o.entry_id = e.id AND o.status = 'open')
         ORDER BY e.id`,
      ),
      offeredBefore: db.prepare(`SELECT 1 FROM waitlist_offers WHERE entry_id = ? AND starts_at = ?`).pluck(),
      endEntry: db.prepare(
        `UPDATE waitlist_entries SET status = @status, ended_at = @now, updated_at = @now WHERE id = @id AND status = 'waiting'`,
      ),
      withdrawOffers: db.prepare(`UPDATE waitlist_offers SET status = 'withdrawn', updated_at = @now WHERE entry_id = @id AND status = 'open'`),
      insertOffer: db.prepare(
        `INSERT INTO waitlist_offers (entry_id, branch_id, starts_at, token_hash, status, expires_at, created_at, updated_at)
         VALUES (@entryId, @branchId, @startsAt, @tokenHash, 'open', @expiresAt, @now, @now)`,
      ),
      offerByToken: db.prepare(`SELECT ${OFFER_COLUMNS} FROM waitlist_offers WHERE token_hash = ?`),
      offersOfEntry: db.prepare(`SELECT ${OFFER_COLUMNS} FROM waitlist_offers WHERE entry_id = ? ORDER BY id`),
      openOffersOfBranch: db.prepare(`SELECT ${OFFER_COLUMNS} FROM waitlist_offers WHERE branch_id = ? AND status = 'open' ORDER BY starts_at, id`),
      held: db.prepare(
        `SELECT starts_at, count(*) AS n FROM waitlist_offers
         WHERE branch_id = @branchId AND status = 'open' AND expires_at > @now AND starts_at >= @from AND starts_at < @to
           AND id IS NOT @except
         GROUP BY starts_at`,
      ),
      claim: db.prepare(
        `UPDATE waitlist_offers SET status = 'accepted', appointment_id = @appointmentId, updated_at = @now
         WHERE id = @id AND status = 'open' AND expires_at > @now`,
      ),
      bookEntry: db.prepare(
        `UPDATE waitlist_entries SET status = 'booked', ended_at = @now, updated_at = @now
         WHERE id = (SELECT entry_id FROM waitlist_offers WHERE id = @id) AND status = 'waiting'`,
      ),
      expired: db.prepare(`SELECT ${OFFER_COLUMNS} FROM waitlist_offers WHERE status = 'open' AND expires_at <= ? ORDER BY id LIMIT 200`),
      expire: db.prepare(`UPDATE waitlist_offers SET status = 'expired', updated_at = @now WHERE id = @id AND status = 'open'`),
      branchesWaiting: db.prepare(`SELECT DISTINCT branch_id FROM waitlist_entries WHERE status = 'waiting' ORDER BY branch_id`).pluck(),
      branchOfOffer: db.prepare('SELECT branch_id FROM waitlist_offers WHERE id = ?').pluck(),
      holdMinutes: db.prepare('SELECT waitlist_hold_minutes FROM branches WHERE id = ?').pluck(),
    };
  }

  insertEntry(e: NewEntry, now: string): number {
    return Number(
      this.s.insertEntry.run({ ...e, weekdays: e.weekdays.join(','), dayParts: e.dayParts.join(','), now }).lastInsertRowid,
    );
  }

  findEntry(id: number): WaitlistEntry | null {
    const r = this.s.entry.get(id) as EntryRow | undefined;
    return r ? toEntry(r) : null;
  }

  waitingOfBranch(branchId: number): WaitlistEntry[] {
    return (this.s.entriesOfBranch.all(branchId) as EntryRow[]).map(toEntry);
  }

  candidates(branchId: number): WaitlistEntry[] {
    return (this.s.candidates.all(branchId) as EntryRow[]).map(toEntry);
  }

  wasOffered(entryId: number, startsAt: string): boolean {
    return this.s.offeredBefore.get(entryId, startsAt) === 1;
  }

  /** Ends a waiting entry (removed by staff or by the citizen) and withdraws its open offer; false when it had ended. */
  removeEntry(id: number, now: string): boolean {
    if (this.s.endEntry.run({ id, status: 'removed', now }).changes !== 1) return false;
    this.s.withdrawOffers.run({ id, now });
    return true;
  }

  insertOffer(o: { entryId: number; branchId: number; startsAt: string; tokenHash: string; expiresAt: string }, now: string): number {
    return Number(this.s.insertOffer.run({ ...o, now }).lastInsertRowid);
  }

  findOfferByTokenHash(hash: string): WaitlistOffer | null {
    const r = this.s.offerByToken.get(hash) as OfferRow | undefined;
    return r ? toOffer(r) : null;
  }

  offersOfEntry(entryId: number): WaitlistOffer[] {
    return (this.s.offersOfEntry.all(entryId) as OfferRow[]).map(toOffer);
  }

  openOffersOfBranch(branchId: number): WaitlistOffer[] {
    return (this.s.openOffersOfBranch.all(branchId) as OfferRow[]).map(toOffer);
  }

  heldCounts(branchId: number, from: string, to: string, now: string, except: number | null): Map<string, number> {
    const rows = this.s.held.all({ branchId, from, to, now, except }) as { starts_at: string; n: number }[];
    return new Map(rows.map((r) => [r.starts_at, r.n]));
  }

  /** Compare-and-set inside the booking's transaction: exactly one booking can use an offer, and only while it is open. */
  claimHold(holdId: number, appointmentId: number, now: string): boolean {
    if (this.s.claim.run({ id: holdId, appointmentId, now }).changes !== 1) return false;
    this.s.bookEntry.run({ id: holdId, now });
    return true;
  }

  overdueOffers(now: string): WaitlistOffer[] {
    return (this.s.expired.all(now) as OfferRow[]).map(toOffer);
  }

  expireOffer(id: number, now: string): boolean {
    return this.s.expire.run({ id, now }).changes === 1;
  }

  branchesWithWaiting(): number[] {
    return this.s.branchesWaiting.all() as number[];
  }

  branchOfOffer(offerId: number): number | null {
    return (this.s.branchOfOffer.get(offerId) as number | undefined) ?? null;
  }

  holdMinutes(branchId: number): number {
    return (this.s.holdMinutes.get(branchId) as number | undefined) ?? 240;
  }

  /** BEGIN IMMEDIATE: "is the slot still free, then hold it" cannot interleave with a booking. */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
