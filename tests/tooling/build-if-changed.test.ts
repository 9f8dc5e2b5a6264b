import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/test-app';

// The script is plain JavaScript so that it runs before anything is compiled.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('../../scripts/build-if-changed.js') as {
  listSources(root: string): string[];
  isUpToDate(root: string): boolean;
  buildIfChanged(root: string, log?: (msg: string) => void): number;
};

/** A tiny project: one source, one test, a tsconfig that compiles into dist/ like ours. */
function project(): string {
  const root = tempDir('dichterbij-build-');
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('tsconfig.json', JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, outDir: 'dist', rootDir: '.', types: [] } }));
  write('tsconfig.build.json', JSON.stringify({ extends: './tsconfig.json', compilerOptions: { incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo' }, include: ['server/**/*.ts'], exclude: ['**/*.test.ts'] }));
  write('server/main.ts', 'export const answer: number = 42;\n');
  write('server/main.test.ts', 'throw new Error("never compiled");\n');
  fs.symlinkSync(path.resolve(__dirname, '../../node_modules'), path.join(root, 'node_modules'));
  return root;
}

describe('scripts/build-if-changed.js: npm start compiles only when the sources changed', () => {
  jest.setTimeout(120_000);

  test('a fresh clone builds; an unchanged tree does not; a changed, added or missing file does', () => {
    const root = project();
    const logs: string[] = [];
    const log = (msg: string): void => void logs.push(msg);
    expect(script.listSources(root)).toEqual([path.join('server', 'main.ts')]);
    expect(script.isUpToDate(root)).toBe(false);

    expect(script.buildIfChanged(root, log)).toBe(0);
    expect(logs).toHaveLength(1);
    expect(fs.readFileSync(path.join(root, 'dist/server/main.js'), 'utf8')).toContain('42');
    expect(script.isUpToDate(root)).toBe(true);
    expect(script.buildIfChanged(root, log)).toBe(0);
    expect(logs).toHaveLength(1); // nothing compiled the second time

    // Same bytes written again (a checkout touching the file): still up to date.
    fs.writeFileSync(path.join(root, 'server/main.ts'), 'export const answer: number = 42;\n');
    expect(script.isUpToDate(root)).toBe(true);

    fs.writeFileSync(path.join(root, 'server/main.ts'), 'export const answer: number = 43;\n');
    expect(script.isUpToDate(root)).toBe(false);
    expect(script.buildIfChanged(root, log)).toBe(0);
    expect(fs.readFileSync(path.join(root, 'dist/server/main.js'), 'utf8')).toContain('43');

    fs.writeFileSync(path.join(root, 'server/extra.ts'), 'export const more = 1;\n');
    expect(script.isUpToDate(root)).toBe(false);
    expect(script.buildIfChanged(root, log)).toBe(0);
    fs.rmSync(path.join(root, 'dist/server/extra.js'));
    expect(script.isUpToDate(root)).toBe(false);
  });

  test('another build into dist/ (plain tsc) makes the stamp stale; a failed build leaves no stamp', () => {
    const root = project();
    expect(script.buildIfChanged(root, () => undefined)).toBe(0);
    fs.writeFileSync(path.join(root, 'dist/.tsbuildinfo'), '{"changed by another build":true}');
    expect(script.isUpToDate(root)).toBe(false);

    fs.writeFileSync(path.join(root, 'server/main.ts'), 'export const answer: number = "not a number";\n');
    fs.rmSync(path.join(root, 'dist/.build-stamp'));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(script.buildIfChanged(root, () => undefined)).not.toBe(0);
    } finally {
      stderr.mockRestore();
    }
    expect(fs.existsSync(path.join(root, 'dist/.build-stamp'))).toBe(false);
  });
});
