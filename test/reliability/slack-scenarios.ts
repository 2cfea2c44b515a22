import { RecentKeys } from '../../src/channels/slack/dedupe.js';
import { payloads, type SlackSim, sleep, waitFor } from '../support/slack-sim/index.js';
import { type Row, row } from './checks.js';
import { type Burst, events, fireBurst, mb, mentionEnvelope, ms, percentile, repliesTo, settle, type SlackTarget } from './target.js';

/**
 * Slack scenarios 1-6. Each drives a running app through the simulator and
 * returns rows of the figures table.
 */

const QUESTIONS = ['When did the talks begin?', 'Has ISIS been defeated?', 'How long has the coalition existed?', 'Will the coalition continue?'];
const question = (i: number): string => QUESTIONS[i % QUESTIONS.length] as string;

// 1. Load ------------------------------------------------------------------

export interface LoadOptions {
  events: number;
  rounds: number;
  /** POST /slack/events of a bare Bolt app that only acks (the floor), or null to skip. */
  floorUrl: string | null;
}

export async function loadScenario(app: SlackTarget, options: LoadOptions): Promise<Row[]> {
  const s = '1. Load';
  const appP99: number[] = [];
  const floorP99: number[] = [];
  let worst: Burst | undefined;
  let allAcked = true;
  let replies = Number.POSITIVE_INFINITY;
  let replyProblem = '';
  for (let round = 0; round < options.rounds; round += 1) {
    if (options.floorUrl) {
      const bodies = Array.from({ length: options.events }, (_, i) => JSON.stringify(mentionEnvelope('C0FLOOR', question(i)).envelope));
      const floor = await fireBurst(options.floorUrl, app.sender, bodies);
      floorP99.push(percentile(floor.latencies, 99));
    }
    const channel = `C0LOAD${round}`;
    const bodies = Array.from({ length: options.events }, (_, i) => JSON.stringify(mentionEnvelope(channel, question(i)).envelope));
    const burst = await fireBurst(app.sender.url, app.sender, bodies);
    appP99.push(percentile(burst.latencies, 99));
    if (!worst || Math.max(...burst.latencies) > Math.max(...worst.latencies)) worst = burst;
    allAcked &&= burst.statuses.every((status) => status === 200);
    const got = await settle(() => repliesTo(app.sim, channel), options.events, 60_000, 500);
    const threads = new Set(
      app.sim
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === channel)
        .map((c) => c.args.thread_ts),
    );
    if (got !== options.events || threads.size !== options.events) replyProblem ||= `round ${round + 1}: ${got} replies to ${threads.size} messages`;
    replies = Math.min(replies, got);
  }
  const maxAck = Math.max(...(worst?.latencies ?? [Number.NaN]));
  const rows: Row[] = [
    row(
      s,
      `${options.events} signed events at once: acked 200`,
      allAcked ? `${options.events}/${options.events} in every round` : 'some not acked',
      'all',
      allAcked,
    ),
    row(s, 'slowest ack (worst round)', ms(maxAck), '< 3,000 ms', maxAck < 3_000, true),
    row(s, 'replies (chat.postMessage, one per message)', replyProblem || `${replies} per round`, `exactly ${options.events}`, replyProblem === ''),
  ];
  if (options.floorUrl) {
    const appMedian = percentile(appP99, 50);
    const floorMedian = percentile(floorP99, 50);
    const ratio = appMedian / floorMedian;
    rows.push(
      row(
        s,
        `p99 ack, median of ${options.rounds} rounds, vs bare Bolt app that only acks`,
        `${ms(appMedian)} vs floor ${ms(floorMedian)} (${ratio.toFixed(2)}×)`,
        '≤ 1.5× floor',
        ratio <= 1.5,
        true,
      ),
    );
  } else {
    rows.push(row(s, 'p99 ack', ms(percentile(appP99, 50)), '(no floor in this run)', true, true));
  }
  return rows;
}

// 2. Retries ---------------------------------------------------------------

export async function retryScenario(app: SlackTarget, options: { delayMs: number }): Promise<Row[]> {
  const s = '2. Retries';
  const { sender, sim } = app;
  const rows: Row[] = [];

  // The same event, redelivered with X-Slack-Retry-Num 1-3 at once, then again later.
  const first = mentionEnvelope('C0RETRY', 'When did the talks begin?');
  const atOnce = await Promise.all([0, 1, 2, 3].map((n) => sender.event(first.envelope, n === 0 ? {} : { retryNum: n, retryReason: 'http_timeout' })));
  await sleep(options.delayMs);
  const later = await Promise.all([1, 2, 3].map((n) => sender.event(first.envelope, { retryNum: n, retryReason: 'http_timeout' })));
  const retried = await settle(() => repliesTo(sim, 'C0RETRY', first.ts), 1, 5_000, 500);
  const allOk = [...atOnce, ...later].every((r) => r.status === 200);
  rows.push(
    row(
      s,
      `event + retries 1-3 at once, and again after ${options.delayMs} ms`,
      `${retried} reply, all ${atOnce.length + later.length} acked 200`,
      '1 reply',
      retried === 1 && allOk,
    ),
  );

  // The same channel+ts under a new event_id (app_mention and message for one message).
  const again = mentionEnvelope('C0RETRY', 'Has ISIS been defeated?');
  const twin = mentionEnvelope('C0RETRY', 'Has ISIS been defeated?', { ts: again.ts });
  await Promise.all([sender.event(again.envelope), sender.event(twin.envelope)]);
  const twins = await settle(() => repliesTo(sim, 'C0RETRY', again.ts), 1, 5_000, 500);
  rows.push(row(s, 'same channel+ts under a new event_id', `${twins} reply`, '1 reply', twins === 1));

  // An event first seen as a retry (the first delivery never reached us).
  const lost = mentionEnvelope('C0RETRY', 'Will the coalition continue?');
  await sender.event(lost.envelope, { retryNum: 2, retryReason: 'http_error' });
  const firstSeen = await settle(() => repliesTo(sim, 'C0RETRY', lost.ts), 1, 5_000, 500);
  rows.push(row(s, 'event first seen as a retry (X-Slack-Retry-Num 2)', `${firstSeen} reply`, '1 reply', firstSeen === 1));

  rows.push(dedupeBounds(s));
  return rows;
}

/**
 * The dedupe memory as createSlackApp builds it (main passes no tuning, so the
 * defaults): find when a key is forgotten, and how many keys it ever holds.
 */
function dedupeBounds(s: string): Row {
  let now = 0;
  const probe = (): RecentKeys => new RecentKeys(undefined, undefined, () => now);
  // Binary search the TTL to the second (0..2 h).
  let lo = 0;
  let hi = 2 * 3_600_000;
  while (hi - lo > 1_000) {
    const mid = Math.floor((lo + hi) / 2);
    const keys = probe();
    now = 0;
    keys.checkAndAdd(['k']);
    now = mid;
    if (keys.checkAndAdd(['k'])) lo = mid;
    else hi = mid;
  }
  const ttlMinutes = lo / 60_000;
  const keys = probe();
  now = 0;
  let largest = 0;
  for (let i = 0; i < 50_000; i += 1) {
    keys.checkAndAdd([`event:${i}`, `message:C:${i}`]);
    largest = Math.max(largest, keys.size);
  }
  return row(
    s,
    'dedupe memory (RecentKeys defaults): TTL, most keys held after 100,000 added',
    `TTL ${ttlMinutes.toFixed(1)} min, ${largest.toLocaleString('en-US')} keys`,
    'TTL ≥ 10 min, capped',
    ttlMinutes >= 10 && largest <= 10_000,
  );
}

// 3. A huge question ------------------------------------------------------

export async function hugeQuestionScenario(app: SlackTarget, options: { others: number }): Promise<Row[]> {
  const s = '3. Huge question';
  const { sim, sender } = app;
  const filler = 'When did the U.S. and Iraq begin talks on the coalition mission transition? ';
  const huge = filler.repeat(Math.ceil(40_000 / filler.length)).slice(0, 40_000);
  const dm = payloads.eventCallback(payloads.directMessage({ text: huge, channel: 'D0HUGE' }));
  const bodies = Array.from({ length: options.others }, (_, i) => JSON.stringify(mentionEnvelope('C0BESIDE', question(i)).envelope));
  const answersBefore = events(app, 'slack_answer').length;
  const started = performance.now();
  const [hugeAck, burst, command] = await Promise.all([
    sender.event(dm),
    sleep(1).then(() => fireBurst(sender.url, sender, bodies)),
    sender.command(payloads.slashCommand({ text: huge, responseUrl: sim.responseUrl(), channel: 'C0HUGECMD' })),
  ]);
  const commandMs = performance.now() - started;
  await settle(() => repliesTo(sim, 'D0HUGE'), 1, 10_000, 100);
  const maxOther = Math.max(...burst.latencies);
  const answered = events(app, 'slack_answer').slice(answersBefore);
  const hugeAnswer = answered.find((r) => r.surface === 'dm');
  const hugeCommand = answered.find((r) => r.surface === 'command');
  const handledMs = Math.max(Number(hugeAnswer?.ms ?? Number.NaN), Number(hugeCommand?.ms ?? Number.NaN));
  const reply = sim.callsTo('chat.postMessage').find((c) => c.args.channel === 'D0HUGE');
  const refused = JSON.stringify(reply?.args ?? {}).includes('too long');
  const commandBody = command.status === 200 ? (JSON.parse(command.text || '{}') as Record<string, unknown>) : {};
  return [
    row(
      s,
      `${options.others} other events sent while a 40,000-char question is handled: slowest ack`,
      `${ms(maxOther)} (all ${burst.statuses.every((c) => c === 200) ? '200' : 'NOT 200'})`,
      '< 3,000 ms',
      maxOther < 3_000 && burst.statuses.every((c) => c === 200),
      true,
    ),
    row(
      s,
      '40,000-char question (DM and slash command): reply',
      `${refused ? 'politely refused' : reply ? 'answered' : 'no reply'}; command acked ${command.status}${commandBody.text ? ' with a reply' : ''}, DM acked ${hugeAck.status}`,
      'answered or refused',
      Boolean(reply) && command.status === 200 && typeof commandBody.text === 'string' && hugeAck.status === 200,
    ),
    row(
      s,
      '40,000-char question: time in the app (engine + render, slack_answer ms)',
      `${Number.isNaN(handledMs) ? 'not logged' : ms(handledMs)} (command round trip ${ms(commandMs)})`,
      '< 50 ms',
      handledMs < 50,
      true,
    ),
  ];
}

// 4. Bad requests --------------------------------------------------------

export async function badRequestScenario(app: SlackTarget, options: { hugeBytes: number; hugeCount: number }): Promise<Row[]> {
  const s = '4. Bad requests';
  const { sim, sender } = app;
  const repliesBefore = sim.callsTo('chat.postMessage').length;
  const answersBefore = events(app, 'slack_answer').length;
  const envelope = () => mentionEnvelope('C0BAD', 'When did the talks begin?').envelope;
  const statuses: Record<string, number> = {};
  for (const signature of ['absent', 'bad', 'stale', 'future'] as const) {
    statuses[signature] = (await sender.event(envelope(), { signature })).status;
  }
  const body = JSON.stringify(envelope());
  const headers = sender.headersFor(body);
  const altered = body.replace('talks', 'tanks');
  statuses.altered = (await sender.send(altered, 'application/json', { headers, signature: 'absent' })).status;
  await sleep(300);
  const ran = sim.callsTo('chat.postMessage').length - repliesBefore + (events(app, 'slack_answer').length - answersBefore);
  const all401 = Object.values(statuses).every((status) => status === 401);
  const rows: Row[] = [
    row(
      s,
      'unsigned, wrong signature, stale (-6 min), future (+6 min), one byte altered',
      Object.entries(statuses)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      'all 401',
      all401,
    ),
    row(s, 'listeners run / replies sent for those', String(ran), '0', ran === 0),
  ];

  const before = app.memory?.();
  const refusedBefore = events(app, 'slack_request_rejected').filter((r) => r.status === 413).length;
  // The app answers 413 and closes the connection; a client still uploading may see the reset before the answer.
  const huge = await Promise.all(
    Array.from({ length: options.hugeCount }, (_, i) => sender.sendHuge(options.hugeBytes, i % 2 === 0).catch(() => ({ status: 0, sentBytes: Number.NaN }))),
  );
  await sleep(200);
  const after = app.memory?.();
  const refused = events(app, 'slack_request_rejected').filter((r) => r.status === 413).length - refusedBefore;
  const seen = huge.map((r) => (r.status === 0 ? 'reset' : String(r.status)));
  const chunked = huge.filter((r, i) => i % 2 === 1 && r.status !== 0);
  const unread = chunked.every((r) => r.sentBytes < options.hugeBytes);
  rows.push(
    row(
      s,
      `${options.hugeCount} × ${mb(options.hugeBytes)} bodies at once (half with Content-Length, half chunked)`,
      `app answered 413 to ${refused}; client saw ${seen.join('/')}; chunked uploads cut off after ${chunked.length ? mb(Math.max(...chunked.map((r) => r.sentBytes))) : 'n/a'}`,
      '413, not read whole',
      refused === options.hugeCount && huge.every((r) => r.status === 413 || r.status === 0) && unread,
    ),
  );
  if (before && after) {
    const growth = after.peak - before.peak;
    rows.push(row(s, 'app peak RSS growth while refusing them', mb(Math.max(0, growth)), '< 50 MB', growth < 50 * 1024 * 1024, true));
  }
  return rows;
}

// 5. Web API faults --------------------------------------------------------

export interface FaultOptions {
  /** The app's Web API timeout, to judge the hang (10 s in the real app). */
  timeoutMs: number;
  /** The app's retry count (2 in the real app). */
  retries: number;
}

export async function webApiFaultScenario(app: SlackTarget, options: FaultOptions): Promise<Row[]> {
  const s = '5. Web API faults';
  const { sim, sender } = app;
  const on = (channel: string) => (args: Record<string, unknown>) => args.channel === channel;
  sim.fault('chat.postMessage', { rateLimited: 2 }, 1, on('C0RATE'));
  sim.fault('chat.postMessage', { status: 500 }, Number.POSITIVE_INFINITY, on('C0E500'));
  sim.fault('chat.postMessage', { hang: true }, Number.POSITIVE_INFINITY, on('C0HANG'));
  sim.fault('chat.postMessage', { error: 'not_in_channel' }, Number.POSITIVE_INFINITY, on('C0NIC'));
  sim.fault('chat.postMessage', { error: 'channel_not_found' }, Number.POSITIVE_INFINITY, on('C0CNF'));
  const channels = ['C0RATE', 'C0E500', 'C0HANG', 'C0NIC', 'C0CNF'];
  const acks = await Promise.all(channels.map((channel) => sender.event(mentionEnvelope(channel, 'When did the talks begin?').envelope)));
  const callsTo = (channel: string) => sim.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  const apiErrors = (channel: string) => events(app, 'slack_api_error').filter((r) => r.slackChannel === channel);
  const worstCase = (options.retries + 1) * (options.timeoutMs + 5_000) + 5_000;
  await waitFor(
    () => (['C0E500', 'C0HANG', 'C0NIC', 'C0CNF'].every((c) => apiErrors(c).length > 0) && callsTo('C0RATE').length >= 2 ? true : undefined),
    worstCase,
    'every fault to play out',
  ).catch(() => undefined);
  await sleep(300);

  const rate = callsTo('C0RATE');
  const delivered = rate.filter((c) => !c.fault);
  const gap = rate.length >= 2 ? (rate[1] as { at: number }).at - (rate[0] as { at: number }).at : Number.NaN;
  const e500 = callsTo('C0E500');
  const hang = callsTo('C0HANG');
  const hangWaits = hang.filter((c) => c.abandonedAt !== undefined).map((c) => (c.abandonedAt as number) - c.at);
  const logged = (channel: string) => apiErrors(channel)[0]?.slackError ?? 'not logged';
  const retriedLater = (channel: string) => events(app, 'outbox_retry_later').filter((r) => String(r.id).startsWith(`message:${channel}:`)).length;
  const acked = acks.every((r) => r.status === 200);
  const health = await fetch(`${app.baseUrl}/healthz`)
    .then((r) => r.status)
    .catch(() => 0);
  return [
    row(
      s,
      '429 with Retry-After 2: deliveries, and wait before the retry',
      `${delivered.length} delivered, retried after ${ms(gap)}`,
      '1, after ≥ 2,000 ms',
      delivered.length === 1 && gap >= 2_000,
    ),
    // Each delivery tries retries + 1 times and logs its failure once; with the outbox, a 5xx is
    // delivered again later (5 s, then 10 s...), so the whole window may hold several deliveries.
    row(
      s,
      'HTTP 500 every time: tries per delivery, then logged (with the outbox: delivered again later, backing off)',
      `${e500.length} tries in ${apiErrors('C0E500').length} deliveries, logged ${logged('C0E500')}; ${retriedLater('C0E500')} retried later`,
      `≤ ${options.retries + 1} tries per delivery, logged`,
      apiErrors('C0E500').length >= 1 &&
        e500.length >= 1 &&
        e500.length <= apiErrors('C0E500').length * (options.retries + 1) &&
        apiErrors('C0E500').length <= 1 + retriedLater('C0E500'),
    ),
    row(
      s,
      'a call that hangs: aborted after, then logged',
      `${hangWaits.map((w) => ms(w)).join(', ') || 'never aborted'}; ${hang.length} tries, logged ${logged('C0HANG')}`,
      `each ≤ ${ms(options.timeoutMs + 1_000)}, logged`,
      hangWaits.length === hang.length && hangWaits.length > 0 && hangWaits.every((w) => w <= options.timeoutMs + 1_000) && apiErrors('C0HANG').length === 1,
    ),
    row(
      s,
      'not_in_channel, channel_not_found: logged as',
      `${logged('C0NIC')}, ${logged('C0CNF')}`,
      'logged, no crash',
      apiErrors('C0NIC').length === 1 && apiErrors('C0CNF').length === 1,
    ),
    row(
      s,
      'app process after all faults (--unhandled-rejections=strict)',
      `${app.alive() ? 'running' : 'EXITED'}, /healthz ${health}, events acked ${acked ? 200 : 'not 200'}`,
      'running',
      app.alive() && health === 200 && acked,
    ),
  ];
}

// 6. Socket Mode -----------------------------------------------------------

export type Disruption = 'warning' | 'refresh_requested' | 'drop' | 'ping-silence';

/** Break the Socket Mode connection one way; resolves with ms until the app reconnected (or NaN). */
export async function disrupt(sim: SlackSim, kind: Disruption, timeoutMs = 20_000): Promise<number> {
  const before = sim.socket.connections;
  const started = performance.now();
  if (kind === 'drop') sim.socket.drop();
  else if (kind === 'ping-silence') sim.socket.answerPings = false;
  else sim.socket.disconnect(kind);
  try {
    await sim.socket.waitForConnection(before + 1, timeoutMs);
    return performance.now() - started;
  } catch {
    return Number.NaN;
  } finally {
    sim.socket.answerPings = true;
  }
}

/** Events delivered Slack-style (redelivered until acked) while `during` runs; one every `everyMs`. */
export async function streamSocketEvents(
  sim: SlackSim,
  channel: string,
  everyMs: number,
  during: Promise<unknown>,
): Promise<{ sent: string[]; redeliveries: number; failures: number }> {
  const sent: string[] = [];
  const deliveries: Promise<void>[] = [];
  let redeliveries = 0;
  let failures = 0;
  let done = false;
  void during.finally(() => {
    done = true;
  });
  for (let i = 0; !done && i < 10_000; i += 1) {
    const { envelope, ts } = mentionEnvelope(channel, question(i));
    sent.push(ts);
    deliveries.push(
      sim.socket.deliver(envelope, { redeliverAfterMs: 2_000, attempts: 12 }).then(
        (r) => {
          redeliveries += r.attempts - 1;
        },
        () => {
          failures += 1;
        },
      ),
    );
    await sleep(everyMs);
  }
  await Promise.all(deliveries);
  return { sent, redeliveries, failures };
}

export async function socketModeScenario(app: SlackTarget, options: { everyMs: number }): Promise<Row[]> {
  const s = '6. Socket Mode';
  const { sim } = app;
  const rows: Row[] = [];
  const kinds: Disruption[] = ['warning', 'refresh_requested', 'drop', 'ping-silence'];
  const channel = 'C0SOCKET';
  const reconnects: string[] = [];
  let worst = 0;
  let totalSent: string[] = [];
  let redeliveries = 0;
  let failures = 0;
  for (const kind of kinds) {
    const breaking = disrupt(sim, kind).then(async (t) => {
      await sleep(500);
      return t;
    });
    const stream = await streamSocketEvents(sim, channel, options.everyMs, breaking);
    const took = await breaking;
    reconnects.push(`${kind} ${Number.isNaN(took) ? 'never' : ms(took)}`);
    worst = Number.isNaN(took) ? Number.POSITIVE_INFINITY : Math.max(worst, took);
    totalSent = totalSent.concat(stream.sent);
    redeliveries += stream.redeliveries;
    failures += stream.failures;
  }
  await settle(() => repliesTo(sim, channel), totalSent.length, 15_000, 800);
  const perMessage = new Map<string, number>();
  for (const call of sim.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && !c.fault)) {
    const ts = String(call.args.thread_ts);
    perMessage.set(ts, (perMessage.get(ts) ?? 0) + 1);
  }
  const lost = totalSent.filter((ts) => !perMessage.has(ts)).length;
  const dupes = [...perMessage.values()].filter((n) => n > 1).length;
  rows.push(row(s, 'reconnect after each disruption', reconnects.join(', '), 'each ≤ 15,000 ms', worst <= 15_000, true));
  rows.push(
    row(
      s,
      `events sent across the disruptions (unacked ones redelivered as Slack does): lost / duplicate replies`,
      `${totalSent.length} sent, ${redeliveries} redelivered, ${lost} lost, ${dupes} duplicated${failures ? `, ${failures} never acked` : ''}`,
      '0 lost, 0 duplicated',
      lost === 0 && dupes === 0 && failures === 0,
    ),
  );
  rows.push(row(s, 'app process after the disruptions', app.alive() ? 'running' : 'EXITED', 'running', app.alive()));
  return rows;
}
