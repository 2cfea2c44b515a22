import type { Candidate, Ranking } from './matcher.js';
import type { NoMatchReason } from '../types.js';
import type { Tuning } from './tuning.js';

/** Stage 4: what to do with a ranking. */
export type Decision =
  | { kind: 'answer'; best: Candidate }
  | { kind: 'clarify'; choices: readonly Candidate[]; best: Candidate }
  | { kind: 'no-match'; best?: Candidate; reason: NoMatchReason };

export type { NoMatchReason } from '../types.js';

/**
 * Intents grounded in the same sentence give the same grounding: they are not
 * rivals. Nor are two small-talk intents: either reply is harmless.
 */
function groundingKey(c: Candidate): string {
  if (c.intent.chat) return 'chat';
  return c.intent.sentence ? `s${c.intent.sentence.number}` : `i:${c.intent.id}`;
}

/**
 * One content word names a topic, not a question ("Iraq", "coalition", "talks"): several facts
 * answer it equally, and picking one would be a guess. It is answered only when no article
 * intent grounded in another sentence is a plausible reading too ("raid" is all one sentence).
 */
function namesOnlyATopic(ranking: Ranking, best: Candidate, t: Tuning): boolean {
  if (ranking.tokens.length !== 1 || best.intent.chat) return false;
  return ranking.candidates.some((c) => !c.intent.chat && !c.intent.unanswerable && groundingKey(c) !== groundingKey(best) && c.score >= t.clarify);
}

function noMatch(best: Candidate | undefined, reason: NoMatchReason): Decision {
  return best ? { kind: 'no-match', best, reason } : { kind: 'no-match', reason };
}

export function decide(ranking: Ranking, t: Tuning): Decision {
  const [best] = ranking.candidates;
  // Not about the article at all, or asking what the article can't give (an opinion, advice):
  // no article answer and no "did you mean", however many of its words the intents use.
  if (!ranking.smallTalk && (ranking.asksForAStance || !ranking.topical)) return noMatch(best, 'off-topic');
  // Closest to a question we know the article cannot answer: say so rather than guess.
  if (!best || best.score < t.clarify || best.intent.unanswerable) return noMatch(best, best?.intent.unanswerable ? 'unanswerable' : 'not-covered');
  const rival = ranking.candidates.find((c) => groundingKey(c) !== groundingKey(best));
  const margin = best.score - (rival?.score ?? 0);
  if (best.score >= t.answer && margin >= t.margin && !namesOnlyATopic(ranking, best, t)) return { kind: 'answer', best };
  const choices: Candidate[] = [];
  const seen = new Set<string>();
  for (const c of ranking.candidates) {
    if (choices.length >= t.suggestions) break;
    if (c.score < t.clarify * t.choiceFloor || seen.has(c.intent.id) || c.intent.unanswerable) continue;
    seen.add(c.intent.id);
    choices.push(c);
  }
  if (choices.length === 0) return noMatch(best, 'not-covered');
  return { kind: 'clarify', choices, best };
}
