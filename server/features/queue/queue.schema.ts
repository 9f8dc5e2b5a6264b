import { z } from 'zod';

export const CALL_FIELDS = ['desk'] as const;
/** The desk a visitor is called to; a missing value means desk 1 (branches with one desk show no choice). */
export const callSchema = z.object({
  desk: z
    .string()
    .trim()
    .transform((v) => (v === '' ? '1' : v))
    .pipe(z.string().regex(/^\d{1,2}$/, 'validation.number'))
    .transform(Number)
    .pipe(z.number().int().min(1, 'validation.range').max(50, 'validation.range')),
});

/** Payload of the socket event 'queue.call'. */
export const socketCallSchema = z.object({
  kind: z.enum(['walkin', 'appointment']),
  id: z.number().int().positive(),
  desk: z.number().int().min(1).max(50).default(1),
});
