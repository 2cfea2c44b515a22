import type { Tuning } from './tuning.js';

/** What the index found for one intent against one question: the inputs of the scoring formula. */
export interface Evidence {
  /** Best cosine similarity to one of the intent's example questions (or containment credit, if larger). */
  similarity: number;
  /** Share of the question's weight that the intent's vocabulary explains, 0..1. */
  coverage: number;
  /** Sum of the penalties of question words the intent cannot explain (0 when it explains them all). */
  unexplained: number;
  /** The intent is asked with the question's type (when/who/how many…), or the question has none. */
  typeMatches: boolean;
  /** The question points at no paragraph or sentence, or at the one the intent is grounded in. */
  pointedAt: boolean;
  /** Content tokens in the question. */
  tokens: number;
}

/**
 * Stage 3: one intent's score for one question, 0..1. Pure. DESIGN.md gives the reason for each term:
 *
 *   score = (w·similarity + (1−w)·coverage) · typeFactor · pointerFactor · exp(−p · unexplained · damping)
 *   damping = min(1, longQuery / tokens)
 */
export function score(e: Evidence, t: Tuning): number {
  let base = t.questionWeight * e.similarity + (1 - t.questionWeight) * e.coverage;
  if (!e.typeMatches) base *= t.typeMismatch;
  if (!e.pointedAt) base *= t.pointerMismatch;
  // A long, rambling question carries filler the intents never use: past `longQuery` tokens each
  // unexplained word counts for less, so the penalty stops growing with the length.
  const damping = Math.min(1, t.longQuery / e.tokens);
  return base * Math.exp(-t.unexplainedPenalty * e.unexplained * damping);
}
