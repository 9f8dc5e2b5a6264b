import { z } from 'zod';
import { fields } from '../../http/validation';
import { HELP_TOPICS } from '../../lib/topics';
import { LANGUAGE_CODES, type LanguageCode } from '../../lib/i18n';
import type { Needs } from './appointments.model';

/** Contact and needs, shared by the public details step and the staff "book for someone" form. */
export const DETAIL_FIELDS = ['name', 'email', 'phone', 'need_interpreter', 'need_wheelchair', 'need_hearing_loop', 'need_other_language', 'other_language', 'language'] as const;

export const optionalEmail = fields
  .oneLine()
  .toLowerCase()
  .max(254, 'validation.too_long')
  .refine((v) => v === '' || z.email().safeParse(v).success, 'validation.email')
  .transform((v) => (v === '' ? null : v));

// Dutch and international numbers as people write them: digits with spaces, dashes, brackets, a leading +.
export const optionalPhone = fields
  .oneLine()
  .max(30, 'validation.too_long')
  .refine((v) => v === '' || (/^\+?[\d\s\-().]+$/.test(v) && v.replace(/\D/g, '').length >= 8), 'booking.details.phone_invalid')
  .transform((v) => (v === '' ? null : v));

// E-mails and calendar files come in any of the six public languages (bookings.language).
const language = z.enum(LANGUAGE_CODES, { message: 'validation.choose' });

const detailsShape = {
  name: fields.requiredText(100),
  email: optionalEmail,
  phone: optionalPhone,
  need_interpreter: fields.checkbox(),
  need_wheelchair: fields.checkbox(),
  need_hearing_loop: fields.checkbox(),
  need_other_language: fields.checkbox(),
  other_language: fields.optionalText(60),
  language,
};

export interface ContactDetails {
  name: string;
  email: string | null;
  phone: string | null;
  needs: Needs;
  language: LanguageCode;
}

function toDetails(v: z.output<z.ZodObject<typeof detailsShape>>): ContactDetails {
  const needs: Needs = {};
  if (v.need_interpreter) needs.interpreter = true;
  if (v.need_wheelchair) needs.wheelchair = true;
  if (v.need_hearing_loop) needs.hearingLoop = true;
  if (v.need_other_language || v.other_language) needs.otherLanguage = v.other_language || '-';
  return { name: v.name, email: v.email, phone: v.phone, needs, language: v.language };
}

/**
 * The public details step asks about language once (issue #15 item 7): Dutch, or another language, and then
 * which one. The desk arranges someone who speaks it or an interpreter; e-mail comes in the language of the
 * pages the citizen is reading (the route adds it), so that is not asked either.
 */
export const PUBLIC_DETAIL_FIELDS = ['name', 'email', 'phone', 'help_language', 'other_language', 'need_wheelchair', 'need_hearing_loop'] as const;

export type PublicContactDetails = Omit<ContactDetails, 'language'>;

/** Online: at least one way to reach the citizen. */
export const publicDetailsSchema = z
  .object({
    name: detailsShape.name,
    email: optionalEmail,
    phone: optionalPhone,
    // Absent (an old form, or nothing chosen): Dutch, as before the question existed.
    help_language: z.enum(['', 'nl', 'other'], { message: 'validation.choose' }).transform((v) => (v === '' ? 'nl' : v)),
    other_language: fields.optionalText(60),
    need_wheelchair: fields.checkbox(),
    need_hearing_loop: fields.checkbox(),
  })
  .superRefine((v, ctx) => {
    if (!v.email && !v.phone) ctx.addIssue({ code: 'custom', path: ['email'], message: 'booking.details.contact_required' });
    if (v.help_language === 'other' && !v.other_language) {
      ctx.addIssue({ code: 'custom', path: ['other_language'], message: 'booking.details.help_language.which_required' });
    }
  })
  .transform((v): PublicContactDetails => {
    const needs: Needs = {};
    if (v.need_wheelchair) needs.wheelchair = true;
    if (v.need_hearing_loop) needs.hearingLoop = true;
    if (v.help_language === 'other') needs.otherLanguage = v.other_language;
    return { name: v.name, email: v.email, phone: v.phone, needs };
  });

export const topicSchema = z.enum(HELP_TOPICS, { message: 'validation.choose' });
const startsAt = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'booking.time.choose');

/** Staff booking: contact optional (desk or phone), channel given, override for coordinators. */
export const STAFF_BOOK_FIELDS = ['branch', 'topic', 'start', 'channel', ...DETAIL_FIELDS, 'override'] as const;
export const staffBookSchema = z
  .object({
    ...detailsShape,
    branch: z.string().regex(/^[1-9]\d{0,9}$/, 'validation.invalid').transform(Number),
    topic: topicSchema,
    start: startsAt,
    channel: z.enum(['phone', 'desk'], { message: 'validation.choose' }),
    override: fields.checkbox(),
  })
  .transform((v) => ({ ...toDetails(v), branchId: v.branch, topic: v.topic, startsAt: v.start, channel: v.channel, override: v.override }));

export const CANCEL_FIELDS = ['reason'] as const;
export const cancelSchema = z.object({ reason: fields.requiredText(500) });

export const STATUS_FIELDS = ['status'] as const;
export const statusSchema = z.object({ status: z.enum(['arrived', 'in_progress', 'done', 'no_show'], { message: 'validation.choose' }) });

export const RESCHEDULE_FIELDS = ['start'] as const;
export const rescheduleSchema = z.object({ start: startsAt });

export const CONFIRM_FIELDS = ['consent', 'website', 'key'] as const;
export const confirmSchema = z.object({
  consent: fields.checkbox().refine((v) => v, 'booking.check.consent_required'),
  // The honeypot: hidden from people, filled in by form-filling robots.
  website: z.string().max(0, 'validation.invalid'),
  key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'validation.invalid'),
});
