import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { addDays, localDate } from '../../lib/time';
import { ConflictError, NotFoundError } from '../../http/errors';
import { assertActorMay } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import type { DevicesRepository } from './devices.repository';
import { loanConstraint, type LoansRepository } from './loans.repository';
import { LoanRefusedError } from './devices.service';
import {
  LOCKABLE_TYPES,
  normaliseContact,
  type Borrower,
  type Device,
  type DeviceType,
  type LendInput,
  type LoanSettings,
  type LoanView,
  type MailLanguage,
  type Reservation,
  type ReturnInput,
  type WipeInput,
} from './loans.model';

export { LoanRefusedError };

/** What the desk panel and the loans start page count. */
export interface LoanCounts {
  dueToday: number;
  overdue: number;
  needsWipe: number;
  heldForPickup: number;
}

/**
 * The loan cycle: lend → take back → confirm the wipe → available (or held for a reservation). Every method
 * asks the policy for `loans.manage` in the branch concerned before it reads or writes; every view of a
 * borrower's name or contact is written to the audit log as `personal_data.viewed`.
 */
export class LoansService {
  constructor(
    private readonly repo: LoansRepository,
    private readonly devices: DevicesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private today(): string {
    return localDate(this.clock.now());
  }

  /** The default due date for a device type at a branch, from today (a branch setting). */
  defaultDueDate(branchId: number, type: DeviceType): string {
    return addDays(this.today(), this.repo.settings(branchId).dueDays[type]);
  }

  /** The branch's lending rules as the lend form uses them (desk staff). */
  lendingRules(actor: Actor, branchId: number): LoanSettings {
    assertActorMay(actor, 'loans.manage', branchId);
    return this.repo.settings(branchId);
  }

  /** The same rules for the settings form (who configures the branch). */
  settingsForEdit(actor: Actor, branchId: number): LoanSettings {
    assertActorMay(actor, 'branch.configure', branchId);
    return this.repo.settings(branchId);
  }

  saveSettings(actor: Actor, branchId: number, settings: LoanSettings): void {
    assertActorMay(actor, 'branch.configure', branchId);
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      this.repo.saveSettings(branchId, settings, now);
      this.audit.record(actor, { action: 'loans.settings_changed', subjectType: 'branch', subjectId: branchId, branchId, details: { ...settings } });
    });
  }

  /** A device of the branch by its tag (typed or scanned), for the lend form; null when unknown there. */
  findDeviceByTag(actor: Actor, branchId: number, tag: string): Device | null {
    assertActorMay(actor, 'loans.manage', branchId);
    const device = this.devices.findByTag(tag.trim());
    return device && device.branchId === branchId ? device : null;
  }

  // ---------------------------------------------------------------- lend

  lend(actor: Actor, branchId: number, input: LendInput): LoanView {
    assertActorMay(actor, 'loans.manage', branchId);
    // Hiding the checkbox is not a permission: a volunteer's forged allowance is refused here.
    if (input.allowExtra) assertActorMay(actor, 'loans.allow_multiple', branchId);
    if (!input.agreementAccepted) throw new LoanRefusedError('agreement', 'loans.lend.agreement_required');
    const contact = normaliseContact(input.borrower.contact);
    if (!contact) throw new LoanRefusedError('contact', 'loans.lend.contact_invalid');
    const now = this.clock.now().toISOString();
    try {
      const id = this.repo.immediate(() => {
        const device = this.findDeviceByTag(actor, branchId, input.assetTag);
        if (!device) throw new LoanRefusedError('tag', 'loans.lend.tag_unknown');
        if (device.status === 'needs_wipe') throw new LoanRefusedError('tag', 'loans.errors.needs_wipe');
        if (device.status !== 'available' && device.status !== 'reserved') throw new LoanRefusedError('tag', 'loans.errors.not_available');
        const dueDate = input.dueDate ?? this.defaultDueDate(branchId, device.type);
        if (dueDate <= this.today()) throw new LoanRefusedError('due_date', 'loans.lend.due_in_past');
        const borrower = this.borrowerFor(branchId, input.borrower.name, contact, input.borrower.libraryCard, now, input.borrower.language);
        const hold = device.status === 'reserved' ? this.repo.reservationHolding(device.id) : null;
        if (device.status === 'reserved' && hold?.borrowerId !== borrower.id) throw new LoanRefusedError('tag', 'loans.errors.held_for_other');
        if (!input.allowExtra && this.repo.activeCountForBorrower(borrower.id) > 0) throw new LoanRefusedError('contact', 'loans.errors.borrower_has_loan');
        const kitOut = input.kitOut.filter((k) => device.kit.includes(k));
        const loanId = this.repo.insertLoan({
          branchId,
          deviceId: device.id,
          borrowerId: borrower.id,
          dueDate,
          depositCents: input.depositCents,
          kitOut,
          extraAllowedBy: input.allowExtra ? actor.userId : null,
          lentBy: actor.userId,
          now,
        });
        if (hold) this.repo.collectReservation(hold.id, now);
        this.devices.addEvent({ deviceId: device.id, loanId, kind: 'lent', at: now, actorUserId: actor.userId, actorLabel: actor.label, details: { dueDate, kitOut } });
        this.audit.record(actor, { action: 'loan.lent', subjectType: 'loan', subjectId: loanId, branchId, details: { deviceId: device.id, borrowerId: borrower.id, dueDate } });
        if (input.allowExtra) this.audit.record(actor, { action: 'loan.extra_allowed', subjectType: 'borrower', subjectId: borrower.id, branchId, details: { loanId } });
        return loanId;
      });
      return this.repo.findLoan(id)!;
    } catch (err) {
      // The database's own rules, reached only when two desks raced past the checks above.
      const rule = loanConstraint(err);
      if (rule === 'device_not_available') throw new LoanRefusedError('tag', 'loans.errors.not_available');
      if (rule === 'borrower_has_loan') throw new LoanRefusedError('contact', 'loans.errors.borrower_has_loan');
      throw err;
    }
  }

  /** Found again by contact (within the branch); a returning borrower's name, card and language are updated. */
  private borrowerFor(branchId: number, name: string, contact: { contact: string; kind: 'email' | 'phone' }, card: string | null, now: string, language?: MailLanguage): Borrower {
    const known = this.repo.findBorrowerByContact(branchId, contact.kind, contact.contact);
    if (known) {
      this.repo.updateBorrower(known.id, name, card, now, language);
      return this.repo.findBorrower(known.id)!;
    }
    const id = this.repo.insertBorrower({ branchId, name, contact: contact.contact, kind: contact.kind, libraryCard: card, language, now });
    return this.repo.findBorrower(id)!;
  }

  // ---------------------------------------------------------------- one loan, one borrower (personal data: audited)

  private loan(actor: Actor, id: number): LoanView {
    assertActorMay(actor, 'loans.manage');
    const loan = this.repo.findLoan(id);
    if (!loan) throw new NotFoundError();
    assertActorMay(actor, 'loans.manage', loan.branchId);
    return loan;
  }

  /** The loan page shows the borrower's name and contact: audited as a view of personal data. */
  viewLoan(actor: Actor, id: number): LoanView {
    const loan = this.loan(actor, id);
    this.recordView(actor, loan.branchId, 'loan', loan.id);
    return loan;
  }

  viewBorrower(actor: Actor, id: number): { borrower: Borrower; loans: LoanView[] } {
    assertActorMay(actor, 'loans.manage');
    const borrower = this.repo.findBorrower(id);
    if (!borrower) throw new NotFoundError();
    assertActorMay(actor, 'loans.manage', borrower.branchId);
    this.recordView(actor, borrower.branchId, 'borrower', borrower.id);
    return { borrower, loans: this.repo.loansForBorrower(id) };
  }

  /** Active loans of a branch with borrowers' names: one audit entry listing the loans shown. */
  activeLoans(actor: Actor, branchId: number): LoanView[] {
    assertActorMay(actor, 'loans.manage', branchId);
    const list = this.repo.activeLoans(branchId);
    if (list.length > 0) this.recordView(actor, branchId, 'loan_list', branchId, { loanIds: list.map((l) => l.id) });
    return list;
  }

  /** Overdue loans (due date before today), for the list and the printable call list. */
  overdueLoans(actor: Actor, branchId: number): LoanView[] {
    assertActorMay(actor, 'loans.manage', branchId);
    const list = this.repo.overdueLoans(branchId, this.today());
    if (list.length > 0) this.recordView(actor, branchId, 'overdue_list', branchId, { loanIds: list.map((l) => l.id) });
    return list;
  }

  counts(actor: Actor, branchId: number): LoanCounts {
    assertActorMay(actor, 'loans.manage', branchId);
    const today = this.today();
    const byStatus = this.devices.countsByStatus(branchId);
    return {
      dueToday: this.repo.countDueOn(branchId, today),
      overdue: this.repo.countOverdue(branchId, today),
      needsWipe: byStatus.needs_wipe ?? 0,
      heldForPickup: byStatus.reserved ?? 0,
    };
  }

  private recordView(actor: Actor, branchId: number, subjectType: string, subjectId: number, details?: Record<string, unknown>): void {
    this.audit.record(actor, { action: 'personal_data.viewed', subjectType, subjectId, branchId, details });
  }

  // ---------------------------------------------------------------- take back, wipe, renew

  takeBack(actor: Actor, loanId: number, input: ReturnInput): LoanView {
    const loan = this.loan(actor, loanId);
    if (loan.returnedAt) throw new ConflictError('loans.errors.already_returned');
    const missingKit = loan.kitOut.filter((k) => !input.kitReturned.includes(k));
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      if (!this.repo.markReturned(loanId, { by: actor.userId, condition: input.condition, note: input.conditionNote, missingKit, now })) {
        throw new ConflictError('loans.errors.already_returned');
      }
      this.devices.addEvent({
        deviceId: loan.deviceId,
        loanId,
        kind: 'returned',
        at: now,
        actorUserId: actor.userId,
        actorLabel: actor.label,
        details: { condition: input.condition, note: input.conditionNote, missingKit },
      });
      this.audit.record(actor, { action: 'loan.returned', subjectType: 'loan', subjectId: loanId, branchId: loan.branchId, details: { condition: input.condition, missingKit } });
    });
    return this.repo.findLoan(loanId)!;
  }

  /**
   * The staff member confirms the wipe (and for phones and tablets that the activation lock and accounts
   * are gone). Only then may the device be lent again: straight to the next waiting reservation of its type
   * if there is one, else available.
   */
  confirmWipe(actor: Actor, deviceId: number, input: WipeInput): Device {
    assertActorMay(actor, 'loans.manage');
    const device = this.devices.findById(deviceId);
    if (!device) throw new NotFoundError();
    assertActorMay(actor, 'loans.manage', device.branchId);
    if (!input.wiped) throw new LoanRefusedError('wiped', 'loans.wipe.wiped_required');
    if (LOCKABLE_TYPES.includes(device.type) && !input.accountsRemoved) throw new LoanRefusedError('accounts_removed', 'loans.wipe.accounts_required');
    if (device.status !== 'needs_wipe') throw new ConflictError('loans.errors.no_wipe_needed');
    const now = this.clock.now().toISOString();
    this.repo.immediate(() => {
      const event = { deviceId, at: now, actorUserId: actor.userId, actorLabel: actor.label };
      this.devices.addEvent({ ...event, kind: 'wiped', details: { accountsRemoved: input.accountsRemoved } });
      const waiting = this.repo.oldestWaitingReservation(device.branchId, device.type);
      if (waiting !== null) {
        if (!this.devices.setStatus(deviceId, 'needs_wipe', 'reserved', now)) throw new ConflictError('loans.errors.no_wipe_needed');
        this.repo.holdReservation(waiting, deviceId, now);
        this.devices.addEvent({ ...event, kind: 'held', details: { reservationId: waiting } });
      } else if (!this.devices.setStatus(deviceId, 'needs_wipe', 'available', now)) {
        throw new ConflictError('loans.errors.no_wipe_needed');
      }
      this.audit.record(actor, { action: 'device.wiped', subjectType: 'device', subjectId: deviceId, branchId: device.branchId, details: { accountsRemoved: input.accountsRemoved, heldFor: waiting } });
    });
    return this.devices.findById(deviceId)!;
  }

  /** A new due date; the old one stays in the device's history. The reminders start over for it. */
  renew(actor: Actor, loanId: number, dueDate: string): LoanView {
    const loan = this.loan(actor, loanId);
    if (loan.returnedAt) throw new ConflictError('loans.errors.already_returned');
    if (dueDate <= this.today()) throw new LoanRefusedError('due_date', 'loans.lend.due_in_past');
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      if (!this.repo.renew(loanId, dueDate, now)) throw new ConflictError('loans.errors.already_returned');
      this.devices.addEvent({ deviceId: loan.deviceId, loanId, kind: 'renewed', at: now, actorUserId: actor.userId, actorLabel: actor.label, details: { from: loan.dueDate, to: dueDate } });
      this.audit.record(actor, { action: 'loan.renewed', subjectType: 'loan', subjectId: loanId, branchId: loan.branchId, details: { from: loan.dueDate, to: dueDate } });
    });
    return this.repo.findLoan(loanId)!;
  }

  // ---------------------------------------------------------------- reservations

  /** Reserve a device type for a borrower from a date. An available device of that type is held at once. */
  reserve(actor: Actor, branchId: number, input: { type: DeviceType; wantedFrom: string; name: string; contact: string; libraryCard: string | null }): number {
    assertActorMay(actor, 'loans.manage', branchId);
    const contact = normaliseContact(input.contact);
    if (!contact) throw new LoanRefusedError('contact', 'loans.lend.contact_invalid');
    const now = this.clock.now().toISOString();
    return this.repo.immediate(() => {
      const borrower = this.borrowerFor(branchId, input.name, contact, input.libraryCard, now);
      const id = this.repo.insertReservation({ branchId, borrowerId: borrower.id, type: input.type, wantedFrom: input.wantedFrom, by: actor.userId, now });
      this.audit.record(actor, { action: 'reservation.created', subjectType: 'reservation', subjectId: id, branchId, details: { type: input.type, wantedFrom: input.wantedFrom } });
      return id;
    });
  }

  /** Waiting and held reservations, with borrowers' names (audited). Held ones are today's pick-ups. */
  openReservations(actor: Actor, branchId: number): Reservation[] {
    assertActorMay(actor, 'loans.manage', branchId);
    const list = this.repo.openReservations(branchId);
    if (list.length > 0) this.recordView(actor, branchId, 'reservation_list', branchId, { reservationIds: list.map((r) => r.id) });
    return list;
  }

  /** Cancelling a held reservation puts its device back to available (it was wiped before it was held). */
  cancelReservation(actor: Actor, id: number): number {
    assertActorMay(actor, 'loans.manage');
    const r = this.repo.findReservation(id);
    if (!r) throw new NotFoundError();
    assertActorMay(actor, 'loans.manage', r.branchId);
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      if (!this.repo.cancelReservation(id, now)) throw new ConflictError();
      if (r.status === 'held' && r.deviceId !== null) {
        this.devices.setStatus(r.deviceId, 'reserved', 'available', now);
        this.devices.addEvent({ deviceId: r.deviceId, kind: 'status_changed', at: now, actorUserId: actor.userId, actorLabel: actor.label, details: { from: 'reserved', to: 'available', reservationId: id } });
      }
      this.audit.record(actor, { action: 'reservation.cancelled', subjectType: 'reservation', subjectId: id, branchId: r.branchId });
    });
    return r.branchId;
  }
}
