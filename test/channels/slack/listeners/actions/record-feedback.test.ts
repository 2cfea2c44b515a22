import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeAnswerRef } from '../../../../../src/channels/slack/blocks.js';
import { recordFeedback } from '../../../../../src/channels/slack/listeners/actions/record-feedback.js';
import type { ButtonArgs } from '../../../../../src/channels/slack/listeners/actions/respond.js';
import { payloads } from '../../../../support/slack-sim/index.js';
import { allText } from '../../harness.js';
import { buttonArgs, type ListenerKit, startKit } from '../kit.js';

let kit: ListenerKit;
beforeEach(async () => {
  kit = await startKit();
});
afterEach(() => kit.close());

const value = encodeAnswerRef({ intent: 'raid-location', question: 'where was the raid?' });
const feedbackBlocks = [
  { type: 'actions', block_id: 'feedback', elements: [] },
  { type: 'section', text: { type: 'mrkdwn', text: 'The raid was in Syria.' } },
];

describe('👍 or 👎 is clicked on an answer', () => {
  it('logs the vote with its intent and question, and thanks in place of the buttons (chat.update)', async () => {
    const body = payloads.blockAction({
      actionId: 'feedback_down',
      value,
      responseUrl: kit.sim.responseUrl(),
      message: { ts: '100.4', channel: 'C0GENERAL', blocks: feedbackBlocks },
    });
    await recordFeedback(kit.deps)(buttonArgs<ButtonArgs>(kit, body));
    expect(kit.logs.events('slack_feedback')).toEqual([
      expect.objectContaining({ vote: 'down', intent: 'raid-location', question: 'where was the raid?', user: 'U0ASKER', slackChannel: 'C0GENERAL' }),
    ]);
    const [update] = await kit.sim.waitForCalls('chat.update');
    expect(update?.args).toMatchObject({ channel: 'C0GENERAL', ts: '100.4' });
    expect(allText(update?.args.blocks)).toContain('Thanks for the feedback 👎');
    expect(allText(update?.args.blocks)).toContain('The raid was in Syria.');
  });

  it('on an ephemeral answer: re-renders it through the response URL with the thanks', async () => {
    const body = payloads.blockAction({
      actionId: 'feedback_up',
      value,
      responseUrl: kit.sim.responseUrl(),
      message: { ts: '100.5', channel: 'C0GENERAL' },
      ephemeral: true,
    });
    await recordFeedback(kit.deps)(buttonArgs<ButtonArgs>(kit, body));
    const [response] = await kit.sim.waitForResponses();
    expect(response?.body.replace_original).toBe(true);
    expect(allText(response?.body.blocks)).toContain('Thanks for the feedback 👍');
    expect(kit.sim.callsTo('chat.update')).toHaveLength(0);
  });
});
