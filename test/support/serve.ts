import type { Server } from 'node:http';
import type { Channel } from '../../src/channels/channel.js';
import type { Logger } from '../../src/logger.js';
import { createHttpServer, type HttpServerOptions, listen } from '../../src/server.js';

export interface Served {
  server: Server;
  port: number;
  /** Stop the started channels, drop open connections, close the server. */
  close(): Promise<void>;
}

/**
 * The real shared HTTP server on a free loopback port with `channels` mounted,
 * as main.ts does it; only `started` (default: all) are started and stopped.
 */
export async function serveChannels(
  channels: readonly Channel[],
  logger: Logger,
  started: readonly Channel[] = channels,
  extra: Pick<HttpServerOptions, 'readiness' | 'metrics'> = {},
): Promise<Served> {
  const server = createHttpServer({ channels, logger, ...extra });
  const port = await listen(server, 0, '127.0.0.1');
  for (const channel of started) await channel.start(server);
  return {
    server,
    port,
    async close() {
      for (const channel of started) await channel.stop();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
