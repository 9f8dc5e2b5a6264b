import type { Db } from '../../db/open';

/**
 * The purge's SQL: each method handles one batch of one kind and returns how many records it purged, so
 * the service can loop in short write transactions and never hold the lock for long. Personal fields are
 * blanked (or the row removed where nothing in it is counted); everything the statistics count (status,
 * branch, dates, device, outcome) stays.
 */
export class PurgeRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      // Bookings: 30 days (by default) after the appointment ended, whatever its status.
      bookings: db.prepare(
        `UPDATE appointments
         SET name = '', email = NULL, phone = NULL, needs = '{}',
             cancel_reason = CASE WHEN cancel_reason IS NULL THEN NULL ELSE '' END,
             personal_data_purged_at = @now, updated_at = @now
         WHERE id IN (SELECT id FROM appointments WHERE personal_data_purged_at IS NULL AND ends_at < @cutoff LIMIT @batch)`,
      ),
      // Copies of that data in delivered (or abandoned) mail.
      mail: db.prepare(
        `UPDATE outbox
         SET to_address = '', subject = '', text_body = '', html_body = '', attachments = '[]', personal_data_purged_at = @now
         WHERE id IN (SELECT id FROM outbox WHERE personal_data_purged_at IS NULL AND status IN ('sent', 'failed')
                      AND created_at < @cutoff LIMIT @batch)`,
      ),
      // Borrowers: nothing open (no active loan, no waiting or held reservation), every loan returned before
      // the cutoff, and every returned device wiped after that return, also before the cutoff (a lost device
      // cannot be wiped). Until the wipe the device may still hold the borrower's files: we may need to reach them.
      expiredBorrowers: db
        .prepare(
          `SELECT b.id FROM borrowers b
           WHERE b.personal_data_purged_at IS NULL AND b.updated_at < @cutoff
             AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.borrower_id = b.id AND (l.returned_at IS NULL OR l.returned_at >= @cutoff))
             AND NOT EXISTS (SELECT 1 FROM device_reservations r WHERE r.borrower_id = b.id AND r.status IN ('waiting', 'held'))
             AND NOT EXISTS (
               SELECT 1 FROM loans l JOIN device_events ret ON ret.loan_id = l.id AND ret.kind = 'returned'
               WHERE l.borrower_id = b.id AND l.condition <> 'lost'
                 AND NOT EXISTS (SELECT 1 FROM device_events w
                                 WHERE w.device_id = l.device_id AND w.kind = 'wiped' AND w.id > ret.id AND w.at < @cutoff))
           LIMIT @batch`,
        )
        .pluck(),
      blankBorrower: db.prepare(
        `UPDATE borrowers SET name = '', contact = '', library_card = NULL, personal_data_purged_at = @now, updated_at = @now
         WHERE id = @id AND personal_data_purged_at IS NULL`,
      ),
      blankBorrowerLoans: db.prepare(
        `UPDATE loans SET condition_note = '', personal_data_purged_at = @now WHERE borrower_id = @id AND personal_data_purged_at IS NULL`,
      ),
      // Chat transcripts: bodies blanked after the escalation closed; times, outcome and message count stay.
      expiredChats: db
        .prepare(
          `SELECT id FROM escalations
           WHERE personal_data_purged_at IS NULL AND closed_at IS NOT NULL AND closed_at < @cutoff LIMIT @batch`,
        )
        .pluck(),
      blankChat: db.prepare(`UPDATE chat_messages SET body = '' WHERE escalation_id = @id`),
      // The description is checked for personal data when typed, but it is free text about a person's case: blanked too.
      markChat: db.prepare(`UPDATE escalations SET description = '-', personal_data_purged_at = @now WHERE id = @id`),
      // Callback requests: after done, or after the request itself when it was never marked done.
      callbacks: db.prepare(
        `UPDATE callback_requests SET phone = '', preferred_moment = '', description = '', personal_data_purged_at = @now
         WHERE id IN (SELECT id FROM callback_requests
                      WHERE personal_data_purged_at IS NULL AND coalesce(done_at, created_at) < @cutoff LIMIT @batch)`,
      ),
      // Waitlist entries: ended (booked or taken off) before the cutoff, or still waiting since before it.
      expiredWaitlist: db
        .prepare(
          `SELECT id FROM waitlist_entries
           WHERE personal_data_purged_at IS NULL AND coalesce(ended_at, created_at) < @cutoff LIMIT @batch`,
        )
        .pluck(),
      withdrawWaitlistOffers: db.prepare(`UPDATE waitlist_offers SET status = 'withdrawn', updated_at = @now WHERE entry_id = @id AND status = 'open'`),
      blankWaitlistEntry: db.prepare(
        `UPDATE waitlist_entries
         SET name = '', email = NULL, phone = NULL, status = CASE WHEN status = 'waiting' THEN 'removed' ELSE status END,
             ended_at = coalesce(ended_at, @now), personal_data_purged_at = @now, updated_at = @now
         WHERE id = @id AND personal_data_purged_at IS NULL`,
      ),
      audit: db.prepare(`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < @cutoff ORDER BY at LIMIT @batch)`),
      signInFailures: db.prepare(
        `DELETE FROM sign_in_failures WHERE key IN (
           SELECT key FROM sign_in_failures
           WHERE window_started_at < @cutoff AND (locked_until IS NULL OR locked_until < @now) LIMIT @batch)`,
      ),
    };
  }

  purgeBookings(cutoff: string, now: string, batch: number): number {
    return this.s.bookings.run({ cutoff, now, batch }).changes;
  }

  purgeMail(cutoff: string, now: string, batch: number): number {
    return this.s.mail.run({ cutoff, now, batch }).changes;
  }

  purgeBorrowers(cutoff: string, now: string, batch: number): number {
    return this.immediate(() => {
      const ids = this.s.expiredBorrowers.all({ cutoff, batch }) as number[];
      for (const id of ids) {
        this.s.blankBorrowerLoans.run({ id, now });
        this.s.blankBorrower.run({ id, now });
      }
      return ids.length;
    });
  }

  purgeChats(cutoff: string, now: string, batch: number): number {
    return this.immediate(() => {
      const ids = this.s.expiredChats.all({ cutoff, batch }) as number[];
      for (const id of ids) {
        this.s.blankChat.run({ id });
        this.s.markChat.run({ id, now });
      }
      return ids.length;
    });
  }

  purgeCallbacks(cutoff: string, now: string, batch: number): number {
    return this.s.callbacks.run({ cutoff, now, batch }).changes;
  }

  purgeWaitlist(cutoff: string, now: string, batch: number): number {
    return this.immediate(() => {
      const ids = this.s.expiredWaitlist.all({ cutoff, batch }) as number[];
      for (const id of ids) {
        this.s.withdrawWaitlistOffers.run({ id, now });
        this.s.blankWaitlistEntry.run({ id, now });
      }
      return ids.length;
    });
  }

  purgeAudit(cutoff: string, batch: number): number {
    return this.s.audit.run({ cutoff, batch }).changes;
  }

  purgeSignInFailures(cutoff: string, now: string, batch: number): number {
    return this.s.signInFailures.run({ cutoff, now, batch }).changes;
  }

  private immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
