import type { Storage } from 'botbuilder';
import { Botkit, type BotkitMessage, type BotWorker } from 'botkit';
import type { Engine, Reply } from '../../core/types.js';
import type { Logger } from '../../logger.js';
import { MESSAGES } from '../../messages.js';
import { afterChoice } from '../../core/conversation/context.js';
import { type ConversationMemory, InMemoryConversations } from '../../core/conversation/memory.js';
import { NO_QUESTION_LOG, newRecordId, type QuestionLog } from '../../store/question-log.js';
import { HardenedWebAdapter, type WebSocketLimits } from './adapter.js';
import { renderError, renderFeedbackAck, renderReply, type WebFeedbackAck, type WebMessage } from './render.js';
import { ReplyMemory } from './reply-memory.js';

export interface WebControllerOptions {
  engine: Engine;
  logger: Logger;
  limits?: Partial<WebSocketLimits>;
  /** Where questions and votes are kept; nothing is kept without one. */
  questionLog?: QuestionLog;
  /** Where conversations are kept: one per connection. One process's memory (30-minute TTL, LRU) by default. */
  conversations?: ConversationMemory;
}

export interface WebController {
  controller: Botkit;
  adapter: HardenedWebAdapter;
}

type Handler = (bot: BotWorker, message: BotkitMessage) => Promise<void>;

/**
 * Conversations live in a ConversationMemory (bounded, and shaped for a shared store), not in Botkit's
 * storage, whose default MemoryStorage would keep an entry per conversation forever; this keeps none.
 */
const NO_STATE: Storage = {
  read: async () => ({}),
  write: async () => undefined,
  delete: async () => undefined,
};

const say = (bot: BotWorker, to: BotkitMessage, message: WebMessage | WebFeedbackAck): Promise<unknown> =>
  bot.reply(to, { type: 'message', text: message.text, channelData: message });

/**
 * The Botkit controller for the web chat. Handlers are small: ask the engine,
 * render, reply. The adapter is attached to the shared HTTP server later, by
 * the channel's `start`.
 */
export function createWebController(options: WebControllerOptions): WebController {
  const { engine, logger } = options;
  const log = options.questionLog ?? NO_QUESTION_LOG;
  const memory = new ReplyMemory();
  const conversations = options.conversations ?? new InMemoryConversations();
  const adapter = new HardenedWebAdapter({ logger, ...(options.limits ? { limits: options.limits } : {}) });
  const controller = new Botkit({ adapter, disable_webserver: true, disable_console: true, storage: NO_STATE });

  /** `version` is read right after the engine answered: a content swap can only land between questions. */
  const replyWith = async (bot: BotWorker, message: BotkitMessage, reply: Reply, version: string, questionId: string | null): Promise<void> => {
    logger.info({ event: 'web_reply', conn: message.user.slice(0, 8), kind: reply.kind, intent: reply.intent, confidence: reply.confidence, version });
    const id = reply.kind === 'answer' ? (questionId ?? newRecordId()) : undefined;
    if (id) memory.remember(message.user, id, { question: reply.question, intent: reply.intent, version, questionId });
    await say(bot, message, renderReply(reply, engine.article.sentences.length, id));
  };

  /** A connection is a conversation: follow-ups ("and when?") are read against its last turns. */
  async function answerQuestion(bot: BotWorker, message: BotkitMessage): Promise<void> {
    const key = `web:${message.user}`;
    const context = await conversations.load(key).catch((err: unknown) => {
      logger.warn({ event: 'web_conversation_load_failed' }, err);
      return undefined;
    });
    const started = performance.now();
    const turn = engine.converse(message.text ?? '', context);
    const reply = turn.reply;
    const latencyMs = performance.now() - started;
    conversations.save(key, turn.context).catch((err: unknown) => logger.warn({ event: 'web_conversation_save_failed' }, err));
    const version = engine.version;
    const id = log.question({ channel: 'web', surface: 'web', conversation: message.user, user: message.user, reply, latencyMs, version });
    await replyWith(bot, message, reply, version, id);
  }

  /** A chip ("did you mean", related, example): answered by intent, and a turn of the connection's conversation. */
  async function answerChosenIntent(bot: BotWorker, message: BotkitMessage): Promise<void> {
    const reply = engine.answerIntent(String(message.intent));
    if (!reply) {
      await say(bot, message, renderError('unknown-intent', MESSAGES.web.unknownIntent));
      return;
    }
    const key = `web:${message.user}`;
    const context = await conversations.load(key).catch(() => undefined);
    conversations.save(key, afterChoice(context, reply)).catch((err: unknown) => logger.warn({ event: 'web_conversation_save_failed' }, err));
    await replyWith(bot, message, reply, engine.version, null);
  }

  /** 👍/👎: one vote per answer id; a second vote on the same answer replaces the first. */
  async function recordVote(bot: BotWorker, message: BotkitMessage): Promise<void> {
    const replyId = String(message.reply);
    const vote = message.vote === 'up' ? 'up' : 'down';
    const known = memory.recall(message.user, replyId);
    if (!known) {
      logger.info({ event: 'web_feedback_unknown', conn: message.user.slice(0, 8) });
      await say(bot, message, renderError('unknown-reply', MESSAGES.web.unknownReply));
      return;
    }
    log.feedback({
      channel: 'web',
      key: `${message.user}:${replyId}`,
      vote,
      questionId: known.questionId,
      question: known.question,
      intent: known.intent,
      conversation: message.user,
      user: message.user,
      version: known.version,
    });
    logger.info({ event: 'web_feedback', conn: message.user.slice(0, 8), vote, intent: known.intent });
    await say(bot, message, renderFeedbackAck(replyId, vote, MESSAGES.web.feedbackThanks));
  }

  // A throw inside a Botkit handler would leave the turn hanging; answer with an apology instead.
  const guarded =
    (handler: Handler): Handler =>
    async (bot, message) => {
      try {
        await handler(bot, message);
      } catch (err) {
        logger.error({ event: 'web_handler_failed', handler: handler.name }, err);
        await say(bot, message, renderError('internal', MESSAGES.internalError));
      }
    };

  controller.on('message', guarded(answerQuestion));
  controller.on('intent', guarded(answerChosenIntent));
  controller.on('feedback', guarded(recordVote));
  return { controller, adapter };
}
