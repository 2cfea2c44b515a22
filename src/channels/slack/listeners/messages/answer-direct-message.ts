import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { type SlackDeps, answerText, firstAnswer } from '../../answering.js';
import { type IncomingMessage, isDirectChannel, isFromPerson, post, replyTarget } from '../../conversation.js';

type MessageArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** A direct message (the Messages tab): answer in the DM. Channel messages arrive as app_mention instead. */
export function answerDirectMessage(deps: SlackDeps) {
  return async function answerDirectMessageListener({ event, client, context }: MessageArgs): Promise<void> {
    const message = event as unknown as IncomingMessage;
    if (message.channel_type !== 'im' && !isDirectChannel(message.channel)) return;
    if (!isFromPerson(message, context.botUserId) || !firstAnswer(deps, message.channel, message.ts)) return;
    const target = replyTarget(message);
    // A DM is one conversation (within the TTL), whichever thread a message is in.
    const answered = await answerText(deps, message.text ?? '', {
      surface: 'dm',
      conversation: `dm:${message.channel}`,
      ...(message.user ? { user: message.user } : {}),
    });
    await post(client, deps.logger, target, answered.message, { surface: 'dm' });
  };
}
