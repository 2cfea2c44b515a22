import { describe, expect, it } from 'vitest';
import { RecentKeys } from '../../../src/channels/slack/dedupe.js';

describe('RecentKeys: bounded dedupe memory', () => {
  it('reports a key seen before, and any of several keys', () => {
    const recent = new RecentKeys();
    expect(recent.checkAndAdd(['event:1', 'msg:C:1'])).toBe(false);
    expect(recent.checkAndAdd(['event:1'])).toBe(true);
    expect(recent.checkAndAdd(['event:2', 'msg:C:1'])).toBe(true);
  });

  it('forgets keys after the TTL', () => {
    let now = 0;
    const recent = new RecentKeys(10 * 60_000, 100, () => now);
    recent.checkAndAdd(['a']);
    now = 10 * 60_000 - 1;
    expect(recent.checkAndAdd(['a'])).toBe(true);
    now += 10 * 60_000 + 1;
    expect(recent.checkAndAdd(['a'])).toBe(false);
  });

  it('never holds more than its cap', () => {
    const recent = new RecentKeys(60 * 60_000, 50);
    for (let i = 0; i < 1_000; i += 1) recent.checkAndAdd([`k${i}`]);
    expect(recent.size).toBe(50);
    expect(recent.checkAndAdd(['k999'])).toBe(true);
    expect(recent.checkAndAdd(['k0'])).toBe(false);
  });
});
