import type { ConversationContext } from '../core/conversation/context.js';
import type { ConversationMemory } from '../core/conversation/memory.js';
import type { Logger } from '../logger.js';
import type { Hasher } from './question-log.js';
import type { Store } from './store.js';

export interface StoreConversationsOptions {
  /** A conversation not heard from in this long starts afresh (and is purged). Default 30 minutes. */
  ttlMs?: number;
  /** How often expired conversations are deleted (ms). Default 5 minutes. */
  purgeEveryMs?: number;
  logger?: Logger;
  now?: () => number;
}

function parseContext(json: string): ConversationContext | undefined {
  try {
    const value = JSON.parse(json) as Partial<ConversationContext> | null;
    return value && Array.isArray(value.turns) && Array.isArray(value.given) ? (value as ConversationContext) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Conversations in the shared store, so replicas behind one load balancer (or
 * Slack's several Socket Mode connections) carry one conversation between
 * them: one row per conversation, its context as JSON, keyed by the keyed
 * hash of the channel's key. Bounded by the TTL: expired rows are purged on a
 * timer.
 */
export class StoreConversations implements ConversationMemory {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<Store, 'db'>,
    private readonly hash: Hasher,
    private readonly options: StoreConversationsOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30 * 60_000;
    this.now = options.now ?? Date.now;
    this.timer = setInterval(
      () => void this.purge().catch((err: unknown) => options.logger?.warn({ event: 'conversations_purge_failed', reason: (err as Error).message })),
      options.purgeEveryMs ?? 5 * 60_000,
    );
    this.timer.unref();
  }

  private cutoff(): string {
    return new Date(this.now() - this.ttlMs).toISOString();
  }

  async load(key: string): Promise<ConversationContext | undefined> {
    const row = await this.store.db
      .selectFrom('conversations')
      .select('context')
      .where('key', '=', this.hash(key))
      .where('updated_at', '>=', this.cutoff())
      .executeTakeFirst();
    return row ? parseContext(row.context) : undefined;
  }

  async save(key: string, context: ConversationContext): Promise<void> {
    const row = { key: this.hash(key), context: JSON.stringify(context), updated_at: new Date(this.now()).toISOString() };
    await this.store.db
      .insertInto('conversations')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ context: row.context, updated_at: row.updated_at }))
      .execute();
  }

  async forget(key: string): Promise<void> {
    await this.store.db.deleteFrom('conversations').where('key', '=', this.hash(key)).execute();
  }

  /** Delete conversations past their TTL; returns how many. */
  async purge(): Promise<number> {
    const result = await this.store.db.deleteFrom('conversations').where('updated_at', '<', this.cutoff()).executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    if (deleted > 0) this.options.logger?.debug({ event: 'conversations_purged', deleted });
    return deleted;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
