import type { StoreConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createQuestionLog, hashSecret, keyedHash, type QuestionLog } from './question-log.js';
import { startRetention } from './retention.js';
import { openStore, type Store } from './store.js';
import { WriteQueue, type WriteQueueOptions } from './write-queue.js';

export interface RunningStore {
  store: Store;
  queue: WriteQueue;
  log: QuestionLog;
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
  const log = createQuestionLog({ queue, hash: keyedHash(secret), mode: config.questionLog });
  const retention = startRetention({ store, days: config.retentionDays, logger });
  let closing: Promise<void> | undefined;
  return {
    store,
    queue,
    log,
    close() {
      closing ??= (async () => {
        retention.stop();
        await queue.close();
        await store.close();
      })();
      return closing;
    },
  };
}
