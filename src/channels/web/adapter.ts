import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { ActivityTypes, TurnContext, type Activity, type ResourceResponse } from 'botbuilder';
import { WebAdapter } from 'botbuilder-adapter-web';
import type WebSocket from 'ws' with { 'resolution-mode': 'require' }; // the CJS typings the adapter's own d.ts uses
import type { Logger } from '../../logger.js';
import { MESSAGES } from '../../messages.js';
import { parseClientFrame, type ClientFrame } from './protocol.js';
import { renderError, type WebMessage } from './render.js';

// The `ws` the adapter itself depends on (7.5.x, kept >= 7.5.10 by the override
// in package.json). The top-level `ws` is a dev dependency for tests only.
const requireFromAdapter = createRequire(createRequire(import.meta.url).resolve('botbuilder-adapter-web'));
const WS = requireFromAdapter('ws') as typeof WebSocket;

export interface WebSocketLimits {
  /** The upgrade path the page connects to. */
  path: string;
  /** Largest frame accepted; a bigger one closes the socket with 1009. */
  maxPayload: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** Ping every this often; a socket that missed the previous pong is dropped. */
  heartbeatMs: number;
  /** Token bucket per connection: a burst of this many frames... */
  burst: number;
  /** ...refilled at this many frames per second. */
  perSecond: number;
  /** A client that stops reading is dropped once this much is queued for it. */
  maxBufferedBytes: number;
}

export const DEFAULT_LIMITS: WebSocketLimits = {
  path: '/ws',
  maxPayload: 16 * 1024,
  maxConnections: 500,
  maxConnectionsPerAddress: 50,
  heartbeatMs: 30_000,
  burst: 20,
  perSecond: 5,
  maxBufferedBytes: 1024 * 1024,
};

type TurnLogic = (context: TurnContext) => Promise<void>;

interface Connection {
  /** Assigned here, never taken from the client. */
  readonly id: string;
  readonly socket: WebSocket;
  readonly address: string;
  alive: boolean;
  tokens: number;
  refilledAt: number;
  /** Turns of one connection run one after another, so replies keep their order. */
  turns: Promise<void>;
}

/**
 * True when the Origin header names the same scheme-less host as Host (the
 * page and its socket on one server). A missing or `null` Origin fails.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    const from = new URL(origin);
    if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
    const to = new URL(`${from.protocol}//${host}`);
    const bare = !to.username && !to.password && to.pathname === '/' && !to.search && !to.hash;
    return bare && from.host === to.host;
  } catch {
    return false;
  }
}

function frameText(data: unknown, isBinary: boolean | undefined): string | null {
  if (typeof data === 'string') return data; // ws 7 hands text frames over as strings
  if (isBinary === false && Buffer.isBuffer(data)) return data.toString('utf8'); // ws 8
  return null;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => socket.destroy());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
    );
  }
  socket.destroy();
}

const short = (id: string): string => id.slice(0, 8);

/**
 * Botkit's web adapter with the trust taken out of the browser's hands.
 *
 * The stock adapter keys sockets by the `user` field the client sends, in one
 * module-wide map: any client can claim another's id and receive their
 * replies. Here each connection gets a server-made id, replies go only to the
 * socket that owns it, and frames are size-, origin-, rate- and type-checked.
 * It attaches to the shared HTTP server (never Botkit's own) and cleans up
 * every socket and timer on close.
 */
export class HardenedWebAdapter extends WebAdapter {
  private readonly connections = new Map<string, Connection>();
  private readonly perAddress = new Map<string, number>();
  private readonly limits: WebSocketLimits;
  private readonly logger: Logger;
  private logic: TurnLogic | undefined;
  private server: Server | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(options: { logger: Logger; limits?: Partial<WebSocketLimits> }) {
    super();
    this.logger = options.logger;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** Botkit plugin hook: remember the turn handler; the socket server waits for `attach`. */
  override init(botkit: { handleTurn(context: TurnContext): Promise<void> }): void {
    this.logic = botkit.handleTurn.bind(botkit);
  }

  /** The stock entry point, kept working: attach to `server` with the hardened rules. */
  override createSocketServer(server: Server, _options: unknown, logic: TurnLogic): void {
    this.logic = logic;
    this.attach(server);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Distinct client addresses with an open socket (for leak checks). */
  get addressCount(): number {
    return this.perAddress.size;
  }

  get path(): string {
    return this.limits.path;
  }

  /** Take websocket upgrades on `limits.path` of the shared server. */
  attach(server: Server): void {
    if (this.server) throw new Error('The web adapter is already attached to a server');
    if (!this.logic) throw new Error('The web adapter has no turn handler: register it with Botkit first');
    this.server = server;
    this.closing = false;
    const wss = new WS.Server({ noServer: true, maxPayload: this.limits.maxPayload, perMessageDeflate: false });
    wss.on('connection', (socket: WebSocket, req: IncomingMessage) => this.onConnection(socket, req));
    this.wss = wss;
    server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.checkHeartbeats(), this.limits.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Stop taking sockets, say goodbye to the open ones, free everything. Safe to call twice. */
  async close(): Promise<void> {
    const wss = this.wss as InstanceType<typeof WS.Server> | undefined;
    if (!wss || this.closing) return;
    this.closing = true;
    this.server?.off('upgrade', this.onUpgrade);
    clearInterval(this.heartbeat);
    const closed = [...this.connections.values()].map(
      ({ socket }) =>
        new Promise<void>((done) => {
          socket.once('close', () => done());
          socket.close(1001, 'Server shutting down');
        }),
    );
    const grace = new Promise<void>((done) => setTimeout(done, 1_000).unref());
    await Promise.race([Promise.all(closed), grace]);
    await new Promise<void>((done) => wss.close(() => done())); // terminates stragglers
    for (const { socket } of this.connections.values()) socket.terminate();
    this.wss = undefined;
    this.server = undefined;
  }

  override isConnected(user: string): boolean {
    return this.connections.has(user);
  }

  override getConnection(user: string): ReturnType<WebAdapter['getConnection']> {
    const connection = this.connections.get(user);
    if (!connection) throw new Error(`No open web chat connection ${short(user)}`);
    return connection.socket as unknown as ReturnType<WebAdapter['getConnection']>;
  }

  /** Replies go to the socket the server assigned to the recipient id, and nowhere else. */
  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    for (const activity of activities) {
      const id = activity.recipient?.id;
      const connection = id === undefined ? undefined : this.connections.get(id);
      if (!connection) {
        this.logger.debug({ event: 'web_reply_dropped', reason: 'connection closed' });
        continue;
      }
      this.send(connection, { type: activity.type, text: activity.text, ...activity.channelData });
    }
    return [];
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.limits.path) {
      // Another channel may own this path; answer only when nobody else listens.
      if (this.server?.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const refusal = this.refusalFor(req, address);
    if (refusal) {
      this.logger.warn({ event: 'web_upgrade_refused', reason: refusal.reason, origin: req.headers.origin ?? null });
      refuseUpgrade(socket, refusal.status, refusal.reason);
      return;
    }
    const wss = this.wss as InstanceType<typeof WS.Server>;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };

  private refusalFor(req: IncomingMessage, address: string): { status: number; reason: string } | null {
    if (this.closing) return { status: 503, reason: 'Service Unavailable' };
    if (!isSameOrigin(req.headers.origin, req.headers.host)) return { status: 403, reason: 'Forbidden origin' };
    if (this.connections.size >= this.limits.maxConnections) return { status: 503, reason: 'Too many connections' };
    if ((this.perAddress.get(address) ?? 0) >= this.limits.maxConnectionsPerAddress) {
      return { status: 429, reason: 'Too many connections from this address' };
    }
    return null;
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const connection: Connection = {
      id: randomUUID(),
      socket,
      address: req.socket.remoteAddress ?? 'unknown',
      alive: true,
      tokens: this.limits.burst,
      refilledAt: Date.now(),
      turns: Promise.resolve(),
    };
    this.connections.set(connection.id, connection);
    this.perAddress.set(connection.address, (this.perAddress.get(connection.address) ?? 0) + 1);
    socket.on('message', (data: unknown, isBinary?: boolean) => this.onFrame(connection, frameText(data, isBinary)));
    socket.on('pong', () => {
      connection.alive = true;
    });
    // Oversized frames, bad UTF-8, resets: ws closes the socket; we only note it.
    socket.on('error', (err: Error) => this.logger.info({ event: 'web_socket_error', conn: short(connection.id), reason: err.message }));
    socket.once('close', (code: number) => this.onClose(connection, code));
    this.logger.debug({ event: 'web_connected', conn: short(connection.id), connections: this.connections.size });
  }

  private onClose(connection: Connection, code: number): void {
    this.connections.delete(connection.id);
    const left = (this.perAddress.get(connection.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(connection.address, left);
    else this.perAddress.delete(connection.address);
    this.logger.debug({ event: 'web_disconnected', conn: short(connection.id), code, connections: this.connections.size });
  }

  private onFrame(connection: Connection, data: string | null): void {
    if (!this.takeToken(connection)) {
      this.send(connection, renderError('rate-limited', MESSAGES.web.rateLimited));
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      this.logger.info({ event: 'web_frame_rejected', conn: short(connection.id), code: parsed.code });
      this.send(connection, renderError(parsed.code, parsed.text));
      return;
    }
    connection.turns = connection.turns.then(() => this.runTurn(connection, parsed.frame));
  }

  private takeToken(connection: Connection): boolean {
    const now = Date.now();
    const refill = ((now - connection.refilledAt) / 1000) * this.limits.perSecond;
    connection.tokens = Math.min(this.limits.burst, connection.tokens + refill);
    connection.refilledAt = now;
    if (connection.tokens < 1) return false;
    connection.tokens -= 1;
    return true;
  }

  private async runTurn(connection: Connection, frame: ClientFrame): Promise<void> {
    const logic = this.logic as TurnLogic;
    const address = { id: connection.id, name: 'web' };
    const activity = {
      timestamp: new Date(),
      channelId: 'websocket',
      conversation: { ...address, isGroup: false, conversationType: 'personal' },
      from: address,
      recipient: { id: 'bot', name: 'bot' },
      // Only the validated fields; Botkit exposes these on the handler's message.
      channelData: frame.type === 'message' ? { ...frame } : { ...frame, botkitEventType: frame.type },
      text: frame.type === 'message' ? frame.text : '',
      type: frame.type === 'message' ? ActivityTypes.Message : ActivityTypes.Event,
    } satisfies Partial<Activity>;
    try {
      await this.runMiddleware(new TurnContext(this, activity), logic);
    } catch (err) {
      this.logger.error({ event: 'web_turn_failed', conn: short(connection.id) }, err);
      this.send(connection, renderError('internal', MESSAGES.internalError));
    }
  }

  private send(connection: Connection, message: WebMessage | Record<string, unknown>): void {
    const { socket } = connection;
    if (socket.readyState !== WS.OPEN) return;
    if (socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.logger.warn({ event: 'web_client_too_slow', conn: short(connection.id) });
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(message), (err) => {
      if (err) this.logger.debug({ event: 'web_send_failed', conn: short(connection.id), reason: err.message });
    });
  }

  private checkHeartbeats(): void {
    for (const connection of this.connections.values()) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      try {
        connection.socket.ping();
      } catch {
        connection.socket.terminate();
      }
    }
  }
}
