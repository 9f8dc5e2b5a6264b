import { z } from 'zod';
import { fields } from '../../http/validation';

export const REGISTER_FIELDS = ['branch', 'name'] as const;
export const registerSchema = z.object({
  branch: fields.oneLine().regex(/^[1-9]\d{0,15}$/, 'validation.required').transform(Number),
  name: fields.requiredText(80),
});

/** A PIN anyone nearby could guess (one digit repeated, or a run like 123456 or 987654) is refused. */
function guessable(pin: string): boolean {
  if (/^(\d)\1+$/.test(pin)) return true;
  const steps = new Set([...pin].slice(1).map((d, i) => (Number(d) - Number(pin[i]) + 10) % 10));
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

export const PIN_FIELDS = ['current_password', 'pin', 'pin_confirm'] as const;
export const pinSchema = z
  .object({
    current_password: z.string().min(1, 'validation.required').max(1000, 'validation.too_long'),
    pin: z
      .string()
      .regex(/^\d{6,12}$/, 'desk-pcs.errors.pin_format')
      .refine((pin) => !guessable(pin), 'desk-pcs.errors.pin_guessable'),
    // Digits only, like the PIN itself; anything else cannot match it.
    pin_confirm: z.string().regex(/^\d{0,12}$/, 'desk-pcs.errors.pin_mismatch'),
  })
  .refine((v) => v.pin === v.pin_confirm, { path: ['pin_confirm'], message: 'desk-pcs.errors.pin_mismatch' });

export const SWITCH_FIELDS = ['person', 'email', 'pin', 'next'] as const;
export const switchSchema = z
  .object({
    person: fields.oneLine().regex(/^([1-9]\d{0,15})?$/, 'validation.invalid'),
    email: fields.oneLine().max(254, 'validation.too_long'),
    pin: z.string().min(1, 'validation.required').max(100, 'validation.too_long').regex(/^\d+$/, 'desk-pcs.errors.pin_format'),
    next: fields.oneLine().optional(),
  })
  .refine((v) => v.person !== '' || v.email !== '', { path: ['person'], message: 'desk-pcs.errors.who' });

export const STEP_UP_FIELDS = ['password', 'code', 'next'] as const;
/** Step-up with the full password or, for someone with a second factor, a code from their app (issue #14). */
export const stepUpSchema = z
  .object({
    password: z.string().max(1000, 'validation.too_long').optional(),
    code: fields.oneLine().pipe(z.string().max(64, 'validation.too_long')).optional(),
    next: fields.oneLine().optional(),
  })
  .refine((v) => Boolean(v.password) || Boolean(v.code?.trim()), { path: ['password'], message: 'desk-pcs.errors.password_or_code' });
