import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { ConflictError, NotFoundError } from '../../http/errors';
import { assertActorMay } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import type { DevicesRepository } from './devices.repository';
import { loanConstraint, type LoansRepository } from './loans.repository';
import { planImport, type ImportPlan } from './devices.import';
import type { Device, DeviceEvent, DeviceInput, DevicePage, DeviceSearch, DeviceStatus, LoanView, ManualStatus } from './loans.model';

/** A form-level refusal: which field it is about and the message key, so the route can show it there. */
export class LoanRefusedError extends ConflictError {
  constructor(
    readonly field: string,
    messageKey: string,
  ) {
    super(messageKey);
  }
}

export interface DeviceDetail {
  device: Device;
  history: DeviceEvent[];
  /** Recent loans (newest first); borrower names are not shown on the device page, only loan links. */
  loans: LoanView[];
}

/**
 * The inventory of a branch: search, add, edit, the device page with its history, and status changes by
 * hand (in repair, lost, retired, back in service). Every method asks the policy for `loans.manage` in
 * the device's branch first, so a route that forgets cannot leak another branch's devices.
 */
export class DevicesService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly loans: LoansRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The device, if the actor may manage loans in its branch; 404 for unknown and for other branches. */
  get(actor: Actor, id: number): Device {
    assertActorMay(actor, 'loans.manage');
    const device = this.devices.findById(id);
    if (!device) throw new NotFoundError();
    assertActorMay(actor, 'loans.manage', device.branchId);
    return device;
  }

  search(actor: Actor, q: DeviceSearch): DevicePage {
    assertActorMay(actor, 'loans.manage', q.branchId);
    const rows = this.devices.search(q);
    return { devices: rows.slice(0, q.pageSize), page: q.page, hasNext: rows.length > q.pageSize };
  }

  countsByStatus(actor: Actor, branchId: number): Partial<Record<DeviceStatus, number>> {
    assertActorMay(actor, 'loans.manage', branchId);
    return this.devices.countsByStatus(branchId);
  }

  detail(actor: Actor, id: number): DeviceDetail {
    const device = this.get(actor, id);
    return { device, history: this.devices.history(id), loans: this.loans.loansForDevice(id) };
  }

  add(actor: Actor, branchId: number, input: DeviceInput): number {
    assertActorMay(actor, 'loans.manage', branchId);
    const now = this.clock.now().toISOString();
    return this.write(() =>
      this.loans.transaction(() => {
        const id = this.devices.insert(branchId, input, now);
        this.devices.addEvent({ deviceId: id, kind: 'added', at: now, actorUserId: actor.userId, actorLabel: actor.label, details: { tag: input.assetTag } });
        this.audit.record(actor, { action: 'device.added', subjectType: 'device', subjectId: id, branchId, details: { tag: input.assetTag, type: input.type } });
        return id;
      }),
    );
  }

  /** What an import of this CSV would do, row by row; writes nothing. */
  previewImport(actor: Actor, branchId: number, csv: string): ImportPlan {
    assertActorMay(actor, 'loans.manage', branchId);
    return planImport(csv, (tag) => this.devices.findByTag(tag) !== null);
  }

  /**
   * Imports the rows without errors, all in one transaction (a tag taken meanwhile fails the whole import,
   * never half of it). A file with the wrong columns imports nothing.
   */
  importCsv(actor: Actor, branchId: number, csv: string): { plan: ImportPlan; imported: number } {
    const plan = this.previewImport(actor, branchId, csv);
    if (plan.fileError) return { plan, imported: 0 };
    const good = plan.rows.flatMap((r) => (r.device ? [r.device] : []));
    if (good.length > 0) this.addMany(actor, branchId, good);
    return { plan, imported: good.length };
  }

  /** Many devices at once (CSV import): all or nothing, one history event each. */
  addMany(actor: Actor, branchId: number, inputs: DeviceInput[]): number[] {
    assertActorMay(actor, 'loans.manage', branchId);
    const now = this.clock.now().toISOString();
    return this.write(() =>
      this.loans.transaction(() => {
        const ids = inputs.map((input) => {
          const id = this.devices.insert(branchId, input, now);
          this.devices.addEvent({ deviceId: id, kind: 'imported', at: now, actorUserId: actor.userId, actorLabel: actor.label, details: { tag: input.assetTag } });
          return id;
        });
        this.audit.record(actor, { action: 'device.imported', subjectType: 'branch', subjectId: branchId, branchId, details: { count: ids.length } });
        return ids;
      }),
    );
  }

  edit(actor: Actor, id: number, input: DeviceInput): void {
    const before = this.get(actor, id);
    const now = this.clock.now().toISOString();
    const changed = (Object.keys(input) as (keyof DeviceInput)[]).filter((k) => JSON.stringify(input[k]) !== JSON.stringify(before[k]));
    this.write(() =>
      this.loans.transaction(() => {
        this.devices.update(id, input, now);
        this.devices.addEvent({ deviceId: id, kind: 'edited', at: now, actorUserId: actor.userId, actorLabel: actor.label, details: { fields: changed } });
        this.audit.record(actor, { action: 'device.edited', subjectType: 'device', subjectId: id, branchId: before.branchId, details: { fields: changed } });
      }),
    );
  }

  /**
   * In repair, lost, retired or back in service. The database refuses what would skip a wipe or hide a
   * loan (triggers in 0005_create_loans.sql); those refusals come back as a 409 with the reason.
   */
  setStatus(actor: Actor, id: number, status: ManualStatus, note: string): void {
    const before = this.get(actor, id);
    if (before.status === status) return;
    if (before.status === 'on_loan' || before.status === 'reserved') throw new LoanRefusedError('status', `loans.errors.status_${before.status}`);
    const now = this.clock.now().toISOString();
    this.write(() =>
      this.loans.transaction(() => {
        if (!this.devices.setStatus(id, before.status, status, now)) throw new ConflictError();
        this.devices.addEvent({ deviceId: id, kind: 'status_changed', at: now, actorUserId: actor.userId, actorLabel: actor.label, details: { from: before.status, to: status, note } });
        this.audit.record(actor, { action: 'device.status_changed', subjectType: 'device', subjectId: id, branchId: before.branchId, details: { from: before.status, to: status } });
      }),
    );
  }

  /** Turns the database's refusals into messages for the form. */
  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const rule = loanConstraint(err);
      if (rule === 'asset_tag_taken') throw new LoanRefusedError('asset_tag', 'loans.errors.asset_tag_taken');
      if (rule === 'device_needs_wipe') throw new LoanRefusedError('status', 'loans.errors.needs_wipe');
      if (rule === 'device_on_loan') throw new LoanRefusedError('status', 'loans.errors.status_on_loan');
      throw err;
    }
  }
}
