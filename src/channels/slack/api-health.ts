import type { CheckResult } from '../../health.js';
import { EXPECTED_FAILURES } from './deliver.js';

type FetchFn = typeof globalThis.fetch;

/** This many failed calls in a row, with no success since, and Slack counts as down for this process. */
const FAILURES_TO_UNREADY = 3;
/** While down, /readyz re-checks the token with auth.test at most this often. */
const REPROBE_MS = 15_000;

export interface SlackApiHealthOptions {
  /** Called for every failed call (each try), with Slack's error code or ours. */
  onError?: (code: string) => void;
  /** auth.test, to find out whether Slack is back while nothing else is calling it. */
  probe?: () => Promise<unknown>;
  /** The Web API base URL; any other URL called is a response_url. */
  apiUrl?: string;
  now?: () => number;
}

/**
 * What this process knows of its Slack Web API: did auth.test pass at
 * start, and are calls failing right now. Every Web API and response_url
 * call goes through `observe(fetch)`, so nothing is missed and no listener
 * has to report anything. Feeds the `slack` readiness check and the
 * slack_api_errors metric.
 */
export class SlackApiHealth {
  private auth: { state: 'pending' | 'ok' | 'failed'; code?: string } = { state: 'pending' };
  private failuresInARow = 0;
  private lastError: string | null = null;
  private probedAt = 0;
  private readonly now: () => number;

  constructor(private readonly options: SlackApiHealthOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  authOk(): void {
    this.auth = { state: 'ok' };
  }

  authFailed(code: string): void {
    this.auth = { state: 'failed', code };
  }

  /** fetch that records each call's outcome; it changes nothing about the call itself. */
  observe(base: FetchFn): FetchFn {
    return async (input, init) => {
      let response: Response;
      try {
        response = await base(input, init);
      } catch (err) {
        const name = (err as { name?: unknown } | null)?.name;
        this.failure(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'request_failed');
        throw err;
      }
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      void this.judge(response.clone(), url.startsWith(this.options.apiUrl ?? 'https://slack.com/api/'));
      return response;
    };
  }

  private async judge(response: Response, webApi: boolean): Promise<void> {
    if (response.status === 429) return this.failure('rate_limited');
    // Slack answers 404 to a response_url that has expired (30 minutes, 5 uses): the user's delay, not an outage.
    if (!webApi && response.status === 404) return this.failure('expired_response_url');
    if (!response.ok) return this.failure(`http_${response.status}`);
    if (!(response.headers.get('content-type') ?? '').includes('json')) return this.success();
    try {
      const body = (await response.json()) as { ok?: unknown; error?: unknown };
      if (body.ok === false) return this.failure(typeof body.error === 'string' ? body.error : 'platform_error');
      this.success();
    } catch {
      // An unreadable body is the caller's problem to report; it says nothing of Slack's health.
    }
  }

  private success(): void {
    this.failuresInARow = 0;
    // A call that worked proves the token works.
    this.auth = { state: 'ok' };
  }

  private failure(code: string): void {
    this.options.onError?.(code);
    // Refusals about where the bot may post, and rate limits, are Slack working as designed.
    if (EXPECTED_FAILURES.has(code) || code === 'rate_limited') return;
    this.failuresInARow += 1;
    this.lastError = code;
  }

  /** The `slack` readiness check. */
  check(): CheckResult {
    const down = this.auth.state === 'failed' || this.failuresInARow >= FAILURES_TO_UNREADY;
    if (down && this.options.probe && this.now() - this.probedAt >= REPROBE_MS) {
      this.probedAt = this.now();
      // The outcome lands here through observe(); a rejection is already counted there.
      this.options.probe().catch(() => undefined);
    }
    const detail: Record<string, unknown> = { auth: this.auth.state };
    if (this.auth.code) detail.authError = this.auth.code;
    if (this.failuresInARow > 0) detail.failuresInARow = this.failuresInARow;
    if (this.lastError) detail.lastError = this.lastError;
    return { ok: this.auth.state === 'ok' && this.failuresInARow < FAILURES_TO_UNREADY, detail };
  }
}
