import { createHmac, randomBytes } from 'node:crypto';
import type { QuestionLogMode } from '../config.js';
import type { Reply } from '../core/types.js';
import type { Store } from './store.js';
import type { WriteQueue } from './write-queue.js';

export interface QuestionEntry {
  channel: string;
  surface?: string;
  /** Raw ids (a Slack channel and thread, a web connection): only their keyed hashes are kept. */
  conversation?: string;
  user?: string;
  reply: Reply;
  latencyMs: number;
  /** The content version that answered: read from the engine right after `ask`, before anything can swap it. */
  version: string;
  /** A record id the channel already handed out (the web chat's reply id); a new one otherwise. */
  id?: string;
}

export interface FeedbackEntry {
  channel: string;
  /** What makes a vote "the same vote again" (e.g. Slack channel + message + user): one row per key. */
  key: string;
  vote: 'up' | 'down';
  questionId?: string | null;
  question: string | null;
  intent: string | null;
  conversation?: string;
  user?: string;
  version?: string | null;
}

/** What channels are handed: two calls that return at once and never throw. */
export interface QuestionLog {
  readonly mode: QuestionLogMode;
  /** Record a question and its reply; returns the record's id (also when nothing is kept). */
  question(entry: QuestionEntry): string;
  feedback(entry: FeedbackEntry): void;
}

/** A random, URL-safe id: 16 characters, 96 bits. */
export const newRecordId = (): string => randomBytes(12).toString('base64url');

/** For tests and tools that run channels without a store. */
export const NO_QUESTION_LOG: QuestionLog = { mode: 'off', question: () => newRecordId(), feedback: () => undefined };

export type Hasher = (value: string) => string;

/** HMAC-SHA-256 of an id, 22 characters; the last 1,000 are remembered (the same people ask again). */
export function keyedHash(secret: string): Hasher {
  const recent = new Map<string, string>();
  return (value) => {
    let hashed = recent.get(value);
    if (hashed === undefined) {
      hashed = createHmac('sha256', secret).update(value).digest('base64url').slice(0, 22);
      if (recent.size >= 1_000) recent.clear();
      recent.set(value, hashed);
    }
    return hashed;
  };
}

/** The hash key: LOG_HASH_SECRET when set, else one made on first start and kept in the store (shared by replicas). */
export async function hashSecret(store: Pick<Store, 'setting'>, configured?: string): Promise<string> {
  return configured ?? store.setting('hash_secret', () => randomBytes(32).toString('base64url'));
}

export interface QuestionLogOptions {
  queue: Pick<WriteQueue, 'push'>;
  hash: Hasher;
  mode: QuestionLogMode;
  now?: () => Date;
}

export function createQuestionLog({ queue, hash, mode, now = () => new Date() }: QuestionLogOptions): QuestionLog {
  const keepText = mode === 'on';
  const hashOf = (value: string | undefined): string | null => (value ? hash(value) : null);
  return {
    mode,
    question(entry) {
      const id = entry.id ?? newRecordId();
      if (mode === 'off') return id;
      const { reply } = entry;
      queue.push({
        table: 'questions',
        row: {
          id,
          asked_at: now().toISOString(),
          channel: entry.channel,
          surface: entry.surface ?? null,
          conversation_hash: hashOf(entry.conversation),
          user_hash: hashOf(entry.user),
          question: keepText ? reply.question : null,
          kind: reply.kind,
          intent: reply.intent,
          confidence: reply.confidence,
          candidates: JSON.stringify(reply.candidates),
          content_version: entry.version,
          latency_ms: Math.round(entry.latencyMs * 1000) / 1000,
        },
      });
      return id;
    },
    feedback(entry) {
      queue.push({
        table: 'feedback',
        row: {
          id: hash(`${entry.channel}:${entry.key}`),
          voted_at: now().toISOString(),
          channel: entry.channel,
          vote: entry.vote,
          question_id: mode === 'off' ? null : (entry.questionId ?? null),
          question: keepText ? entry.question : null,
          intent: entry.intent,
          // QUESTION_LOG=off: a vote says only which intent was liked or not, and when.
          user_hash: mode === 'off' ? null : hashOf(entry.user),
          conversation_hash: mode === 'off' ? null : hashOf(entry.conversation),
          content_version: entry.version ?? null,
        },
      });
    },
  };
}
