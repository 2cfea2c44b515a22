import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { payloads } from '../../support/slack-sim/index.js';
import { type Harness, startHarness } from './harness.js';

const { eventCallback, mention } = payloads;

describe('Slack in HTTP mode: an @-mention in a channel', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('http');
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('answers in the thread of the mention, with the mention stripped', async () => {
    const ts = payloads.nextTs();
    const res = await h.sender.event(eventCallback(mention({ text: '<@U0BOT> When did the talks begin?', ts })));
    expect(res.status).toBe(200);
    const [call] = await h.sim.waitForCalls('chat.postMessage');
    expect(call?.args.channel).toBe('C0GENERAL');
    expect(call?.args.thread_ts).toBe(ts);
    expect(JSON.stringify(call?.args.blocks)).toContain('of 15');
  });
});
