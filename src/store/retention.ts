import type { Logger } from '../logger.js';
import type { Store } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  store: Pick<Store, 'purgeOlderThan'>;
  days: number;
  logger: Logger;
  /** How often to purge (ms). Default hourly; the first purge runs at once. */
  everyMs?: number;
  now?: () => number;
}

/** Purge questions and votes older than `days`, now and then on a timer. Returns a stop function. */
export function startRetention(options: RetentionOptions): { purge(): Promise<void>; stop(): void } {
  const { store, days, logger, now = Date.now } = options;
  let running: Promise<void> | undefined;
  const purge = (): Promise<void> => {
    running ??= store
      .purgeOlderThan(new Date(now() - days * DAY_MS))
      .then((deleted) => {
        if (deleted.questions + deleted.feedback > 0) logger.info({ event: 'store_purged', days, ...deleted });
      })
      .catch((err: unknown) => logger.warn({ event: 'store_purge_failed', days, reason: (err as Error).message }))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  void purge();
  const timer = setInterval(() => void purge(), options.everyMs ?? 60 * 60 * 1000);
  timer.unref();
  return { purge, stop: () => clearInterval(timer) };
}
