import Fuse from 'fuse.js';
import { LruCache } from '../lru.js';
import type { Tuning } from './tuning.js';
import { isEnglishWord } from './words/english.js';

/**
 * Stage 2: typo correction, word by word. fuse.js works at the word level here, where Bitap is exact
 * and fast: it proposes known words near a misspelt one ("negotiatons" → "negotiations"), and edit
 * distance decides. Its cost is bounded per question (a few look-ups) and in memory (LRU caches).
 */

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

/** More unknown words than this, and more than half the question: gibberish, not typos. */
const GIBBERISH_WORDS = 5;

/** Edits a word of this length may contain and still be recognised: none under 4 letters. */
function maxEdits(word: string): number {
  if (word.length < 4) return 0;
  return word.length < 8 ? 1 : 2;
}

export interface SpellingWords {
  /** Every word the content uses, folded: these are never corrected, and are what corrections aim at. */
  known: ReadonlySet<string>;
  isStopWord: (word: string) => boolean;
}

export class SpellingCorrector {
  private readonly known: ReadonlySet<string>;
  private readonly isStopWord: (word: string) => boolean;
  private readonly targets: readonly string[];
  /** First letters of the known words: a word starting with any other letter has nothing to be a typo of. */
  private readonly initials: ReadonlySet<string>;
  private readonly corrections: LruCache<string, string>;
  /** One fuse.js index per word length and first letter, over the known words within reach of it. */
  private readonly indexes: LruCache<string, Fuse<string>>;

  constructor(
    words: SpellingWords,
    private readonly tuning: Tuning,
  ) {
    this.known = words.known;
    this.isStopWord = words.isStopWord;
    this.targets = [...words.known].filter((w) => w.length >= 4 && !/\d/.test(w)).sort();
    this.initials = new Set(this.targets.map((w) => w[0] as string));
    this.corrections = new LruCache(tuning.spellCacheSize);
    this.indexes = new LruCache(tuning.spellIndexCacheSize);
  }

  /** Whether a word is left as typed without a look-up: known, too short or long, a number, or real English. */
  private isFinal(word: string): boolean {
    return (
      this.known.has(word) ||
      maxEdits(word) === 0 ||
      word.length > this.tuning.spellMaxWordLength ||
      !this.initials.has(word[0] as string) ||
      /\d/.test(word) ||
      this.isStopWord(word) ||
      // A real English word is what the person meant ("weather" is not a typo of "whether").
      isEnglishWord(word)
    );
  }

  /**
   * A corrector for one question: at most `spellLookupsPerQuestion` fuzzy look-ups, so a question
   * of a hundred invented words costs a few look-ups, not a hundred; none at all when most of its
   * words are unknown (gibberish has no typo to fix). `corrections` collects what changed.
   */
  forQuestion(corrections: Record<string, string>, words: readonly string[] = []): (word: string) => string {
    // Among the words long enough to be typos: how many are unknown?
    const long = words.filter((w) => w.length >= 4);
    const unknown = long.reduce((n, w) => (this.isFinal(w) ? n : n + 1), 0);
    let lookups = unknown > GIBBERISH_WORDS && unknown * 2 > long.length ? 0 : this.tuning.spellLookupsPerQuestion;
    return (word) => {
      if (this.isFinal(word)) return word;
      let fixed = this.corrections.get(word);
      if (fixed === undefined) {
        if (lookups <= 0) return word;
        lookups -= 1;
        fixed = this.lookUp(word);
        this.corrections.set(word, fixed);
      }
      if (fixed !== word) corrections[word] = fixed;
      return fixed;
    };
  }

  /** The nearest known word within the edit limit (ties: alphabetical), or the word itself. */
  private lookUp(word: string): string {
    const limit = maxEdits(word);
    let best = word;
    let bestDistance = limit + 1;
    for (const hit of this.indexFor(word, limit).search(word)) {
      const d = editDistance(word, hit.item, limit);
      if (d < bestDistance || (d === bestDistance && d <= limit && hit.item < best)) {
        best = hit.item;
        bestDistance = d;
      }
    }
    return best;
  }

  // Each index holds only words within reach of the edit limit that start with the same letter
  // (people rarely mistype the first letter), so a look-up scans tens of words, not thousands.
  private indexFor(word: string, edits: number): Fuse<string> {
    const key = `${word.length}:${word[0]}`;
    let fuse = this.indexes.get(key);
    if (!fuse) {
      // No minMatchCharLength: a missing letter splits a short word's matching letters into
      // runs of two ("phse" in "phase"), and fuse.js would drop the hit. Edit distance vets every hit,
      // so fuse.js need not score-sort them: unsorted, a look-up allocates less (fewer GC pauses).
      fuse = new Fuse(
        this.targets.filter((w) => w[0] === word[0] && Math.abs(w.length - word.length) <= edits),
        { ignoreLocation: true, threshold: this.tuning.fuzzyThreshold, isCaseSensitive: true, shouldSort: false },
      );
      this.indexes.set(key, fuse);
    }
    return fuse;
  }
}
