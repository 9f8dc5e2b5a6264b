#!/usr/bin/env node
// Checks the EJS views for what ESLint cannot see (STYLE.md habit 7, and the CSP in server/http/security.ts):
//   - `<%-` (unescaped output) only for include(...)
//   - no inline <script> with content (scripts are files in static/)
//   - no style="" attributes and no <style> blocks (the CSP forbids inline styles)
// Exits 1 and lists every problem with file:line.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const VIEWS = path.join(__dirname, '..', 'views');

function listViews(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listViews(full));
    else if (entry.name.endsWith('.ejs')) out.push(full);
  }
  return out;
}

function lineOf(text, index) {
  return text.slice(0, index).split('\n').length;
}

/** Returns a list of { line, message } for one template. */
function checkTemplate(text) {
  const problems = [];
  for (const m of text.matchAll(/<%-([\s\S]*?)%>/g)) {
    if (!/^\s*include\(/.test(m[1])) {
      problems.push({ line: lineOf(text, m.index), message: `unescaped output "<%-${m[1].trim().slice(0, 40)}": use <%= (only include() may use <%-)` });
    }
  }
  // Blank out EJS tags (same length, so line numbers hold) before looking at the HTML around them:
  // `<%= asset('x.js') %>` contains a '>' that would end an attribute list early.
  const html = text.replace(/<%[\s\S]*?%>/g, (tag) => tag.replace(/[^\n]/g, '_'));
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (m[2].trim() !== '') problems.push({ line: lineOf(text, m.index), message: 'inline <script> with content: move it to a file in static/' });
    if (!/\bsrc\s*=/.test(m[1]) && m[2].trim() === '') problems.push({ line: lineOf(text, m.index), message: '<script> without src' });
  }
  for (const m of html.matchAll(/<[a-z][^>]*?\sstyle\s*=/gi)) {
    problems.push({ line: lineOf(text, m.index), message: 'style="" attribute: add a class in static/app.css instead (the CSP blocks inline styles)' });
  }
  for (const m of html.matchAll(/<style\b/gi)) {
    problems.push({ line: lineOf(text, m.index), message: '<style> block: put the rules in static/app.css' });
  }
  for (const m of html.matchAll(/\son[a-z]+\s*=\s*["']/gi)) {
    problems.push({ line: lineOf(text, m.index), message: 'inline event handler attribute: the CSP blocks it; use a script in static/' });
  }
  return problems;
}

function main() {
  let count = 0;
  const files = listViews(VIEWS);
  for (const file of files) {
    for (const p of checkTemplate(fs.readFileSync(file, 'utf8'))) {
      count++;
      console.error(`${path.relative(process.cwd(), file)}:${p.line}: ${p.message}`);
    }
  }
  if (count > 0) {
    console.error(`lint-views: ${count} problem(s) in ${files.length} views`);
    process.exit(1);
  }
  console.log(`lint-views: ${files.length} views OK`);
}

if (require.main === module) main();
module.exports = { checkTemplate };
