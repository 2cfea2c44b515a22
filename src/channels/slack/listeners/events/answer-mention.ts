import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { type SlackDeps, answerText, firstAnswer } from '../../answering.js';
import { conversationOf, isFromPerson, post, replyTarget } from '../../conversation.js';

type MentionArgs = SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs;

/** @-mention in a channel: answer in the thread of the mention (or the thread it was in). */
export function answerMention(deps: SlackDeps) {
  return async function answerMentionListener({ event, client, context }: MentionArgs): Promise<void> {
    if (!isFromPerson(event, context.botUserId) || !firstAnswer(deps, event.channel, event.ts)) return;
    const target = replyTarget(event);
    const { message } = await answerText(deps, event.text, {
      surface: 'mention',
      conversation: conversationOf(target),
      ...(event.user ? { user: event.user } : {}),
    });
    await post(client, deps.logger, target, message, { surface: 'mention' });
  };
}
