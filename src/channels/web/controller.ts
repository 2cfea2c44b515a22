import type { Storage } from 'botbuilder';
import { Botkit, type BotkitMessage, type BotWorker } from 'botkit';
import type { Engine, Reply } from '../../core/types.js';
import type { Logger } from '../../logger.js';
import { MESSAGES } from '../../messages.js';
import { HardenedWebAdapter, type WebSocketLimits } from './adapter.js';
import { renderError, renderReply, type WebMessage } from './render.js';

export interface WebControllerOptions {
  engine: Engine;
  logger: Logger;
  limits?: Partial<WebSocketLimits>;
}

export interface WebController {
  controller: Botkit;
  adapter: HardenedWebAdapter;
}

type Handler = (bot: BotWorker, message: BotkitMessage) => Promise<void>;

/**
 * Every question is answered on its own, so there is no dialog state to keep.
 * Botkit's default MemoryStorage would keep an entry per conversation forever;
 * this keeps none.
 */
const NO_STATE: Storage = {
  read: async () => ({}),
  write: async () => undefined,
  delete: async () => undefined,
};

const say = (bot: BotWorker, to: BotkitMessage, message: WebMessage): Promise<unknown> =>
  bot.reply(to, { type: 'message', text: message.text, channelData: message });

/**
 * The Botkit controller for the web chat. Handlers are small: ask the engine,
 * render, reply. The adapter is attached to the shared HTTP server later, by
 * the channel's `start`.
 */
export function createWebController(options: WebControllerOptions): WebController {
  const { engine, logger } = options;
  const total = engine.article.sentences.length;
  const adapter = new HardenedWebAdapter({ logger, ...(options.limits ? { limits: options.limits } : {}) });
  const controller = new Botkit({ adapter, disable_webserver: true, disable_console: true, storage: NO_STATE });

  const replyWith = async (bot: BotWorker, message: BotkitMessage, reply: Reply): Promise<void> => {
    logger.info({ event: 'web_reply', conn: message.user.slice(0, 8), kind: reply.kind, intent: reply.intent, confidence: reply.confidence });
    await say(bot, message, renderReply(reply, total));
  };

  async function answerQuestion(bot: BotWorker, message: BotkitMessage): Promise<void> {
    await replyWith(bot, message, engine.ask(message.text ?? ''));
  }

  async function answerChosenIntent(bot: BotWorker, message: BotkitMessage): Promise<void> {
    const reply = engine.answerIntent(String(message.intent));
    if (reply) await replyWith(bot, message, reply);
    else await say(bot, message, renderError('unknown-intent', MESSAGES.web.unknownIntent));
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
  return { controller, adapter };
}
