import { afterChoice, type ConversationContext } from '../../core/conversation/context.js';
import type { ConversationMemory } from '../../core/conversation/memory.js';
import type { Engine, Reply } from '../../core/types.js';
import type { Logger } from '../../logger.js';
import { MESSAGES } from '../../messages.js';
import type { QuestionLog } from '../../store/question-log.js';
import type { RecentKeys } from './dedupe.js';
import { renderNotice, renderReply, type RenderOptions, type SlackMessage } from './blocks.js';
import { currentDelivery } from './outbox.js';
import { slackToPlain } from './text.js';

/** What every listener is handed: the one core engine, a logger, the dedupe memory. No matching, no file I/O here. */
export interface SlackDeps {
  engine: Engine;
  logger: Logger;
  recent: RecentKeys;
  /** Where questions and votes are kept; nothing is kept without one. */
  questionLog?: QuestionLog;
  /** Where conversations are kept between turns (a thread, a DM, one person's slash commands in a channel). */
  conversations?: ConversationMemory;
}

/**
 * True the first time a message (channel + ts) is to be answered. An
 * @-mention in a DM arrives as both `app_mention` and `message`; whichever
 * listener gets here first answers, the other stays quiet.
 */
export function firstAnswer(deps: SlackDeps, channel: string, ts: string): boolean {
  // The outbox already keeps one entry per message, across replicas; a second delivery of it must answer.
  if (currentDelivery()) return true;
  if (!deps.recent.checkAndAdd([`message:${channel}:${ts}`])) return true;
  deps.logger.debug({ event: 'slack_duplicate_skipped', key: 'channel_ts', slackChannel: channel, ts });
  return false;
}

export type Surface = 'mention' | 'dm' | 'command' | 'button' | 'home';

export interface AnswerOptions {
  surface: Surface;
  user?: string;
  /**
   * The conversation the question belongs to: a thread (`channel:thread_ts`), a DM (its channel), or one
   * person's slash commands in a channel. Follow-ups are read against it; the log keeps only its keyed hash.
   */
  conversation?: string;
  /** Echo the question above the answer, attributed to `user` when `attribute` is set. */
  echo?: boolean;
  attribute?: boolean;
  share?: boolean;
}

export interface Answered {
  reply: Reply | null;
  message: SlackMessage;
}

function render(deps: SlackDeps, reply: Reply, options: AnswerOptions): SlackMessage {
  const { engine } = deps;
  const renderOptions: RenderOptions = {
    totalSentences: engine.article.sentences.length,
    ...(options.share ? { share: true } : {}),
  };
  if (options.echo) {
    renderOptions.heading = { question: reply.question, ...(options.attribute && options.user ? { user: options.user } : {}) };
  }
  if (reply.kind === 'no-match' || reply.kind === 'invalid') {
    if (reply.suggestions.length === 0) renderOptions.examples = engine.examples(3);
  }
  return renderReply(reply, renderOptions);
}

/**
 * Ask the engine, render the reply. Never throws: an engine or rendering
 * failure is logged and becomes MESSAGES.internalError.
 */
export function answer(deps: SlackDeps, produce: (engine: Engine) => Reply | undefined, options: AnswerOptions): Answered {
  const started = performance.now();
  try {
    const reply = produce(deps.engine);
    if (!reply) return { reply: null, message: renderNotice(MESSAGES.internalError) };
    const message = render(deps, reply, options);
    deps.logger.info({
      event: 'slack_answer',
      surface: options.surface,
      kind: reply.kind,
      intent: reply.intent,
      confidence: Number(reply.confidence.toFixed(3)),
      ms: Math.round(performance.now() - started),
    });
    return { reply, message };
  } catch (err) {
    deps.logger.error({ event: 'slack_answer_failed', surface: options.surface, user: options.user }, err);
    return { reply: null, message: renderNotice(MESSAGES.internalError) };
  }
}

/** A free-text question, Slack markup and all, read as the next turn of its conversation. */
export async function answerText(deps: SlackDeps, slackText: string, options: AnswerOptions): Promise<Answered> {
  const key = options.conversation;
  const memory = key ? deps.conversations : undefined;
  let context: ConversationContext | undefined;
  if (memory && key) {
    try {
      context = await memory.load(key);
    } catch (err) {
      // Without its context the question is still answered, on its own.
      deps.logger.warn({ event: 'slack_conversation_load_failed', surface: options.surface }, err);
    }
  }
  let next: ConversationContext | undefined;
  const answered = answer(
    deps,
    (engine) => {
      const started = performance.now();
      const turn = engine.converse(slackToPlain(slackText), context);
      const latencyMs = performance.now() - started;
      next = turn.context;
      // An in-memory enqueue: nothing here waits for the store, so an ack never does either.
      deps.questionLog?.question({
        channel: 'slack',
        surface: options.surface,
        conversation: options.conversation,
        user: options.user,
        reply: turn.reply,
        latencyMs,
        version: engine.version,
      });
      return turn.reply;
    },
    options,
  );
  if (memory && key && next) {
    memory.save(key, next).catch((err: unknown) => deps.logger.warn({ event: 'slack_conversation_save_failed', surface: options.surface }, err));
  }
  return answered;
}

/** A question chosen by button; falls back to the button's label if the intent is gone. The choice becomes a turn of its conversation. */
export async function answerChoice(deps: SlackDeps, intentId: string, label: string | undefined, options: AnswerOptions): Promise<Answered> {
  const key = options.conversation;
  const memory = key ? deps.conversations : undefined;
  let context: ConversationContext | undefined;
  if (memory && key) context = await memory.load(key).catch(() => undefined);
  const answered = answer(deps, (engine) => engine.answerIntent(intentId) ?? (label ? engine.ask(label) : undefined), options);
  if (memory && key && answered.reply) {
    memory
      .save(key, afterChoice(context, answered.reply))
      .catch((err: unknown) => deps.logger.warn({ event: 'slack_conversation_save_failed', surface: options.surface }, err));
  }
  return answered;
}
