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

export interface Database {
  questions: QuestionsTable;
  feedback: FeedbackTable;
  settings: SettingsTable;
}

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
