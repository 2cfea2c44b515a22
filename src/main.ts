import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Channel } from './channels/channel.js';
import { createSlackChannel } from './channels/slack/channel.js';
import { createWebChannel } from './channels/web/channel.js';
import { configSecrets, parseConfig } from './config.js';
import { loadEngine } from './core/engine.js';
import { AppError } from './errors.js';
import { createLogger } from './logger.js';
import { projectRoot as root } from './project-root.js';
import { createReloadingEngine, watchContent } from './runtime/reloading-engine.js';
import { createHttpServer, listen } from './server.js';
import { startStore } from './store/index.js';

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

  const channels: Channel[] = [];
  if (config.slack) channels.push(createSlackChannel({ config: config.slack, engine, logger: logger.child({ channel: 'slack' }), questionLog }));
  if (config.webChat) channels.push(createWebChannel({ engine, logger: logger.child({ channel: 'web' }), questionLog }));

  const server = createHttpServer({ channels, logger, health: () => ({ version: engine.version }) });
  const port = await listen(server, config.port);
  // Side by side: a Slack API that is slow to answer must not hold back the web chat.
  await Promise.all(channels.map((channel) => channel.start(server)));

  logger.info({ event: 'listening', port, channels: channels.map((c) => c.name), slackMode: config.slack?.mode ?? null });
  if (config.webChat) process.stderr.write(`\nWeb chat ready: http://localhost:${port}\n\n`);
  if (config.slack?.mode === 'http') process.stderr.write(`Slack events URL: http://localhost:${port}/slack/events\n`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    watcher.close();
    void Promise.allSettled(channels.map((c) => c.stop()))
      .then(() => store.close().catch((err: unknown) => logger.warn({ event: 'store_close_failed' }, err)))
      .then(() => new Promise<void>((done) => server.close(() => done())))
      .then(() => process.exit(0));
    server.closeAllConnections?.();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A stray rejection in a listener must not take the bot down; log it and carry on.
  process.on('unhandledRejection', (reason) => logger.error({ event: 'unhandled_rejection' }, reason));
}

main().catch((err: unknown) => {
  if (err instanceof AppError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
