import type { ConversationContext } from './conversation/context.js';

/** One sentence of the article, verbatim, numbered 1..N in reading order. */
export interface Sentence {
  number: number;
  paragraph: number;
  text: string;
}

export interface Paragraph {
  number: number;
  sentences: readonly Sentence[];
}

export interface Article {
  title: string;
  text: string;
  sentences: readonly Sentence[];
  paragraphs: readonly Paragraph[];
}

/** An intent as loaded from `intents/*.yaml`, after validation. */
export interface Intent {
  id: string;
  questions: readonly string[];
  answer: string;
  /** Verbatim part of one article sentence; absent for small talk. */
  source?: string;
  /** The article sentence that contains `source` (resolved at load time). */
  sentence?: Sentence;
  related: readonly string[];
  keywords: readonly string[];
  /** Small talk: greeting, thanks, help... never counts as an article answer. */
  chat: boolean;
  /**
   * A question the article cannot answer, close enough to its topic to be
   * mistaken for one ("Who leads ISIS?"). Matching it means an honest
   * "the article doesn't say", with `answer` as the specific wording.
   */
  unanswerable: boolean;
  /** Where the intent starts in its file, for messages that point at it. */
  location: { file: string; line: number };
}

export type NoMatchReason = 'unanswerable' | 'off-topic' | 'not-covered';

export type ReplyKind = 'answer' | 'clarify' | 'no-match' | 'chat' | 'invalid';

export interface SourceRef {
  sentence: string;
  number: number;
  paragraph: number;
}

export interface Suggestion {
  intent: string;
  question: string;
}

/**
 * The one channel-agnostic reply value. Channels render it in their own
 * format; nothing here knows about Slack or the browser.
 */
export interface Reply {
  kind: ReplyKind;
  /** The question as asked, trimmed; never used as markup by any channel. */
  question: string;
  intent: string | null;
  /** The answer text for `answer` and `chat`, otherwise null. */
  answer: string | null;
  /**
   * The reply's opening line: the answer, or why there is none ("I'm not sure
   * which part…", "The article doesn't say who leads ISIS.", "That message is too long…").
   */
  message: string;
  source: SourceRef | null;
  /** 0..1; how sure the matcher is of the best intent. */
  confidence: number;
  /**
   * `no-match` only: why there is no answer. `unanswerable`: a question we know the article can't
   * answer; `off-topic`: not about the article, or asking an opinion; `not-covered`: anything else.
   */
  reason: NoMatchReason | null;
  /** `clarify`: the "did you mean" choices. `no-match`/`invalid`: example questions. */
  suggestions: readonly Suggestion[];
  /** `answer`: related questions worth asking next. */
  related: readonly Suggestion[];
  /** The matcher's best few intents with their scores, best first: for logs, review and explanation. */
  candidates: readonly ScoredIntent[];
  /**
   * A question of two or three parts ("who announced the raid and how many died?"): one reply per part,
   * in order, each with its own source or its own "the article doesn't say". Absent for one question.
   */
  parts?: readonly Reply[];
}

export interface ScoredIntent {
  intent: string;
  score: number;
}

export interface Engine {
  /** A short hash of the content (article, intents, aliases, tuning) this engine answers from. */
  readonly version: string;
  readonly article: Article;
  readonly intents: readonly Intent[];
  /** Answer a free-text question on its own. Same input, same output. */
  ask(question: string): Reply;
  /**
   * Answer a question as the next turn of a conversation ("and when did they start?"). Pure: the
   * context in, the reply and the next context out; a ConversationMemory keeps it between turns.
   */
  converse(question: string, context: ConversationContext | undefined): { reply: Reply; context: ConversationContext };
  /** Answer an intent chosen by id (a "did you mean" or related-question button). */
  answerIntent(intentId: string): Reply | undefined;
  /** A few example questions, each answerable from the article. */
  examples(count?: number): readonly Suggestion[];
}
