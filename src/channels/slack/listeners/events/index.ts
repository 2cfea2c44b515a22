import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { type SlackDeps, answerText, firstAnswer } from '../../answering.js';
import { renderHome } from '../../blocks.js';
import { conversationOf, isFromPerson, post, replyTarget } from '../../conversation.js';
import { deliver } from '../../deliver.js';

type MentionArgs = SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs;
type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** @-mention in a channel: answer in the thread of the mention (or the thread it was in). */
export function answerMention(deps: SlackDeps) {
  return async function answerMentionListener({ event, client, context }: MentionArgs): Promise<void> {
    if (!isFromPerson(event, context.botUserId) || !firstAnswer(deps, event.channel, event.ts)) return;
    const target = replyTarget(event);
    const { message } = await answerText(deps, event.text, { surface: 'mention', conversation: conversationOf(target), ...(event.user ? { user: event.user } : {}) });
    await post(client, deps.logger, target, message, { surface: 'mention' });
  };
}

/** App Home tab: what the bot does, example questions as buttons. */
export function publishHome(deps: SlackDeps) {
  return async function publishHomeListener({ event, client }: HomeOpenedArgs): Promise<void> {
    if (event.tab !== 'home') return;
    let view;
    try {
      view = renderHome(deps.engine.article, deps.engine.examples(5));
    } catch (err) {
      deps.logger.error({ event: 'slack_home_failed', user: event.user }, err);
      return;
    }
    await deliver(deps.logger, { call: 'views.publish', user: event.user }, () => client.views.publish({ user_id: event.user, view }));
  };
}

export function registerEventListeners(app: App, deps: SlackDeps): void {
  app.event('app_mention', answerMention(deps));
  app.event('app_home_opened', publishHome(deps));
}
