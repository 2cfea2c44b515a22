import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerButton } from '../../../../../src/channels/slack/listeners/actions/answer-button.js';
import type { ButtonArgs } from '../../../../../src/channels/slack/listeners/actions/respond.js';
import { payloads } from '../../../../support/slack-sim/index.js';
import { allText } from '../../harness.js';
import { buttonArgs, type ListenerKit, startKit } from '../kit.js';

let kit: ListenerKit;
beforeEach(async () => {
  kit = await startKit();
});
afterEach(() => kit.close());

const click = (options: Partial<payloads.ActionOptions>) =>
  buttonArgs<ButtonArgs>(
    kit,
    payloads.blockAction({ actionId: 'ask_intent:0', value: 'raid-location', text: 'Where was the raid?', responseUrl: kit.sim.responseUrl(), ...options }),
  );

describe('a "did you mean" or related-question button is clicked', () => {
  it('on a channel message: acks, then answers the chosen intent in that message’s thread, naming who asked', async () => {
    await answerButton(kit.deps)(click({ message: { ts: '100.1', channel: 'C0GENERAL' } }));
    expect(kit.acks).toEqual([undefined]);
    const [post] = await kit.sim.waitForCalls('chat.postMessage');
    expect(post?.args).toMatchObject({ channel: 'C0GENERAL', thread_ts: '100.1' });
    expect(allText(post?.args.blocks)).toContain('<@U0ASKER> asked: Where was the raid?');
    expect(allText(post?.args.blocks)).toContain('Syria');
  });

  it('on an ephemeral message: answers only the clicker, through the response URL, with Share in channel', async () => {
    await answerButton(kit.deps)(click({ message: { ts: '100.2', channel: 'C0GENERAL' }, ephemeral: true }));
    const [response] = await kit.sim.waitForResponses();
    expect(response?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(allText(response?.body.blocks)).toContain('share_answer');
    expect(kit.sim.callsTo('chat.postMessage')).toHaveLength(0);
  });
});
