import { BOT_TOKEN, SIGNING_SECRET } from '../channels/slack/harness.js';
import { payloads, SlackSender, type SlackSim, sleep, waitFor } from '../support/slack-sim/index.js';
import { AppProcess } from './app-process.js';
import { type Row, row } from './checks.js';
import { fireBurst } from './target.js';

/**
 * Acked means answered, measured on the real built app in its own processes:
 * a SIGKILL right after acking, a SIGTERM with a backlog, two replicas on one
 * PostgreSQL store. Slack (the simulator) answers posts slowly, so a backlog
 * is still there when the process goes away. Each DM is in its own channel,
 * so lost and duplicated answers are counted per question.
 */

export interface OutboxRunOptions {
  /** Project root (dist/main.js). */
  root: string;
  sim: SlackSim;
  /** DATABASE_URL: a fresh sqlite: file, or a fresh PostgreSQL database for the replicas. */
  databaseUrl: string;
  /** OUTBOX_LEASE_MS for the apps: how soon a dead process's work is taken over. */
  leaseMs?: number;
  /** How slow Slack is to answer each chat.postMessage (ms). */
  slackDelayMs?: number;
}

/** One replica: the real app in HTTP mode, Slack only, on the given store. */
export function startReplica(options: OutboxRunOptions, extra: Record<string, string> = {}): Promise<AppProcess> {
  return AppProcess.start({
    root: options.root,
    env: {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: options.sim.apiUrl,
      WEB_CHAT: 'off',
      DATABASE_URL: options.databaseUrl,
      OUTBOX_LEASE_MS: String(options.leaseMs ?? 2_000),
      ...extra,
    },
  });
}

const QUESTION = 'When did the talks begin?';

/** `count` DMs, each in its own channel `<prefix><i>`, as signed Events API bodies. */
export function dmBodies(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => JSON.stringify(payloads.eventCallback(payloads.directMessage({ text: QUESTION, channel: `${prefix}${i}` }))));
}

export interface Tally {
  answered: number;
  lost: number;
  duplicated: number;
}

/** Replies that went through, per DM channel `<prefix><i>`. */
export function tally(sim: SlackSim, prefix: string, count: number): Tally {
  const per = new Map<string, number>();
  for (const call of sim.callsTo('chat.postMessage')) {
    const channel = String(call.args.channel);
    if (call.result?.ok === true && channel.startsWith(prefix)) per.set(channel, (per.get(channel) ?? 0) + 1);
  }
  let lost = 0;
  let duplicated = 0;
  for (let i = 0; i < count; i += 1) {
    const n = per.get(`${prefix}${i}`) ?? 0;
    if (n === 0) lost += 1;
    if (n > 1) duplicated += n - 1;
  }
  return { answered: count - lost, lost, duplicated };
}

/** Wait until every question has a reply (or `timeoutMs`), then a quiet second to catch late duplicates. */
async function settle(sim: SlackSim, prefix: string, count: number, timeoutMs: number): Promise<Tally & { ms: number }> {
  const started = Date.now();
  await waitFor(() => (tally(sim, prefix, count).lost === 0 ? true : undefined), timeoutMs, `${count} answers`).catch(() => undefined);
  const ms = Date.now() - started;
  await sleep(1_000);
  return { ...tally(sim, prefix, count), ms };
}

const slow = (options: OutboxRunOptions, prefix: string): void => {
  options.sim.fault('chat.postMessage', { delayMs: options.slackDelayMs ?? 250 }, Number.POSITIVE_INFINITY, (args) => String(args.channel).startsWith(prefix));
};

async function ackAll(app: AppProcess, bodies: string[]): Promise<number> {
  const sender = new SlackSender(`${app.baseUrl}/slack/events`, SIGNING_SECRET);
  const burst = await fireBurst(sender.url, sender, bodies);
  return burst.statuses.filter((s) => s === 200).length;
}

const verdict = (t: Tally): string => `${t.lost} lost, ${t.duplicated} duplicated`;
const clean = (t: Tally): boolean => t.lost === 0 && t.duplicated === 0;

/** One process on SQLite: 200 DMs acked, SIGKILL at once, restart on the same file. */
export async function sigkillScenario(options: OutboxRunOptions & { events: number }): Promise<Row[]> {
  const prefix = 'D0KILL';
  slow(options, prefix);
  const first = await startReplica(options);
  const acked = await ackAll(first, dmBodies(prefix, options.events));
  first.child.kill('SIGKILL');
  await waitFor(() => (first.alive ? undefined : true), 5_000, 'the killed process to exit');
  const before = tally(options.sim, prefix, options.events).answered;
  const second = await startReplica(options);
  try {
    const after = await settle(options.sim, prefix, options.events, 60_000);
    return [
      row(
        '17. SIGKILL',
        `${options.events} DMs acked, SIGKILL at once, restart on the same SQLite file: lost / duplicated answers`,
        `acked ${acked}; ${before} answered before the kill, all by ${after.ms} ms after the restart; ${verdict(after)}`,
        '0 lost, 0 duplicated',
        acked === options.events && clean(after),
      ),
      row(
        '17. SIGKILL',
        'answers found already in Slack after the restart (posted before the kill, ts not yet recorded): not posted again',
        `${second.events('outbox_found_posted').length} found, ${second.events('outbox_already_posted').length} recorded`,
        'none posted twice',
        clean(after),
      ),
    ];
  } finally {
    await second.stop();
  }
}

/** One process on SQLite: a backlog of `events` acked DMs, SIGTERM, exit within the grace, restart. */
export async function sigtermBacklogScenario(options: OutboxRunOptions & { events: number; graceMs: number }): Promise<Row[]> {
  const prefix = 'D0TERM';
  slow(options, prefix);
  const first = await startReplica(options, { SHUTDOWN_GRACE_MS: String(options.graceMs) });
  const acked = await ackAll(first, dmBodies(prefix, options.events));
  const signalled = Date.now();
  first.child.kill('SIGTERM');
  await waitFor(() => (first.alive ? undefined : true), options.graceMs + 15_000, 'the process to exit');
  const exitMs = Date.now() - signalled;
  const before = tally(options.sim, prefix, options.events).answered;
  const stopped = first.events('outbox_stopped')[0];
  const second = await startReplica(options);
  try {
    const after = await settle(options.sim, prefix, options.events, 90_000);
    return [
      row(
        '18. SIGTERM backlog',
        `${options.events} DMs acked, SIGTERM (grace ${options.graceMs} ms): exit, and what was left in the outbox`,
        `exit ${JSON.stringify(first.exit?.code)} after ${exitMs} ms; ${before} answered before exit, ${String(stopped?.released ?? '?')} handed back`,
        'exit 0 within the grace + a few s',
        first.exit?.code === 0,
      ),
      row(
        '18. SIGTERM backlog',
        'after a restart on the same file: lost / duplicated answers',
        `all by ${after.ms} ms after the restart; ${verdict(after)}`,
        '0 lost, 0 duplicated',
        acked === options.events && clean(after),
      ),
    ];
  } finally {
    await second.stop();
  }
}

/** Two processes on one PostgreSQL store: the same events sent to both; then one killed after acking. */
export async function replicasScenario(options: OutboxRunOptions & { same: number; events: number }): Promise<Row[]> {
  const replicas = [await startReplica(options), await startReplica(options)];
  const [a, b] = replicas as [AppProcess, AppProcess];
  try {
    const twice = dmBodies('D0BOTH', options.same);
    const acks = await Promise.all([ackAll(a, twice), ackAll(b, twice), ackAll(b, twice)]);
    const both = await settle(options.sim, 'D0BOTH', options.same, 30_000);

    const prefix = 'D0SURV';
    slow(options, prefix);
    const acked = await ackAll(a, dmBodies(prefix, options.events));
    a.child.kill('SIGKILL');
    await waitFor(() => (a.alive ? undefined : true), 5_000, 'the killed replica to exit');
    const before = tally(options.sim, prefix, options.events).answered;
    const after = await settle(options.sim, prefix, options.events, 60_000);
    return [
      row(
        '19. Two replicas',
        `${options.same} events each sent to both replicas (and once more to one), on one PostgreSQL`,
        `acked ${acks.join(' + ')}; ${both.answered} answered, ${verdict(both)}`,
        'one reply each',
        clean(both),
      ),
      row(
        '19. Two replicas',
        `one replica SIGKILLed right after acking ${options.events} DMs: the survivor answers`,
        `acked ${acked}; ${before} answered before the kill, the rest by ${after.ms} ms (lease ${options.leaseMs ?? 2_000} ms); ${verdict(after)}`,
        '0 lost, 0 duplicated',
        acked === options.events && clean(after),
      ),
      row('19. Two replicas', 'the survivor after it all', b.alive ? 'running' : `exited ${JSON.stringify(b.exit)}`, 'running', b.alive),
    ];
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }
}
