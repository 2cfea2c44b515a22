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
import { createHttpServer, listen } from './server.js';

// The only module that reads process.env: everything else is handed a parsed Config.

async function main(): Promise<void> {
  const envFile = resolve(root, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);

  const config = parseConfig(process.env);
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) });

  const started = performance.now();
  const engine = loadEngine({ root });
  logger.info({
    event: 'engine_ready',
    intents: engine.intents.length,
    sentences: engine.article.sentences.length,
    ms: Math.round(performance.now() - started),
  });

  const channels: Channel[] = [];
  if (config.slack) channels.push(createSlackChannel({ config: config.slack, engine, logger: logger.child({ channel: 'slack' }) }));
  if (config.webChat) channels.push(createWebChannel({ engine, logger: logger.child({ channel: 'web' }) }));

  const server = createHttpServer({ channels, logger });
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
    void Promise.allSettled(channels.map((c) => c.stop()))
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
