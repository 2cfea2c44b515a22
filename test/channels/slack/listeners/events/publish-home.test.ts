import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishHome } from '../../../../../src/channels/slack/listeners/events/publish-home.js';
import { payloads } from '../../../../support/slack-sim/index.js';
import { allText } from '../../harness.js';
import { eventArgs, type ListenerKit, startKit } from '../kit.js';

type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

let kit: ListenerKit;
beforeEach(async () => {
  kit = await startKit();
});
afterEach(() => kit.close());

describe('the App Home tab is opened', () => {
  it('publishes the home view, with example questions as buttons, for that person', async () => {
    await publishHome(kit.deps)(eventArgs<HomeOpenedArgs>(kit, payloads.homeOpened('U0HOME')));
    const [publish] = await kit.sim.waitForCalls('views.publish');
    expect(publish?.args.user_id).toBe('U0HOME');
    expect(allText(publish?.args.view)).toContain('home_ask:0');
  });

  it('publishes nothing when the Messages tab is opened instead', async () => {
    await publishHome(kit.deps)(eventArgs<HomeOpenedArgs>(kit, payloads.homeOpened('U0HOME', 'messages')));
    expect(kit.sim.calls).toHaveLength(0);
  });
});
