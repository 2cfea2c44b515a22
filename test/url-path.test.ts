import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestPath } from '../src/url-path.js';

const req = (url: string | undefined) => ({ url }) as IncomingMessage;

describe('the path a request is routed on', () => {
  it('drops the query string', () => {
    expect(requestPath(req('/slack/events?ssl_check=1'))).toBe('/slack/events');
  });

  it('is / for a missing or bare-query URL', () => {
    expect(requestPath(req(undefined))).toBe('/');
    expect(requestPath(req('?x=1'))).toBe('/');
  });
});
