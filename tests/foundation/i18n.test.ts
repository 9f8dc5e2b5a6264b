import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { MissingTranslationError, Translations } from '../../server/lib/i18n';
import { LOCALES_DIR, MIGRATIONS_DIR } from '../../server/paths';
import { openDatabase } from '../../server/db/open';
import { migrate } from '../../server/db/migrate';
import { buildDeps } from '../../server/deps';
import { createApp } from '../../server/app';
import { FakeClock } from '../../server/lib/clock';
import { createLogger } from '../../server/lib/logger';
import { tempDir, testConfig } from '../helpers/test-app';

const PLURAL_FIXTURE = path.join(__dirname, 'fixtures', 'i18n-plural');

function recordingLogger(): { warn: jest.Mock } {
  return { warn: jest.fn() };
}

describe('translator', () => {
  const strict = new Translations(LOCALES_DIR, { onMissing: 'throw' });

  test('fills in placeholders and leaves unknown ones visible', () => {
    const t = strict.translator('nl');
    expect(t('booking.steps', { n: 2 })).toBe('Stap 2 van 5');
    expect(t('booking.steps')).toBe('Stap {n} van 5');
    expect(strict.translator('en')('booking.steps', { n: 3 })).toBe('Step 3 of 5');
  });

  test('outside production a missing key throws, naming the key and the language', () => {
    expect(() => strict.translator('en')('home.no_such_key')).toThrow(MissingTranslationError);
    expect(() => strict.translator('en')('home.no_such_key')).toThrow('Missing translation "home.no_such_key" for language "en"');
    // A group of keys is not a message either.
    expect(() => strict.translator('nl')('home')).toThrow(MissingTranslationError);
  });

  test('a plural message without a numeric count throws outside production', () => {
    expect(() => strict.translator('nl')('intake.list.count')).toThrow(/needs a numeric \{count\}/);
    expect(() => strict.translator('nl')('intake.list.count', { count: '3' })).toThrow(MissingTranslationError);
  });

  test('in production a missing key shows the key, or the Dutch text, and is logged once', () => {
    const dir = tempDir('dichterbij-locales-');
    fs.cpSync(LOCALES_DIR, dir, { recursive: true });
    const home = JSON.parse(fs.readFileSync(path.join(dir, 'en', 'home.json'), 'utf8')) as Record<string, unknown>;
    delete home.heading;
    fs.writeFileSync(path.join(dir, 'en', 'home.json'), JSON.stringify(home));
    const logger = recordingLogger();
    const t = new Translations(dir, { onMissing: 'warn', logger }).translator('en');
    const dutch = new Translations(LOCALES_DIR).translator('nl')('home.heading');

    expect(t('home.heading')).toBe(dutch);
    expect(t('home.heading')).toBe(dutch);
    expect(t('home.no_such_key')).toBe('home.no_such_key');
    expect(t('home.no_such_key')).toBe('home.no_such_key');
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ lang: 'en', key: 'home.heading' }), 'missing translation');
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ lang: 'en', key: 'home.no_such_key' }), 'missing translation');
  });

  test('in production a plural message without a count uses its "other" form', () => {
    const logger = recordingLogger();
    const t = new Translations(LOCALES_DIR, { onMissing: 'warn', logger }).translator('nl');
    expect(t('intake.list.count')).toBe('{count} vragen');
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  test('a language without files falls back to Dutch as a whole', () => {
    expect(strict.translator('xx')('booking.steps', { n: 1 })).toBe('Stap 1 van 5');
  });
});

describe('plural forms through Intl.PluralRules', () => {
  const shipped = new Translations(LOCALES_DIR);
  const fixture = new Translations(PLURAL_FIXTURE);
  const forms = (translations: Translations, lang: string, key: string): string[] =>
    [1, 2, 5, 22].map((count) => translations.translator(lang)(key, { count }));

  test('Dutch and English: one for 1, other for 2, 5 and 22', () => {
    expect(forms(shipped, 'nl', 'intake.list.count')).toEqual(['1 vraag', '2 vragen', '5 vragen', '22 vragen']);
    expect(forms(shipped, 'en', 'intake.list.count')).toEqual(['1 question', '2 questions', '5 questions', '22 questions']);
    expect(forms(shipped, 'nl', 'arrival.ticket.ahead')).toEqual([
      'Er is 1 persoon voor u.',
      'Er zijn 2 mensen voor u.',
      'Er zijn 5 mensen voor u.',
      'Er zijn 22 mensen voor u.',
    ]);
    expect(forms(fixture, 'en', 'queue.waiting')).toEqual(['1 person is waiting', '2 people are waiting', '5 people are waiting', '22 people are waiting']);
  });

  test('Polish and Ukrainian: one for 1, few for 2 and 22, many for 5', () => {
    expect(forms(fixture, 'pl', 'queue.waiting')).toEqual(['1 osoba czeka', '2 osoby czekają', '5 osób czeka', '22 osoby czekają']);
    expect(forms(fixture, 'uk', 'queue.waiting')).toEqual(['1 людина чекає', '2 людини чекають', '5 людей чекають', '22 людини чекають']);
    // Fractions take Polish "other".
    expect(fixture.translator('pl')('queue.waiting', { count: 1.5 })).toBe('1.5 osoby czeka');
  });

  test('a plural form the language needs but the file lacks fails loudly', () => {
    const dir = tempDir('dichterbij-locales-');
    fs.cpSync(PLURAL_FIXTURE, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'pl', 'queue.json'), JSON.stringify({ title: 'Kolejka', waiting: { one: '{count} osoba', other: '{count} osoby' } }));
    const t = new Translations(dir).translator('pl');
    expect(t('queue.waiting', { count: 1 })).toBe('1 osoba');
    expect(() => t('queue.waiting', { count: 5 })).toThrow('no "many" form');
  });
});

describe('cost per call', () => {
  test('one translator and one PluralRules per language, however often a page asks', () => {
    const translations = new Translations(LOCALES_DIR);
    const t = translations.translator('nl');
    expect(translations.translator('nl')).toBe(t);
    const construct = jest.spyOn(Intl, 'PluralRules');
    try {
      for (let i = 0; i < 1000; i++) {
        t('intake.list.count', { count: i });
        t('booking.steps', { n: i });
        translations.translator('en')('arrival.ticket.ahead', { count: i });
      }
      expect(construct).not.toHaveBeenCalled();
    } finally {
      construct.mockRestore();
    }
  });
});

describe('a page that asks for a missing message', () => {
  async function homeWithout(key: string, env: Record<string, string>): Promise<{ status: number; text: string; logged: string }> {
    const locales = tempDir('dichterbij-locales-');
    fs.cpSync(LOCALES_DIR, locales, { recursive: true });
    for (const lang of ['nl', 'en']) {
      const file = path.join(locales, lang, 'home.json');
      const home = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      delete home[key];
      fs.writeFileSync(file, JSON.stringify(home));
    }
    const dir = tempDir();
    const config = testConfig(dir, env);
    const db = openDatabase(config.databasePath);
    migrate(db, MIGRATIONS_DIR);
    let logged = '';
    const logger = createLogger('warn', { write: (line: string) => void (logged += line) });
    const deps = buildDeps(config, db, { clock: new FakeClock('2026-03-02T09:00:00Z'), logger, localesDir: locales });
    try {
      const res = await request(createApp(deps)).get('/');
      return { status: res.status, text: res.text, logged };
    } finally {
      await deps.outboxSender.stop();
      db.close();
    }
  }

  test('fails with a 500 in test and development, so a test goes red', async () => {
    const res = await homeWithout('intro', {});
    expect(res.status).toBe(500);
    expect(res.logged).toContain('Missing translation \\"home.intro\\" for language \\"nl\\"');
  });

  test('still renders in production, shows the key and logs a warning', async () => {
    const res = await homeWithout('intro', { NODE_ENV: 'production' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('home.intro');
    expect(res.logged).toContain('missing translation');
    expect(res.logged).toContain('"key":"home.intro"');
  });
});
