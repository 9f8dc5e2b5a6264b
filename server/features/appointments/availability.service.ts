import type { Clock } from '../../lib/clock';
import { addDays, localDate } from '../../lib/time';
import { NotFoundError } from '../../http/errors';
import type { Branch, BranchesService } from '../branches/branches.service';
import { daySlots, findSlot, freeDays, nearestFree, type FreeDay, type FreeSlot, type ScheduleDay, type Slot, type SlotRules } from './availability';
import { SlotTakenError, type CheckedSlot, type SlotHolds } from './appointments.model';
import type { AppointmentsRepository } from './appointments.repository';

export type { FreeDay, FreeSlot, SlotHolds };

export const NO_HOLDS: SlotHolds = { heldCounts: () => new Map(), claimHold: () => false };

/**
 * Which times a branch can still give: its schedule (branches feature) against the active bookings. Public
 * information, so nothing here asks the policy; the pure slot arithmetic lives in availability.ts.
 */
export class AvailabilityService {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly branches: BranchesService,
    private readonly clock: Clock,
    private readonly holds: SlotHolds = NO_HOLDS,
  ) {}

  /** Active bookings plus open holds per slot start. */
  private takenCounts(branchId: number, from: string, to: string, except: number | null = null): Map<string, number> {
    const counts = this.repo.slotCounts(branchId, from, to);
    for (const [startsAt, n] of this.holds.heldCounts(branchId, from, to, this.clock.now().toISOString(), except)) {
      counts.set(startsAt, (counts.get(startsAt) ?? 0) + n);
    }
    return counts;
  }

  bookableBranches(): Branch[] {
    return this.branches.listActive();
  }

  /** An open branch, or 404. */
  branch(id: number): Branch {
    const b = this.branches.find(id);
    if (!b || b.retiredAt) throw new NotFoundError();
    return b;
  }

  private rules(b: Branch): SlotRules {
    return { slotMinutes: b.slotMinutes, desks: b.desks, minNoticeMinutes: b.minNoticeMinutes, horizonDays: b.horizonDays };
  }

  private schedule(branchId: number, fromDate: string, days: number): ScheduleDay[] {
    return this.branches.schedule(branchId, fromDate, days).map((d) => ({ date: d.date, periods: d.periods }));
  }

  /** Free times per day from `fromDate` for `days` days (public rules: notice and horizon apply). */
  freeDays(branchId: number, fromDate: string, days: number, staff = false): FreeDay[] {
    const b = this.branch(branchId);
    const schedule = this.schedule(branchId, fromDate, days);
    const from = new Date(Date.parse(`${addDays(fromDate, -1)}T00:00:00Z`)).toISOString();
    const to = new Date(Date.parse(`${addDays(fromDate, days + 1)}T00:00:00Z`)).toISOString();
    const rules = this.rules(b);
    // Staff may book a desk visitor into the slot that is running now, and beyond the public horizon.
    const effective = staff ? { ...rules, minNoticeMinutes: -rules.slotMinutes, horizonDays: 366 } : rules;
    return freeDays(schedule, effective, this.takenCounts(branchId, from, to), this.clock.now());
  }

  /** Every slot of the schedule, booked or not (for the demo seed and day overviews). */
  allSlots(branchId: number, fromDate: string, days: number): { date: string; slots: Slot[] }[] {
    const b = this.branch(branchId);
    return this.schedule(branchId, fromDate, days).map((d) => ({ date: d.date, slots: daySlots(d, b.slotMinutes) }));
  }

  /** Days with free times, starting at `fromDate`, looking at most `searchDays` ahead; for paging. */
  nextFreeDays(branchId: number, fromDate: string, wanted: number, searchDays = 42): { days: FreeDay[]; nextFrom: string | null } {
    // A week at a time, stopping once one day more than shown is found (it tells where the next page
    // starts): the picker shows a few days, and working out six weeks of slots for them was the largest
    // cost of rendering /book/time.
    const found: FreeDay[] = [];
    for (let offset = 0; offset < searchDays && found.length <= wanted; offset += 7) {
      const span = Math.min(7, searchDays - offset);
      found.push(...this.freeDays(branchId, addDays(fromDate, offset), span).filter((d) => d.slots.length > 0));
    }
    return { days: found.slice(0, wanted), nextFrom: found.length > wanted ? found[wanted].date : null };
  }

  nearestFreeTo(branchId: number, startsAt: string, count: number): FreeSlot[] {
    const date = localDate(new Date(startsAt));
    const today = localDate(this.clock.now());
    const from = addDays(date, -3) < today ? today : addDays(date, -3);
    return nearestFree(this.freeDays(branchId, from, 10), startsAt, count);
  }

  /** Checks that `startsAt` is a real slot of the branch's schedule that may still be booked, or throws SlotTakenError. */
  checkSlot(b: Branch, startsAt: string, staff: boolean): CheckedSlot {
    const instant = new Date(startsAt);
    if (Number.isNaN(instant.getTime())) throw new SlotTakenError();
    const date = localDate(instant);
    const [day] = this.schedule(b.id, date, 1);
    const slot = findSlot(day, b.slotMinutes, instant.toISOString());
    if (!slot) throw new SlotTakenError();
    const now = this.clock.now().getTime();
    const start = Date.parse(slot.startsAt);
    const earliest = staff ? now - b.slotMinutes * 60_000 : now + b.minNoticeMinutes * 60_000;
    if (start < earliest) throw new SlotTakenError();
    if (!staff && date > addDays(localDate(this.clock.now()), b.horizonDays)) throw new SlotTakenError();
    return { startsAt: slot.startsAt, endsAt: slot.endsAt, date: slot.date, time: slot.time };
  }

  /**
   * Throws SlotTakenError when every desk of the slot is booked or held. Call inside the booking's IMMEDIATE
   * transaction. `exceptHold`: the waitlist offer being accepted does not count against itself.
   */
  assertDeskFree(b: Branch, startsAt: string, exceptHold: number | null = null): void {
    const taken = this.takenCounts(b.id, startsAt, new Date(Date.parse(startsAt) + 1).toISOString(), exceptHold).get(startsAt) ?? 0;
    if (taken >= b.desks) throw new SlotTakenError();
  }

  /** Uses a hold for the booking being written (inside the same transaction); false when it is gone. */
  claimHold(holdId: number, appointmentId: number): boolean {
    return this.holds.claimHold(holdId, appointmentId, this.clock.now().toISOString());
  }
}
