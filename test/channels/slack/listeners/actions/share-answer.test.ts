import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeAnswerRef } from '../../../../../src/channels/slack/blocks.js';
import type { ButtonArgs } from '../../../../../src/channels/slack/listeners/actions/respond.js';
import { shareAnswer } from '../../../../../src/channels/slack/listeners/actions/share-answer.js';
import { payloads } from '../../../../support/slack-sim/index.js';
import { allText } from '../../harness.js';
import { buttonArgs, type ListenerKit, startKit } from '../kit.js';

let kit: ListenerKit;
beforeEach(async () => {
  kit = await startKit();
});
afterEach(() => kit.close());

const click = (value: string) =>
  buttonArgs<ButtonArgs>(
    kit,
    payloads.blockAction({
      actionId: 'share_answer',
      value,
      responseUrl: kit.sim.responseUrl(),
      message: { ts: '100.6', channel: 'C0GENERAL' },
      ephemeral: true,
    }),
  );

describe('"Share in channel" is clicked on an ephemeral answer', () => {
  it('posts the answer for everyone, attributed to the asker, then deletes the ephemeral one', async () => {
    await shareAnswer(kit.deps)(click(encodeAnswerRef({ intent: 'raid-location', question: 'where was the raid?' })));
    const [shared, deleted] = await kit.sim.waitForResponses(2);
    expect(shared?.body.response_type).toBe('in_channel');
    expect(allText(shared?.body.blocks)).toContain('<@U0ASKER> asked: where was the raid?');
    expect(deleted?.body).toEqual({ delete_original: true });
  });

  it('does nothing but ack for a button value it cannot read', async () => {
    await shareAnswer(kit.deps)(click('not json'));
    expect(kit.acks).toHaveLength(1);
    expect(kit.sim.responses).toHaveLength(0);
  });
});
