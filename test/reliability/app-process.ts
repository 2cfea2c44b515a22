import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '../support/slack-sim/index.js';

/**
 * The real built app (`dist/main.js`) in its own process, run with
 * `--unhandled-rejections=strict` so any stray rejection kills it, and with a
 * tiny preload (heap-probe) that answers heap readings over IPC. Logs are the
 * app's own JSON lines from stdout, parsed.
 */

export interface AppProcessOptions {
  /** Project root (where dist/main.js lives). */
  root: string;
  env: Record<string, string>;
  /** Extra script to run instead of dist/main.js (the bare Bolt floor). */
  script?: string;
  /** Module preloaded with --import, e.g. the heap probe. */
  preload?: string;
  /** More node flags, e.g. --cpu-prof when looking into a figure. */
  nodeArgs?: string[];
}

export interface HeapReading {
  heapUsed: number;
  rss: number;
}

export class AppProcess {
  readonly records: Record<string, unknown>[] = [];
  readonly stderr: string[] = [];
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly waiters = new Map<number, (reading: HeapReading) => void>();
  private probe = 0;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.records.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.records.push({ event: 'unparsed_stdout', line });
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 1_000) this.stderr.push(chunk.toString('utf8'));
    });
    child.on('message', (message: { probe?: number } & HeapReading) => {
      if (typeof message.probe === 'number') this.waiters.get(message.probe)?.(message);
      if (typeof message.probe === 'number') this.waiters.delete(message.probe);
    });
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
    });
  }

  /** Start the app on a free loopback port and wait until it logs `listening` (or `floor_ready`). */
  static async start(options: AppProcessOptions): Promise<AppProcess> {
    const port = await freePort();
    const args = ['--unhandled-rejections=strict', '--expose-gc', ...(options.nodeArgs ?? [])];
    if (options.preload) args.push('--import', options.preload);
    args.push(options.script ?? resolve(options.root, 'dist/main.js'));
    // A store of its own unless told otherwise: the simulator's message ts start over in every run,
    // and the outbox (rightly) drops a message it answered within the hour as a duplicate.
    const own = options.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'app-process-'));
    const child = spawn(process.execPath, args, {
      cwd: options.root,
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'info',
        ...(own ? { DATABASE_URL: `sqlite:${join(own, 'bot.sqlite')}` } : {}),
        ...options.env,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    if (own) child.once('exit', () => rmSync(own, { recursive: true, force: true }));
    const app = new AppProcess(child, port);
    try {
      await waitFor(
        () => {
          if (app.exit) throw new Error(`app exited during startup (${JSON.stringify(app.exit)}): ${app.stderr.join('')}`);
          return app.records.some((r) => r.event === 'listening' || r.event === 'floor_ready') ? true : undefined;
        },
        20_000,
        'the app to listen',
      );
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return app;
  }

  get alive(): boolean {
    return this.exit === null;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  events(name: string): Record<string, unknown>[] {
    return this.records.filter((r) => r.event === name);
  }

  /** Resident set size and its high-water mark, in bytes, from /proc (Linux). */
  memory(): { rss: number; peak: number } {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  }

  /** Heap in use right after a full GC in the app process (needs the heap-probe preload). */
  heap(timeoutMs = 5_000): Promise<HeapReading> {
    this.probe += 1;
    const id = this.probe;
    return new Promise((resolveReading, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error('no heap reading from the app'));
      }, timeoutMs);
      this.waiters.set(id, (reading) => {
        clearTimeout(timer);
        resolveReading(reading);
      });
      this.child.send({ probe: id });
    });
  }

  /** SIGTERM, then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    if (this.exit) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 12_000);
    await exited;
    clearTimeout(timer);
  }
}

/** A free TCP port on 127.0.0.1 (the app's PORT must be 1..65535, not 0). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
