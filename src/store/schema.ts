import type { ScoredIntent } from '../core/types.js';

/**
 * The tables, as Kysely sees them. Times are ISO-8601 UTC strings
 * (`toISOString()`): they sort and compare as text the same way in SQLite and
 * PostgreSQL, with no driver-specific date handling.
 */
export interface QuestionsTable {
  /** Random, made by the channel; the web chat hands it to the page as the reply id. */
  id: string;
  asked_at: string;
  channel: string;
  /** mention, dm, command, web… */
  surface: string | null;
  conversation_hash: string | null;
  user_hash: string | null;
  /** null when QUESTION_LOG=redacted. */
  question: string | null;
  kind: string;
  intent: string | null;
  confidence: number;
  /** JSON: the top 3 `{ intent, score }`, best first. */
  candidates: string;
  content_version: string;
  latency_ms: number;
}

export interface FeedbackTable {
  /** One vote per reply: a second vote on the same reply replaces the first. */
  id: string;
  voted_at: string;
  channel: string;
  vote: 'up' | 'down';
  /** The logged question this vote is about, when the channel knows it. */
  question_id: string | null;
  question: string | null;
  intent: string | null;
  user_hash: string | null;
  conversation_hash: string | null;
  content_version: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/**
 * Slack work accepted (acked) and not yet answered, and for a while after: the
 * outbox. One row per event, keyed so that a retry, a twin event and the same
 * event reaching another replica all land on the same row.
 */
export interface OutboxTable {
  /** `event:<event_id>`, `message:<channel>:<ts>` (mention and DM twins share it) or `action:<trigger_id>`. */
  id: string;
  /** The event type or payload type (app_mention, message, block_actions…), for logs and metrics. */
  kind: string;
  /** The body as Slack sent it (JSON, legacy token removed); emptied once done, so no question text stays. */
  body: string;
  retry_num: number | null;
  created_at: string;
  /** The replica delivering it, and until when: an expired lease may be taken by any replica. */
  owner: string | null;
  lease_until: string;
  /** Deliveries started (claims), the first included. */
  attempts: number;
  /** The answer's `ts` once chat.postMessage returned it: a delivery that finds it set posts nothing. */
  posted_ts: string | null;
  done_at: string | null;
  /** answered, failed (the listener threw or Slack kept failing), gave_up (too many attempts). */
  outcome: string | null;
}

/** Conversations shared by replicas (PostgreSQL): the context of a Slack thread, DM or web-chat connection. */
export interface ConversationsTable {
  /** The keyed hash of the channel's conversation key (no raw Slack ids at rest). */
  key: string;
  /** JSON ConversationContext. */
  context: string;
  updated_at: string;
}

export interface Database {
  questions: QuestionsTable;
  feedback: FeedbackTable;
  settings: SettingsTable;
  outbox: OutboxTable;
  conversations: ConversationsTable;
}

export type OutboxRow = OutboxTable;

export type QuestionRow = QuestionsTable;
export type FeedbackRow = FeedbackTable;

export function parseCandidates(json: string): ScoredIntent[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((c): c is ScoredIntent => typeof c?.intent === 'string' && typeof c?.score === 'number') : [];
  } catch {
    return [];
  }
}
