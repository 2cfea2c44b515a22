import { COMMON, KNOWN, VERY_COMMON } from './common-words.js';

/**
 * How common a word is in everyday spoken English, in bands from SUBTLEX-US
 * counts (see scripts/build-common-words.mjs). A question word the article
 * never uses tells us more when it is rare ("civilians", "province") than
 * when it is everyday filler ("keep", "whole"): rare unexplained words are
 * what mark a question the article cannot answer.
 */
let bands: Map<string, number> | undefined;

function table(): Map<string, number> {
  if (!bands) {
    bands = new Map();
    // Rarest band first, so a word listed twice keeps its most common band.
    for (const [text, weight] of [
      [KNOWN, 0.6],
      [COMMON, 0.35],
      [VERY_COMMON, 0.15],
    ] as const) {
      for (const word of text.split(' ')) if (word) bands.set(word, weight);
    }
  }
  return bands;
}

/** 0.15 for everyday words … 1 for words rare in speech or not in the list at all. */
export function rarity(word: string): number {
  return table().get(word) ?? 1;
}

/** Whether a word is an everyday English word (in the SUBTLEX-US bands): such a word is never a typo. */
export function isEnglishWord(word: string): boolean {
  return table().has(word);
}

/** Build the table ahead of the first question. */
export function warmWordFrequencies(): void {
  table();
}
