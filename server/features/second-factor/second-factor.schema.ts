import { z } from 'zod';
import { fields } from '../../http/validation';

/** A code from the app (6 digits) when enrolling. */
export const ENROL_FIELDS = ['code'] as const;
export const enrolSchema = z.object({
  code: fields
    .oneLine()
    .transform((v) => v.replace(/\s/g, ''))
    .pipe(z.string().min(1, 'validation.required').regex(/^\d{6}$/, 'second-factor.errors.code_format')),
});

/** At sign-in: a code from the app, or a recovery code. */
export const SIGN_IN_CODE_FIELDS = ['code'] as const;
export const signInCodeSchema = z.object({
  code: fields.oneLine().min(1, 'validation.required').max(40, 'validation.too_long'),
});

export const SETTINGS_FIELDS = ['coordinators_required'] as const;
export const settingsSchema = z.object({
  coordinators_required: z.enum(['yes', 'no'], { message: 'validation.required' }),
});
