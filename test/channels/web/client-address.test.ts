import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressGroup, clientAddress } from '../../../src/channels/web/client-address.js';

const req = (remoteAddress: string, forwarded?: string): IncomingMessage =>
  ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless proxies are trusted: anyone can write one', () => {
    expect(clientAddress(req('203.0.113.9', '198.51.100.1'), 0)).toBe('203.0.113.9');
  });

  it('takes the address the trusted proxy saw, not what the client wrote before it', () => {
    expect(clientAddress(req('127.0.0.1', 'forged, 198.51.100.7'), 1)).toBe('198.51.100.7');
    expect(clientAddress(req('127.0.0.1', '198.51.100.7, 10.0.0.2'), 2)).toBe('198.51.100.7');
    expect(clientAddress(req('127.0.0.1'), 1)).toBe('127.0.0.1');
    expect(clientAddress(req('127.0.0.1', 'not-an-address'), 1)).toBe('127.0.0.1');
  });

  it('reads IPv4-mapped IPv6 peers as IPv4', () => {
    expect(clientAddress(req('::ffff:192.0.2.5'), 0)).toBe('192.0.2.5');
  });
});

describe('addressGroup', () => {
  it('keeps IPv4 addresses apart', () => {
    expect(addressGroup('192.0.2.5')).toBe('192.0.2.5');
  });

  it('groups IPv6 addresses by their /64, however they are written', () => {
    const group = '2001:db8:1:2::/64';
    expect(addressGroup('2001:db8:1:2::1')).toBe(group);
    expect(addressGroup('2001:0db8:0001:0002:ffff:eeee:dddd:cccc')).toBe(group);
    expect(addressGroup('2001:db8:1:2:0:0:0:abcd')).toBe(group);
    expect(addressGroup('2001:db8:1:3::1')).not.toBe(group);
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
