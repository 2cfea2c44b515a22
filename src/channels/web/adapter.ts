import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { ActivityTypes, TurnContext, type Activity, type ResourceResponse } from 'botbuilder';
import { WebAdapter } from 'botbuilder-adapter-web';
import type WebSocket from 'ws' with { 'resolution-mode': 'require' }; // the CJS typings the adapter's own d.ts uses
import type { Logger } from '../../logger.js';
import { MESSAGES } from '../../messages.js';
import type { DrainReport } from '../channel.js';
import { InFlight } from '../in-flight.js';
import { addressGroup, clientAddress } from './client-address.js';
import { parseClientFrame, type ClientFrame } from './protocol.js';
import { renderError, type WebMessage } from './render.js';
import { requestPath } from '../../url-path.js';

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
  /** A socket that asks nothing for this long is closed (1000, "idle"). */
  idleMs: number;
  /** When every slot is taken, the socket idle longest is closed for a newcomer if it has been idle this long... */
  evictIdleAfterMs: number;
  /** ...or if it has never asked anything in this long (an idle flood never asks). */
  evictSilentAfterMs: number;
  /** Questions waiting per connection; past this, a frame gets a "too fast" reply instead of a place in line. */
  maxQueuedPerConnection: number;
  /** Engine time (ms) one address (an IPv4 address, an IPv6 /64) may spend in a burst... */
  engineBudgetMs: number;
  /** ...refilled at this many ms of engine time per second. */
  engineRefillMsPerSecond: number;
  /** Reverse proxies in front of us whose X-Forwarded-For to believe (0: ignore the header). */
  trustProxy: number;
  /** The page's public origin behind a proxy (PUBLIC_URL), accepted besides the Host header's own. */
  publicOrigin: string | null;
  /** While this says so (Slack acks going out), new turns wait, up to maxYieldMs each. */
  yieldWhile: () => boolean;
  maxYieldMs: number;
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
  idleMs: 10 * 60_000,
  evictIdleAfterMs: 60_000,
  evictSilentAfterMs: 10_000,
  maxQueuedPerConnection: 5,
  engineBudgetMs: 3_000,
  engineRefillMsPerSecond: 250,
  trustProxy: 0,
  publicOrigin: null,
  yieldWhile: () => false,
  maxYieldMs: 250,
};

type TurnLogic = (context: TurnContext) => Promise<void>;

/** Per client address (an IPv6 /64): open sockets and the engine-time budget they share. */
interface AddressState {
  connections: number;
  budgetMs: number;
  refilledAt: number;
}

interface Connection {
  /** Assigned here, never taken from the client. */
  readonly id: string;
  readonly socket: WebSocket;
  /** The address group (see addressGroup). */
  readonly address: string;
  alive: boolean;
  tokens: number;
  refilledAt: number;
  /** Last question (or the connection's opening): the idle timeout counts from here. */
  activeAt: number;
  /** Whether it has asked anything yet. */
  asked: boolean;
  /** Turns waiting or running on this connection (bounded by maxQueuedPerConnection). */
  queued: number;
  /** Turns of one connection run one after another, so replies keep their order. */
  turns: Promise<void>;
}

/**
 * True when the Origin header names the same scheme-less host as Host (the
 * page and its socket on one server), or is exactly `publicOrigin` (PUBLIC_URL
 * behind a proxy that rewrites Host). A missing or `null` Origin fails.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined, publicOrigin: string | null = null): boolean {
  if (!origin) return false;
  try {
    const from = new URL(origin);
    if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
    if (publicOrigin !== null && from.origin === publicOrigin) return true;
    if (!host) return false;
    const to = new URL(`${from.protocol}//${host}`);
    const bare = !to.username && !to.password && to.pathname === '/' && !to.search && !to.hash;
    return bare && from.host === to.host;
  } catch {
    return false;
  }
}

/**
 * Runs web chat turns a few at a time, each started on its own turn of the
 * event loop, so that a flood of questions (the engine is synchronous) lets
 * network I/O in between every answer; and while `yieldWhile` says Slack
 * requests are arriving, holds new turns back (never longer than maxYieldMs).
 */
class TurnScheduler {
  private readonly waiting: (() => Promise<void>)[] = [];
  private running = 0;
  private scheduled = false;
  private heldSince: number | null = null;

  constructor(
    private readonly atOnce: number,
    private readonly yieldWhile: () => boolean,
    private readonly maxYieldMs: number,
  ) {}

  run(job: () => Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(() => job().finally(resolve));
      this.pump();
    });
  }

  private pump(): void {
    if (this.scheduled || this.running >= this.atOnce || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.yieldWhile()) {
        this.heldSince ??= performance.now();
        if (performance.now() - this.heldSince < this.maxYieldMs) {
          this.scheduled = true;
          setTimeout(() => {
            this.scheduled = false;
            this.pump();
          }, 2);
          return;
        }
      }
      this.heldSince = null;
      const job = this.waiting.shift();
      if (!job) return;
      this.running += 1;
      void job().finally(() => {
        this.running -= 1;
        this.pump();
      });
      this.pump();
    });
  }
}

function frameText(data: unknown, isBinary: boolean | undefined): string | null {
  if (typeof data === 'string') return data; // ws 7 hands text frames over as strings
  if (isBinary === false && Buffer.isBuffer(data)) return data.toString('utf8'); // ws 8
  return null;
}

/** What a 503 tells the client: try again after a restart or once a slot frees up. */
const RETRY_AFTER_SECONDS = 5;

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => socket.destroy());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        (status === 503 ? `Retry-After: ${RETRY_AFTER_SECONDS}\r\n` : '') +
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
  private readonly perAddress = new Map<string, AddressState>();
  private readonly limits: WebSocketLimits;
  private readonly logger: Logger;
  private readonly scheduler: TurnScheduler;
  private logic: TurnLogic | undefined;
  private server: Server | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private pingedAt = 0;
  private closing = false;
  private draining = false;
  /** Turns waiting or running, across all connections. */
  private readonly turns = new InFlight();

  constructor(options: { logger: Logger; limits?: Partial<WebSocketLimits> }) {
    super();
    this.logger = options.logger;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.scheduler = new TurnScheduler(2, this.limits.yieldWhile, this.limits.maxYieldMs);
  }

  /** Botkit plugin hook: remember the turn handler; the socket server waits for `attach`. */
  override init(botkit: { handleTurn(context: TurnContext): Promise<void> }): void {
    this.logic = botkit.handleTurn.bind(botkit);
  }

  /** The stock entry point, kept working: attach to `server` with the hardened rules, taking its upgrades on `limits.path`. */
  override createSocketServer(server: Server, _options: unknown, logic: TurnLogic): void {
    this.logic = logic;
    this.attach(server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!this.handleUpgrade(req, socket, head)) refuseUpgrade(socket, 404, 'Not Found');
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Distinct client addresses with an open socket (for leak checks). */
  get addressCount(): number {
    let count = 0;
    for (const state of this.perAddress.values()) if (state.connections > 0) count += 1;
    return count;
  }

  get path(): string {
    return this.limits.path;
  }

  /**
   * Get ready to take websocket upgrades on `limits.path` of the shared
   * server; the server hands them over through `handleUpgrade`.
   */
  attach(server: Server): void {
    if (this.server) throw new Error('The web adapter is already attached to a server');
    if (!this.logic) throw new Error('The web adapter has no turn handler: register it with Botkit first');
    this.server = server;
    this.closing = false;
    this.draining = false;
    const wss = new WS.Server({ noServer: true, maxPayload: this.limits.maxPayload, perMessageDeflate: false });
    wss.on('connection', (socket: WebSocket, req: IncomingMessage, address?: string) => this.onConnection(socket, req, address));
    this.wss = wss;
    const sweepMs = Math.max(20, Math.min(this.limits.heartbeatMs, Math.floor(this.limits.idleMs / 4)));
    this.pingedAt = Date.now();
    this.sweeper = setInterval(() => this.sweep(), sweepMs);
    this.sweeper.unref();
  }

  /**
   * Shutdown, first step: refuse new sockets (503) and new questions, let the
   * questions already in line be answered until `deadline`.
   */
  async drain(deadline: number): Promise<DrainReport> {
    this.draining = true;
    return this.turns.settle(deadline);
  }

  /** Stop taking sockets, say goodbye to the open ones, free everything. Safe to call twice. */
  async close(): Promise<void> {
    const wss = this.wss as InstanceType<typeof WS.Server> | undefined;
    if (!wss || this.closing) return;
    this.closing = true;
    this.draining = true;
    clearInterval(this.sweeper);
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

  /** Take over a websocket upgrade on `limits.path`; any other path is not ours (false). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = requestPath(req);
    const wss = this.wss as InstanceType<typeof WS.Server> | undefined;
    if (path !== this.limits.path || !wss) return false;
    const address = addressGroup(clientAddress(req, this.limits.trustProxy));
    const refusal = this.refusalFor(req, address);
    if (refusal) {
      this.logger.warn({ event: 'web_upgrade_refused', reason: refusal.reason, origin: req.headers.origin ?? null });
      refuseUpgrade(socket, refusal.status, refusal.reason);
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, address));
    return true;
  }

  private refusalFor(req: IncomingMessage, address: string): { status: number; reason: string } | null {
    if (this.draining || this.closing) return { status: 503, reason: 'Service Unavailable' };
    if (!isSameOrigin(req.headers.origin, req.headers.host, this.limits.publicOrigin)) return { status: 403, reason: 'Forbidden origin' };
    if ((this.perAddress.get(address)?.connections ?? 0) >= this.limits.maxConnectionsPerAddress) {
      return { status: 429, reason: 'Too many connections from this address' };
    }
    if (this.connections.size >= this.limits.maxConnections && !this.evictIdlest()) return { status: 503, reason: 'Too many connections' };
    return null;
  }

  /** Full house: close the socket idle longest, if it has been idle (or silent) long enough, to make room. */
  private evictIdlest(): boolean {
    const now = Date.now();
    const evictable = (c: Connection): boolean =>
      now - c.activeAt >= (c.asked ? this.limits.evictIdleAfterMs : Math.min(this.limits.evictSilentAfterMs, this.limits.evictIdleAfterMs));
    let idlest: Connection | undefined;
    for (const connection of this.connections.values()) {
      if (evictable(connection) && (!idlest || connection.activeAt < idlest.activeAt)) idlest = connection;
    }
    if (!idlest) return false;
    this.logger.info({ event: 'web_idle_evicted', conn: short(idlest.id), idleMs: Date.now() - idlest.activeAt });
    this.forget(idlest);
    idlest.socket.close(1000, 'idle');
    return true;
  }

  private onConnection(socket: WebSocket, req: IncomingMessage, address?: string): void {
    const now = Date.now();
    const connection: Connection = {
      id: randomUUID(),
      socket,
      address: address ?? addressGroup(clientAddress(req, this.limits.trustProxy)),
      alive: true,
      tokens: this.limits.burst,
      refilledAt: now,
      activeAt: now,
      asked: false,
      queued: 0,
      turns: Promise.resolve(),
    };
    this.connections.set(connection.id, connection);
    const state = this.perAddress.get(connection.address) ?? { connections: 0, budgetMs: this.limits.engineBudgetMs, refilledAt: now };
    state.connections += 1;
    this.perAddress.set(connection.address, state);
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
    this.forget(connection);
    this.logger.debug({ event: 'web_disconnected', conn: short(connection.id), code, connections: this.connections.size });
  }

  /** Free a connection's slot at once (its socket may take a while to finish closing). Safe to call twice. */
  private forget(connection: Connection): void {
    if (!this.connections.delete(connection.id)) return;
    const state = this.perAddress.get(connection.address);
    if (state) state.connections -= 1;
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
    if (this.draining) {
      this.send(connection, renderError('internal', MESSAGES.web.restarting));
      return;
    }
    if (connection.queued >= this.limits.maxQueuedPerConnection) {
      this.send(connection, renderError('rate-limited', MESSAGES.web.rateLimited));
      return;
    }
    const state = this.perAddress.get(connection.address);
    if (state && this.budgetLeft(state) <= 0) {
      this.logger.info({ event: 'web_budget_exhausted', conn: short(connection.id) });
      this.send(connection, renderError('rate-limited', MESSAGES.web.busy));
      return;
    }
    connection.activeAt = Date.now();
    connection.asked = true;
    connection.queued += 1;
    const finished = this.turns.start();
    connection.turns = connection.turns.then(() =>
      this.scheduler.run(async () => {
        const started = performance.now();
        try {
          if (this.connections.has(connection.id)) await this.runTurn(connection, parsed.frame);
        } finally {
          if (state) state.budgetMs -= performance.now() - started;
          connection.queued -= 1;
          finished();
        }
      }),
    );
  }

  /** Engine time left to an address, after refilling for the time since it last asked. */
  private budgetLeft(state: AddressState): number {
    const now = Date.now();
    const refill = ((now - state.refilledAt) / 1000) * this.limits.engineRefillMsPerSecond;
    state.budgetMs = Math.min(this.limits.engineBudgetMs, state.budgetMs + refill);
    state.refilledAt = now;
    return state.budgetMs;
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

  /** Every few seconds: close idle sockets, ping (and drop the silent), forget addresses with nothing left to remember. */
  private sweep(): void {
    const now = Date.now();
    const ping = now - this.pingedAt >= this.limits.heartbeatMs;
    if (ping) this.pingedAt = now;
    for (const connection of this.connections.values()) {
      if (now - connection.activeAt >= this.limits.idleMs && connection.queued === 0) {
        this.logger.info({ event: 'web_idle_closed', conn: short(connection.id), idleMs: now - connection.activeAt });
        this.forget(connection);
        connection.socket.close(1000, 'idle');
        continue;
      }
      if (!ping) continue;
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
    for (const [address, state] of this.perAddress) {
      if (state.connections <= 0 && this.budgetLeft(state) >= this.limits.engineBudgetMs) this.perAddress.delete(address);
    }
  }
}
