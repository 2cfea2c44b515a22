import { MESSAGES } from '../messages.js';
import type { Decision } from './matching/decide.js';
import type { Intent, NoMatchReason, Reply, ReplyKind, SourceRef, Suggestion } from './types.js';

export function suggestionFor(intent: Intent): Suggestion {
  return { intent: intent.id, question: intent.questions[0] as string };
}

export function sourceRef(intent: Intent): SourceRef | null {
  const s = intent.sentence;
  return s ? { sentence: s.text, number: s.number, paragraph: s.paragraph } : null;
}

/** Builds replies; holds what every reply needs to know about the content. */
export class ReplyBuilder {
  private readonly byId: ReadonlyMap<string, Intent>;

  constructor(
    intents: readonly Intent[],
    private readonly exampleList: readonly Suggestion[],
    /** Questions that answer from across the article, one or more per sentence: where varied examples come from. */
    private readonly examplePool: readonly Suggestion[] = exampleList,
  ) {
    this.byId = new Map(intents.map((i) => [i.id, i]));
  }

  private base(kind: ReplyKind, question: string): Reply {
    return {
      kind,
      question,
      intent: null,
      answer: null,
      message: '',
      source: null,
      confidence: 0,
      suggestions: [],
      related: [],
      candidates: [],
      reason: null,
    };
  }

  /** A confident answer (or small talk) for one intent. */
  answer(question: string, intent: Intent, confidence: number): Reply {
    const source = sourceRef(intent);
    const related = intent.related
      .map((id) => this.byId.get(id))
      .filter((i): i is Intent => i !== undefined)
      .map(suggestionFor);
    return {
      ...this.base(intent.chat ? 'chat' : 'answer', question),
      intent: intent.id,
      answer: intent.answer,
      message: intent.answer,
      source,
      confidence,
      related,
      // Small talk still points somewhere useful.
      suggestions: intent.chat ? this.exampleList : [],
    };
  }

  fromDecision(question: string, decision: Decision): Reply {
    switch (decision.kind) {
      case 'answer':
        return this.answer(question, decision.best.intent, round(decision.best.score));
      case 'clarify': {
        const suggestions = decision.choices.map((c) => ({ intent: c.intent.id, question: c.question }));
        return {
          ...this.base('clarify', question),
          confidence: round(decision.best.score),
          suggestions,
          message: MESSAGES.unsure,
        };
      }
      case 'no-match': {
        // A known unanswerable question gets its own honest wording ("The article doesn't say who leads ISIS.").
        const decline =
          decision.reason === 'off-topic'
            ? MESSAGES.offTopic
            : decision.reason === 'unanswerable' && decision.best
              ? decision.best.intent.answer
              : MESSAGES.notCovered;
        const suggestions = this.examplesFor(question);
        return {
          ...this.base('no-match', question),
          reason: decision.reason,
          confidence: round(decision.best?.score ?? 0),
          suggestions,
          message: decline,
        };
      }
    }
  }

  /**
   * Example questions for a reply that has no answer: three from the pool, starting at a place the
   * question picks, so replies vary from one question to the next (and the same question gets the same).
   */
  private examplesFor(question: string): readonly Suggestion[] {
    const pool = this.examplePool;
    if (pool.length <= 3) return pool;
    let h = 0;
    for (let i = 0; i < Math.min(question.length, 200); i++) h = (h * 31 + question.charCodeAt(i)) >>> 0;
    const step = Math.floor(pool.length / 3);
    return [0, 1, 2].map((k) => pool[(h + k * step) % pool.length] as Suggestion);
  }

  /** No answer, in words chosen by the caller ("The article doesn't say why."). */
  decline(question: string, message: string, reason: NoMatchReason): Reply {
    const suggestions = this.examplesFor(question);
    return { ...this.base('no-match', question), reason, message, suggestions };
  }

  /** One reply for a question of several parts: each part's reply, and their messages together. */
  combine(question: string, parts: readonly Reply[]): Reply {
    const answered = parts.filter((p) => p.kind === 'answer');
    const first = answered[0] ?? (parts[0] as Reply);
    return {
      ...this.base(answered.length > 0 ? 'answer' : first.kind, question),
      intent: first.intent,
      answer: answered.length > 0 ? answered.map((p) => p.answer).join(' ') : null,
      message: parts.map((p) => p.message).join('\n'),
      source: first.source,
      confidence: answered.length > 0 ? Math.min(...answered.map((p) => p.confidence)) : first.confidence,
      related: first.related,
      reason: answered.length > 0 ? null : first.reason,
      candidates: first.candidates,
      parts,
    };
  }

  invalid(question: string, message: string): Reply {
    return {
      ...this.base('invalid', question),
      message,
      suggestions: this.exampleList,
    };
  }
}

function round(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
}
