import { z } from 'zod';
import { isValidLocalDate } from '../../lib/time';

export const AUDIT_FILTER_FIELDS = ['action', 'from', 'to', 'page'] as const;

const optionalDate = z
  .string()
  .trim()
  .refine((v) => v === '' || isValidLocalDate(v), 'validation.date');

/** The filter form on /admin/audit (a GET form, so a filtered page can be bookmarked). */
export const auditFilterSchema = z
  .object({
    action: z.string().trim().max(100, 'validation.too_long').regex(/^[a-z0-9_.]*$/, 'validation.invalid'),
    from: optionalDate,
    to: optionalDate,
    page: z
      .string()
      .trim()
      .refine((v) => v === '' || /^[1-9]\d{0,5}$/.test(v), 'validation.number')
      .transform((v) => (v === '' ? 1 : Number(v))),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'audit.errors.to_before_from' });
  });
