import type { ConversationContext } from './context.js';

/**
 * Where conversations are kept between turns, keyed by the channel's conversation key (a Slack
 * thread, a DM, a web-chat connection). Async, so a shared store can stand behind it when several
 * replicas answer one conversation.
 */
export interface ConversationMemory {
  load(key: string): Promise<ConversationContext | undefined>;
  save(key: string, context: ConversationContext): Promise<void>;
  forget(key: string): Promise<void>;
}

export interface InMemoryOptions {
  /** A conversation not heard from in this long starts afresh. */
  ttlMs?: number;
  /** Most conversations kept; the least recently used is forgotten first. */
  maxConversations?: number;
  now?: () => number;
}

/** One process's conversations: bounded by count (LRU) and by age (TTL). */
export class InMemoryConversations implements ConversationMemory {
  private readonly entries = new Map<string, { context: ConversationContext; at: number }>();
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(options: InMemoryOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30 * 60_000;
    this.max = options.maxConversations ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async load(key: string): Promise<ConversationContext | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.now() - entry.at > this.ttlMs) return undefined;
    this.entries.set(key, entry);
    return entry.context;
  }

  async save(key: string, context: ConversationContext): Promise<void> {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { context, at: this.now() });
  }

  async forget(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
