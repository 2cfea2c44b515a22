import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Accepted, SlackOutbox } from './outbox.js';

/**
 * Bolt receiver for HTTP mode that does not own a server: the process's one
 * shared server hands it requests through `handleRequest`. It verifies
 * Slack's v0 signature itself, streams the body with a size cap (413 past
 * it), and answers Slack's retries like any other request (dedupe is the
 * app's job, so a retry of an event we never processed still gets answered).
 */

export const EVENTS_PATH = '/slack/events';

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** Largest body accepted, in bytes. Slack's biggest payloads are well under this. */
  bodyLimit?: number;
  /** Requests signed longer ago than this are replays. Slack's rule is 5 minutes. */
  maxSkewSeconds?: number;
  /** Answer 200 anyway if a listener has not acked by then, so Slack does not retry. */
  ackTimeoutMs?: number;
  /** Events API callbacks acked but not yet handed to the app; past this many, new ones are handled inline. */
  maxQueued?: number;
  /** Where accepted events and actions are kept before they are acked (acked means answered). */
  outbox?: SlackOutbox;
  now?: () => number;
}

/** Verify `X-Slack-Signature` = `v0=` + HMAC-SHA256(secret, `v0:{timestamp}:{body}`), in constant time. */
export function isValidSignature(signingSecret: string, timestamp: string, body: Buffer, signature: string): boolean {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  const expected = Buffer.from(`v0=${hmac.digest('hex')}`, 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Rejection = { status: number; reason: string };

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res: ServerResponse, status: number, body = '', type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
  res.end(body);
}

/** Answers under way at once for acked events; more wait in the queue. */
const ANSWERING_AT_ONCE = 16;
/** How long an acked event's answer may wait for a burst of incoming requests to be acked. */
const ACK_PRIORITY_MS = 1_000;

export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Events already acked, waiting to be answered: one started per event-loop turn and at most
   * ANSWERING_AT_ONCE in flight, so under a burst the acks of new requests go first and the
   * Web API calls do not crowd them out.
   */
  private readonly queue: { job: () => Promise<void>; queuedAt: number }[] = [];
  private draining = false;
  private answering = 0;
  /** Requests still being read and verified: while any are, their acks go before new answers. */
  private reading = 0;
  private readonly maxQueued: number;
  private readonly bodyLimit: number;
  private readonly maxSkewSeconds: number;
  private readonly ackTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SlackHttpReceiverOptions) {
    this.bodyLimit = options.bodyLimit ?? 1024 * 1024;
    this.maxSkewSeconds = options.maxSkewSeconds ?? 300;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3_000;
    this.now = options.now ?? Date.now;
    this.maxQueued = options.maxQueued ?? 5_000;
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {
    this.stopped = false;
  }

  /** Refuse new requests, then wait (bounded) for the ones being answered. */
  async stop(): Promise<void> {
    this.stopped = true;
    const pending = Promise.allSettled([...this.inFlight]);
    await Promise.race([pending, new Promise((done) => setTimeout(done, 5_000).unref())]);
  }

  /** Claims only POST /slack/events; everything else is some other channel's. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== EVENTS_PATH || req.method !== 'POST') return false;
    const work = this.serve(req, res).catch((err: unknown) => {
      this.options.logger.error({ event: 'slack_http_error' }, err);
      send(res, 500, 'Internal error\n');
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return true;
  }

  private reject(req: IncomingMessage, res: ServerResponse, rejection: Rejection): void {
    this.options.logger.warn({ event: 'slack_request_rejected', status: rejection.status, reason: rejection.reason });
    send(res, rejection.status, `${rejection.reason}\n`, undefined, { connection: 'close' });
    // Stop reading whatever is left of the body once the answer is out.
    res.once('finish', () => req.destroy());
  }

  private checkHeaders(req: IncomingMessage): Rejection | null {
    const length = Number(header(req, 'content-length') ?? 0);
    if (length > this.bodyLimit) return { status: 413, reason: 'payload_too_large' };
    const timestamp = header(req, 'x-slack-request-timestamp');
    const signature = header(req, 'x-slack-signature');
    if (!timestamp || !signature) return { status: 401, reason: 'missing_signature' };
    const ts = Number(timestamp);
    if (!Number.isInteger(ts) || Math.abs(this.now() / 1000 - ts) > this.maxSkewSeconds) return { status: 401, reason: 'stale_timestamp' };
    return null;
  }

  /** Read the body without ever holding more than `bodyLimit` bytes. */
  private readBody(req: IncomingMessage): Promise<Buffer | Rejection> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > this.bodyLimit) {
          done = true;
          chunks.length = 0;
          req.pause();
          resolve({ status: 413, reason: 'payload_too_large' });
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!done) resolve(Buffer.concat(chunks));
        done = true;
      });
      req.on('error', (err) => {
        if (!done) reject(err);
        done = true;
      });
      req.on('close', () => {
        if (!done) resolve({ status: 400, reason: 'aborted' });
        done = true;
      });
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.reading += 1;
    let read = false;
    const doneReading = (): void => {
      if (!read) this.reading -= 1;
      read = true;
    };
    try {
      await this.serveRead(req, res, doneReading);
    } finally {
      doneReading();
    }
  }

  private async serveRead(req: IncomingMessage, res: ServerResponse, doneReading: () => void): Promise<void> {
    if (this.stopped || !this.app) return this.reject(req, res, { status: 503, reason: 'shutting_down' });
    const early = this.checkHeaders(req);
    if (early) return this.reject(req, res, early);

    const body = await this.readBody(req);
    if (!Buffer.isBuffer(body)) return this.reject(req, res, body);
    const timestamp = header(req, 'x-slack-request-timestamp') ?? '';
    const signature = header(req, 'x-slack-signature') ?? '';
    if (!isValidSignature(this.options.signingSecret, timestamp, body, signature)) {
      return this.reject(req, res, { status: 401, reason: 'invalid_signature' });
    }

    const parsed = parseBody(body, header(req, 'content-type') ?? '');
    if (!parsed) return this.reject(req, res, { status: 400, reason: 'unreadable_body' });
    if (parsed.ssl_check) return send(res, 200);
    if (parsed.type === 'url_verification') {
      return send(res, 200, JSON.stringify({ challenge: parsed.challenge }), 'application/json');
    }

    const retryNum = Number.parseInt(header(req, 'x-slack-retry-num') ?? '', 10);
    const retryReason = header(req, 'x-slack-retry-reason');
    doneReading();
    await this.dispatch(res, {
      body: parsed,
      ...(Number.isInteger(retryNum) ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
    });
  }

  /**
   * An Events API callback needs nothing but a 200, and Bolt would send it
   * before running any listener anyway: send it now, and answer the event
   * later (see `queue`). Under a burst, the acks of the requests still
   * arriving then go before the answering (engine, Web API calls), and all
   * stay within Slack's 3 seconds.
   */
  private ackFirst(body: Record<string, unknown>): boolean {
    const type = (body.event as { type?: unknown } | undefined)?.type;
    // function_executed is the one event a listener acks itself.
    return body.type === 'event_callback' && type !== 'function_executed' && this.queue.length < this.maxQueued;
  }

  private later(job: () => Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ job: () => job().finally(resolve), queuedAt: Date.now() });
      this.scheduleDrain();
    });
  }

  private scheduleDrain(): void {
    if (this.draining || this.queue.length === 0 || this.answering >= ANSWERING_AT_ONCE) return;
    this.draining = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.draining = false;
    const next = this.queue[0];
    if (!next) return;
    // Acks first: while requests are being read, hold new answers back, but never for long.
    if (this.reading > 0 && Date.now() - next.queuedAt < ACK_PRIORITY_MS) {
      this.draining = true;
      setTimeout(this.drain, 5);
      return;
    }
    this.queue.shift();
    const { job } = next;
    this.answering += 1;
    void job().finally(() => {
      this.answering -= 1;
      this.scheduleDrain();
    });
    this.scheduleDrain();
  };

  private async dispatch(res: ServerResponse, event: Omit<ReceiverEvent, 'ack'>): Promise<void> {
    const { logger, outbox } = this.options;
    // Kept in the outbox before the 200: from then on a crash or a shutdown loses nothing.
    const accepted: Accepted = outbox ? await outbox.accept(event.body, event.retryNum) : { kind: 'direct' };
    if (accepted.kind === 'duplicate') return send(res, 200);
    if (accepted.kind === 'recorded' || this.ackFirst(event.body)) {
      send(res, 200);
      if (outbox && accepted.kind === 'recorded' && this.queue.length >= this.maxQueued) {
        // The queue is full: the outbox's backlog delivery (here or on another replica) answers it.
        outbox.giveBack(accepted.entry);
        return;
      }
      await this.later(async () => {
        const run = async (): Promise<void> => {
          await this.app?.processEvent({ ...event, ack: async () => {} } as ReceiverEvent);
        };
        try {
          if (outbox && accepted.kind === 'recorded') await outbox.deliver(accepted.entry, run);
          else await run();
        } catch (err) {
          logger.error({ event: 'slack_dispatch_failed' }, err);
        }
      });
      return;
    }
    let acked = false;
    const ack = async (response?: unknown): Promise<void> => {
      if (acked) return;
      acked = true;
      clearTimeout(timer);
      if (response === undefined || response === '') send(res, 200);
      else if (typeof response === 'string') send(res, 200, response);
      else send(res, 200, JSON.stringify(response), 'application/json');
    };
    const timer = setTimeout(() => {
      if (acked) return;
      logger.warn({ event: 'slack_ack_timeout', ms: this.ackTimeoutMs, retryNum: event.retryNum });
      void ack();
    }, this.ackTimeoutMs);
    timer.unref();
    try {
      await this.app?.processEvent({ ...event, ack } as ReceiverEvent);
    } catch (err) {
      logger.error({ event: 'slack_dispatch_failed' }, err);
      if (!acked) {
        acked = true;
        clearTimeout(timer);
        send(res, 500, 'Internal error\n');
      }
    }
  }
}

type ParsedBody = Record<string, unknown> & { type?: unknown; challenge?: unknown; ssl_check?: unknown };

/** Events are JSON; slash commands are form fields; interactivity is a form field `payload` holding JSON. */
export function parseBody(body: Buffer, contentType: string): ParsedBody | null {
  const text = body.toString('utf8');
  try {
    if (contentType.includes('application/json')) {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ParsedBody) : null;
    }
    const form = Object.fromEntries(new URLSearchParams(text)) as Record<string, string>;
    if (typeof form.payload === 'string') {
      const value: unknown = JSON.parse(form.payload);
      return typeof value === 'object' && value !== null ? (value as ParsedBody) : null;
    }
    return form;
  } catch {
    return null;
  }
}
