import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { type CreateSlackChannelOptions, createSlackChannel, type SlackChannelOptions } from '../../../src/channels/slack/channel.js';
import type { ConversationMemory } from '../../../src/core/conversation/memory.js';
import type { Channel } from '../../../src/channels/channel.js';
import type { SlackConfig } from '../../../src/config.js';
import { loadEngine } from '../../../src/core/engine.js';
import type { Engine, Reply } from '../../../src/core/types.js';
import { createLogger, type Logger } from '../../../src/logger.js';
import type { QuestionLog } from '../../../src/store/question-log.js';
import { SlackSender, SlackSim } from '../../support/slack-sim/index.js';
import { serveChannels } from '../../support/serve.js';

export const BOT_TOKEN = 'xoxb-0000-test-bot-token';
export const APP_TOKEN = 'xapp-1-test-app-token';
export const SIGNING_SECRET = 'simsigningsecret0123456789abcdef';

let engine: Engine | undefined;
/** The real engine over the project's content, loaded once per test file. */
export function realEngine(): Engine {
  engine ??= loadEngine({ root: process.cwd() });
  return engine;
}

/**
 * A question the real engine answers with `kind` (e.g. 'clarify'), and for a
 * no-match with `reason` when given, found by asking, so tests do not break
 * when the content is retuned.
 */
export function questionOfKind(kind: 'clarify' | 'no-match', reason?: NonNullable<Reply['reason']>): string {
  const e = realEngine();
  const words = e.article.text.split(/[^A-Za-z.’']+/).filter((w) => w.length > 2);
  const candidates = [
    'transition',
    'U.S.',
    'the U.S. and Iraq',
    'coalition',
    'partnership',
    'Iraq',
    'mission',
    'What is the weather in Paris?',
    'What did the article say about Kurdish forces?',
    ...words,
  ];
  const found = candidates.find((q) => {
    const reply = e.ask(q);
    return reply.kind === kind && (reason === undefined || reply.reason === reason);
  });
  if (!found) throw new Error(`no question gets a ${kind}${reason ? ` (${reason})` : ''} reply from the engine`);
  return found;
}

export interface LogCapture {
  logger: Logger;
  readonly lines: string[];
  records(): Record<string, unknown>[];
  events(name: string): Record<string, unknown>[];
}

export function captureLogs(level: 'debug' | 'info' = 'debug'): LogCapture {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level, stream, secrets: [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET] });
  const records = (): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, records, events: (name) => records().filter((r) => r.event === name) };
}

export interface Harness {
  sim: SlackSim;
  channel: Channel;
  server: Server;
  port: number;
  logs: LogCapture;
  /** HTTP mode only. */
  sender: SlackSender;
  close(): Promise<void>;
}

/** Fast timeouts so fault tests stay quick on 2 cores. */
export const TEST_OPTIONS: SlackChannelOptions = {
  tuning: { webApiTimeoutMs: 800, webApiRetries: 1 },
  http: { ackTimeoutMs: 2_500 },
  socket: { clientPingTimeout: 900, serverPingTimeout: 30_000, connectTimeoutMs: 5_000 },
};

/** The real Slack channel on the real shared server (port 0), talking to a fresh simulator. */
export interface HarnessOptions {
  engine?: Engine;
  channelOptions?: SlackChannelOptions;
  questionLog?: QuestionLog;
  /** Keep acked work in this outbox (a replica of the app, when several share one store). */
  outbox?: CreateSlackChannelOptions['outbox'];
  conversations?: ConversationMemory;
  /** A simulator shared with other harnesses (replicas of one app); it is left open by close(). */
  sim?: SlackSim;
}

export async function startHarness(mode: 'http' | 'socket', options: HarnessOptions = {}): Promise<Harness> {
  const sim = options.sim ?? (await SlackSim.start());
  const logs = captureLogs();
  const config: SlackConfig = {
    mode,
    botToken: BOT_TOKEN,
    apiUrl: sim.apiUrl,
    ...(mode === 'socket' ? { appToken: APP_TOKEN } : { signingSecret: SIGNING_SECRET }),
  };
  const channel = createSlackChannel({
    config,
    engine: options.engine ?? realEngine(),
    logger: logs.logger,
    options: options.channelOptions ?? TEST_OPTIONS,
    ...(options.questionLog ? { questionLog: options.questionLog } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
    ...(options.conversations ? { conversations: options.conversations } : {}),
  });
  const { server, port, close } = await serveChannels([channel], logs.logger);
  const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET);
  return {
    sim,
    channel,
    server,
    port,
    logs,
    sender,
    async close() {
      await close();
      if (!options.sim) await sim.close();
    },
  };
}

/** Every text a Slack message carries, blocks included, as one string. */
export function allText(value: unknown): string {
  return JSON.stringify(value);
}

/** How a test hands Slack traffic to the app, the same way in both modes. */
export interface Transport {
  /** Deliver an Events API envelope; resolves once the app acked it. */
  event(envelope: Record<string, unknown>, options?: { retry?: number }): Promise<void>;
  /** Run a slash command; resolves with the ack's payload (the immediate response). */
  command(fields: Record<string, string>): Promise<Record<string, unknown>>;
  /** Click a button; resolves once acked. */
  action(payload: Record<string, unknown>): Promise<void>;
}

export function transportFor(mode: 'http' | 'socket', h: Harness): Transport {
  if (mode === 'http') {
    const ok = async (p: Promise<{ status: number; text: string }>): Promise<string> => {
      const res = await p;
      if (res.status !== 200) throw new Error(`Slack request answered ${res.status}: ${res.text}`);
      return res.text;
    };
    return {
      async event(envelope, options = {}) {
        await ok(h.sender.event(envelope, options.retry ? { retryNum: options.retry, retryReason: 'http_timeout' } : {}));
      },
      async command(fields) {
        const text = await ok(h.sender.command(fields));
        return text ? (JSON.parse(text) as Record<string, unknown>) : {};
      },
      async action(payload) {
        await ok(h.sender.action(payload));
      },
    };
  }
  const socket = h.sim.socket;
  return {
    async event(envelope, options = {}) {
      await socket.waitForAck(socket.send('events_api', envelope, options.retry ? { retryAttempt: options.retry, retryReason: 'timeout' } : {}));
    },
    async command(fields) {
      const ack = await socket.waitForAck(socket.send('slash_commands', fields));
      return ack.payload ?? {};
    },
    async action(payload) {
      await socket.waitForAck(socket.send('interactive', payload));
    },
  };
}
