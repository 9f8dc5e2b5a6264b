#!/usr/bin/env node
// Checks locales/<lang>/<ns>.json against locales/nl/<ns>.json: valid JSON, a _meta block, the same key set
// (ignoring _meta), the same placeholders per key, and plural messages with exactly the CLDR categories the
// language needs. Usage: node scripts/check-translations.js [--ref=<git ref>] [lang ...]   (default: tr pl uk)
// --ref reads the Dutch reference from another branch (e.g. --ref=h16 while nl gains keys there).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const NAMESPACES = ['layout', 'home', 'booking', 'appointments', 'arrival', 'queue', 'survey', 'privacy', 'errors',
  'validation', 'weekdays', 'mail', 'helpline', 'nav'];
const CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);
const root = path.join(__dirname, '..', 'locales');
const args = process.argv.slice(2);
const ref = (args.find((a) => a.startsWith('--ref=')) || '').slice('--ref='.length);
const langArgs = args.filter((a) => !a.startsWith('--'));
const langs = langArgs.length ? langArgs : ['tr', 'pl', 'uk'];
const readDutch = (ns) => ref
  ? execFileSync('git', ['show', `${ref}:locales/nl/${ns}.json`], { cwd: path.join(__dirname, '..'), encoding: 'utf8' })
  : fs.readFileSync(path.join(root, 'nl', `${ns}.json`), 'utf8');

const isPlural = (v) => v && typeof v === 'object' && !Array.isArray(v) && 'other' in v &&
  Object.entries(v).every(([k, s]) => CATEGORIES.has(k) && typeof s === 'string');
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    if (!prefix && k === '_meta') continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string' || isPlural(v)) out.set(key, v);
    else if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out.set(key, { invalid: v });
  }
  return out;
}

let problems = 0;
const fail = (msg) => { problems++; console.error(msg); };
for (const lang of langs) {
  const needed = [...new Intl.PluralRules(lang).resolvedOptions().pluralCategories].sort().join(',');
  let files = 0;
  for (const ns of NAMESPACES) {
    const file = path.join(root, lang, `${ns}.json`);
    if (!fs.existsSync(file)) { fail(`${lang}/${ns}: missing file`); continue; }
    let data;
    try { data = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { fail(`${lang}/${ns}: invalid JSON: ${e.message}`); continue; }
    files++;
    const meta = data._meta;
    if (!meta || meta.reviewed !== false || typeof meta.translator !== 'string') fail(`${lang}/${ns}: _meta missing or wrong`);
    const nl = flatten(JSON.parse(readDutch(ns)), '', new Map());
    const tr = flatten(data, '', new Map());
    for (const key of nl.keys()) if (!tr.has(key)) fail(`${lang}/${ns}: missing key ${key}`);
    for (const [key, value] of tr) {
      if (!nl.has(key)) { fail(`${lang}/${ns}: extra key ${key}`); continue; }
      const source = nl.get(key);
      if (typeof value === 'object' && 'invalid' in value) { fail(`${lang}/${ns}: ${key} is not a string`); continue; }
      if (typeof source === 'string') {
        if (typeof value !== 'string') { fail(`${lang}/${ns}: ${key} should be a plain string`); continue; }
        if (placeholders(value) !== placeholders(source)) fail(`${lang}/${ns}: ${key} placeholders {${placeholders(value)}} != nl {${placeholders(source)}}`);
        if (!value.trim()) fail(`${lang}/${ns}: ${key} is empty`);
      } else {
        if (typeof value === 'string') { fail(`${lang}/${ns}: ${key} should be a plural message`); continue; }
        const got = Object.keys(value).sort().join(',');
        if (got !== needed) fail(`${lang}/${ns}: ${key} plural categories [${got}] != [${needed}]`);
        const want = placeholders(source.other);
        for (const [cat, form] of Object.entries(value)) {
          if (placeholders(form) !== want) fail(`${lang}/${ns}: ${key}.${cat} placeholders {${placeholders(form)}} != nl other {${want}}`);
        }
      }
    }
  }
  console.log(`${lang}: ${files}/${NAMESPACES.length} files read`);
}
if (problems) { console.error(`${problems} problem(s)`); process.exit(1); }
console.log('all translations match nl');
