import type { Intent } from '../types.js';
import type { Normalizer, Query, QuestionType, TextPointer } from './query.js';
import { type Evidence, score } from './score.js';
import { SpellingCorrector } from './spelling.js';
import type { Tuning } from './tuning.js';
import { rarity, warmWordFrequencies } from './words/english.js';
import { COURTESIES, SMALL_TALK_FILLER } from './words/small-talk-filler.js';
import { QUESTION_TOKENS } from './words/follow-up.js';
import { asksForAStance } from './words/stance.js';

/**
 * The index and the ranking: stages 1–3 of the pipeline (query → spelling → score) for every intent.
 *
 * Plain fuse.js compares a whole question to whole example questions with the Bitap algorithm,
 * which degrades past 32 characters and favours matches near the start of the text. So fuse.js
 * works at the word level (spelling.ts), and whole questions are ranked by IDF-weighted overlap
 * between the question's tokens and each intent's example questions, plus how much of the question
 * the intent's vocabulary explains. A question with words no intent knows ("troops in Syria",
 * "prime minister") keeps a low score, which is what lets the bot say "the article doesn't say".
 */

export interface Candidate {
  intent: Intent;
  /** Combined score, 0..1 (score.ts). */
  score: number;
  /** Best cosine similarity to one of the intent's questions. */
  similarity: number;
  /** Share of the query's weight that the intent's vocabulary explains. */
  coverage: number;
  /** Sum of the penalties of query words the intent cannot explain (0 when it explains them all). */
  unexplained: number;
  /** The example question that matched best. */
  question: string;
  /** Every input of the score, for explanations (`npm run shell`'s `:why`). */
  evidence: Evidence;
}

export interface Ranking {
  tokens: readonly string[];
  /** Query tokens no intent knows. */
  unknown: readonly string[];
  /** Spelling corrections applied: misspelt → known. */
  corrections: Readonly<Record<string, string>>;
  /** Each token's weight and penalty, as scored. */
  weights: ReadonlyMap<string, { weight: number; penalty: number }>;
  type: QuestionType;
  /** The whole message is small talk: only small-talk intents were ranked. Otherwise none were. */
  smallTalk: boolean;
  /** Some word of the question is on the article's topic (see `topicalRarity`). */
  topical: boolean;
  /** The question's own tokens that are on the article's topic, question words left out: what a later "it" refers to. */
  topic: readonly string[];
  /** Every word of the question as meant (folded, shorthand expanded, spelling corrected). */
  words: readonly string[];
  /** The question's own words that say something (not question words, not everyday English), known to the intents or not. */
  content: readonly string[];
  /** The question asks for an opinion, a judgement or advice (words/stance.ts). */
  asksForAStance: boolean;
  candidates: readonly Candidate[];
}

interface Entry {
  intent: number;
  question: number;
  tokens: ReadonlySet<string>;
  norm: number;
}

/** Where a clause ends inside a message: a dash, colon, semicolon, or the end of a sentence. */
// Not the dot of an abbreviation: "U.S. raid" is one clause.
const CLAUSE_BREAK = /\s[—–-]+\s|[—–]|[:;]\s|(?<!\.[A-Za-z])[.?!]\s+(?=\S)/g;

/** The part of a message after its last clause break, if that part has three words or more. */
export function clauseTails(message: string): string[] {
  let last: string | undefined;
  for (const m of message.slice(0, 2_000).matchAll(CLAUSE_BREAK)) {
    const tail = message.slice((m.index ?? 0) + m[0].length).trim();
    if (tail.split(/\s+/).length >= 3) last = tail;
  }
  return last === undefined ? [] : [last];
}

/** "Which countries…" asks for a place or for a party: an intent asked with either may answer it. */
function accepts(types: ReadonlySet<QuestionType>, type: QuestionType): boolean {
  return type === 'other' || types.has(type) || (type === 'which-country' && (types.has('who') || types.has('where')));
}

export class Matcher {
  readonly intents: readonly Intent[];
  readonly normalizer: Normalizer;
  readonly tuning: Tuning;
  private readonly spelling: SpellingCorrector;
  private readonly entries: Entry[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly idf = new Map<string, number>();
  private readonly intentVocab: Set<string>[] = [];
  private readonly vocabById = new Map<string, ReadonlySet<string>>();
  /** The first article intent of each sentence, in article order: what stands for a sentence. */
  readonly firstIntents: readonly Intent[];
  /** Question types each intent is asked with. */
  private readonly intentTypes: Set<QuestionType>[] = [];
  private readonly unknownWeight: number;
  private readonly lastSentence: number;
  private readonly lastParagraph: number;
  /** Per-question dot products, indexed by entry; always all zero between calls to rank. */
  private readonly dotBuffer: Float64Array;
  /** Every word of every small-talk example, as meant; and each example's words. */
  private readonly chatWords = new Set<string>();
  private readonly chatExamples: ReadonlySet<string>[] = [];
  /** Tokens of the intents about the article (answerable or not): what makes a question on its topic. */
  private readonly topicVocab = new Set<string>();

  constructor(intents: readonly Intent[], normalizer: Normalizer, tuning: Tuning) {
    this.intents = intents;
    this.normalizer = normalizer;
    this.tuning = tuning;
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
      this.intentTypes.push(new Set<QuestionType>(intent.questions.map((q) => normalizer.typeOf(q))));
      for (const k of intent.keywords) add(k);
      add(intent.answer);
      if (intent.source) add(intent.source);
      this.intentVocab.push(vocab);
      this.vocabById.set(intent.id, vocab);
      if (intent.chat) {
        for (const q of intent.questions) {
          const words = new Set(normalizer.meant(q).filter((w) => !SMALL_TALK_FILLER.has(w)));
          for (const w of words) this.chatWords.add(w);
          if (words.size > 0) this.chatExamples.push(words);
        }
      } else {
        for (const t of vocab) this.topicVocab.add(t);
      }
    });
    this.spelling = new SpellingCorrector({ known: surface, isStopWord: (w) => normalizer.isStopWord(w) }, tuning);
    const firsts = new Map<number, Intent>();
    for (const intent of intents) if (intent.sentence && !firsts.has(intent.sentence.number)) firsts.set(intent.sentence.number, intent);
    this.firstIntents = [...firsts.entries()].sort((x, y) => x[0] - y[0]).map(([, intent]) => intent);
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
  }

  /** Whether a sentence is where the question points: a paragraph counts only when no sentence is named. */
  private isPointedAt(sentence: { number: number; paragraph: number } | undefined, pointer: TextPointer): boolean {
    if (!sentence) return true;
    const resolve = (n: number, last: number): number => (n === Number.POSITIVE_INFINITY ? last : n);
    if (pointer.sentence !== undefined) return sentence.number === resolve(pointer.sentence, this.lastSentence);
    if (pointer.paragraph !== undefined) return sentence.paragraph === resolve(pointer.paragraph, this.lastParagraph);
    return true;
  }

  /**
   * "What does the last paragraph say?": no word to match, but a place in the article. A sentence
   * pointed at is answered by its first intent; a paragraph gets its sentences' first intents as
   * "did you mean" choices (scored between `clarify` and `answer`), in reading order.
   */
  private pointedCandidates(pointer: TextPointer): Candidate[] {
    if (pointer.sentence === undefined && pointer.paragraph === undefined) return [];
    const pointed = this.firstIntents.filter((i) => this.isPointedAt(i.sentence, pointer));
    const score = pointer.sentence !== undefined ? 1 : (this.tuning.clarify + this.tuning.answer) / 2;
    return pointed.map((intent) => ({
      intent,
      score,
      similarity: 0,
      coverage: 0,
      unexplained: 0,
      question: intent.questions[0] as string,
      evidence: { similarity: 0, coverage: 0, unexplained: 0, typeMatches: true, pointedAt: true, tokens: 0 },
    }));
  }

  private weight(token: string): number {
    return this.idf.get(token) ?? this.unknownWeight;
  }

  /** Whether an intent's vocabulary (examples, keywords, answer, source) has this token. */
  explains(intent: Intent, token: string): boolean {
    return this.vocabById.get(intent.id)?.has(token) === true;
  }

  /** Whether any intent uses this token. */
  knows(token: string): boolean {
    return this.idf.has(token);
  }

  /**
   * Small talk is a closed class: every word of the message is a small-talk word, and the message as
   * a whole is close to one small-talk example. "today" or "is this good news?" is not small talk
   * just because "have a good day" is.
   */
  private isSmallTalk(all: readonly string[]): boolean {
    const words = all.filter((w) => !SMALL_TALK_FILLER.has(w));
    if (words.length === 0 || !words.every((w) => this.chatWords.has(w))) return false;
    const mine = new Set(words);
    return this.chatExamples.some((example) => {
      let shared = 0;
      for (const w of mine) if (example.has(w)) shared += 1;
      return shared / (mine.size + example.size - shared) >= this.tuning.smallTalkOverlap;
    });
  }

  /** A word on the article's topic: an article intent uses it, and it is an alias or not everyday English. */
  private isTopical(token: string, word: string): boolean {
    if (!this.topicVocab.has(token) || /^\d+$/.test(token)) return false;
    return this.normalizer.isCanonical(word) || rarity(word) >= this.tuning.topicalRarity;
  }

  /** Stages 1 and 2: the question's tokens, spelling-corrected, each with its weight and penalty. */
  analyze(question: string): { query: Query; weights: Map<string, { weight: number; penalty: number }>; corrections: Record<string, string> } {
    const corrections: Record<string, string> = {};
    const query = this.normalizer.query(question, { maxWords: this.tuning.maxWords, correct: (words) => this.spelling.forQuestion(corrections, words) });
    const weights = new Map<string, { weight: number; penalty: number }>();
    for (const { token, word } of query.tokens) {
      if (weights.has(token)) continue;
      const known = this.idf.get(token);
      // A word some intent knows counts by how specific it is, an unknown one by how rare it is in
      // English; an everyday word ("told", "real", "problem") is filler even if some intent uses it.
      const penalty = known !== undefined ? Math.min(known / this.unknownWeight, Math.max(rarity(word), this.tuning.everydayWordPenalty)) : rarity(word);
      weights.set(token, { weight: known ?? this.unknownWeight * penalty, penalty });
    }
    return { query, weights, corrections };
  }

  /**
   * Rank intents for a question, best first. `exclude` leaves one example
   * question out of the index, for leave-one-out evaluation.
   */
  rank(question: string, exclude?: { intent: string; question: number }): Ranking {
    const whole = this.rankText(question, exclude);
    // "I'm writing a brief for my boss, so: when did the talks start?" The question is often the
    // last clause: rank it too, and keep whichever reading scores best.
    let best = whole;
    for (const tail of clauseTails(question)) {
      const ranking = this.rankText(tail, exclude);
      const top = ranking.candidates[0];
      if (top && !ranking.smallTalk && top.score > (best.candidates[0]?.score ?? 0) + this.tuning.tailMargin) best = ranking;
    }
    return best;
  }

  /**
   * Rank a follow-up with the topic of the turn before it: "and when did they start?" after a turn
   * about the US–Iraq talks is read with "us iraq talks" added. The question type is the follow-up's own.
   */
  rankWithTopic(question: string, topic: readonly string[]): Ranking {
    return this.rankText(question, undefined, topic);
  }

  private rankText(question: string, exclude?: { intent: string; question: number }, topic: readonly string[] = []): Ranking {
    const { query, weights, corrections } = this.analyze(question);
    for (const token of topic) {
      const known = this.idf.get(token);
      if (known === undefined || weights.has(token)) continue;
      // Context, not the question: it adds evidence, and an intent that doesn't use it is not penalised.
      weights.set(token, { weight: known, penalty: 0 });
    }
    const smallTalk = !query.framed && this.isSmallTalk(query.words);
    // "hello bot!": in small talk, the filler is not a word the reply must explain.
    if (smallTalk) for (const { token, word } of query.tokens) if (SMALL_TALK_FILLER.has(word)) weights.delete(token);
    // …and around an article question, the courtesies are not what is asked.
    if (!smallTalk) for (const { token, word } of query.tokens) if (COURTESIES.has(word)) weights.delete(token);
    const tokens = [...weights.keys()];
    const unknown = tokens.filter((t) => !this.idf.has(t));
    const result = {
      words: query.words,
      tokens,
      unknown,
      corrections,
      weights,
      type: query.type,
      smallTalk,
      topical: query.tokens.some(({ token, word }) => this.isTopical(token, word)) || topic.some((t) => this.topicVocab.has(t)),
      topic: [...new Set(query.tokens.filter(({ token, word }) => !QUESTION_TOKENS.has(token) && this.isTopical(token, word)).map((t) => t.token))],
      content: [
        ...new Set(
          query.tokens
            .filter(({ token, word }) => !QUESTION_TOKENS.has(token) && (this.normalizer.isCanonical(word) || rarity(word) >= this.tuning.topicalRarity))
            .map((t) => t.token),
        ),
      ],
      asksForAStance: !smallTalk && asksForAStance(query.words.join(' ')),
    };
    // Nothing but question words and a place in the article: "what does the last paragraph say?"
    if (tokens.every((t) => QUESTION_TOKENS.has(t))) {
      const pointed = this.pointedCandidates(query.pointer);
      if (pointed.length > 0 || tokens.length === 0) return { ...result, topical: result.topical || pointed.length > 0, candidates: pointed };
    }

    let queryNormSq = 0;
    let queryWeight = 0;
    for (const { weight } of weights.values()) {
      queryNormSq += weight * weight;
      queryWeight += weight;
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
    const containment = tokens.length > this.tuning.longQuery ? this.tuning.containmentWeight : 0;
    const bestByIntent = new Map<number, { similarity: number; question: number }>();
    for (const e of touched) {
      const dot = dots[e] as number;
      dots[e] = 0;
      const entry = this.entries[e] as Entry;
      const intent = this.intents[entry.intent] as Intent;
      if (intent.chat !== smallTalk) continue;
      if (exclude && intent.id === exclude.intent && entry.question === exclude.question) continue;
      const contained = entry.tokens.size >= this.tuning.minContainedTokens ? (containment * dot) / (entry.norm * entry.norm) : 0;
      const similarity = Math.max(dot / (queryNorm * entry.norm), contained);
      const current = bestByIntent.get(entry.intent);
      if (!current) bestByIntent.set(entry.intent, { similarity, question: entry.question });
      else if (similarity > current.similarity) {
        current.similarity = similarity;
        current.question = entry.question;
      }
    }

    const candidates: (Candidate & { order: number })[] = [];
    for (const [i, best] of bestByIntent) {
      const vocab = this.intentVocab[i] as Set<string>;
      let covered = 0;
      let unexplained = 0;
      for (const [t, { weight, penalty }] of weights) {
        if (vocab.has(t)) covered += weight;
        else unexplained += penalty;
      }
      const intent = this.intents[i] as Intent;
      const evidence: Evidence = {
        similarity: best.similarity,
        coverage: covered / queryWeight,
        unexplained,
        typeMatches: accepts(this.intentTypes[i] as Set<QuestionType>, query.type),
        pointedAt: this.isPointedAt(intent.sentence, query.pointer),
        tokens: tokens.length,
      };
      candidates.push({
        intent,
        score: score(evidence, this.tuning),
        similarity: evidence.similarity,
        coverage: evidence.coverage,
        unexplained,
        question: intent.questions[best.question] as string,
        evidence,
        order: i,
      });
    }
    candidates.sort((a, b) => b.score - a.score || a.order - b.order);
    return { ...result, candidates: candidates.map(({ order: _order, ...c }) => c) };
  }
}
