// ESLint flat config. Besides the usual recommended rules it holds the one-way dependencies of STYLE.md
// (routes → service → repository → database), so the architecture keeps itself without review comments.
'use strict';

const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// --- Building blocks for @typescript-eslint/no-restricted-imports -------------------------------------------
// Type-only imports are allowed where noted: `import type { Db }` couples nothing at run time.

const EXPRESS = { name: 'express', message: 'Only routes, server/http/ and app.ts use Express; services and repositories never see req/res.' };
const SOCKET_IO = {
  name: 'socket.io',
  message: 'Only server/realtime/ talks to socket.io; services call deps.notifier.publish(...) instead.',
  allowTypeImports: true,
};
const SQLITE = {
  name: 'better-sqlite3',
  message: 'Only server/db/ and *.repository.ts touch the database (plus deps.ts, main.ts, scripts and tests).',
  allowTypeImports: true,
};
// The driver module picks better-sqlite3 12 or 13 for the running Node; it counts as "the database" for the layers.
const DRIVER = {
  group: ['**/db/driver', '**/db/driver.ts'],
  message: SQLITE.message,
  allowTypeImports: true,
};
// Nothing but server/db/driver.ts loads a driver package itself (a value import of 13 on Node 20 crashes the process).
const DRIVER_ONLY = {
  selector: "ImportDeclaration[importKind!='type'][source.value=/^better-sqlite3(-13)?$/], CallExpression[callee.name='require'][arguments.0.value=/^better-sqlite3(-13)?$/]",
  message: "Import Database from server/db/driver, which picks better-sqlite3 12 or 13 for the running Node (types may come from 'better-sqlite3').",
};
const ROUTES = {
  group: ['**/*.routes', '**/*.routes.ts'],
  message: 'Nothing imports a router except server/app.ts (shared helpers belong in server/http/ or a service).',
  allowTypeImports: true,
};
const SERVICES = { group: ['**/*.service', '**/*.service.ts'], message: 'Repositories sit below services: routes → service → repository → db.' };
const HTTP = {
  group: ['**/http/*', '!**/http/errors', '!**/http/auth'],
  message: 'Only routes and app.ts use the HTTP layer (its types are fine).',
  allowTypeImports: true,
};

function restrict(paths, patterns = []) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] };
}

// Browser globals for static/*.js (the `globals` package is not installed; this short list is what we use).
const BROWSER_GLOBALS = Object.fromEntries(
  [
    'window', 'document', 'navigator', 'location', 'history', 'console', 'setTimeout', 'clearTimeout', 'setInterval',
    'clearInterval', 'requestAnimationFrame', 'fetch', 'FormData', 'URL', 'URLSearchParams', 'Event', 'CustomEvent',
    'HTMLElement', 'Element', 'Node', 'localStorage', 'sessionStorage', 'Notification', 'AudioContext', 'Audio',
    'io', 'alert', 'confirm', 'matchMedia', 'Intl', 'Date', 'AbortController', 'performance', 'MutationObserver',
  ].map((name) => [name, 'readonly']),
);

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'data/**'] },

  // TypeScript: server, scripts, tests.
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },

  { files: ['**/*.ts'], ignores: ['server/db/driver.ts'], rules: { 'no-restricted-syntax': ['error', DRIVER_ONLY] } },

  // The dependency rules. Each file falls into exactly one group (a later match would replace the rule).
  {
    files: ['server/**/*.ts'],
    ignores: ['server/**/*.test.ts', 'server/features/**', 'server/db/**', 'server/realtime/**', 'server/deps.ts', 'server/main.ts', 'server/app.ts', 'server/**/*.repository.ts', 'server/**/*.service.ts', 'server/**/*.routes.ts'],
    rules: restrict([SOCKET_IO, SQLITE], [ROUTES, DRIVER]),
  },
  // The rest of a feature (schemas, panels, seeds, cookies, mail composition): Express stays in its routes file.
  {
    files: ['server/features/**/*.ts'],
    ignores: ['server/**/*.test.ts', 'server/**/*.repository.ts', 'server/**/*.service.ts', 'server/**/*.routes.ts'],
    rules: restrict([EXPRESS, SOCKET_IO, SQLITE], [ROUTES, DRIVER]),
  },
  { files: ['server/**/*.routes.ts'], rules: restrict([SOCKET_IO, SQLITE], [ROUTES, DRIVER]) },
  { files: ['server/**/*.service.ts'], rules: restrict([EXPRESS, SOCKET_IO, SQLITE], [ROUTES, HTTP, DRIVER]) },
  { files: ['server/**/*.repository.ts'], rules: restrict([EXPRESS, { ...SOCKET_IO, allowTypeImports: false }], [ROUTES, SERVICES, HTTP]) },
  { files: ['server/db/**/*.ts'], ignores: ['server/**/*.test.ts'], rules: restrict([EXPRESS, SOCKET_IO], [ROUTES, SERVICES]) },
  { files: ['server/realtime/**/*.ts'], ignores: ['server/**/*.test.ts'], rules: restrict([SQLITE], [ROUTES, DRIVER]) },
  { files: ['server/app.ts'], rules: restrict([SOCKET_IO, SQLITE], [DRIVER]) },
  { files: ['server/deps.ts', 'server/main.ts'], rules: restrict([SOCKET_IO], [ROUTES]) },

  // Command-line scripts print to the terminal.
  { files: ['scripts/**/*.ts', 'scripts/**/*.js'], rules: { 'no-console': 'off' } },

  // Plain Node scripts (this file, jest config, scripts/lint-views.js).
  {
    files: ['*.js', 'scripts/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
  },

  // Progressive-enhancement scripts that run in the browser.
  {
    files: ['static/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'script', globals: BROWSER_GLOBALS },
    // `catch (e) {}` is the portable spelling in these small ES5-style scripts.
    rules: { 'no-unused-vars': ['error', { caughtErrors: 'none' }] },
  },
);
