import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { createQuestionLog, keyedHash } from '../../src/store/question-log.js';
import { openStore } from '../../src/store/store.js';
import { WriteQueue } from '../../src/store/write-queue.js';
import { memoryLogger } from '../channels/web/helpers.js';
import { fixtureEngine } from '../support/content-fixture.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { storeTargets } from './helpers.js';

const targets = await storeTargets('test/store/faults.test.ts');
const sqliteTarget = targets[0] as (typeof targets)[number];
const withPostgres = targets.some((t) => t.name === 'postgres');
afterAll(async () => {
  for (const t of targets) await t.cleanup();
});

const errorOf = async (promise: Promise<unknown>): Promise<StoreError> => {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected a StoreError');
};

/** Resolves once the logger has written a record with this event. */
function waitForEvent(records: () => Record<string, unknown>[], event: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const hit = records().find((r) => r.event === event);
      if (hit) {
        clearInterval(poll);
        resolve(hit);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`no ${event} within ${timeoutMs} ms`));
      }
    }, 10);
  });
}

describe('a bad SQLite file', () => {
  it('that is not a database gives a clear error naming DATABASE_URL and what to do', async () => {
    mkdirSync(join(sqliteTarget.root, 'bad'), { recursive: true });
    writeFileSync(join(sqliteTarget.root, 'bad', 'corrupt.sqlite'), 'this is not a database, just text '.repeat(200));
    const err = await errorOf(openStore({ url: 'sqlite:bad/corrupt.sqlite', root: sqliteTarget.root }));
    expect(err.message).toMatch(/DATABASE_URL=sqlite:bad\/corrupt\.sqlite .*not a SQLite database or is corrupt.*Move it aside/);
  });

  it('that another process holds locked gives a clear error instead of hanging', async () => {
    const file = join(sqliteTarget.root, 'bad', 'locked.sqlite');
    const other = new BetterSqlite3(file);
    other.exec('CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);');
    try {
      const err = await errorOf(openStore({ url: `sqlite:${file}`, root: sqliteTarget.root, busyTimeoutMs: 200 }));
      expect(err.message).toMatch(/locked by another process/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });
});

describe('a full disk under SQLite', () => {
  it('loses no answer: writes are retried, then dropped and counted in the log', async () => {
    const first = await openStore({ url: 'sqlite:full/bot.sqlite', root: sqliteTarget.root });
    const { rows } = await sql<{ page_count: number }>`PRAGMA page_count`.execute(first.db);
    await first.close();
    // SQLite's own "database or disk is full" on the writer's connection, without filling a real disk.
    const pages = (rows[0] as { page_count: number }).page_count;
    const store = await openStore({ url: 'sqlite:full/bot.sqlite', root: sqliteTarget.root, writerPragmas: [`max_page_count = ${pages}`] });
    const { logger, records } = memoryLogger();
    const queue = new WriteQueue(store, logger, { maxAttempts: 3, backoffMs: 5, flushDelayMs: 1 });
    const log = createQuestionLog({ queue, hash: keyedHash('k'.repeat(16)), mode: 'on' });
    const engine = fixtureEngine();
    for (let i = 0; i < 50; i++)
      log.question({ channel: 'web', reply: engine.ask(`when did the talks begin ${'really '.repeat(40)} ${i}?`), latencyMs: 1, version: engine.version });
    const dropped = await waitForEvent(records, 'store_writes_dropped');
    expect(dropped).toMatchObject({ count: 50, reason: 'store failing' });
    expect(records().filter((r) => r.event === 'store_write_failed')[0]).toMatchObject({ code: 'SQLITE_FULL' });
    await queue.close();
    await store.close();
  });
});

describe.skipIf(!withPostgres)('PostgreSQL', () => {
  it('unreachable at start: refuses, naming DATABASE_URL and never its password', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    await proxy.cut();
    const err = await errorOf(openStore({ url: `postgres://postgres:s3cretpass@127.0.0.1:${proxy.port}/nowhere`, root: '.', connectTimeoutMs: 1_000 }));
    expect(err.message).toMatch(new RegExp(`DATABASE_URL=postgres://postgres@127\\.0\\.0\\.1:${proxy.port}/nowhere .*Check that PostgreSQL is running`));
    expect(err.message).not.toContain('s3cretpass');
  });

  it('going away while running: questions are still answered, writes retried then dropped with the count logged, and resumed once it is back', async () => {
    const database = await createTestDatabase();
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const url = new URL(database.url);
    url.port = String(proxy.port);
    const { logger, records } = memoryLogger();
    const store = await openStore({ url: url.toString(), root: '.', logger, connectTimeoutMs: 500 });
    const queue = new WriteQueue(store, logger, { maxAttempts: 3, backoffMs: 20, flushDelayMs: 1 });
    const log = createQuestionLog({ queue, hash: keyedHash('k'.repeat(16)), mode: 'on' });
    const engine = fixtureEngine();
    try {
      log.question({ channel: 'web', reply: engine.ask('when did the talks begin?'), latencyMs: 1, version: engine.version });
      await queue.flush();
      expect(queue.stats()).toMatchObject({ written: 1, pending: 0 });

      await proxy.cut();
      const asked: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const reply = engine.ask(`how many were killed in the raid ${i}`);
        log.question({ channel: 'web', reply, latencyMs: 1, version: engine.version });
        asked.push(performance.now() - started);
        expect(reply.kind).not.toBe('invalid');
      }
      const dropped = await waitForEvent(records, 'store_writes_dropped');
      expect(dropped).toMatchObject({ count: 20, reason: 'store failing' });
      expect(Math.max(...asked)).toBeLessThan(100);

      await proxy.restore();
      log.question({ channel: 'web', reply: engine.ask('when did the talks begin?'), latencyMs: 1, version: engine.version });
      await queue.flush();
      expect(records().find((r) => r.event === 'store_writes_resumed')).toBeDefined();
      expect(queue.stats()).toMatchObject({ written: 2, dropped: 20, pending: 0 });
      expect(await store.countQuestions()).toEqual({ answer: 2 });
    } finally {
      await queue.close();
      await store.close();
      await proxy.close();
      await database.drop();
    }
  });
});
