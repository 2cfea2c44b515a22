import type { ConversationContext } from './conversation/context.js';
import { type Expected, expectedAt, type LabelContext, labelledRows, outcomeOf, type PredictedKind } from './evaluate.js';
import type { Engine, Reply } from './types.js';

/**
 * Conversation sets (`CONVERSATION<TAB>EXPECTED<TAB>QUESTION`, turns in order) and two-part sets
 * (`EXPECTED + EXPECTED<TAB>QUESTION`), scored through the engine as people meet it.
 */
export interface ConversationTurn {
  expected: Expected;
  question: string;
  line: number;
}

export interface LabelledConversation {
  id: string;
  turns: ConversationTurn[];
}

export interface TwoPartQuestion {
  parts: Expected[];
  question: string;
  line: number;
}

export function parseConversations(tsv: string, context: LabelContext, file = 'conversations.tsv'): LabelledConversation[] {
  const out: LabelledConversation[] = [];
  for (const { cells, line } of labelledRows(tsv, 3, file, 'CONVERSATION<TAB>EXPECTED<TAB>QUESTION')) {
    const [id, label, question] = cells as [string, string, string];
    let conversation = out[out.length - 1];
    if (!conversation || conversation.id !== id) {
      if (out.some((c) => c.id === id)) throw new Error(`${file}:${line}: the turns of conversation "${id}" must be consecutive`);
      conversation = { id, turns: [] };
      out.push(conversation);
    }
    conversation.turns.push({ expected: expectedAt(label, context, file, line), question, line });
  }
  return out;
}

export function parseTwoPart(tsv: string, context: LabelContext, file = 'two-part.tsv'): TwoPartQuestion[] {
  return labelledRows(tsv, 2, file, 'EXPECTED + EXPECTED<TAB>QUESTION').map(({ cells, line }) => {
    const [labels, question] = cells as [string, string];
    return { parts: labels.split(' + ').map((l) => expectedAt(l, context, file, line)), question, line };
  });
}

function kindOfReply(reply: Reply): PredictedKind {
  if (reply.kind === 'no-match' && reply.reason === 'off-topic') return 'off-topic';
  if (reply.kind === 'invalid') return 'no-match';
  return reply.kind;
}

/** Whether a reply meets a label: the same rules as single questions. */
export function replyMeets(engine: Engine, expected: Expected, reply: Reply): boolean {
  const kind = kindOfReply(reply);
  const intent = kind === 'answer' || kind === 'chat' ? engine.intents.find((i) => i.id === reply.intent) : undefined;
  return outcomeOf(expected, kind, intent) === 'correct';
}

export interface ConversationScore {
  conversations: number;
  firstTurns: { total: number; right: number };
  followUps: { total: number; right: number };
  /** Follow-ups answered wrongly from the article (the worst outcome). */
  followUpsWrong: number;
  misses: { id: string; line: number; question: string; expected: string; got: string }[];
}

/** Each conversation's turns in order, with its context (or each turn alone, for the baseline). */
export function scoreConversations(engine: Engine, conversations: readonly LabelledConversation[], withContext = true): ConversationScore {
  const score: ConversationScore = {
    conversations: conversations.length,
    firstTurns: { total: 0, right: 0 },
    followUps: { total: 0, right: 0 },
    followUpsWrong: 0,
    misses: [],
  };
  for (const conversation of conversations) {
    let context: ConversationContext | undefined;
    conversation.turns.forEach((turn, i) => {
      const result = engine.converse(turn.question, withContext ? context : undefined);
      context = result.context;
      const right = replyMeets(engine, turn.expected, result.reply);
      const bucket = i === 0 ? score.firstTurns : score.followUps;
      bucket.total += 1;
      if (right) bucket.right += 1;
      else {
        if (i > 0 && result.reply.kind === 'answer') score.followUpsWrong += 1;
        score.misses.push({
          id: conversation.id,
          line: turn.line,
          question: turn.question,
          expected: turn.expected.label,
          got: `${result.reply.kind}${result.reply.intent ? ` ${result.reply.intent}` : ''}${result.reply.reason ? ` (${result.reply.reason})` : ''}`,
        });
      }
    });
  }
  return score;
}

export interface TwoPartScore {
  total: number;
  /** Every part right: each expected part met by the reply's part in the same place. */
  allRight: number;
  misses: { line: number; question: string; expected: string; got: string }[];
}

export function scoreTwoPart(engine: Engine, items: readonly TwoPartQuestion[]): TwoPartScore {
  const score: TwoPartScore = { total: items.length, allRight: 0, misses: [] };
  for (const item of items) {
    const reply = engine.ask(item.question);
    const parts = reply.parts ?? [reply];
    const right = item.parts.every((expected, i) => {
      // One reply may answer every part when one sentence holds them all.
      const part = reply.parts ? parts[i] : reply;
      return part !== undefined && replyMeets(engine, expected, part);
    });
    if (right) score.allRight += 1;
    else
      score.misses.push({
        line: item.line,
        question: item.question,
        expected: item.parts.map((p) => p.label).join(' + '),
        got: parts.map((p) => `${p.kind}${p.intent ? ` ${p.intent}` : ''}`).join(' + '),
      });
  }
  return score;
}
