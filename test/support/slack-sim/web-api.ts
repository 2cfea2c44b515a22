import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BOT_ID, BOT_USER_ID, nextTs, TEAM_ID } from './payloads.js';
import { SocketModeSim } from './socket-mode.js';
import { waitFor } from './wait.js';

/**
 * A Slack stand-in on 127.0.0.1: a recording Web API (`/api/<method>`),
 * response_url endpoints (`/response/<id>`), and a Socket Mode server
 * (apps.connections.open hands out `ws://127.0.0.1:<port>/socket/<n>`).
 * Every call is recorded; faults can be programmed per method.
 */

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token the call was made with (never printed by the sim). */
  token: string | undefined;
  at: number;
  /** Set when a programmed fault answered this call (what the app saw instead of ok). */
  fault?: Fault;
  /** For a hanging call: when the app gave up on it (closed the request). */
  abandonedAt?: number;
  /** What the sim answered (when no fault did). */
  result?: Record<string, unknown>;
}

export interface RecordedResponse {
  /** The response_url id, `/response/<id>`. */
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export type Fault =
  /** `{ ok: false, error }`, HTTP 200, as Slack does for platform errors. */
  | { error: string }
  /** HTTP 429 with Retry-After (seconds). */
  | { rateLimited: number }
  /** Any other HTTP status. */
  | { status: number }
  /** Never answer (until the sim closes). */
  | { hang: true }
  /** Take the call (it counts, as a slow Slack's does) and answer normally after `delayMs`. */
  | { delayMs: number };

interface FaultRule {
  fault: Fault;
  remaining: number;
  /** Only calls whose arguments this accepts take the fault (default: every call). */
  when?: (args: Record<string, unknown>) => boolean;
}

/** Method name used for faults on response_url posts. */
export const RESPONSE_URL = 'response_url';

function parseWebApiBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // The WebClient JSON-encodes nested values (blocks, view) inside the form.
    if (/^[[{]/.test(value)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON after all
      }
    }
    args[key] = value;
  }
  return args;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

export class SlackSim {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly socket: SocketModeSim;
  private readonly faults = new Map<string, FaultRule[]>();
  private readonly hanging = new Set<ServerResponse>();
  private responseCounter = 0;
  private port = 0;

  private constructor(private readonly server: Server) {
    this.socket = new SocketModeSim(server);
  }

  static async start(): Promise<SlackSim> {
    let sim: SlackSim | undefined;
    const server = createServer((req, res) => {
      void sim?.handle(req, res).catch(() => {
        if (!res.headersSent) json(res, 500, { ok: false, error: 'sim_error' });
      });
    });
    sim = new SlackSim(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    sim.port = (server.address() as AddressInfo).port;
    return sim;
  }

  /** Web API base URL, as SLACK_API_URL / SlackConfig.apiUrl (ends with a slash). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A fresh response_url served and recorded by the sim. */
  responseUrl(): string {
    this.responseCounter += 1;
    return `http://127.0.0.1:${this.port}/response/${this.responseCounter}`;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `method` has been called at least `count` times. */
  waitForCalls(method: string, count = 1, timeoutMs = 5_000): Promise<RecordedCall[]> {
    return waitFor(
      () => {
        const calls = this.callsTo(method);
        return calls.length >= count ? calls : undefined;
      },
      timeoutMs,
      `${count} call(s) to ${method}`,
    );
  }

  /** Resolves once `count` posts to response_urls have been recorded. */
  waitForResponses(count = 1, timeoutMs = 5_000): Promise<RecordedResponse[]> {
    return waitFor(() => (this.responses.length >= count ? [...this.responses] : undefined), timeoutMs, `${count} response_url post(s)`);
  }

  /**
   * Make the next `times` calls to `method` (or RESPONSE_URL) fail with `fault`;
   * with `when`, only the calls whose arguments it accepts (e.g. one channel),
   * so several fault scenarios can run side by side.
   */
  fault(method: string, fault: Fault, times = Number.POSITIVE_INFINITY, when?: (args: Record<string, unknown>) => boolean): void {
    const rules = this.faults.get(method) ?? [];
    rules.push({ fault, remaining: times, ...(when ? { when } : {}) });
    this.faults.set(method, rules);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Forget calls, responses, faults and acks; keeps connections. */
  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.faults.clear();
    this.socket.reset();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private takeFault(method: string, args: Record<string, unknown>): Fault | undefined {
    const rules = this.faults.get(method);
    const rule = rules?.find((r) => r.remaining > 0 && (!r.when || r.when(args)));
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.fault;
  }

  /** Answer with the fault; true if one applied. */
  private applyFault(method: string, res: ServerResponse, args: Record<string, unknown> = {}, call?: RecordedCall): boolean {
    const fault = this.takeFault(method, args);
    if (!fault) return false;
    if ('delayMs' in fault) {
      // Not a failure: the call goes through, late. Recorded as done at once, as Slack has it even if the app dies waiting.
      const result = this.result(method, args);
      if (call) call.result = result;
      setTimeout(() => {
        if (!res.destroyed) json(res, 200, result);
      }, fault.delayMs);
      return true;
    }
    if (call) call.fault = fault;
    if ('hang' in fault) {
      this.hanging.add(res);
      res.on('close', () => {
        this.hanging.delete(res);
        if (call) call.abandonedAt = Date.now();
      });
    } else if ('error' in fault) {
      json(res, 200, { ok: false, error: fault.error });
    } else if ('rateLimited' in fault) {
      json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.rateLimited) });
    } else {
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      res.end('simulated failure');
    }
    return true;
  }

  /**
   * The bot's messages in `args.channel` that went through, oldest first, as
   * conversations.history/replies return them (metadata only with include_all_metadata).
   */
  private posted(args: Record<string, unknown>, keep: (m: { ts: string; thread_ts?: string }) => boolean): Record<string, unknown>[] {
    const oldest = typeof args.oldest === 'string' ? args.oldest : '';
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    return this.callsTo('chat.postMessage')
      .filter((c) => c.result?.ok === true && c.args.channel === args.channel)
      .map((c) => ({
        type: 'message',
        ts: String(c.result?.ts),
        ...(typeof c.args.thread_ts === 'string' ? { thread_ts: c.args.thread_ts } : {}),
        text: c.args.text,
        bot_id: BOT_ID,
        user: BOT_USER_ID,
        ...(withMetadata && c.args.metadata ? { metadata: c.args.metadata } : {}),
      }))
      .filter((m) => m.ts >= oldest && keep(m));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = await readAll(req);
    const contentType = String(req.headers['content-type'] ?? '');
    if (path.startsWith('/response/')) {
      this.responses.push({ id: path.slice('/response/'.length), body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {}, at: Date.now() });
      if (!this.applyFault(RESPONSE_URL, res)) json(res, 200, { ok: true });
      return;
    }
    if (!path.startsWith('/api/')) {
      json(res, 404, { ok: false, error: 'unknown_path' });
      return;
    }
    const method = path.slice('/api/'.length);
    const auth = String(req.headers.authorization ?? '');
    const args = parseWebApiBody(raw, contentType);
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
    const call: RecordedCall = { method, args, token, at: Date.now() };
    this.calls.push(call);
    if (this.applyFault(method, res, args, call)) return;
    call.result = this.result(method, args);
    json(res, 200, call.result);
  }

  private result(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://sim.slack.test/', team: 'Sim', user: 'isis-mission', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID };
      case 'apps.connections.open':
        return { ok: true, url: this.socket.nextUrl(this.port) };
      case 'chat.postMessage': {
        const ts = nextTs();
        return { ok: true, channel: args.channel, ts, message: { type: 'message', ts, text: args.text, bot_id: BOT_ID, user: BOT_USER_ID } };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'views.publish':
        return { ok: true, view: { id: 'V0HOME', type: 'home', ...(args.view as object) } };
      case 'conversations.history':
        return { ok: true, messages: this.posted(args, (m) => m.thread_ts === undefined || m.thread_ts === m.ts).reverse(), has_more: false };
      case 'conversations.replies':
        return { ok: true, messages: this.posted(args, (m) => m.ts === args.ts || m.thread_ts === args.ts), has_more: false };
      case 'conversations.info':
        return { ok: true, channel: { id: args.channel, name: 'general', is_member: true } };
      case 'users.info':
        return { ok: true, user: { id: args.user, name: 'asker', is_bot: false } };
      default:
        return { ok: true };
    }
  }
}
