import type { Db } from '../../db/open';
import { sqliteConstraint } from '../../db/constraint';
import { DEFAULT_LOAN_DAYS, DEVICE_TYPES, type Borrower, type Condition, type DeviceType, type LoanSettings, type LoanView, type MailLanguage, type Reservation } from './loans.model';

type LoanViewRow = Omit<LoanView, 'kitOut' | 'missingKit'> & { kitOut: string; missingKit: string };

const LOAN_COLUMNS = `l.id, l.branch_id AS branchId, l.device_id AS deviceId, l.borrower_id AS borrowerId, l.due_date AS dueDate,
  l.agreement_accepted_at AS agreementAcceptedAt, l.deposit_cents AS depositCents, l.kit_out AS kitOut, l.missing_kit AS missingKit,
  l.extra_allowed_by AS extraAllowedBy, l.lent_at AS lentAt, l.lent_by AS lentBy, l.returned_at AS returnedAt, l.returned_by AS returnedBy,
  l.condition, l.condition_note AS conditionNote, l.renewals, l.due_soon_sent_at AS dueSoonSentAt, l.overdue_sent_at AS overdueSentAt,
  l.personal_data_purged_at AS personalDataPurgedAt`;
const VIEW_COLUMNS = `${LOAN_COLUMNS}, d.asset_tag AS assetTag, d.type AS deviceType, d.make_model AS makeModel,
  b.name AS borrowerName, b.contact AS borrowerContact, b.contact_kind AS borrowerContactKind, b.mail_language AS borrowerLanguage`;
const VIEW_FROM = 'loans l JOIN devices d ON d.id = l.device_id JOIN borrowers b ON b.id = l.borrower_id';
const RESERVATION_COLUMNS = `r.id, r.branch_id AS branchId, r.borrower_id AS borrowerId, r.device_type AS deviceType, r.wanted_from AS wantedFrom,
  r.status, r.device_id AS deviceId, r.held_at AS heldAt, b.name AS borrowerName, b.contact AS borrowerContact, d.asset_tag AS assetTag`;
const RESERVATION_FROM = 'device_reservations r JOIN borrowers b ON b.id = r.borrower_id LEFT JOIN devices d ON d.id = r.device_id';
const BORROWER_COLUMNS = `id, branch_id AS branchId, name, contact, contact_kind AS contactKind, library_card AS libraryCard, mail_language AS language,
  personal_data_purged_at AS personalDataPurgedAt`;

function parseKits<T extends { kitOut: string; missingKit: string }>(r: T): Omit<T, 'kitOut' | 'missingKit'> & { kitOut: string[]; missingKit: string[] } {
  return { ...r, kitOut: JSON.parse(r.kitOut) as string[], missingKit: JSON.parse(r.missingKit) as string[] };
}

/** Which database rule refused a write: a trigger's RAISE name or a unique index's column list. */
export function loanConstraint(err: unknown): string | null {
  const refused = sqliteConstraint(err);
  if (!refused) return null;
  const { code, message } = refused;
  if (code === 'SQLITE_CONSTRAINT_TRIGGER') return message;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
    if (message.includes('loans.device_id')) return 'device_not_available';
    if (message.includes('devices.asset_tag')) return 'asset_tag_taken';
    if (message.includes('borrowers.')) return 'borrower_exists';
  }
  return null;
}

export interface NewLoan {
  branchId: number;
  deviceId: number;
  borrowerId: number;
  dueDate: string;
  depositCents: number;
  kitOut: string[];
  extraAllowedBy: number | null;
  lentBy: number | null;
  now: string;
}

/** Borrowers, loans and reservations. */
export class LoansRepository {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      borrowerByContact: db.prepare(
        `SELECT ${BORROWER_COLUMNS} FROM borrowers WHERE branch_id = ? AND contact_kind = ? AND contact = ? AND personal_data_purged_at IS NULL`,
      ),
      borrowerById: db.prepare(`SELECT ${BORROWER_COLUMNS} FROM borrowers WHERE id = ?`),
      insertBorrower: db.prepare(
        `INSERT INTO borrowers (branch_id, name, contact, contact_kind, library_card, mail_language, created_at, updated_at)
         VALUES (@branchId, @name, @contact, @kind, @libraryCard, coalesce(@language, 'nl'), @now, @now)`,
      ),
      updateBorrower: db.prepare(`UPDATE borrowers SET name = @name, library_card = coalesce(@libraryCard, library_card), mail_language = coalesce(@language, mail_language), updated_at = @now WHERE id = @id`),
      insertLoan: db.prepare(
        `INSERT INTO loans (branch_id, device_id, borrower_id, due_date, agreement_accepted_at, deposit_cents, kit_out, extra_allowed_by, lent_at, lent_by, created_at, updated_at)
         VALUES (@branchId, @deviceId, @borrowerId, @dueDate, @now, @depositCents, @kitOut, @extraAllowedBy, @now, @lentBy, @now, @now)`,
      ),
      loanById: db.prepare(`SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM} WHERE l.id = ?`),
      activeForDevice: db.prepare(`SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM} WHERE l.device_id = ? AND l.returned_at IS NULL`),
      forDevice: db.prepare(`SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM} WHERE l.device_id = ? ORDER BY l.id DESC LIMIT 50`),
      forBorrower: db.prepare(`SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM} WHERE l.borrower_id = ? ORDER BY l.id DESC`),
      active: db.prepare(`SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM} WHERE l.branch_id = ? AND l.returned_at IS NULL ORDER BY l.due_date, d.asset_tag`),
      overdue: db.prepare(`SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM} WHERE l.branch_id = ? AND l.returned_at IS NULL AND l.due_date < ? ORDER BY l.due_date, d.asset_tag`),
      countDueOn: db.prepare(`SELECT count(*) FROM loans WHERE branch_id = ? AND returned_at IS NULL AND due_date = ?`),
      countOverdue: db.prepare(`SELECT count(*) FROM loans WHERE branch_id = ? AND returned_at IS NULL AND due_date < ?`),
      activeCountForBorrower: db.prepare(`SELECT count(*) FROM loans WHERE borrower_id = ? AND returned_at IS NULL`),
      markReturned: db.prepare(
        `UPDATE loans SET returned_at = @now, returned_by = @by, condition = @condition, condition_note = @note, missing_kit = @missingKit, updated_at = @now
         WHERE id = @id AND returned_at IS NULL`,
      ),
      renew: db.prepare(`UPDATE loans SET due_date = @dueDate, renewals = renewals + 1, due_soon_sent_at = NULL, overdue_sent_at = NULL, updated_at = @now WHERE id = @id AND returned_at IS NULL`),
      reminderCandidates: db.prepare(
        `SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM}
         WHERE l.returned_at IS NULL AND b.contact_kind = 'email' AND b.personal_data_purged_at IS NULL
           AND ((l.due_date < @today AND l.overdue_sent_at IS NULL) OR (l.due_date BETWEEN @today AND @soon AND l.due_soon_sent_at IS NULL))
         ORDER BY l.id LIMIT @limit`,
      ),
      claimOverdue: db.prepare(`UPDATE loans SET overdue_sent_at = @now WHERE id = @id AND overdue_sent_at IS NULL AND returned_at IS NULL`),
      insertReservation: db.prepare(
        `INSERT INTO device_reservations (branch_id, borrower_id, device_type, wanted_from, created_by, created_at, updated_at)
         VALUES (@branchId, @borrowerId, @type, @wantedFrom, @by, @now, @now)`,
      ),
      oldestWaiting: db.prepare(
        `SELECT id FROM device_reservations WHERE branch_id = ? AND device_type = ? AND status = 'waiting' ORDER BY wanted_from, id LIMIT 1`,
      ),
      hold: db.prepare(`UPDATE device_reservations SET status = 'held', device_id = @deviceId, held_at = @now, updated_at = @now WHERE id = @id AND status = 'waiting'`),
      heldForDevice: db.prepare(`SELECT id, borrower_id AS borrowerId FROM device_reservations WHERE device_id = ? AND status = 'held'`),
      collect: db.prepare(`UPDATE device_reservations SET status = 'collected', updated_at = @now WHERE id = @id AND status = 'held'`),
      cancelReservation: db.prepare(`UPDATE device_reservations SET status = 'cancelled', device_id = NULL, updated_at = @now WHERE id = @id AND status IN ('waiting', 'held')`),
      reservationById: db.prepare(`SELECT ${RESERVATION_COLUMNS} FROM ${RESERVATION_FROM} WHERE r.id = ?`),
      openReservations: db.prepare(
        `SELECT ${RESERVATION_COLUMNS} FROM ${RESERVATION_FROM} WHERE r.branch_id = ? AND r.status IN ('waiting', 'held') ORDER BY r.wanted_from, r.id`,
      ),
      readSetting: db.prepare(`SELECT value FROM settings WHERE key = ?`),
      writeSetting: db.prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @now) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      ),
      claimDueSoon: db.prepare(`UPDATE loans SET due_soon_sent_at = @now WHERE id = @id AND due_soon_sent_at IS NULL AND returned_at IS NULL`),
    };
  }

  // ------------------------------------------------------------ borrowers

  findBorrowerByContact(branchId: number, kind: 'email' | 'phone', contact: string): Borrower | null {
    return (this.stmts.borrowerByContact.get(branchId, kind, contact) as Borrower | undefined) ?? null;
  }

  findBorrower(id: number): Borrower | null {
    return (this.stmts.borrowerById.get(id) as Borrower | undefined) ?? null;
  }

  insertBorrower(b: { branchId: number; name: string; contact: string; kind: 'email' | 'phone'; libraryCard: string | null; language?: MailLanguage; now: string }): number {
    return Number(this.stmts.insertBorrower.run({ ...b, language: b.language ?? null }).lastInsertRowid);
  }

  /** A returning borrower may give a new spelling of their name, a card number or a language; the contact stays the key. */
  updateBorrower(id: number, name: string, libraryCard: string | null, now: string, language?: MailLanguage): void {
    this.stmts.updateBorrower.run({ id, name, libraryCard, language: language ?? null, now });
  }

  // ------------------------------------------------------------ loans

  insertLoan(l: NewLoan): number {
    return Number(this.stmts.insertLoan.run({ ...l, kitOut: JSON.stringify(l.kitOut) }).lastInsertRowid);
  }

  findLoan(id: number): LoanView | null {
    const r = this.stmts.loanById.get(id) as LoanViewRow | undefined;
    return r ? parseKits(r) : null;
  }

  activeLoanForDevice(deviceId: number): LoanView | null {
    const r = this.stmts.activeForDevice.get(deviceId) as LoanViewRow | undefined;
    return r ? parseKits(r) : null;
  }

  loansForDevice(deviceId: number): LoanView[] {
    return (this.stmts.forDevice.all(deviceId) as LoanViewRow[]).map(parseKits);
  }

  loansForBorrower(borrowerId: number): LoanView[] {
    return (this.stmts.forBorrower.all(borrowerId) as LoanViewRow[]).map(parseKits);
  }

  activeLoans(branchId: number): LoanView[] {
    return (this.stmts.active.all(branchId) as LoanViewRow[]).map(parseKits);
  }

  overdueLoans(branchId: number, today: string): LoanView[] {
    return (this.stmts.overdue.all(branchId, today) as LoanViewRow[]).map(parseKits);
  }

  countDueOn(branchId: number, date: string): number {
    return this.stmts.countDueOn.pluck().get(branchId, date) as number;
  }

  countOverdue(branchId: number, today: string): number {
    return this.stmts.countOverdue.pluck().get(branchId, today) as number;
  }

  activeCountForBorrower(borrowerId: number): number {
    return this.stmts.activeCountForBorrower.pluck().get(borrowerId) as number;
  }

  markReturned(id: number, r: { by: number | null; condition: Condition; note: string; missingKit: string[]; now: string }): boolean {
    return this.stmts.markReturned.run({ id, by: r.by, condition: r.condition, note: r.note, missingKit: JSON.stringify(r.missingKit), now: r.now }).changes === 1;
  }

  renew(id: number, dueDate: string, now: string): boolean {
    return this.stmts.renew.run({ id, dueDate, now }).changes === 1;
  }

  /** Active loans of borrowers with e-mail that are overdue, or due within [today, soon], not yet told. */
  reminderCandidates(today: string, soon: string, limit: number): LoanView[] {
    return (this.stmts.reminderCandidates.all({ today, soon, limit }) as LoanViewRow[]).map(parseKits);
  }

  /** Set the sent mark only if still empty: the claim and the outbox row commit together, so never twice. */
  claimReminder(id: number, kind: 'overdue' | 'due_soon', now: string): boolean {
    return (kind === 'overdue' ? this.stmts.claimOverdue : this.stmts.claimDueSoon).run({ id, now }).changes === 1;
  }

  // ------------------------------------------------------------ branch settings

  /** The branch's lending rules; unknown or damaged values fall back to the defaults one by one. */
  settings(branchId: number): LoanSettings {
    const raw = this.stmts.readSetting.pluck().get(`loans.branch.${branchId}`) as string | undefined;
    let saved: Partial<LoanSettings>;
    try {
      saved = raw ? (JSON.parse(raw) as Partial<LoanSettings>) : {};
    } catch {
      saved = {};
    }
    const dueDays = { ...DEFAULT_LOAN_DAYS };
    for (const type of DEVICE_TYPES) {
      const days = saved.dueDays?.[type];
      if (Number.isInteger(days) && days! >= 1 && days! <= 365) dueDays[type] = days!;
    }
    const deposit = saved.depositCents;
    return { dueDays, depositCents: Number.isInteger(deposit) && deposit! >= 0 && deposit! <= 100_000 ? deposit! : 0 };
  }

  saveSettings(branchId: number, settings: LoanSettings, now: string): void {
    this.stmts.writeSetting.run({ key: `loans.branch.${branchId}`, value: JSON.stringify(settings), now });
  }

  // ------------------------------------------------------------ reservations

  insertReservation(r: { branchId: number; borrowerId: number; type: DeviceType; wantedFrom: string; by: number | null; now: string }): number {
    return Number(this.stmts.insertReservation.run(r).lastInsertRowid);
  }

  /** The reservation next in line for a device type: earliest wanted date first, then first come. */
  oldestWaitingReservation(branchId: number, type: DeviceType): number | null {
    return (this.stmts.oldestWaiting.pluck().get(branchId, type) as number | undefined) ?? null;
  }

  holdReservation(id: number, deviceId: number, now: string): boolean {
    return this.stmts.hold.run({ id, deviceId, now }).changes === 1;
  }

  reservationHolding(deviceId: number): { id: number; borrowerId: number } | null {
    return (this.stmts.heldForDevice.get(deviceId) as { id: number; borrowerId: number } | undefined) ?? null;
  }

  collectReservation(id: number, now: string): boolean {
    return this.stmts.collect.run({ id, now }).changes === 1;
  }

  cancelReservation(id: number, now: string): boolean {
    return this.stmts.cancelReservation.run({ id, now }).changes === 1;
  }

  findReservation(id: number): Reservation | null {
    return (this.stmts.reservationById.get(id) as Reservation | undefined) ?? null;
  }

  openReservations(branchId: number): Reservation[] {
    return this.stmts.openReservations.all(branchId) as Reservation[];
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** BEGIN IMMEDIATE: the availability check and the insert cannot interleave with another writer. */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
