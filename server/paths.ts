import fs from 'node:fs';
import path from 'node:path';

/**
 * The repository root, found by walking up to package.json. Code runs both from `server/` (tests, ts-jest)
 * and from `dist/server/` (npm start), so a fixed number of `..` would be wrong in one of them.
 */
function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const ROOT_DIR: string = findRoot(__dirname);
export const VIEWS_DIR: string = path.join(ROOT_DIR, 'views');
export const STATIC_DIR: string = path.join(ROOT_DIR, 'static');
export const LOCALES_DIR: string = path.join(ROOT_DIR, 'locales');
export const MIGRATIONS_DIR: string = path.join(ROOT_DIR, 'db', 'migrations');
