import { z } from 'zod';
import { fields } from '../../http/validation';
import { detectPersonalData } from '../intake/personal-data';

const id = () => z.string().regex(/^[1-9]\d{0,15}$/, 'validation.invalid').transform(Number);

export const ESCALATE_FIELDS = ['question', 'description'] as const;
/** The short description: anonymous, like the intake note (no BSN, e-mail, phone or IBAN). */
export const escalateSchema = z.object({
  question: id(),
  description: fields
    .oneLine()
    .min(1, 'escalations.errors.description_required')
    .max(300, 'validation.too_long')
    .superRefine((value, ctx) => {
      const found = detectPersonalData(value);
      if (found) ctx.addIssue({ code: 'custom', message: `escalations.errors.description_${found}` });
    }),
});

export const OUTCOME_FIELDS = ['outcome'] as const;
export const outcomeSchema = z.object({ outcome: z.enum(['solved', 'referred', 'follow_up'], { message: 'escalations.errors.outcome_required' }) });

export const TRANSFER_FIELDS = ['to'] as const;
export const transferSchema = z.object({ to: id() });

export const PRESENCE_FIELDS = ['status'] as const;
export const presenceSchema = z.object({ status: z.enum(['available', 'away', 'offline'], { message: 'validation.choose' }) });

/** Payload of the socket event 'escalations:presence' (status omitted: only a sign of activity). */
export const socketPresenceSchema = z.object({ status: z.enum(['available', 'away', 'offline'], { message: 'validation.choose' }).optional() });

export const CALLBACK_FIELDS = ['question', 'escalation', 'phone', 'preferred_moment', 'consent'] as const;
/** A callback request: a phone number (personal data, so only with explicit consent) and a preferred moment. */
export const callbackSchema = z.object({
  question: id(),
  escalation: z.union([z.literal('').transform(() => null), id()]),
  phone: fields
    .oneLine()
    .min(1, 'escalations.errors.phone_required')
    .max(20, 'validation.too_long')
    .regex(/^\+?[\d ()-]{8,20}$/, 'escalations.errors.phone_invalid'),
  preferred_moment: fields.optionalText(120),
  consent: fields.checkbox().refine((v) => v, 'escalations.errors.consent_required'),
});
