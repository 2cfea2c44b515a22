import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../../src/channels/channel.js';
import { securityHeaders } from '../../../src/channels/web/static.js';
import { openClient, startWebChat, type RunningWebChat } from './helpers.js';

let chat: RunningWebChat | undefined;

afterEach(async () => {
  await chat?.close();
  chat = undefined;
});

describe('web chat page: served with security headers', () => {
  it('serves the page, its script and styles with CSP, nosniff and referrer policy', async () => {
    chat = await startWebChat();
    const page = await fetch(`${chat.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${chat.port} wss://127.0.0.1:${chat.port}`);
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<script src="/app.js" defer></script>');
    expect(html).not.toMatch(/<script>|<style|style=|onclick=|https?:\/\//i);

    const script = await fetch(`${chat.url}/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).not.toContain('innerHTML');
    expect((await fetch(`${chat.url}/styles.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('serves the article and the page texts as JSON', async () => {
    chat = await startWebChat();
    const response = await fetch(`${chat.url}/api/article`);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const body = await response.json();
    expect(body).toMatchObject({
      title: 'A <b>fixture</b> article',
      total: 3,
      paragraphs: [
        { number: 1, sentences: [{ number: 1 }, { number: 2 }] },
        { number: 2, sentences: [{ number: 3 }] },
      ],
      examples: [{ intent: 'talks-start' }, { intent: 'raid' }],
      messages: { welcome: expect.any(String), tooLong: expect.any(String) },
    });
  });

  it('answers 304 to a matching ETag and 405 to other methods', async () => {
    chat = await startWebChat();
    const etag = (await fetch(`${chat.url}/`)).headers.get('etag') ?? '';
    expect((await fetch(`${chat.url}/`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const post = await fetch(`${chat.url}/`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('leaves other paths to the next channel, then the server’s 404', async () => {
    const slack: Channel = {
      name: 'slack',
      handleRequest: (req, res) => {
        if (req.url !== '/slack/events') return false;
        res.end('slack');
        return true;
      },
      start: async () => undefined,
      stop: async () => undefined,
    };
    chat = await startWebChat({ extraChannels: [slack] });
    expect(await (await fetch(`${chat.url}/slack/events`, { method: 'POST' })).text()).toBe('slack');
    expect((await fetch(`${chat.url}/nope.js`)).status).toBe(404);
    expect((await fetch(`${chat.url}/../package.json`)).status).toBe(404);
    expect((await fetch(`${chat.url}/healthz`)).status).toBe(200);
  });

  it('omits a malformed Host from the CSP instead of echoing it', () => {
    expect(securityHeaders('evil.example; script-src *')['content-security-policy']).toContain("connect-src 'self';");
    expect(securityHeaders('[::1]:3000')['content-security-policy']).toContain('ws://[::1]:3000');
  });
});

describe('web chat channel: stopping', () => {
  it('closes open sockets with 1001 and is safe to call twice', async () => {
    chat = await startWebChat();
    const client = await openClient(chat.port);
    await Promise.all([chat.channel.stop(), chat.channel.stop()]);
    expect(await client.closed).toBe(1001);
    expect(chat.channel.stats()).toEqual({ connections: 0, addresses: 0 });
  });
});

describe('web chat setup', () => {
  it('runs on the adapter’s own ws, at 7.5.10 or later', () => {
    const fromAdapter = createRequire(createRequire(import.meta.url).resolve('botbuilder-adapter-web'));
    const [major, minor, patch] = (fromAdapter('ws/package.json') as { version: string }).version.split('.').map(Number);
    expect(major).toBe(7);
    expect((minor ?? 0) * 1000 + (patch ?? 0)).toBeGreaterThanOrEqual(5010);
  });
});
