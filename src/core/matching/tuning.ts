import { z } from 'zod';

/**
 * Every knob of the matching pipeline, in one place. The defaults are the shipped values;
 * `intents/thresholds.yaml` may override any of them (validated at load, unknown keys refused).
 * Each knob has one meaning; DESIGN.md says where each one enters the formula.
 */
export interface Tuning {
  // decide: answer, "did you mean" or "the article doesn't say"
  /** A best score at or above this may be answered. */
  readonly answer: number;
  /** The best must beat the best rival grounded in another sentence by this much, or the bot asks. */
  readonly margin: number;
  /** Between this and `answer`: "did you mean". Below: the article doesn't cover it. */
  readonly clarify: number;
  /** How many "did you mean" choices to offer. */
  readonly suggestions: number;
  /** A "did you mean" choice needs at least this share of `clarify`. */
  readonly choiceFloor: number;

  // score: one intent against one question
  /** Weight of the best example question's similarity versus the intent's vocabulary coverage, 0..1. */
  readonly questionWeight: number;
  /** How hard each question word the intent cannot explain pulls its score down (exponential). */
  readonly unexplainedPenalty: number;
  /** Least penalty for an everyday English word that some intent uses. */
  readonly everydayWordPenalty: number;
  /** Score factor when the intent is never asked with the question's type (when/who/how many…). */
  readonly typeMismatch: number;
  /** Score factor when the question points at a paragraph or sentence the intent is not grounded in. */
  readonly pointerMismatch: number;
  /** A long question may match an example it contains: credit is this times the example's weight found. */
  readonly containmentWeight: number;
  /** A question of more content words than this is "long": containment applies, unexplained words damp. */
  readonly longQuery: number;
  /** An example question needs this many content words to count as contained in a long question. */
  readonly minContainedTokens: number;

  /** A clause-final part of a message ("…, so: when did talks start?") replaces the whole when its best score is higher by this much. */
  readonly tailMargin: number;
  /** A follow-up goes to an intent of the last answer's sentence when it scores within this of the best reading. */
  readonly sameSentenceFollowUp: number;
  /** Small talk is a closed class: a message is small talk only if its words overlap a small-talk example this much (Jaccard). */
  readonly smallTalkOverlap: number;
  /** A word is on the article's topic if an article intent uses it and it is at least this rare in English (or an alias). */
  readonly topicalRarity: number;

  // query: the bounds on what one question may cost
  /** Content words read from one question; the rest is ignored. */
  readonly maxWords: number;
  /** Longer messages are refused before any matching work. */
  readonly maxQuestionChars: number;

  // spelling
  /** Largest fuse.js score (0 exact … 1 anything) for a spelling candidate; edit distance vets each. */
  readonly fuzzyThreshold: number;
  /** Longer words are never corrected: no typo of a known word is that long. */
  readonly spellMaxWordLength: number;
  /** Fuzzy look-ups (cache misses) one question may make; further unknown words stay as typed. */
  readonly spellLookupsPerQuestion: number;
  /** Corrections remembered (LRU). */
  readonly spellCacheSize: number;
  /** fuse.js indexes (one per word length and first letter) kept (LRU). */
  readonly spellIndexCacheSize: number;
}

export const DEFAULT_TUNING: Tuning = Object.freeze({
  answer: 0.58,
  margin: 0.05,
  clarify: 0.35,
  suggestions: 3,
  choiceFloor: 0.75,
  questionWeight: 0.7,
  unexplainedPenalty: 0.35,
  everydayWordPenalty: 0.3,
  typeMismatch: 0.75,
  pointerMismatch: 0.75,
  containmentWeight: 0.9,
  longQuery: 6,
  minContainedTokens: 3,
  tailMargin: 0,
  sameSentenceFollowUp: 0.15,
  smallTalkOverlap: 0.5,
  topicalRarity: 0.35,
  maxWords: 60,
  maxQuestionChars: 1_000,
  fuzzyThreshold: 0.6,
  spellMaxWordLength: 20,
  spellLookupsPerQuestion: 2,
  spellCacheSize: 5_000,
  spellIndexCacheSize: 512,
});

const unit = z.number().min(0).max(1);
const count = (max: number) => z.number().int().min(1).max(max);

/** What `intents/thresholds.yaml` may say: any knob, each within its range, nothing else. */
export const TuningOverridesSchema = z
  .object({
    answer: unit,
    margin: unit,
    clarify: unit,
    suggestions: count(5),
    choiceFloor: unit,
    questionWeight: unit,
    unexplainedPenalty: z.number().min(0).max(5),
    everydayWordPenalty: unit,
    typeMismatch: unit,
    pointerMismatch: unit,
    containmentWeight: unit,
    longQuery: count(100),
    minContainedTokens: count(20),
    tailMargin: unit,
    sameSentenceFollowUp: unit,
    smallTalkOverlap: unit,
    topicalRarity: unit,
    maxWords: count(1_000),
    maxQuestionChars: count(100_000),
    fuzzyThreshold: unit,
    spellMaxWordLength: count(100),
    spellLookupsPerQuestion: z.number().int().min(0).max(100),
    spellCacheSize: count(1_000_000),
    spellIndexCacheSize: count(100_000),
  })
  .partial()
  .strict();

export type TuningOverrides = z.infer<typeof TuningOverridesSchema>;

/** Defaults with overrides applied, frozen. Throws a RangeError when the result is inconsistent. */
export function tune(overrides: TuningOverrides = {}): Tuning {
  const tuning = Object.freeze({ ...DEFAULT_TUNING, ...overrides });
  if (tuning.clarify > tuning.answer) throw new RangeError('clarify must not be above answer');
  return tuning;
}
