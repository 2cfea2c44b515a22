import { createServer, type Server } from 'node:http';
import type { Channel } from './channels/channel.js';
import type { Logger } from './logger.js';

/**
 * The process's one HTTP server: `/healthz`, then each channel in turn, then 404.
 * Channels own their own paths; this knows nothing of Slack or the web chat.
 */
export function createHttpServer(options: { channels: readonly Channel[]; logger: Logger; health?: () => Record<string, unknown> }): Server {
  const { channels, logger } = options;
  const server = createServer((req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ ok: true, channels: channels.map((c) => c.name), ...options.health?.() }));
        return;
      }
      for (const channel of channels) {
        if (channel.handleRequest?.(req, res)) return;
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
    } catch (err) {
      logger.error({ event: 'http_error', path: req.url }, err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error\n');
    }
  });
  // Slow-loris protection; Slack expects an ack within 3 s anyway.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

// Slack may deliver a burst of events at once: a short accept queue makes late connections wait
// for a SYN retry (1 s, then 3 s), past Slack's 3-second limit. The kernel caps it at somaxconn.
const LISTEN_BACKLOG = 4096;

export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
