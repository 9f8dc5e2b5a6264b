import fs from 'node:fs';
import path from 'node:path';

export interface Translate {
  (key: string, params?: Record<string, string | number>): string;
  /** Whether the language has this message (for optional, more specific texts: field-named errors). */
  has(key: string): boolean;
}

export interface LanguageInfo {
  code: string;
  /** Name of the language in that language, for the switch. */
  name: string;
  dir: 'ltr' | 'rtl';
}

/**
 * Languages offered in the switch, each in its own name. Arabic, Turkish, Polish and Ukrainian cover the public
 * pages, citizen e-mails and calendar files only (PUBLIC_NAMESPACES); staff pages stay Dutch and English.
 */
export const LANGUAGES: readonly LanguageInfo[] = [
  { code: 'nl', name: 'Nederlands', dir: 'ltr' },
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'tr', name: 'Türkçe', dir: 'ltr' },
  { code: 'pl', name: 'Polski', dir: 'ltr' },
  { code: 'uk', name: 'Українська', dir: 'ltr' },
];
export type LanguageCode = 'nl' | 'en' | 'ar' | 'tr' | 'pl' | 'uk';
export const LANGUAGE_CODES = ['nl', 'en', 'ar', 'tr', 'pl', 'uk'] as const satisfies readonly LanguageCode[];
export const DEFAULT_LANGUAGE = 'nl';

/** A stored or chosen language as one of the six citizen languages; anything else is Dutch. */
export function asLanguageCode(lang: string | null | undefined): LanguageCode {
  return (LANGUAGE_CODES as readonly string[]).includes(lang ?? '') ? (lang as LanguageCode) : DEFAULT_LANGUAGE;
}
/** Languages the staff pages are written in; any other choice shows staff pages in Dutch. */
export const STAFF_LANGUAGES: ReadonlySet<string> = new Set(['nl', 'en']);
/**
 * The namespaces a public page, a citizen e-mail or a .ics file reads. A language that is not a staff language
 * has exactly these files (the parity test checks it).
 */
export const PUBLIC_NAMESPACES = [
  'layout',
  'home',
  'booking',
  'appointments',
  'arrival',
  'queue',
  'survey',
  'privacy',
  'errors',
  'validation',
  'weekdays',
  'mail',
  'helpline',
  'nav',
  // The waitlist's join form, offer page and e-mails.
  'waitlist',
  // Due-soon and overdue e-mails to borrowers, in the language chosen when lending.
  'loan-mail',
] as const;
/** Top-level key in a locale file with who translated it and whether a fluent speaker reviewed it; not a message. */
export const META_KEY = '_meta';
const RTL = new Set(['ar', 'fa', 'he', 'ur']);

export type PluralCategory = Intl.LDMLPluralRule;
export const PLURAL_CATEGORIES: ReadonlySet<string> = new Set<PluralCategory>(['zero', 'one', 'two', 'few', 'many', 'other']);

/**
 * A plural message in a locale file is an object whose keys are all CLDR plural categories, "other" among
 * them, e.g. { "one": "{count} persoon wacht", "other": "{count} mensen wachten" }. Each language lists the
 * categories it needs (Intl.PluralRules(lang).resolvedOptions().pluralCategories): two for Dutch and English,
 * four for Polish and Ukrainian, six for Arabic.
 */
export function isPluralForms(value: unknown): value is Partial<Record<PluralCategory, string>> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.some(([k]) => k === 'other') &&
    entries.every(([k, v]) => PLURAL_CATEGORIES.has(k) && typeof v === 'string')
  );
}

/**
 * A message split once at load time into literal text and placeholder names: even indexes are text, odd
 * indexes are names. Filling it in is a loop over a few strings, no regular expression per call: a page
 * asks for hundreds of messages.
 */
type Compiled = readonly string[];

interface PluralMessage {
  forms: Partial<Record<PluralCategory, Compiled>>;
}

type Message = Compiled | PluralMessage;
type Dict = Map<string, Message>;

const PLACEHOLDER = /\{(\w+)\}/;

function compile(template: string): Compiled {
  // split() with a capturing group puts the names at the odd indexes.
  return template.split(PLACEHOLDER);
}

function fill(parts: Compiled, params: Record<string, string | number> | undefined): string {
  if (parts.length === 1) return parts[0];
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i];
    const value = params?.[name];
    out += (value === undefined ? `{${name}}` : String(value)) + parts[i + 1];
  }
  return out;
}

function flatten(prefix: string, value: unknown, out: Dict): void {
  if (typeof value === 'string') {
    out.set(prefix, compile(value));
  } else if (isPluralForms(value)) {
    const forms: PluralMessage['forms'] = {};
    for (const [category, text] of Object.entries(value)) forms[category as PluralCategory] = compile(text);
    out.set(prefix, { forms });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
  }
}

/** Thrown outside production when a page asks for a message that is not there, so a test goes red. */
export class MissingTranslationError extends Error {
  constructor(
    readonly lang: string,
    readonly key: string,
    detail = 'no such key',
  ) {
    super(`Missing translation "${key}" for language "${lang}": ${detail}`);
    this.name = 'MissingTranslationError';
  }
}

export interface TranslationsOptions {
  /**
   * 'throw' (development and test): a missing key, a missing plural form or a plural message without a
   * numeric count fails at once. 'warn' (production): a citizen's page must not break, so it logs once per
   * key and shows the Dutch text, or the key itself.
   */
  onMissing: 'throw' | 'warn';
  logger?: { warn(obj: object, msg: string): void };
}

/**
 * Translations live in locales/<lang>/<namespace>.json; a key is "<namespace>.<path>".
 * One file per feature keeps parallel work on features from touching the same file.
 */
export class Translations {
  private readonly dicts = new Map<string, Dict>();
  private readonly pluralRules = new Map<string, Intl.PluralRules>();
  private readonly translators = new Map<string, Translate>();
  private readonly warned = new Set<string>();

  constructor(
    dir: string,
    private readonly options: TranslationsOptions = { onMissing: 'throw' },
  ) {
    for (const lang of fs.readdirSync(dir)) {
      const langDir = path.join(dir, lang);
      if (!fs.statSync(langDir).isDirectory()) continue;
      const dict: Dict = new Map();
      for (const file of fs.readdirSync(langDir).filter((f) => f.endsWith('.json'))) {
        const ns = file.replace(/\.json$/, '');
        const tree = JSON.parse(fs.readFileSync(path.join(langDir, file), 'utf8')) as Record<string, unknown>;
        delete tree[META_KEY];
        flatten(ns, tree, dict);
      }
      this.dicts.set(lang, dict);
      this.pluralRules.set(lang, new Intl.PluralRules(lang));
    }
  }

  has(lang: string): boolean {
    return this.dicts.has(lang) && LANGUAGES.some((l) => l.code === lang);
  }

  keys(lang: string): string[] {
    return [...(this.dicts.get(lang)?.keys() ?? [])];
  }

  /** One translator per language, built once: every request asks for one. */
  translator(lang: string): Translate {
    const resolved = this.dicts.has(lang) ? lang : DEFAULT_LANGUAGE;
    let t = this.translators.get(resolved);
    if (!t) {
      t = this.buildTranslator(resolved);
      this.translators.set(resolved, t);
    }
    return t;
  }

  private buildTranslator(lang: string): Translate {
    const primary = this.dicts.get(lang) ?? new Map<string, Message>();
    const fallback = this.dicts.get(DEFAULT_LANGUAGE) ?? new Map<string, Message>();
    const rules = this.pluralRules.get(lang) ?? new Intl.PluralRules(lang);
    const translate = (key: string, params?: Record<string, string | number>): string => {
      let message = primary.get(key);
      if (message === undefined) {
        this.missing(lang, key, 'no such key');
        message = fallback.get(key);
        if (message === undefined) return key;
      }
      if (!('forms' in message)) return fill(message, params);
      return fill(this.pluralForm(lang, key, message, rules, params), params);
    };
    return Object.assign(translate, { has: (key: string): boolean => primary.has(key) });
  }

  private pluralForm(
    lang: string,
    key: string,
    message: PluralMessage,
    rules: Intl.PluralRules,
    params: Record<string, string | number> | undefined,
  ): Compiled {
    const count = params?.count;
    if (typeof count !== 'number') {
      this.missing(lang, key, 'a plural message needs a numeric {count}');
      return message.forms.other ?? [key];
    }
    const category = rules.select(count);
    const form = message.forms[category];
    if (form) return form;
    this.missing(lang, key, `no "${category}" form`);
    return message.forms.other ?? [key];
  }

  /** Throws outside production; in production logs each missing message once and lets the page render. */
  private missing(lang: string, key: string, detail: string): void {
    if (this.options.onMissing === 'throw') throw new MissingTranslationError(lang, key, detail);
    const id = `${lang}\u0000${key}\u0000${detail}`;
    if (this.warned.has(id)) return;
    this.warned.add(id);
    this.options.logger?.warn({ lang, key, detail }, 'missing translation');
  }
}

/** The one rule: public pages come in every language, staff pages only in the staff languages. */
function pageHasLanguage(code: string, publicPage: boolean): boolean {
  return publicPage || STAFF_LANGUAGES.has(code);
}

/** The language a page is shown in: staff pages fall back to Dutch when the choice has no staff translation. */
export function pageLanguage(chosen: string, publicPage: boolean): string {
  return pageHasLanguage(chosen, publicPage) ? chosen : DEFAULT_LANGUAGE;
}

/** The languages a page's switch offers: only those the page can be shown in (so /login offers nl and en). */
export function switchLanguages<L extends { code: string }>(languages: readonly L[], publicPage: boolean): L[] {
  return languages.filter((l) => pageHasLanguage(l.code, publicPage));
}

export function directionOf(lang: string): 'ltr' | 'rtl' {
  return RTL.has(lang) ? 'rtl' : 'ltr';
}

/**
 * The language someone chose with the switch, else Dutch. We do not follow Accept-Language: kiosks and
 * borrowed phones often carry someone else's browser settings, and the SPEC says Dutch by default.
 */
export function chooseLanguage(choice: string | undefined, available: Translations): string {
  return choice && available.has(choice) ? choice : DEFAULT_LANGUAGE;
}
