import { z } from 'zod';

export interface FieldError {
  /** The form field's name, which is also its element id, so the summary can link to it. */
  field: string;
  /** Translation key of the message. */
  key: string;
  params?: Record<string, string | number>;
}

export type FormValues = Record<string, string | string[]>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldError[]; values: FormValues };

/**
 * Keeps only the fields a form declares, as strings, so a template never sees raw req.body and every
 * value can be shown again after an error.
 */
export function keepValues(body: unknown, fields: readonly string[]): FormValues {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const values: FormValues = {};
  for (const f of fields) {
    const v = source[f];
    if (Array.isArray(v)) values[f] = v.filter((x) => typeof x === 'string');
    else if (typeof v === 'string') values[f] = v;
    else values[f] = '';
  }
  return values;
}

/**
 * Validates a form body with one zod schema. Messages in the schema are translation keys
 * (e.g. `z.string().min(1, 'validation.required')`).
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown, fields: readonly string[]): FormResult<z.output<S>> {
  const values = keepValues(body, fields);
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? fields[0]);
    if (seen.has(field)) continue;
    seen.add(field);
    const key = issue.message.includes('.') && !issue.message.includes(' ') ? issue.message : 'validation.invalid';
    errors.push({ field, key });
  }
  // Order the summary as the fields appear on the page.
  errors.sort((a, b) => fields.indexOf(a.field) - fields.indexOf(b.field));
  return { ok: false, errors, values };
}

/** Common field rules, with messages as translation keys. */
export const fields = {
  requiredText: (max = 200) =>
    z.string().trim().min(1, 'validation.required').max(max, 'validation.too_long'),
  optionalText: (max = 200) => z.string().trim().max(max, 'validation.too_long'),
  email: () => z.string().trim().toLowerCase().min(1, 'validation.required').max(254, 'validation.too_long').email('validation.email'),
  checkbox: () => z.string().optional().transform((v) => v === 'on' || v === '1' || v === 'true'),
  intInRange: (min: number, max: number) =>
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'validation.number')
      .transform(Number)
      .pipe(z.number().int().min(min, 'validation.range').max(max, 'validation.range')),
};
