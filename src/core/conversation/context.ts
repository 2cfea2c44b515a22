/**
 * What the engine remembers of a conversation between turns: plain data, so a shared store can keep
 * it as JSON (several replicas, one conversation). Bounded: a few turns, a few topic words.
 */
export interface Turn {
  /** The intent answered, if any. */
  intent: string | null;
  /** Its sentence, if it was an article answer. */
  sentence: number | null;
  /** The content tokens the turn was about, question words left out: what "it" and "they" refer to. */
  topic: readonly string[];
}

export interface ConversationContext {
  /** Most recent last; at most `MAX_TURNS`. */
  turns: readonly Turn[];
  /** Intents answered so far in the conversation, most recent last: "what else?" skips them. */
  given: readonly string[];
}

export const MAX_TURNS = 3;
export const MAX_GIVEN = 30;
export const MAX_TOPIC = 12;

export const emptyContext = (): ConversationContext => ({ turns: [], given: [] });

/**
 * The context after a reply the channel chose by intent (a "did you mean" or related-question button):
 * the intent becomes the last topic; its topic words are read from the intent when a follow-up needs them.
 */
export function afterChoice(
  context: ConversationContext | undefined,
  reply: { kind: string; intent: string | null; source: { number: number } | null },
): ConversationContext {
  const answered = reply.kind === 'answer' && reply.intent !== null;
  return withTurn(context ?? emptyContext(), { intent: answered ? reply.intent : null, sentence: answered ? (reply.source?.number ?? null) : null, topic: [] });
}

/** The context after one more turn. */
export function withTurn(context: ConversationContext, turn: Turn): ConversationContext {
  const given = turn.intent && !context.given.includes(turn.intent) ? [...context.given, turn.intent].slice(-MAX_GIVEN) : context.given;
  return { turns: [...context.turns, { ...turn, topic: turn.topic.slice(0, MAX_TOPIC) }].slice(-MAX_TURNS), given };
}
