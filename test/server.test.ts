import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../src/channels/channel.js';
import { Readiness } from '../src/health.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { watchArrivals } from '../src/server.js';
import { connect } from 'node:net';
import { serveChannels, type Served } from './support/serve.js';

// A channel that owns GET /hello and throws on GET /boom.
const hello: Channel = {
  name: 'hello',
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.url === '/boom') throw new Error('listener bug');
    if (req.url === '/echo') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.end(`got ${body}`));
      return true;
    }
    if (req.url !== '/hello') return false;
    res.end('hi');
    return true;
  },
  start: async () => {},
  stop: async () => {},
};

describe('the one HTTP server', () => {
  let served: Served;
  const url = (path: string): string => `http://127.0.0.1:${served.port}${path}`;
  beforeAll(async () => {
    served = await serveChannels([hello], createLogger({ level: 'error', stream: new PassThrough() }));
  });
  afterAll(() => served.close());

  it('answers /healthz with the channels it serves', async () => {
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, channels: ['hello'] });
  });

  it('hands other paths to the channels, then 404', async () => {
    expect(await (await fetch(url('/hello'))).text()).toBe('hi');
    expect((await fetch(url('/nope'))).status).toBe(404);
  });

  it('turns a throwing channel into a 500 and stays up', async () => {
    expect((await fetch(url('/boom'))).status).toBe(500);
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });
});

/** A raw request with an `Upgrade` header (fetch refuses to send one). */
function upgradeRequest(port: number, path: string, method: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'Upgrade', upgrade: 'h2c' };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('upgrade', () => reject(new Error('the server switched protocols')));
    req.on('error', reject);
    req.end(body);
  });
}

describe('a request with an Upgrade header that no channel takes over', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveChannels([hello], createLogger({ level: 'error', stream: new PassThrough() }));
  });
  afterAll(() => served.close());

  it('is served like any other: /healthz answers 200, a body still arrives, an unknown path is a 404', async () => {
    expect(await upgradeRequest(served.port, '/healthz', 'GET')).toMatchObject({ status: 200, text: '{"ok":true,"channels":["hello"]}' });
    expect(await upgradeRequest(served.port, '/echo', 'POST', 'abc')).toEqual({ status: 200, text: 'got abc' });
    expect((await upgradeRequest(served.port, '/nope', 'GET')).status).toBe(404);
  });

  it('asks for a Content-Length rather than read a chunked body, and stays up', async () => {
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: served.port, path: '/echo', method: 'POST', headers: { connection: 'Upgrade', upgrade: 'h2c' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('abc');
      req.end();
    });
    expect(chunked).toBe(411);
    expect((await upgradeRequest(served.port, '/healthz', 'GET')).status).toBe(200);
  });
});

describe('readiness and metrics', () => {
  let served: Served;
  let slackOk = true;
  const readiness = new Readiness();
  const metrics = createMetrics();
  const url = (path: string): string => `http://127.0.0.1:${served.port}${path}`;
  beforeAll(async () => {
    readiness.register('content', () => ({ ok: true }));
    readiness.register('slack', () => ({ ok: slackOk, detail: slackOk ? 'auth ok' : 'invalid_auth' }));
    served = await serveChannels([hello], createLogger({ level: 'error', stream: new PassThrough() }), [hello], { readiness, metrics });
  });
  afterAll(() => served.close());

  it('/readyz is 200 with every check while all pass, 503 naming the one that fails', async () => {
    const ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      draining: false,
      checks: { content: { ok: true }, slack: { ok: true, detail: 'auth ok' }, draining: { ok: true } },
    });
    slackOk = false;
    const unready = await fetch(url('/readyz'));
    expect(unready.status).toBe(503);
    expect(await unready.json()).toMatchObject({ ready: false, checks: { slack: { ok: false, detail: 'invalid_auth' } } });
    slackOk = true;
  });

  it('/readyz turns 503 once draining, while /healthz stays alive', async () => {
    readiness.startDraining();
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ready: false, draining: true, checks: { draining: { ok: false } } });
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  it('/metrics serves the Prometheus text format', async () => {
    metrics.countQuestion('web', 'answer', 0.004);
    metrics.countVote('slack', 'up');
    metrics.countSlackError('invalid_auth');
    metrics.watchWebConnections(() => 3);
    metrics.observeSlackAck(0.02);
    const res = await fetch(url('/metrics'));
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('isis_bot_questions_total{channel="web",kind="answer"} 1');
    expect(text).toContain('isis_bot_answer_seconds_bucket{le="0.005",channel="web"} 1');
    expect(text).toContain('isis_bot_feedback_votes_total{channel="slack",vote="up"} 1');
    expect(text).toContain('isis_bot_slack_api_errors_total{code="invalid_auth"} 1');
    expect(text).toContain('isis_bot_web_connections 3');
    expect(text).toContain('isis_bot_slack_ack_seconds_bucket{le="0.025"} 1');
  });
});

describe('watchArrivals: are connections arriving?', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveChannels([hello], createLogger({ level: 'error', stream: new PassThrough() }));
  });
  afterAll(() => served.close());

  it('says yes from a connection until its request is read, and forgets a silent one after freshMs', async () => {
    const arriving = watchArrivals(served.server, 150);
    expect(arriving()).toBe(false);
    const socket = connect(served.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    await expect.poll(arriving).toBe(true);
    socket.write('GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    expect(arriving()).toBe(false);
    const silent = connect(served.port, '127.0.0.1');
    await expect.poll(arriving).toBe(true);
    await expect.poll(arriving, { timeout: 1_000 }).toBe(false);
    socket.destroy();
    silent.destroy();
  });
});
