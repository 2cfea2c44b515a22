import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Engine, ReplyKind } from './core/types.js';
import type { QuestionLog } from './store/question-log.js';

/**
 * The process's Prometheus metrics, served on GET /metrics. One registry per
 * `createMetrics()` (a factory, never prom-client's global registry), so tests
 * and several apps in one process do not share counters.
 */
export interface Metrics {
  readonly registry: Registry;
  /** One question answered (or refused) by the engine, on `channel`, with the reply's kind and how long it took. */
  countQuestion(channel: string, kind: ReplyKind | 'error', seconds: number): void;
  /** A 👍/👎 on an answer. The store records the vote; this only counts it. */
  countVote(channel: string, vote: 'up' | 'down'): void;
  /** A Slack Web API or response_url call that failed, by Slack's error code (or ours: timeout, http_500...). */
  countSlackError(code: string): void;
  /** How long one Slack HTTP request took from its arrival to our answer (the ack Slack waits 3 s for). */
  observeSlackAck(seconds: number): void;
  /** Read open web chat sockets at scrape time. */
  watchWebConnections(read: () => number): void;
  /** The Slack outbox's latest depth: entries not answered yet, and when the oldest was accepted (ISO). */
  setOutboxDepth(depth: { pending: number; oldest: string | null }): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<{ contentType: string; body: string }>;
}

const PREFIX = 'isis_bot_';

// Matching takes a few ms; a slow answer is tens of ms. Buckets in seconds.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

// Slack error codes are Slack's own, but an unknown code must not grow the series without bound.
const MAX_ERROR_CODES = 50;

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: PREFIX });

  const questions = new Counter({
    name: `${PREFIX}questions_total`,
    help: 'Questions answered, by channel (slack, web) and reply kind (answer, clarify, no-match, chat, invalid, error).',
    labelNames: ['channel', 'kind'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: `${PREFIX}answer_seconds`,
    help: 'Time the engine took to answer one question, by channel.',
    labelNames: ['channel'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const votes = new Counter({
    name: `${PREFIX}feedback_votes_total`,
    help: 'Feedback votes on answers, by channel and vote (up, down).',
    labelNames: ['channel', 'vote'] as const,
    registers: [registry],
  });
  const slackErrors = new Counter({
    name: `${PREFIX}slack_api_errors_total`,
    help: "Failed Slack Web API and response_url calls (each try), by Slack's error code or ours (timeout, rate_limited, http_NNN, request_failed).",
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const acks = new Histogram({
    name: `${PREFIX}slack_ack_seconds`,
    help: 'Slack HTTP requests (POST /slack/events): time from the request to our response. Slack retries past 3 s.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [registry],
  });
  const readers: (() => number)[] = [];
  new Gauge({
    name: `${PREFIX}web_connections`,
    help: 'Open web chat websockets.',
    registers: [registry],
    collect() {
      this.set(readers.reduce((sum, read) => sum + read(), 0));
    },
  });
  let outbox: { pending: number; oldest: string | null } = { pending: 0, oldest: null };
  new Gauge({
    name: `${PREFIX}outbox_depth`,
    help: 'Slack events and clicks acked and not answered yet, in the whole outbox (every replica sharing the store); measured every 5 s.',
    registers: [registry],
    collect() {
      this.set(outbox.pending);
    },
  });
  new Gauge({
    name: `${PREFIX}outbox_oldest_age_seconds`,
    help: 'How long the oldest unanswered outbox entry has waited (0 when there is none).',
    registers: [registry],
    collect() {
      this.set(outbox.oldest ? Math.max(0, (Date.now() - Date.parse(outbox.oldest)) / 1000) : 0);
    },
  });
  const codes = new Set<string>();

  return {
    registry,
    countQuestion(channel, kind, seconds) {
      questions.inc({ channel, kind });
      latency.observe({ channel }, seconds);
    },
    countVote(channel, vote) {
      votes.inc({ channel, vote });
    },
    countSlackError(code) {
      if (!codes.has(code) && codes.size >= MAX_ERROR_CODES) code = 'other';
      codes.add(code);
      slackErrors.inc({ code });
    },
    observeSlackAck(seconds) {
      acks.observe(seconds);
    },
    setOutboxDepth(depth) {
      outbox = depth;
    },
    watchWebConnections(read) {
      readers.push(read);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/**
 * The engine as one channel sees it, counting every question it answers.
 * Channels stay unaware of metrics: main.ts hands each its own counted engine.
 */
export function countedEngine(engine: Engine, metrics: Metrics, channel: string): Engine {
  const timed = <T extends { kind: ReplyKind } | undefined>(produce: () => T): T => {
    const started = performance.now();
    try {
      const reply = produce();
      if (reply) metrics.countQuestion(channel, reply.kind, (performance.now() - started) / 1000);
      return reply;
    } catch (err) {
      metrics.countQuestion(channel, 'error', (performance.now() - started) / 1000);
      throw err;
    }
  };
  // Getters: the engine underneath may swap its content (a reload) at any time.
  return {
    get version() {
      return engine.version;
    },
    get article() {
      return engine.article;
    },
    get intents() {
      return engine.intents;
    },
    ask: (question) => timed(() => engine.ask(question)),
    converse(question, context) {
      let turn: ReturnType<Engine['converse']> | undefined;
      timed(() => (turn = engine.converse(question, context)).reply);
      return turn as ReturnType<Engine['converse']>;
    },
    answerIntent: (intentId) => timed(() => engine.answerIntent(intentId)),
    examples: (count) => engine.examples(count),
  };
}

/** The question log as the channels see it, counting every vote cast (a changed vote counts again). */
export function countedVotes(log: QuestionLog, metrics: Metrics): QuestionLog {
  return {
    get mode() {
      return log.mode;
    },
    question: (entry) => log.question(entry),
    feedback(entry) {
      metrics.countVote(entry.channel, entry.vote);
      log.feedback(entry);
    },
  };
}
