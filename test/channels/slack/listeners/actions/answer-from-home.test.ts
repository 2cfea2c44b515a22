import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerFromHome } from '../../../../../src/channels/slack/listeners/actions/answer-from-home.js';
import type { ButtonArgs } from '../../../../../src/channels/slack/listeners/actions/respond.js';
import { payloads } from '../../../../support/slack-sim/index.js';
import { allText } from '../../harness.js';
import { buttonArgs, type ListenerKit, startKit } from '../kit.js';

let kit: ListenerKit;
beforeEach(async () => {
  kit = await startKit();
});
afterEach(() => kit.close());

describe('an example question is clicked on the App Home tab', () => {
  it('acks, then answers in the direct messages with that person, echoing the question', async () => {
    const body = payloads.blockAction({
      actionId: 'home_ask:0',
      value: 'talks-start',
      text: 'When did the talks begin?',
      responseUrl: kit.sim.responseUrl(),
      user: 'U0HOME',
    });
    await answerFromHome(kit.deps)(buttonArgs<ButtonArgs>(kit, body));
    expect(kit.acks).toHaveLength(1);
    const [post] = await kit.sim.waitForCalls('chat.postMessage');
    expect(post?.args.channel).toBe('U0HOME');
    expect(allText(post?.args.blocks)).toContain('You asked: When did the talks begin?');
    expect(allText(post?.args.blocks)).toContain('April');
  });
});
