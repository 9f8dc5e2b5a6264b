import { z } from 'zod';
import { isValidLocalDate } from '../../lib/time';
import { fields } from '../../http/validation';

export const AUDIT_FILTER_FIELDS = ['action', 'user', 'subject_type', 'subject_id', 'contact', 'from', 'to', 'page'] as const;

const optionalDate = z
  .string()
  .trim()
  .refine((v) => v === '' || isValidLocalDate(v), 'validation.date');

/** The filter form on /admin/audit (a GET form, so a filtered page can be bookmarked). */
export const auditFilterSchema = z
  .object({
    action: z.string().trim().max(100, 'validation.too_long').regex(/^[a-z0-9_.]*$/, 'validation.invalid'),
    // Who did it: their e-mail address (the log's actor label), typed.
    user: fields.optionalText(254),
    // About what: a record (type and optionally its id), or everything about one person's e-mail or phone.
    subject_type: z.string().trim().max(40, 'validation.too_long').regex(/^[a-z_]*$/, 'validation.invalid'),
    subject_id: z.string().trim().max(40, 'validation.too_long').regex(/^[A-Za-z0-9_.-]*$/, 'validation.invalid'),
    contact: fields.optionalText(254),
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
    if (v.subject_id && !v.subject_type) ctx.addIssue({ code: 'custom', path: ['subject_type'], message: 'audit.errors.subject_type_needed' });
  });
