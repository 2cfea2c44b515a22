import { type App, type ReceiverEvent, SocketModeReceiver } from '@slack/bolt';
import type { SlackConfig } from '../../config.js';
import type { Engine } from '../../core/types.js';
import { AppError } from '../../errors.js';
import type { CheckResult } from '../../health.js';
import type { Logger } from '../../logger.js';
import type { ConversationMemory } from '../../core/conversation/memory.js';
import type { QuestionLog } from '../../store/question-log.js';
import type { Channel, DrainReport } from '../channel.js';
import { InFlight } from '../in-flight.js';
import { SlackApiHealth } from './api-health.js';
import { createSlackApp, type SlackTuning, toBoltLogger } from './app.js';
import { describeSlackError } from './deliver.js';
import { SlackHttpReceiver, type SlackHttpReceiverOptions } from './http-receiver.js';
import { type OutboxBody, SlackOutbox, type SlackOutboxOptions } from './outbox.js';

export interface SlackChannelOptions {
  tuning?: SlackTuning;
  /** HTTP mode: body cap (bytes), how long a listener may take to ack, bodies read at once and their deadline. */
  http?: Pick<SlackHttpReceiverOptions, 'bodyLimit' | 'ackTimeoutMs' | 'maxReading' | 'bodyTimeoutMs' | 'onAnswered'>;
  /** Socket Mode: ping timeouts (ms), and how long start() waits for the first connection. */
  socket?: { clientPingTimeout?: number; serverPingTimeout?: number; connectTimeoutMs?: number };
  /** Told of every failed Web API / response_url call, by error code (the metrics). */
  onApiError?: (code: string) => void;
}

export interface SlackChannel extends Channel {
  /** The `slack` readiness check: auth.test passed, and Web API calls are not failing in a row. */
  readiness(): CheckResult;
  /** True while Slack requests are arriving (HTTP mode): other channels' engine work should wait a moment. */
  acking(): boolean;
}

export interface CreateSlackChannelOptions {
  config: SlackConfig;
  engine: Engine;
  logger: Logger;
  options?: SlackChannelOptions;
  questionLog?: QuestionLog;
  /** Conversations between turns; one process's memory by default, the shared store with replicas. */
  conversations?: ConversationMemory;
  /** Keep what is acked in this outbox until it is answered (the store's outbox table). */
  outbox?: Omit<SlackOutboxOptions, 'logger'>;
}

/** Token problems a restart will not fix: refuse to start, naming the variable to check. */
const FATAL_AUTH = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

function within<T>(promise: Promise<T>, ms: number): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  return Promise.race([promise.then((value) => ({ done: true as const, value })), timeout]).finally(() => clearTimeout(timer));
}

async function checkBotToken(app: App, config: SlackConfig, logger: Logger, health: SlackApiHealth): Promise<void> {
  try {
    const identity = await app.client.auth.test({ token: config.botToken });
    health.authOk();
    logger.info({ event: 'slack_identity', team: identity.team_id, botUserId: identity.user_id, botId: identity.bot_id });
  } catch (err) {
    const { slackError } = describeSlackError(err);
    health.authFailed(slackError);
    if (FATAL_AUTH.has(slackError)) {
      throw new AppError(
        'SLACK_API_FAILED',
        `Slack rejected SLACK_BOT_TOKEN (${slackError}). Copy the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page, and reinstall the app if its scopes changed.`,
        { cause: err },
      );
    }
    // Slack unreachable for now: keep going, the first event retries auth.test.
    logger.warn({ event: 'slack_identity_unavailable', slackError });
  }
}

/**
 * The outbox's two ends on the Bolt app: backlog entries are answered by
 * processEvent with an ack that does nothing (they were acked when kept), and in
 * Socket Mode each event is kept before its envelope is acked. (HTTP mode keeps
 * them in the receiver, before the 200.)
 */
function attachOutbox(app: App, outbox: SlackOutbox, socketMode: boolean): void {
  const processEvent = app.processEvent.bind(app);
  outbox.attach((body, retryNum) => processEvent({ body, ack: async () => {}, ...(retryNum !== undefined ? { retryNum } : {}) } as ReceiverEvent));
  if (!socketMode) return;
  app.processEvent = async (event) => {
    const accepted = await outbox.accept(event.body as OutboxBody, event.retryNum);
    if (accepted.kind === 'direct') return processEvent(event);
    try {
      await event.ack();
    } catch (err) {
      // The socket went away under the ack: Slack redelivers (a duplicate then); what was kept is answered anyway.
      outbox.logger.info({
        event: 'slack_socket_ack_failed',
        id: accepted.kind === 'recorded' ? accepted.entry.id : accepted.id,
        reason: (err as Error).message,
      });
    }
    if (accepted.kind === 'recorded') await outbox.deliver(accepted.entry, () => processEvent({ ...event, ack: async () => {} }));
  };
}

/**
 * The Slack channel: Bolt app + receiver behind the shared `Channel`
 * interface. HTTP mode serves POST /slack/events on the shared server;
 * Socket Mode keeps a websocket to Slack and serves no HTTP at all.
 */
export function createSlackChannel({
  config,
  engine,
  logger,
  options = {},
  questionLog,
  conversations,
  outbox: outboxOptions,
}: CreateSlackChannelOptions): SlackChannel {
  const outbox = outboxOptions ? new SlackOutbox({ ...outboxOptions, logger }) : undefined;
  let app: App | undefined;
  const health = new SlackApiHealth({
    ...(options.onApiError ? { onError: options.onApiError } : {}),
    ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}),
    probe: () => (app as App).client.auth.test({ token: config.botToken }),
  });
  // Exactly one receiver, chosen by the mode: HTTP on the shared server, or a Socket Mode connection.
  const receiver =
    config.mode === 'http'
      ? new SlackHttpReceiver({
          signingSecret: config.signingSecret ?? '',
          logger,
          ...options.http,
          ...(outbox ? { outbox } : {}),
        })
      : new SocketModeReceiver({
          appToken: config.appToken ?? '',
          logger: toBoltLogger(logger),
          ...(options.socket?.clientPingTimeout ? { clientPingTimeout: options.socket.clientPingTimeout } : {}),
          ...(options.socket?.serverPingTimeout ? { serverPingTimeout: options.socket.serverPingTimeout } : {}),
          // apps.connections.open goes to SLACK_API_URL too (GovSlack, simulator).
          installerOptions: {
            clientOptions: { ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}), timeout: options.tuning?.webApiTimeoutMs ?? 10_000 },
          },
        });
  const httpReceiver = receiver instanceof SlackHttpReceiver ? receiver : undefined;
  const socketReceiver = receiver instanceof SocketModeReceiver ? receiver : undefined;
  app = createSlackApp({
    config,
    engine,
    logger,
    observeFetch: (fetch) => health.observe(fetch),
    receiver,
    ...(options.tuning ? { tuning: options.tuning } : {}),
    ...(questionLog ? { questionLog } : {}),
    ...(conversations ? { conversations } : {}),
  });
  const bolt = app;
  // Before the count below wraps it: the count then covers keeping, acking and answering.
  if (outbox) attachOutbox(bolt, outbox, Boolean(socketReceiver));

  // Socket Mode events reach the app through processEvent: count them, so shutdown knows what is under way.
  const socketEvents = new InFlight();
  if (socketReceiver) {
    const processEvent = bolt.processEvent.bind(bolt);
    bolt.processEvent = async (event) => {
      const finished = socketEvents.start();
      try {
        return await processEvent(event);
      } finally {
        finished();
      }
    };
  }

  if (socketReceiver) {
    const client = socketReceiver.client;
    client.on('connected', () => logger.info({ event: 'slack_socket_connected' }));
    client.on('reconnecting', () => logger.info({ event: 'slack_socket_reconnecting' }));
    client.on('disconnected', () => logger.info({ event: 'slack_socket_disconnected' }));
  }

  let stopping: Promise<void> | undefined;
  let draining: Promise<DrainReport> | undefined;
  let receiverStopped: Promise<void> | undefined;
  const stopReceiver = (): Promise<void> =>
    (receiverStopped ??= bolt.stop().then(
      () => undefined,
      (err: unknown) => logger.warn({ event: 'slack_stop_failed' }, err),
    ));

  return {
    name: 'slack',
    readiness: () => health.check(),
    acking: () => httpReceiver?.acking ?? false,

    drain(deadline: number): Promise<DrainReport> {
      draining ??= (async () => {
        const report = httpReceiver
          ? await httpReceiver.drain(deadline)
          : await (async () => {
              // No new events: close the socket first (Slack sends them to our other connections, or retries).
              await within(stopReceiver(), Math.max(0, deadline - Date.now()));
              return socketEvents.settle(deadline);
            })();
        if (!outbox) return report;
        // What was not answered here is still in the outbox: handed back now, or (under way) kept by its lease.
        const { released, running } = await outbox.stop();
        return Object.assign(report, { kept: released + running });
      })();
      return draining;
    },

    ...(httpReceiver ? { handleRequest: (req, res) => httpReceiver.handleRequest(req, res) } : {}),

    async start(): Promise<void> {
      await checkBotToken(bolt, config, logger, health);
      // What an earlier run (or a replica that died) acked and never answered, delivered from now on.
      outbox?.start();
      if (!socketReceiver) {
        await bolt.start();
        logger.info({ event: 'slack_ready', mode: 'http' });
        return;
      }
      const connecting = bolt.start();
      const outcome = await within(connecting, options.socket?.connectTimeoutMs ?? 10_000).catch((err: unknown) => {
        const { slackError } = describeSlackError(err);
        throw new AppError(
          'SLACK_API_FAILED',
          `Slack refused the Socket Mode connection (${slackError}). Check SLACK_APP_TOKEN: an app-level token (xapp-...) with connections:write, and Socket Mode enabled for the app.`,
          { cause: err },
        );
      });
      if (outcome.done) {
        logger.info({ event: 'slack_ready', mode: 'socket' });
      } else {
        // Keep trying in the background; the web chat and /healthz do not wait for Slack.
        logger.warn({ event: 'slack_socket_pending', ms: options.socket?.connectTimeoutMs ?? 10_000 });
        connecting.catch((err: unknown) => logger.error({ event: 'slack_socket_failed', ...describeSlackError(err) }, err));
      }
    },

    stop(): Promise<void> {
      stopping ??= (async () => {
        const outcome = await within(stopReceiver(), 5_000);
        // After the receiver: what it accepted and never started goes back to the outbox, for the next start or a replica.
        await outbox?.stop();
        // Only whether the receiver closed in time; shutdown's own record counts answers kept and dropped.
        logger.info({ event: 'slack_stopped', closedInTime: outcome.done });
      })();
      return stopping;
    },
  };
}
