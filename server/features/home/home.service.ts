import type { Clock } from '../../lib/clock';
import { addDays, localDate } from '../../lib/time';
import type { Branch, BranchesService, DaySchedule } from '../branches/branches.service';

export interface BranchWithHours {
  branch: Branch;
  /** Weekday 1..7 → periods, for the opening-hours table. */
  week: { weekday: number; periods: { opens: string; closes: string }[] }[];
  /** The next seven days with closures applied, so "closed on Monday (Easter)" shows. */
  nextDays: DaySchedule[];
}

export class HomeService {
  constructor(
    private readonly branches: BranchesService,
    private readonly clock: Clock,
  ) {}

  branchesWithHours(): BranchWithHours[] {
    const active = this.branches.listActive();
    const hours = this.branches.openingHoursOf(active.map((b) => b.id));
    const today = localDate(this.clock.now());
    return active.map((branch) => ({
      branch,
      week: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        weekday,
        periods: hours.filter((h) => h.branchId === branch.id && h.weekday === weekday).map((h) => ({ opens: h.opens, closes: h.closes })),
      })),
      nextDays: this.branches.schedule(branch.id, today, 7).filter((d) => d.closure !== null && d.date <= addDays(today, 6)),
    }));
  }
}
