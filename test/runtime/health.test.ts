import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createHttpServer, listen } from '../../src/server.js';

describe('/healthz', () => {
  it('shows the content version the app answers from, read at each request', async () => {
    let version = 'aaaaaaaaaaaa';
    const server = createHttpServer({ channels: [], logger: createLogger({ stream: new PassThrough() }), health: () => ({ version }) });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const health = async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
      expect(await health()).toEqual({ ok: true, channels: [], version: 'aaaaaaaaaaaa' });
      version = 'bbbbbbbbbbbb';
      expect(await health()).toMatchObject({ version: 'bbbbbbbbbbbb' });
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});
