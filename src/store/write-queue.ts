import type { Logger } from '../logger.js';
import type { FeedbackRow, QuestionRow } from './schema.js';
import type { Store } from './store.js';

export type PendingWrite = { table: 'questions'; row: QuestionRow } | { table: 'feedback'; row: FeedbackRow };

export interface WriteQueueOptions {
  /** Most writes waiting; beyond it new ones are dropped and counted. Default 10,000. */
  maxPending?: number;
  /** Rows per store call. Default 200. */
  batchSize?: number;
  /** How long a write may wait for others to share its batch (ms). Default 100. */
  flushDelayMs?: number;
  /** Tries per batch before it is dropped. Default 8 (about 25 s of retries). */
  maxAttempts?: number;
  /** First retry delay (ms), doubled each time up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A store call that has not answered by then counts as failed (the retry is harmless: writes are idempotent). Default 10 s. */
  writeTimeoutMs?: number;
}

export interface WriteQueueStats {
  pending: number;
  written: number;
  dropped: number;
  failures: number;
}

/**
 * Store writes, off the reply path: `push` only appends to a bounded array;
 * batches go to the store on a timer. A failed batch is retried with backoff
 * and dropped after `maxAttempts`; drops are counted and logged, never thrown,
 * so a store that is slow, gone or full never holds back an answer or an ack.
 */
export class WriteQueue {
  private readonly pending: PendingWrite[] = [];
  private readonly options: Required<WriteQueueOptions>;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private attempts = 0;
  /** Failed batches since the last write that went through. */
  private failedSince = 0;
  private readonly counts = { written: 0, dropped: 0, failures: 0 };
  private droppedUnlogged = 0;
  private lastDropReason = '';
  private closed = false;

  constructor(
    private readonly store: Pick<Store, 'writeBatch' | 'where'>,
    private readonly logger: Logger,
    options: WriteQueueOptions = {},
  ) {
    this.options = {
      maxPending: options.maxPending ?? 10_000,
      batchSize: options.batchSize ?? 200,
      flushDelayMs: options.flushDelayMs ?? 100,
      maxAttempts: options.maxAttempts ?? 8,
      backoffMs: options.backoffMs ?? 200,
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
      writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
    };
  }

  push(write: PendingWrite): void {
    if (this.closed || this.pending.length >= this.options.maxPending) {
      this.drop(1, this.closed ? 'closed' : 'queue full');
      return;
    }
    this.pending.push(write);
    this.schedule(this.options.flushDelayMs);
  }

  stats(): WriteQueueStats {
    return { pending: this.pending.length, ...this.counts };
  }

  /** Write everything pending now, one batch after another; resolves when the queue is empty or a batch failed. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    while (this.pending.length > 0) {
      const ok = await this.runBatch();
      if (!ok) {
        this.schedule(this.backoff());
        return;
      }
    }
  }

  /** Stop taking writes, try once more (for at most `timeoutMs`) to write what is left, log what could not be. */
  async close(timeoutMs = 3_000): Promise<void> {
    this.closed = true;
    this.options.maxAttempts = Math.min(this.options.maxAttempts, this.attempts + 1);
    this.options.writeTimeoutMs = Math.min(this.options.writeTimeoutMs, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((done) => (timer = setTimeout(done, timeoutMs)))]);
    clearTimeout(timer);
    clearTimeout(this.timer);
    if (this.pending.length > 0) this.drop(this.pending.splice(0).length, 'shutdown');
    this.logDrops();
  }

  private within<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`no answer from the store within ${this.options.writeTimeoutMs} ms`), { code: 'STORE_TIMEOUT' })),
        this.options.writeTimeoutMs,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private schedule(ms: number): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runBatch().then((ok) => {
        if (this.pending.length > 0) this.schedule(ok ? 0 : this.backoff());
      });
    }, ms);
    this.timer.unref();
  }

  private backoff(): number {
    return Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** Math.max(0, this.attempts - 1));
  }

  /** One batch from the head of the queue; true when written (or dropped for good). */
  private runBatch(): Promise<boolean> {
    if (this.pending.length === 0) return Promise.resolve(true);
    const batch = this.pending.slice(0, this.options.batchSize);
    let ok = false;
    const run = (async () => {
      try {
        const questions = batch.flatMap((w) => (w.table === 'questions' ? [w.row] : []));
        const feedback = batch.flatMap((w) => (w.table === 'feedback' ? [w.row] : []));
        await this.within(this.store.writeBatch(questions, feedback));
        this.pending.splice(0, batch.length);
        this.counts.written += batch.length;
        if (this.failedSince > 0) this.logger.info({ event: 'store_writes_resumed', failedBatches: this.failedSince, store: this.store.where });
        this.failedSince = 0;
        this.attempts = 0;
        ok = true;
      } catch (err) {
        this.attempts += 1;
        this.failedSince += 1;
        this.counts.failures += 1;
        const e = err as { code?: unknown; message?: string };
        this.logger.warn({
          event: 'store_write_failed',
          store: this.store.where,
          attempt: this.attempts,
          rows: batch.length,
          pending: this.pending.length,
          code: e.code ?? null,
          reason: e.message ?? String(err),
        });
        if (this.attempts >= this.options.maxAttempts) {
          this.pending.splice(0, batch.length);
          this.drop(batch.length, 'store failing');
          this.attempts = 0;
          ok = true;
        }
      }
      this.logDrops();
    })();
    this.flushing = run.finally(() => {
      this.flushing = undefined;
    });
    return this.flushing.then(() => ok);
  }

  private drop(count: number, reason: string): void {
    this.counts.dropped += count;
    this.droppedUnlogged += count;
    this.lastDropReason = reason;
    // A full queue drops one write per question: log the count with the next batch, not a line each.
    if (reason !== 'queue full') this.logDrops();
  }

  private logDrops(): void {
    if (this.droppedUnlogged === 0) return;
    this.logger.error({
      event: 'store_writes_dropped',
      count: this.droppedUnlogged,
      total: this.counts.dropped,
      reason: this.lastDropReason,
      store: this.store.where,
    });
    this.droppedUnlogged = 0;
  }
}
