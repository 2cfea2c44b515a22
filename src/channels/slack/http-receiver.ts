import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type App, isValidSlackRequest, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Accepted, SlackOutbox } from './outbox.js';
import type { DrainReport } from '../channel.js';
import { InFlight } from '../in-flight.js';
import { requestPath } from '../../url-path.js';

/**
 * Bolt receiver for HTTP mode that does not own a server: the process's one
 * shared server hands it requests through `handleRequest`. It checks the
 * signature headers before reading a byte of the body, reads only a few
 * unauthenticated bodies at once, each with a size cap (413) and a deadline
 * (408), verifies Slack's v0 signature with Bolt's own check, and answers
 * Slack's retries like any other request (dedupe is the app's job, so a retry
 * of an event we never processed still gets answered).
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
  /** Bodies read (not yet verified) at once; more requests wait, paused, their bytes left in the kernel. Bodies over 64 KB get an eighth of that. */
  maxReading?: number;
  /** Requests waiting for a reading slot; past this, 503. */
  maxWaiting?: number;
  /** A body that has not fully arrived this long after its read began gets 408. Slack sends it at once. */
  bodyTimeoutMs?: number;
  /** Told how long each request took from its arrival to our response, in seconds (the ack metric). */
  onAnswered?: (seconds: number) => void;
  now?: () => number;
}

/**
 * Verify `X-Slack-Signature` = `v0=` + HMAC-SHA256(secret, `v0:{timestamp}:{body}`), in constant time,
 * with Bolt's `isValidSlackRequest`. Only the signature: the timestamp window is checked (both ways)
 * before the body is read.
 */
export function isValidSignature(signingSecret: string, timestamp: string, body: Buffer, signature: string): boolean {
  const ts = Number(timestamp);
  if (!Number.isInteger(ts)) return false;
  return isValidSlackRequest({
    signingSecret,
    body: body.toString('utf8'),
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
    nowMilliseconds: ts * 1000,
  });
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
/**
 * A read counts as part of a burst (its ack goes before answers) only this
 * long: Slack's bodies arrive with their headers, so a read still going after
 * this is a slow client, and it must not hold anyone's answer back.
 */
const FRESH_READ_MS = 50;
/** An answer to Slack later than this is logged (`slack_ack_slow`). */
const SLOW_ACK_MS = 1_000;
/** A burst is still arriving if the last request came less than this long ago. */
const ARRIVAL_QUIET_MS = 20;
/** Bodies bigger than this (declared), or of unknown size, are read a few at a time. Slack's are a few KB. */
const LARGE_BODY = 64 * 1024;
/** What a 503 asks of Slack (and anyone else): try again in this many seconds. */
const RETRY_AFTER_SECONDS = '5';

export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Events already acked, waiting to be answered: one started per event-loop turn and at most
   * ANSWERING_AT_ONCE in flight, so under a burst the acks of new requests go first and the
   * Web API calls do not crowd them out.
   */
  private readonly queue: { job: () => Promise<void>; queuedAt: number; drop: () => void }[] = [];
  private pumping = false;
  private answering = 0;
  /** Requests being read and verified right now (bounded by maxReading). */
  private reading = 0;
  /** Of those, the ones that began less than FRESH_READ_MS ago: while any are, their acks go before new answers. */
  private freshReads = 0;
  private arrivedAt = Number.NEGATIVE_INFINITY;
  /** Reading slots for bodies up to LARGE_BODY, and for bigger ones (or of unknown size). */
  private readonly smallSlots: Slots;
  private readonly largeSlots: Slots;
  /** Events accepted and not yet answered (queued or under way). */
  private readonly accepted = new InFlight();
  private readonly maxQueued: number;
  private readonly bodyTimeoutMs: number;
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
    const maxReading = options.maxReading ?? 32;
    this.smallSlots = new Slots(maxReading, options.maxWaiting ?? 1_000);
    this.largeSlots = new Slots(Math.max(1, Math.ceil(maxReading / 8)), options.maxWaiting ?? 1_000);
    this.bodyTimeoutMs = options.bodyTimeoutMs ?? 5_000;
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {
    this.stopped = false;
  }

  /**
   * Shutdown, first step: refuse new requests (503, Retry-After), answer the
   * events already acked until `deadline`, then give up on the rest.
   */
  async drain(deadline: number): Promise<DrainReport> {
    this.refuseNew();
    const report = await this.accepted.settle(deadline);
    // Past the deadline: what never started is dropped; what is under way may still finish during stop().
    for (const { drop } of this.queue.splice(0)) drop();
    return report;
  }

  /** Refuse new requests, then wait (bounded) for the ones being answered. */
  async stop(): Promise<void> {
    this.refuseNew();
    const pending = Promise.allSettled([...this.inFlight]);
    await Promise.race([pending, new Promise((done) => setTimeout(done, 5_000).unref())]);
  }

  /** From now on every request gets 503, those waiting for a reading slot included. */
  private refuseNew(): void {
    this.stopped = true;
    this.smallSlots.wakeAll();
    this.largeSlots.wakeAll();
  }

  /**
   * True while requests are arriving or being read: other work on this
   * process (the web chat's engine turns) waits, so acks go out first.
   */
  get acking(): boolean {
    return this.freshReads > 0 || performance.now() - this.arrivedAt < ARRIVAL_QUIET_MS;
  }

  /** Claims only POST /slack/events; everything else is some other channel's. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const path = requestPath(req);
    if (path !== EVENTS_PATH || req.method !== 'POST') return false;
    const arrived = (this.arrivedAt = performance.now());
    // Slack gives up (and retries) after 3 s: a slow ack is worth an operator's attention before that.
    res.once('finish', () => {
      const ms = Math.round(performance.now() - arrived);
      this.options.onAnswered?.((performance.now() - arrived) / 1000);
      if (ms >= SLOW_ACK_MS) this.options.logger.warn({ event: 'slack_ack_slow', ms, status: res.statusCode });
    });
    const work = this.serve(req, res).catch((err: unknown) => {
      if (isAbort(err)) {
        this.options.logger.info({ event: 'slack_request_aborted', reason: (err as Error).message });
        return;
      }
      this.options.logger.error({ event: 'slack_http_error' }, err);
      send(res, 500, 'Internal error\n');
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return true;
  }

  private reject(req: IncomingMessage, res: ServerResponse, rejection: Rejection): void {
    // A client that hung up, or a shutdown, is routine; the rest may be an attack or a misconfiguration.
    const routine = rejection.reason === 'aborted' || rejection.status === 503;
    this.options.logger[routine ? 'info' : 'warn']({ event: 'slack_request_rejected', status: rejection.status, reason: rejection.reason });
    const extra: Record<string, string> = rejection.status === 503 ? { connection: 'close', 'retry-after': RETRY_AFTER_SECONDS } : { connection: 'close' };
    send(res, rejection.status, `${rejection.reason}\n`, undefined, extra);
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

  /**
   * Read the body without ever holding more than `bodyLimit` bytes, or
   * waiting longer than `bodyTimeoutMs`. The signature's HMAC is computed as
   * the bytes arrive, so a forged body is dropped without ever being copied
   * into one buffer or a string (200 forged 1 MB bodies would otherwise churn
   * 600 MB); a body that passes is then checked by Bolt's own verifier.
   */
  private readBody(req: IncomingMessage): Promise<Buffer | Rejection> {
    const timestamp = header(req, 'x-slack-request-timestamp') ?? '';
    const signature = Buffer.from(header(req, 'x-slack-signature') ?? '', 'utf8');
    const hmac = createHmac('sha256', this.options.signingSecret).update(`v0:${timestamp}:`);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        chunks.length = 0;
        req.pause();
        resolve({ status: 408, reason: 'body_timeout' });
      }, this.bodyTimeoutMs);
      req.once('close', () => clearTimeout(timer));
      req.once('end', () => clearTimeout(timer));
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
        hmac.update(chunk);
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (done) return;
        done = true;
        const expected = Buffer.from(`v0=${hmac.digest('hex')}`, 'utf8');
        if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) {
          chunks.length = 0;
          resolve({ status: 401, reason: 'invalid_signature' });
        } else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
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
    if (this.stopped || !this.app) return this.reject(req, res, { status: 503, reason: 'shutting_down' });
    const early = this.checkHeaders(req);
    if (early) return this.reject(req, res, early);
    // Slack's payloads are small; a big body gets one of a few slots of its own, so big unauthenticated bodies cannot pile up.
    const length = Number(header(req, 'content-length') ?? Number.NaN);
    const slots = length <= LARGE_BODY ? this.smallSlots : this.largeSlots;
    if (!(await slots.take())) return this.reject(req, res, { status: 503, reason: 'too_many_requests' });
    if (req.destroyed || this.stopped) {
      slots.release();
      return req.destroyed ? undefined : this.reject(req, res, { status: 503, reason: 'shutting_down' });
    }
    this.reading += 1;
    this.freshReads += 1;
    let read = false;
    let fresh = true;
    const stale = (): void => {
      if (fresh) this.freshReads -= 1;
      fresh = false;
    };
    const freshness = setTimeout(stale, FRESH_READ_MS);
    const doneReading = (): void => {
      if (read) return;
      read = true;
      clearTimeout(freshness);
      stale();
      this.reading -= 1;
      slots.release();
    };
    try {
      await this.serveRead(req, res, doneReading);
    } finally {
      doneReading();
    }
  }

  private async serveRead(req: IncomingMessage, res: ServerResponse, doneReading: () => void): Promise<void> {
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

  /** Resolves true once `job` has run, false if it was dropped at shutdown without running. */
  private later(job: () => Promise<void>): Promise<boolean> {
    return new Promise((resolve) => {
      this.queue.push({ job: () => job().finally(() => resolve(true)), queuedAt: Date.now(), drop: () => resolve(false) });
      this.scheduleDrain();
    });
  }

  private scheduleDrain(): void {
    if (this.pumping || this.queue.length === 0 || this.answering >= ANSWERING_AT_ONCE) return;
    this.pumping = true;
    setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    this.pumping = false;
    const next = this.queue[0];
    if (!next) return;
    // Acks first: while requests are being read, hold new answers back, but never for long.
    if (this.freshReads > 0 && Date.now() - next.queuedAt < ACK_PRIORITY_MS) {
      this.pumping = true;
      setTimeout(this.pump, 5);
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
    const finished = this.accepted.start();
    let ran = false;
    try {
      ran = await this.process(res, event);
    } finally {
      finished(ran ? 'done' : 'dropped');
    }
  }

  /** False when the event was acked but dropped at shutdown before it was answered (with an outbox, it stays there). */
  private async process(res: ServerResponse, event: Omit<ReceiverEvent, 'ack'>): Promise<boolean> {
    const { logger, outbox } = this.options;
    // Kept in the outbox before the 200: from then on a crash or a shutdown loses nothing.
    const accepted: Accepted = outbox ? await outbox.accept(event.body, event.retryNum) : { kind: 'direct' };
    if (accepted.kind === 'duplicate') {
      send(res, 200);
      return true;
    }
    if (accepted.kind === 'recorded' || this.ackFirst(event.body)) {
      send(res, 200);
      if (outbox && accepted.kind === 'recorded' && this.queue.length >= this.maxQueued) {
        // The queue is full: the outbox's backlog delivery (here or on another replica) answers it.
        outbox.giveBack(accepted.entry);
        return false;
      }
      return this.later(async () => {
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
    return true;
  }
}

/**
 * A counting semaphore with a bounded line: `take` resolves true once a slot
 * is free, at once if one is, or false when the line is full.
 */
class Slots {
  private used = 0;
  private readonly line: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly maxWaiting: number,
  ) {}

  async take(): Promise<boolean> {
    if (this.used < this.max) {
      this.used += 1;
      return true;
    }
    if (this.line.length >= this.maxWaiting) return false;
    // The slot passes straight from release() to the waiter, so used stays counted.
    await new Promise<void>((resolve) => this.line.push(resolve));
    return true;
  }

  release(): void {
    const next = this.line.shift();
    if (next) next();
    else this.used -= 1;
  }

  /** Shutdown: let everyone in line through (each then sees `stopped` and gives its slot back). */
  wakeAll(): void {
    for (const wake of this.line.splice(0)) {
      this.used += 1;
      wake();
    }
  }
}

/** The client hung up mid-body: routine, not a bug. */
function isAbort(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'ECONNABORTED' || (err as Error | null)?.message === 'aborted';
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
