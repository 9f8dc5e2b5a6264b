/** Branches (vestigingen), their opening hours and closures, as the rest of the app sees them. */
export type StaffingModel = 'volunteers' | 'employees' | 'mixed' | 'partner';

export interface Branch {
  id: number;
  name: string;
  address: string;
  postcode: string;
  city: string;
  municipality: string;
  phone: string;
  insideLibrary: boolean;
  staffingModel: StaffingModel;
  slotMinutes: number;
  desks: number;
  horizonDays: number;
  minNoticeMinutes: number;
  /** How long a freed time offered to someone on the waitlist is held for them (issue #13; 15–2880). */
  waitlistHoldMinutes: number;
  retiredAt: string | null;
}

export interface OpeningPeriod {
  id: number;
  branchId: number;
  weekday: number; // 1 = Monday … 7 = Sunday
  opens: string; // HH:MM
  closes: string; // HH:MM
}

export interface Closure {
  id: number;
  branchId: number;
  startDate: string;
  endDate: string;
  reason: string;
}

/** A new or edited branch; the waitlist hold keeps its value (default 4 hours) when not given. */
export type BranchInput = Omit<Branch, 'id' | 'retiredAt' | 'waitlistHoldMinutes'> & { waitlistHoldMinutes?: number };
