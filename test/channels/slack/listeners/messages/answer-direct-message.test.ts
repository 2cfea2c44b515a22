import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerDirectMessage } from '../../../../../src/channels/slack/listeners/messages/answer-direct-message.js';
import { payloads } from '../../../../support/slack-sim/index.js';
import { allText } from '../../harness.js';
import { eventArgs, type ListenerKit, startKit } from '../kit.js';

type MessageArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

let kit: ListenerKit;
beforeEach(async () => {
  kit = await startKit();
});
afterEach(() => kit.close());

const receive = (event: Record<string, unknown>) => answerDirectMessage(kit.deps)(eventArgs<MessageArgs>(kit, event));

describe('a direct message to the bot', () => {
  it('is answered in the DM itself, not in a thread', async () => {
    await receive(payloads.directMessage({ text: 'when did the talks begin?', ts: '300.1' }));
    const [post] = await kit.sim.waitForCalls('chat.postMessage');
    expect(post?.args.channel).toBe('D0DM');
    expect(post?.args.thread_ts).toBeUndefined();
    expect(allText(post?.args.blocks)).toContain('April');
  });

  it('is not answered when it is an edit, or the bot’s own message', async () => {
    await receive(payloads.directMessage({ text: 'when did the talks begin?', ts: '300.2', subtype: 'message_changed' }));
    await receive(payloads.directMessage({ text: 'when did the talks begin?', ts: '300.3', user: 'U0BOT' }));
    expect(kit.sim.calls).toHaveLength(0);
  });

  it('leaves channel messages alone (they arrive as mentions)', async () => {
    await receive({ ...payloads.directMessage({ text: 'when did the talks begin?', ts: '300.4', channel: 'C0GENERAL' }), channel_type: 'channel' });
    expect(kit.sim.calls).toHaveLength(0);
  });
});
