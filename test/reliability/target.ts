import { request, Agent } from 'node:http';
import { payloads, type SendOptions, type SlackSender, type SlackSim, sleep, waitFor } from '../support/slack-sim/index.js';
import type { HeapReading } from './app-process.js';

/**
 * What a scenario drives: the app (in this process for `npm test`, or the
 * built app in its own process for `npm run reliability`), the simulator it
 * talks to, and its log records.
 */
export interface SlackTarget {
  mode: 'http' | 'socket';
  sim: SlackSim;
  /** Signed requests to POST /slack/events (HTTP mode). */
  sender: SlackSender;
  baseUrl: string;
  records(): Record<string, unknown>[];
  /** False once the app process has exited (always true in process). */
  alive(): boolean;
  /** The app's own process only. */
  memory?(): { rss: number; peak: number };
  heap?(): Promise<HeapReading>;
}

export const events = (target: Pick<SlackTarget, 'records'>, name: string): Record<string, unknown>[] => target.records().filter((r) => r.event === name);

/** chat.postMessage calls that carried a reply to the message `channel`/`ts` (mentions reply in its thread). */
export function repliesTo(sim: SlackSim, channel: string, ts?: string): number {
  return sim.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && !c.fault && (ts === undefined || c.args.thread_ts === ts)).length;
}

/** A mention of the bot in `channel`, as an Events API envelope; returns it with its ts. */
export function mentionEnvelope(channel: string, question: string, options: { eventId?: string; ts?: string } = {}) {
  const ts = options.ts ?? payloads.nextTs();
  const envelope = payloads.eventCallback(payloads.mention({ text: `<@U0BOT> ${question}`, channel, ts }), options.eventId ? { eventId: options.eventId } : {});
  return { envelope, ts };
}

export interface Burst {
  /** Per request: ms from the moment the burst was fired to the full response. */
  latencies: number[];
  statuses: number[];
  wallMs: number;
}

/**
 * Fire `bodies` at `url` all at once, each signed beforehand, each on its own
 * connection. Resolves when every response is in (or failed: status 0).
 */
export async function fireBurst(url: string, sender: SlackSender, bodies: string[], options: SendOptions = {}): Promise<Burst> {
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const prepared = bodies.map((body) => ({
    body,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...sender.headersFor(body, options) },
  }));
  const started = performance.now();
  const results = await Promise.all(
    prepared.map(
      ({ body, headers }) =>
        new Promise<{ status: number; ms: number }>((resolve) => {
          const req = request(url, { method: 'POST', headers, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
            res.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
          });
          req.setTimeout(15_000, () => req.destroy());
          req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
          req.end(body);
        }),
    ),
  );
  agent.destroy();
  return { latencies: results.map((r) => r.ms), statuses: results.map((r) => r.status), wallMs: performance.now() - started };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Wait until `count()` reaches `expected` (or `timeoutMs`), then a little longer to catch extras. */
export async function settle(count: () => number, expected: number, timeoutMs: number, quietMs = 300): Promise<number> {
  await waitFor(() => (count() >= expected ? true : undefined), timeoutMs, `${expected} replies`).catch(() => undefined);
  await sleep(quietMs);
  return count();
}

export const ms = (value: number): string => `${Math.round(value)} ms`;
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
