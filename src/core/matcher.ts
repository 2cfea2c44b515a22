import Fuse from 'fuse.js';
import { foldText, type Normalizer } from './normalize.js';
import { isEnglishWord, rarity, warmWordFrequencies } from './word-frequency.js';
import type { Intent } from './types.js';

/**
 * Fuzzy intent matching, built around fuse.js's strengths.
 *
 * Plain fuse.js compares a whole question to whole example questions with the
 * Bitap algorithm, which degrades past 32 characters and, unless told
 * otherwise, favours matches near the start of the text. So fuse.js works
 * here at the word level, where Bitap is exact and fast: it finds known words
 * near a misspelt one ("negotiatons" → "negotiations"). Whole questions are
 * then ranked by IDF-weighted overlap between the corrected query tokens and
 * each intent's example questions, plus how much of the query the intent's
 * vocabulary explains. A query with words no intent knows ("troops in
 * Syria", "prime minister") keeps a low score, which is what lets the bot
 * say "the article doesn't say" instead of guessing.
 */

export interface MatcherOptions {
  /** Words beyond this are ignored: bounds the cost of a huge message. */
  maxWords?: number;
  /**
   * Largest fuse.js score (0 exact … 1 anything) for a spelling candidate. Generous on purpose:
   * Bitap scores a swapped pair as two errors, and every candidate is then checked by edit distance.
   */
  fuzzyThreshold?: number;
  /** Weight of question similarity versus vocabulary coverage, 0..1. */
  questionWeight?: number;
  /** How hard each query word the intent cannot explain pulls its score down. */
  unexplainedPenalty?: number;
  /** Score factor when the intent is never asked with the query's question type (when/who/how many…). */
  typeMismatch?: number;
  /**
   * For a long question, credit for containing an example question: this times the share of the
   * example's weight the question has. 0 turns it off.
   */
  containmentWeight?: number;
  /** Least penalty for an everyday English word that another intent uses. */
  everydayWordPenalty?: number;
}

export interface Candidate {
  intent: Intent;
  /** Combined score, 0..1. */
  score: number;
  /** Best cosine similarity to one of the intent's questions. */
  similarity: number;
  /** Share of the query's weight that the intent's vocabulary explains. */
  coverage: number;
  /** Sum of the weights of query words the intent cannot explain (0 when it explains them all). */
  unexplained: number;
  /** The example question that matched best. */
  question: string;
}

export interface Ranking {
  tokens: readonly string[];
  /** Query tokens no intent knows. */
  unknown: readonly string[];
  /** Spelling corrections applied: misspelt → known. */
  corrections: Readonly<Record<string, string>>;
  candidates: readonly Candidate[];
}

interface Entry {
  intent: number;
  question: number;
  tokens: ReadonlySet<string>;
  norm: number;
}

const CACHE_LIMIT = 5_000;
const LONG_QUERY = 6;
/** A shorter example ("the negotiations?") is contained in any long question on its topic: no evidence. */
const MIN_CONTAINED_TOKENS = 3;

/** What kind of answer a question asks for, from its question words. */
export type QuestionType = 'when' | 'duration' | 'count' | 'who' | 'where' | 'which-country' | 'why' | 'other';

const TYPE_PATTERNS: readonly [QuestionType, RegExp][] = [
  ['count', /\b(how (many|much)|number of|what number)\b/],
  ['duration', /\b(how long(?! ago)|for how long|how many years)\b/],
  ['when', /\b(when|whens|since when|how long ago|what (date|day|month|year|time)|which (date|day|month|year))\b/],
  ['which-country', /\b(which|what) (country|countries|nation|nations)\b/],
  ['who', /\b(who|whos|whom|whose|(which|what) (group|groups|people|person|officials?))\b/],
  ['where', /\b(where|wheres|(which|what) (province|city|town|region|place|location|area))\b/],
  ['why', /\b(why|whys|what for|for what|what is the (point|purpose|reason|goal|aim)|whats the (point|purpose|reason|goal|aim))\b/],
];

const ORDINALS: Record<string, number> = {
  first: 1, opening: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5,
  last: Number.POSITIVE_INFINITY, final: Number.POSITIVE_INFINITY, closing: Number.POSITIVE_INFINITY,
};
const POINTER = new RegExp(`\\b(${Object.keys(ORDINALS).join('|')}) (paragraph|sentence)\\b`, 'g');

export interface TextPointer {
  paragraph?: number;
  sentence?: number;
}

/** Where in the article a question points ("in the third paragraph", "the last sentence"), if it does. */
export function textPointer(text: string): TextPointer {
  return pointerOfFolded(foldText(text.slice(0, 2_000)));
}

function pointerOfFolded(folded: string): TextPointer {
  const pointer: TextPointer = {};
  for (const m of folded.matchAll(POINTER)) {
    const n = ORDINALS[m[1] as string] as number;
    if (m[2] === 'paragraph') pointer.paragraph ??= n;
    else pointer.sentence ??= n;
  }
  return pointer;
}

/** "Which countries…" asks for a place or for a party: an intent asked with either may answer it. */
function accepts(types: ReadonlySet<QuestionType>, type: QuestionType): boolean {
  return types.has(type) || (type === 'which-country' && (types.has('who') || types.has('where')));
}

export function questionType(text: string): QuestionType {
  return typeOfFolded(foldText(text));
}

function typeOfFolded(folded: string): QuestionType {
  for (const [type, pattern] of TYPE_PATTERNS) if (pattern.test(folded)) return type;
  return 'other';
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping early past `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j] as number;
    prev = cur;
  }
  return prev[b.length] as number;
}

function maxEdits(word: string): number {
  if (word.length < 4) return 0;
  return word.length < 8 ? 1 : 2;
}

export class Matcher {
  readonly intents: readonly Intent[];
  private readonly normalizer: Normalizer;
  private readonly options: Required<MatcherOptions>;
  private readonly entries: Entry[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly idf = new Map<string, number>();
  private readonly intentVocab: Set<string>[] = [];
  /** Question types each intent is asked with. */
  private readonly intentTypes: Set<QuestionType>[] = [];
  private readonly unknownWeight: number;
  private readonly lastSentence: number;
  private readonly lastParagraph: number;
  private readonly surface: Set<string>;
  private readonly fuzzyWords: string[];
  /** One fuse.js index per query-word length and first letter, over the known words within reach of it. */
  private readonly fuseByShape = new Map<string, Fuse<string>>();
  private readonly corrections = new Map<string, string>();
  /** Per-question dot products, indexed by entry; always all zero between calls to rank. */
  private readonly dotBuffer: Float64Array;

  constructor(intents: readonly Intent[], normalizer: Normalizer, options: MatcherOptions = {}) {
    this.intents = intents;
    this.normalizer = normalizer;
    this.options = {
      maxWords: 60,
      fuzzyThreshold: 0.6,
      questionWeight: 0.7,
      unexplainedPenalty: 0.35,
      typeMismatch: 0.75,
      containmentWeight: 0.9,
      everydayWordPenalty: 0.3,
      ...options,
    };
    warmWordFrequencies();

    const surface = new Set<string>(normalizer.aliasWords());
    intents.forEach((intent, i) => {
      const vocab = new Set<string>();
      const add = (text: string): string[] => {
        for (const w of normalizer.fold(text).split(' ')) if (w) surface.add(w);
        const tokens = normalizer.tokens(text);
        for (const t of tokens) vocab.add(t);
        return tokens;
      };
      intent.questions.forEach((q, qi) => {
        this.entries.push({ intent: i, question: qi, tokens: new Set(add(q)), norm: 0 });
      });
      const types = new Set<QuestionType>(intent.questions.map((q) => typeOfFolded(normalizer.fold(q))));
      this.intentTypes.push(types);
      for (const k of intent.keywords) add(k);
      add(intent.answer);
      if (intent.source) add(intent.source);
      this.intentVocab.push(vocab);
    });
    this.surface = surface;
    const grounded = intents.flatMap((i) => (i.sentence ? [i.sentence] : []));
    this.lastSentence = Math.max(0, ...grounded.map((s) => s.number));
    this.lastParagraph = Math.max(0, ...grounded.map((s) => s.paragraph));

    const n = intents.length;
    const df = new Map<string, number>();
    for (const vocab of this.intentVocab) for (const t of vocab) df.set(t, (df.get(t) ?? 0) + 1);
    for (const [t, d] of df) this.idf.set(t, Math.log(1 + n / d));
    this.unknownWeight = Math.log(1 + n);

    this.dotBuffer = new Float64Array(this.entries.length);
    this.entries.forEach((entry, index) => {
      let sum = 0;
      for (const t of entry.tokens) {
        sum += this.weight(t) ** 2;
        const list = this.postings.get(t) ?? [];
        list.push(index);
        this.postings.set(t, list);
      }
      entry.norm = Math.sqrt(sum);
    });

    this.fuzzyWords = [...surface].filter((w) => w.length >= 4 && !/\d/.test(w)).sort();
  }

  // Word-level fuzzy search: patterns are single words, well inside Bitap's 32-character sweet spot.
  // Each index holds only words within reach of the edit limit that start with the same letter
  // (people rarely mistype the first letter), so a lookup scans tens of words, not thousands.
  private fuseFor(word: string, edits: number): Fuse<string> {
    const key = `${word.length}:${word[0]}`;
    let fuse = this.fuseByShape.get(key);
    if (!fuse) {
      // No minMatchCharLength: a missing letter splits a short word's matching letters into
      // runs of two ("phse" in "phase"), and fuse.js would drop the hit. Edit distance vets every hit,
      // so fuse.js need not score-sort them: unsorted, a look-up allocates less (fewer GC pauses).
      fuse = new Fuse(
        this.fuzzyWords.filter((w) => w[0] === word[0] && Math.abs(w.length - word.length) <= edits),
        { ignoreLocation: true, threshold: this.options.fuzzyThreshold, isCaseSensitive: true, shouldSort: false },
      );
      this.fuseByShape.set(key, fuse);
    }
    return fuse;
  }

  /** Whether a sentence is where the question points: a paragraph counts only when no sentence is named. */
  private isPointedAt(sentence: { number: number; paragraph: number }, pointer: TextPointer): boolean {
    const resolve = (n: number, last: number): number => (n === Number.POSITIVE_INFINITY ? last : n);
    if (pointer.sentence !== undefined) return sentence.number === resolve(pointer.sentence, this.lastSentence);
    if (pointer.paragraph !== undefined) return sentence.paragraph === resolve(pointer.paragraph, this.lastParagraph);
    return true;
  }

  private weight(token: string): number {
    return this.idf.get(token) ?? this.unknownWeight;
  }

  /** A known word for a misspelt one, or the word itself. Deterministic and cached. */
  correct = (word: string): string => {
    // A real English word is what the person meant ("weather" is not a typo of "whether").
    if (this.surface.has(word) || maxEdits(word) === 0 || /\d/.test(word) || this.normalizer.isStopWord(word) || isEnglishWord(word)) return word;
    const cached = this.corrections.get(word);
    if (cached !== undefined) return cached;
    const limit = maxEdits(word);
    let best = word;
    let bestDistance = limit + 1;
    for (const hit of this.fuseFor(word, limit).search(word)) {
      const d = editDistance(word, hit.item, limit);
      if (d < bestDistance || (d === bestDistance && d <= limit && hit.item < best)) {
        best = hit.item;
        bestDistance = d;
      }
    }
    if (this.corrections.size >= CACHE_LIMIT) this.corrections.clear();
    this.corrections.set(word, best);
    return best;
  };

  /** Normalised, spelling-corrected query tokens (unique, in order). */
  queryTokens(question: string): { tokens: string[]; weights: Map<string, number>; penalties: Map<string, number>; corrections: Record<string, string> } {
    const corrections: Record<string, string> = {};
    const correct = (word: string): string => {
      const fixed = this.correct(word);
      if (fixed !== word) corrections[word] = fixed;
      return fixed;
    };
    const weights = new Map<string, number>();
    const penalties = new Map<string, number>();
    for (const { token, word } of this.normalizer.analyze(question, { maxWords: this.options.maxWords, correct })) {
      if (weights.has(token)) continue;
      const known = this.idf.get(token);
      // A word another intent knows counts by how specific it is, an unknown one by how rare it is in
      // English; an everyday word ("told", "real", "problem") is filler even if some intent uses it.
      const penalty =
        known !== undefined ? Math.min(known / this.unknownWeight, Math.max(rarity(word), this.options.everydayWordPenalty)) : rarity(word);
      weights.set(token, known ?? this.unknownWeight * penalty);
      penalties.set(token, penalty);
    }
    return { tokens: [...weights.keys()], weights, penalties, corrections };
  }

  /**
   * Rank intents for a question, best first. `exclude` leaves one example
   * question out of the index, for leave-one-out evaluation.
   */
  rank(question: string, exclude?: { intent: string; question: number }): Ranking {
    const { tokens, weights, penalties, corrections } = this.queryTokens(question);
    const unknown = tokens.filter((t) => !this.idf.has(t));
    if (tokens.length === 0) return { tokens, unknown, corrections, candidates: [] };
    const qweight = (t: string): number => weights.get(t) ?? 0;

    let queryNormSq = 0;
    let queryWeight = 0;
    for (const t of tokens) {
      const w = qweight(t);
      queryNormSq += w * w;
      queryWeight += w;
    }
    const queryNorm = Math.sqrt(queryNormSq);

    // Dot products through the postings, in a reused buffer: the hot loop allocates nothing.
    const dots = this.dotBuffer;
    const touched: number[] = [];
    for (const t of tokens) {
      const list = this.postings.get(t);
      if (!list) continue;
      const w2 = this.weight(t) ** 2;
      for (const e of list) {
        if (dots[e] === 0) touched.push(e);
        dots[e] = (dots[e] as number) + w2;
      }
    }

    // A long question that contains an example question ("my son served there, so I wonder: is ISIS
    // still a threat?") matches it, however much else it says: cosine alone would dilute that.
    const containment = tokens.length > LONG_QUERY ? this.options.containmentWeight : 0;
    const bestByIntent = new Map<number, { similarity: number; question: number }>();
    for (const e of touched) {
      const dot = dots[e] as number;
      dots[e] = 0;
      const entry = this.entries[e] as Entry;
      if (exclude && this.intents[entry.intent]?.id === exclude.intent && entry.question === exclude.question) continue;
      const contained = entry.tokens.size >= MIN_CONTAINED_TOKENS ? (containment * dot) / (entry.norm * entry.norm) : 0;
      const similarity = Math.max(dot / (queryNorm * entry.norm), contained);
      const current = bestByIntent.get(entry.intent);
      if (!current) bestByIntent.set(entry.intent, { similarity, question: entry.question });
      else if (similarity > current.similarity) {
        current.similarity = similarity;
        current.question = entry.question;
      }
    }

    const qw = this.options.questionWeight;
    // A long, rambling question carries filler the intents never use: beyond LONG_QUERY tokens, each
    // unexplained word counts for less, so the penalty stops growing with the length.
    const lengthDamping = Math.min(1, LONG_QUERY / tokens.length);
    const folded = foldText(question.slice(0, 2_000));
    const type = typeOfFolded(folded);
    const pointer = pointerOfFolded(folded);
    const candidates: (Candidate & { order: number })[] = [];
    for (const [i, best] of bestByIntent) {
      const vocab = this.intentVocab[i] as Set<string>;
      let covered = 0;
      let unexplained = 0;
      for (const t of tokens) {
        if (vocab.has(t)) covered += qweight(t);
        else unexplained += penalties.get(t) ?? 1;
      }
      const coverage = covered / queryWeight;
      const intent = this.intents[i] as Intent;
      let base = qw * best.similarity + (1 - qw) * coverage;
      if (type !== 'other' && !accepts(this.intentTypes[i] as Set<QuestionType>, type)) base *= this.options.typeMismatch;
      if (intent.sentence && !this.isPointedAt(intent.sentence, pointer)) base *= this.options.typeMismatch;
      candidates.push({
        intent,
        score: base * Math.exp(-this.options.unexplainedPenalty * unexplained * lengthDamping),
        similarity: best.similarity,
        coverage,
        unexplained,
        question: intent.questions[best.question] as string,
        order: i,
      });
    }
    candidates.sort((a, b) => b.score - a.score || a.order - b.order);
    return { tokens, unknown, corrections, candidates: candidates.map(({ order: _order, ...c }) => c) };
  }
}
