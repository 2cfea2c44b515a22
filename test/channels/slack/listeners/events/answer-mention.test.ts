import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerMention } from '../../../../../src/channels/slack/listeners/events/answer-mention.js';
import { payloads } from '../../../../support/slack-sim/index.js';
import { allText } from '../../harness.js';
import { eventArgs, type ListenerKit, startKit } from '../kit.js';

type MentionArgs = SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs;

let kit: ListenerKit;
beforeEach(async () => {
  kit = await startKit();
});
afterEach(() => kit.close());

const mention = (options: payloads.MessageOptions) => answerMention(kit.deps)(eventArgs<MentionArgs>(kit, payloads.mention(options)));

describe('an @-mention in a channel', () => {
  it('is answered in the thread of the mention, the mention itself not read as part of the question', async () => {
    await mention({ text: '<@U0BOT> where was the raid?', ts: '200.1' });
    const [post] = await kit.sim.waitForCalls('chat.postMessage');
    expect(post?.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '200.1' });
    expect(allText(post?.args.blocks)).toContain('Syria');
  });

  it('is answered once, however often the same message arrives', async () => {
    await mention({ text: '<@U0BOT> where was the raid?', ts: '200.2' });
    await mention({ text: '<@U0BOT> where was the raid?', ts: '200.2' });
    expect(kit.sim.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('from a bot is not answered', async () => {
    await mention({ text: '<@U0BOT> where was the raid?', ts: '200.3', bot_id: 'B0OTHER' });
    expect(kit.sim.calls).toHaveLength(0);
  });
});
