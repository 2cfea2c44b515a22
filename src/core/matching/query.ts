import { foldText, splitWords } from './fold.js';
import { stem } from './stem.js';
import { NUMBER_WORDS } from './words/number-words.js';
import { QUESTION_TYPE_PATTERNS, type QuestionType } from './words/question-words.js';
import { SHORTHAND } from './words/shorthand.js';
import { STOP_WORDS } from './words/stop-words.js';
import { FRAMING, ORDINALS, POINTER, SUMMARY_FRAMING } from './words/text-pointers.js';

/**
 * Stage 1 of the pipeline: a question (or an example question) becomes content tokens.
 * Both sides of every comparison go through the same steps, in this order:
 * fold (case, diacritics, quotes, acronym dots) → drop framing ("in the third paragraph", "tl;dr")
 * → expand texting shorthand → [questions only: correct spelling] → aliases (intents/aliases.yaml)
 * → number words → drop stop words → stem. The question's type and any pointer into the text are
 * read from the same folded text.
 */

export type { QuestionType } from './words/question-words.js';

export type AliasTable = Readonly<Record<string, readonly string[]>>;

/** Where in the article a question points ("in the third paragraph", "the last sentence"), if it does. */
export interface TextPointer {
  paragraph?: number;
  sentence?: number;
}

/** Folded text read by the type and pointer patterns: a bounded prefix, whatever the question's length. */
const FOLD_PREFIX = 2_000;

export function questionType(text: string): QuestionType {
  return typeOfFolded(foldText(text));
}

export function typeOfFolded(folded: string): QuestionType {
  for (const [type, pattern] of QUESTION_TYPE_PATTERNS) if (pattern.test(folded)) return type;
  return 'other';
}

export function textPointer(text: string): TextPointer {
  return pointerOfFolded(foldText(text.slice(0, FOLD_PREFIX)));
}

export function pointerOfFolded(folded: string): TextPointer {
  const pointer: TextPointer = {};
  for (const m of folded.matchAll(POINTER)) {
    const n = ORDINALS.get(m[1] as string) as number;
    if (m[2] === 'paragraph') pointer.paragraph ??= n;
    else pointer.sentence ??= n;
  }
  return pointer;
}

const FRAMING_PRESENT = new RegExp(FRAMING.source);
const unframed = (folded: string): string => folded.replace(FRAMING, ' ').replace(/ {2,}/g, ' ').trim();
const expand = (w: string): string => SHORTHAND.get(w) ?? w;

/** Content words seen while indexing are remembered, up to this many each; questions never add to them. */
const CONTENT_CACHE_LIMIT = 20_000;

interface AliasPhrase {
  words: readonly string[];
  canonical: string;
}

/** A question's analysis: its content tokens (with the word each came from), type and pointer. */
export interface Query {
  /** Every word as meant (folded, unframed, shorthand expanded, spelling corrected), stop words included. */
  words: readonly string[];
  /** The question had framing ("in the first sentence", "tl;dr"): it is about the article, never small talk. */
  framed: boolean;
  tokens: readonly { token: string; word: string }[];
  type: QuestionType;
  pointer: TextPointer;
}

export interface QueryOptions {
  /** Stop after this many content words: bounds the work on a huge message. */
  maxWords: number;
  /** Spelling correction (stage 2) for a question's words: given them all, it returns the corrector for each. */
  correct: (words: readonly string[]) => (word: string) => string;
}

export class Normalizer {
  private readonly phrasesByFirst = new Map<string, AliasPhrase[]>();
  private readonly canonicals = new Set<string>();
  private readonly contentWords = new Map<string, readonly string[]>();
  private readonly contentFolds = new Map<string, string>();
  private readonly contentStems = new Map<string, string>();

  constructor(aliases: AliasTable = {}) {
    for (const [canonical, variants] of Object.entries(aliases)) {
      const canon = foldText(canonical).replace(/ /g, '');
      this.canonicals.add(canon);
      for (const variant of [canonical, ...variants]) {
        // Read as a question is read: "whats this article about" as "what this article about".
        const words = splitWords(foldText(variant)).map(expand);
        const first = words[0];
        if (first === undefined) continue;
        const list = this.phrasesByFirst.get(first) ?? [];
        list.push({ words, canonical: canon });
        this.phrasesByFirst.set(first, list);
      }
    }
    // Longest phrase first, so "united states" wins over "united".
    for (const list of this.phrasesByFirst.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  /** foldText for content (example questions, answers, sources), remembered: the validator and the index share it. */
  fold(text: string): string {
    const cached = this.contentFolds.get(text);
    if (cached !== undefined) return cached;
    const folded = foldText(text);
    if (this.contentFolds.size < CONTENT_CACHE_LIMIT) this.contentFolds.set(text, folded);
    return folded;
  }

  /** Content words after folding, framing, shorthand, aliases and number words; before stop words and stemming. */
  words(text: string): readonly string[] {
    const cached = this.contentWords.get(text);
    if (cached) return cached;
    const out = this.replaceAliases(splitWords(unframed(this.fold(text))).map(expand), Number.POSITIVE_INFINITY);
    if (this.contentWords.size < CONTENT_CACHE_LIMIT) this.contentWords.set(text, out);
    return out;
  }

  /** Content tokens: aliased, without stop words, stemmed. Canonical alias forms are never stemmed. */
  tokens(text: string): string[] {
    const out: string[] = [];
    for (const word of this.words(text)) {
      const token = this.tokenOf(word, true);
      if (token !== undefined) out.push(token);
    }
    return out;
  }

  /** A person's question, through every stage. Nothing about it is remembered here (spelling has its own bounded cache). */
  query(question: string, options: QueryOptions): Query {
    const folded = foldText(question.slice(0, FOLD_PREFIX));
    const typed = splitWords(unframed(folded))
      .slice(0, options.maxWords * 2)
      .map(expand);
    const raw = typed.map(options.correct(typed));
    const tokens: { token: string; word: string }[] = [];
    for (const word of this.replaceAliases(raw, options.maxWords)) {
      const token = this.tokenOf(word, false);
      if (token !== undefined) tokens.push({ token, word });
    }
    // "tl;dr" alone is framing around nothing: it asks for a summary.
    if (tokens.length === 0 && SUMMARY_FRAMING.test(folded)) tokens.push({ token: stem('summary'), word: 'summary' });
    // The type is read from the words as meant ("wen" is "when"), the pointer from the text as typed.
    return { words: raw, framed: FRAMING_PRESENT.test(folded), tokens, type: typeOfFolded(raw.join(' ')), pointer: pointerOfFolded(folded) };
  }

  /** Content's words as meant (folded, unframed, shorthand expanded), stop words included. */
  meant(text: string): string[] {
    return splitWords(unframed(this.fold(text))).map(expand);
  }

  /** The question type of an example question, read as a person's question would be. */
  typeOf(text: string): QuestionType {
    return typeOfFolded(this.meant(text).join(' '));
  }

  /** Whether a word is an alias table's canonical form ("us", "isis", "talks"). */
  isCanonical(word: string): boolean {
    return this.canonicals.has(word);
  }

  private replaceAliases(raw: readonly string[], maxWords: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < raw.length && out.length < maxWords; ) {
      const word = raw[i] as string;
      const phrase = this.phrasesByFirst.get(word)?.find((p) => p.words.every((w, k) => raw[i + k] === w));
      if (phrase) {
        out.push(phrase.canonical);
        i += phrase.words.length;
      } else {
        out.push(NUMBER_WORDS.get(word) ?? word);
        i += 1;
      }
    }
    return out;
  }

  /** A word's token: canonical alias forms as they are, stop words none, the rest stemmed. */
  private tokenOf(word: string, remember: boolean): string | undefined {
    if (this.canonicals.has(word)) return word;
    if (STOP_WORDS.has(word)) return undefined;
    // Content stems are remembered: the same few thousand words recur across every example question.
    let stemmed = this.contentStems.get(word);
    if (stemmed === undefined) {
      stemmed = stem(word);
      if (remember && this.contentStems.size < CONTENT_CACHE_LIMIT) this.contentStems.set(word, stemmed);
    }
    return stemmed;
  }

  isStopWord(word: string): boolean {
    return STOP_WORDS.has(word);
  }

  /** Every single word an alias table entry is made of, as folded text. */
  aliasWords(): string[] {
    const out = new Set<string>(this.canonicals);
    for (const list of this.phrasesByFirst.values()) for (const p of list) for (const w of p.words) out.add(w);
    return [...out];
  }
}
