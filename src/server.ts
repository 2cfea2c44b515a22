import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Channel } from './channels/channel.js';
import type { Readiness } from './health.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { requestPath } from './url-path.js';

export interface HttpServerOptions {
  channels: readonly Channel[];
  logger: Logger;
  /** GET /readyz reports it; without one, /readyz is ready with no checks. */
  readiness?: Readiness;
  /** GET /metrics serves it; without one, /metrics is a 404. */
  metrics?: Metrics;
  /** More fields for GET /healthz (e.g. the content version). */
  health?: () => Record<string, unknown>;
}

const JSON_TYPE = 'application/json';

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
}

/** Client went away mid-request: routine on the internet, not a bug. */
export function isClientAbort(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error)?.message === 'aborted';
}

/**
 * The process's one HTTP server: `/healthz`, `/readyz`, `/metrics`, then each
 * channel in turn, then 404. Channels own their own paths; this knows nothing
 * of Slack or the web chat. Websocket upgrades go to the channel that claims
 * them (the web chat's `/ws`); any other request carrying an `Upgrade` header
 * is served like a plain request.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { channels, logger, readiness, metrics, health } = options;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const path = requestPath(req);
      const read = req.method === 'GET' || req.method === 'HEAD';
      if (path === '/healthz' && read) {
        sendJson(req, res, 200, { ok: true, channels: channels.map((c) => c.name), ...health?.() });
        return;
      }
      if (path === '/readyz' && read) {
        void (readiness?.report() ?? Promise.resolve({ ready: true, draining: false, checks: {} })).then(
          (report) => sendJson(req, res, report.ready ? 200 : 503, report),
          (err: unknown) => fail(req, res, err),
        );
        return;
      }
      if (path === '/metrics' && read && metrics) {
        void metrics.render().then(
          ({ contentType, body }) => {
            res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
            res.end(req.method === 'HEAD' ? undefined : body);
          },
          (err: unknown) => fail(req, res, err),
        );
        return;
      }
      for (const channel of channels) {
        if (channel.handleRequest?.(req, res)) return;
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
    } catch (err) {
      fail(req, res, err);
    }
  };

  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown): void => {
    if (isClientAbort(err)) logger.info({ event: 'http_client_aborted', path: req.url, code: (err as { code?: unknown }).code ?? null });
    else logger.error({ event: 'http_error', path: req.url }, err);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Internal error\n');
  };

  const server = createServer(handle);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    for (const channel of channels) {
      if (channel.handleUpgrade?.(req, socket, head)) return;
    }
    serveAsRequest(req, socket, head, handle);
  });
  // A malformed request or a client that hangs up early: answer 400 if we still can, log it quietly.
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    logger.info({ event: 'http_client_error', code: err.code ?? null, reason: err.message });
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    // The statuses Node's own handler would send.
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
  });
  // Slow-loris protection; Slack expects an ack within 3 s anyway.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

/**
 * Node hands a request with an `Upgrade` header to 'upgrade' listeners and
 * never to the request handler. Nobody took this one over, so answer it as
 * the plain HTTP request it also is (RFC 9110: a server may ignore Upgrade).
 * Node has already ended `req` with no body; the body, if any, is what
 * follows the headers (`head`, then the socket), fed to a fresh request.
 */
function serveAsRequest(upgrade: IncomingMessage, socket: Duplex, head: Buffer, handle: (req: IncomingMessage, res: ServerResponse) => void): void {
  socket.on('error', () => socket.destroy());
  // Off the HTTP server's own timeouts now: a client must not hold this socket open forever.
  (socket as Socket).setTimeout?.(UPGRADED_REQUEST_TIMEOUT_MS, () => socket.destroy());
  const req = new IncomingMessage(socket as Socket);
  Object.assign(req, {
    method: upgrade.method,
    url: upgrade.url,
    headers: upgrade.headers,
    rawHeaders: upgrade.rawHeaders,
    httpVersion: upgrade.httpVersion,
    httpVersionMajor: upgrade.httpVersionMajor,
    httpVersionMinor: upgrade.httpVersionMinor,
  });
  let left = Number(req.headers['content-length'] ?? 0);
  // `complete` is what the HTTP parser would set: without it, the request's end counts as an abort and takes the socket down.
  const finish = (): void => {
    req.complete = true;
    req.push(null);
  };
  const feed = (chunk: Buffer): void => {
    if (left <= 0) return;
    const part = chunk.subarray(0, left);
    left -= part.length;
    req.push(part);
    if (left === 0) {
      socket.off('data', feed);
      finish();
    }
  };
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as never);
  res.on('finish', () => {
    // Answered: whatever body is still coming is neither read into the request nor kept.
    socket.off('data', feed);
    res.detachSocket(socket as never);
    socket.end();
    socket.resume();
  });
  if (req.headers['transfer-encoding'] || !Number.isSafeInteger(left) || left < 0) {
    res.writeHead(411, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('A request with an Upgrade header needs a Content-Length\n');
    return;
  }
  if (left === 0) finish();
  else {
    // Hung up mid-body: close the request without an error event nobody may be listening for.
    socket.on('close', () => {
      if (left > 0) req.destroy();
    });
    if (head.length > 0) feed(head);
    if (left > 0) socket.on('data', feed);
  }
  handle(req, res);
}

/**
 * True while connections are arriving: accepted less than `freshMs` ago and
 * not yet a parsed request. Engine work that can wait (web chat turns) waits
 * then, so a burst of Slack requests is read and acked first. Only fresh
 * connections count: one left idle by a slow client stops counting soon.
 */
export function watchArrivals(server: Server, freshMs = 100): () => boolean {
  const fresh = new Set<Duplex>();
  const settled = (socket: Duplex): void => {
    fresh.delete(socket);
  };
  server.on('connection', (socket: Duplex) => {
    fresh.add(socket);
    setTimeout(() => settled(socket), freshMs).unref();
    socket.once('close', () => settled(socket));
  });
  server.on('request', (req: IncomingMessage) => settled(req.socket));
  server.on('upgrade', (req: IncomingMessage) => settled(req.socket));
  return () => fresh.size > 0;
}

/** A request with an Upgrade header that nobody took over gets this long, as `requestTimeout` for the rest. */
const UPGRADED_REQUEST_TIMEOUT_MS = 30_000;

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
