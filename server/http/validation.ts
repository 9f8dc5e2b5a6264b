import { z } from 'zod';
import { BadRequestError } from './errors';

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

/**
 * For a form with nothing to type (a button, hidden fields, a select of fixed choices): a value the schema
 * refuses comes from a forged or broken form, so there is no form to show again, only a 400.
 */
export function parseOrBadRequest<S extends z.ZodType>(schema: S, body: unknown, fields: readonly string[]): z.output<S> {
  const form = parseForm(schema, body, fields);
  if (!form.ok) throw new BadRequestError();
  return form.data;
}

// Control characters: C0 (NUL, backspace, escape, ...), DEL and C1. Stored as-is they corrupt exports, logs
// and e-mail headers and hide text on screen; nobody means to type them.
const LINE_BREAKS = /[\r\n\t\v\f\u0085\u2028\u2029]+/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Text for a one-line field: line breaks and tabs become one space, other control characters go. */
export function toOneLine(text: string): string {
  return text.replace(CONTROLS, '').replace(LINE_BREAKS, ' ');
}

/** Text for a field meant to hold several lines: line breaks become \n, tabs stay, other control characters go. */
export function toMultiLine(text: string): string {
  return text
    .replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/**
 * The one rule for text at the edge: every text field of every form starts from `oneLine()` (or, where the
 * field really has several lines, `multiLine()`), so control characters never reach a service. They are
 * removed rather than refused: a line break pasted into a name is not a mistake the person can see.
 */
export const text = {
  oneLine: () => z.string().overwrite(toOneLine).trim(),
  // Marked, so tests (and a reader) can tell which fields may hold line breaks.
  multiLine: () => z.string().overwrite(toMultiLine).trim().meta({ multiLine: true }),
};

/** Common field rules, with messages as translation keys. */
export const fields = {
  oneLine: text.oneLine,
  multiLine: text.multiLine,
  requiredText: (max = 200) => text.oneLine().min(1, 'validation.required').max(max, 'validation.too_long'),
  optionalText: (max = 200) => text.oneLine().max(max, 'validation.too_long'),
  email: () => text.oneLine().toLowerCase().min(1, 'validation.required').max(254, 'validation.too_long').email('validation.email'),
  checkbox: () => z.string().optional().transform((v) => v === 'on' || v === '1' || v === 'true'),
  intInRange: (min: number, max: number) =>
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'validation.number')
      .transform(Number)
      .pipe(z.number().int().min(min, 'validation.range').max(max, 'validation.range')),
};
