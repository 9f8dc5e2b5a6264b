import fs from 'node:fs';
import path from 'node:path';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export interface LanguageInfo {
  code: string;
  /** Name of the language in that language, for the switch. */
  name: string;
  dir: 'ltr' | 'rtl';
}

/** Languages offered in the switch. Arabic, Turkish, Polish and Ukrainian join when their files are complete. */
export const LANGUAGES: readonly LanguageInfo[] = [
  { code: 'nl', name: 'Nederlands', dir: 'ltr' },
  { code: 'en', name: 'English', dir: 'ltr' },
];
export const DEFAULT_LANGUAGE = 'nl';
const RTL = new Set(['ar', 'fa', 'he', 'ur']);

type Dict = Record<string, string>;

function flatten(prefix: string, value: unknown, out: Dict): void {
  if (typeof value === 'string') {
    out[prefix] = value;
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
  }
}

/**
 * Translations live in locales/<lang>/<namespace>.json; a key is "<namespace>.<path>".
 * One file per feature keeps parallel work on features from touching the same file.
 */
export class Translations {
  private readonly dicts = new Map<string, Dict>();

  constructor(dir: string) {
    for (const lang of fs.readdirSync(dir)) {
      const langDir = path.join(dir, lang);
      if (!fs.statSync(langDir).isDirectory()) continue;
      const dict: Dict = {};
      for (const file of fs.readdirSync(langDir).filter((f) => f.endsWith('.json'))) {
        const ns = file.replace(/\.json$/, '');
        flatten(ns, JSON.parse(fs.readFileSync(path.join(langDir, file), 'utf8')), dict);
      }
      this.dicts.set(lang, dict);
    }
  }

  has(lang: string): boolean {
    return this.dicts.has(lang) && LANGUAGES.some((l) => l.code === lang);
  }

  keys(lang: string): string[] {
    return Object.keys(this.dicts.get(lang) ?? {});
  }

  translator(lang: string): Translate {
    const primary = this.dicts.get(lang) ?? {};
    const fallback = this.dicts.get(DEFAULT_LANGUAGE) ?? {};
    return (key, params) => {
      const template = primary[key] ?? fallback[key] ?? key;
      if (!params) return template;
      return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
    };
  }
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
