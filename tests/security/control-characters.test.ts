import fs from 'node:fs';
import path from 'node:path';
import type TestAgent from 'supertest/lib/agent';
import { z } from 'zod';
import { ROOT_DIR } from '../../server/paths';
import { fields, toMultiLine, toOneLine } from '../../server/http/validation';
import { createTestApp, csrfToken, createUser, signedIn, type TestApp } from '../helpers/test-app';

/**
 * Control characters (NUL, backspace, escape, DEL, C1, bare CR/LF) never get past the edge into a one-line
 * field. The field list is generated from every exported schema in server/features/*\/*.schema.ts, so a
 * field added tomorrow is covered without touching this file.
 */

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Passwords are hashed exactly as typed (cleaning would change them) and never stored or shown as text. */
const NOT_TEXT = /password/;

/** Values that look like each kind of field (a name, an e-mail, a phone, a link, a code, a number) with control characters in them. */
const SAMPLES = [
  'Jan\u0000 de\u0008 Vries\u001b[31m\u007f\r\nregel 2\rregel 3\u0085\u009b',
  'jan\u0000@voorbeeld.nl\r\n',
  '06\u0008 1234\n5678',
  'https://voorbeeld.nl/\u0000pad',
  'ABC\u001b-123',
  '12\u0000',
  '\r\n3',
  'on\u0000',
];

interface Field {
  id: string;
  schema: z.ZodType;
}

type Def = { type: string; in?: z.ZodType; innerType?: z.ZodType };
const defOf = (s: z.ZodType): Def => (s as unknown as { def: Def }).def;

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | null {
  let s = schema;
  while (defOf(s).type === 'pipe') s = defOf(s).in!;
  return defOf(s).type === 'object' ? (s as z.ZodObject).shape : null;
}

function isMultiLine(schema: z.ZodType): boolean {
  let s: z.ZodType | undefined = schema;
  while (s) {
    if ((s.meta() as { multiLine?: boolean } | undefined)?.multiLine) return true;
    const def = defOf(s);
    s = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  }
  return false;
}

function schemaFields(): Field[] {
  const featuresDir = path.join(ROOT_DIR, 'server', 'features');
  const found: Field[] = [];
  for (const feature of fs.readdirSync(featuresDir).sort()) {
    const dir = path.join(featuresDir, feature);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.schema.ts')).sort()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (!(value instanceof z.ZodType)) continue;
        const shape = shapeOf(value);
        if (!shape) continue;
        for (const [field, schema] of Object.entries(shape)) {
          if (!NOT_TEXT.test(field)) found.push({ id: `${file} ${name}.${field}`, schema });
        }
      }
    }
  }
  return found;
}

/** Every string inside a parsed value (fields may turn into numbers, objects or arrays). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

const FIELDS = schemaFields();

describe('security: no control characters in one-line fields', () => {
  test('the generated list holds every form field, free text included', () => {
    const ids = FIELDS.map((f) => f.id);
    expect(ids.length).toBeGreaterThan(40);
    for (const expected of [
      'appointments.schema.ts cancelSchema.reason',
      'appointments.schema.ts publicDetailsSchema.name',
      'branches.schema.ts branchSchema.address',
      'branches.schema.ts closureSchema.reason',
      'categories.schema.ts labelSchema.label_nl',
      'intake.schema.ts questionSchema.note',
      'partners.schema.ts partnerSchema.name',
      'partners.schema.ts partnerSchema.notes',
      'users.schema.ts createUserSchema.name',
    ]) {
      expect(ids).toContain(expected);
    }
  });

  test.each(FIELDS.map((f) => [f.id, f] as const))('%s: stores no control characters, whatever is sent', (_id, field) => {
    const allowed = isMultiLine(field.schema) ? CONTROL_BUT_LINES : CONTROL;
    for (const sample of SAMPLES) {
      const result = field.schema.safeParse(sample);
      // Refusing the value (a code, a number, a choice) is as good as cleaning it.
      if (!result.success) continue;
      for (const s of stringsIn(result.data)) expect({ sample, stored: s, clean: !allowed.test(s) }).toEqual({ sample, stored: s, clean: true });
    }
  });

  test('free text is cleaned, not refused: line breaks become one space, the rest goes; letters of any script stay', () => {
    expect(fields.requiredText(200).parse(SAMPLES[0])).toBe('Jan de Vries[31m regel 2 regel 3');
    expect(toOneLine('Zoe\u0308 مكتبة 📚\ttab')).toBe('Zoe\u0308 مكتبة 📚 tab');
    expect(toMultiLine('regel 1\r\nregel 2\rregel 3\u0000\ttab')).toBe('regel 1\nregel 2\nregel 3\ttab');
    expect(fields.multiLine().parse(' a\r\nb\u001b ')).toBe('a\nb');
  });
});

describe('security: control characters through a real form', () => {
  let t: TestApp;
  let admin: TestAgent;
  beforeEach(async () => {
    t = createTestApp();
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    admin = await signedIn(t, 'admin@bieb.nl');
  });
  afterEach(() => t.close());

  test('a partner name and notes with NUL, escape, DEL and a line break are stored as one clean line', async () => {
    const token = await csrfToken(admin, '/admin/partners/new');
    const res = await admin
      .post('/admin/partners/new')
      .type('form')
      .send({ _csrf: token, name: 'Gemeente\u0000 Ergens\r\nLoket', kind: 'other', phone: '', website: '', notes: 'Bel\u001b[2J eerst\u007f', scope: 'global' });
    expect(res.status).toBe(303);
    const row = t.db.prepare('SELECT name, notes FROM partners ORDER BY id DESC LIMIT 1').get() as { name: string; notes: string };
    expect(row).toEqual({ name: 'Gemeente Ergens Loket', notes: 'Bel[2J eerst' });
  });
});
