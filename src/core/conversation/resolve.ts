import { type Decision, decide } from '../matching/decide.js';
import type { Matcher, Ranking } from '../matching/matcher.js';
import type { Tuning } from '../matching/tuning.js';
import { BACK_REFERENCES, ELSE, LEAD_INS, MORE } from '../matching/words/follow-up.js';
import type { Intent } from '../types.js';
import type { ConversationContext, Turn } from './context.js';

/**
 * One turn of a conversation, read against the turns before it. Context never takes the bot beyond
 * the article: a follow-up is matched like any question, only with the topic of the last turn added,
 * and the same decision rules apply (an unanswerable follow-up still gets "the article doesn't say").
 */
export type Resolution =
  | { kind: 'decision'; decision: Decision; ranking: Ranking; topic: string[] }
  /** "tell me more", "what else?": an intent chosen from the context. */
  | { kind: 'intent'; intent: Intent; topic: string[] }
  /** "tell me more" when the article has nothing more near the last answer. */
  | { kind: 'nothing-more'; topic: string[] }
  /** "why?" when the article gives no reason for the last topic. */
  | { kind: 'no-reason'; topic: string[] };

export interface ResolveDeps {
  matcher: Matcher;
  tuning: Tuning;
  /** The first article intent of each sentence, by sentence number: what "tell me more" moves to. */
  primaryBySentence: ReadonlyMap<number, Intent>;
  byId: ReadonlyMap<string, Intent>;
  /** Rank a text: the matcher's own by default; a caller that already ranked it passes its result. */
  rank?: (text: string) => Ranking;
}

/** Topic tokens a follow-up carries: its own first, then the last answer's; older ones fall away. */
const MAX_CARRIED = 6;

/** An answer, or a question we know the article can't answer: either settles a turn. */
const settles = (d: Decision): boolean => d.kind === 'answer' || (d.kind === 'no-match' && d.reason === 'unanswerable');

/**
 * Context never takes the bot beyond the article: an answer found with the last topic's help must be
 * of the kind asked and still explain every word the follow-up itself says ("who *disagrees*?" after
 * "do members agree?" is not answered by the sentence about agreement).
 */
function explainsFollowUp(d: Decision, own: Ranking, matcher: Matcher): boolean {
  if (d.kind !== 'answer') return true;
  // "how many…?" answered by a fact nobody asks "how many" about is a guess.
  if (own.type !== 'other' && !d.best.evidence.typeMatches) return false;
  return own.content.every((token) => matcher.explains(d.best.intent, token));
}

function neighbours(last: Turn, context: ConversationContext, deps: ResolveDeps): Intent | undefined {
  const n = last.sentence;
  if (n === null) return undefined;
  for (const m of [n + 1, n - 1, n + 2, n - 2]) {
    const intent = deps.primaryBySentence.get(m);
    if (intent && !context.given.includes(intent.id)) return intent;
  }
  return undefined;
}

/** A related intent not given yet, and about another sentence than the last answer's: "what else" wants a new fact. */
function relatedNotGiven(last: Turn, context: ConversationContext, deps: ResolveDeps): Intent | undefined {
  const intent = last.intent ? deps.byId.get(last.intent) : undefined;
  for (const id of intent?.related ?? []) {
    const related = deps.byId.get(id);
    if (related && !related.unanswerable && !context.given.includes(id) && related.sentence?.number !== last.sentence) return related;
  }
  return undefined;
}

export function resolveTurn(text: string, context: ConversationContext | undefined, deps: ResolveDeps): Resolution {
  const { matcher, tuning } = deps;
  const alone = deps.rank ? deps.rank(text) : matcher.rank(text);
  const aloneDecision = decide(alone, tuning);
  const own = [...alone.topic];
  const turns = context?.turns ?? [];
  // "it" refers to what was last answered: a turn without an answer ("what were their names?") or
  // off the topic ("what's the weather?") is not what a later "it" means.
  const answered = [...turns].reverse().find((t) => t.intent !== null) ?? turns[turns.length - 1];
  // A turn chosen by button carries only its intent: its topic is that intent's own way of asking.
  const chosen = answered && answered.topic.length === 0 && answered.intent ? deps.byId.get(answered.intent) : undefined;
  const last: Turn | undefined = chosen && answered ? { ...answered, topic: matcher.rank(chosen.questions[0] as string).topic } : answered;
  if (!context || !last || alone.smallTalk) return { kind: 'decision', decision: aloneDecision, ranking: alone, topic: own };

  const words = alone.words;
  const said = words.join(' ');
  if (MORE.test(said) || ELSE.test(said)) {
    const next = MORE.test(said)
      ? (neighbours(last, context, deps) ?? relatedNotGiven(last, context, deps))
      : (relatedNotGiven(last, context, deps) ?? neighbours(last, context, deps));
    return next ? { kind: 'intent', intent: next, topic: [...last.topic] } : { kind: 'nothing-more', topic: [...last.topic] };
  }

  // A question that names its own topic and is settled on its own starts a new topic
  // ("who leads ISIS?" after talk of the raid); one that leans back is read with the last topic.
  // A question with a subject of its own ("how many isis guys died in that syria raid") is read on its
  // own when that settles it, "that" or not; one that leans back is read with the last topic.
  const elliptical = own.length <= 1;
  const leansBack = elliptical || (own.length <= 2 && (LEAD_INS.test(said) || words.some((w) => BACK_REFERENCES.has(w))));
  if (!leansBack || (!elliptical && settles(aloneDecision))) return { kind: 'decision', decision: aloneDecision, ranking: alone, topic: own };

  const withTopic = matcher.rankWithTopic(text, last.topic);
  const carried = [...new Set([...own, ...last.topic])].slice(0, MAX_CARRIED);
  // People ask after the same fact ("how many were killed?" after "who carried out the raid?"): an
  // intent of the last answer's sentence, asked this way, is preferred when it is nearly as good.
  const top = withTopic.candidates[0];
  const sameSentence =
    elliptical && last.sentence !== null
      ? withTopic.candidates.find((c) => c.intent.sentence?.number === last.sentence && c.evidence.typeMatches && !c.intent.unanswerable)
      : undefined;
  if (
    top &&
    sameSentence &&
    sameSentence.score >= tuning.clarify &&
    sameSentence.score >= top.score - tuning.sameSentenceFollowUp &&
    explainsFollowUp({ kind: 'answer', best: sameSentence }, alone, matcher)
  ) {
    return { kind: 'decision', decision: { kind: 'answer', best: sameSentence }, ranking: withTopic, topic: carried };
  }
  const found = decide(withTopic, tuning);
  const topicDecision: Decision = explainsFollowUp(found, alone, matcher)
    ? found
    : { kind: 'no-match', reason: 'not-covered', ...(found.best ? { best: found.best } : {}) };
  if (alone.type === 'why' && own.length === 0) {
    // "why?": the reason the article gives for the last topic, or an honest "it doesn't say why".
    const best = topicDecision.kind === 'answer' ? topicDecision.best : undefined;
    if (best?.evidence.typeMatches) return { kind: 'decision', decision: topicDecision, ranking: withTopic, topic: carried };
    return { kind: 'no-reason', topic: [...last.topic] };
  }
  if (settles(topicDecision)) return { kind: 'decision', decision: topicDecision, ranking: withTopic, topic: carried };
  if (settles(aloneDecision)) return { kind: 'decision', decision: aloneDecision, ranking: alone, topic: own };
  // Neither settles it: the reading with the topic is the fairer "did you mean", unless the message
  // is off the topic on its own ("ok what's 15% of 80"): the conversation doesn't make it an article question.
  const offTopic = aloneDecision.kind === 'no-match' && aloneDecision.reason === 'off-topic' && (alone.content.length > 0 || alone.asksForAStance);
  return leansBack && !offTopic
    ? { kind: 'decision', decision: topicDecision, ranking: withTopic, topic: carried }
    : { kind: 'decision', decision: aloneDecision, ranking: alone, topic: own };
}
