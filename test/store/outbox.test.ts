import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationContext } from '../../src/core/conversation/context.js';
import { StoreConversations } from '../../src/store/conversations.js';
import { storeReadiness } from '../../src/store/index.js';
import { OutboxStore } from '../../src/store/outbox.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets } from './helpers.js';

const targets = await storeTargets('test/store/outbox.test.ts');
afterAll(async () => {
  for (const t of targets) await t.cleanup();
});

const entry = (id: string) => ({ id, kind: 'message', body: JSON.stringify({ type: 'event_callback', event: { text: `question ${id}` } }) });

describe.each(targets)('the outbox on $name', (target) => {
  let store: Store;
  let clock = Date.parse('2026-06-01T12:00:00.000Z');
  const now = (): number => clock;
  let a: OutboxStore;
  let b: OutboxStore;

  it('keeps an entry once: the same id again (a retry, a twin, another replica) is refused', async () => {
    store = await target.open();
    a = new OutboxStore(store, { leaseMs: 10_000, owner: 'replica-a', now });
    b = new OutboxStore(store, { leaseMs: 10_000, owner: 'replica-b', now });
    expect(await a.record([entry('message:D1:1.1'), entry('message:D1:1.2'), entry('message:D1:1.1')])).toEqual(new Set(['message:D1:1.1', 'message:D1:1.2']));
    expect(await b.record([entry('message:D1:1.1'), entry('message:D1:1.3')])).toEqual(new Set(['message:D1:1.3']));
    expect(await a.record([{ ...entry('message:D1:1.1'), retryNum: 1 }])).toEqual(new Set());
    await a.finish('message:D1:1.2', 'answered');
    await b.finish('message:D1:1.3', 'answered');
    expect(await a.get('message:D1:1.1')).toMatchObject({ owner: 'replica-a', attempts: 1, done_at: null });
  });

  it('leaves a leased entry alone until its lease runs out, then one replica takes it', async () => {
    expect(await b.claim(10)).toEqual([]);
    clock += 10_001;
    const [taken, other] = await Promise.all([b.claim(10), a.claim(10)]);
    expect([...taken, ...other].map((r) => r.id)).toEqual(['message:D1:1.1']);
    const row = await a.get('message:D1:1.1');
    expect(row?.attempts).toBe(2);
    expect(row?.owner).toBe(taken.length === 1 ? 'replica-b' : 'replica-a');
  });

  it('renews the leases a replica is still delivering, and only its own', async () => {
    const holder = (await a.get('message:D1:1.1'))?.owner === 'replica-a' ? a : b;
    const other = holder === a ? b : a;
    clock += 8_000;
    await other.renew(['message:D1:1.1']);
    await holder.renew(['message:D1:1.1']);
    clock += 8_000;
    expect(await other.claim(10)).toEqual([]);
  });

  it('records the posted ts, and once done drops the body but keeps the id for dedupe', async () => {
    await a.posted('message:D1:1.1', '1700000000.000123');
    await a.finish('message:D1:1.1', 'answered');
    const row = await a.get('message:D1:1.1');
    expect(row).toMatchObject({ posted_ts: '1700000000.000123', outcome: 'answered', body: '', owner: null });
    clock += 60_000;
    expect(await b.claim(10)).toEqual([]);
    expect(await b.record([entry('message:D1:1.1')])).toEqual(new Set());
  });

  it('hands released entries to the next claim, oldest first, at most `limit` at once, each to one replica', async () => {
    for (let i = 0; i < 30; i += 1) {
      clock += 1;
      await a.record([entry(`event:Ev${String(i).padStart(3, '0')}`)]);
    }
    await a.release(Array.from({ length: 30 }, (_, i) => `event:Ev${String(i).padStart(3, '0')}`));
    expect(await a.depth()).toEqual({ pending: 30, oldest: expect.any(String) });
    const first = await b.claim(5);
    expect(first.map((r) => r.id)).toEqual(['event:Ev000', 'event:Ev001', 'event:Ev002', 'event:Ev003', 'event:Ev004']);
    const batches = await Promise.all([a.claim(10), b.claim(10), a.claim(10), b.claim(10)]);
    const ids = batches.flat().map((r) => r.id);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
  });

  it('a release with a delay is not claimed before it', async () => {
    await a.finish('event:Ev000', 'answered');
    await a.record([entry('event:later')]);
    await a.release(['event:later'], 5_000);
    expect((await b.claim(10)).map((r) => r.id)).not.toContain('event:later');
    clock += 5_000;
    expect((await b.claim(10)).map((r) => r.id)).toContain('event:later');
  });

  it('purges entries done before the cutoff, never pending ones', async () => {
    const before = await a.depth();
    expect(await a.purgeDone(new Date(clock + 1))).toBe(4);
    expect((await a.depth()).pending).toBe(before.pending);
  });

  it('shares conversations by the hash of their key, forgets them after the TTL, and purges them', async () => {
    const hash = (key: string): string => `h(${key})`;
    const one = new StoreConversations(store, hash, { ttlMs: 30 * 60_000, now });
    const two = new StoreConversations(store, hash, { ttlMs: 30 * 60_000, now });
    const context: ConversationContext = { turns: [{ intent: 'talks-start', sentence: 3, topic: ['talks'] }], given: ['talks-start'] };
    await one.save('dm:D1', context);
    expect(await two.load('dm:D1')).toEqual(context);
    const raw = await store.db.selectFrom('conversations').select('key').execute();
    expect(raw.map((r) => r.key)).toEqual(['h(dm:D1)']);
    await two.save('dm:D1', { ...context, given: ['talks-start', 'presence'] });
    expect((await one.load('dm:D1'))?.given).toEqual(['talks-start', 'presence']);
    clock += 30 * 60_000 + 1;
    expect(await one.load('dm:D1')).toBeUndefined();
    expect(await one.purge()).toBe(1);
    await one.save('web:1', context);
    await one.forget('web:1');
    expect(await two.load('web:1')).toBeUndefined();
    one.stop();
    two.stop();
  });

  it('the readiness check says the store answers, and that it does not once it is closed', async () => {
    expect(await storeReadiness(store)).toEqual({ ok: true, detail: { kind: target.name } });
    await store.close();
    expect((await storeReadiness(store)).ok).toBe(false);
  });
});
