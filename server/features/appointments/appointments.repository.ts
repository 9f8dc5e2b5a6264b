import type { Db } from '../../db/open';
import { sqliteConstraint } from '../../db/constraint';
import { allRows, oneRow } from '../../db/rows';
import type { Appointment, NewAppointment, SlotMove } from './appointments.model';

export type { AppointmentStatus } from './appointments.model';

/** A row as selected: the columns carry the model's names; only JSON and booleans need converting. */
type AppointmentRow = Omit<Appointment, 'needs' | 'capacityOverride'> & { needs: string; capacityOverride: number };

const COLUMNS = `id, branch_id AS branchId, starts_at AS startsAt, ends_at AS endsAt, local_date AS localDate,
  local_time AS localTime, topic_key AS topicKey, code, status, name, email, phone, needs, language, channel,
  booked_by_user_id AS bookedByUserId, capacity_override AS capacityOverride, ics_sequence AS icsSequence,
  reminder_sent_at AS reminderSentAt, cancel_reason AS cancelReason, cancelled_at AS cancelledAt, cancelled_by AS cancelledBy,
  arrived_at AS arrivedAt, arrived_by AS arrivedBy, in_progress_at AS inProgressAt, done_at AS doneAt, done_by AS doneBy,
  no_show_at AS noShowAt, no_show_by AS noShowBy, personal_data_purged_at AS personalDataPurgedAt,
  created_at AS createdAt, updated_at AS updatedAt`;

function toAppointment(r: AppointmentRow): Appointment {
  return { ...r, needs: JSON.parse(r.needs) as Appointment['needs'], capacityOverride: r.capacityOverride === 1 };
}

/** Thrown when the capacity trigger refuses a row: the time is full. */
export class CapacityExceededError extends Error {
  constructor() {
    super('capacity');
  }
}

function isCapacityError(err: unknown): boolean {
  const refused = sqliteConstraint(err);
  return refused?.code === 'SQLITE_CONSTRAINT_TRIGGER' && refused.message === 'capacity';
}

/** Runs a statement and turns the trigger's RAISE(ABORT, 'capacity') into a typed error. */
function guardCapacity<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isCapacityError(err)) throw new CapacityExceededError();
    throw err;
  }
}

/** Is this a unique-constraint failure on the given column (e.g. a code collision)? */
export function isUniqueViolation(err: unknown, column: string): boolean {
  const refused = sqliteConstraint(err);
  return refused?.code === 'SQLITE_CONSTRAINT_UNIQUE' && refused.message.includes(`appointments.${column}`);
}

export class AppointmentsRepository {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly byCodeStmt;
  private readonly byTokenStmt;
  private readonly byIdempotencyStmt;
  private readonly slotCountsStmt;
  private readonly dayListStmt;
  private readonly rangeListStmt;
  private readonly arrivedStmt;
  private readonly inProgressStmt;
  private readonly doneStmt;
  private readonly noShowStmt;
  private readonly cancelStmt;
  private readonly moveStmt;
  private readonly dueRemindersStmt;
  private readonly claimReminderStmt;
  private readonly countsStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, status, name, email,
         phone, needs, language, channel, booked_by_user_id, capacity_override, ics_sequence, idempotency_key, created_at, updated_at)
       VALUES (@branchId, @startsAt, @endsAt, @localDate, @localTime, @topicKey, @code, @tokenHash, 'booked', @name, @email,
         @phone, @needs, @language, @channel, @bookedByUserId, @capacityOverride, 0, @idempotencyKey, @now, @now)`,
    );
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM appointments WHERE id = ?`);
    this.byCodeStmt = db.prepare(`SELECT ${COLUMNS} FROM appointments WHERE code = ?`);
    this.byTokenStmt = db.prepare(`SELECT ${COLUMNS} FROM appointments WHERE token_hash = ?`);
    this.byIdempotencyStmt = db.prepare(`SELECT ${COLUMNS} FROM appointments WHERE idempotency_key = ?`);
    this.slotCountsStmt = db.prepare(
      `SELECT starts_at, count(*) AS n FROM appointments
       WHERE branch_id = @branchId AND starts_at >= @from AND starts_at < @to AND status NOT IN ('cancelled', 'no_show')
       GROUP BY starts_at`,
    );
    this.dayListStmt = db.prepare(
      `SELECT ${COLUMNS} FROM appointments WHERE branch_id = @branchId AND local_date = @date ORDER BY starts_at, id`,
    );
    this.rangeListStmt = db.prepare(
      `SELECT ${COLUMNS} FROM appointments
       WHERE branch_id = @branchId AND local_date >= @from AND local_date <= @to ORDER BY starts_at, id`,
    );
    // Status changes are compare-and-set on the allowed previous states, so two desks clicking at once
    // cannot both win, and the service learns whether its change happened.
    this.arrivedStmt = db.prepare(
      `UPDATE appointments SET status = 'arrived', arrived_at = @now, arrived_by = @userId, updated_at = @now
       WHERE id = @id AND status = 'booked'`,
    );
    this.inProgressStmt = db.prepare(
      `UPDATE appointments SET status = 'in_progress', in_progress_at = @now, updated_at = @now
       WHERE id = @id AND status IN ('booked', 'arrived')`,
    );
    this.doneStmt = db.prepare(
      `UPDATE appointments SET status = 'done', done_at = @now, done_by = @userId, updated_at = @now
       WHERE id = @id AND status IN ('booked', 'arrived', 'in_progress')`,
    );
    this.noShowStmt = db.prepare(
      `UPDATE appointments SET status = 'no_show', no_show_at = @now, no_show_by = @userId, updated_at = @now
       WHERE id = @id AND status = 'booked'`,
    );
    this.cancelStmt = db.prepare(
      `UPDATE appointments SET status = 'cancelled', cancelled_at = @now, cancelled_by = @userId, cancel_reason = @reason,
         ics_sequence = ics_sequence + 1, updated_at = @now
       WHERE id = @id AND status = 'booked'`,
    );
    // A new time means a new reminder: reminder_sent_at goes back to NULL.
    this.moveStmt = db.prepare(
      `UPDATE appointments SET starts_at = @startsAt, ends_at = @endsAt, local_date = @localDate, local_time = @localTime,
         ics_sequence = ics_sequence + 1, reminder_sent_at = NULL, updated_at = @now
       WHERE id = @id AND status = 'booked'`,
    );
    this.dueRemindersStmt = db.prepare(
      // Booked a day or more ahead: due 24 hours before. Booked later than that: due on the day, @sameDayTo.
      `SELECT ${COLUMNS} FROM appointments
       WHERE reminder_sent_at IS NULL AND status = 'booked' AND email IS NOT NULL AND starts_at > @from
         AND ((starts_at <= @to AND julianday(created_at) <= julianday(starts_at) - 1.0) OR starts_at <= @sameDayTo)
       ORDER BY starts_at, id LIMIT @limit`,
    );
    this.claimReminderStmt = db.prepare(
      `UPDATE appointments SET reminder_sent_at = @now WHERE id = @id AND reminder_sent_at IS NULL AND status = 'booked'`,
    );
    this.countsStmt = db.prepare(
      `SELECT status, count(*) AS n FROM appointments WHERE branch_id = @branchId AND local_date = @date GROUP BY status`,
    );
  }

  /** Inserts a booking; throws CapacityExceededError when the slot is full. */
  insert(a: NewAppointment): number {
    const params = { ...a, needs: JSON.stringify(a.needs), capacityOverride: a.capacityOverride ? 1 : 0 };
    return guardCapacity(() => Number(this.insertStmt.run(params).lastInsertRowid));
  }

  findById(id: number): Appointment | null {
    return oneRow(this.byIdStmt.get(id), toAppointment);
  }

  findByCode(code: string): Appointment | null {
    return oneRow(this.byCodeStmt.get(code), toAppointment);
  }

  findByTokenHash(tokenHash: string): Appointment | null {
    return oneRow(this.byTokenStmt.get(tokenHash), toAppointment);
  }

  findByIdempotencyKey(key: string): Appointment | null {
    return oneRow(this.byIdempotencyStmt.get(key), toAppointment);
  }

  /** Active bookings per start instant in [from, to), for availability. */
  slotCounts(branchId: number, from: string, to: string): Map<string, number> {
    const rows = this.slotCountsStmt.all({ branchId, from, to }) as { starts_at: string; n: number }[];
    return new Map(rows.map((r) => [r.starts_at, r.n]));
  }

  listDay(branchId: number, date: string): Appointment[] {
    return allRows(this.dayListStmt.all({ branchId, date }), toAppointment);
  }

  listBetween(branchId: number, from: string, to: string): Appointment[] {
    return allRows(this.rangeListStmt.all({ branchId, from, to }), toAppointment);
  }

  markArrived(id: number, userId: number | null, now: string): boolean {
    return this.arrivedStmt.run({ id, userId, now }).changes === 1;
  }

  markInProgress(id: number, now: string): boolean {
    return this.inProgressStmt.run({ id, now }).changes === 1;
  }

  markDone(id: number, userId: number | null, now: string): boolean {
    return this.doneStmt.run({ id, userId, now }).changes === 1;
  }

  markNoShow(id: number, userId: number | null, now: string): boolean {
    return this.noShowStmt.run({ id, userId, now }).changes === 1;
  }

  cancel(id: number, userId: number | null, reason: string | null, now: string): boolean {
    return this.cancelStmt.run({ id, userId, reason, now }).changes === 1;
  }

  /** Moves a booking to another time; throws CapacityExceededError when that time is full. */
  move(m: SlotMove): boolean {
    return guardCapacity(() => this.moveStmt.run(m).changes === 1);
  }

  dueReminders(from: string, to: string, sameDayTo: string, limit: number): Appointment[] {
    return allRows(this.dueRemindersStmt.all({ from, to, sameDayTo, limit }), toAppointment);
  }

  /** Compare-and-set: true for exactly one caller per booking, even across processes. */
  claimReminder(id: number, now: string): boolean {
    return this.claimReminderStmt.run({ id, now }).changes === 1;
  }

  countsByStatus(branchId: number, date: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.countsStmt.all({ branchId, date }) as { status: string; n: number }[]) out[r.status] = r.n;
    return out;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * BEGIN IMMEDIATE: takes the write lock before the first read, so "count the free desks, then insert"
   * cannot interleave with another connection (a second process, a script) doing the same.
   */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
