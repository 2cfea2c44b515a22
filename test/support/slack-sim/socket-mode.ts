import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { APP_ID, type Body } from './payloads.js';
import { waitFor } from './wait.js';

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface EnvelopeOptions {
  retryAttempt?: number;
  retryReason?: string;
}

export interface RecordedAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/**
 * Slack's Socket Mode side: a `hello` on connect, envelopes out, acks in.
 * Can ask the client to reconnect (`disconnect`), drop the socket, or stop
 * answering the client's pings.
 */
export class SocketModeSim {
  readonly acks: RecordedAck[] = [];
  /** Connections ever opened (each reconnect adds one). */
  connections = 0;
  /** Answer the client's pings with pongs (Slack does). */
  answerPings = true;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly sockets = new Set<WebSocket>();
  private ticket = 0;
  private envelope = 0;

  constructor(server: Server) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!(req.url ?? '').startsWith('/socket/')) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  nextUrl(port: number): string {
    this.ticket += 1;
    return `ws://127.0.0.1:${port}/socket/${this.ticket}`;
  }

  /** Sockets open right now. */
  get open(): number {
    return this.sockets.size;
  }

  /** Resolves once `count` connections have been opened (and greeted) in total. */
  waitForConnection(count = 1, timeoutMs = 5_000): Promise<void> {
    return waitFor(() => (this.connections >= count && this.sockets.size > 0 ? true : undefined), timeoutMs, `socket connection #${count}`).then(
      () => undefined,
    );
  }

  /** Send an envelope on the newest socket; returns its envelope_id. */
  send(type: EnvelopeType, payload: Body, options: EnvelopeOptions = {}): string {
    this.envelope += 1;
    const envelopeId = `env-${this.envelope}`;
    const ws = [...this.sockets].at(-1);
    if (!ws) throw new Error('No Socket Mode client is connected');
    const message: Body = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(type === 'events_api' ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' } : {}),
    };
    ws.send(JSON.stringify(message));
    return envelopeId;
  }

  /**
   * Deliver an events_api payload the way Slack does: on the newest socket
   * (waiting for one if none is open), and again with `retry_attempt` + 1 under
   * a fresh envelope id while it is not acked, every `redeliverAfterMs`, up to
   * `attempts` times. Resolves with the ack and how many envelopes it took.
   */
  async deliver(payload: Body, options: { redeliverAfterMs?: number; attempts?: number } = {}): Promise<{ ack: RecordedAck; attempts: number }> {
    const every = options.redeliverAfterMs ?? 3_000;
    const attempts = options.attempts ?? 4;
    const sent: string[] = [];
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      await waitFor(() => (this.sockets.size > 0 ? true : undefined), every * 5, 'a Socket Mode connection to deliver on');
      try {
        sent.push(this.send('events_api', payload, attempt > 0 ? { retryAttempt: attempt, retryReason: 'timeout' } : {}));
      } catch {
        // the socket went away between the check and the send: try again next round
      }
      const ack = await waitFor(() => this.acks.find((a) => sent.includes(a.envelope_id)), every, 'ack').catch(() => undefined);
      if (ack) return { ack, attempts: attempt + 1 };
    }
    throw new Error(`No ack after ${attempts} deliveries`);
  }

  waitForAck(envelopeId: string, timeoutMs = 5_000): Promise<RecordedAck> {
    return waitFor(() => this.acks.find((a) => a.envelope_id === envelopeId), timeoutMs, `ack of ${envelopeId}`);
  }

  /** Slack's "please reconnect" message. */
  disconnect(reason: 'warning' | 'refresh_requested' | 'link_disabled' = 'refresh_requested'): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'sim' } }));
  }

  /** Cut every socket without a close frame. */
  drop(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  reset(): void {
    this.acks.length = 0;
    this.answerPings = true;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((done) => this.wss.close(() => done()));
  }

  private accept(ws: WebSocket): void {
    this.connections += 1;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => this.sockets.delete(ws));
    ws.on('ping', (data) => {
      if (this.answerPings) ws.pong(data);
    });
    ws.on('message', (data) => {
      try {
        const ack = JSON.parse(String(data)) as RecordedAck;
        if (typeof ack.envelope_id === 'string') this.acks.push(ack);
      } catch {
        // not an ack
      }
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'sim', approximate_connection_time: 18060 },
        connection_info: { app_id: APP_ID },
      }),
    );
  }
}
