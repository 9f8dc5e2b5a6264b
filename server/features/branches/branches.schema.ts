import { z } from 'zod';
import { fields } from '../../http/validation';
import { isValidLocalDate, isValidLocalTime, minutesOfDay } from '../../lib/time';
import type { BranchInput, StaffingModel } from './branches.model';

export const STAFFING_MODELS: readonly StaffingModel[] = ['volunteers', 'employees', 'mixed', 'partner'];

/** Booking settings: the part of a branch a coordinator may change. Ranges match the table's CHECKs. */
export const BOOKING_FIELDS = ['slot_minutes', 'desks', 'horizon_days', 'min_notice_minutes', 'waitlist_hold_minutes'] as const;
const bookingShape = {
  slot_minutes: fields.intInRange(5, 240),
  desks: fields.intInRange(1, 50),
  horizon_days: fields.intInRange(1, 365),
  min_notice_minutes: fields.intInRange(0, 20160),
  // Left empty (or not sent by an older form): the branch keeps its hold, 240 minutes unless changed.
  waitlist_hold_minutes: z.preprocess((v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? undefined : v), fields.intInRange(15, 2880).optional()),
};

export type BookingSettings = Pick<BranchInput, 'slotMinutes' | 'desks' | 'horizonDays' | 'minNoticeMinutes' | 'waitlistHoldMinutes'>;

export const bookingSchema = z.object(bookingShape).transform(
  (v): BookingSettings => ({ slotMinutes: v.slot_minutes, desks: v.desks, horizonDays: v.horizon_days, minNoticeMinutes: v.min_notice_minutes, waitlistHoldMinutes: v.waitlist_hold_minutes }),
);

export const BRANCH_FIELDS = [
  'name',
  'address',
  'postcode',
  'city',
  'municipality',
  'phone',
  'inside_library',
  'staffing_model',
  ...BOOKING_FIELDS,
] as const;

export const branchSchema = z
  .object({
    name: fields.requiredText(100),
    address: fields.optionalText(200),
    postcode: fields.optionalText(10),
    city: fields.optionalText(100),
    municipality: fields.requiredText(100),
    phone: fields.optionalText(30).pipe(z.string().regex(/^[0-9 +()-]*$/, 'branches.errors.phone')),
    inside_library: z.enum(['yes', 'no'], { message: 'validation.choose' }),
    staffing_model: z.enum(STAFFING_MODELS as [StaffingModel, ...StaffingModel[]], { message: 'validation.choose' }),
    ...bookingShape,
  })
  .transform(
    (v): BranchInput => ({
      name: v.name,
      address: v.address,
      postcode: v.postcode,
      city: v.city,
      municipality: v.municipality,
      phone: v.phone,
      insideLibrary: v.inside_library === 'yes',
      staffingModel: v.staffing_model,
      slotMinutes: v.slot_minutes,
      desks: v.desks,
      horizonDays: v.horizon_days,
      minNoticeMinutes: v.min_notice_minutes,
      waitlistHoldMinutes: v.waitlist_hold_minutes,
    }),
  );

/** Form values of a branch, for the edit form. */
export function branchValues(b: BranchInput): Record<string, string> {
  return {
    name: b.name,
    address: b.address,
    postcode: b.postcode,
    city: b.city,
    municipality: b.municipality,
    phone: b.phone,
    inside_library: b.insideLibrary ? 'yes' : 'no',
    staffing_model: b.staffingModel,
    slot_minutes: String(b.slotMinutes),
    desks: String(b.desks),
    horizon_days: String(b.horizonDays),
    min_notice_minutes: String(b.minNoticeMinutes),
    waitlist_hold_minutes: String(b.waitlistHoldMinutes ?? 240),
  };
}

// Weekly opening hours: for each weekday up to two periods, as plain inputs so the editor works without JavaScript.
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const PERIODS_PER_DAY = 2;

export function hoursFieldName(weekday: number, period: number, edge: 'opens' | 'closes'): string {
  return `d${weekday}_${period}_${edge}`;
}

export const HOURS_FIELDS: readonly string[] = WEEKDAYS.flatMap((d) =>
  Array.from({ length: PERIODS_PER_DAY }, (_, i) => [hoursFieldName(d, i + 1, 'opens'), hoursFieldName(d, i + 1, 'closes')]).flat(),
);

/** People type "9:30" or "9.30"; both mean 09:30. Anything else is left as typed, to be reported. */
export function normaliseTime(raw: string | undefined): string {
  const v = (raw ?? '').trim();
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(v);
  return m ? `${m[1].padStart(2, '0')}:${m[2]}` : v;
}

export interface WeeklyPeriod {
  weekday: number;
  opens: string;
  closes: string;
}

export const hoursSchema = z
  .record(z.string(), z.string())
  .transform((values, ctx): WeeklyPeriod[] => {
    const out: WeeklyPeriod[] = [];
    for (const weekday of WEEKDAYS) {
      const day: { opens: string; closes: string; field: string }[] = [];
      for (let p = 1; p <= PERIODS_PER_DAY; p++) {
        const opensField = hoursFieldName(weekday, p, 'opens');
        const closesField = hoursFieldName(weekday, p, 'closes');
        const opens = normaliseTime(values[opensField]);
        const closes = normaliseTime(values[closesField]);
        if (!opens && !closes) continue;
        if (!opens) { ctx.addIssue({ code: 'custom', path: [opensField], message: 'branches.errors.period_incomplete' }); continue; }
        if (!closes) { ctx.addIssue({ code: 'custom', path: [closesField], message: 'branches.errors.period_incomplete' }); continue; }
        if (!isValidLocalTime(opens)) { ctx.addIssue({ code: 'custom', path: [opensField], message: 'validation.time' }); continue; }
        if (!isValidLocalTime(closes)) { ctx.addIssue({ code: 'custom', path: [closesField], message: 'validation.time' }); continue; }
        if (minutesOfDay(opens) >= minutesOfDay(closes)) {
          ctx.addIssue({ code: 'custom', path: [closesField], message: 'branches.errors.closes_before_opens' });
          continue;
        }
        day.push({ opens, closes, field: opensField });
      }
      day.sort((a, b) => minutesOfDay(a.opens) - minutesOfDay(b.opens));
      for (let i = 1; i < day.length; i++) {
        // Touching periods (12:30–13:30 after 10:00–12:30) are allowed; overlapping ones would double slots.
        if (minutesOfDay(day[i].opens) < minutesOfDay(day[i - 1].closes)) {
          ctx.addIssue({ code: 'custom', path: [day[i].field], message: 'branches.errors.overlap' });
        }
      }
      for (const p of day) out.push({ weekday, opens: p.opens, closes: p.closes });
    }
    return out;
  });

/** Form values of stored hours: periods in time order fill period 1, then 2. */
export function hoursValues(periods: readonly WeeklyPeriod[]): Record<string, string> {
  const values: Record<string, string> = Object.fromEntries(HOURS_FIELDS.map((f) => [f, '']));
  for (const weekday of WEEKDAYS) {
    periods
      .filter((p) => p.weekday === weekday)
      .slice(0, PERIODS_PER_DAY)
      .forEach((p, i) => {
        values[hoursFieldName(weekday, i + 1, 'opens')] = p.opens;
        values[hoursFieldName(weekday, i + 1, 'closes')] = p.closes;
      });
  }
  return values;
}

export const CLOSURE_FIELDS = ['start_date', 'end_date', 'reason'] as const;
const localDateField = z.string().trim().min(1, 'validation.required').refine(isValidLocalDate, 'validation.date');

export const closureSchema = z
  .object({
    start_date: localDateField,
    end_date: z.string().trim().refine((v) => v === '' || isValidLocalDate(v), 'validation.date'),
    reason: fields.optionalText(200),
  })
  .superRefine((v, ctx) => {
    if (v.end_date && v.end_date < v.start_date) ctx.addIssue({ code: 'custom', path: ['end_date'], message: 'branches.errors.end_before_start' });
  })
  .transform((v) => ({ startDate: v.start_date, endDate: v.end_date || v.start_date, reason: v.reason }));
