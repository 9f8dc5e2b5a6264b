#!/usr/bin/env node
// `npm start` (prestart) and the other npm scripts run this instead of a full `tsc` every time: it compiles
// only when a source differs from the last successful build. tsc with nothing to do still reads and checks
// the whole program (4.5 s here, far longer on a Raspberry Pi); hashing the sources takes milliseconds.
//
// "Differs" means: the SHA-256 over every compiled source (the include/exclude of tsconfig.build.json:
// server/ and scripts/ without tests), both tsconfig files and the TypeScript version is not the one
// stored in dist/.build-stamp, or a compiled file is missing. Contents, not mtimes, so a fresh clone or a
// `git checkout` that touches files without changing them does not rebuild, and a changed file always does.
// A fresh clone has no stamp, so `npm install && npm start` builds first. A failed build writes no stamp.
// The stamp also records tsc's own build info (dist/.tsbuildinfo): when anything else compiles into dist/
// (`npm run build`, the test helpers) after we did, that file changes and the next start compiles again,
// so dist/ never holds a build of other sources than the stamp says.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const STAMP = path.join('dist', '.build-stamp');
const BUILD_INFO = path.join('dist', '.tsbuildinfo');
const SOURCE_DIRS = ['server', 'scripts'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];

/** Source files tsc -p tsconfig.build.json compiles, relative to root, sorted. */
function listSources(root) {
  const out = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) out.push(child);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(dir);
  return out.sort();
}

function typescriptVersion(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
  } catch {
    return 'none';
  }
}

/** The stamp the sources would have after a build: one hash over names and contents. */
function sourceStamp(root) {
  const hash = crypto.createHash('sha256');
  hash.update(`typescript ${typescriptVersion(root)}\0`);
  for (const file of [...CONFIG_FILES, ...listSources(root)]) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) continue;
    hash.update(`${file.split(path.sep).join('/')}\0`);
    hash.update(fs.readFileSync(full));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** A hash of tsc's build info as it is now ('none' when absent). */
function buildInfoStamp(root) {
  const file = path.join(root, BUILD_INFO);
  return fs.existsSync(file) ? crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') : 'none';
}

/** True when dist/ holds a build of exactly these sources. */
function isUpToDate(root) {
  const stampFile = path.join(root, STAMP);
  if (!fs.existsSync(stampFile)) return false;
  if (fs.readFileSync(stampFile, 'utf8') !== `${sourceStamp(root)}\n${buildInfoStamp(root)}\n`) return false;
  return listSources(root).every((file) => fs.existsSync(path.join(root, 'dist', file.replace(/\.ts$/, '.js'))));
}

/** Builds when needed; returns the exit code (tsc's on failure). */
function buildIfChanged(root, log = (msg) => console.error(msg)) {
  if (isUpToDate(root)) return 0;
  const stamp = sourceStamp(root);
  log('Compiling TypeScript (sources changed since the last build)…');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  // The stamp of the sources as they were when tsc started: a file saved during the build rebuilds next time.
  fs.writeFileSync(path.join(root, STAMP), `${stamp}\n${buildInfoStamp(root)}\n`);
  return 0;
}

module.exports = { listSources, sourceStamp, isUpToDate, buildIfChanged };

if (require.main === module) {
  process.exitCode = buildIfChanged(path.join(__dirname, '..'));
}
