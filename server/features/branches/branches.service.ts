import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { addDays, isoWeekday, localDate } from '../../lib/time';
import { ConflictError, NotFoundError } from '../../http/errors';
import { assertActorMay } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import type { BranchesRepository } from './branches.repository';
import type { Branch, BranchInput, Closure, OpeningPeriod } from './branches.model';

export type { Branch, BranchInput, Closure, OpeningPeriod };

export interface DaySchedule {
  date: string;
  weekday: number;
  periods: { opens: string; closes: string }[];
  closure: Closure | null;
}

export class BranchesService {
  constructor(
    private readonly repo: BranchesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /**
     * Called after a commit that may have given the branch more bookable time (desks, hours, a closure
     * lifted), so the waitlist can offer it. A callback: the waitlist depends on branches, not the reverse.
     */
    private readonly onScheduleChanged: (branchId: number) => void = () => undefined,
  ) {}

  get(id: number): Branch {
    const branch = this.repo.findById(id);
    if (!branch) throw new NotFoundError();
    return branch;
  }

  find(id: number): Branch | null {
    return this.repo.findById(id);
  }

  findByName(name: string): Branch | null {
    return this.repo.findByName(name);
  }

  listAll(): Branch[] {
    return this.repo.listAll();
  }

  listActive(): Branch[] {
    return this.repo.listActive();
  }

  openingHours(branchId: number): OpeningPeriod[] {
    return this.repo.openingHours(branchId);
  }

  openingHoursOf(branchIds: number[]): OpeningPeriod[] {
    return this.repo.openingHoursOf(branchIds);
  }

  upcomingClosures(branchId: number): Closure[] {
    return this.repo.closures(branchId, localDate(this.clock.now()));
  }

  closuresBetween(branchId: number, fromDate: string, toDate: string): Closure[] {
    return this.repo.closuresBetween(branchId, fromDate, toDate);
  }

  /** Opening periods per local date, with closures applied; the basis for availability. */
  schedule(branchId: number, fromDate: string, days: number): DaySchedule[] {
    const hours = this.repo.openingHours(branchId);
    const toDate = addDays(fromDate, days - 1);
    const closures = this.repo.closuresBetween(branchId, fromDate, toDate);
    const out: DaySchedule[] = [];
    for (let i = 0; i < days; i++) {
      const date = addDays(fromDate, i);
      const weekday = isoWeekday(date);
      const closure = closures.find((c) => c.startDate <= date && c.endDate >= date) ?? null;
      const periods = closure ? [] : hours.filter((h) => h.weekday === weekday).map((h) => ({ opens: h.opens, closes: h.closes }));
      out.push({ date, weekday, periods, closure });
    }
    return out;
  }

  create(actor: Actor, input: BranchInput): number {
    assertActorMay(actor, 'branch.create');
    const now = this.clock.now().toISOString();
    return this.repo.transaction(() => {
      if (this.repo.findByName(input.name)) throw new ConflictError('branches.errors.name_taken');
      const id = this.repo.insert(input, now);
      this.audit.record(actor, { action: 'branch.created', subjectType: 'branch', subjectId: id, branchId: id, details: { name: input.name } });
      return id;
    });
  }

  update(actor: Actor, id: number, input: BranchInput): void {
    assertActorMay(actor, 'branch.create');
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const before = this.get(id);
      const other = this.repo.findByName(input.name);
      if (other && other.id !== id) throw new ConflictError('branches.errors.name_taken');
      this.repo.update(id, input, now);
      const changed = Object.fromEntries(
        (Object.keys(input) as (keyof BranchInput)[]).filter((k) => before[k] !== input[k]).map((k) => [k, { from: before[k], to: input[k] }]),
      );
      this.audit.record(actor, { action: 'branch.updated', subjectType: 'branch', subjectId: id, branchId: id, details: changed });
    });
    this.onScheduleChanged(id);
  }

  /** Only the booking settings, which coordinators may change for their own branches. */
  updateBookingSettings(actor: Actor, id: number, settings: Pick<BranchInput, 'slotMinutes' | 'desks' | 'horizonDays' | 'minNoticeMinutes' | 'waitlistHoldMinutes'>): void {
    assertActorMay(actor, 'branch.configure', id);
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const before = this.get(id);
      const { id: _id, retiredAt: _retired, ...current } = before;
      this.repo.update(id, { ...current, ...settings }, now);
      const changed = Object.fromEntries(
        (Object.keys(settings) as (keyof typeof settings)[]).filter((k) => before[k] !== settings[k]).map((k) => [k, { from: before[k], to: settings[k] }]),
      );
      this.audit.record(actor, { action: 'branch.settings_changed', subjectType: 'branch', subjectId: id, branchId: id, details: changed });
    });
    this.onScheduleChanged(id);
  }

  setRetired(actor: Actor, id: number, retired: boolean): void {
    assertActorMay(actor, 'branch.create');
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      this.get(id);
      this.repo.setRetired(id, retired ? now : null, now);
      this.audit.record(actor, { action: retired ? 'branch.retired' : 'branch.reopened', subjectType: 'branch', subjectId: id, branchId: id });
    });
  }

  replaceOpeningHours(actor: Actor, branchId: number, periods: Omit<OpeningPeriod, 'id' | 'branchId'>[]): void {
    assertActorMay(actor, 'branch.configure', branchId);
    this.repo.transaction(() => {
      this.get(branchId);
      this.repo.replaceOpeningHours(branchId, periods);
      this.audit.record(actor, { action: 'branch.hours_changed', subjectType: 'branch', subjectId: branchId, branchId, details: { periods } });
    });
    this.onScheduleChanged(branchId);
  }

  addClosure(actor: Actor, branchId: number, closure: { startDate: string; endDate: string; reason: string }): number {
    assertActorMay(actor, 'branch.configure', branchId);
    const now = this.clock.now().toISOString();
    return this.repo.transaction(() => {
      this.get(branchId);
      // Overlapping closures say nothing new and are usually a form sent twice.
      if (this.repo.closuresBetween(branchId, closure.startDate, closure.endDate).length > 0) {
        throw new ConflictError('branches.errors.closure_overlap');
      }
      const id = this.repo.insertClosure({ branchId, ...closure }, now);
      this.audit.record(actor, { action: 'branch.closure_added', subjectType: 'branch', subjectId: branchId, branchId, details: closure });
      return id;
    });
  }

  removeClosure(actor: Actor, branchId: number, closureId: number): void {
    assertActorMay(actor, 'branch.configure', branchId);
    this.repo.transaction(() => {
      if (!this.repo.deleteClosure(closureId, branchId)) throw new NotFoundError();
      this.audit.record(actor, { action: 'branch.closure_removed', subjectType: 'branch', subjectId: branchId, branchId, details: { closureId } });
    });
    this.onScheduleChanged(branchId);
  }
}
