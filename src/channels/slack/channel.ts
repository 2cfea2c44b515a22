import { type App, SocketModeReceiver } from '@slack/bolt';
import type { SlackConfig } from '../../config.js';
import type { Engine } from '../../core/types.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { QuestionLog } from '../../store/question-log.js';
import type { Channel } from '../channel.js';
import { createSlackApp, type SlackTuning, toBoltLogger } from './app.js';
import { describeSlackError } from './deliver.js';
import { SlackHttpReceiver } from './http-receiver.js';

export interface SlackChannelOptions {
  tuning?: SlackTuning;
  /** HTTP mode: body cap (bytes) and how long a listener may take to ack. */
  http?: { bodyLimit?: number; ackTimeoutMs?: number };
  /** Socket Mode: ping timeouts (ms), and how long start() waits for the first connection. */
  socket?: { clientPingTimeout?: number; serverPingTimeout?: number; connectTimeoutMs?: number };
}

export interface CreateSlackChannelOptions {
  config: SlackConfig;
  engine: Engine;
  logger: Logger;
  options?: SlackChannelOptions;
  questionLog?: QuestionLog;
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

async function checkBotToken(app: App, config: SlackConfig, logger: Logger): Promise<void> {
  try {
    const identity = await app.client.auth.test({ token: config.botToken });
    logger.info({ event: 'slack_identity', team: identity.team_id, botUserId: identity.user_id, botId: identity.bot_id });
  } catch (err) {
    const { slackError } = describeSlackError(err);
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
 * The Slack channel: Bolt app + receiver behind the shared `Channel`
 * interface. HTTP mode serves POST /slack/events on the shared server;
 * Socket Mode keeps a websocket to Slack and serves no HTTP at all.
 */
export function createSlackChannel({ config, engine, logger, options = {}, questionLog }: CreateSlackChannelOptions): Channel {
  // Exactly one receiver, chosen by the mode: HTTP on the shared server, or a Socket Mode connection.
  const receiver =
    config.mode === 'http'
      ? new SlackHttpReceiver({
          signingSecret: config.signingSecret ?? '',
          logger,
          ...(options.http?.bodyLimit ? { bodyLimit: options.http.bodyLimit } : {}),
          ...(options.http?.ackTimeoutMs ? { ackTimeoutMs: options.http.ackTimeoutMs } : {}),
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
  const app = createSlackApp({
    config,
    engine,
    logger,
    receiver,
    ...(options.tuning ? { tuning: options.tuning } : {}),
    ...(questionLog ? { questionLog } : {}),
  });

  if (socketReceiver) {
    const client = socketReceiver.client;
    client.on('connected', () => logger.info({ event: 'slack_socket_connected' }));
    client.on('reconnecting', () => logger.info({ event: 'slack_socket_reconnecting' }));
    client.on('disconnected', () => logger.info({ event: 'slack_socket_disconnected' }));
  }

  let stopping: Promise<void> | undefined;

  return {
    name: 'slack',
    ...(httpReceiver ? { handleRequest: (req, res) => httpReceiver.handleRequest(req, res) } : {}),

    async start(): Promise<void> {
      await checkBotToken(app, config, logger);
      if (!socketReceiver) {
        await app.start();
        logger.info({ event: 'slack_ready', mode: 'http' });
        return;
      }
      const connecting = app.start();
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
        const stopped = app.stop().catch((err: unknown) => logger.warn({ event: 'slack_stop_failed' }, err));
        const outcome = await within(stopped, 5_000);
        logger.info({ event: 'slack_stopped', clean: outcome.done });
      })();
      return stopping;
    },
  };
}
