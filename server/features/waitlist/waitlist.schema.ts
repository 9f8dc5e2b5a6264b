import { z } from 'zod';
import { fields, toOneLine } from '../../http/validation';
import { HELP_TOPICS } from '../../lib/topics';
import { optionalEmail, optionalPhone } from '../appointments/appointments.schema';
import { DAY_PARTS, type DayPart, type NewEntry } from './waitlist.model';

export const JOIN_FIELDS = ['branch', 'topic', 'name', 'email', 'phone', 'weekdays', 'day_parts', 'language', 'consent', 'website'] as const;

/** Checkbox groups arrive as one string or several; absent is undefined. */
const ticked = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((k) => toOneLine(k).trim()).filter(Boolean));

const MAIL_LANGUAGES = ['nl', 'en', 'ar', 'tr', 'pl', 'uk'] as const;

export const joinSchema = z
  .object({
    branch: z.string().regex(/^[1-9]\d{0,9}$/, 'waitlist.errors.branch').transform(Number),
    topic: z.enum(HELP_TOPICS, { message: 'waitlist.errors.topic' }),
    name: fields.requiredText(100),
    email: optionalEmail,
    phone: optionalPhone,
    weekdays: ticked.refine((v) => v.length > 0 && v.every((d) => /^[1-7]$/.test(d)), 'waitlist.errors.weekdays'),
    day_parts: ticked.refine((v) => v.length > 0 && v.every((p) => (DAY_PARTS as readonly string[]).includes(p)), 'waitlist.errors.day_parts'),
    // The page's language, for the offer e-mail; anything else falls back to Dutch.
    language: z.string().optional().transform((v) => ((MAIL_LANGUAGES as readonly string[]).includes(v ?? '') ? v! : 'nl')),
    consent: fields.checkbox().refine((v) => v, 'waitlist.errors.consent'),
    // The honeypot: hidden from people, filled in by form-filling robots.
    website: z.string().max(0, 'validation.invalid').optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.email && !v.phone) ctx.addIssue({ code: 'custom', path: ['email'], message: 'waitlist.errors.contact' });
  })
  .transform(
    (v): NewEntry => ({
      branchId: v.branch,
      topicKey: v.topic,
      name: v.name,
      email: v.email,
      phone: v.phone,
      language: v.language,
      weekdays: [...new Set(v.weekdays.map(Number))].sort(),
      dayParts: DAY_PARTS.filter((p) => v.day_parts.includes(p)) as DayPart[],
    }),
  );
