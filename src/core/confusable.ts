import type { Matcher } from './matching/matcher.js';

export interface ConfusablePair {
  /** The intent the questions belong to. */
  intent: string;
  /** The intent they match better, with themselves left out of the index. */
  matches: string;
  questions: string[];
}

/**
 * Example questions of one intent that match another intent better (leave
 * one out: each question is ranked with itself removed from the index).
 * Siblings grounded in the same sentence are not reported: either answer
 * quotes the same sentence; nor are two small-talk intents.
 */
export function confusablePairs(matcher: Matcher): ConfusablePair[] {
  const pairs = new Map<string, ConfusablePair>();
  for (const intent of matcher.intents) {
    intent.questions.forEach((question, qi) => {
      const best = matcher.rank(question, { intent: intent.id, question: qi }).candidates[0];
      if (!best || best.intent.id === intent.id) return;
      if (intent.sentence && best.intent.sentence?.number === intent.sentence.number) return;
      // Two small-talk replies are both harmless.
      if (intent.chat && best.intent.chat) return;
      const key = `${intent.id}→${best.intent.id}`;
      const pair = pairs.get(key) ?? { intent: intent.id, matches: best.intent.id, questions: [] };
      pair.questions.push(question);
      pairs.set(key, pair);
    });
  }
  return [...pairs.values()].sort((a, b) => b.questions.length - a.questions.length || a.intent.localeCompare(b.intent));
}
