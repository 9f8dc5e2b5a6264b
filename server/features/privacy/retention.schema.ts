import { z } from 'zod';
import { fields } from '../../http/validation';
import { RETENTION_KINDS, RETENTION_RULES, type RetentionKind } from './retention.model';

export const RETENTION_FIELDS = [...RETENTION_KINDS, 'contact'] as const;

const days = (kind: RetentionKind) => fields.intInRange(RETENTION_RULES[kind].minDays, RETENTION_RULES[kind].maxDays);

/** /admin/retention: one whole number of days per kind, within its bounds, and the privacy contact. */
export const retentionSchema = z
  .object({
    bookings: days('bookings'),
    borrowers: days('borrowers'),
    chats: days('chats'),
    callbacks: days('callbacks'),
    waitlist: days('waitlist'),
    audit: days('audit'),
    sign_in_failures: days('sign_in_failures'),
    contact: fields.optionalText(200),
  })
  .transform(({ contact, ...settings }) => ({ settings, contact }));
