import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ButtonArgs } from '../../../../../src/channels/slack/listeners/actions/respond.js';
import { showContext } from '../../../../../src/channels/slack/listeners/actions/show-context.js';
import { SLACK_MESSAGES } from '../../../../../src/channels/slack/messages.js';
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
    payloads.blockAction({ actionId: 'show_context', value, responseUrl: kit.sim.responseUrl(), message: { ts: '100.3', channel: 'C0GENERAL' } }),
  );

describe('"Show context" is clicked under an answer', () => {
  it('shows the sentence’s paragraph, the sentence in bold, only to the clicker', async () => {
    await showContext(kit.deps)(click('8'));
    const [response] = await kit.sim.waitForResponses();
    expect(response?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(allText(response?.body.blocks)).toMatch(/\*The Pentagon recently announced a raid in Syria/);
  });

  it('says the part is gone when the sentence number is not in the article', async () => {
    await showContext(kit.deps)(click('99'));
    const [response] = await kit.sim.waitForResponses();
    expect(response?.body.text).toBe(SLACK_MESSAGES.contextMissing);
  });
});
