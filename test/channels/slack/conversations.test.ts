import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { payloads, type RecordedCall } from '../../support/slack-sim/index.js';
import { type Harness, startHarness, type Transport, transportFor } from './harness.js';

const { eventCallback, mention, directMessage, slashCommand, nextTs } = payloads;

const text = (value: unknown): string => JSON.stringify(value);

describe('Slack conversations (HTTP mode)', () => {
  let h: Harness;
  let slack: Transport;

  beforeAll(async () => {
    h = await startHarness('http');
    slack = transportFor('http', h);
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  async function replyTo(event: Record<string, unknown>): Promise<RecordedCall> {
    h.sim.reset();
    await slack.event(eventCallback(event));
    const [call] = await h.sim.waitForCalls('chat.postMessage');
    if (!call) throw new Error('no reply');
    return call;
  }

  it('a thread is a conversation: a follow-up mention in it is read against the thread', async () => {
    const parent = nextTs();
    await replyTo(mention({ text: '<@U0BOT> what did the pentagon announce?', ts: parent }));
    const followUp = await replyTo(mention({ text: '<@U0BOT> where was it?', thread_ts: parent }));
    expect(followUp.args.thread_ts).toBe(parent);
    expect(String(followUp.args.text)).toContain('Syria');
    // The same words in another thread have no conversation behind them.
    const elsewhere = await replyTo(mention({ text: '<@U0BOT> where was it?', thread_ts: nextTs() }));
    expect(text(elsewhere.args.blocks)).not.toContain('sentence 8 of 15');
  });

  it('a DM is a conversation', async () => {
    await replyTo(directMessage({ text: 'when did the talks between the US and Iraq begin?', channel: 'D0CONV' }));
    const more = await replyTo(directMessage({ text: 'tell me more', channel: 'D0CONV' }));
    expect(text(more.args.blocks)).toMatch(/sentence \d+ of 15/);
  });

  it('the slash command keeps one conversation per person and channel', async () => {
    await slack.command(slashCommand({ text: 'what did the pentagon announce?', responseUrl: h.sim.responseUrl(), user: 'U0ONE', channel: 'C0CONV' }));
    const same = await slack.command(slashCommand({ text: 'where was it?', responseUrl: h.sim.responseUrl(), user: 'U0ONE', channel: 'C0CONV' }));
    expect(text(same.blocks)).toContain('Syria');
    const other = await slack.command(slashCommand({ text: 'where was it?', responseUrl: h.sim.responseUrl(), user: 'U0TWO', channel: 'C0CONV' }));
    expect(text(other.blocks)).not.toContain('sentence 8 of 15');
  });

  it('a two-part question is one message with a section per part', async () => {
    const call = await replyTo(mention({ text: '<@U0BOT> How many ISIS operatives were killed and where?', ts: nextTs() }));
    const blocks = text(call.args.blocks);
    expect(blocks).toMatch(/four/i);
    expect(blocks).toContain('Syria');
    expect((call.args.blocks as { type: string }[]).filter((b) => b.type === 'divider')).toHaveLength(1);
  });
});
