// Times what a newcomer waits for: from running a command (default `npm start`) until
// the web chat has answered a question over its websocket. Then stops the command.
//   node scripts/first-answer.mjs [command ...]      e.g. node scripts/first-answer.mjs npm start
// Prints the milliseconds on stdout; exits 1 if there is no answer within 60 s.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

// A port nobody is using right now (another server answering would be timed instead).
const port = await new Promise((resolve, reject) => {
  const probe = createServer().once('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const [command, ...args] = process.argv.length > 2 ? process.argv.slice(2) : ['npm', 'start'];
const started = performance.now();
const child = spawn(command, args, { env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: 'ignore', detached: true });
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
const deadline = setTimeout(() => {
  stop();
  process.stderr.write('no answer within 60 s\n');
  process.exit(1);
}, 60_000);

// Wait for the port, then ask.
for (;;) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    // not listening yet
  }
  await sleep(20);
}
const answered = await new Promise((resolve, reject) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { origin: `http://127.0.0.1:${port}` } });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'message', text: 'When did the talks begin?' })));
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type === 'message') {
      ws.close();
      resolve(frame.kind === 'answer');
    }
  });
  ws.on('error', reject);
});
const ms = Math.round(performance.now() - started);
clearTimeout(deadline);
stop();
if (!answered) {
  process.stderr.write('the first reply was not an answer\n');
  process.exit(1);
}
process.stdout.write(`${ms}\n`);
