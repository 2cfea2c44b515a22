import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../src/channels/channel.js';
import { createLogger } from '../src/logger.js';
import { serveChannels, type Served } from './support/serve.js';

// A channel that owns GET /hello and throws on GET /boom.
const hello: Channel = {
  name: 'hello',
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.url === '/boom') throw new Error('listener bug');
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
    served = await serveChannels([hello], createLogger({ level: 'error', stream: new (await import('node:stream')).PassThrough() }));
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
