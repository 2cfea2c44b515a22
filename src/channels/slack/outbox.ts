import { AsyncLocalStorage } from 'node:async_hooks';
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { NewOutboxEntry, OutboxDepth, OutboxOutcome, OutboxStore } from '../../store/outbox.js';
import type { OutboxRow } from '../../store/schema.js';
import type { Target } from './conversation.js';
import { describeSlackError } from './deliver.js';

/**
 * Acked means answered. A Slack body worth answering is written to the
 * outbox (the store) before it is acked; the answer is then delivered from
 * the outbox, and the entry marked done with the answer's `ts`. Entries left
 * undelivered (a crash, a SIGTERM past its grace, Slack failing) are claimed
 * again, by this replica or another, once their lease runs out. A delivery
 * runs the ordinary Bolt listeners; `post` (conversation.ts) asks the current
 * delivery whether the answer is already in Slack before posting it.
 */

export interface OutboxBody {
  type?: unknown;
  event_id?: unknown;
  trigger_id?: unknown;
  event?: { type?: unknown; subtype?: unknown; bot_id?: unknown; hidden?: unknown; channel?: unknown; ts?: unknown };
  [key: string]: unknown;
}

/** The outbox id and kind of a body, or null when it is not kept (nothing to answer, or acked by its listener). */
export function outboxKey(body: OutboxBody): { id: string; kind: string } | null {
  if (body.type === 'event_callback') {
    const event = body.event ?? {};
    const type = typeof event.type === 'string' ? event.type : 'unknown';
    // function_executed is acked by its listener; edits, bot messages (our own answers too) are never answered.
    if (type === 'function_executed') return null;
    if (type === 'message' || type === 'app_mention') {
      if (event.subtype !== undefined || event.bot_id !== undefined || event.hidden) return null;
      // A DM can arrive as both app_mention and message: one message, one entry, one answer.
      if (typeof event.channel === 'string' && typeof event.ts === 'string') return { id: `message:${event.channel}:${event.ts}`, kind: type };
    }
    return typeof body.event_id === 'string' ? { id: `event:${body.event_id}`, kind: type } : null;
  }
  if (body.type === 'block_actions' && typeof body.trigger_id === 'string') return { id: `action:${body.trigger_id}`, kind: 'block_actions' };
  return null;
}

export interface OutboxEntry {
  id: string;
  kind: string;
  body: OutboxBody;
  retryNum?: number;
  attempts: number;
  postedTs: string | null;
}

export type Accepted =
  /** Kept: ack, then deliver it. */
  | { kind: 'recorded'; entry: OutboxEntry }
  /** Already kept (a retry, a twin, or another replica has it): ack and do nothing. */
  | { kind: 'duplicate'; id: string }
  /** Not an outbox body, or the store could not take it: handle it as before, in this process only. */
  | { kind: 'direct' };

/** The marker every answer carries, so a delivery after a crash can find an answer already posted. */
export const ANSWER_METADATA_TYPE = 'isis_mission_answer';

type PostResult = webApi.ChatPostMessageResponse | undefined;

/** The delivery under way in this async context: what `post` consults and tells. */
export class Delivery {
  /**
   * Slack failed in a way worth another try later (5xx, rate limit, no connection), not "not in
   * channel"; nor a timeout, after which the message may well be in Slack.
   */
  retry = false;

  constructor(
    readonly entry: OutboxEntry,
    private readonly outbox: SlackOutbox,
  ) {}

  /** A Web API failure of this delivery's post. */
  failedWith(err: unknown): void {
    const { slackError, expected } = describeSlackError(err);
    if (!expected && (slackError === 'rate_limited' || slackError === 'request_failed' || slackError.startsWith('http_5'))) this.retry = true;
  }

  /**
   * Post the answer unless it is already in Slack: its ts recorded, or (when an
   * earlier delivery may have posted it and died before recording) found in the
   * conversation by its metadata. `send` posts with the metadata given.
   */
  async postOnce(
    client: webApi.WebClient,
    target: Target,
    send: (metadata: { event_type: string; event_payload: Record<string, string> }) => Promise<PostResult>,
  ): Promise<PostResult> {
    const { entry } = this;
    const { logger, store } = this.outbox;
    if (entry.postedTs) {
      logger.info({ event: 'outbox_already_posted', id: entry.id, ts: entry.postedTs });
      return undefined;
    }
    if (entry.attempts > 1) {
      const found = await findPosted(client, target, entry, logger);
      if (found) {
        entry.postedTs = found;
        logger.info({ event: 'outbox_found_posted', id: entry.id, ts: found });
        await store.posted(entry.id, found).catch((err: unknown) => logger.warn({ event: 'outbox_write_failed', step: 'posted', id: entry.id }, err));
        return undefined;
      }
    }
    const result = await send({ event_type: ANSWER_METADATA_TYPE, event_payload: { outbox_id: entry.id } });
    if (result?.ts) {
      entry.postedTs = result.ts;
      // Awaited: until the ts is recorded, a crash means a later delivery must look for the answer.
      await store.posted(entry.id, result.ts).catch((err: unknown) => logger.warn({ event: 'outbox_write_failed', step: 'posted', id: entry.id }, err));
    }
    return result;
  }
}

/** The answer to `entry` in the conversation, if one was posted (needs the history scope of that conversation type). */
async function findPosted(client: webApi.WebClient, target: Target, entry: OutboxEntry, logger: Logger): Promise<string | undefined> {
  const since = typeof entry.body.event?.ts === 'string' ? entry.body.event.ts : undefined;
  try {
    const page = target.thread_ts
      ? await client.conversations.replies({ channel: target.channel, ts: target.thread_ts, include_all_metadata: true, limit: 200 })
      : await client.conversations.history({ channel: target.channel, include_all_metadata: true, limit: 200, ...(since ? { oldest: since } : {}) });
    const match = page.messages?.find((m) => {
      const metadata = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
      return metadata?.event_type === ANSWER_METADATA_TYPE && metadata.event_payload?.outbox_id === entry.id;
    });
    return match?.ts;
  } catch (err) {
    // Without the history scope (channels:history for mentions) a crash mid-post may mean one duplicate; say so.
    logger.warn({ event: 'outbox_history_unavailable', id: entry.id, ...describeSlackError(err) });
    return undefined;
  }
}

const context = new AsyncLocalStorage<Delivery>();

/** Longest a replica keeps renewing the lease of one entry (a delivery takes seconds; Slack's retries a minute at most). */
const MAX_HOLD_MS = 5 * 60_000;

/** Most bodies kept in one statement. */
const RECORD_BATCH = 200;

/** The promise's value, or 'late' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The outbox delivery this code runs in, if any. */
export const currentDelivery = (): Delivery | undefined => context.getStore();

export interface SlackOutboxOptions {
  store: OutboxStore;
  logger: Logger;
  /** Backlog entries this replica delivers at once. Default 16. */
  maxInFlight?: number;
  /** How often the backlog is looked at (ms). Default 1 s. */
  pollMs?: number;
  /** Deliveries per entry before it is given up. Default 5. */
  maxAttempts?: number;
  /** Wait before an entry whose post failed is tried again (ms), doubled each time up to a minute. Default 5 s. */
  retryDelayMs?: number;
  /** How long done entries are kept for dedupe (ms). Slack retries within minutes. Default 1 hour. */
  keepDoneMs?: number;
  /** Most entries waiting; past it new bodies are answered directly (not kept). Default 10,000. */
  maxPending?: number;
  /** Longest the ack waits for the store (ms); past it the body is answered directly. Default 1 s. */
  acceptTimeoutMs?: number;
  /** Told of the depth every few seconds (metrics). */
  onDepth?: (depth: OutboxDepth) => void;
}

export type ProcessBody = (body: OutboxBody, retryNum: number | undefined) => Promise<void>;

export class SlackOutbox {
  readonly store: OutboxStore;
  readonly logger: Logger;
  private process: ProcessBody | undefined;
  /** Entries this replica holds: accepted and waiting to run, or running. */
  private readonly held = new Map<string, { state: 'queued' | 'running'; since: number }>();
  private backlogRunning = 0;
  private readonly recording: { entry: NewOutboxEntry; resolve: (fresh: boolean) => void; reject: (err: unknown) => void }[] = [];
  private recordScheduled = false;
  /** The last claim was full: more entries are probably waiting. */
  private backlogWaiting = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private polling = false;
  private stopped = false;
  private stopping: Promise<{ released: number; running: number }> | undefined;
  private depth: OutboxDepth = { pending: 0, oldest: null };
  private readonly options: Required<Omit<SlackOutboxOptions, 'store' | 'logger' | 'onDepth'>>;

  constructor(private readonly settings: SlackOutboxOptions) {
    this.store = settings.store;
    this.logger = settings.logger;
    this.options = {
      maxInFlight: settings.maxInFlight ?? 16,
      pollMs: settings.pollMs ?? 1_000,
      maxAttempts: settings.maxAttempts ?? 5,
      retryDelayMs: settings.retryDelayMs ?? 5_000,
      keepDoneMs: settings.keepDoneMs ?? 60 * 60_000,
      maxPending: settings.maxPending ?? 10_000,
      acceptTimeoutMs: settings.acceptTimeoutMs ?? 1_000,
    };
  }

  /** How a backlog entry is answered: the Bolt app's processEvent with an ack that does nothing (it was acked). */
  attach(process: ProcessBody): void {
    this.process = process;
  }

  /** Before the ack: keep the body. Never throws; a store failure means "answer it directly". */
  async accept(body: OutboxBody, retryNum?: number): Promise<Accepted> {
    const key = outboxKey(body);
    if (!key || this.stopped) return { kind: 'direct' };
    if (this.depth.pending >= this.options.maxPending) {
      this.logger.warn({ event: 'outbox_full', pending: this.depth.pending });
      return { kind: 'direct' };
    }
    const { token: _token, ...kept } = body;
    try {
      const recording = this.recordSoon({ id: key.id, kind: key.kind, body: JSON.stringify(kept), ...(retryNum !== undefined ? { retryNum } : {}) });
      const fresh = await within(recording, this.options.acceptTimeoutMs);
      if (fresh === 'late') {
        // The ack cannot wait: answer directly, and if the row lands after all, it is already answered.
        this.logger.warn({ event: 'outbox_record_slow', id: key.id, ms: this.options.acceptTimeoutMs });
        void recording.then((kept) => (kept ? this.store.finish(key.id, 'answered') : undefined)).catch(() => undefined);
        return { kind: 'direct' };
      }
      if (!fresh) {
        this.logger.info({ event: 'slack_duplicate_skipped', key: 'outbox', id: key.id, retryNum: retryNum ?? null });
        return { kind: 'duplicate', id: key.id };
      }
    } catch (err) {
      this.logger.error({ event: 'outbox_record_failed', id: key.id, reason: (err as Error).message });
      return { kind: 'direct' };
    }
    this.held.set(key.id, { state: 'queued', since: Date.now() });
    return { kind: 'recorded', entry: { id: key.id, kind: key.kind, body, ...(retryNum !== undefined ? { retryNum } : {}), attempts: 1, postedTs: null } };
  }

  /**
   * Bodies arriving together (a burst) are kept in one statement, one
   * transaction: a thousand single-row commits on SQLite's one writer, or
   * round trips to PostgreSQL, would hold back every ack behind them.
   */
  private recordSoon(entry: NewOutboxEntry): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.recording.push({ entry, resolve, reject });
      if (this.recording.length >= RECORD_BATCH) this.recordNow();
      else if (!this.recordScheduled) {
        this.recordScheduled = true;
        setImmediate(() => this.recordNow());
      }
    });
  }

  private recordNow(): void {
    this.recordScheduled = false;
    const batch = this.recording.splice(0);
    if (batch.length === 0) return;
    this.store.record(batch.map((b) => b.entry)).then(
      (fresh) => {
        // The same id twice in one batch: the first is the one kept.
        const taken = new Set<string>();
        for (const { entry, resolve } of batch) {
          resolve(fresh.has(entry.id) && !taken.has(entry.id));
          taken.add(entry.id);
        }
      },
      (err: unknown) => {
        for (const { reject } of batch) reject(err);
      },
    );
  }

  /** Answer an entry (with `run`, or the attached processEvent), then mark it done, or hand it back to try again. */
  async deliver(entry: OutboxEntry, run?: () => Promise<void>): Promise<void> {
    // Handed back at stop, or let go after MAX_HOLD_MS: it is the next start's, or another replica's, now.
    if (!this.held.has(entry.id)) return;
    this.held.set(entry.id, { state: 'running', since: this.held.get(entry.id)?.since ?? Date.now() });
    const delivery = new Delivery(entry, this);
    let outcome: OutboxOutcome = 'answered';
    try {
      const process = run ?? (() => (this.process ? this.process(entry.body, entry.retryNum) : Promise.reject(new Error('outbox not attached'))));
      await context.run(delivery, process);
    } catch (err) {
      this.logger.error({ event: 'outbox_delivery_failed', id: entry.id, kind: entry.kind }, err);
      outcome = 'failed';
    }
    try {
      if (delivery.retry && !entry.postedTs && entry.attempts < this.options.maxAttempts) {
        const delayMs = Math.min(60_000, this.options.retryDelayMs * 2 ** (entry.attempts - 1));
        this.logger.warn({ event: 'outbox_retry_later', id: entry.id, attempts: entry.attempts, delayMs });
        await this.store.release([entry.id], delayMs);
      } else {
        if (delivery.retry && !entry.postedTs) outcome = 'gave_up';
        await this.store.finish(entry.id, outcome);
      }
    } catch (err) {
      // The lease runs out and the entry is delivered again; the recorded ts (or the metadata) stops a second post.
      this.logger.warn({ event: 'outbox_write_failed', step: 'finish', id: entry.id, reason: (err as Error).message });
    } finally {
      this.held.delete(entry.id);
    }
  }

  /** An accepted entry that will not be delivered here (the receiver's queue was full, or it was dropped at shutdown). */
  giveBack(entry: OutboxEntry): void {
    this.held.delete(entry.id);
    this.store
      .release([entry.id])
      .catch((err: unknown) => this.logger.warn({ event: 'outbox_write_failed', step: 'release', id: entry.id, reason: (err as Error).message }));
  }

  /** Start delivering the backlog (at once, then every pollMs), renewing leases, purging old entries. */
  start(): void {
    this.stopped = false;
    this.stopping = undefined;
    const every = (ms: number, job: () => Promise<unknown>): void => {
      const timer = setInterval(
        () => void job().catch((err: unknown) => this.logger.warn({ event: 'outbox_housekeeping_failed', reason: (err as Error).message })),
        ms,
      );
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.pollMs, () => this.poll());
    every(Math.max(200, Math.floor(this.store.leaseMs / 3)), () => this.renew());
    every(5_000, () => this.measure());
    every(10 * 60_000, () => this.purge());
    void this.poll().catch((err: unknown) => this.logger.warn({ event: 'outbox_housekeeping_failed', reason: (err as Error).message }));
    void this.measure().catch(() => undefined);
    void this.purge().catch(() => undefined);
  }

  /** Stop claiming; hand back what was accepted here and never started. What is running keeps its lease. */
  stop(): Promise<{ released: number; running: number }> {
    this.stopping ??= this.handBack();
    return this.stopping;
  }

  private async handBack(): Promise<{ released: number; running: number }> {
    this.stopped = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const queued = [...this.held].filter(([, held]) => held.state === 'queued').map(([id]) => id);
    await this.store
      .release(queued)
      .catch((err: unknown) => this.logger.warn({ event: 'outbox_write_failed', step: 'release', reason: (err as Error).message }));
    for (const id of queued) this.held.delete(id);
    const running = this.held.size;
    this.logger.info({ event: 'outbox_stopped', released: queued.length, running });
    return { released: queued.length, running };
  }

  /**
   * Keep the leases of what this replica holds, but not forever: an entry held longer than
   * MAX_HOLD_MS (stuck somewhere) is let go, so its lease runs out and it is delivered again.
   */
  private async renew(): Promise<void> {
    const now = Date.now();
    const ids: string[] = [];
    for (const [id, held] of this.held) {
      if (now - held.since < MAX_HOLD_MS) ids.push(id);
      else {
        this.held.delete(id);
        this.logger.warn({ event: 'outbox_let_go', id, heldMs: now - held.since });
      }
    }
    await this.store.renew(ids);
  }

  lastDepth(): OutboxDepth {
    return this.depth;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped || !this.process) return;
    this.polling = true;
    try {
      for (;;) {
        const room = this.options.maxInFlight - this.backlogRunning;
        if (room <= 0 || this.stopped) return;
        const rows = await this.store.claim(room);
        if (rows.length === 0) return;
        this.logger.info({ event: 'outbox_claimed', count: rows.length, ids: rows.slice(0, 5).map((r) => r.id) });
        for (const row of rows) this.runClaimed(row);
        // A full batch: more may wait; claim again as soon as half of these are done, not at the next tick.
        this.backlogWaiting = rows.length === room;
        if (!this.backlogWaiting) return;
      }
    } finally {
      this.polling = false;
    }
  }

  private runClaimed(row: OutboxRow): void {
    let body: OutboxBody;
    try {
      body = JSON.parse(row.body) as OutboxBody;
    } catch {
      this.logger.error({ event: 'outbox_unreadable', id: row.id });
      void this.store.finish(row.id, 'failed').catch(() => undefined);
      return;
    }
    if (row.attempts > this.options.maxAttempts) {
      this.logger.error({ event: 'outbox_gave_up', id: row.id, attempts: row.attempts - 1 });
      void this.store.finish(row.id, 'gave_up').catch(() => undefined);
      return;
    }
    const entry: OutboxEntry = {
      id: row.id,
      kind: row.kind,
      body,
      ...(row.retry_num !== null ? { retryNum: row.retry_num } : {}),
      attempts: row.attempts,
      postedTs: row.posted_ts,
    };
    this.held.set(entry.id, { state: 'queued', since: Date.now() });
    this.backlogRunning += 1;
    void this.deliver(entry).finally(() => {
      this.backlogRunning -= 1;
      if (this.backlogWaiting && this.backlogRunning <= this.options.maxInFlight / 2) {
        void this.poll().catch((err: unknown) => this.logger.warn({ event: 'outbox_housekeeping_failed', reason: (err as Error).message }));
      }
    });
  }

  private async measure(): Promise<void> {
    this.depth = await this.store.depth();
    this.settings.onDepth?.(this.depth);
  }

  private async purge(): Promise<void> {
    const deleted = await this.store.purgeDone(new Date(Date.now() - this.options.keepDoneMs));
    if (deleted > 0) this.logger.info({ event: 'outbox_purged', deleted });
  }
}
