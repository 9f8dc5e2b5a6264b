import { z } from 'zod';
import { fields } from '../../http/validation';
import { normaliseContact } from './contact';

const contact = fields.requiredText(254).refine((v) => {
  const c = normaliseContact(v);
  return c.email !== null || (c.phone !== null && c.phone.replace('+', '').length >= 6);
}, 'privacy.subjects.contact_invalid');

/** The contact travels in POST bodies only: an e-mail address or phone number never goes into a URL or a log. */
export const SUBJECT_FIELDS = ['contact'] as const;
export const subjectSchema = z.object({ contact });

export const EXPORT_FIELDS = ['contact', 'format'] as const;
export const exportSchema = z.object({ contact, format: z.enum(['json', 'html']) });

export const ERASE_FIELDS = ['contact', 'confirm'] as const;
export const eraseSchema = z.object({ contact, confirm: fields.checkbox().refine((v) => v, 'privacy.subjects.confirm_required') });
