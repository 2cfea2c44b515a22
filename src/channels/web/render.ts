import type { Reply, ReplyKind, Suggestion } from '../../core/types.js';
import { MESSAGES } from '../../messages.js';

/** Why a frame got an error reply instead of an answer. */
export type WebErrorCode =
  | 'binary-frame'
  | 'invalid-json'
  | 'invalid-message'
  | 'text-not-string'
  | 'unknown-intent'
  | 'unknown-reply'
  | 'invalid-feedback'
  | 'rate-limited'
  | 'internal';

export interface WebSource {
  sentence: string;
  number: number;
  paragraph: number;
  /** "sentence N of 15" */
  label: string;
}

export interface WebChip {
  /** Sent back as `{ type: 'intent', intent }` when the chip is clicked. */
  intent: string;
  question: string;
}

/**
 * What the page receives for every reply, one JSON frame each. Plain data:
 * the page renders every string with textContent, never as markup.
 */
export interface WebMessage {
  type: 'message';
  kind: ReplyKind | 'error';
  /** The main text of the reply. */
  text: string;
  source: WebSource | null;
  /** A line shown above the chips, or null when `text` already introduces them. */
  chipsLabel: string | null;
  chips: WebChip[];
  /** Only for `kind: 'error'`. */
  code?: WebErrorCode;
  /** Only for `kind: 'answer'`: what a 👍/👎 frame names as its `reply`. */
  id?: string;
  /** A question of several parts: one entry per part, each with its own text and source (one bubble, every quote highlighted). */
  parts?: WebPart[];
}

export interface WebPart {
  question: string;
  kind: ReplyKind;
  text: string;
  source: WebSource | null;
}

/** The server's answer to a 👍/👎 frame, once the vote is recorded. */
export interface WebFeedbackAck {
  type: 'feedback';
  reply: string;
  vote: 'up' | 'down';
  ok: true;
  text: string;
}

const chipsOf = (suggestions: readonly Suggestion[]): WebChip[] => suggestions.map(({ intent, question }) => ({ intent, question }));

function leadText(reply: Reply): string {
  return reply.message;
}

function chipsFor(reply: Reply): { chipsLabel: string | null; chips: WebChip[] } {
  const related = chipsOf(reply.related);
  if (related.length > 0) return { chipsLabel: MESSAGES.web.relatedLabel, chips: related };
  const chips = chipsOf(reply.suggestions);
  // A clarify text already asks "Did you mean one of these?".
  if (reply.kind === 'clarify' || chips.length === 0) return { chipsLabel: null, chips };
  return { chipsLabel: MESSAGES.tryAsking, chips };
}

function sourceOf(reply: Reply, totalSentences: number): WebSource | null {
  return reply.source
    ? {
        sentence: reply.source.sentence,
        number: reply.source.number,
        paragraph: reply.source.paragraph,
        label: MESSAGES.sourceLabel(reply.source.number, totalSentences),
      }
    : null;
}

/** Turn an engine reply into the frame the page gets. Pure. `id` is kept on answers only (what can be voted on). */
export function renderReply(reply: Reply, totalSentences: number, id?: string): WebMessage {
  const parts =
    reply.parts && reply.parts.length > 1
      ? { parts: reply.parts.map((p) => ({ question: p.question, kind: p.kind, text: leadText(p), source: sourceOf(p, totalSentences) })) }
      : {};
  return {
    type: 'message',
    kind: reply.kind,
    text: leadText(reply),
    source: sourceOf(reply, totalSentences),
    ...chipsFor(reply),
    ...(id && reply.kind === 'answer' ? { id } : {}),
    ...parts,
  };
}

export function renderFeedbackAck(reply: string, vote: 'up' | 'down', text: string): WebFeedbackAck {
  return { type: 'feedback', reply, vote, ok: true, text };
}

/** An error reply for a frame that could not be answered; the connection stays open. */
export function renderError(code: WebErrorCode, text: string): WebMessage {
  return { type: 'message', kind: 'error', code, text, source: null, chipsLabel: null, chips: [] };
}
