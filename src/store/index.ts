import { sql } from 'kysely';
import type { StoreConfig } from '../config.js';
import type { CheckResult } from '../health.js';
import type { Logger } from '../logger.js';
import { StoreConversations } from './conversations.js';
import { createQuestionLog, hashSecret, keyedHash, type QuestionLog } from './question-log.js';
import { startRetention } from './retention.js';
import { openStore, type Store } from './store.js';
import { WriteQueue, type WriteQueueOptions } from './write-queue.js';

export interface RunningStore {
  store: Store;
  queue: WriteQueue;
  log: QuestionLog;
  /** PostgreSQL only: conversations shared by the replicas (one process keeps its own in memory). */
  conversations?: StoreConversations;
  /** Stop purging, write what is pending (briefly), close the connection. */
  close(): Promise<void>;
}

/** Everything the app needs from the store, opened and migrated; throws a StoreError naming DATABASE_URL. */
export async function startStore(options: { config: StoreConfig; root: string; logger: Logger; queue?: WriteQueueOptions }): Promise<RunningStore> {
  const { config, root, logger } = options;
  const store = await openStore({ url: config.url, root, logger });
  const secret = await hashSecret(store, config.hashSecret).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const queue = new WriteQueue(store, logger, options.queue);
  const hash = keyedHash(secret);
  const log = createQuestionLog({ queue, hash, mode: config.questionLog });
  const conversations = store.kind === 'postgres' ? new StoreConversations(store, hash, { logger }) : undefined;
  const retention = startRetention({ store, days: config.retentionDays, logger });
  let closing: Promise<void> | undefined;
  return {
    store,
    queue,
    log,
    ...(conversations ? { conversations } : {}),
    close() {
      closing ??= (async () => {
        retention.stop();
        conversations?.stop();
        await queue.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/** The `store` readiness check: the store answers a trivial query (PostgreSQL reachable, SQLite file open). */
export async function storeReadiness(store: Pick<Store, 'db' | 'where' | 'kind'>): Promise<CheckResult> {
  try {
    await sql`SELECT 1`.execute(store.db);
    return { ok: true, detail: { kind: store.kind } };
  } catch (err) {
    return { ok: false, detail: { kind: store.kind, reason: (err as Error).message } };
  }
}
