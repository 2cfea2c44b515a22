import { afterAll, describe, expect, it } from 'vitest';
import type { QuestionLogMode } from '../../src/config.js';
import { createQuestionLog, hashSecret, keyedHash } from '../../src/store/question-log.js';
import { openStore, type Store } from '../../src/store/store.js';
import { WriteQueue } from '../../src/store/write-queue.js';
import { memoryLogger } from '../channels/web/helpers.js';
import { fixtureEngine } from '../support/content-fixture.js';
import { startRetention } from '../../src/store/retention.js';
import { questionRow, storeTargets } from './helpers.js';

const targets = await storeTargets('test/store/question-log.test.ts');
afterAll(async () => {
  for (const t of targets) await t.cleanup();
});
const engine = fixtureEngine();

async function logged(store: Store, mode: QuestionLogMode) {
  const { logger } = memoryLogger();
  const queue = new WriteQueue(store, logger);
  const log = createQuestionLog({ queue, hash: keyedHash(await hashSecret(store)), mode });
  const reply = engine.ask('When did the talks begin?');
  const id = log.question({
    channel: 'slack',
    surface: 'mention',
    conversation: 'C123:1700000000.000100',
    user: 'U42',
    reply,
    latencyMs: 1.23456,
    version: engine.version,
  });
  const key = `C123:${id}:U42`;
  log.feedback({ channel: 'slack', key, vote: 'down', questionId: id, question: reply.question, intent: reply.intent, user: 'U42', conversation: 'C123' });
  log.feedback({ channel: 'slack', key, vote: 'up', questionId: id, question: reply.question, intent: reply.intent, user: 'U42', conversation: 'C123' });
  await queue.flush();
  const questions = await store.db.selectFrom('questions').selectAll().where('id', '=', id).execute();
  const hash = keyedHash(await hashSecret(store));
  const votes = await store.db
    .selectFrom('feedback')
    .selectAll()
    .where('id', '=', hash(`slack:${key}`))
    .execute();
  return { id, reply, questions, votes };
}

describe.each(targets)('the question log on $name', (target) => {
  let store: Store;
  afterAll(() => store?.close());

  it('QUESTION_LOG=on keeps time, channel, hashed ids, the text, kind, intent, confidence, top candidates, version and latency', async () => {
    store = await target.open();
    const { id, reply, questions, votes } = await logged(store, 'on');
    expect(questions).toEqual([
      {
        id,
        asked_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        channel: 'slack',
        surface: 'mention',
        conversation_hash: expect.stringMatching(/^[\w-]{22}$/),
        user_hash: expect.stringMatching(/^[\w-]{22}$/),
        question: 'When did the talks begin?',
        kind: reply.kind,
        intent: reply.intent,
        confidence: reply.confidence,
        candidates: JSON.stringify(reply.candidates),
        content_version: engine.version,
        latency_ms: 1.235,
      },
    ]);
    expect(JSON.stringify(questions)).not.toMatch(/U42|C123/);
    // One vote per answer: the second replaced the first.
    expect(votes).toEqual([expect.objectContaining({ vote: 'up', question: 'When did the talks begin?', intent: reply.intent, question_id: id })]);
  });

  it('QUESTION_LOG=redacted keeps everything but the text', async () => {
    const { questions, votes } = await logged(store, 'redacted');
    expect(questions[0]).toMatchObject({ question: null, kind: 'answer', user_hash: expect.any(String) });
    expect(votes[0]).toMatchObject({ question: null, vote: 'up' });
  });

  it('QUESTION_LOG=off keeps no question at all: a vote keeps only its intent', async () => {
    const { questions, votes, reply } = await logged(store, 'off');
    expect(questions).toEqual([]);
    expect(votes).toEqual([
      expect.objectContaining({ vote: 'up', intent: reply.intent, question: null, question_id: null, user_hash: null, conversation_hash: null }),
    ]);
  });

  it('hashes the same id the same way with the same key, and differently with another key', async () => {
    expect(keyedHash(await hashSecret(store))('U42')).toBe(keyedHash(await hashSecret(store))('U42'));
    expect(keyedHash('another key, 16+ chars')('U42')).not.toBe(keyedHash(await hashSecret(store))('U42'));
  });
});

describe('the write queue', () => {
  it('is bounded: beyond maxPending, writes are dropped and counted, never queued', async () => {
    const { logger, records } = memoryLogger();
    const never = { where: 'nowhere', writeBatch: () => new Promise<void>(() => undefined) };
    const queue = new WriteQueue(never, logger, { maxPending: 10, flushDelayMs: 60_000, writeTimeoutMs: 50 });
    const log = createQuestionLog({ queue, hash: keyedHash('k'.repeat(16)), mode: 'on' });
    for (let i = 0; i < 25; i++) log.question({ channel: 'web', reply: engine.ask(`question ${i}`), latencyMs: 0, version: 'v' });
    expect(queue.stats()).toMatchObject({ pending: 10, dropped: 15 });
    await queue.close(200);
    expect(queue.stats()).toMatchObject({ pending: 0, dropped: 25 });
    expect(
      records()
        .filter((r) => r.event === 'store_writes_dropped')
        .reduce((n, r) => n + Number(r.count), 0),
    ).toBe(25);
  });

  it('writes in batches of batchSize', async () => {
    const batches: number[] = [];
    const counting = { where: 'memory', writeBatch: async (rows: readonly unknown[]) => void batches.push(rows.length) };
    const queue = new WriteQueue(counting, memoryLogger().logger, { batchSize: 40, flushDelayMs: 60_000 });
    const log = createQuestionLog({ queue, hash: keyedHash('k'.repeat(16)), mode: 'on' });
    for (let i = 0; i < 100; i++) log.question({ channel: 'web', reply: engine.ask(`question ${i}`), latencyMs: 0, version: 'v' });
    await queue.flush();
    expect(batches).toEqual([40, 40, 20]);
  });
});

describe('retention', () => {
  it('purges questions older than LOG_RETENTION_DAYS at start, and logs how many', async () => {
    const target = targets[0] as (typeof targets)[number];
    const store = await openStore({ url: 'sqlite:retention.sqlite', root: target.root });
    const now = Date.parse('2026-07-01T00:00:00.000Z');
    await store.insertQuestions([questionRow({ asked_at: '2026-06-29T00:00:00.000Z', kind: 'answer' }), questionRow({ asked_at: '2026-06-01T00:00:00.000Z' })]);
    const { logger, records } = memoryLogger();
    const retention = startRetention({ store, days: 7, logger, now: () => now });
    await retention.purge();
    retention.stop();
    expect(await store.countQuestions()).toEqual({ answer: 1 });
    expect(records().find((r) => r.event === 'store_purged')).toMatchObject({ days: 7, questions: 1, feedback: 0 });
    await store.close();
  });
});
