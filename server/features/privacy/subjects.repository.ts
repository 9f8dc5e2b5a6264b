import type { Db } from '../../db/open';
import type { NormalisedContact } from './contact';
import { SQL_PHONE, phoneVariants } from './contact';

export interface SubjectBooking {
  id: number;
  branchId: number;
  code: string;
  localDate: string;
  localTime: string;
  status: string;
  name: string;
  email: string | null;
  phone: string | null;
  needs: string;
  language: string;
  createdAt: string;
}

export interface SubjectLoan {
  id: number;
  deviceId: number;
  lentAt: string;
  dueDate: string;
  returnedAt: string | null;
  conditionNote: string;
}

export interface SubjectBorrower {
  id: number;
  branchId: number;
  name: string;
  contact: string;
  libraryCard: string | null;
  createdAt: string;
  loans: SubjectLoan[];
}

export interface SubjectCallback {
  id: number;
  branchId: number;
  phone: string;
  preferredMoment: string;
  /** What the question was about (no personal data by rule, but held with the number, so part of the copy). */
  description: string;
  status: string;
  consentAt: string;
  createdAt: string;
  doneAt: string | null;
}

export interface SubjectWaitlistEntry {
  id: number;
  branchId: number;
  name: string;
  email: string | null;
  phone: string | null;
  topicKey: string;
  weekdays: string;
  dayParts: string;
  status: string;
  createdAt: string;
  endedAt: string | null;
}

/** Everything Dichterbij holds about one person in some branches (not yet purged). */
export interface SubjectData {
  bookings: SubjectBooking[];
  borrowers: SubjectBorrower[];
  callbacks: SubjectCallback[];
  waitlist: SubjectWaitlistEntry[];
}

/** Finding and erasing one person's data by their e-mail or phone, limited to a list of branches (null: all). */
export class SubjectsRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    const inBranches = `(@all = 1 OR branch_id IN (SELECT value FROM json_each(@branches)))`;
    this.s = {
      bookings: db.prepare(
        `SELECT id, branch_id AS branchId, code, local_date AS localDate, local_time AS localTime, status, name, email, phone, needs, language, created_at AS createdAt
         FROM appointments
         WHERE personal_data_purged_at IS NULL AND ${inBranches}
           AND ((@email IS NOT NULL AND email = @email COLLATE NOCASE) OR ${SQL_PHONE('phone')} IN (SELECT value FROM json_each(@phones)))
         ORDER BY starts_at`,
      ),
      borrowers: db.prepare(
        `SELECT id, branch_id AS branchId, name, contact, library_card AS libraryCard, created_at AS createdAt
         FROM borrowers WHERE personal_data_purged_at IS NULL AND ${inBranches}
           AND (contact = @email OR contact IN (SELECT value FROM json_each(@phones))) ORDER BY id`,
      ),
      loansOf: db.prepare(
        `SELECT id, device_id AS deviceId, lent_at AS lentAt, due_date AS dueDate, returned_at AS returnedAt, condition_note AS conditionNote
         FROM loans WHERE borrower_id = ? ORDER BY lent_at`,
      ),
      callbacks: db.prepare(
        `SELECT id, branch_id AS branchId, phone, preferred_moment AS preferredMoment, description, status, consent_at AS consentAt,
           created_at AS createdAt, done_at AS doneAt
         FROM callback_requests WHERE personal_data_purged_at IS NULL AND ${inBranches} AND ${SQL_PHONE('phone')} IN (SELECT value FROM json_each(@phones)) ORDER BY id`,
      ),
      waitlist: db.prepare(
        `SELECT id, branch_id AS branchId, name, email, phone, topic_key AS topicKey, weekdays, day_parts AS dayParts, status,
           created_at AS createdAt, ended_at AS endedAt
         FROM waitlist_entries
         WHERE personal_data_purged_at IS NULL AND ${inBranches}
           AND ((@email IS NOT NULL AND email = @email COLLATE NOCASE) OR ${SQL_PHONE('phone')} IN (SELECT value FROM json_each(@phones)))
         ORDER BY id`,
      ),
      // As the retention purge does (purge.repository.ts): off the list, offers withdrawn, details blanked.
      withdrawWaitlistOffers: db.prepare(`UPDATE waitlist_offers SET status = 'withdrawn', updated_at = @now WHERE entry_id = @id AND status = 'open'`),
      eraseWaitlistEntry: db.prepare(
        `UPDATE waitlist_entries
         SET name = '', email = NULL, phone = NULL, status = CASE WHEN status = 'waiting' THEN 'removed' ELSE status END,
             ended_at = coalesce(ended_at, @now), personal_data_purged_at = @now, updated_at = @now
         WHERE id = @id AND personal_data_purged_at IS NULL`,
      ),
      eraseBooking: db.prepare(
        `UPDATE appointments SET name = '', email = NULL, phone = NULL, needs = '{}',
           cancel_reason = CASE WHEN cancel_reason IS NULL THEN NULL ELSE '' END, personal_data_purged_at = @now, updated_at = @now
         WHERE id = @id AND personal_data_purged_at IS NULL`,
      ),
      eraseBorrower: db.prepare(
        `UPDATE borrowers SET name = '', contact = '', library_card = NULL, personal_data_purged_at = @now, updated_at = @now
         WHERE id = @id AND personal_data_purged_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM loans WHERE borrower_id = @id AND returned_at IS NULL)`,
      ),
      eraseBorrowerLoans: db.prepare(`UPDATE loans SET condition_note = '', personal_data_purged_at = @now WHERE borrower_id = @id AND personal_data_purged_at IS NULL`),
      // The same fields the retention purge blanks (purge.repository.ts); the row, its status and dates stay for the counts.
      eraseCallback: db.prepare(
        `UPDATE callback_requests SET phone = '', preferred_moment = '', description = '', personal_data_purged_at = @now WHERE id = @id AND personal_data_purged_at IS NULL`,
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  find(contact: NormalisedContact, branchIds: number[] | null): SubjectData {
    // A phone number in every way it may have been written (06…, +316…); an e-mail address only as itself.
    const phones = JSON.stringify(phoneVariants(contact.phone));
    const params = { email: contact.email, phones, all: branchIds === null ? 1 : 0, branches: JSON.stringify(branchIds ?? []) };
    const borrowers = (this.s.borrowers.all(params) as Omit<SubjectBorrower, 'loans'>[]).map((b) => ({ ...b, loans: this.s.loansOf.all(b.id) as SubjectLoan[] }));
    return {
      bookings: this.s.bookings.all(params) as SubjectBooking[],
      borrowers,
      callbacks: this.s.callbacks.all(params) as SubjectCallback[],
      waitlist: this.s.waitlist.all(params) as SubjectWaitlistEntry[],
    };
  }

  /**
   * Blanks the personal fields of these records in one transaction; a borrower with a device still out is
   * kept (the device must come back). Returns how many of each were erased.
   */
  erase(data: SubjectData, now: string): { bookings: number; borrowers: number; callbacks: number; waitlist: number; keptBorrowers: number } {
    return this.db
      .transaction(() => {
        let bookings = 0;
        let borrowers = 0;
        let callbacks = 0;
        for (const b of data.bookings) bookings += this.s.eraseBooking.run({ id: b.id, now }).changes;
        for (const b of data.borrowers) {
          if (this.s.eraseBorrower.run({ id: b.id, now }).changes === 0) continue;
          this.s.eraseBorrowerLoans.run({ id: b.id, now });
          borrowers++;
        }
        for (const c of data.callbacks) callbacks += this.s.eraseCallback.run({ id: c.id, now }).changes;
        let waitlist = 0;
        for (const w of data.waitlist) {
          this.s.withdrawWaitlistOffers.run({ id: w.id, now });
          waitlist += this.s.eraseWaitlistEntry.run({ id: w.id, now }).changes;
        }
        return { bookings, borrowers, callbacks, waitlist, keptBorrowers: data.borrowers.length - borrowers };
      })
      .immediate();
  }
}
