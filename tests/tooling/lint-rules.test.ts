import path from 'node:path';
import { ESLint } from 'eslint';
import { ROOT_DIR } from '../../server/paths';

/* eslint-disable @typescript-eslint/no-require-imports */
// The config is passed in directly: ESLint would otherwise load it with a dynamic import, which jest's VM lacks.
const config = require('../../eslint.config.js') as ESLint.Options['baseConfig'];
const { checkTemplate } = require('../../scripts/lint-views.js') as { checkTemplate: (text: string) => { line: number; message: string }[] };

/** Lints a snippet as if it lived at `file`, returning the rule ids that fired. */
async function rulesFor(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT_DIR, overrideConfigFile: true, baseConfig: config });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT_DIR, file) });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('lint rules hold the one-way dependencies (STYLE.md)', () => {
  const restricted = '@typescript-eslint/no-restricted-imports';

  test('a repository may not import express, socket.io, services or routes', async () => {
    const file = 'server/features/demo/demo.repository.ts';
    expect(await rulesFor(file, "import express from 'express';\nexport const x = express;\n")).toContain(restricted);
    expect(await rulesFor(file, "import { Server } from 'socket.io';\nexport const x = Server;\n")).toContain(restricted);
    expect(await rulesFor(file, "import { S } from './demo.service';\nexport const x = S;\n")).toContain(restricted);
    expect(await rulesFor(file, "import { r } from './demo.routes';\nexport const x = r;\n")).toContain(restricted);
    expect(await rulesFor(file, "import Database from 'better-sqlite3';\nexport const x = Database;\n")).not.toContain(restricted);
  });

  test('a service may not import express, socket.io, better-sqlite3 or routes; types are fine', async () => {
    const file = 'server/features/demo/demo.service.ts';
    expect(await rulesFor(file, "import { Router } from 'express';\nexport const x = Router;\n")).toContain(restricted);
    expect(await rulesFor(file, "import { Server } from 'socket.io';\nexport const x = Server;\n")).toContain(restricted);
    expect(await rulesFor(file, "import Database from 'better-sqlite3';\nexport const x = Database;\n")).toContain(restricted);
    expect(await rulesFor(file, "import { demoRouter } from './demo.routes';\nexport const x = demoRouter;\n")).toContain(restricted);
    expect(await rulesFor(file, "import type { Db } from '../../db/open';\nexport type X = Db;\n")).not.toContain(restricted);
    expect(await rulesFor(file, "import { DemoRepository } from './demo.repository';\nexport const x = DemoRepository;\n")).not.toContain(restricted);
  });

  test('in a feature only the routes file uses express; its other files (schemas, panels, cookies) may not, not even its types', async () => {
    const code = "import express from 'express';\nexport const x = express;\n";
    const types = "import type { Request } from 'express';\nexport type X = Request;\n";
    for (const file of ['server/features/demo/demo-cookie.ts', 'server/features/demo/demo.schema.ts', 'server/features/demo/demo.panel.ts']) {
      expect(await rulesFor(file, code)).toContain(restricted);
      expect(await rulesFor(file, types)).toContain(restricted);
      expect(await rulesFor(file, "import { z } from 'zod';\nexport const x = z;\n")).not.toContain(restricted);
    }
    expect(await rulesFor('server/features/demo/demo.routes.ts', code)).not.toContain(restricted);
    expect(await rulesFor('server/http/demo.ts', code)).not.toContain(restricted);
    // The feature files keep the other rules of their group.
    expect(await rulesFor('server/features/demo/demo.schema.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n")).toContain(restricted);
  });

  test('routers do not import each other (types are fine)', async () => {
    const file = 'server/features/demo/demo.routes.ts';
    expect(await rulesFor(file, "import { helper } from '../other/other.routes';\nexport const x = helper;\n")).toContain(restricted);
    expect(await rulesFor(file, "import type { Section } from '../admin/admin.routes';\nexport type X = Section;\n")).not.toContain(restricted);
  });

  test('only server/realtime uses socket.io and only db/repositories use better-sqlite3', async () => {
    const code = "import { Server } from 'socket.io';\nexport const x = Server;\n";
    expect(await rulesFor('server/features/demo/demo.routes.ts', code)).toContain(restricted);
    expect(await rulesFor('server/http/demo.ts', code)).toContain(restricted);
    expect(await rulesFor('server/realtime/demo.ts', code)).not.toContain(restricted);
    expect(await rulesFor('tests/demo.test.ts', code)).not.toContain(restricted);
    const sqlite = "import Database from 'better-sqlite3';\nexport const x = Database;\n";
    expect(await rulesFor('server/features/demo/demo.routes.ts', sqlite)).toContain(restricted);
    expect(await rulesFor('server/db/demo.ts', sqlite)).not.toContain(restricted);
    expect(await rulesFor('scripts/demo.ts', sqlite)).not.toContain(restricted);
  });

  test('only server/db/driver.ts loads a better-sqlite3 package; the rest imports Database from it', async () => {
    const rule = 'no-restricted-syntax';
    for (const pkg of ['better-sqlite3', 'better-sqlite3-13']) {
      const code = `import Database from '${pkg}';\nexport const x = Database;\n`;
      for (const file of ['server/db/demo.ts', 'server/features/demo/demo.repository.ts', 'scripts/demo.ts', 'tests/demo.test.ts']) {
        expect(await rulesFor(file, code)).toContain(rule);
      }
      expect(await rulesFor('tests/demo.test.ts', `const D = require('${pkg}');\nexport const x = D;\n`)).toContain(rule);
      expect(await rulesFor('server/db/driver.ts', code)).not.toContain(rule);
    }
    expect(await rulesFor('server/db/demo.ts', "import type BetterSqlite3 from 'better-sqlite3';\nexport type X = BetterSqlite3.Database;\n")).not.toContain(rule);
    expect(await rulesFor('scripts/demo.ts', "import Database from '../server/db/driver';\nexport const x = Database;\n")).not.toContain(rule);
    // The driver module is the database for the layers: services and routes may not use it (types are fine).
    const driver = "import Database from '../../db/driver';\nexport const x = Database;\n";
    expect(await rulesFor('server/features/demo/demo.service.ts', driver)).toContain(restricted);
    expect(await rulesFor('server/features/demo/demo.routes.ts', driver)).toContain(restricted);
    expect(await rulesFor('server/features/demo/demo.repository.ts', driver)).not.toContain(restricted);
    expect(await rulesFor('server/features/demo/demo.service.ts', "import type { DriverInfo } from '../../db/driver';\nexport type X = DriverInfo;\n")).not.toContain(restricted);
  });
});

describe('lint-views', () => {
  test('accepts include() and escaped output, external scripts', () => {
    expect(checkTemplate("<%- include('../layouts/top') %>\n<p><%= name %></p>\n<script src=\"<%= asset('x.js') %>\" defer></script>")).toEqual([]);
  });

  test('rejects unescaped output, inline scripts, style attributes and handlers with their line', () => {
    const problems = checkTemplate('<p>\n<%- user.name %>\n<script>alert(1)</script>\n<div style="color:red">\n<button onclick="go()">\n<style>p{}</style>');
    expect(problems.map((p) => p.line).sort()).toEqual([2, 3, 4, 5, 6]);
  });
});
