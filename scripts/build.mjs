// Builds src/ into dist/ only when something changed since the last good build,
// so `npm start` and `npm run ask` cost a few milliseconds instead of a TypeScript
// run (which takes seconds, many more on a busy machine). `--force` always builds.
// The stamp's time is the moment the build started: a file saved during a build
// is newer than the stamp and triggers the next one.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
// The page's files are served from src/ as they are, so they never need a build.
const skip = new Set([join(root, 'src', 'channels', 'web', 'public')]);

function newestInput() {
  let newest = Math.max(...['tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(root, f)).mtimeMs));
  const walk = (dir) => {
    // A folder's time changes when a file in it is added, deleted or renamed.
    newest = Math.max(newest, statSync(dir).mtimeMs);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.has(path)) walk(path);
      } else {
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  walk(join(root, 'src'));
  return newest;
}

function stampTime() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return -1;
  }
}

const force = process.argv.includes('--force');
if (force || newestInput() >= stampTime()) {
  const started = new Date();
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    // e.g. `npm ci --omit=dev`: say what to do instead of printing a resolver stack.
    process.stderr.write('dist/ needs building, but TypeScript is not installed. Run `npm ci` (with dev dependencies) first.\n');
    process.exit(1);
  }
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  mkdirSync(dirname(stamp), { recursive: true });
  closeSync(openSync(stamp, 'a'));
  utimesSync(stamp, started, started);
}
