import { MESSAGES } from '../messages.js';
import { defaultPaths, loadContentOrThrow, type ContentPaths } from './content.js';
import { explainRanking } from './matching/explain.js';
import { Matcher, type Ranking } from './matching/matcher.js';
import type { Normalizer } from './matching/query.js';
import { type Tuning, type TuningOverrides, tune } from './matching/tuning.js';
import { ReplyBuilder, suggestionFor } from './reply.js';
import { type ConversationContext, emptyContext, withTurn } from './conversation/context.js';
import { splitParts } from './conversation/parts.js';
import { type Resolution, resolveTurn } from './conversation/resolve.js';
import type { Article, Engine, Intent, Reply, Suggestion } from './types.js';

// Control characters carry no meaning in a question; keep tabs and newlines as spaces.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export interface EngineParts {
  article: Article;
  intents: readonly Intent[];
  normalizer: Normalizer;
  tuning: Tuning;
  /** The content's hash (see `contentVersion`); 'unversioned' for engines built from values in tests. */
  version?: string;
}

/** An Engine plus the raw ranking, for the evaluation and the validator. */
export interface InspectableEngine extends Engine {
  readonly matcher: Matcher;
  readonly tuning: Tuning;
  rank(question: string): Ranking;
  /** How a question was (or would be) matched as the next turn of a conversation, term by term. */
  explain(question: string, context?: ConversationContext): string[];
}

/** `count` example questions spread evenly over the article, so they show how much it covers. */
function spread(pool: readonly Intent[], count: number): Suggestion[] {
  const n = Math.min(Math.max(0, count), pool.length);
  return Array.from({ length: n }, (_, k) => suggestionFor(pool[Math.floor(((k + 0.5) * pool.length) / n)] as Intent));
}

export function createEngine(parts: EngineParts): InspectableEngine {
  const { article, intents, normalizer, tuning } = parts;
  const matcher = new Matcher(intents, normalizer, tuning);
  const maxChars = tuning.maxQuestionChars;
  // Example questions come from the first intent of each sentence, so they show how much the article covers.
  const pool = matcher.firstIntents;
  const replies = new ReplyBuilder(intents, spread(pool, 3), pool.map(suggestionFor));
  const byId = new Map(intents.map((i) => [i.id, i]));

  const clean = (question: unknown): string | null => {
    if (typeof question !== 'string') return null;
    // Trim before cleaning only a bounded prefix: a huge message costs O(1) beyond its length check.
    if (question.length > maxChars * 4) return question.slice(0, maxChars * 4);
    return question.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  };

  const withCandidates = (reply: Reply, ranking: Ranking): Reply => ({
    ...reply,
    candidates: ranking.candidates.slice(0, 3).map((c) => ({ intent: c.intent.id, score: Math.round(c.score * 1000) / 1000 })),
  });
  const deps = { matcher, tuning, byId, primaryBySentence: new Map(pool.map((i) => [i.sentence?.number as number, i])) };

  const replyTo = (text: string, r: Resolution): Reply => {
    switch (r.kind) {
      case 'decision':
        return withCandidates(replies.fromDecision(text, r.decision), r.ranking);
      case 'intent':
        return replies.answer(text, r.intent, 1);
      case 'nothing-more':
        return replies.decline(text, MESSAGES.nothingMore, 'not-covered');
      case 'no-reason':
        return replies.decline(text, MESSAGES.noReason, 'not-covered');
    }
  };
  const turnOf = (reply: Reply, topic: readonly string[]) => ({
    intent: reply.kind === 'answer' ? reply.intent : null,
    sentence: reply.kind === 'answer' ? (reply.source?.number ?? null) : null,
    topic,
  });

  /** Validation shared by `ask` and `converse`: the cleaned text, or the reply that refuses it. */
  const check = (question: string): { text: string } | { refusal: Reply } => {
    const text = clean(question);
    if (text === null || text === '') return { refusal: replies.invalid('', MESSAGES.empty) };
    if (text.length > maxChars) return { refusal: replies.invalid(`${text.slice(0, 80)}…`, MESSAGES.tooLong) };
    return { text };
  };

  const converse = (question: string, context: ConversationContext | undefined): { reply: Reply; context: ConversationContext } => {
    const checked = check(question);
    const start = context ?? emptyContext();
    if ('refusal' in checked) return { reply: checked.refusal, context: start };
    const { text } = checked;
    // A part is ranked once, whether to see if it names something or to answer it.
    const ranked = new Map<string, Ranking>();
    const rankOnce = (part: string): Ranking => {
      let r = ranked.get(part);
      if (!r) ranked.set(part, (r = matcher.rank(part)));
      return r;
    };
    const parts = splitParts(text, (part) => rankOnce(part).topic.length > 0);
    if (parts.length === 1) {
      const r = resolveTurn(text, context, deps);
      const reply = replyTo(text, r);
      return { reply, context: withTurn(start, turnOf(reply, r.topic)) };
    }
    // Each part leans on the others for what "it" or "where?" means, and on the conversation before.
    const own = parts.map((p) => rankOnce(p).topic);
    let next = start;
    const replied = parts.map((part, i) => {
      const others = [...new Set(own.filter((_, k) => k !== i).flat())];
      const partContext = others.length > 0 ? withTurn(start, { intent: null, sentence: null, topic: others }) : context;
      const r = resolveTurn(part, partContext, { ...deps, rank: rankOnce });
      const reply = replyTo(part, r);
      next = withTurn(next, turnOf(reply, r.topic));
      return reply;
    });
    return { reply: replies.combine(text, replied), context: next };
  };

  return {
    version: parts.version ?? 'unversioned',
    article,
    intents,
    matcher,
    tuning,
    rank: (question) => matcher.rank(question),
    explain(question: string, context?: ConversationContext): string[] {
      const checked = check(question);
      if ('refusal' in checked) return [checked.refusal.message];
      const r = resolveTurn(checked.text, context, deps);
      if (r.kind === 'decision') {
        const carried =
          context && r.ranking.tokens.some((t) => !matcher.rank(checked.text).tokens.includes(t))
            ? [`read with the conversation's topic: ${r.topic.join(', ')}`]
            : [];
        return [...carried, ...explainRanking(matcher, r.ranking)];
      }
      if (r.kind === 'intent')
        return [`a follow-up ("tell me more" / "what else?"): ${r.intent.id}, sentence ${r.intent.sentence?.number}, not yet given in this conversation`];
      return [r.kind === 'no-reason' ? '"why?": no intent asked with "why" answers the last topic' : '"tell me more": every nearby sentence was already given'];
    },
    ask(question: string): Reply {
      return converse(question, undefined).reply;
    },
    converse,
    answerIntent(intentId: string): Reply | undefined {
      const intent = byId.get(intentId);
      if (!intent) return undefined;
      const question = intent.questions[0] as string;
      if (intent.unanswerable) return replies.fromDecision(question, { kind: 'no-match', reason: 'unanswerable' });
      return replies.answer(question, intent, 1);
    },
    examples(count = 3): readonly Suggestion[] {
      return spread(pool, count);
    },
  };
}

export interface LoadEngineOptions {
  root: string;
  paths?: Partial<ContentPaths>;
  /** Knobs to set over the content's own tuning (experiments and tests). */
  tuning?: TuningOverrides;
}

/** Load, validate and index the content; throws a ContentError naming every problem. */
export function loadEngine(options: LoadEngineOptions): InspectableEngine {
  const paths = { ...defaultPaths(options.root), ...options.paths };
  const content = loadContentOrThrow(paths, options.root);
  return createEngine({ ...content, tuning: options.tuning ? tune({ ...content.tuning, ...options.tuning }) : content.tuning });
}
