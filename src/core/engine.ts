import { MESSAGES } from '../messages.js';
import { defaultPaths, loadContentOrThrow, type ContentPaths } from './content.js';
import { decide, type Thresholds } from './decide.js';
import { Matcher, type MatcherOptions, type Ranking } from './matcher.js';
import type { Normalizer } from './normalize.js';
import { ReplyBuilder, suggestionFor } from './reply.js';
import type { Article, Engine, Intent, Reply, Suggestion } from './types.js';

/** Longer messages are politely refused before any matching work is done. */
export const MAX_QUESTION_CHARS = 1_000;

// Control characters carry no meaning in a question; keep tabs and newlines as spaces.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export interface EngineParts {
  article: Article;
  intents: readonly Intent[];
  normalizer: Normalizer;
  thresholds: Thresholds;
  matcherOptions?: MatcherOptions;
}

/** An Engine plus the raw ranking, for the evaluation and the validator. */
export interface InspectableEngine extends Engine {
  readonly matcher: Matcher;
  readonly thresholds: Thresholds;
  rank(question: string): Ranking;
}

/** One example question per part of the article, spread over its paragraphs. */
function pickExamples(intents: readonly Intent[], count: number): Suggestion[] {
  const article = intents.filter((i) => i.sentence);
  const firstPerSentence = new Map<number, Intent>();
  for (const i of article) if (!firstPerSentence.has(i.sentence?.number as number)) firstPerSentence.set(i.sentence?.number as number, i);
  const pool = [...firstPerSentence.values()];
  if (pool.length === 0) return [];
  const out: Suggestion[] = [];
  for (let k = 0; k < Math.min(count, pool.length); k++) {
    out.push(suggestionFor(pool[Math.floor((k * pool.length) / Math.min(count, pool.length) + pool.length / (2 * count))] ?? (pool[k] as Intent)));
  }
  return out;
}

export function createEngine(parts: EngineParts): InspectableEngine {
  const { article, intents, normalizer, thresholds } = parts;
  const matcher = new Matcher(intents, normalizer, parts.matcherOptions);
  const examplePool = pickExamples(intents, 6);
  const replies = new ReplyBuilder(article, intents, examplePool.slice(0, 3));
  const byId = new Map(intents.map((i) => [i.id, i]));

  const clean = (question: unknown): string | null => {
    if (typeof question !== 'string') return null;
    // Trim before cleaning only a bounded prefix: a huge message costs O(1) beyond its length check.
    if (question.length > MAX_QUESTION_CHARS * 4) return question.slice(0, MAX_QUESTION_CHARS * 4);
    return question.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  };

  return {
    article,
    intents,
    matcher,
    thresholds,
    rank: (question) => matcher.rank(question),
    ask(question: string): Reply {
      const text = clean(question);
      if (text === null) return replies.invalid('', MESSAGES.empty);
      if (text.length > MAX_QUESTION_CHARS) return replies.invalid(`${text.slice(0, 80)}…`, MESSAGES.tooLong);
      if (text === '') return replies.invalid('', MESSAGES.empty);
      return replies.fromDecision(text, decide(matcher.rank(text), thresholds));
    },
    answerIntent(intentId: string): Reply | undefined {
      const intent = byId.get(intentId);
      if (!intent) return undefined;
      const question = intent.questions[0] as string;
      if (intent.unanswerable) return replies.fromDecision(question, { kind: 'no-match' });
      return replies.answer(question, intent, 1);
    },
    examples(count = 3): readonly Suggestion[] {
      return examplePool.slice(0, Math.max(0, count));
    },
  };
}

export interface LoadEngineOptions {
  root: string;
  paths?: Partial<ContentPaths>;
  matcherOptions?: MatcherOptions;
}

/** Load, validate and index the content; throws a ContentError naming every problem. */
export function loadEngine(options: LoadEngineOptions): InspectableEngine {
  const paths = { ...defaultPaths(options.root), ...options.paths };
  const content = loadContentOrThrow(paths, options.root);
  return createEngine({ ...content, ...(options.matcherOptions ? { matcherOptions: options.matcherOptions } : {}) });
}
