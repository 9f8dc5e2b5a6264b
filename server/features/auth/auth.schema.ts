import { z } from 'zod';
import { fields } from '../../http/validation';
import { PASSWORD_MIN_LENGTH } from '../../lib/password';

export const LOGIN_FIELDS = ['email', 'password', 'next'] as const;
export const loginSchema = z.object({
  email: fields.oneLine().min(1, 'validation.required').max(254, 'validation.too_long'),
  password: z.string().min(1, 'validation.required').max(1000, 'validation.too_long'),
  next: fields.oneLine().optional(),
});

const newPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, 'auth.errors.password_short')
  .max(200, 'validation.too_long');

export const SETUP_FIELDS = ['name', 'email', 'password', 'password_confirm'] as const;
export const setupSchema = z
  .object({
    name: fields.requiredText(100),
    email: fields.email(),
    password: newPassword,
    password_confirm: z.string(),
  })
  .refine((v) => v.password === v.password_confirm, { path: ['password_confirm'], message: 'auth.errors.password_mismatch' });

export const PASSWORD_FIELDS = ['current_password', 'password', 'password_confirm'] as const;
export const passwordSchema = z
  .object({
    current_password: z.string().min(1, 'validation.required'),
    password: newPassword,
    password_confirm: z.string(),
  })
  .refine((v) => v.password === v.password_confirm, { path: ['password_confirm'], message: 'auth.errors.password_mismatch' });

/**
 * Only local paths, never another site (open redirect), and short enough for a Location header that a
 * reverse proxy still passes on.
 */
export function safeNext(next: string | undefined): string | null {
  return next && next.length <= 2000 && /^\/(?![/\\])[^\s]*$/.test(next) ? next : null;
}
