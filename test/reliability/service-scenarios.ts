import { request } from 'node:http';
import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { WebMessage } from '../../src/channels/web/render.js';
import { signBody, sleep } from '../support/slack-sim/index.js';
import { type Row, row } from './checks.js';
import { fireBurst, mb, mentionEnvelope, ms, percentile, repliesTo, settle, type SlackTarget } from './target.js';
import type { WebTarget } from './web-scenarios.js';

/**
 * Scenarios 11-15: the abuse probe's attacks on a running service (issue 12).
 * Each drives the app the way the probe did and returns rows of the figures
 * table; `timing` rows are judged by `npm run reliability` only.
 */

const QUESTIONS = ['When did the talks begin?', 'Has ISIS been defeated?', 'How long has the coalition existed?', 'Will the coalition continue?'];
const question = (i: number): string => QUESTIONS[i % QUESTIONS.length] as string;

/** Send `count` mentions one after another (each acked before the next); resolve with each reply's latency (ms). */
async function replyLatencies(app: SlackTarget, channel: string, count: number, gapMs = 20): Promise<number[]> {
  const sentAt = new Map<string, number>();
  for (let i = 0; i < count; i += 1) {
    const { envelope, ts } = mentionEnvelope(channel, question(i));
    sentAt.set(ts, performance.now() + performance.timeOrigin);
    await app.sender.event(envelope);
    await sleep(gapMs);
  }
  await settle(() => repliesTo(app.sim, channel), count, 20_000, 100);
  return app.sim
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === channel && !c.fault)
    .map((c) => c.at - (sentAt.get(String(c.args.thread_ts)) ?? c.at));
}

// 11. Slow drip -----------------------------------------------------------

interface Drip {
  /** Resolves with the status the app answered and when, or 0 if it hung up without one. */
  result: Promise<{ status: number; ms: number }>;
  stop(): void;
}

/** A request with valid-looking signature headers whose body arrives one byte every `everyMs`. */
function slowDrip(url: string, secret: string, everyMs: number, bytes = 2_000): Drip {
  const target = new URL(url);
  const body = Buffer.alloc(bytes, 0x20);
  const timestamp = Math.floor(Date.now() / 1000);
  const socket = connect(Number(target.port), target.hostname);
  const started = performance.now();
  socket.write(
    `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n` +
      `X-Slack-Request-Timestamp: ${timestamp}\r\nX-Slack-Signature: ${signBody(secret, timestamp, body)}\r\n\r\n`,
  );
  let sent = 0;
  const timer = setInterval(() => {
    if (sent < bytes && socket.writable) socket.write(body.subarray(sent, ++sent));
  }, everyMs);
  const result = new Promise<{ status: number; ms: number }>((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (status) resolve({ status: Number(status[1]), ms: performance.now() - started });
    });
    socket.on('close', () => resolve({ status: 0, ms: performance.now() - started }));
    socket.on('error', () => undefined);
  });
  void result.finally(() => clearInterval(timer));
  return {
    result,
    stop() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

export async function slowDripScenario(app: SlackTarget, options: { events: number; drips: number; secret: string; bodyTimeoutMs: number }): Promise<Row[]> {
  const s = '11. Slow drip';
  const without = await replyLatencies(app, 'C0DRIPNONE', options.events);
  const drips = Array.from({ length: options.drips }, () => slowDrip(app.sender.url, options.secret, 100));
  await sleep(200);
  const during = await replyLatencies(app, 'C0DRIPOPEN', options.events);
  const results = await Promise.race([Promise.all(drips.map((d) => d.result)), sleep(options.bodyTimeoutMs + 3_000).then(() => null)]);
  for (const d of drips) d.stop();
  const slowest = (values: number[]): number => Math.max(...values);
  const statuses = results ? [...new Set(results.map((r) => r.status))].join(', ') : 'none in time';
  const cutAt = results ? Math.max(...results.map((r) => r.ms)) : Number.NaN;
  return [
    row(
      s,
      `replies to ${options.events} mentions with ${options.drips} slow-drip requests open (1 byte / 100 ms): slowest, p50`,
      `${ms(slowest(during))}, ${ms(percentile(during, 50))} vs ${ms(slowest(without))}, ${ms(percentile(without, 50))} without`,
      'slowest ≤ without + 250 ms',
      slowest(during) <= slowest(without) + 250,
      true,
    ),
    row(
      s,
      `replies, with and without the drips`,
      `${during.length} and ${without.length}`,
      `${options.events} and ${options.events}`,
      during.length === options.events && without.length === options.events,
    ),
    row(
      s,
      'the slow-drip requests are answered',
      `${statuses} after ${ms(cutAt)}`,
      `408 within ${((options.bodyTimeoutMs + 1_000) / 1000).toFixed(0)} s`,
      statuses === '408' && cutAt <= options.bodyTimeoutMs + 1_000,
    ),
  ];
}

// 12. Unauthenticated bodies ----------------------------------------------

/** POST `body` with fresh timestamp and a well-formed but wrong signature; resolves with the status (0: cut off). */
function unsignedPost(url: string, body: Buffer): Promise<number> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${'0'.repeat(64)}`,
  };
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

export async function unauthenticatedBodiesScenario(app: SlackTarget, options: { count: number; bytes: number; events: number }): Promise<Row[]> {
  const s = '12. Unauthenticated bodies';
  const body = Buffer.alloc(options.bytes, 0x20);
  const before = app.memory?.().rss ?? 0;
  let peak = before;
  const sampler = setInterval(() => {
    if (app.memory) peak = Math.max(peak, app.memory().rss);
  }, 10);
  const attack = Promise.all(Array.from({ length: options.count }, () => unsignedPost(app.sender.url, body)));
  const channel = 'C0UNAUTH';
  const bodies = Array.from({ length: options.events }, (_, i) => JSON.stringify(mentionEnvelope(channel, question(i)).envelope));
  const burst = await fireBurst(app.sender.url, app.sender, bodies);
  const statuses = await attack;
  clearInterval(sampler);
  await sleep(2_000);
  const after = app.memory?.().rss ?? 0;
  const replies = await settle(() => repliesTo(app.sim, channel), options.events, 20_000, 200);
  const tally = [...new Set(statuses)].map((st) => `${statuses.filter((x) => x === st).length}× ${st || 'cut off'}`).join(', ');
  const rows = [
    row(
      s,
      `${options.count} unauthenticated ${mb(options.bytes)} bodies at once: answered`,
      tally,
      '401, or 503 / cut off when too many wait; none 200',
      statuses.every((st) => [0, 401, 503].includes(st)),
    ),
    row(
      s,
      `${options.events} signed events sent meanwhile: acked, answered`,
      `${burst.statuses.filter((st) => st === 200).length} acked (slowest ${ms(Math.max(...burst.latencies))}), ${replies} answered`,
      `all ${options.events}, within 3 s`,
      burst.statuses.every((st) => st === 200) && replies === options.events && Math.max(...burst.latencies) < 3_000,
    ),
  ];
  if (app.memory) {
    rows.push(
      row(
        s,
        'resident memory growth: peak during the attack, kept 2 s after',
        `${mb(peak - before)}, ${mb(after - before)}`,
        '≤ 64 MB at the peak (V8 keeps its grown heap a while)',
        peak - before <= 64 * 1024 * 1024,
        true,
      ),
    );
  }
  return rows;
}

// 13. Idle websockets -----------------------------------------------------

/** Open a web chat socket from a given loopback address; resolves with it, or with the refusal's status. */
function openFrom(port: number, localAddress: string): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin: `http://127.0.0.1:${port}`, localAddress });
    socket.on('open', () => resolve(socket));
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => resolve(0));
  });
}

/** Ask one question on a fresh socket; resolves with the reply's kind, or the refusal. */
async function askFrom(port: number, localAddress: string, text = 'When did the talks begin?'): Promise<string> {
  const socket = await openFrom(port, localAddress);
  if (typeof socket === 'number') return `refused ${socket}`;
  const reply = new Promise<string>((resolve) => {
    socket.once('message', (data) => resolve((JSON.parse(String(data)) as WebMessage).kind));
    setTimeout(() => resolve('no reply'), 5_000);
  });
  socket.send(JSON.stringify({ type: 'message', text }));
  const kind = await reply;
  socket.close();
  return kind;
}

export async function idleSocketsScenario(
  web: WebTarget,
  options: { sockets: number; addresses: number; perAddressCap: number; silentEvictMs: number },
): Promise<Row[]> {
  const s = '13. Idle websockets';
  const open: WebSocket[] = [];
  const keep = (result: WebSocket | number): number => {
    if (typeof result === 'number') return result;
    open.push(result);
    return 101;
  };
  try {
    // One address tries for more than its share.
    const single = await Promise.all(Array.from({ length: options.perAddressCap + 10 }, () => openFrom(web.port, '127.0.0.250').then(keep)));
    const accepted = single.filter((st) => st === 101).length;
    for (const socket of open.splice(0)) socket.close();
    await sleep(300);

    // Many addresses fill every slot and sit there.
    const each = Math.ceil(options.sockets / options.addresses);
    const statuses: number[] = [];
    for (let a = 0; a < options.addresses; a += 1) {
      statuses.push(...(await Promise.all(Array.from({ length: each }, () => openFrom(web.port, `127.0.1.${a + 1}`).then(keep)))));
    }
    const idle = statuses.filter((st) => st === 101).length;
    const atOnce = await askFrom(web.port, '127.0.2.1');
    await sleep(options.silentEvictMs + 1_000);
    const later = await askFrom(web.port, '127.0.2.2');
    const stillOpen = open.filter((socket) => socket.readyState === WebSocket.OPEN).length;
    return [
      row(
        s,
        `${options.perAddressCap + 10} sockets from one address`,
        `${accepted} accepted`,
        `${options.perAddressCap} (the per-address cap)`,
        accepted === options.perAddressCap,
      ),
      row(
        s,
        `${idle} idle sockets from ${options.addresses} addresses, then a newcomer asks: at once / after ${((options.silentEvictMs + 1_000) / 1000).toFixed(0)} s`,
        `${atOnce} / ${later} (${idle - stillOpen} silent socket(s) closed to make room)`,
        'answered after the wait',
        later === 'answer',
      ),
    ];
  } finally {
    for (const socket of open) socket.terminate();
  }
}

// 14. Web chat flood vs Slack acks ----------------------------------------

/** An expensive question: long, many article words, awkward characters. */
function hostileQuestion(i: number): string {
  const words = ['coalition', 'Iraq', 'partnership', 'bilateral', 'mission', 'transition', 'defense', 'ISIS', 'Syria', 'Baghdad', 'Erbil', 'troops'];
  const parts: string[] = [];
  for (let n = 0; parts.join(' ').length < 900; n += 1) parts.push(`${words[(i + n * 7) % words.length]}${n % 5 === 0 ? '\u200b?' : ''}`);
  return parts.join(' ').slice(0, 950);
}

interface Flood {
  stats: { answered: number; refused: number };
  stop(): Promise<void>;
}

/** `clients` sockets from their own loopback addresses, each keeping `depth` hostile questions in flight. */
export async function startFlood(port: number, clients: number, depth: number): Promise<Flood> {
  const stats = { answered: 0, refused: 0 };
  let running = true;
  const sockets = (await Promise.all(Array.from({ length: clients }, (_, c) => openFrom(port, `127.0.3.${c + 1}`)))).filter(
    (x): x is WebSocket => typeof x !== 'number',
  );
  let i = 0;
  for (const socket of sockets) {
    const ask = (): void => {
      if (running && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'message', text: hostileQuestion(i++) }));
    };
    socket.on('message', (data) => {
      const reply = JSON.parse(String(data)) as WebMessage;
      if (reply.kind === 'error') stats.refused += 1;
      else stats.answered += 1;
      // Refused: wait a little, as a persistent attacker would, rather than spin.
      if (reply.kind === 'error') setTimeout(ask, 50);
      else ask();
    });
    for (let d = 0; d < depth; d += 1) ask();
  }
  return {
    stats,
    async stop() {
      running = false;
      for (const socket of sockets) socket.terminate();
      await sleep(100);
    },
  };
}

/** The flood in a child process (flood-child.js, next to this file once built), so its CPU work is not the measurer's. */
async function startFloodProcess(port: number, clients: number, depth: number): Promise<Flood> {
  const child = fork(fileURLToPath(new URL('./flood-child.js', import.meta.url)), [String(port), String(clients), String(depth)]);
  await new Promise((resolve) => child.once('message', resolve));
  const stats = { answered: 0, refused: 0 };
  return {
    stats,
    async stop() {
      child.send('stop');
      Object.assign(stats, await new Promise<Flood['stats']>((resolve) => child.once('message', resolve as (m: unknown) => void)));
    },
  };
}

export async function floodVsAcksScenario(
  app: SlackTarget,
  web: WebTarget,
  options: { events: number; rounds: number; clients: number; depth: number; inChildProcess?: boolean },
): Promise<Row[]> {
  const s = '14. Web chat flood vs Slack acks';
  const quiet: number[] = [];
  const flooded: number[] = [];
  // The app's own view (isis_bot_slack_ack_seconds, from each request's arrival to its answer): bucket bounds of the p99.
  const quietInApp: number[] = [];
  const floodedInApp: number[] = [];
  const slowBefore = app.records().filter((r) => r.event === 'slack_ack_slow').length;
  let replyProblem = '';
  let flood: Flood['stats'] = { answered: 0, refused: 0 };
  const burst = async (channel: string, inApp: number[]): Promise<number> => {
    const bodies = Array.from({ length: options.events }, (_, i) => JSON.stringify(mentionEnvelope(channel, question(i)).envelope));
    const before = await ackBuckets(app.baseUrl);
    const result = await fireBurst(app.sender.url, app.sender, bodies);
    inApp.push(bucketPercentile(before, await ackBuckets(app.baseUrl), 99));
    if (!result.statuses.every((st) => st === 200)) replyProblem ||= `${channel}: ${result.statuses.filter((st) => st !== 200).length} not acked`;
    return percentile(result.latencies, 99);
  };
  // Each burst's replies are all out before the next burst, so no burst competes with another's answers.
  const replied = async (channel: string): Promise<void> => {
    const got = await settle(() => repliesTo(app.sim, channel), options.events, 30_000, 200);
    if (got !== options.events) replyProblem ||= `${channel}: ${got} replies`;
  };
  const flooding = async (round: number): Promise<void> => {
    const running = await (options.inChildProcess ? startFloodProcess : startFlood)(web.port, options.clients, options.depth);
    await sleep(1_000);
    flooded.push(await burst(`C0FLOOD${round}`, floodedInApp));
    await running.stop();
    flood = { answered: flood.answered + running.stats.answered, refused: flood.refused + running.stats.refused };
    await replied(`C0FLOOD${round}`);
  };
  const quietly = async (round: number): Promise<void> => {
    quiet.push(await burst(`C0QUIET${round}`, quietInApp));
    await replied(`C0QUIET${round}`);
  };
  // Alternate which goes first, so warming up favours neither.
  for (let round = 0; round < options.rounds; round += 1) {
    if (round % 2 === 0) await quietly(round).then(() => flooding(round));
    else await flooding(round).then(() => quietly(round));
  }
  const without = percentile(quiet, 50);
  const withFlood = percentile(flooded, 50);
  const ratio = withFlood / without;
  const slowInApp = app.records().filter((r) => r.event === 'slack_ack_slow').length - slowBefore;
  return [
    row(
      s,
      `p99 ack of ${options.events} events at once, median of ${options.rounds} rounds: during a flood of hostile web questions (${options.clients} addresses × ${options.depth} in flight) vs without`,
      `${ms(withFlood)} vs ${ms(without)} (${ratio.toFixed(2)}×); rounds ${flooded.map((v, i) => `${ms(v)}/${ms(quiet[i] ?? Number.NaN)}`).join(', ')}; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
      '≤ 1.5×',
      ratio <= 1.5,
      true,
    ),
    row(
      s,
      'the same, inside the app (isis_bot_slack_ack_seconds: request to answer), p99 bucket bound, median of rounds',
      `≤ ${ms(percentile(floodedInApp, 50) * 1000)} vs ≤ ${ms(percentile(quietInApp, 50) * 1000)}`,
      '≤ 1.5×',
      percentile(floodedInApp, 50) <= 1.5 * percentile(quietInApp, 50),
      true,
    ),
    row(s, 'acks that took over 1 s inside the app', String(slowInApp), '0', slowInApp === 0, true),
    row(s, 'every event acked and answered once, with and without the flood', replyProblem || `${options.events} per burst`, 'all', replyProblem === ''),
    row(s, 'flood questions answered / refused (per-address engine budget, queue cap)', `${flood.answered} / ${flood.refused}`, '(figure)', true, true),
  ];
}

/** Cumulative counts of isis_bot_slack_ack_seconds by bucket bound (seconds), from GET /metrics. */
async function ackBuckets(baseUrl: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text().catch(() => '');
  const buckets = new Map<number, number>();
  for (const match of text.matchAll(/^isis_bot_slack_ack_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)) {
    buckets.set(match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]), Number(match[2]));
  }
  return buckets;
}

/** The smallest bucket bound holding p% of what was observed between two readings. */
function bucketPercentile(before: Map<number, number>, after: Map<number, number>, p: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  for (const bound of bounds) {
    if ((after.get(bound) ?? 0) - (before.get(bound) ?? 0) >= (p / 100) * total) return bound;
  }
  return Number.NaN;
}

// 15. Upgrade header ------------------------------------------------------

/** A request with `Upgrade` headers; resolves with the status (101 means it was taken over). */
function withUpgrade(baseUrl: string, path: string, upgrade: string, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${baseUrl}${path}`, {
      method,
      headers: { connection: 'Upgrade', upgrade, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

export async function upgradeHeaderScenario(app: SlackTarget, secret: string): Promise<Row[]> {
  const s = '15. Upgrade header';
  const health = await withUpgrade(app.baseUrl, '/healthz', 'websocket');
  const h2c = await withUpgrade(app.baseUrl, '/readyz', 'h2c');
  const { envelope } = mentionEnvelope('C0UPGRADE', 'When did the talks begin?');
  const body = JSON.stringify(envelope);
  const timestamp = Math.floor(Date.now() / 1000);
  const signed = { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signBody(secret, timestamp, body) };
  const event = await withUpgrade(app.baseUrl, '/slack/events', 'h2c', 'POST', body, signed);
  const replies = await settle(() => repliesTo(app.sim, 'C0UPGRADE'), 1, 5_000, 100);
  return [
    row(
      s,
      'GET /healthz with Upgrade: websocket; GET /readyz with Upgrade: h2c',
      `${health}; ${h2c}`,
      '200; 200 or 503 (served, not taken over)',
      health === 200 && (h2c === 200 || h2c === 503),
    ),
    row(s, 'a signed event POSTed with Upgrade: h2c', `${event}, ${replies} reply`, '200, 1 reply', event === 200 && replies === 1),
  ];
}

// 16. SIGTERM with a backlog ----------------------------------------------

/** The app in its own process, to be sent SIGTERM. */
export interface StoppableApp {
  target: SlackTarget;
  /** SIGTERM, then resolves with how the process ended. */
  terminate(): Promise<{ code: number | null; signal: string | null }>;
}

export async function sigtermScenario(
  start: () => Promise<StoppableApp>,
  options: { events: number; graceMs: number; sigtermAfterMs: number },
): Promise<Row[]> {
  const s = '16. SIGTERM with a backlog';
  const { target, terminate } = await start();
  const channel = 'C0SIGTERM';
  const bodies = Array.from({ length: options.events }, (_, i) => JSON.stringify(mentionEnvelope(channel, question(i)).envelope));
  // SIGTERM lands in the middle of the burst: some events acked and waiting, some still arriving.
  const firing = fireBurst(target.sender.url, target.sender, bodies);
  await sleep(options.sigtermAfterMs);
  const repliedBefore = repliesTo(target.sim, channel);
  const exit = await terminate();
  const burst = await firing;
  const acked = burst.statuses.filter((st) => st === 200).length;
  const refused = burst.statuses.filter((st) => st === 503).length;
  await sleep(200);
  const replies = repliesTo(target.sim, channel);
  const record = target.records().find((r) => r.event === 'shutdown_complete') as
    | { answered?: number; abandoned?: number; clean?: boolean; ms?: number }
    | undefined;
  const answered = record?.answered ?? Number.NaN;
  const abandoned = record?.abandoned ?? Number.NaN;
  // Every acked event is either answered by now or counted as abandoned; the log must add up.
  const adds = replies + abandoned === acked && record?.clean === (abandoned === 0);
  return [
    row(
      s,
      `${options.events} events at once, SIGTERM ${options.sigtermAfterMs} ms in: the log's counts`,
      `${acked} acked, ${refused} got 503, ${options.events - acked - refused} cut off; answered ${answered} while draining (${repliedBefore} before SIGTERM), abandoned ${abandoned}, clean ${String(record?.clean)}, ${ms(record?.ms ?? Number.NaN)}`,
      `replies + abandoned = acked (${acked}); clean only when nothing is abandoned`,
      adds,
    ),
    row(
      s,
      'replies posted, exit',
      `${replies} of ${acked}; exit ${exit.code ?? exit.signal}`,
      `exit 0 within ${options.graceMs / 1000 + 10} s`,
      exit.code === 0,
    ),
    row(
      s,
      'acked events not answered before exit (kept in the outbox: scenario 18 restarts and answers them)',
      String(acked - replies),
      'kept, not lost (18)',
      true,
      true,
    ),
  ];
}
