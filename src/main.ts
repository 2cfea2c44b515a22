import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import type { Channel, DrainReport } from './channels/channel.js';
import { createSlackChannel, type SlackChannel } from './channels/slack/channel.js';
import { createWebChannel } from './channels/web/channel.js';
import { configSecrets, parseConfig, type ServiceConfig } from './config.js';
import { loadEngine } from './core/engine.js';
import { AppError } from './errors.js';
import { Readiness } from './health.js';
import { createLogger, type Logger } from './logger.js';
import { countedEngine, countedVotes, createMetrics } from './metrics.js';
import { projectRoot as root } from './project-root.js';
import { createReloadingEngine, watchContent } from './runtime/reloading-engine.js';
import { createHttpServer, listen, watchArrivals } from './server.js';
import { startStore, storeReadiness } from './store/index.js';
import { type OutboxDepth, OutboxStore } from './store/outbox.js';

// The only module that reads process.env: everything else is handed a parsed Config.

async function main(): Promise<void> {
  const envFile = resolve(root, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);

  const config = parseConfig(process.env);
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) });

  const started = performance.now();
  const loaded = loadEngine({ root });
  logger.info({
    event: 'engine_ready',
    version: loaded.version,
    intents: loaded.intents.length,
    sentences: loaded.article.sentences.length,
    ms: Math.round(performance.now() - started),
  });
  // Channels hold this one engine; edits to intents/ or knowledge/ (or a SIGHUP) swap its content in place.
  const engine = createReloadingEngine({ root, logger: logger.child({ component: 'content' }), initial: loaded });
  const watcher = watchContent([resolve(root, 'intents'), resolve(root, 'knowledge')], () => engine.reload('file change'), { logger });
  process.on('SIGHUP', () => engine.reload('SIGHUP'));
  // An edit saved while the content was loading, before the watch began.
  engine.reload('start');

  const store = await startStore({ config: config.store, root, logger: logger.child({ component: 'store' }) });
  logger.info({ event: 'store_ready', store: store.store.where, questionLog: config.store.questionLog, retentionDays: config.store.retentionDays });
  const questionLog = store.log;
  // With PostgreSQL, replicas share conversations; one process keeps its own in memory.
  const conversations = store.conversations;

  // Service wiring: metrics, readiness checks, each channel with its own counted engine.
  const { service } = config;
  const metrics = createMetrics({ processMetrics: true });
  const votes = countedVotes(questionLog, metrics);
  const readiness = new Readiness();
  readiness.register('content', () => ({
    ok: engine.intents.length > 0 && engine.article.sentences.length > 0,
    detail: { version: engine.version, intents: engine.intents.length, sentences: engine.article.sentences.length },
  }));
  readiness.register('store', () => storeReadiness(store.store));
  const outbox = {
    store: new OutboxStore(store.store, { leaseMs: config.store.outboxLeaseMs }),
    onDepth: (depth: OutboxDepth) => metrics.setOutboxDepth(depth),
  };
  const channels: Channel[] = [];
  let arriving = (): boolean => false;
  let slack: SlackChannel | undefined;
  if (config.slack) {
    slack = createSlackChannel({
      config: config.slack,
      engine: countedEngine(engine, metrics, 'slack'),
      logger: logger.child({ channel: 'slack' }),
      questionLog: votes,
      outbox,
      ...(conversations ? { conversations } : {}),
      options: { onApiError: (code) => metrics.countSlackError(code), http: { onAnswered: (seconds) => metrics.observeSlackAck(seconds) } },
    });
    const registered = slack;
    readiness.register('slack', () => registered.readiness());
    channels.push(slack);
  }
  if (config.webChat) {
    // Slack's acks go first: web chat turns wait while connections and Slack requests are arriving.
    const acking = slack ? slack.acking : () => false;
    const yieldWhile = (): boolean => arriving() || acking();
    const limits = { trustProxy: service.trustProxy, publicOrigin: service.publicOrigin, yieldWhile };
    const web = createWebChannel({
      engine: countedEngine(engine, metrics, 'web'),
      logger: logger.child({ channel: 'web' }),
      limits,
      questionLog: votes,
      ...(conversations ? { conversations } : {}),
    });
    metrics.watchWebConnections(() => web.stats().connections);
    channels.push(web);
  }

  const server = createHttpServer({ channels, logger, readiness, metrics, health: () => ({ version: engine.version }) });
  arriving = watchArrivals(server);
  const port = await listen(server, config.port, service.host);
  // Side by side: a Slack API that is slow to answer must not hold back the web chat.
  await Promise.all(channels.map((channel) => channel.start(server)));

  logger.info({ event: 'listening', host: service.host, port, channels: channels.map((c) => c.name), slackMode: config.slack?.mode ?? null });
  const base = service.publicOrigin ?? `http://${['0.0.0.0', '::', '127.0.0.1'].includes(service.host) ? 'localhost' : service.host}:${port}`;
  if (config.webChat) process.stderr.write(`\nWeb chat ready: ${base}\n\n`);
  if (config.slack?.mode === 'http') process.stderr.write(`Slack events URL: ${base}/slack/events\n`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    watcher.close();
    // The store closes after the channels have drained: answers still being given may write to it.
    const closeStore = (): Promise<void> => store.close().catch((err: unknown) => logger.warn({ event: 'store_close_failed' }, err));
    void drainAndExit({ signal, service, channels, server, readiness, logger, closeAlso: closeStore });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A stray rejection in a listener must not take the bot down; log it and carry on.
  process.on('unhandledRejection', (reason) => logger.error({ event: 'unhandled_rejection' }, reason));
}

/**
 * SIGTERM: /readyz turns 503 and the channels refuse new work (503 with
 * Retry-After), answers already accepted get SHUTDOWN_GRACE_MS to finish,
 * then everything closes and the process exits 0. The log says how many were
 * answered and how many were given up.
 */
async function drainAndExit(options: {
  signal: string;
  service: ServiceConfig;
  channels: Channel[];
  server: Server;
  readiness: Readiness;
  logger: Logger;
  /** Closed once the channels have stopped (the store). */
  closeAlso: () => Promise<void>;
}): Promise<void> {
  const { signal, service, channels, server, readiness, logger } = options;
  const started = Date.now();
  const deadline = started + service.shutdownGraceMs;
  logger.info({ event: 'shutdown_started', signal, graceMs: service.shutdownGraceMs });
  readiness.startDraining();
  // Closing channels takes a few seconds at most (Slack's socket, goodbyes to web sockets); past that, give up.
  const force = setTimeout(() => {
    logger.error({ event: 'shutdown_forced', ms: Date.now() - started });
    process.exit(1);
  }, service.shutdownGraceMs + 10_000);
  force.unref();

  const none: DrainReport = { answered: 0, abandoned: 0 };
  const reports = await Promise.all(channels.map(async (c) => [c.name, c.drain ? await c.drain(deadline).catch(() => none) : none] as const));
  await Promise.allSettled(channels.map((c) => c.stop()));
  await options.closeAlso();
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));

  // Read now, after closing: answers under way at the deadline that finished while closing count as answered.
  const answered = reports.reduce((n, [, r]) => n + r.answered, 0);
  const abandoned = reports.reduce((n, [, r]) => n + r.abandoned, 0);
  // Slack's outbox keeps what was acked and not answered here: the next start or another replica answers it.
  const keptInOutbox = reports.reduce((n, [, r]) => n + Math.min(r.abandoned, r.kept ?? 0), 0);
  logger[abandoned > keptInOutbox ? 'warn' : 'info']({
    event: 'shutdown_complete',
    signal,
    answered,
    abandoned,
    keptInOutbox,
    byChannel: Object.fromEntries(
      reports.map(([name, r]) => [
        name,
        { answered: r.answered, abandoned: r.abandoned, ...(r.kept !== undefined ? { keptInOutbox: Math.min(r.abandoned, r.kept) } : {}) },
      ]),
    ),
    ms: Date.now() - started,
    clean: abandoned === 0,
    ...(abandoned > 0
      ? {
          msg: `${abandoned} accepted question(s) were not answered within SHUTDOWN_GRACE_MS${keptInOutbox > 0 ? `; ${keptInOutbox} of them are kept in the outbox for the next start or another replica` : ''}`,
        }
      : {}),
  });
  process.exit(0);
}

main().catch((err: unknown) => {
  if (err instanceof AppError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
