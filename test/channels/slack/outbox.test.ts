import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_METADATA_TYPE, outboxKey } from '../../../src/channels/slack/outbox.js';
import { StoreConversations } from '../../../src/store/conversations.js';
import { OutboxStore } from '../../../src/store/outbox.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../../support/postgres.js';
import { payloads, SlackSim, sleep, waitFor } from '../../support/slack-sim/index.js';
import { BOT_TOKEN, type Harness, startHarness, TEST_OPTIONS, transportFor } from './harness.js';

const { eventCallback, directMessage, mention, blockAction, nextTs } = payloads;

const QUESTION = 'When did the talks begin?';
const OUTBOX = { pollMs: 100, retryDelayMs: 200 };

/** Replies (chat.postMessage that went through) in `channel`. */
const replies = (sim: SlackSim, channel: string) => sim.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && c.result?.ok === true);

describe('which Slack bodies the outbox keeps, and under which id', () => {
  it('a DM and a mention are keyed by channel and ts, so their twins and retries share one entry', () => {
    const ts = nextTs();
    const dm = eventCallback(directMessage({ text: QUESTION, channel: 'D0A', ts }));
    const asMention = eventCallback(mention({ text: `<@U0BOT> ${QUESTION}`, channel: 'D0A', ts }));
    expect(outboxKey(dm)).toEqual({ id: `message:D0A:${ts}`, kind: 'message' });
    expect(outboxKey(asMention)?.id).toBe(`message:D0A:${ts}`);
  });

  it('other events by event_id, button clicks by trigger_id; bot messages, edits and function_executed are not kept', () => {
    expect(outboxKey(eventCallback(payloads.homeOpened(), { eventId: 'Ev9' }))).toEqual({ id: 'event:Ev9', kind: 'app_home_opened' });
    const click = blockAction({ actionId: 'ask_intent:0', value: 'talks-start', responseUrl: 'http://x/1', message: { ts: nextTs(), channel: 'C0GENERAL' } });
    expect(outboxKey(click)?.id).toBe(`action:${String(click.trigger_id)}`);
    expect(outboxKey(eventCallback(directMessage({ text: 'answer', bot_id: 'B0BOT' })))).toBeNull();
    expect(outboxKey(eventCallback(directMessage({ text: 'edited', subtype: 'message_changed' })))).toBeNull();
    expect(outboxKey(eventCallback({ type: 'function_executed' }))).toBeNull();
    expect(outboxKey({ type: 'url_verification' })).toBeNull();
  });
});

describe.each(['http', 'socket'] as const)('the outbox, one replica on SQLite, in %s mode', (mode) => {
  let root: string;
  let store: Store;
  let outbox: OutboxStore;
  let h: Harness;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'outbox-test-'));
    store = await openStore({ url: 'sqlite:bot.sqlite', root });
    outbox = new OutboxStore(store, { leaseMs: 2_000 });
    h = await startHarness(mode, { outbox: { store: outbox, ...OUTBOX } });
    if (mode === 'socket') await h.sim.socket.waitForConnection();
  });
  afterAll(async () => {
    await h.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps a DM before acking it, answers it once with its marker, and records the answer ts', async () => {
    const ts = nextTs();
    const envelope = eventCallback(directMessage({ text: QUESTION, channel: 'D0ONE', ts }));
    const send = transportFor(mode, h);
    await send.event(envelope);
    await send.event(envelope, { retry: 1 });
    await waitFor(() => replies(h.sim, 'D0ONE')[0], 5_000, 'the reply');
    const [reply] = replies(h.sim, 'D0ONE');
    expect(reply?.args.metadata).toEqual({ event_type: ANSWER_METADATA_TYPE, event_payload: { outbox_id: `message:D0ONE:${ts}` } });
    const done = await pollRow(outbox, `message:D0ONE:${ts}`, (r) => r.done_at !== null);
    expect(done).toMatchObject({ outcome: 'answered', posted_ts: reply?.result?.ts, body: '' });
    await sleep(200);
    expect(replies(h.sim, 'D0ONE')).toHaveLength(1);
    expect(h.logs.events('slack_duplicate_skipped').some((r) => r.key === 'outbox')).toBe(true);
  });

  it('a button that posts is kept too, and answered once', async () => {
    const click = blockAction({
      actionId: 'ask_intent:0',
      value: 'talks-start',
      text: QUESTION,
      responseUrl: h.sim.responseUrl(),
      message: { ts: nextTs(), channel: 'C0BUTTON' },
    });
    await transportFor(mode, h).action(click);
    await waitFor(() => replies(h.sim, 'C0BUTTON')[0], 5_000, 'the reply');
    const done = await pollRow(outbox, `action:${String(click.trigger_id)}`, (r) => r.done_at !== null);
    expect(done?.outcome).toBe('answered');
  });

  it('delivers what an earlier process acked and never answered, once its lease ran out', async () => {
    const dead = new OutboxStore(store, { leaseMs: 300, owner: 'dead-process' });
    const ts = nextTs();
    const envelope = eventCallback(directMessage({ text: QUESTION, channel: 'D0LEFT', ts }));
    expect(await dead.record([{ id: `message:D0LEFT:${ts}`, kind: 'message', body: JSON.stringify(envelope) }])).toEqual(new Set([`message:D0LEFT:${ts}`]));
    await waitFor(() => replies(h.sim, 'D0LEFT')[0], 5_000, 'the backlog reply');
    const done = await pollRow(outbox, `message:D0LEFT:${ts}`, (r) => r.done_at !== null);
    expect(done).toMatchObject({ outcome: 'answered', attempts: 2 });
    expect(h.logs.events('outbox_claimed').length).toBeGreaterThan(0);
  });

  it('does not post again an answer an earlier delivery posted (its ts recorded, or found by its marker)', async () => {
    const dead = new OutboxStore(store, { leaseMs: 300, owner: 'dead-process' });
    const recordedTs = nextTs();
    const foundTs = nextTs();
    const recorded = eventCallback(directMessage({ text: QUESTION, channel: 'D0POSTED', ts: recordedTs }));
    const found = eventCallback(directMessage({ text: QUESTION, channel: 'D0FOUND', ts: foundTs }));
    await dead.record([{ id: `message:D0POSTED:${recordedTs}`, kind: 'message', body: JSON.stringify(recorded) }]);
    await dead.posted(`message:D0POSTED:${recordedTs}`, '1700000099.000001');
    // The earlier delivery's post reached Slack, and the process died before recording its ts.
    await fetch(`${h.sim.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BOT_TOKEN}` },
      body: JSON.stringify({
        channel: 'D0FOUND',
        text: 'the answer',
        metadata: { event_type: ANSWER_METADATA_TYPE, event_payload: { outbox_id: `message:D0FOUND:${foundTs}` } },
      }),
    });
    await dead.record([{ id: `message:D0FOUND:${foundTs}`, kind: 'message', body: JSON.stringify(found) }]);
    const doneFound = await pollRow(outbox, `message:D0FOUND:${foundTs}`, (r) => r.done_at !== null);
    const doneRecorded = await pollRow(outbox, `message:D0POSTED:${recordedTs}`, (r) => r.done_at !== null);
    expect(doneFound?.posted_ts).toBe(replies(h.sim, 'D0FOUND')[0]?.result?.ts);
    expect(doneRecorded?.posted_ts).toBe('1700000099.000001');
    expect(replies(h.sim, 'D0FOUND')).toHaveLength(1);
    expect(replies(h.sim, 'D0POSTED')).toHaveLength(0);
    expect(h.logs.events('outbox_found_posted')).toHaveLength(1);
  });

  it('an answer Slack failed to take (HTTP 500) is tried again later, and posted once', async () => {
    h.sim.fault('chat.postMessage', { status: 500 }, 2, (args) => args.channel === 'D0FLAKY');
    const ts = nextTs();
    await transportFor(mode, h).event(eventCallback(directMessage({ text: QUESTION, channel: 'D0FLAKY', ts })));
    const done = await pollRow(outbox, `message:D0FLAKY:${ts}`, (r) => r.done_at !== null, 10_000);
    expect(done?.outcome).toBe('answered');
    expect(done?.attempts).toBe(2);
    expect(replies(h.sim, 'D0FLAKY')).toHaveLength(1);
    expect(h.logs.events('outbox_retry_later')).toHaveLength(1);
  });
});

describe('the outbox when the store cannot take a write', () => {
  let root: string;
  let store: Store;
  let h: Harness;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'outbox-readonly-'));
    // A real SQLite file whose writer connection refuses every write (as a full or read-only disk would).
    store = await openStore({ url: 'sqlite:bot.sqlite', root, writerPragmas: ['query_only = ON'] });
    h = await startHarness('http', { outbox: { store: new OutboxStore(store, { leaseMs: 2_000 }), ...OUTBOX } });
  });
  afterAll(async () => {
    await h.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers what it acked directly, once, and says it could not keep it', async () => {
    const envelope = eventCallback(directMessage({ text: QUESTION, channel: 'D0RO' }));
    expect((await h.sender.event(envelope)).status).toBe(200);
    expect((await h.sender.event(envelope, { retryNum: 1 })).status).toBe(200);
    await waitFor(() => replies(h.sim, 'D0RO')[0], 5_000, 'the reply');
    await sleep(200);
    expect(replies(h.sim, 'D0RO')).toHaveLength(1);
    expect(h.logs.events('outbox_record_failed').length).toBeGreaterThanOrEqual(1);
  });
});

describe('two replicas on one PostgreSQL store', async () => {
  if (!(await requirePostgres('test/channels/slack/outbox.test.ts'))) return;
  let database: TestDatabase;
  let stores: Store[];
  let sim: SlackSim;
  let replicas: Harness[];
  let conversations: StoreConversations[];
  beforeAll(async () => {
    database = await createTestDatabase();
    stores = [await openStore({ url: database.url, root: process.cwd() }), await openStore({ url: database.url, root: process.cwd() })];
    sim = await SlackSim.start();
    conversations = stores.map((store) => new StoreConversations(store, (key) => `h:${key}`));
    replicas = await Promise.all(
      stores.map((store, i) =>
        startHarness('http', {
          sim,
          channelOptions: TEST_OPTIONS,
          conversations: conversations[i],
          outbox: { store: new OutboxStore(store, { leaseMs: 2_000, owner: `replica-${i}` }), ...OUTBOX },
        }),
      ),
    );
  });
  afterAll(async () => {
    for (const r of replicas ?? []) await r.close();
    for (const c of conversations ?? []) c.stop();
    await sim?.close();
    for (const s of stores ?? []) await s.close();
    await database?.drop();
  });

  it('the same event sent to both (and retried on both) gets one reply', async () => {
    const envelopes = Array.from({ length: 20 }, (_, i) => eventCallback(directMessage({ text: QUESTION, channel: `D0TWO${i}` })));
    const results = await Promise.all(
      envelopes.flatMap((envelope) => [
        replicas[0]?.sender.event(envelope),
        replicas[1]?.sender.event(envelope),
        replicas[1]?.sender.event(envelope, { retryNum: 1 }),
      ]),
    );
    expect(results.map((r) => r?.status)).toEqual(results.map(() => 200));
    await waitFor(
      () => (sim.callsTo('chat.postMessage').filter((c) => String(c.args.channel).startsWith('D0TWO')).length >= 20 ? true : undefined),
      10_000,
      '20 replies',
    );
    await sleep(300);
    for (let i = 0; i < 20; i += 1) expect(replies(sim, `D0TWO${i}`)).toHaveLength(1);
  });

  it('share a conversation: a follow-up that reaches the other replica is read against it', async () => {
    const parent = nextTs();
    await replicas[0]?.sender.event(eventCallback(mention({ text: '<@U0BOT> what did the pentagon announce?', channel: 'C0SHARED', ts: parent })));
    await waitFor(() => replies(sim, 'C0SHARED')[0], 5_000, 'the first answer');
    await sleep(100);
    await replicas[1]?.sender.event(eventCallback(mention({ text: '<@U0BOT> where was it?', channel: 'C0SHARED', thread_ts: parent })));
    const followUp = await waitFor(() => replies(sim, 'C0SHARED')[1], 5_000, 'the follow-up');
    expect(followUp.args.thread_ts).toBe(parent);
    expect(String(followUp.args.text)).toContain('Syria');
  });
});

async function pollRow(outbox: OutboxStore, id: string, until: (row: NonNullable<Awaited<ReturnType<OutboxStore['get']>>>) => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await outbox.get(id);
    if (row && until(row)) return row;
    if (Date.now() > deadline) throw new Error(`outbox entry ${id} not as expected: ${JSON.stringify(row)}`);
    await sleep(25);
  }
}
