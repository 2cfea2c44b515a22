import { describe, expect, it } from 'vitest';
import { isValidSignature, parseBody } from '../../../src/channels/slack/http-receiver.js';
import { signBody } from '../../support/slack-sim/index.js';

describe('isValidSignature (v0 HMAC of "v0:ts:body")', () => {
  const secret = 'abcdef0123456789abcdef';
  const body = Buffer.from('{"type":"event_callback"}');

  it('accepts Slack’s signature', () => {
    expect(isValidSignature(secret, '1700000000', body, signBody(secret, 1700000000, body))).toBe(true);
  });

  it('rejects another secret, another timestamp, another body, or a malformed signature', () => {
    const good = signBody(secret, 1700000000, body);
    expect(isValidSignature('other-secret-000000', '1700000000', body, good)).toBe(false);
    expect(isValidSignature(secret, '1700000001', body, good)).toBe(false);
    expect(isValidSignature(secret, '1700000000', Buffer.from('{}'), good)).toBe(false);
    expect(isValidSignature(secret, '1700000000', body, 'v0=short')).toBe(false);
  });
});

describe('parseBody', () => {
  it('reads JSON events, form slash commands and payload= interactivity', () => {
    expect(parseBody(Buffer.from('{"type":"x"}'), 'application/json')).toEqual({ type: 'x' });
    expect(parseBody(Buffer.from('command=%2Fisis-mission&text=a+b'), 'application/x-www-form-urlencoded')).toEqual({ command: '/isis-mission', text: 'a b' });
    expect(parseBody(Buffer.from(`payload=${encodeURIComponent('{"type":"block_actions"}')}`), 'application/x-www-form-urlencoded')).toEqual({
      type: 'block_actions',
    });
  });

  it('returns null for what it cannot read', () => {
    expect(parseBody(Buffer.from('{oops'), 'application/json')).toBeNull();
    expect(parseBody(Buffer.from('[1]'), 'application/json')).toBeNull();
    expect(parseBody(Buffer.from('payload=%7Boops'), 'application/x-www-form-urlencoded')).toBeNull();
  });
});
