import { afterAll, describe, expect, it } from 'vitest';
import { storeTargets, questionRow } from './helpers.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import type { Store } from '../../src/store/store.js';

const targets = await storeTargets('test/store/store.test.ts');
afterAll(async () => {
  for (const t of targets) await t.cleanup();
});

describe.each(targets)('the store on $name', (target) => {
  let store: Store;

  it('is created and migrated on first open, and opens again without migrating twice', async () => {
    store = await target.open();
    await store.close();
    store = await target.open();
    const migrations = await store.db
      .selectFrom('kysely_migration' as never)
      .selectAll()
      .execute();
    expect(migrations).toHaveLength(Object.keys(MIGRATIONS).length);
  });

  it('keeps questions with their candidates, and a retried batch adds nothing twice', async () => {
    const row = questionRow({ question: 'what is the capital of iraq', asked_at: '2026-06-02T00:00:00.000Z' });
    await store.insertQuestions([row]);
    await store.insertQuestions([row, questionRow({ kind: 'clarify', asked_at: '2026-06-03T00:00:00.000Z', channel: 'slack' })]);
    const rows = await store.questionsOfKinds(['no-match', 'clarify']);
    expect(rows.filter((r) => r.id === row.id)).toEqual([row]);
    expect(rows).toHaveLength(2);
    expect(await store.countQuestions()).toEqual({ 'no-match': 1, clarify: 1 });
  });

  it('filters by time and channel', async () => {
    expect(await store.questionsOfKinds(['no-match', 'clarify'], { since: '2026-06-02T12:00:00.000Z' })).toHaveLength(1);
    expect(await store.questionsOfKinds(['no-match', 'clarify'], { channel: 'web' })).toHaveLength(1);
    expect(await store.countQuestions({ channel: 'slack' })).toEqual({ clarify: 1 });
  });

  it('keeps one vote per reply: a second vote replaces the first, in the same batch or a later one', async () => {
    const answered = questionRow({ kind: 'answer', intent: 'talks-start', candidates: JSON.stringify([{ intent: 'talks-start', score: 0.9 }]) });
    await store.insertQuestions([answered]);
    const vote = {
      id: 'v1',
      voted_at: '2026-06-04T00:00:00.000Z',
      channel: 'web',
      question_id: answered.id,
      question: 'when did talks begin',
      intent: 'talks-start',
      user_hash: 'u',
      conversation_hash: 'c',
      content_version: 'abc',
    } as const;
    await store.upsertFeedback([
      { ...vote, vote: 'up' },
      { ...vote, vote: 'down' },
    ]);
    expect(await store.dislikes()).toEqual([expect.objectContaining({ id: 'v1', vote: 'down', candidates: answered.candidates })]);
    await store.upsertFeedback([{ ...vote, vote: 'up', voted_at: '2026-06-05T00:00:00.000Z' }]);
    expect(await store.dislikes()).toEqual([]);
  });

  it('keeps the first value of a setting, whoever asks later', async () => {
    expect(await store.setting('hash_secret', () => 'first')).toBe('first');
    expect(await store.setting('hash_secret', () => 'second')).toBe('first');
  });

  it('purges questions and votes older than the cutoff', async () => {
    const purged = await store.purgeOlderThan(new Date('2026-06-02T12:00:00.000Z'));
    expect(purged).toEqual({ questions: 2, feedback: 0 });
    expect(await store.countQuestions()).toEqual({ clarify: 1 });
    await store.close();
  });
});
