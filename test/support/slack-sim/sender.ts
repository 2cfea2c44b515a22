import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import type { Body } from './payloads.js';

/**
 * Sends what Slack sends to an HTTP-mode app: signed Events API JSON,
 * form-encoded slash commands, `payload=` interactivity. Options make the
 * signature bad, absent or stale, and add retry headers.
 */

export interface SendOptions {
  /** `stale`: signed 6 minutes ago; `future`: signed for 6 minutes from now. */
  signature?: 'valid' | 'bad' | 'absent' | 'stale' | 'future';
  retryNum?: number;
  retryReason?: string;
  headers?: Record<string, string>;
}

export interface SendResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function signBody(secret: string, timestamp: number, body: string | Buffer): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

export class SlackSender {
  /** @param url the app's events URL, e.g. http://127.0.0.1:PORT/slack/events */
  constructor(
    readonly url: string,
    private readonly signingSecret: string,
  ) {}

  /** An Events API envelope (see payloads.eventCallback). */
  event(envelope: Body, options: SendOptions = {}): Promise<SendResult> {
    return this.send(JSON.stringify(envelope), 'application/json', options);
  }

  /** A slash command's form fields (see payloads.slashCommand). */
  command(fields: Record<string, string>, options: SendOptions = {}): Promise<SendResult> {
    return this.send(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
  }

  /** An interactivity payload (see payloads.blockAction), sent as `payload=<json>`. */
  action(payload: Body, options: SendOptions = {}): Promise<SendResult> {
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', options);
  }

  headersFor(body: string | Buffer, options: SendOptions = {}): Record<string, string> {
    const mode = options.signature ?? 'valid';
    const skew = mode === 'stale' ? -6 * 60 : mode === 'future' ? 6 * 60 : 0;
    const timestamp = Math.floor(Date.now() / 1000) + skew;
    const headers: Record<string, string> = { ...options.headers };
    if (mode !== 'absent') {
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = mode === 'bad' ? signBody('not-the-signing-secret', timestamp, body) : signBody(this.signingSecret, timestamp, body);
    }
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
    }
    return headers;
  }

  /** POST any body; resolves with the status even if the server cuts the upload short. */
  send(body: string | Buffer, contentType: string, options: SendOptions = {}): Promise<SendResult> {
    const headers = { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...this.headersFor(body, options) };
    return new Promise((resolve, reject) => {
      const req = request(this.url, { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Stream `totalBytes` of filler in chunks (with a matching Content-Length
   * unless `declareLength` is false) and report the status the app answered
   * with, without waiting for the upload to finish.
   */
  sendHuge(totalBytes: number, declareLength = true): Promise<{ status: number; sentBytes: number }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(declareLength ? { 'content-length': String(totalBytes) } : {}),
      ...this.headersFor('{}'),
    };
    return new Promise((resolve, reject) => {
      let sent = 0;
      let done = false;
      const req = request(this.url, { method: 'POST', headers }, (res) => {
        done = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentBytes: sent });
        req.destroy();
      });
      req.on('error', (err) => {
        if (!done) reject(err);
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!done && sent < totalBytes) {
          const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
          sent += piece.length;
          if (!req.write(piece)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!done) req.end();
      };
      pump();
    });
  }
}
