import {
  App,
  type AllMiddlewareArgs,
  type AnyMiddlewareArgs,
  type Authorize,
  type Logger as BoltLogger,
  type LogLevel,
  type Receiver,
  type webApi,
} from '@slack/bolt';
import type { SlackConfig } from '../../config.js';
import type { Engine } from '../../core/types.js';
import type { Logger } from '../../logger.js';
import { type ConversationMemory, InMemoryConversations } from '../../core/conversation/memory.js';
import type { QuestionLog } from '../../store/question-log.js';
import type { SlackDeps } from './answering.js';
import { RecentKeys } from './dedupe.js';
import { currentDelivery } from './outbox.js';
import { registerActionListeners } from './listeners/actions/index.js';
import { registerCommandListeners } from './listeners/commands/index.js';
import { registerEventListeners } from './listeners/events/index.js';
import { registerMessageListeners } from './listeners/messages/index.js';

export interface SlackTuning {
  /** Abort a Web API or response_url call after this long (ms). Default 10 s. */
  webApiTimeoutMs?: number;
  /** Retries for failed Web API calls (429s wait for Retry-After first). Default 2. */
  webApiRetries?: number;
  /** How long an event id / message is remembered for dedupe (ms). Default 15 min. */
  dedupeTtlMs?: number;
  /** How many ids are remembered at most. Default 10,000. */
  dedupeMax?: number;
}

export interface CreateSlackAppOptions {
  config: SlackConfig;
  engine: Engine;
  logger: Logger;
  /** The shared-server HTTP receiver or the Socket Mode one (channel.ts picks it by mode). */
  receiver: Receiver;
  tuning?: SlackTuning;
  /** Wraps the fetch every Web API and response_url call goes through (to watch Slack's health). */
  observeFetch?: (fetch: FetchFn) => FetchFn;
  questionLog?: QuestionLog;
  /** Where conversations are kept; one process's memory (30-minute TTL, LRU) by default. */
  conversations?: ConversationMemory;
}

type FetchFn = typeof globalThis.fetch;

/** fetch with a deadline, for Bolt's respond() (the WebClient has its own `timeout`). */
function fetchWithTimeout(ms: number, base: FetchFn = globalThis.fetch): FetchFn {
  return (input, init) => {
    const deadline = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return base(input, { ...init, signal });
  };
}

/** Options for every WebClient the app makes: base URL (GovSlack, simulator), timeout, bounded retries. */
function webClientOptions(config: SlackConfig, tuning: SlackTuning = {}, observe: (fetch: FetchFn) => FetchFn = (f) => f): webApi.WebClientOptions {
  const timeout = tuning.webApiTimeoutMs ?? 10_000;
  return {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    timeout,
    retryConfig: { retries: tuning.webApiRetries ?? 2, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
    // DOM's Headers type lacks entries() without DOM.Iterable; the runtime object is the same.
    fetch: observe(fetchWithTimeout(timeout)) as unknown as webApi.WebClientOptions['fetch'],
  };
}

const TOKEN_FIELD = /("(?:token|bot_access_token)"\s*:\s*")[^"]*"/g;

/** Our logger in Bolt's shape; payload dumps at debug level lose their verification tokens too. */
export function toBoltLogger(logger: Logger): BoltLogger {
  const clean = (args: unknown[]): unknown[] => args.map((arg) => (typeof arg === 'string' ? arg.replace(TOKEN_FIELD, '$1[redacted]"') : arg));
  return {
    debug: (...args: unknown[]) => logger.debug({ source: 'bolt' }, ...clean(args)),
    info: (...args: unknown[]) => logger.info({ source: 'bolt' }, ...clean(args)),
    warn: (...args: unknown[]) => logger.warn({ source: 'bolt' }, ...clean(args)),
    error: (...args: unknown[]) => logger.error({ source: 'bolt' }, ...clean(args)),
    setLevel: (level: LogLevel) => logger.setLevel(level),
    getLevel: () => logger.getLevel() as LogLevel,
    setName: () => {},
  };
}

/**
 * auth.test once, cached; a failure is not cached, so a network blip at
 * startup does not disable the bot for good (Bolt's built-in one caches it).
 */
function cachedAuthorize(app: () => App, botToken: string): Authorize<boolean> {
  let identity: Promise<{ botUserId?: string; botId?: string }> | undefined;
  return async () => {
    identity ??= app()
      .client.auth.test({ token: botToken })
      .then((r) => ({ ...(r.user_id ? { botUserId: r.user_id } : {}), ...(r.bot_id ? { botId: r.bot_id } : {}) }));
    try {
      return { botToken, ...(await identity) };
    } catch (err) {
      identity = undefined;
      throw err;
    }
  };
}

/** Slack retries an event it thinks we missed; the same event_id is answered once. */
function dedupeRetries(deps: SlackDeps) {
  return async function dedupeRetriesMiddleware({ body, context, next }: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const { type, event_id: eventId } = body as { type?: unknown; event_id?: unknown };
    // An outbox delivery was deduplicated by the store when it was accepted; a redelivery must run.
    if (currentDelivery()) return next();
    if (type === 'event_callback' && typeof eventId === 'string' && deps.recent.checkAndAdd([`event:${eventId}`])) {
      deps.logger.info({ event: 'slack_duplicate_skipped', key: 'event_id', eventId, retryNum: context.retryNum ?? null });
      return;
    }
    await next();
  };
}

/** A fresh Bolt app with every listener registered: a factory, never a singleton. */
export function createSlackApp(options: CreateSlackAppOptions): App {
  const { config, engine, logger, receiver, tuning = {} } = options;
  const deps: SlackDeps = {
    engine,
    logger,
    recent: new RecentKeys(tuning.dedupeTtlMs, tuning.dedupeMax),
    ...(options.questionLog ? { questionLog: options.questionLog } : {}),
    conversations: options.conversations ?? new InMemoryConversations(),
  };
  const boltLogger = toBoltLogger(logger);
  let app: App | undefined;
  app = new App({
    authorize: cachedAuthorize(() => app as App, config.botToken),
    receiver,
    logger: boltLogger,
    logLevel: logger.getLevel() as LogLevel,
    clientOptions: webClientOptions(config, tuning, options.observeFetch),
    convoStore: false,
    ignoreSelf: true,
  });
  app.use(dedupeRetries(deps));
  registerEventListeners(app, deps);
  registerMessageListeners(app, deps);
  registerCommandListeners(app, deps);
  registerActionListeners(app, deps);
  app.error(async (error) => {
    logger.error({ event: 'slack_listener_error', code: (error as { code?: unknown }).code }, error);
  });
  return app;
}
