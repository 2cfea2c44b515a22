import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../answering.js';
import { renderHome } from '../../blocks.js';
import { deliver } from '../../deliver.js';

type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** App Home tab: what the bot does, example questions as buttons. */
export function publishHome(deps: SlackDeps) {
  return async function publishHomeListener({ event, client }: HomeOpenedArgs): Promise<void> {
    if (event.tab !== 'home') return;
    let view: ReturnType<typeof renderHome>;
    try {
      view = renderHome(deps.engine.article, deps.engine.examples(5));
    } catch (err) {
      deps.logger.error({ event: 'slack_home_failed', user: event.user }, err);
      return;
    }
    await deliver(deps.logger, { call: 'views.publish', user: event.user }, () => client.views.publish({ user_id: event.user, view }));
  };
}
