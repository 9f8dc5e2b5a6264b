import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_LANGUAGE, LANGUAGES, META_KEY, PUBLIC_NAMESPACES, STAFF_LANGUAGES, isPluralForms } from '../../server/lib/i18n';
import { LOCALES_DIR } from '../../server/paths';
import { tempDir } from '../helpers/test-app';

/**
 * Every locale has exactly the messages of Dutch: same namespace files, same keys, same placeholders. A plural
 * message has exactly the forms its own language needs (Polish four, Arabic six), not Dutch's two. The test
 * walks every folder in locales/, so a language added later is covered without touching this file. Staff
 * languages (nl, en) have every namespace; the other languages (ar, tr, pl, uk) have exactly the public ones
 * (PUBLIC_NAMESPACES), each file with a "_meta" that says who translated it and whether it was reviewed.
 */

type Tree = Record<string, unknown>;

const PLACEHOLDER = /\{(\w+)\}/g;

function placeholders(value: unknown): string {
  const texts = typeof value === 'string' ? [value] : Object.values(value as Record<string, string>);
  const names = new Set(texts.flatMap((text) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1])));
  return [...names].sort().join(', ');
}

function describeShape(value: unknown): string {
  if (typeof value === 'string') return 'a text';
  if (isPluralForms(value)) return 'a plural message';
  if (value && typeof value === 'object') return 'a group of keys';
  return JSON.stringify(value);
}

function compareTree(lang: string, at: string, reference: unknown, value: unknown, problems: string[]): void {
  const refShape = describeShape(reference);
  const shape = describeShape(value);
  if (refShape !== shape) {
    problems.push(`${lang}: ${at} is ${shape}, ${DEFAULT_LANGUAGE} has ${refShape}`);
    return;
  }
  if (typeof reference === 'string' || isPluralForms(reference)) {
    if (isPluralForms(value)) {
      const needed = [...new Intl.PluralRules(lang).resolvedOptions().pluralCategories].sort().join(', ');
      const has = Object.keys(value).sort().join(', ');
      if (has !== needed) problems.push(`${lang}: ${at} has plural forms [${has}], the language needs [${needed}]`);
    }
    if (placeholders(value) !== placeholders(reference)) {
      problems.push(`${lang}: ${at} uses placeholders [${placeholders(value)}], ${DEFAULT_LANGUAGE} uses [${placeholders(reference)}]`);
    }
    return;
  }
  const ref = reference as Tree;
  const own = value as Tree;
  for (const key of Object.keys(ref)) {
    if (!(key in own)) problems.push(`${lang}: ${at}.${key} is missing`);
    else compareTree(lang, `${at}.${key}`, ref[key], own[key], problems);
  }
  for (const key of Object.keys(own)) if (!(key in ref)) problems.push(`${lang}: ${at}.${key} is not in ${DEFAULT_LANGUAGE}`);
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

/** Every difference between each locale folder in `dir` and the Dutch one, as readable lines. */
function localeProblems(dir: string): string[] {
  const problems: string[] = [];
  const languages = fs.readdirSync(dir).filter((name) => fs.statSync(path.join(dir, name)).isDirectory());
  const namespaces = (lang: string): string[] => fs.readdirSync(path.join(dir, lang)).filter((f) => f.endsWith('.json')).sort();
  const all = namespaces(DEFAULT_LANGUAGE);
  const publicFiles = PUBLIC_NAMESPACES.map((ns) => `${ns}.json`);
  for (const lang of languages) {
    const own = namespaces(lang);
    const staff = STAFF_LANGUAGES.has(lang);
    const reference = staff ? all : all.filter((f) => publicFiles.includes(f));
    for (const file of reference) {
      if (!own.includes(file)) {
        problems.push(`${lang}: ${file} is missing`);
        continue;
      }
      const tree = readJson(path.join(dir, lang, file)) as Tree;
      const meta = tree[META_KEY] as { translator?: unknown; reviewed?: unknown } | undefined;
      if (!staff && (typeof meta?.translator !== 'string' || typeof meta.reviewed !== 'boolean')) {
        problems.push(`${lang}: ${file} has no ${META_KEY} with translator and reviewed`);
      }
      delete tree[META_KEY];
      // Dutch is compared with itself too: its plural messages must have the forms Dutch needs.
      compareTree(lang, file.replace(/\.json$/, ''), readJson(path.join(dir, DEFAULT_LANGUAGE, file)), tree, problems);
    }
    for (const file of own) {
      if (!all.includes(file)) problems.push(`${lang}: ${file} is not in ${DEFAULT_LANGUAGE}`);
      else if (!reference.includes(file)) problems.push(`${lang}: ${file} is a staff namespace (staff pages are in nl and en only)`);
    }
  }
  return problems;
}

/** A copy of the shipped locales with one change, to show that the check notices it. */
function changedCopy(change: (dir: string) => void): string {
  const dir = tempDir('dichterbij-locales-');
  fs.cpSync(LOCALES_DIR, dir, { recursive: true });
  change(dir);
  return dir;
}

function editJson(file: string, edit: (tree: Tree) => void): void {
  const tree = readJson(file) as Tree;
  edit(tree);
  fs.writeFileSync(file, JSON.stringify(tree, null, 2));
}

describe('locale parity', () => {
  test('every shipped locale has exactly the messages of nl', () => {
    expect(fs.readdirSync(LOCALES_DIR)).toEqual(expect.arrayContaining(['nl', 'en']));
    expect(localeProblems(LOCALES_DIR)).toEqual([]);
  });

  test('all six languages of the switch are shipped, each with its public namespaces', () => {
    expect(LANGUAGES.map((l) => l.code)).toEqual(['nl', 'en', 'ar', 'tr', 'pl', 'uk']);
    const publicFiles = PUBLIC_NAMESPACES.map((ns) => `${ns}.json`).filter((f) => fs.existsSync(path.join(LOCALES_DIR, DEFAULT_LANGUAGE, f)));
    expect(publicFiles.length).toBeGreaterThanOrEqual(14);
    for (const { code } of LANGUAGES) expect(fs.readdirSync(path.join(LOCALES_DIR, code))).toEqual(expect.arrayContaining(publicFiles));
  });

  test('Arabic has all six plural forms wherever Dutch has a plural message', () => {
    const dir = changedCopy((d) =>
      editJson(path.join(d, 'ar', 'booking.json'), (tree) => {
        delete ((tree.time as Tree).length as Tree).two;
      }),
    );
    expect(localeProblems(dir)).toEqual(['ar: booking.time.length has plural forms [few, many, one, other, zero], the language needs [few, many, one, other, two, zero]']);
  });

  test('a public-only language without _meta, or with a staff namespace, is reported', () => {
    const dir = changedCopy((d) => {
      editJson(path.join(d, 'ar', 'home.json'), (tree) => delete tree[META_KEY]);
      fs.copyFileSync(path.join(d, 'nl', 'users.json'), path.join(d, 'ar', 'users.json'));
    });
    expect(localeProblems(dir).sort()).toEqual([
      `ar: home.json has no ${META_KEY} with translator and reviewed`,
      'ar: users.json is a staff namespace (staff pages are in nl and en only)',
    ]);
  });

  test('a plural message in Polish and Ukrainian has four forms, in Dutch and English two', () => {
    expect(localeProblems(path.join(__dirname, 'fixtures', 'i18n-plural'))).toEqual([]);
  });

  test('a key taken out of en is reported', () => {
    const dir = changedCopy((d) => editJson(path.join(d, 'en', 'home.json'), (tree) => delete tree.heading));
    expect(localeProblems(dir)).toEqual(['en: home.heading is missing']);
  });

  test('a key only en has is reported, and so is a whole namespace file', () => {
    const dir = changedCopy((d) => {
      editJson(path.join(d, 'en', 'home.json'), (tree) => (tree.extra = 'Extra'));
      fs.rmSync(path.join(d, 'en', 'survey.json'));
      fs.writeFileSync(path.join(d, 'en', 'stray.json'), '{}');
    });
    expect(localeProblems(dir).sort()).toEqual(['en: home.extra is not in nl', 'en: stray.json is not in nl', 'en: survey.json is missing']);
  });

  test('a locale added later is checked without changing this test', () => {
    // Turkish ships now (issue 13); German stands in for the next language.
    const dir = changedCopy((d) => {
      fs.mkdirSync(path.join(d, 'de'));
      fs.writeFileSync(path.join(d, 'de', 'home.json'), '{}');
    });
    const problems = localeProblems(dir);
    expect(problems).toContain('de: home.heading is missing');
    expect(problems).toContain('de: booking.json is missing');
  });

  test('a plural message needs the forms of its own language, not those of Dutch', () => {
    const dir = tempDir('dichterbij-locales-');
    const write = (lang: string, waiting: unknown): void => {
      fs.mkdirSync(path.join(dir, lang));
      const meta = ['nl', 'en'].includes(lang) ? {} : { [META_KEY]: { translator: 'test', reviewed: false } };
      fs.writeFileSync(path.join(dir, lang, 'queue.json'), JSON.stringify({ ...meta, waiting }));
    };
    write('nl', { one: '{count} persoon wacht', other: '{count} mensen wachten' });
    write('en', '{count} waiting');
    write('pl', { one: '{count} osoba czeka', other: '{count} osoby czeka' });
    write('ar', { one: 'x {count}', two: 'x {count}', few: 'x {count}', many: 'x {count}', zero: 'x {count}', other: 'x {count}' });
    expect(localeProblems(dir).sort()).toEqual([
      'en: queue.waiting is a text, nl has a plural message',
      'pl: queue.waiting has plural forms [one, other], the language needs [few, many, one, other]',
    ]);
  });

  test('a placeholder that is renamed or missing is reported', () => {
    const dir = changedCopy((d) => editJson(path.join(d, 'en', 'booking.json'), (tree) => (tree.steps = 'Step {step} of 5')));
    expect(localeProblems(dir)).toEqual(['en: booking.steps uses placeholders [step], nl uses [n]']);
  });
});
