import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { payloads, sleep } from '../../support/slack-sim/index.js';
import { BOT_TOKEN, type Harness, SIGNING_SECRET, startHarness } from './harness.js';

const { eventCallback, mention, slashCommand, blockAction, nextTs } = payloads;

describe('Slack in HTTP mode, on the shared server', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness('http');
    base = `http://127.0.0.1:${h.port}`;
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('answers the url_verification challenge', async () => {
    const res = await h.sender.event({ type: 'url_verification', token: 't', challenge: 'chal-123' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'chal-123' });
  });

  it('answers ssl_check with 200', async () => {
    const res = await h.sender.command({ ssl_check: '1', token: 't' });
    expect(res.status).toBe(200);
  });

  it('claims only POST /slack/events: /healthz still answers, other paths fall through to 404', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/slack/events`)).status).toBe(404);
    expect((await fetch(`${base}/slack/other`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${base}/`)).status).toBe(404);
  });

  it.each(['bad', 'absent', 'stale'] as const)('a %s signature gets 401 and no reply', async (signature) => {
    const envelope = eventCallback(mention({ text: '<@U0BOT> When did the talks begin?' }));
    const results = await Promise.all([
      h.sender.event(envelope, { signature }),
      h.sender.command(slashCommand({ text: 'When did the talks begin?', responseUrl: h.sim.responseUrl() }), { signature }),
      h.sender.action(
        blockAction({ actionId: 'show_context', value: '3', responseUrl: h.sim.responseUrl(), message: { ts: nextTs(), channel: 'C0GENERAL' } }),
        { signature },
      ),
    ]);
    expect(results.map((r) => r.status)).toEqual([401, 401, 401]);
    await sleep(150);
    expect(h.sim.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
    expect(h.sim.responses).toHaveLength(0);
    expect(h.logs.events('slack_request_rejected').length).toBeGreaterThanOrEqual(3);
  });

  it('a signed body with one byte changed gets 401', async () => {
    const body = JSON.stringify(eventCallback(mention({ text: '<@U0BOT> When did the talks begin?' })));
    const headers = h.sender.headersFor(body);
    const res = await fetch(h.sender.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: body.replace('talks', 'tanks'),
    });
    expect(res.status).toBe(401);
  });

  it('a body over the limit gets 413 before it is read whole', async () => {
    const declared = await h.sender.sendHuge(10 * 1024 * 1024);
    expect(declared.status).toBe(413);
    const chunked = await h.sender.sendHuge(10 * 1024 * 1024, false);
    expect(chunked.status).toBe(413);
    expect(chunked.sentBytes).toBeLessThan(10 * 1024 * 1024);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('an unreadable but signed body gets 400', async () => {
    const res = await h.sender.send('{not json', 'application/json');
    expect(res.status).toBe(400);
  });

  it('a retry arriving while the first delivery is still being answered gets one reply', async () => {
    h.sim.fault('chat.postMessage', { rateLimited: 1 }, 1);
    const envelope = eventCallback(mention({ text: '<@U0BOT> When did the talks begin?' }));
    expect((await h.sender.event(envelope)).status).toBe(200);
    expect((await h.sender.event(envelope, { retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    await h.sim.waitForCalls('chat.postMessage', 2, 8_000);
    await sleep(200);
    expect(h.sim.callsTo('chat.postMessage')).toHaveLength(2); // the rate-limited try and its retry, one reply
    expect(h.logs.events('slack_duplicate_skipped').at(-1)).toMatchObject({ key: 'event_id', retryNum: 1 });
  });

  it('never logs the bot token or the signing secret', () => {
    const all = h.logs.lines.join('\n');
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(SIGNING_SECRET);
    expect(all).not.toContain('legacy-verification-token');
  });
});

describe('Slack in HTTP mode, stopping', () => {
  it('refuses new requests with 503 once stopped, and stop() is safe to call twice', async () => {
    const h = await startHarness('http');
    await h.channel.stop();
    await h.channel.stop();
    const res = await h.sender.event(eventCallback(mention({ text: '<@U0BOT> hi' })));
    expect(res.status).toBe(503);
    await h.close();
  });
});
