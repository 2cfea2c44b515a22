// `npm run dev`: TypeScript in watch mode, and the server restarted whenever the
// build output or the page's files change. Ctrl+C stops both.
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

let server = null;
let restartTimer = null;
let stopping = false;

function startServer() {
  server = spawn(process.execPath, [join(root, 'dist', 'main.js')], { cwd: root, stdio: 'inherit' });
  const child = server;
  child.on('exit', () => {
    if (server === child) server = null;
  });
}

function restart() {
  clearTimeout(restartTimer);
  // tsc writes many files per rebuild: wait for a quiet moment, then restart once.
  restartTimer = setTimeout(() => {
    if (stopping) return;
    const old = server;
    if (!old) return startServer();
    process.stderr.write('\n[dev] change seen: restarting the server\n');
    old.once('exit', () => startServer());
    old.kill('SIGTERM');
  }, 300);
}

const compiler = spawn(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--watch', '--preserveWatchOutput'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let firstBuild = true;
compiler.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  // tsc --watch ends every (re)build with "Found N errors. Watching for file changes."
  if (firstBuild && /Watching for file changes/.test(chunk.toString())) {
    firstBuild = false;
    startServer();
    const onChange = (_event, file) => {
      if (file && !String(file).endsWith('.tsbuildinfo') && !String(file).endsWith('.map')) restart();
    };
    watch(join(root, 'dist'), { recursive: true }, onChange);
    watch(join(root, 'src', 'channels', 'web', 'public'), onChange);
  }
});

function stop() {
  stopping = true;
  compiler.kill('SIGTERM');
  if (server) server.kill('SIGTERM');
  else process.exit(0);
  server?.once('exit', () => process.exit(0));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
