import type { Server } from 'node:http';
import { join } from 'node:path';
import type { ConversationMemory } from '../../core/conversation/memory.js';
import type { Engine } from '../../core/types.js';
import type { Logger } from '../../logger.js';
import { MESSAGES } from '../../messages.js';
import { projectRoot } from '../../project-root.js';
import type { QuestionLog } from '../../store/question-log.js';
import type { Channel } from '../channel.js';
import type { WebSocketLimits } from './adapter.js';
import { createWebController } from './controller.js';
import { asset, createStaticSite, readAssets } from './static.js';

export interface WebChannelOptions {
  engine: Engine;
  logger: Logger;
  /** Project root; public files live in `<root>/src/channels/web/public`. The project's own by default. */
  root?: string;
  limits?: Partial<WebSocketLimits>;
  questionLog?: QuestionLog;
  /** Where conversations are kept: the shared store with replicas, this process's memory by default. */
  conversations?: ConversationMemory;
}

/** What GET /api/article returns: the article to show beside the chat, plus the page's fixed texts. */
function articlePayload(engine: Engine): unknown {
  const { article } = engine;
  return {
    title: article.title,
    total: article.sentences.length,
    paragraphs: article.paragraphs.map((p) => ({
      number: p.number,
      sentences: p.sentences.map((s) => ({ number: s.number, text: s.text })),
    })),
    examples: engine.examples(4),
    messages: {
      welcome: MESSAGES.web.welcome,
      tryAsking: MESSAGES.tryAsking,
      tooLong: MESSAGES.tooLong,
      connecting: MESSAGES.web.connecting,
      connected: MESSAGES.web.connected,
      offline: MESSAGES.web.offline,
      feedbackUp: MESSAGES.web.feedbackUp,
      feedbackDown: MESSAGES.web.feedbackDown,
      feedbackThanks: MESSAGES.web.feedbackThanks,
    },
  };
}

export interface WebChannel extends Channel {
  /** Open sockets and distinct client addresses right now. */
  stats(): { connections: number; addresses: number };
}

/**
 * Web chat: the page and its assets over HTTP, the Botkit controller over a
 * websocket on the shared server.
 */
export function createWebChannel(options: WebChannelOptions): WebChannel {
  const { engine, logger } = options;
  const root = options.root ?? projectRoot;
  const assets = readAssets(join(root, 'src', 'channels', 'web', 'public'));
  // The article follows the engine's content: rebuilt on the first request after a reload swapped it.
  let articleVersion: string | undefined;
  const refreshArticle = (): void => {
    if (articleVersion === engine.version) return;
    articleVersion = engine.version;
    assets.set('/api/article', asset(JSON.stringify(articlePayload(engine)), 'application/json; charset=utf-8'));
  };
  refreshArticle();
  const serveStatic = createStaticSite(assets);
  const serve: typeof serveStatic = (req, res) => {
    refreshArticle();
    return serveStatic(req, res);
  };
  const { controller, adapter } = createWebController({
    engine,
    logger,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.questionLog ? { questionLog: options.questionLog } : {}),
    ...(options.conversations ? { conversations: options.conversations } : {}),
  });
  let stopped: Promise<void> | undefined;

  return {
    name: 'web',
    handleRequest: serve,
    handleUpgrade: (req, socket, head) => adapter.handleUpgrade(req, socket, head),
    async start(server: Server) {
      adapter.attach(server);
      logger.info({ event: 'web_chat_ready', path: adapter.path });
    },
    drain: (deadline) => adapter.drain(deadline),
    stats: () => ({ connections: adapter.connectionCount, addresses: adapter.addressCount }),
    stop() {
      stopped ??= adapter.close().then(() => controller.shutdown());
      return stopped;
    },
  };
}
