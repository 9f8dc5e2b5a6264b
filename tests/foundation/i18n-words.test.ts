import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LOCALES_DIR, ROOT_DIR } from '../../server/paths';
import { parseForm } from '../../server/http/validation';

/**
 * One word for one thing (issue #15 items 5 and 6): staff log in ("Inloggen", never "aanmelden", which is what
 * a visitor does at the kiosk); the check-in device is "kiosk" everywhere (not zuil, aanmeldzuil or terminal);
 * and an error message names its field ("Kies een locatie"), never a bare "Maak een keuze" or "Vul dit veld in".
 */

type Tree = { [key: string]: string | Tree };

function strings(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : strings(v, `${prefix}${k}.`)));
}

function locale(lang: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of fs.readdirSync(path.join(LOCALES_DIR, lang)).filter((f) => f.endsWith('.json'))) {
    const tree = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, lang, file), 'utf8')) as Tree;
    for (const [k, v] of strings(tree)) out.set(`${file.replace(/\.json$/, '')}.${k}`, v);
  }
  return out;
}

const nl = locale('nl');
const en = locale('en');

/** Staff-facing namespaces: signing in and out of an account happens here, and only here. */
const STAFF_NAMESPACES = ['auth', 'layout', 'errors', 'users', 'admin', 'audit', 'privacy', 'nav', 'roles'];
/** Other names for the check-in device than "kiosk". */
const OTHER_DEVICE_NAMES = /zuil|\bterminal|check-in (screen|station|device|computer)|aanmeldscherm|aanmeldpunt/i;
/** Messages that do not say which field they are about. */
const GENERIC = /^(maak een keuze( uit de lijst)?|vul dit veld in|make a choice|fill in this field|choose an option)\.?$/i;

describe('one word for one thing', () => {
  test('staff sign in with "Inloggen" in Dutch; "aanmelden" is left for visitors at the kiosk', () => {
    expect(nl.get('auth.login.submit')).toBe('Inloggen');
    expect(nl.get('auth.login.title')).toBe('Inloggen');
    expect(nl.get('layout.sign_out')).toBe('Uitloggen');
    const wrong = [...nl].filter(([key, value]) => STAFF_NAMESPACES.includes(key.split('.')[0]) && /aanmeld|afmeld|meld u (opnieuw )?aan/i.test(value));
    expect(wrong).toEqual([]);
  });

  test('the check-in device has one name, "kiosk", in every language file, view and the README', () => {
    const inLocales = [...nl, ...en].filter(([, value]) => OTHER_DEVICE_NAMES.test(value)).map(([key]) => key);
    expect(inLocales).toEqual([]);
    const viewsDir = path.join(ROOT_DIR, 'views');
    const views = fs.readdirSync(viewsDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ejs'));
    const inViews = views.filter((f) => OTHER_DEVICE_NAMES.test(fs.readFileSync(path.join(viewsDir, f), 'utf8')));
    expect(inViews).toEqual([]);
    expect(OTHER_DEVICE_NAMES.test(fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8'))).toBe(false);
    // And the name is used: the kiosk's own pages say "kiosk".
    expect(nl.get('arrival.choose.heading')).toMatch(/kiosk/);
    expect(nl.get('survey.choose_branch')).toMatch(/kiosk/);
  });
});

/** Every field of every exported form schema, with the message an empty form gets for it. */
function emptyFormErrors(): { form: string; field: string; key: string }[] {
  const featuresDir = path.join(ROOT_DIR, 'server', 'features');
  const out: { form: string; field: string; key: string }[] = [];
  for (const feature of fs.readdirSync(featuresDir).sort()) {
    const dir = path.join(featuresDir, feature);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.schema.ts')).sort()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (!(value instanceof z.ZodType)) continue;
        let inner = value as z.ZodType;
        while ((inner as unknown as { def: { type: string; in: z.ZodType } }).def.type === 'pipe') inner = (inner as unknown as { def: { in: z.ZodType } }).def.in;
        if (!(inner instanceof z.ZodObject)) continue;
        const fields = Object.keys(inner.shape);
        const result = parseForm(value, Object.fromEntries(fields.map((f) => [f, ''])), fields);
        if (!result.ok) for (const e of result.errors) out.push({ form: `${file} ${name}`, field: e.field, key: e.key });
      }
    }
  }
  return out;
}

/** What views/partials/error-summary.ejs and field-error.ejs show for an error (without a view's own namespace). */
function shown(messages: Map<string, string>, field: string, key: string): string | undefined {
  const named = key === 'validation.required' || key === 'validation.choose' ? messages.get(`validation.fields.${field}`) : undefined;
  return named ?? messages.get(key);
}

describe('error messages name their field', () => {
  const errors = emptyFormErrors();

  test('the walk over the schemas finds the forms', () => {
    expect(errors.length).toBeGreaterThan(50);
    expect(errors).toContainEqual(expect.objectContaining({ field: 'branch', key: 'validation.choose' }));
  });

  test.each([
    ['nl', nl],
    ['en', en],
  ])('no empty form gets a generic message in %s', (_lang, messages) => {
    const generic = errors.filter((e) => GENERIC.test(shown(messages, e.field, e.key) ?? '')).map((e) => `${e.form}.${e.field}: ${shown(messages, e.field, e.key)}`);
    expect(generic).toEqual([]);
  });

  test('the examples from the issue', () => {
    expect(shown(nl, 'branch', 'validation.choose')).toBe('Kies een locatie');
    expect(shown(nl, 'email', 'validation.required')).toBe('Vul het e-mailadres in');
  });
});
