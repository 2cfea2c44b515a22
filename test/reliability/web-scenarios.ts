import { openClient, type TestClient, upgradeStatus } from '../channels/web/helpers.js';
import { sleep, waitFor } from '../support/slack-sim/index.js';
import type { HeapReading } from './app-process.js';
import { type Row, row } from './checks.js';
import { type Disruption, disrupt } from './slack-scenarios.js';
import { mb, mentionEnvelope, repliesTo, settle, type SlackTarget } from './target.js';

/** The web chat under test: the shared server's port, and what can be read of the app. */
export interface WebTarget {
  port: number;
  alive(): boolean;
  heap?(): Promise<HeapReading>;
  /** Open sockets, when the channel is in this process. */
  connections?(): number;
}

const health = (port: number): Promise<number> =>
  fetch(`http://127.0.0.1:${port}/healthz`)
    .then((r) => r.status)
    .catch(() => 0);

const quiet = async (client: TestClient, ms: number): Promise<number> => {
  const before = client.received.length;
  await sleep(ms);
  return client.received.length - before;
};

/** 9. Web chat abuse. */
export async function webAbuseScenario(web: WebTarget, options: { connections: number; wave: number }): Promise<Row[]> {
  const s = '9. Web chat abuse';
  const rows: Row[] = [];

  // A spoofed user id: the reply still goes only to the sender's own socket.
  const [a, b] = await Promise.all([openClient(web.port), openClient(web.port)]);
  a.send({ type: 'message', text: 'When did the talks begin?', user: 'victim', from: { id: 'victim' }, channel: 'victim', recipient: { id: 'victim' } });
  const reply = await a.next(5_000).catch(() => null);
  const leaked = await quiet(b, 500);
  rows.push(
    row(
      s,
      'spoofed user/from/channel fields: reply reaches',
      `${reply?.kind ?? 'nobody'} to the sender, ${leaked} frames to the other client`,
      'sender only',
      Boolean(reply) && leaked === 0,
    ),
  );

  // Origins.
  const foreign = await upgradeStatus(web.port, { origin: 'https://evil.example' });
  const none = await upgradeStatus(web.port, {});
  rows.push(row(s, 'upgrade with a foreign Origin / with none', `${foreign} / ${none}`, '403 / 403', foreign === 403 && none === 403));

  // A 2 MB frame.
  const big = await openClient(web.port);
  big.send('x'.repeat(2 * 1024 * 1024));
  const code = await Promise.race([big.closed, sleep(5_000).then(() => 0)]);
  rows.push(row(s, '2 MB frame: socket closed with', `${code}, /healthz ${await health(web.port)}`, '1009, server up', code === 1009));

  // Text that is not a string, and other frames that are not questions.
  const bad: unknown[] = [
    { type: 'message', text: 42 },
    { type: 'message', text: { html: '<b>' } },
    { type: 'message', text: null },
    { type: 'message', text: ['a'] },
    'null',
    '[]',
    '{',
  ];
  const codes: string[] = [];
  for (const frame of bad) {
    b.send(frame);
    const answer = await b.next(3_000).catch(() => null);
    codes.push(answer?.code ?? 'none');
  }
  b.send({ type: 'message', text: 'Has ISIS been defeated?' });
  const after = await b.next(3_000).catch(() => null);
  rows.push(
    row(
      s,
      `${bad.length} frames whose text is not a string (number, object, null, array, bare JSON): refused with`,
      `${[...new Set(codes)].join(', ')}; next question ${after?.kind ?? 'unanswered'}`,
      'an error frame each, socket stays usable',
      codes.every((c) => c !== 'none') && after?.kind !== undefined && after.kind !== 'error',
    ),
  );
  a.socket.terminate();
  b.socket.terminate();

  // Connections opened and dropped, in waves under the per-address cap.
  const heapBefore = await web.heap?.();
  let opened = 0;
  let refused = 0;
  for (let done = 0; done < options.connections; done += options.wave) {
    const wave = Math.min(options.wave, options.connections - done);
    const clients = await Promise.all(Array.from({ length: wave }, () => openClient(web.port).catch(() => null)));
    opened += clients.filter(Boolean).length;
    refused += clients.filter((c) => !c).length;
    for (const client of clients) client?.socket.terminate();
    await Promise.all(clients.map((client) => client?.closed));
  }
  if (web.connections) await waitFor(() => (web.connections?.() === 0 ? true : undefined), 5_000, 'sockets to close').catch(() => undefined);
  const fresh = await openClient(web.port).catch(() => null);
  fresh?.send({ type: 'message', text: 'When did the talks begin?' });
  const freshReply = await fresh?.next(3_000).catch(() => null);
  fresh?.socket.terminate();
  const heapAfter = await web.heap?.();
  const open = web.connections?.();
  rows.push(
    row(
      s,
      `${options.connections.toLocaleString('en-US')} connections opened and dropped (waves of ${options.wave})`,
      `${opened} opened, ${refused} refused; afterwards a new one is ${freshReply ? 'answered' : 'NOT answered'}${open !== undefined ? `, ${open} left open` : ''}`,
      'all opened, none left, still serving',
      opened === options.connections && Boolean(freshReply) && (open === undefined || open <= 1),
    ),
  );
  if (heapBefore && heapAfter) {
    const growth = heapAfter.heapUsed - heapBefore.heapUsed;
    rows.push(
      row(
        s,
        'app heap after GC: growth over those connections',
        `${mb(growth)} (${mb(heapBefore.heapUsed)} → ${mb(heapAfter.heapUsed)})`,
        '< 10 MB',
        growth < 10 * 1024 * 1024,
        true,
      ),
    );
  }
  rows.push(
    row(
      s,
      'app process after the abuse',
      `${web.alive() ? 'running' : 'EXITED'}, /healthz ${await health(web.port)}`,
      'running',
      web.alive() && (await health(web.port)) === 200,
    ),
  );
  return rows;
}

// 10. Soak -----------------------------------------------------------------

export interface SoakOptions {
  seconds: number;
  /** Force a Socket Mode reconnect this often. */
  reconnectEveryMs: number;
  /** One Slack event per mode this often. */
  slackEveryMs: number;
  webClients: number;
  /** Each web client asks this often (the per-socket limit is 5/s). */
  webEveryMs: number;
  /** Traffic before the first heap reading, so the baseline is warm. */
  warmupMs: number;
}

const QUESTIONS = ['When did the talks begin?', 'Has ISIS been defeated?', 'How long has the coalition existed?', 'hello', 'What is the weather in Paris?'];

/** 10. Mixed traffic over Slack HTTP, Socket Mode and the web chat, with forced reconnects. */
export async function soakScenario(http: SlackTarget, socket: SlackTarget, web: WebTarget, options: SoakOptions): Promise<Row[]> {
  const s = '10. Soak';
  const httpSent: string[] = [];
  const socketSent: string[] = [];
  const pending: Promise<unknown>[] = [];
  let httpRefused = 0;
  let socketFailed = 0;
  let webSent = 0;
  const clients = await Promise.all(Array.from({ length: options.webClients }, () => openClient(web.port)));
  const disruptions: Disruption[] = ['refresh_requested', 'drop', 'ping-silence', 'warning'];
  const reconnects: number[] = [];
  let baseline: HeapReading[] | undefined;

  const started = Date.now();
  const deadline = started + options.seconds * 1_000;
  let nextSlack = started;
  let nextWeb = started;
  let nextReconnect = started + options.reconnectEveryMs;
  let i = 0;
  let reconnecting: Promise<void> = Promise.resolve();
  while (Date.now() < deadline && i < 1_000_000) {
    const now = Date.now();
    if (!baseline && now - started >= options.warmupMs) baseline = await readHeaps(http, socket);
    if (now >= nextSlack) {
      nextSlack += options.slackEveryMs;
      i += 1;
      const viaHttp = mentionEnvelope('C0SOAKH', QUESTIONS[i % QUESTIONS.length] as string);
      httpSent.push(viaHttp.ts);
      pending.push(
        http.sender.event(viaHttp.envelope).then(
          (r) => (httpRefused += r.status === 200 ? 0 : 1),
          () => (httpRefused += 1),
        ),
      );
      const viaSocket = mentionEnvelope('C0SOAKS', QUESTIONS[(i + 1) % QUESTIONS.length] as string);
      socketSent.push(viaSocket.ts);
      pending.push(socket.sim.socket.deliver(viaSocket.envelope, { redeliverAfterMs: 2_000, attempts: 12 }).catch(() => (socketFailed += 1)));
    }
    if (now >= nextWeb) {
      nextWeb += options.webEveryMs;
      for (const [n, client] of clients.entries()) {
        client.send({ type: 'message', text: QUESTIONS[(i + n) % QUESTIONS.length] });
        webSent += 1;
      }
    }
    if (now >= nextReconnect) {
      nextReconnect += options.reconnectEveryMs;
      const kind = disruptions[reconnects.length % disruptions.length] as Disruption;
      reconnects.push(Number.NaN);
      const slot = reconnects.length - 1;
      reconnecting = reconnecting.then(() => disrupt(socket.sim, kind).then((t) => void (reconnects[slot] = t)));
    }
    await sleep(Math.max(1, Math.min(nextSlack, nextWeb, nextReconnect) - Date.now()));
  }
  await reconnecting;
  await Promise.all(pending);
  const httpReplies = await settle(() => repliesTo(http.sim, 'C0SOAKH'), httpSent.length, 20_000, 500);
  const socketReplies = await settle(() => repliesTo(socket.sim, 'C0SOAKS'), socketSent.length, 20_000, 500);
  const webReplies = await settle(() => clients.reduce((n, c) => n + c.received.length, 0), webSent, 20_000, 500);
  const webErrors = clients.reduce((n, c) => n + c.received.filter((m) => m.kind === 'error').length, 0);
  for (const client of clients) client.socket.close();
  const end = await readHeaps(http, socket);
  const threads = (sim: SlackTarget['sim'], channel: string) =>
    new Set(
      sim
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === channel && !c.fault)
        .map((c) => c.args.thread_ts),
    ).size;
  const inOut = `Slack HTTP ${httpSent.length} in / ${httpReplies} out, Socket Mode ${socketSent.length} / ${socketReplies}, web ${webSent} / ${webReplies}${webErrors ? ` (${webErrors} errors)` : ''}`;
  const balanced =
    httpReplies === httpSent.length &&
    threads(http.sim, 'C0SOAKH') === httpSent.length &&
    socketReplies === socketSent.length &&
    threads(socket.sim, 'C0SOAKS') === socketSent.length &&
    webReplies === webSent &&
    webErrors === 0;
  const worstReconnect = Math.max(...reconnects.map((t) => (Number.isNaN(t) ? Number.POSITIVE_INFINITY : t)));
  const rows: Row[] = [
    row(
      s,
      `${options.seconds} s of mixed traffic, a Socket Mode reconnect every ${Math.round(options.reconnectEveryMs / 1000)} s: events in / replies out`,
      inOut,
      'in = out',
      balanced && httpRefused === 0 && socketFailed === 0,
    ),
    row(
      s,
      'forced Socket Mode reconnects: count, slowest',
      `${reconnects.length}, slowest ${Number.isFinite(worstReconnect) ? `${Math.round(worstReconnect)} ms` : 'never reconnected'}`,
      '≤ 15,000 ms',
      reconnects.length > 0 && worstReconnect <= 15_000,
      true,
    ),
  ];
  if (baseline && end) {
    const growth = end.map((e, n) => (e.heapUsed - (baseline?.[n]?.heapUsed ?? e.heapUsed)) / (baseline?.[n]?.heapUsed ?? 1));
    rows.push(
      row(
        s,
        'app heap after GC, warm baseline → end (HTTP+web app, Socket Mode app)',
        end.map((e, n) => `${mb(baseline?.[n]?.heapUsed ?? 0)} → ${mb(e.heapUsed)} (${((growth[n] ?? 0) * 100).toFixed(1)}%)`).join('; '),
        '< 10% each',
        growth.every((g) => g < 0.1),
        true,
      ),
    );
  }
  rows.push(row(s, 'app processes at the end', http.alive() && socket.alive() ? 'both running' : 'one EXITED', 'running', http.alive() && socket.alive()));
  return rows;
}

async function readHeaps(...apps: SlackTarget[]): Promise<HeapReading[] | undefined> {
  if (!apps.every((app) => app.heap)) return undefined;
  return Promise.all(apps.map((app) => (app.heap as () => Promise<HeapReading>)()));
}
