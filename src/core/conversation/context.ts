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

/** The context after one more turn. */
export function withTurn(context: ConversationContext, turn: Turn): ConversationContext {
  const given = turn.intent && !context.given.includes(turn.intent) ? [...context.given, turn.intent].slice(-MAX_GIVEN) : context.given;
  return { turns: [...context.turns, { ...turn, topic: turn.topic.slice(0, MAX_TOPIC) }].slice(-MAX_TURNS), given };
}
